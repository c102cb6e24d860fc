"""Replication, replica side: the target server replicating from a Debian
redis-server 7.0 and from itself (disk and diskless), chains of replicas,
promotion with PSYNC2, read-only replicas, expiry on replicas.

Every test starts its own servers on loopback ports; waits are bounded.
"""

import time

import pytest

from modis_helpers import Server, start_reference
from test_replication import dataset, fill, wait_for


def target(*args):
    return Server(["--repl-diskless-sync-delay", "0"] + list(args)).start()


def reference(*args):
    return start_reference(["--repl-diskless-sync-delay", "0"] + list(args))


def linked(prim, rep):
    """rep follows prim: link up, the same offset, and prim sees it online."""
    p = prim.client().info("replication")
    s = rep.client().info("replication")
    slaves = [v for k, v in p.items() if k.startswith("slave") and isinstance(v, dict)]
    ok = (s.get("role") == "slave" and s.get("master_link_status") == "up"
          and s["master_repl_offset"] == p["master_repl_offset"]
          and any(x["port"] == rep.port and x["state"] == "online" for x in slaves))
    linked.last = (p, s)
    return ok


def replicate(rep, prim):
    assert rep.client().execute_command("REPLICAOF", "127.0.0.1", prim.port) == b"OK"


@pytest.mark.parametrize("diskless", ["no", "yes"])
@pytest.mark.parametrize("primary_kind", ["redis", "modis"])
def test_sync_from_primary_and_stream(closing, primary_kind, diskless):
    make = reference if primary_kind == "redis" else target
    prim = make("--repl-diskless-sync", diskless)
    closing(prim)
    pc = prim.client()
    fill(pc, 40)
    prim.client(db=1).set("in-db1", "x")
    rep = target()
    closing(rep)
    replicate(rep, prim)
    wait_for(lambda: linked(prim, rep), what="sync")
    assert dataset(rep.client()) == dataset(pc)
    fill(pc, 10, prefix="later")
    with pc.pipeline(transaction=True) as p:
        p.incr("counter")
        p.lpush("later:list", "a", "b")
        p.execute()
    prim.client(db=1).delete("in-db1")
    wait_for(lambda: linked(prim, rep), what="stream")
    assert dataset(rep.client()) == dataset(pc)
    info = rep.client().info("replication")
    assert info["slave_repl_offset"] == pc.info("replication")["master_repl_offset"]
    assert info["master_replid"] == pc.info("replication")["master_replid"]
    role = rep.client().execute_command("ROLE")
    assert role == [b"slave", b"127.0.0.1", prim.port, b"connected",
                    info["slave_repl_offset"]]


def test_read_only_replica_and_replicaof_replies(closing):
    prim = target()
    closing(prim)
    rep = target()
    closing(rep)
    r = rep.raw()
    assert r.call("REPLICAOF", "127.0.0.1", "abc") == b"-ERR Invalid master port\r\n"
    assert r.call("REPLICAOF", "127.0.0.1", "70000") == b"-ERR Invalid master port\r\n"
    assert r.call("REPLICAOF", "127.0.0.1", str(prim.port)) == b"+OK\r\n"
    assert r.call("REPLICAOF", "127.0.0.1", str(prim.port)) == \
        b"+OK Already connected to specified master\r\n"
    wait_for(lambda: linked(prim, rep), what="sync")
    assert r.call("SET", "k", "v") == b"-READONLY You can't write against a read only replica.\r\n"
    assert r.call("MULTI") == b"+OK\r\n"
    assert r.call("SET", "k", "v") == b"-READONLY You can't write against a read only replica.\r\n"
    assert r.call("EXEC") == \
        b"-EXECABORT Transaction discarded because of previous errors.\r\n"
    assert r.call("CONFIG", "SET", "replica-read-only", "no") == b"+OK\r\n"
    assert r.call("SET", "k", "v") == b"+OK\r\n"
    assert r.call("CONFIG", "GET", "slave-read-only") == \
        b"*2\r\n$15\r\nslave-read-only\r\n$2\r\nno\r\n"
    assert r.call("REPLICAOF", "NO", "ONE") == b"+OK\r\n"
    assert r.call("ROLE") == b"*3\r\n$6\r\nmaster\r\n:%d\r\n*0\r\n" % \
        rep.client().info("replication")["master_repl_offset"]


def test_serve_stale_data_no(closing):
    rep = target("--replica-serve-stale-data", "no")
    closing(rep)
    r = rep.raw()
    # A primary nobody listens on: the link stays down.
    assert r.call("REPLICAOF", "127.0.0.1", "1") == b"+OK\r\n"
    assert r.call("GET", "k") == (b"-MASTERDOWN Link with MASTER is down and "
                                  b"replica-serve-stale-data is set to 'no'.\r\n")
    assert r.call("INFO", "replication").startswith(b"$")
    info = rep.client().info("replication")
    assert (info["role"], info["master_link_status"], info["master_port"]) == ("slave", "down", 1)
    assert r.call("CONFIG", "SET", "replica-serve-stale-data", "yes") == b"+OK\r\n"
    assert r.call("GET", "k") == b"$-1\r\n"


def test_replica_hides_expired_keys_and_waits_for_del(closing):
    prim = target()
    closing(prim)
    rep = target()
    closing(rep)
    replicate(rep, prim)
    wait_for(lambda: linked(prim, rep), what="sync")
    pc, rc = prim.client(), rep.client()
    pc.execute_command("DEBUG", "SET-ACTIVE-EXPIRE", "0")
    pc.set("short", "v", px=200)
    wait_for(lambda: rc.exists("short") == 1, what="key on the replica")
    time.sleep(0.4)
    # Past its TTL: hidden from reads, still held until the primary's DEL.
    assert rc.get("short") is None
    assert rc.exists("short") == 0
    assert rc.dbsize() == 1
    assert pc.get("short") is None  # the primary expires it and sends DEL
    wait_for(lambda: rc.dbsize() == 0, what="DEL from the primary")


def test_partial_resync_after_link_cut(closing):
    prim = target()
    closing(prim)
    rep = target()
    closing(rep)
    replicate(rep, prim)
    wait_for(lambda: linked(prim, rep), what="sync")
    pc = prim.client()
    fill(pc, 10)
    wait_for(lambda: linked(prim, rep), what="stream")
    assert rep.client().execute_command("CLIENT", "KILL", "TYPE", "master") == 1
    pc.set("during-cut", "1")
    wait_for(lambda: linked(prim, rep), what="resync")
    stats = pc.info("stats")
    assert (stats["sync_full"], stats["sync_partial_ok"]) == (1, 1)
    assert dataset(rep.client()) == dataset(pc)


def test_chain_passes_the_stream_on(closing):
    prim = target()
    closing(prim)
    mid = target()
    closing(mid)
    replicate(mid, prim)
    wait_for(lambda: linked(prim, mid), what="first link")
    leaf = reference("--replicaof", "127.0.0.1", str(mid.port))
    closing(leaf)
    pc = prim.client()
    fill(pc, 20)
    wait_for(lambda: linked(prim, mid) and linked(mid, leaf), what="chain")
    assert dataset(leaf.client()) == dataset(pc)
    offsets = {s.client().info("replication")["master_repl_offset"] for s in (prim, mid, leaf)}
    assert len(offsets) == 1


def test_promotion_keeps_history_psync2(closing):
    prim = target()
    closing(prim)
    a = target()
    closing(a)
    b = reference()
    closing(b)
    replicate(a, prim)
    replicate(b, prim)
    pc = prim.client()
    fill(pc, 20)
    try:
        wait_for(lambda: linked(prim, a) and linked(prim, b), what="both synced")
    except AssertionError:
        raise AssertionError(repr(linked.last))
    old_id = pc.info("replication")["master_replid"]
    # Fail over to a: b follows it and continues its history.
    assert a.client().execute_command("REPLICAOF", "NO", "ONE") == b"OK"
    info = a.client().info("replication")
    assert info["role"] == "master" and info["master_replid2"] == old_id
    assert info["second_repl_offset"] == info["master_repl_offset"] + 1
    replicate(b, a)
    a.client().set("after-failover", "1")
    wait_for(lambda: linked(a, b), what="b follows a")
    stats = a.client().info("stats")
    assert (stats["sync_full"], stats["sync_partial_ok"]) == (0, 1)
    assert b.client().get("after-failover") == b"1"
    assert dataset(b.client()) == dataset(a.client())


def test_masterauth(closing):
    prim = target("--requirepass", "s3cret")
    closing(prim)
    rep = target("--masterauth", "s3cret")
    closing(rep)
    replicate(rep, prim)
    pcli = prim.client(password="s3cret")
    pcli.set("secret-key", "1")
    wait_for(lambda: rep.client().get("secret-key") == b"1", what="sync with AUTH")
    assert rep.client().config_get("masterauth") == {"masterauth": "s3cret"}


@pytest.mark.modis_only  # checks where the log says the RDB went
@pytest.mark.parametrize("mode", ["swapdb", "on-empty-db"])
def test_diskless_load_from_memory(closing, mode):
    prim = reference("--repl-diskless-sync", "yes")
    closing(prim)
    fill(prim.client(), 30)
    rep = target("--repl-diskless-load", mode)
    closing(rep)
    rep.client().set("old-data", "1")  # replaced by the primary's dataset
    replicate(rep, prim)
    wait_for(lambda: linked(prim, rep), what="sync")
    assert dataset(rep.client()) == dataset(prim.client())
    assert rep.client().get("old-data") is None
    log = rep.log()
    # on-empty-db with data present goes through the disk, swapdb never
    assert ("to memory" in log) == (mode == "swapdb")
    assert rep.client().config_get("repl-diskless-load") == {"repl-diskless-load": mode}


@pytest.mark.modis_only  # checks where the log says the RDB went
def test_diskless_load_on_empty_db_uses_memory(closing):
    prim = target("--repl-diskless-sync", "yes")
    closing(prim)
    fill(prim.client(), 10)
    rep = target("--repl-diskless-load", "on-empty-db")
    closing(rep)
    replicate(rep, prim)
    wait_for(lambda: linked(prim, rep), what="sync")
    assert dataset(rep.client()) == dataset(prim.client())
    assert "receiving streamed RDB from master to memory" in rep.log()
