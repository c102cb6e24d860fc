"""What a primary's command stream carries, compared byte for byte with
Debian's redis-server 7.0 doing the same: relative expiry as absolute
(SET ... EX as PXAT, EXPIRE as PEXPIREAT), a key found expired as DEL,
blocking pops as their non-blocking form (served at once and served
later), script effects and transactions wrapped in MULTI/EXEC,
INCRBYFLOAT as SET ... KEEPTTL. A raw socket is the replica (PSYNC ? -1);
absolute times are masked before the comparison.

Every test starts its own servers on loopback ports; waits are bounded.
"""

import re
import threading
import time

from modis_helpers import Server, encode_command, start_reference
from test_replication import full_sync, wait_for

END = encode_command("SET", "zz-end", "1")


def stream_of(prim):
    """Run the workload on prim; the stream bytes its replica received."""
    conn, _, _ = full_sync(prim)
    c = prim.client()
    c.set("k1", "v", ex=100)
    c.expire("k1", 200)
    c.setex("k2", 100, "v")
    c.set("k3", "v", px=1)
    time.sleep(0.05)
    assert c.get("k3") is None  # found expired: a DEL
    c.rpush("list", "a", "b")
    assert c.blpop("list", 0) == (b"list", b"a")
    got = []
    t = threading.Thread(target=lambda: got.append(prim.client().brpop("list2", 5)))
    t.start()
    wait_for(lambda: c.info("clients")["blocked_clients"] == 1, what="blocked")
    c.rpush("list2", "x", "y")
    t.join(10)
    assert got == [(b"list2", b"y")]
    c.eval("redis.call('set', 's1', '1') redis.call('incr', 's2') return 1", 0)
    with c.pipeline(transaction=True) as p:
        p.set("t1", "1")
        p.incr("t2")
        p.execute()
    c.incrbyfloat("f", 1.5)
    c.execute_command("SET", "zz-end", "1")
    deadline = time.monotonic() + 10
    while END not in conn.buf:
        assert time.monotonic() < deadline, "stream incomplete: %r" % conn.buf
        conn._fill(timeout=1.0)
    out = conn.buf[:conn.buf.index(END) + len(END)]
    conn.close()
    # Absolute unix-ms times differ from run to run.
    return re.sub(rb"\$13\r\n1\d{12}\r\n", rb"$13\r\nTIME_________\r\n", out)


def test_stream_matches_redis():
    """The stream bytes of the same workload: Modis vs redis-server."""
    args = ["--repl-diskless-sync", "no", "--repl-ping-replica-period", "1000"]
    ref = start_reference(args)
    try:
        want = stream_of(ref)
    finally:
        ref.stop()
    prim = Server(args).start()
    try:
        got = stream_of(prim)
    finally:
        prim.stop()
    assert b"PXAT" in want.upper() and b"MULTI" in want.upper()
    assert got == want
