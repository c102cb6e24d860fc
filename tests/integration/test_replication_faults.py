"""Replication under faults: the link cut during a full sync and while
streaming, a replica killed with -9 and restarted, a primary restarted
with persistence, a write load during the sync. No write the primary
acknowledged may be missing once the replica caught up.

Every test starts its own servers on loopback ports; waits are bounded.
"""

import threading
import time

import pytest

from modis_helpers import Server, start_reference
from test_replication import dataset, fill, wait_for
from test_replication_replica import linked


def writer(server, stop, prefix):
    """Write numbered keys until `stop`; returns the list of acknowledged ones."""
    done = []

    def run():
        c = server.client()
        i = 0
        while not stop.is_set():
            c.set("%s:%d" % (prefix, i), i)
            done.append(i)
            i += 1
            time.sleep(0.001)  # a steady load, not one that starves the box

    t = threading.Thread(target=run, daemon=True)
    t.start()
    return t, done


def test_link_cut_during_full_sync(closing):
    prim = Server(["--repl-diskless-sync", "no", "--rdb-key-save-delay", "2000"]).start()
    closing(prim)
    pc = prim.client()
    fill(pc, 100)  # about 300 keys: the snapshot takes ~0.6 s
    rep = start_reference(["--replicaof", "127.0.0.1", str(prim.port)])
    closing(rep)
    wait_for(lambda: pc.info("replication").get("connected_slaves") == 1, what="replica asks")
    pc.execute_command("CLIENT", "KILL", "TYPE", "replica")
    pc.config_set("rdb-key-save-delay", "0")
    pc.set("after-cut", "1")
    wait_for(lambda: linked(prim, rep), timeout=30, what="sync after the cut")
    assert dataset(rep.client()) == dataset(pc)


@pytest.mark.parametrize("replica_kind", ["redis", "modis"])
def test_write_load_during_sync_and_link_cut(closing, replica_kind):
    prim = Server(["--repl-diskless-sync", "no", "--repl-backlog-size", "10mb"]).start()
    closing(prim)
    pc = prim.client()
    fill(pc, 200)
    stop = threading.Event()
    t, done = writer(prim, stop, "load")
    if replica_kind == "redis":
        rep = start_reference(["--replicaof", "127.0.0.1", str(prim.port)])
    else:
        rep = Server(["--replicaof", "127.0.0.1", str(prim.port)]).start()
    closing(rep)
    try:
        wait_for(lambda: linked(prim, rep) or rep.client().info("replication")
                 .get("master_link_status") == "up", timeout=30, what="sync under load")
        pc.execute_command("CLIENT", "KILL", "TYPE", "replica")  # cut while streaming
        wait_for(lambda: rep.client().info("replication").get("master_link_status") == "up",
                 timeout=30, what="relinked under load")
    finally:
        stop.set()
        t.join(10)
    wait_for(lambda: linked(prim, rep), timeout=30, what="caught up")
    rc = rep.client()
    missing = [i for i in done if rc.get("load:%d" % i) is None]
    assert not missing
    assert dataset(rc) == dataset(pc)
    assert pc.info("stats")["sync_partial_ok"] >= 1


def test_replica_killed_and_restarted(closing):
    prim = Server(["--repl-diskless-sync", "no"]).start()
    closing(prim)
    pc = prim.client()
    fill(pc, 50)
    rep = Server(["--replicaof", "127.0.0.1", str(prim.port), "--save", "900 1"]).start()
    closing(rep)
    wait_for(lambda: linked(prim, rep), what="sync")
    keep = rep.dir
    rep.own_dir = False  # keep its data for the restart
    rep.proc.kill()
    rep.proc.wait(10)
    pc.set("while-dead", "1")
    rep2 = Server(["--replicaof", "127.0.0.1", str(prim.port)], dir=keep).start()
    rep2.own_dir = True  # its stop() removes the directory
    closing(rep2)
    wait_for(lambda: linked(prim, rep2), what="resync after -9")
    assert rep2.client().get("while-dead") == b"1"
    assert dataset(rep2.client()) == dataset(pc)


def test_primary_restarted_with_persistence(closing):
    prim = Server(["--repl-diskless-sync", "no", "--appendonly", "yes",
                   "--appendfsync", "always"]).start()
    closing(prim)
    pc = prim.client()
    rep = start_reference(["--replicaof", "127.0.0.1", str(prim.port)])
    closing(rep)
    fill(pc, 50)
    pc.set("acked", "1")
    assert pc.execute_command("WAIT", 1, 5000) == 1
    keep = prim.dir
    prim.own_dir = False
    prim.kill()
    prim2 = Server(["--repl-diskless-sync", "no", "--appendonly", "yes"], dir=keep).start()
    prim2.own_dir = True
    closing(prim2)
    p2 = prim2.client()
    assert p2.get("acked") == b"1"
    rep.client().execute_command("REPLICAOF", "127.0.0.1", prim2.port)
    p2.set("after-restart", "1")
    wait_for(lambda: linked(prim2, rep), timeout=30, what="sync with the restarted primary")
    assert dataset(rep.client()) == dataset(p2)
