"""Replication over TLS (tls-replication): the replica connects to its
primary's tls-port, the primary serves it there; full sync (disk and
diskless), the stream, partial resync after a cut, with the Debian
redis-server on either side; a plain replica or one with the wrong CA
never gets the link up. Certificates are made at test time
(tls_certs.py).

Every test starts its own servers on loopback ports; waits are bounded.
"""

import shutil
import tempfile
import time

import pytest

from modis_helpers import REDIS_BIN, Server, free_port, start_reference
from test_replication import dataset, fill, wait_for
from tls_certs import make_pki

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="no openssl command")


@pytest.fixture(scope="module")
def pki():
    d = tempfile.mkdtemp(prefix="modis-repl-tls-")
    yield make_pki(d)
    shutil.rmtree(d, ignore_errors=True)


def tls_server(kind, pki, *args, ca="ca"):
    """A server with a plain port and a TLS port (s.tls_port) that
    replicates over TLS."""
    port = free_port()
    argv = ["--tls-port", str(port), "--tls-cert-file", pki["server"] + ".crt",
            "--tls-key-file", pki["server"] + ".key", "--tls-ca-cert-file", pki[ca] + ".crt",
            "--tls-replication", "yes", "--repl-diskless-sync-delay", "0"] + list(args)
    s = start_reference(argv) if kind == "redis" else Server(argv).start()
    s.tls_port = port
    return s


def online_at(prim, port):
    """prim shows a replica listening on `port` online, at prim's offset."""
    info = prim.client().info("replication")
    return any(isinstance(v, dict) and v.get("port") == port and v.get("state") == "online"
               and v.get("offset") == info["master_repl_offset"]
               for k, v in info.items() if k.startswith("slave"))


def caught_up(prim, rep):
    s = rep.client().info("replication")
    p = prim.client().info("replication")
    return (s.get("master_link_status") == "up"
            and s["master_repl_offset"] == p["master_repl_offset"])


@pytest.mark.parametrize("diskless", ["no", "yes"])
@pytest.mark.parametrize("kinds", [("modis", "modis"), ("redis", "modis"), ("modis", "redis")])
def test_tls_replication(closing, pki, kinds, diskless):
    prim = tls_server(kinds[0], pki, "--repl-diskless-sync", diskless)
    closing(prim)
    pc = prim.client()
    fill(pc, 30)
    rep = tls_server(kinds[1], pki)
    closing(rep)
    rc = rep.client()
    rc.execute_command("REPLICAOF", "127.0.0.1", prim.tls_port)
    wait_for(lambda: caught_up(prim, rep), timeout=30, what="sync over TLS")
    # A TLS replica announces its TLS port.
    wait_for(lambda: online_at(prim, rep.tls_port), what="replica online at its TLS port")
    assert dataset(rc) == dataset(pc)
    fill(pc, 10, prefix="later")
    big = "x" * 300000  # several TLS records in one command
    pc.set("big", big)
    wait_for(lambda: caught_up(prim, rep), what="stream over TLS")
    assert dataset(rc) == dataset(pc)
    # A cut while streaming: partial resync over TLS.
    full = pc.info("stats")["sync_full"]
    pc.execute_command("CLIENT", "KILL", "TYPE", "replica")
    pc.set("during-cut", "1")
    wait_for(lambda: caught_up(prim, rep) and rc.get("during-cut") == b"1", timeout=30,
             what="resync over TLS")
    stats = pc.info("stats")
    assert stats["sync_full"] == full and stats["sync_partial_ok"] >= 1
    assert dataset(rc) == dataset(pc)


def test_plain_replica_at_tls_port_and_wrong_ca_never_link(closing, pki):
    prim = tls_server("modis", pki)
    closing(prim)
    plain = Server(["--repl-timeout", "2"]).start()
    closing(plain)
    wrong = tls_server("modis", pki, "--repl-timeout", "2", ca="other_ca")
    closing(wrong)
    for rep in (plain, wrong):
        rep.client().execute_command("REPLICAOF", "127.0.0.1", prim.tls_port)
    time.sleep(2.5)
    for rep in (plain, wrong):
        assert rep.client().info("replication")["master_link_status"] == "down"
    assert prim.client().info("replication")["connected_slaves"] == 0
    assert "TLS handshake with the server failed" in wrong.log()
    # The right CA on the same server: the link comes up.
    wc = wrong.client()
    wc.config_set("tls-ca-cert-file", pki["ca"] + ".crt")
    wait_for(lambda: caught_up(prim, wrong), timeout=30, what="link once the CA is right")
