"""Protected mode as Redis 7.4: while the default user has no password and
protected-mode is on, a client from anything but the loopback interface
(or the unix socket) gets Redis's explanation and is disconnected; a
password or protected-mode no lets it in. The test reaches the server
through this machine's own non-loopback address."""

import shutil
import socket
import ssl
import tempfile

import pytest

from modis_helpers import RawConn, free_port, parse_info

pytestmark = pytest.mark.modis_only

DENIED = (
    b"-DENIED Redis is running in protected mode because protected mode is enabled and no "
    b"password is set for the default user. In this mode connections are only accepted from "
    b"the loopback interface. If you want to connect from external computers to Redis you may "
    b"adopt one of the following solutions: 1) Just disable protected mode sending the command "
    b"'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from "
    b"the same host the server is running, however MAKE SURE Redis is not publicly accessible "
    b"from internet if you do so. Use CONFIG REWRITE to make this change permanent. "
    b"2) Alternatively you can just disable the protected mode by editing the Redis "
    b"configuration file, and setting the protected mode option to 'no', and then restarting "
    b"the server. 3) If you started the server manually just for testing, restart it with the "
    b"'--protected-mode no' option. 4) Set up an authentication password for the default user. "
    b"NOTE: You only need to do one of the above things in order for the server to start "
    b"accepting connections from the outside.\r\n")


def outside_address():
    """An address of this machine that is not loopback, or None."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.connect(("192.0.2.1", 9))      # no packet is sent for UDP connect
        addr = s.getsockname()[0]
    except OSError:
        return None
    finally:
        s.close()
    return None if addr.startswith("127.") else addr


@pytest.fixture
def outside():
    addr = outside_address()
    if not addr:
        pytest.skip("no non-loopback address on this machine")
    return addr


@pytest.fixture
def open_server(start_server):
    return start_server(["--bind", "* -::*", "--unixsocket",
                         tempfile.mktemp(prefix="modis-prot-", suffix=".sock")])


def test_outside_client_refused(open_server, outside):
    c = RawConn(open_server.port, host=outside)
    assert c.read_until_close() == DENIED
    local = open_server.raw()
    assert local.call("PING") == b"+PONG\r\n"
    info = parse_info(local.call("INFO", "stats").split(b"\r\n", 1)[1])
    assert info["rejected_connections"] == "1"


def test_unix_socket_is_local(open_server):
    path = open_server.client().config_get("unixsocket")["unixsocket"]
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    s.sendall(b"PING\r\n")
    assert s.recv(100) == b"+PONG\r\n"
    s.close()


def test_password_or_protected_mode_no_lets_outside_in(open_server, outside):
    local = open_server.client()
    local.config_set("requirepass", "pw")
    c = RawConn(open_server.port, host=outside)
    assert c.call("PING") == b"-NOAUTH Authentication required.\r\n"
    assert c.call("AUTH", "pw") == b"+OK\r\n"
    c.close()
    local.execute_command("AUTH", "pw")
    local.config_set("requirepass", "")
    local.config_set("protected-mode", "no")
    c = RawConn(open_server.port, host=outside)
    assert c.call("PING") == b"+PONG\r\n"
    c.close()
    # a password set with ACL SETUSER counts as well
    local.config_set("protected-mode", "yes")
    local.execute_command("ACL", "SETUSER", "default", ">x")
    c = RawConn(open_server.port, host=outside)
    assert c.call("PING") == b"-NOAUTH Authentication required.\r\n"
    c.close()


@pytest.mark.skipif(shutil.which("openssl") is None, reason="no openssl command")
def test_refused_over_tls_after_the_handshake(start_server, outside):
    from tls_certs import make_pki
    d = tempfile.mkdtemp(prefix="modis-prot-tls-")
    try:
        pki = make_pki(d)
        port = free_port()
        start_server(["--bind", "* -::*", "--tls-port", str(port), "--tls-cert-file",
                      pki["server"] + ".crt", "--tls-key-file", pki["server"] + ".key",
                      "--tls-auth-clients", "no"])
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.load_verify_locations(pki["ca"] + ".crt")
        ctx.check_hostname = False
        s = ctx.wrap_socket(socket.create_connection((outside, port), timeout=5))
        data = b""
        while True:
            try:
                chunk = s.recv(4096)
            except (ssl.SSLError, ConnectionResetError):
                break
            if not chunk:
                break
            data += chunk
        s.close()
        assert data == DENIED
    finally:
        shutil.rmtree(d, ignore_errors=True)
