"""TLS: a plain and a TLS port at once, client certificates required,
optional or not asked for, a wrong CA refused, handshakes from plain
clients or garbage closing only their connection, certificate reload and
tls-port changes with CONFIG SET, protocols, an encrypted key, big values
and pipelines over TLS, redis-py and redis-cli --tls. The certificates are
made at test time (tls_certs.py)."""

import os
import shutil
import socket
import ssl
import subprocess
import tempfile
import time

import pytest
import redis

from modis_helpers import RespClient, encode_command, error_of, free_port, parse_reply, Incomplete
from tls_certs import make_pki

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="no openssl command")


@pytest.fixture(scope="module")
def pki():
    d = tempfile.mkdtemp(prefix="modis-tls-")
    yield make_pki(d)
    shutil.rmtree(d, ignore_errors=True)


def tls_args(pki, port, *more):
    return ["--tls-port", str(port), "--tls-cert-file", pki["server"] + ".crt",
            "--tls-key-file", pki["server"] + ".key", "--tls-ca-cert-file", pki["ca"] + ".crt"] + \
        list(more)


@pytest.fixture
def tls_server(start_server, pki):
    port = free_port()
    srv = start_server(tls_args(pki, port))
    srv.tls_port = port
    return srv


def tls_socket(port, pki, cert="client", ca="ca", version=None):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.load_verify_locations(pki[ca] + ".crt")
    if cert:
        ctx.load_cert_chain(pki[cert] + ".crt", pki[cert] + ".key")
    if version:
        ctx.minimum_version = ctx.maximum_version = version
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    return ctx.wrap_socket(sock, server_hostname="localhost")


def call(sock, *args):
    """One command over a socket; the parsed reply."""
    sock.sendall(encode_command(*args))
    buf = b""
    while True:
        try:
            return parse_reply(buf)[0]
        except Incomplete:
            chunk = sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed")
            buf += chunk


def refused(port, pki, **kw):
    """True when a TLS client is turned away (at the handshake or, with
    TLS 1.3, at its first read)."""
    try:
        s = tls_socket(port, pki, **kw)
        try:
            return call(s, "PING") != "PONG"
        finally:
            s.close()
    except (ssl.SSLError, ConnectionError, OSError):
        return True


def test_plain_and_tls_ports(tls_server, pki):
    r = redis.Redis(host="localhost", port=tls_server.tls_port, ssl=True,
                    ssl_certfile=pki["client"] + ".crt", ssl_keyfile=pki["client"] + ".key",
                    ssl_ca_certs=pki["ca"] + ".crt")
    assert r.ping()
    r.set("k", "over tls")
    plain = tls_server.client()
    assert plain.get("k") == b"over tls"
    assert r.hset("h", mapping={"a": 1, "b": 2}) == 2
    assert r.hgetall("h") == {b"a": b"1", b"b": b"2"}
    r.close()
    plain.close()


def test_client_certificates_required_by_default(tls_server, pki):
    port = tls_server.tls_port
    assert not refused(port, pki)
    assert refused(port, pki, cert=None)
    assert refused(port, pki, cert="other_client")
    # the server keeps serving everybody else
    assert not refused(port, pki)
    assert tls_server.client().ping()


def test_auth_clients_optional_and_no(tls_server, pki):
    c = tls_server.client()
    assert c.config_set("tls-auth-clients", "optional")
    port = tls_server.tls_port
    assert not refused(port, pki, cert=None)
    assert not refused(port, pki)
    assert refused(port, pki, cert="other_client")
    assert c.config_set("tls-auth-clients", "no")
    assert not refused(port, pki, cert=None)
    assert not refused(port, pki, cert="other_client")
    c.close()


def test_wrong_server_ca_is_refused_by_the_client(tls_server, pki):
    with pytest.raises(ssl.SSLError):
        tls_socket(tls_server.tls_port, pki, ca="other_ca")
    assert not refused(tls_server.tls_port, pki)


@pytest.mark.parametrize("junk", [b"PING\r\n", b"*1\r\n$4\r\nPING\r\n",
                                  b"\x16\x03\x01\x00\x05hello", bytes(range(256)) * 4])
def test_plain_client_or_garbage_on_the_tls_port(tls_server, pki, junk):
    s = socket.create_connection(("127.0.0.1", tls_server.tls_port), timeout=5)
    s.sendall(junk)
    s.settimeout(5)
    data = b""
    try:
        while True:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
    except ConnectionResetError:
        pass
    s.close()
    assert b"PONG" not in data
    assert not refused(tls_server.tls_port, pki)
    assert tls_server.client().ping()


def test_tls_client_on_the_plain_port(tls_server, pki):
    assert refused(tls_server.port, pki)
    assert tls_server.client().ping()


def test_big_values_and_pipelines(tls_server, pki):
    s = tls_socket(tls_server.tls_port, pki)
    big = os.urandom(3 * 1024 * 1024)
    assert call(s, "SET", "big", big) == "OK"
    assert call(s, "GET", "big") == big
    # 2000 commands in one write, replies read back in order
    s.sendall(b"".join(encode_command("INCR", "n") for _ in range(2000)))
    buf, got = b"", []
    while len(got) < 2000:
        buf += s.recv(65536)
        while True:
            try:
                v, end = parse_reply(buf)
            except Incomplete:
                break
            got.append(v)
            buf = buf[end:]
    assert got == list(range(1, 2001))
    s.close()


def test_certificate_reload(tls_server, pki):
    c = tls_server.client()
    bad = "ERR CONFIG SET failed (possibly related to argument 'tls-cert-file') - Unable to " \
          "update TLS configuration. Check server logs."
    with pytest.raises(redis.ResponseError) as e:
        c.config_set("tls-cert-file", "/nonexistent.crt")
    assert str(e.value) == bad.split(" ", 1)[1]
    assert c.config_get("tls-cert-file")["tls-cert-file"] == pki["server"] + ".crt"
    old = tls_socket(tls_server.tls_port, pki)
    assert old.getpeercert()["subject"] == ((("commonName", "localhost"),),)
    assert c.execute_command("CONFIG", "SET", "tls-cert-file", pki["server2"] + ".crt",
                             "tls-key-file", pki["server2"] + ".key")
    new = tls_socket(tls_server.tls_port, pki)
    assert new.getpeercert()["subject"] == ((("commonName", "reloaded"),),)
    assert call(old, "PING") == "PONG"       # open connections keep theirs
    old.close()
    new.close()
    c.close()


def test_tls_port_config_set(tls_server, pki):
    c = tls_server.client()
    port = free_port()
    assert c.config_set("tls-port", port)
    assert not refused(port, pki)
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", tls_server.tls_port), timeout=2)
    assert c.config_set("tls-port", 0)
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=2)
    c.close()


def test_protocols(tls_server, pki):
    c = tls_server.client()
    assert c.config_set("tls-protocols", "TLSv1.2")
    assert refused(tls_server.tls_port, pki, version=ssl.TLSVersion.TLSv1_3)
    assert not refused(tls_server.tls_port, pki, version=ssl.TLSVersion.TLSv1_2)
    with pytest.raises(redis.ResponseError) as e:
        c.config_set("tls-protocols", "TLSv9")
    assert "Unable to update TLS configuration. Check server logs." in str(e.value)
    assert c.config_get("tls-protocols")["tls-protocols"] == "TLSv1.2"
    assert c.config_set("tls-protocols", "TLSv1.2 TLSv1.3")
    assert not refused(tls_server.tls_port, pki, version=ssl.TLSVersion.TLSv1_3)
    assert c.config_set("tls-ciphersuites", "TLS_AES_256_GCM_SHA384")
    assert c.config_set("tls-ciphers", "ECDHE-RSA-AES128-GCM-SHA256")
    assert c.config_set("tls-prefer-server-ciphers", "yes", "tls-session-caching", "no")
    assert not refused(tls_server.tls_port, pki)
    c.close()


def test_encrypted_key(start_server, pki):
    port = free_port()
    srv = start_server(["--tls-port", str(port), "--tls-cert-file", pki["server_enc"] + ".crt",
                        "--tls-key-file", pki["server_enc"] + ".key", "--tls-key-file-pass",
                        "keypass", "--tls-auth-clients", "no"])
    assert not refused(port, pki, cert=None)
    srv.stop()


def test_startup_without_certificate(pki):
    with tempfile.TemporaryDirectory() as d:
        p = subprocess.run([os.environ.get("MODIS_SERVER") or os.path.join(
            os.path.dirname(__file__), "..", "..", "host", "modis-server"),
            "--port", str(free_port()), "--tls-port", str(free_port()), "--dir", d],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=20)
    assert p.returncode == 1
    out = p.stdout.decode()
    assert "No tls-cert-file configured!" in out
    assert "Failed to configure TLS. Check logs for more info." in out


def test_redis_cli_tls(tls_server, pki):
    cli = shutil.which("redis-cli")
    if not cli:
        pytest.skip("redis-cli not installed")
    out = subprocess.run([cli, "--tls", "--cacert", pki["ca"] + ".crt", "--cert",
                          pki["client"] + ".crt", "--key", pki["client"] + ".key", "-p",
                          str(tls_server.tls_port), "SET", "cli", "yes"],
                         stdout=subprocess.PIPE, timeout=20).stdout
    assert out == b"OK\n"
    assert tls_server.client().get("cli") == b"yes"


@pytest.mark.modis_only
def test_acl_over_tls(tls_server, pki):
    s = tls_socket(tls_server.tls_port, pki)
    assert call(s, "ACL", "SETUSER", "t", "on", ">pw", "+ping") == "OK"
    assert call(s, "AUTH", "t", "pw") == "OK"
    assert call(s, "GET", "x").text == "NOPERM User t has no permissions to run the 'get' command"
    assert call(s, "ACL", "DELUSER", "t").text.startswith("NOPERM")
    s.close()
    tls_server.client().execute_command("ACL", "DELUSER", "t")
