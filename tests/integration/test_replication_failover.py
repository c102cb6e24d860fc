"""FAILOVER (Redis 6.2+'s coordinated failover): writes paused while the
replica catches up, PSYNC ... FAILOVER, the roles swapped with a partial
resync (no full sync), with redis-server on either side; TO a given
replica, the timeout with and without FORCE, ABORT, and the errors.

Every test starts its own servers on loopback ports; waits are bounded.
"""

import threading
import time

import pytest

from modis_helpers import Server, start_reference
from test_replication import dataset, fill, wait_for
from test_replication_replica import linked


def make(kind, *args):
    args = ["--repl-diskless-sync-delay", "0"] + list(args)
    return start_reference(args) if kind == "redis" else Server(args).start()


def state(server):
    return server.client().info("replication")["master_failover_state"]


def test_failover_errors(closing):
    prim = make("modis")
    closing(prim)
    r = prim.raw()
    assert r.call("FAILOVER") == b"-ERR FAILOVER requires connected replicas.\r\n"
    assert r.call("FAILOVER", "ABORT") == b"-ERR No failover in progress.\r\n"
    assert r.call("FAILOVER", "TIMEOUT", "0") == (
        b"-ERR FAILOVER timeout must be greater than 0\r\n")
    assert r.call("FAILOVER", "TIMEOUT", "x") == (
        b"-ERR value is not an integer or out of range\r\n")
    assert r.call("FAILOVER", "TO", "127.0.0.1", "x") == (
        b"-ERR value is not an integer or out of range\r\n")
    assert r.call("FAILOVER", "bogus") == b"-ERR syntax error\r\n"
    assert r.call("FAILOVER", "TO", "127.0.0.1") == b"-ERR syntax error\r\n"
    assert r.call("FAILOVER", "FORCE", "FORCE") == b"-ERR syntax error\r\n"
    rep = make("modis")
    closing(rep)
    rep.client().execute_command("REPLICAOF", "127.0.0.1", prim.port)
    wait_for(lambda: linked(prim, rep), what="sync")
    assert r.call("FAILOVER", "FORCE") == (
        b"-ERR FAILOVER with force option requires both a timeout and target HOST and IP.\r\n")
    assert r.call("FAILOVER", "TO", "127.0.0.1", "1") == (
        b"-ERR FAILOVER target HOST and PORT is not a replica.\r\n")
    assert rep.raw().call("FAILOVER") == (
        b"-ERR FAILOVER is not valid when server is a replica.\r\n")
    assert state(prim) == "no-failover"


@pytest.mark.parametrize("kinds", [("modis", "modis"), ("modis", "redis"), ("redis", "modis")])
def test_failover_swaps_roles(closing, kinds):
    prim = make(kinds[0])
    closing(prim)
    pc = prim.client()
    fill(pc, 30)
    rep = make(kinds[1], "--replicaof", "127.0.0.1", str(prim.port))
    closing(rep)
    wait_for(lambda: linked(prim, rep), timeout=30, what="sync")
    full = rep.client().info("stats")["sync_full"]
    assert pc.execute_command("FAILOVER", "TO", "127.0.0.1", rep.port) == b"OK"
    wait_for(lambda: rep.client().info("replication")["role"] == "master"
             and linked(rep, prim), timeout=30, what="roles swapped")
    wait_for(lambda: state(prim) == "no-failover", what="failover state cleared")
    rc = rep.client()
    assert rc.info("stats")["sync_full"] == full  # the old primary continued: no full sync
    assert rc.info("stats")["sync_partial_ok"] >= 1
    assert pc.info("replication")["master_port"] == rep.port
    # The new primary takes writes and its replica follows.
    rc.set("after-failover", "1")
    fill(rc, 5, prefix="new")
    wait_for(lambda: linked(rep, prim), what="stream from the new primary")
    assert dataset(pc) == dataset(rc)
    assert pc.get("after-failover") == b"1"


def test_failover_to_any_replica_with_writes_paused(closing):
    prim = make("modis")
    closing(prim)
    reps = [make("modis", "--replicaof", "127.0.0.1", str(prim.port)) for _ in range(2)]
    for r in reps:
        closing(r)
    wait_for(lambda: all(linked(prim, r) for r in reps), timeout=30, what="sync")
    pc = prim.client()
    pc.set("k", "v")
    assert pc.execute_command("FAILOVER") == b"OK"
    wait_for(lambda: any(r.client().info("replication")["role"] == "master" for r in reps),
             timeout=30, what="a replica promoted")
    (new,) = [r for r in reps if r.client().info("replication")["role"] == "master"]
    wait_for(lambda: linked(new, prim), timeout=30, what="old primary follows")
    assert new.client().get("k") == b"v"
    assert state(prim) == "no-failover"


def test_failover_timeout_abort_and_force(closing):
    prim = make("modis")
    closing(prim)
    rep = make("modis", "--replicaof", "127.0.0.1", str(prim.port))
    closing(rep)
    wait_for(lambda: linked(prim, rep), timeout=30, what="sync")
    pc = prim.client()
    rep.proc.send_signal(19)  # SIGSTOP: it acknowledges nothing more
    try:
        pc.set("unacked", "1")
        assert pc.execute_command("FAILOVER", "TO", "127.0.0.1", rep.port,
                                  "TIMEOUT", "1500") == b"OK"
        assert state(prim) == "waiting-for-sync"
        assert prim.raw().call("FAILOVER") == b"-ERR FAILOVER already in progress.\r\n"
        # Writes wait meanwhile; reads do not.
        done = []
        t = threading.Thread(target=lambda: done.append(prim.client().set("paused", "1")))
        t.start()
        time.sleep(0.3)
        assert not done and pc.get("unacked") == b"1"
        # CLIENT UNPAUSE ends CLIENT PAUSE's pause, not the failover's.
        assert pc.execute_command("CLIENT", "UNPAUSE") == b"OK"
        time.sleep(0.2)
        assert not done
        wait_for(lambda: state(prim) == "no-failover", what="timeout abort")
        t.join(10)
        assert done == [True]
        assert pc.info("replication")["role"] == "master"
        # ABORT ends a waiting failover at once.
        assert pc.execute_command("FAILOVER", "TIMEOUT", "60000") == b"OK"
        assert pc.execute_command("FAILOVER", "ABORT") == b"OK"
        assert state(prim) == "no-failover"
        assert pc.set("writable", "1")
        # FORCE fails over at the timeout even though it never caught up.
        assert pc.execute_command("FAILOVER", "TO", "127.0.0.1", rep.port, "TIMEOUT", "300",
                                  "FORCE") == b"OK"
        wait_for(lambda: state(prim) == "failover-in-progress", what="forced")
    finally:
        rep.proc.send_signal(18)  # SIGCONT
    wait_for(lambda: rep.client().info("replication")["role"] == "master"
             and linked(rep, prim), timeout=30, what="forced failover done")
    assert state(prim) == "no-failover"
    # Forced: whatever the replica lacked may be lost, but both agree.
    wait_for(lambda: linked(rep, prim), what="stream")
    assert dataset(prim.client()) == dataset(rep.client())
