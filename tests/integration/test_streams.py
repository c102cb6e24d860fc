"""Stream commands end to end (first stage): XADD (ID forms, NOMKSTREAM,
MAXLEN/MINID exact and approximate, LIMIT), XLEN, XRANGE/XREVRANGE
(exclusive bounds, COUNT, RESP3), XDEL, XTRIM, XSETID; nodes split by
stream-node-max-entries / stream-node-max-bytes; keyspace notifications
compared with a real redis-server; propagation to the AOF in Redis's
deterministic form (generated IDs, `~` trims rewritten to `=` and the
threshold reached); COPY/RENAME/TYPE/OBJECT ENCODING/MEMORY USAGE/WATCH;
and a randomized model test against a list of entries kept by the test.
Error replies are compared byte for byte in tests/diff/scripts/streams.txt;
persistence is in test_streams_persist.py."""

import os
import random
import time

import pytest

from modis_helpers import RespClient, Server, error_of, parse_reply

REDIS = "/usr/bin/redis-server" if os.path.exists("/usr/bin/redis-server") else None
WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value"


@pytest.fixture
def nodes(r, restore_config):
    """Set the node limits for one test."""
    restore_config("stream-node-max-entries", "stream-node-max-bytes")

    def set_limits(entries, nbytes=4096):
        r.config_set("stream-node-max-entries", entries)
        r.config_set("stream-node-max-bytes", nbytes)

    return set_limits


def ids(rows):
    return [i for i, _ in rows]


def test_xadd_id_forms(r):
    r.delete("s")
    assert r.xadd("s", {"a": 1}, id="5") == b"5-0"
    assert r.xadd("s", {"a": 1}, id="5-*") == b"5-1"
    assert r.xadd("s", {"a": 1}, id="7-*") == b"7-0"
    auto = r.xadd("s", {"a": 1})
    ms, seq = map(int, auto.split(b"-"))
    assert abs(ms - time.time() * 1000) < 10000 and seq == 0
    # the clock behind the last ID: the sequence grows
    r.execute_command("XSETID", "s", "%d-5" % (ms + 10 ** 9))
    assert r.xadd("s", {"a": 1}) == b"%d-6" % (ms + 10 ** 9)
    assert r.xlen("s") == 5
    assert error_of(RespClient(r.connection_pool.connection_kwargs["port"]), "XADD", "s", "5-5",
                    "a", "1") == \
        "ERR The ID specified in XADD is equal or smaller than the target stream top item"


def test_xadd_nomkstream_and_wrongtype(r):
    r.delete("s", "str")
    assert r.xadd("s", {"a": 1}, nomkstream=True) is None
    assert r.exists("s") == 0
    r.set("str", "x")
    with pytest.raises(Exception, match="WRONGTYPE"):
        r.xadd("str", {"a": 1})


def test_fields_values_and_compression(r, nodes):
    nodes(3)
    r.delete("s")
    rows = []
    for i in range(10):
        fields = {"name": "n%d" % i, "n": str(i * 1000 - 5)} if i % 4 else \
            {"other": "", "\x00bin": "\xff" * i}
        rows.append(("%d-0" % (i + 1), fields))
        r.xadd("s", fields, id="%d-0" % (i + 1))
    got = r.xrange("s")
    assert got == [(i.encode(), {k.encode(): v.encode() for k, v in f.items()}) for i, f in rows]
    assert ids(r.xrevrange("s")) == [i.encode() for i, _ in reversed(rows)]
    assert ids(r.xrange("s", "(3-0", "6", count=2)) == [b"4-0", b"5-0"]
    assert ids(r.xrevrange("s", "(8-0", "(3", count=3)) == [b"7-0", b"6-0", b"5-0"]
    # a bound without a sequence: 0 at the start, the highest at the end
    assert ids(r.xrevrange("s", "(8", "(3", count=1)) == [b"8-0"]


def test_xdel_keeps_key_and_ids(r):
    r.delete("s")
    for i in range(1, 6):
        r.xadd("s", {"a": i}, id="1-%d" % i)
    assert r.xdel("s", "1-1", "1-1", "1-9", "1-5") == 2
    assert ids(r.xrange("s")) == [b"1-2", b"1-3", b"1-4"]
    assert r.xdel("s", "1-2", "1-3", "1-4") == 3
    assert r.exists("s") == 1 and r.xlen("s") == 0 and r.type("s") == b"stream"
    # the last ID is kept: an older ID is refused
    with pytest.raises(Exception, match="equal or smaller"):
        r.xadd("s", {"a": 1}, id="1-5")
    assert r.xadd("s", {"a": 1}, id="1-*") == b"1-6"


def test_trimming(r, nodes):
    nodes(10)
    r.delete("s")
    for i in range(1, 101):
        r.xadd("s", {"i": i}, id="%d-0" % i)
    assert r.xtrim("s", maxlen=95, approximate=True) == 0     # no whole node
    assert r.xtrim("s", maxlen=85, approximate=True) == 10
    assert r.xlen("s") == 90
    assert r.xtrim("s", maxlen=85, approximate=False) == 5
    assert ids(r.xrange("s", count=1)) == [b"16-0"]
    assert r.xtrim("s", minid="50", approximate=False) == 34
    assert ids(r.xrange("s", count=1)) == [b"50-0"]
    # LIMIT bounds the work of an approximate trim
    assert r.xtrim("s", maxlen=0, approximate=True, limit=20) == 11
    assert r.xlen("s") == 40
    assert r.xadd("s", {"i": 0}, id="200-0", maxlen=5, approximate=False) == b"200-0"
    assert r.xlen("s") == 5
    assert r.xadd("s", {"i": 0}, id="201-0", minid="200", approximate=False) == b"201-0"
    assert ids(r.xrange("s")) == [b"200-0", b"201-0"]


def test_node_bytes_limit(r, nodes):
    nodes(0, 100)
    r.delete("s")
    for i in range(20):
        r.xadd("s", {"field": "v" * 30}, id="%d-1" % (i + 1))
    # 100-byte nodes hold two entries each: an approximate trim frees pairs
    assert r.xtrim("s", maxlen=15, approximate=True) == 4
    assert r.xlen("s") == 16


def test_xsetid(r):
    r.delete("s")
    r.xadd("s", {"a": 1}, id="5-5")
    assert r.execute_command("XSETID", "s", "10-0", "ENTRIESADDED", "7", "MAXDELETEDID",
                             "9-0") == b"OK"
    assert r.xadd("s", {"a": 1}, id="10-*") == b"10-1"
    with pytest.raises(Exception, match="smaller than the target stream top item"):
        r.execute_command("XSETID", "s", "5-5")


def test_generic_key_commands(r):
    r.delete("s", "c", "d")
    r.xadd("s", {"a": 1}, id="1-1")
    assert r.type("s") == b"stream"
    assert r.object("encoding", "s") == b"stream"
    assert r.scan(0, _type="stream")[1] == [b"s"]
    small = r.memory_usage("s")
    for i in range(200):
        r.xadd("s", {"field": "value-%d" % i})
    assert r.memory_usage("s") > small + 200 * 10
    assert r.copy("s", "c") is True
    r.xadd("c", {"x": 1})
    assert r.xlen("s") == 201 and r.xlen("c") == 202
    r.rename("c", "d")
    assert r.xlen("d") == 202
    r.delete("s", "d")


def test_watch_sees_xadd(r, server):
    r.delete("s")
    r.xadd("s", {"a": 1}, id="1-1")
    c = RespClient(server.port)
    c.execute("WATCH", "s")
    r.xadd("s", {"a": 2}, id="1-2")
    c.execute("MULTI")
    c.execute("XLEN", "s")
    assert c.execute("EXEC") is None
    c.close()


def test_resp3_shapes(server):
    c = RespClient(server.port, proto=3)
    c.execute("DEL", "s")
    c.conn.send_command("XADD", "s", "1-1", "f", "v")
    assert c.conn.read_reply() == b"$3\r\n1-1\r\n"
    c.conn.send_command("XADD", "nosuch", "NOMKSTREAM", "*", "f", "v")
    assert c.conn.read_reply() == b"_\r\n"
    c.conn.send_command("XRANGE", "s", "-", "+")
    assert c.conn.read_reply() == b"*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n"
    c.conn.send_command("XRANGE", "s", "-", "+", "COUNT", "0")
    assert c.conn.read_reply() == b"_\r\n"
    c.execute("DEL", "s")
    c.close()


# --------------------------------------------------------------------------
# Keyspace notifications and propagation
# --------------------------------------------------------------------------

NOTIFY_SCRIPT = [
    ("XADD", "s", "1-1", "a", "1"),
    ("XADD", "s", "MAXLEN", "1", "1-2", "a", "2"),
    ("XADD", "s", "1-3", "a", "3"),
    ("XDEL", "s", "1-3", "9-9"),
    ("XDEL", "s", "9-9"),
    ("XTRIM", "s", "MAXLEN", "0"),
    ("XTRIM", "s", "MAXLEN", "0"),
    ("XSETID", "s", "5-5"),
    ("XADD", "s", "NOMKSTREAM", "6-0", "a", "1"),
    ("DEL", "s"),
]


def notifications(port, script):
    c = RespClient(port)
    c.execute("FLUSHALL")
    old = c.execute("CONFIG", "GET", "notify-keyspace-events")[1]
    c.execute("CONFIG", "SET", "notify-keyspace-events", "KEA")
    sub = RespClient(port)
    sub.conn.send_command("PSUBSCRIBE", "__key*__:*")
    sub.read()
    for cmd in script:
        c.execute(*cmd)
    c.execute("SET", "zz-end-marker", "1")
    events = []
    while True:
        m = sub.read(5)
        if m[2].endswith(b"zz-end-marker") or m[3] == b"zz-end-marker":
            break
        events.append((m[2], m[3]))
    c.execute("CONFIG", "SET", "notify-keyspace-events", old)
    c.close()
    sub.close()
    return events


@pytest.mark.modis_only
def test_keyspace_notifications_as_redis(server, restore_config):
    if not REDIS:
        pytest.skip("no reference redis-server")
    restore_config("notify-keyspace-events")
    ref = Server(["--save", "", "--appendonly", "no"], conf=None, binary=REDIS).start()
    try:
        theirs = notifications(ref.port, NOTIFY_SCRIPT)
    finally:
        ref.stop()
    ours = notifications(server.port, NOTIFY_SCRIPT)
    assert ours == theirs
    assert (b"__keyevent@0__:xtrim", b"s") in ours


def aof_commands(dirpath):
    adir = os.path.join(dirpath, "appendonlydir")
    data = b""
    for name in sorted(os.listdir(adir)):
        if name.endswith(".incr.aof"):
            with open(os.path.join(adir, name), "rb") as f:
                data += f.read()
    out, pos = [], 0
    while pos < len(data):
        v, pos = parse_reply(data, pos)
        out.append(v)
    return [c for c in out if c[0].upper() != b"SELECT"]


def test_propagation_to_aof(start_server):
    srv = start_server(["--appendonly", "yes", "--appendfsync", "always",
                        "--stream-node-max-entries", "2"])
    c = srv.resp()
    auto = c.execute("XADD", "s", "*", "a", "1")
    for cmd in [("XADD", "s", "NOMKSTREAM", "MAXLEN", "~", "1", "LIMIT", "5", "*", "a", "2"),
                ("XADD", "s", "MAXLEN", "~", "1", "*", "a", "3"),
                ("XDEL", "s", "0-1"),               # nothing deleted: not propagated
                ("XTRIM", "s", "MAXLEN", "5"),      # nothing trimmed: not propagated
                ("XTRIM", "s", "MINID", "~", "0"),
                ("XADD", "t", "5-*", "f", "v"),
                ("XTRIM", "t", "MINID", "~", "9")]:
        c.execute(*cmd)
    cmds = aof_commands(srv.dir)
    ms = int(auto.split(b"-")[0])
    assert cmds[0] == [b"XADD", b"s", auto, b"a", b"1"]
    # generated IDs are written out; "~ 1" becomes "= <length reached>"
    assert cmds[1][:6] == [b"XADD", b"s", b"NOMKSTREAM", b"MAXLEN", b"=", b"2"]
    assert len(cmds[1]) == 9, cmds[1]  # LIMIT 5 dropped
    assert int(cmds[1][6].split(b"-")[0]) >= ms
    assert cmds[2][:5] == [b"XADD", b"s", b"MAXLEN", b"=", b"1"]
    # an emptied stream: the threshold is the highest ID, as Redis writes it
    assert cmds[3:] == [[b"XADD", b"t", b"5-0", b"f", b"v"],
                        [b"XTRIM", b"t", b"MINID", b"=",
                         b"18446744073709551615-18446744073709551615"]]
    c.close()


# --------------------------------------------------------------------------
# Randomized model test
# --------------------------------------------------------------------------

def test_random_model(r, nodes):
    """Random XADD/XDEL/XTRIM/XRANGE/XREVRANGE on small nodes, checked
    after every step against a list of (id, fields) kept here."""
    rnd = random.Random(1234)
    nodes(4, 200)
    r.delete("m")
    model = []            # [(ms, seq), [fields...]]
    last = (0, 0)

    def idstr(i):
        return "%d-%d" % i

    def rng(lo, hi, rev=False, count=None):
        out = [(idstr(i).encode(), f) for i, f in model if lo <= i <= hi]
        out = out[::-1] if rev else out
        return out[:count] if count else out

    for step in range(1500):
        op = rnd.random()
        if op < 0.45:
            ms = last[0] + rnd.choice([0, 0, 1, 2])
            seq = last[1] + 1 if ms == last[0] else rnd.randrange(3)
            fields = {("f%d" % j if rnd.random() < 0.8 else "g%d" % j): str(rnd.randrange(-5, 999))
                      for j in range(rnd.randrange(1, 4))}
            assert r.xadd("m", fields, id=idstr((ms, seq))) == idstr((ms, seq)).encode()
            last = (ms, seq)
            model.append(((ms, seq), {k.encode(): v.encode() for k, v in fields.items()}))
        elif op < 0.6 and model:
            victims = [rnd.choice(model)[0] for _ in range(rnd.randrange(1, 4))]
            want = len(set(victims))
            assert r.xdel("m", *[idstr(v) for v in victims]) == want
            model = [e for e in model if e[0] not in victims]
        elif op < 0.67:
            keep = rnd.randrange(0, 30)
            removed = r.xtrim("m", maxlen=keep, approximate=False)
            assert removed == max(0, len(model) - keep)
            model = model[len(model) - min(keep, len(model)):]
        elif op < 0.72 and model:
            cut = rnd.choice(model)[0]
            assert r.xtrim("m", minid=idstr(cut), approximate=False) == sum(1 for i, _ in model if i < cut)
            model = [e for e in model if e[0] >= cut]
        else:
            lo = rnd.choice(model)[0] if model and rnd.random() < 0.7 else (0, 0)
            hi = rnd.choice(model)[0] if model and rnd.random() < 0.7 else (2 ** 64 - 1,) * 2
            lo, hi = min(lo, hi), max(lo, hi)
            count = rnd.choice([None, 1, 3])
            hs = "+" if hi[0] == 2 ** 64 - 1 else idstr(hi)
            assert r.xrange("m", idstr(lo), hs, count=count) == rng(lo, hi, False, count)
            assert r.xrevrange("m", hs, idstr(lo), count=count) == rng(lo, hi, True, count)
        assert r.xlen("m") == len(model)
    r.delete("m")
