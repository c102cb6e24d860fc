"""Replication directives beyond the link itself: replica-priority and
replica-announced (INFO), replica-announce-ip/-port (what the primary
shows of its replica), replica-ignore-maxmemory, replica-lazy-flush,
repl-disable-tcp-nodelay.

Every test starts its own servers on loopback ports; waits are bounded.
"""

import os
import time

import pytest

from modis_helpers import Server, start_reference
from test_replication import dataset, fill, wait_for
from test_replication_replica import linked


def target(*args):
    return Server(["--repl-diskless-sync-delay", "0"] + list(args)).start()


def replica_lines(prim):
    info = prim.client().info("replication")
    return [v for k, v in sorted(info.items()) if k.startswith("slave") and isinstance(v, dict)]


def test_priority_and_announced_in_info(closing):
    prim = target()
    closing(prim)
    rep = target("--replica-priority", "7", "--replica-announced", "no")
    closing(rep)
    rc = rep.client()
    rc.execute_command("REPLICAOF", "127.0.0.1", prim.port)
    wait_for(lambda: linked(prim, rep), what="sync")
    info = rc.info("replication")
    assert (info["slave_priority"], info["slave_read_only"], info["replica_announced"]) == (
        7, 1, 0)
    rr = rep.raw()
    rr.send_command("INFO", "replication")
    raw = rr.read_reply()
    assert b"slave_priority:7\r\nslave_read_only:1\r\nreplica_announced:0\r\n" in raw
    assert rc.config_set("slave-priority", 0)
    assert rc.config_set("replica-announced", "yes")
    info = rc.info("replication")
    assert (info["slave_priority"], info["replica_announced"]) == (0, 1)
    assert rc.config_get("replica-priority") == {"replica-priority": "0"}
    # A primary shows none of these lines.
    assert "slave_priority" not in prim.client().info("replication")


@pytest.mark.parametrize("primary_kind", ["modis", "redis"])
def test_announce_ip_and_port(closing, primary_kind):
    if primary_kind == "redis":
        prim = start_reference(["--repl-diskless-sync-delay", "0"])
    else:
        prim = target()
    closing(prim)
    rep = target("--replica-announce-ip", "10.1.2.3", "--replica-announce-port", "16379")
    closing(rep)
    rep.client().execute_command("REPLICAOF", "127.0.0.1", prim.port)
    wait_for(lambda: any(x["state"] == "online" for x in replica_lines(prim)), what="online")
    (line,) = replica_lines(prim)
    assert (line["ip"], line["port"]) == ("10.1.2.3", 16379)
    role = prim.client().execute_command("ROLE")
    assert role[2][0][:2] == [b"10.1.2.3", b"16379"]
    assert rep.client().config_get("slave-announce-ip") == {"slave-announce-ip": "10.1.2.3"}


def test_replica_ignore_maxmemory(closing):
    prim = target()
    closing(prim)
    pc = prim.client()
    p = pc.pipeline(transaction=False)
    for i in range(2000):
        p.set("key:%d" % i, "x" * 500)
    p.execute()
    used = pc.info("memory")["used_memory"]
    limit = str(used // 2)
    rep = target("--maxmemory", limit, "--maxmemory-policy", "allkeys-random")
    closing(rep)
    rc = rep.client()
    rc.execute_command("REPLICAOF", "127.0.0.1", prim.port)
    wait_for(lambda: linked(prim, rep), timeout=30, what="sync")
    for _ in range(5):
        rc.get("key:1")  # commands run eviction when it is due
    assert rc.dbsize() == 2000  # the default: a replica does not evict
    assert rc.config_get("slave-ignore-maxmemory") == {"slave-ignore-maxmemory": "yes"}
    assert rc.config_set("replica-ignore-maxmemory", "no")
    rc.get("key:1")
    assert rc.dbsize() < 2000


@pytest.mark.parametrize("diskless_load", ["disabled", "on-empty-db"])
def test_lazy_flush_and_no_tcp_nodelay(closing, diskless_load):
    prim = target("--repl-disable-tcp-nodelay", "yes")
    closing(prim)
    pc = prim.client()
    fill(pc, 30)
    rep = target("--replica-lazy-flush", "yes", "--repl-diskless-load", diskless_load)
    closing(rep)
    rc = rep.client()
    p = rc.pipeline(transaction=False)
    for i in range(300):
        p.rpush("old:%d" % (i % 3), "y" * 100)
    p.execute()
    rc.execute_command("REPLICAOF", "127.0.0.1", prim.port)
    wait_for(lambda: linked(prim, rep), timeout=30, what="sync")
    assert rc.exists("old:0") == 0
    fill(pc, 10, prefix="later")
    wait_for(lambda: linked(prim, rep), what="stream")
    assert dataset(rc) == dataset(pc)
    assert pc.config_get("repl-disable-tcp-nodelay") == {"repl-disable-tcp-nodelay": "yes"}
    assert rc.config_get("slave-lazy-flush") == {"slave-lazy-flush": "yes"}


def replica_client_addr(prim):
    """The addr field of the primary's replica connection (CLIENT LIST)."""
    (line,) = [c for c in prim.client().client_list() if "S" in c["flags"]]
    return line["addr"].rsplit(":", 1)[0]


@pytest.mark.parametrize("source", ["127.0.0.1", "127.0.0.2"])
def test_bind_source_addr(closing, source):
    prim = target()
    closing(prim)
    rep = target("--bind-source-addr", source)
    closing(rep)
    rc = rep.client()
    assert rc.config_get("bind-source-addr") == {"bind-source-addr": source}
    rc.execute_command("REPLICAOF", "127.0.0.1", prim.port)
    wait_for(lambda: linked(prim, rep), what="sync")
    assert replica_client_addr(prim) == source


def test_bind_source_addr_config_set_and_best_effort(closing):
    prim = target()
    closing(prim)
    rep = target()
    closing(rep)
    rc = rep.client()
    assert rc.config_set("bind-source-addr", "127.0.0.2")
    rc.execute_command("REPLICAOF", "127.0.0.1", prim.port)
    wait_for(lambda: linked(prim, rep), what="sync")
    assert replica_client_addr(prim) == "127.0.0.2"
    # An address the host does not have: as Redis, the link is made anyway.
    rc.execute_command("REPLICAOF", "NO", "ONE")
    assert rc.config_set("bind-source-addr", "192.0.2.1")
    rc.execute_command("REPLICAOF", "127.0.0.1", prim.port)
    wait_for(lambda: linked(prim, rep), what="sync")
    assert replica_client_addr(prim) == "127.0.0.1"


def replica_missing_hll(closing, behavior, *args):
    """A primary and a replica with propagation-error-behavior `behavior`
    (and `args`) that unloaded the hll module: the primary's PFADD fails
    on it."""
    prim = target()
    closing(prim)
    rep = target("--propagation-error-behavior", behavior, *args)
    closing(rep)
    rc = rep.client()
    assert rc.config_get("propagation-error-behavior") == {
        "propagation-error-behavior": behavior}
    assert rc.execute_command("MODULE", "UNLOAD", "hll") == b"OK"
    rc.execute_command("REPLICAOF", "127.0.0.1", prim.port)
    wait_for(lambda: linked(prim, rep), what="sync")
    pc = prim.client()
    pc.pfadd("h", "a")
    pc.set("after", "1")
    return prim, rep


CRITICAL = ("== CRITICAL == This replica is sending an error to its master: "
            "'ERR unknown command 'PFADD', with args beginning with: 'h' 'a' ' after "
            "processing the command '<unknown>'")


@pytest.mark.parametrize("behavior", ["ignore", "panic"])
def test_propagation_error_logged_and_ignored(closing, behavior):
    # Only a read-only replica panics: with panic, this one accepts writes.
    prim, rep = replica_missing_hll(closing, behavior, "--replica-read-only",
                                    "no" if behavior == "panic" else "yes")
    rc = rep.client()
    wait_for(lambda: rc.get("after") == b"1", what="the stream after the error")
    assert CRITICAL in rep.log()
    assert rc.info("stats")["unexpected_error_replies"] == 1
    assert rep.alive()


def test_propagation_error_panic_on_replicas(closing):
    prim, rep = replica_missing_hll(closing, "panic-on-replicas")
    rep.expected_exit = True
    assert rep.proc.wait(10) == -6  # SIGABRT, after the crash report
    log = rep.log()
    assert CRITICAL in log
    assert ("Guru Meditation: This replica panicked sending an error to its master after "
            "processing the command '<unknown>'") in log


def test_propagation_error_behavior_config():
    with Server().start() as s:
        c = s.client()
        for v in ("panic", "panic-on-replicas", "ignore"):
            assert c.config_set("propagation-error-behavior", v)
            assert c.config_get("propagation-error-behavior") == {
                "propagation-error-behavior": v}


@pytest.mark.parametrize("delete", ["yes", "no"])
def test_rdb_del_sync_files(closing, delete):
    # Both without persistence (the test servers' save "" and appendonly no).
    prim = target("--repl-diskless-sync", "no", "--rdb-del-sync-files", delete)
    closing(prim)
    prim.client().set("k", "v")
    rep = target("--rdb-del-sync-files", delete)
    closing(rep)
    rc = rep.client()
    assert rc.config_get("rdb-del-sync-files") == {"rdb-del-sync-files": delete}
    rc.execute_command("REPLICAOF", "127.0.0.1", prim.port)
    wait_for(lambda: linked(prim, rep), what="sync")
    assert rc.get("k") == b"v"
    dumps = [os.path.join(s.dir, "dump.rdb") for s in (prim, rep)]
    if delete == "yes":
        wait_for(lambda: not any(os.path.exists(d) for d in dumps), what="dumps removed")
        assert ("Removing the RDB file used to feed replicas in a persistence-less instance"
                in prim.log())
        assert ("Removing the RDB file obtained from the master. This replica has persistence "
                "disabled") in rep.log()
    else:
        time.sleep(0.3)  # three cron ticks: nothing removes them
        assert all(os.path.exists(d) for d in dumps)


def test_rdb_del_sync_files_keeps_dumps_of_persistent_servers(closing):
    prim = target("--repl-diskless-sync", "no", "--rdb-del-sync-files", "yes",
                  "--save", "3600 1")
    closing(prim)
    rep = target("--rdb-del-sync-files", "yes", "--appendonly", "yes")
    closing(rep)
    rep.client().execute_command("REPLICAOF", "127.0.0.1", prim.port)
    wait_for(lambda: linked(prim, rep), what="sync")
    time.sleep(0.3)
    assert all(os.path.exists(os.path.join(s.dir, "dump.rdb")) for s in (prim, rep))


def replica_that_cannot_save(closing, tmp_path, ignore):
    """A linked replica with save points whose last BGSAVE failed (its dir
    vanished), so it refuses writes with MISCONF."""
    prim = target()
    closing(prim)
    rep = target("--save", "3600 1", "--enable-protected-configs", "yes",
                 "--replica-ignore-disk-write-errors", ignore)
    closing(rep)
    rc = rep.client()
    rc.execute_command("REPLICAOF", "127.0.0.1", prim.port)
    wait_for(lambda: linked(prim, rep), what="sync")
    gone = tmp_path / "gone"
    gone.mkdir()
    rc.config_set("dir", str(gone))
    gone.rmdir()
    rc.bgsave()
    wait_for(lambda: rc.info("persistence")["rdb_last_bgsave_status"] == "err", what="failure")
    assert rep.raw().call("PING").startswith(b"-MISCONF ")
    return prim, rep


def test_replica_ignore_disk_write_errors_yes(closing, tmp_path):
    prim, rep = replica_that_cannot_save(closing, tmp_path, "yes")
    rc = rep.client()
    assert rc.config_get("replica-ignore-disk-write-errors") == {
        "replica-ignore-disk-write-errors": "yes"}
    prim.client().set("k", "v")
    wait_for(lambda: rc.get("k") == b"v", what="the write applied")
    assert ("Replica is applying a command even though it is unable to write to disk."
            in rep.log())
    assert rep.alive()


def test_replica_disk_write_errors_panic_by_default(closing, tmp_path):
    prim, rep = replica_that_cannot_save(closing, tmp_path, "no")
    rep.expected_exit = True
    prim.client().set("k", "v")
    assert rep.proc.wait(10) == -6
    assert "Guru Meditation: Replica was unable to write command to disk." in rep.log()
