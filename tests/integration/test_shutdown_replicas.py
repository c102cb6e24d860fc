"""shutdown-timeout: SHUTDOWN (and SIGTERM) on a primary whose replicas
lag pauses writes and waits up to shutdown-timeout seconds for them to
acknowledge its offset (Redis 7); NOW skips the wait, ABORT cancels it.

A replica lags by being stopped (SIGSTOP); every wait is bounded.
"""

import signal
import time

import pytest

from modis_helpers import Server
from test_replication import wait_for
from test_replication_replica import linked


@pytest.fixture
def pair(closing):
    """(primary with shutdown-timeout 3, its replica), linked."""
    prim = Server(["--repl-diskless-sync-delay", "0", "--shutdown-timeout", "3"]).start()
    closing(prim)
    rep = Server().start()
    closing(rep)
    rep.client().execute_command("REPLICAOF", "127.0.0.1", prim.port)
    wait_for(lambda: linked(prim, rep), what="sync")
    yield prim, rep
    if rep.alive():
        rep.proc.send_signal(signal.SIGCONT)


def stop_replica(prim, rep):
    """Stop the replica and write: it can no longer acknowledge."""
    rep.proc.send_signal(signal.SIGSTOP)
    prim.client().set("k", "v")


def test_shutdown_waits_for_a_lagging_replica_then_exits(pair):
    prim, rep = pair
    stop_replica(prim, rep)
    c = prim.raw()
    c.send_command("SHUTDOWN")
    start = time.monotonic()
    time.sleep(1)
    assert prim.alive()
    assert prim.raw().call("GET", "k") == b"$1\r\nv\r\n"  # reads go on
    prim.expected_exit = True
    assert prim.proc.wait(10) == 0
    assert time.monotonic() - start >= 2.5
    log = prim.log()
    assert "Waiting for replicas before shutting down." in log
    assert "0 of 1 replicas are synced when shutting down." in log
    assert "Lagging replica 127.0.0.1:%d reported offset" % rep.port in log
    assert c.read_until_close() == b""  # no reply: the connection closes


def test_shutdown_now_does_not_wait(pair):
    prim, rep = pair
    stop_replica(prim, rep)
    prim.expected_exit = True
    prim.raw().send_command("SHUTDOWN", "NOW")
    assert prim.proc.wait(2) == 0
    assert "Waiting for replicas" not in prim.log()


def test_shutdown_with_synced_replicas_does_not_wait(pair):
    prim, rep = pair
    prim.expected_exit = True
    prim.raw().send_command("SHUTDOWN")
    assert prim.proc.wait(2) == 0
    log = prim.log()
    assert "Waiting for replicas" not in log
    assert "1 of 1 replicas are synced when shutting down." in log


def test_shutdown_abort_cancels_the_wait(pair):
    prim, rep = pair
    stop_replica(prim, rep)
    c = prim.raw()
    c.send_command("SHUTDOWN")
    wait_for(lambda: "Waiting for replicas before shutting down." in prim.log(), what="wait")
    w = prim.raw()
    w.send_command("SET", "during", "1")
    time.sleep(0.3)
    assert prim.client().get("during") is None  # writes are paused
    other = prim.raw()
    assert other.call("SHUTDOWN", "ABORT") == b"+OK\r\n"
    assert c.read_reply() == b"-ERR Errors trying to SHUTDOWN. Check logs.\r\n"
    assert w.read_reply() == b"+OK\r\n"
    assert "Shutdown manually aborted." in prim.log()
    assert other.call("SHUTDOWN", "ABORT") == b"-ERR No shutdown in progress.\r\n"
    time.sleep(3.5)  # past the timeout: nothing shuts down
    assert prim.alive()


def test_sigterm_waits_too(pair):
    prim, rep = pair
    stop_replica(prim, rep)
    c = prim.client()
    assert c.config_set("shutdown-timeout", "2")
    assert c.config_get("shutdown-timeout") == {"shutdown-timeout": "2"}
    prim.expected_exit = True
    start = time.monotonic()
    prim.proc.send_signal(signal.SIGTERM)
    time.sleep(0.5)
    assert prim.alive()
    assert prim.proc.wait(10) == 0
    assert time.monotonic() - start >= 1.5
    assert "Waiting for replicas before shutting down." in prim.log()


def test_timeout_zero_does_not_wait(pair):
    prim, rep = pair
    stop_replica(prim, rep)
    assert prim.client().config_set("shutdown-timeout", "0")
    prim.expected_exit = True
    prim.raw().send_command("SHUTDOWN")
    assert prim.proc.wait(2) == 0
    assert "Waiting for replicas" not in prim.log()
