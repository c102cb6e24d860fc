"""Replication, primary side: a Debian redis-server 7.0 replicating from the
target server, and raw sockets speaking the replica's half of the protocol
(REPLCONF, PSYNC, the RDB transfer, the command stream, partial resync).

Every test starts its own servers on loopback ports; waits are bounded.
"""

import time

import pytest

from modis_helpers import RawConn, Server, encode_command, parse_info, start_reference


def wait_for(cond, timeout=15.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = cond()
        if v:
            return v
        time.sleep(0.05)
    raise AssertionError("timed out waiting for %s (last: %r)" % (what, v))


def info(client, section):
    return client.info(section)


def primary(*args):
    """The target server as a primary, with a short diskless delay."""
    return Server(["--repl-diskless-sync-delay", "0"] + list(args)).start()


def replica_of(prim, *args):
    """A reference redis-server replicating from `prim`."""
    return start_reference(["--replicaof", "127.0.0.1", str(prim.port)] + list(args))


def synced(prim, rep):
    """The replica is online and has the primary's offset."""
    p = prim.client().info("replication")
    s = rep.client().info("replication")
    return (s.get("master_link_status") == "up" and p.get("connected_slaves") == 1
            and p["slave0"]["state"] == "online"
            and s["slave_repl_offset"] == p["master_repl_offset"])


def dataset(client, dbs=(0, 1)):
    """Every key of the given dbs with its type and full value."""
    out = {}
    for db in dbs:
        client.execute_command("SELECT", db)
        for k in sorted(client.keys("*")):
            t = client.type(k)
            if t == b"string":
                v = client.get(k)
            elif t == b"list":
                v = client.lrange(k, 0, -1)
            elif t == b"set":
                v = sorted(client.smembers(k))
            elif t == b"zset":
                v = client.zrange(k, 0, -1, withscores=True)
            elif t == b"hash":
                v = sorted(client.hgetall(k).items())
            elif t == b"stream":
                v = client.xrange(k)
            else:
                v = None
            out[(db, k)] = (t, v, client.ttl(k) > 0)
    client.execute_command("SELECT", 0)
    return out


def fill(client, n=50, prefix="k"):
    p = client.pipeline(transaction=False)
    for i in range(n):
        p.set("%s:s%d" % (prefix, i), "v%d" % i)
        p.rpush("%s:l%d" % (prefix, i % 5), i)
        p.sadd("%s:set%d" % (prefix, i % 3), i)
        p.zadd("%s:z" % prefix, {"m%d" % i: i})
        p.hset("%s:h" % prefix, "f%d" % i, i)
    p.set("%s:ttl" % prefix, "x", ex=1000)
    p.execute()


@pytest.mark.parametrize("diskless", ["no", "yes"])
def test_redis_replica_full_sync_and_stream(closing, diskless):
    prim = primary("--repl-diskless-sync", diskless)
    closing(prim)
    pc = prim.client()
    fill(pc)
    pc.execute_command("SELECT", 1)
    pc.set("db1key", "one")
    pc.execute_command("SELECT", 0)
    rep = replica_of(prim)
    closing(rep)
    wait_for(lambda: synced(prim, rep), what="initial sync")
    assert prim.client().info("stats")["sync_full"] == 1
    # The command stream: other dbs, transactions, expiry, deletes.
    fill(pc, 20, prefix="after")
    c1 = prim.client(db=1)
    c1.set("db1b", "two")
    c1.incr("db1n")
    with pc.pipeline(transaction=True) as p:
        p.set("tx1", "a")
        p.lpush("tx2", "b")
        p.execute()
    pc.delete("k:s3")
    pc.expire("k:s4", 500)
    wait_for(lambda: synced(prim, rep), what="stream caught up")
    assert dataset(rep.client()) == dataset(pc)
    role = pc.execute_command("ROLE")
    assert role[0] == b"master" and role[1] == pc.info("replication")["master_repl_offset"]
    assert role[2] == [[b"127.0.0.1", str(rep.port).encode(),
                        str(role[1]).encode()]] or role[2][0][:2] == [b"127.0.0.1",
                                                                        str(rep.port).encode()]


def test_replica_reconnect_partial_resync(closing):
    prim = primary("--repl-diskless-sync", "no")
    closing(prim)
    pc = prim.client()
    fill(pc, 10)
    rep = replica_of(prim)
    closing(rep)
    wait_for(lambda: synced(prim, rep), what="initial sync")
    pc.execute_command("CLIENT", "KILL", "TYPE", "replica")
    pc.set("while-away", "1")
    wait_for(lambda: synced(prim, rep), what="resync")
    stats = pc.info("stats")
    assert (stats["sync_full"], stats["sync_partial_ok"]) == (1, 1)
    assert rep.client().get("while-away") == b"1"
    assert dataset(rep.client()) == dataset(pc)


def test_replica_killed_and_restarted_full_sync(closing):
    prim = primary("--repl-diskless-sync", "no")
    closing(prim)
    pc = prim.client()
    rep = replica_of(prim)
    closing(rep)
    wait_for(lambda: synced(prim, rep), what="initial sync")
    rep.proc.kill()
    rep.proc.wait(10)
    pc.set("after-kill", "x")
    wait_for(lambda: pc.info("replication")["connected_slaves"] == 0, what="replica gone")
    rep2 = replica_of(prim)
    closing(rep2)
    wait_for(lambda: synced(prim, rep2), what="sync of the new replica")
    assert rep2.client().get("after-kill") == b"x"
    assert pc.info("stats")["sync_full"] == 2


# ---- the protocol, from a raw replica ----


def handshake(conn, port=4242):
    assert conn.call("REPLCONF", "listening-port", str(port)) == b"+OK\r\n"
    assert conn.call("REPLCONF", "capa", "eof", "capa", "psync2") == b"+OK\r\n"


def read_line(conn, timeout=10.0):
    """One CRLF-terminated line, skipping keep-alive newlines."""
    deadline = time.monotonic() + timeout
    while True:
        i = conn.buf.find(b"\r\n")
        if i >= 0:
            line, conn.buf = conn.buf[:i], conn.buf[i + 2:]
            if line.strip(b"\n"):
                return line.lstrip(b"\n")
            continue
        assert time.monotonic() < deadline, "no line"
        conn._fill(timeout=max(0.05, deadline - time.monotonic()))


def read_exact(conn, n, timeout=10.0):
    deadline = time.monotonic() + timeout
    while len(conn.buf) < n:
        assert time.monotonic() < deadline, "short read"
        conn._fill(timeout=max(0.05, deadline - time.monotonic()))
    out, conn.buf = conn.buf[:n], conn.buf[n:]
    return out


def read_rdb(conn):
    """The RDB after +FULLRESYNC: "$<len>" (disk) or "$EOF:<mark>" (socket)."""
    head = read_line(conn)
    assert head.startswith(b"$")
    if head.startswith(b"$EOF:"):
        mark = head[5:]
        assert len(mark) == 40
        deadline = time.monotonic() + 10
        while mark not in conn.buf:
            assert time.monotonic() < deadline
            conn._fill(timeout=1.0)
        i = conn.buf.index(mark)
        rdb, conn.buf = conn.buf[:i], conn.buf[i + 40:]
        return rdb
    return read_exact(conn, int(head[1:]))


def full_sync(prim, port=4242):
    conn = prim.raw()
    handshake(conn, port)
    conn.send_command("PSYNC", "?", "-1")
    line = read_line(conn)
    assert line.startswith(b"+FULLRESYNC ")
    _, replid, offset = line.split()
    rdb = read_rdb(conn)
    assert rdb.startswith(b"REDIS00")
    return conn, replid.decode(), int(offset)


def test_replconf_errors_and_silent_ack(closing):
    prim = primary()
    closing(prim)
    c = prim.raw()
    assert c.call("REPLCONF", "listening-port") == b"-ERR syntax error\r\n"
    assert c.call("REPLCONF", "listening-port", "x") == \
        b"-ERR value is not an integer or out of range\r\n"
    assert c.call("REPLCONF", "nosuch", "1") == b"-ERR Unrecognized REPLCONF option: nosuch\r\n"
    assert c.call("REPLCONF", "capa", "whatever") == b"+OK\r\n"
    # ACK and GETACK from a client that is no replica: no reply at all.
    c.send_command("REPLCONF", "ACK", "10")
    c.send_command("REPLCONF", "GETACK", "*")
    assert c.call("PING") == b"+PONG\r\n"
    assert c.call("ROLE") == b"*3\r\n$6\r\nmaster\r\n:0\r\n*0\r\n"


def test_psync_stream_bytes_and_partial_resync(closing):
    prim = primary("--repl-diskless-sync", "no", "--repl-ping-replica-period", "1000")
    closing(prim)
    pc = prim.client()
    pc.set("before", "1")
    conn, replid, offset = full_sync(prim)
    assert offset == pc.info("replication")["master_repl_offset"]
    pc.set("a", "1")
    prim.client(db=2).set("b", "2")
    stream = (encode_command("SELECT", "0") + encode_command("SET", "a", "1")
              + encode_command("SELECT", "2") + encode_command("SET", "b", "2"))
    assert read_exact(conn, len(stream)) == stream
    assert pc.info("replication")["master_repl_offset"] == offset + len(stream)
    conn.close()
    wait_for(lambda: pc.info("replication")["connected_slaves"] == 0, what="link closed")
    pc.set("c", "3")
    # Continue after "set a 1": the rest of the stream, then the new write.
    skip = len(encode_command("SELECT", "0") + encode_command("SET", "a", "1"))
    conn2 = prim.raw()
    handshake(conn2)
    conn2.send_command("PSYNC", replid, str(offset + 1 + skip))
    assert read_line(conn2) == ("+CONTINUE " + replid).encode()
    want = (encode_command("SELECT", "2") + encode_command("SET", "b", "2")
            + encode_command("SELECT", "0") + encode_command("SET", "c", "3"))
    assert read_exact(conn2, len(want)) == want
    stats = pc.info("stats")
    assert (stats["sync_full"], stats["sync_partial_ok"], stats["sync_partial_err"]) == (1, 1, 0)


@pytest.mark.modis_only  # Redis 7.0 trims its shared backlog lazily, by blocks
def test_psync_outside_backlog_is_full(closing):
    prim = primary("--repl-diskless-sync", "no", "--repl-backlog-size", "16384")
    closing(prim)
    pc = prim.client()
    conn, replid, offset = full_sync(prim)
    conn.close()
    for i in range(100):
        pc.set("k%d" % i, "x" * 300)  # more than the backlog holds
    conn2 = prim.raw()
    handshake(conn2)
    conn2.send_command("PSYNC", replid, str(offset + 1))
    assert read_line(conn2).startswith(b"+FULLRESYNC " + replid.encode())
    conn3 = prim.raw()
    conn3.send_command("PSYNC", "0" * 40, "1")
    assert read_line(conn3).startswith(b"+FULLRESYNC ")
    info_r = pc.info("replication")
    assert info_r["repl_backlog_size"] == 16384
    assert info_r["repl_backlog_histlen"] == 16384
    assert info_r["repl_backlog_first_byte_offset"] == info_r["master_repl_offset"] - 16384 + 1
    assert pc.info("stats")["sync_partial_err"] == 2


def test_diskless_transfer_to_two_replicas(closing):
    prim = primary("--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "1",
                   "--repl-diskless-sync-max-replicas", "2")
    closing(prim)
    pc = prim.client()
    fill(pc, 30)
    a = prim.raw()
    b = prim.raw()
    for conn in (a, b):
        handshake(conn)
        conn.send_command("PSYNC", "?", "-1")
    rdbs = []
    for conn in (a, b):
        line = read_line(conn)
        assert line.startswith(b"+FULLRESYNC ")
        rdbs.append(read_rdb(conn))
        conn.offset = line.split()[2].decode()
    assert rdbs[0] == rdbs[1] and rdbs[0].startswith(b"REDIS00")
    assert pc.info("stats")["sync_full"] == 2
    pc.set("x", "y")
    want = encode_command("SELECT", "0") + encode_command("SET", "x", "y")
    for conn in (a, b):
        # Redis starts the stream of a diskless sync at an ACK that comes
        # after the transfer ended: ACK once a second, as replicas do.
        deadline = time.monotonic() + 10
        while len(conn.buf) < len(want) and time.monotonic() < deadline:
            conn.send_command("REPLCONF", "ACK", conn.offset)
            try:
                conn._fill(timeout=1.0)
            except TimeoutError:
                pass
        got = read_exact(conn, len(want))
        assert got == want or got.startswith(encode_command("ping"))


def test_ping_period_and_timeout(closing):
    prim = primary("--repl-diskless-sync", "no", "--repl-ping-replica-period", "1",
                   "--repl-timeout", "2")
    closing(prim)
    pc = prim.client()
    conn, replid, offset = full_sync(prim)
    ping = encode_command("ping")
    assert read_exact(conn, len(ping), timeout=5) == ping
    # It never sends REPLCONF ACK: dropped after repl-timeout.
    wait_for(lambda: pc.info("replication")["connected_slaves"] == 0, timeout=10,
             what="timed-out replica dropped")
    assert conn.is_closed(wait=2.0)


def test_ack_offset_in_info_and_role(closing):
    prim = primary("--repl-diskless-sync", "no")
    closing(prim)
    pc = prim.client()
    conn, replid, offset = full_sync(prim, port=5151)
    conn.send_command("REPLCONF", "ACK", str(offset + 7))
    wait_for(lambda: pc.info("replication")["slave0"]["offset"] == offset + 7, what="ack")
    s0 = pc.info("replication")["slave0"]
    assert (s0["ip"], s0["port"], s0["state"]) == ("127.0.0.1", 5151, "online")
    role = pc.execute_command("ROLE")
    assert role[2] == [[b"127.0.0.1", b"5151", str(offset + 7).encode()]]
    assert pc.execute_command("CLIENT", "LIST", "TYPE", "replica").count(b"flags=S") == 1


def test_repl_config_get_set(closing):
    prim = primary()
    closing(prim)
    pc = prim.client()
    for name, value in [("repl-backlog-size", "65536"), ("repl-backlog-ttl", "10"),
                        ("repl-ping-replica-period", "3"), ("repl-timeout", "30"),
                        ("repl-diskless-sync", "no"), ("repl-diskless-sync-delay", "2"),
                        ("repl-diskless-sync-max-replicas", "3")]:
        pc.config_set(name, value)
        assert pc.config_get(name) == {name: value}
    assert pc.config_get("repl-ping-slave-period") == {"repl-ping-slave-period": "3"}


# ---- WAIT and min-replicas-to-write ----


def test_wait_counts_acknowledging_replicas(closing):
    prim = primary("--repl-diskless-sync", "no")
    closing(prim)
    rep = replica_of(prim)
    closing(rep)
    wait_for(lambda: synced(prim, rep), what="sync")
    r = prim.raw()
    assert r.call("SET", "k", "v") == b"+OK\r\n"
    assert r.call("WAIT", "1", "0") == b":1\r\n"
    assert r.call("WAIT", "0", "0") == b":1\r\n"
    start = time.monotonic()
    assert r.call("WAIT", "2", "300") == b":1\r\n"  # only one replica: the timeout
    assert time.monotonic() - start >= 0.25
    assert r.call("MULTI") == b"+OK\r\n"
    assert r.call("WAIT", "5", "0") == b"+QUEUED\r\n"
    assert r.call("EXEC").startswith(b"*1\r\n:")  # inside EXEC: never blocks
    assert rep.client().get("k") == b"v"


def test_wait_without_replicas_and_on_replica(closing):
    prim = primary()
    closing(prim)
    r = prim.raw()
    assert r.call("SET", "k", "v") == b"+OK\r\n"
    start = time.monotonic()
    assert r.call("WAIT", "1", "200") == b":0\r\n"
    assert time.monotonic() - start >= 0.15
    rep = primary()
    closing(rep)
    rr = rep.raw()
    assert rr.call("REPLICAOF", "127.0.0.1", str(prim.port)) == b"+OK\r\n"
    assert rr.call("WAIT", "1", "0") == (
        b"-ERR WAIT cannot be used with replica instances. Please also note that since Redis "
        b"4.0 if a replica is configured to be writable (which is not the default) writes to "
        b"replicas are just local and are not propagated.\r\n")


def test_min_replicas_to_write(closing):
    prim = primary("--repl-diskless-sync", "no", "--min-replicas-to-write", "1",
                   "--min-replicas-max-lag", "2")
    closing(prim)
    r = prim.raw()
    assert r.call("SET", "k", "v") == b"-NOREPLICAS Not enough good replicas to write.\r\n"
    assert r.call("GET", "k") == b"$-1\r\n"
    rep = replica_of(prim)
    closing(rep)
    wait_for(lambda: synced(prim, rep), what="sync")
    assert r.call("SET", "k", "v") == b"+OK\r\n"
    rep.proc.send_signal(19)  # SIGSTOP: no more ACKs, the lag grows
    try:
        wait_for(lambda: r.call("SET", "k", "w").startswith(b"-NOREPLICAS"), timeout=10,
                 what="NOREPLICAS once the replica lags")
    finally:
        rep.proc.send_signal(18)  # SIGCONT
    assert r.call("CONFIG", "SET", "min-replicas-to-write", "0") == b"+OK\r\n"
    assert r.call("SET", "k", "x") == b"+OK\r\n"
    assert prim.client().config_get("min-slaves-max-lag") == {"min-slaves-max-lag": "2"}
