"""WAITAOF numlocal numreplicas timeout (Redis 7.2): the local AOF's fsync
and the replicas' (REPLCONF ACK <offset> FACK <aof offset>), its errors,
and its non-blocking form inside MULTI and scripts. Debian's redis-server
7.0 has no WAITAOF: a 7.0 replica never sends FACK and counts as 0.

Every test starts its own servers on loopback ports; waits are bounded.
"""

import time

import pytest

from modis_helpers import Server, start_reference
from test_replication import synced, wait_for
from test_replication_replica import linked

AOF_OFF = b"-ERR WAITAOF cannot be used when numlocal is set but appendonly is disabled.\r\n"
ON_REPLICA = (b"-ERR WAITAOF cannot be used with replica instances. Please also note that "
              b"writes to replicas are just local and are not propagated.\r\n")


def aof_server(fsync="always", *args):
    return Server(["--appendonly", "yes", "--appendfsync", fsync,
                   "--repl-diskless-sync-delay", "0"] + list(args)).start()


def test_waitaof_argument_errors_and_aof_off(closing):
    s = Server().start()
    closing(s)
    r = s.raw()
    assert r.call("WAITAOF", "1", "0", "0") == AOF_OFF
    assert r.call("WAITAOF", "0", "0", "0") == b"*2\r\n:0\r\n:0\r\n"
    assert r.call("WAITAOF", "2", "0", "0") == (
        b"-ERR value is out of range, value must between 0 and 1\r\n")
    assert r.call("WAITAOF", "x", "0", "0") == (
        b"-ERR value is not an integer or out of range\r\n")
    assert r.call("WAITAOF", "0", "-1", "0") == (
        b"-ERR value is out of range, must be positive\r\n")
    assert r.call("WAITAOF", "0", "0", "-1") == b"-ERR timeout is negative\r\n"
    assert r.call("WAITAOF", "0", "0", "x") == (
        b"-ERR timeout is not an integer or out of range\r\n")
    assert r.call("WAITAOF", "0", "0") == (
        b"-ERR wrong number of arguments for 'waitaof' command\r\n")
    # Without replicas WAITAOF 0 1 waits its timeout, then counts none.
    assert r.call("SET", "k", "v") == b"+OK\r\n"
    start = time.monotonic()
    assert r.call("WAITAOF", "0", "1", "200") == b"*2\r\n:0\r\n:0\r\n"
    assert time.monotonic() - start >= 0.15


@pytest.mark.parametrize("fsync", ["always", "everysec"])
def test_waitaof_local_fsync(closing, fsync):
    s = aof_server(fsync)
    closing(s)
    r = s.raw()
    assert r.call("SET", "k", "v") == b"+OK\r\n"
    # everysec: the background fsync comes within about a second.
    assert r.call("WAITAOF", "1", "0", "5000") == b"*2\r\n:1\r\n:0\r\n"
    assert r.call("MULTI") == b"+OK\r\n"
    assert r.call("SET", "k", "w") == b"+QUEUED\r\n"
    assert r.call("WAITAOF", "1", "1", "0") == b"+QUEUED\r\n"
    # Inside EXEC it never blocks, and counts for the writes before the
    # transaction (its own are propagated when EXEC ends, as Redis).
    assert r.call("EXEC") == b"*2\r\n+OK\r\n*2\r\n:1\r\n:0\r\n"
    assert r.call("WAITAOF", "1", "0", "5000") == b"*2\r\n:1\r\n:0\r\n"
    # A script: the non-blocking form too.
    assert r.call("EVAL", "return redis.call('waitaof', 1, 1, 0)", "0") == (
        b"*2\r\n:1\r\n:0\r\n")


def test_waitaof_appendfsync_no_times_out(closing):
    s = aof_server("no")
    closing(s)
    r = s.raw()
    assert r.call("SET", "k", "v") == b"+OK\r\n"
    start = time.monotonic()
    assert r.call("WAITAOF", "1", "0", "300") == b"*2\r\n:0\r\n:0\r\n"
    assert time.monotonic() - start >= 0.25
    # Switched to always: the next write is fsynced before its reply.
    assert r.call("CONFIG", "SET", "appendfsync", "always") == b"+OK\r\n"
    assert r.call("SET", "k", "w") == b"+OK\r\n"
    assert r.call("WAITAOF", "1", "0", "0") == b"*2\r\n:1\r\n:0\r\n"


def test_waitaof_counts_replicas_with_aof(closing):
    prim = aof_server("always")
    closing(prim)
    with_aof = aof_server("always")
    closing(with_aof)
    without = Server(["--repl-diskless-sync-delay", "0"]).start()
    closing(without)
    for rep in (with_aof, without):
        rep.client().execute_command("REPLICAOF", "127.0.0.1", prim.port)
    wait_for(lambda: linked(prim, with_aof) and linked(prim, without), timeout=30,
             what="both replicas")
    r = prim.raw()
    assert r.call("SET", "k", "v") == b"+OK\r\n"
    # The replica without an AOF sends no FACK: only one counts.
    assert r.call("WAITAOF", "1", "1", "5000") == b"*2\r\n:1\r\n:1\r\n"
    assert r.call("WAIT", "2", "5000") == b":2\r\n"
    start = time.monotonic()
    assert r.call("WAITAOF", "1", "2", "300") == b"*2\r\n:1\r\n:1\r\n"
    assert time.monotonic() - start >= 0.25
    assert with_aof.raw().call("WAITAOF", "0", "0", "0") == ON_REPLICA
    assert with_aof.client().get("k") == b"v"


def test_waitaof_redis70_replica_sends_no_fack(closing):
    prim = aof_server("always")
    closing(prim)
    rep = start_reference(["--replicaof", "127.0.0.1", str(prim.port),
                           "--appendonly", "yes"])
    closing(rep)
    wait_for(lambda: synced(prim, rep), timeout=30, what="sync")
    r = prim.raw()
    assert r.call("SET", "k", "v") == b"+OK\r\n"
    assert r.call("WAIT", "1", "5000") == b":1\r\n"
    assert r.call("WAITAOF", "1", "1", "300") == b"*2\r\n:1\r\n:0\r\n"


def test_waitaof_replica_everysec_acknowledges_later(closing):
    prim = aof_server("everysec")
    closing(prim)
    rep = aof_server("everysec")
    closing(rep)
    rep.client().execute_command("REPLICAOF", "127.0.0.1", prim.port)
    wait_for(lambda: linked(prim, rep), timeout=30, what="sync")
    c = prim.client()
    c.set("a", "1")
    # Blocks until both background fsyncs ran and the replica's ACK says so.
    assert c.execute_command("WAITAOF", 1, 1, 10000) == [1, 1]
    assert rep.client().get("a") == b"1"
