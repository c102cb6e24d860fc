"""maxmemory-clients client eviction and CLIENT NO-EVICT (issue 10).

While the connections together use more than maxmemory-clients (bytes or
a percent of maxmemory), the evictable one using the most is closed;
CLIENT NO-EVICT ON protects a connection. Each test runs on Modis and on
the reference redis-server alike.
"""

import time

import pytest

from modis_helpers import RawConn, RespClient, error_of, parse_info


@pytest.fixture(params=["modis", "redis"])
def port(request, server, ref_server):
    srv = server if request.param == "modis" else ref_server
    c = RespClient(srv.port)
    c.execute("CONFIG", "RESETSTAT")
    c.execute("CLIENT", "NO-EVICT", "on")
    yield srv.port
    c.execute("CONFIG", "SET", "maxmemory-clients", "0")
    c.execute("CONFIG", "SET", "maxmemory", "0")
    c.close()


def big_pending(conn, size=1000000, sent=600000):
    """Start a SET whose value is not complete: its query buffer grows
    (the server may evict the connection before all is sent)."""
    try:
        conn.send(b"*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$%d\r\n" % size + b"x" * sent)
    except (ConnectionResetError, BrokenPipeError):
        pass


def evicted(c):
    return int(parse_info(c.execute("INFO", "stats").decode())["evicted_clients"])


def test_the_biggest_evictable_client_goes(port):
    admin = RespClient(port)
    admin.execute("CONFIG", "SET", "maxmemory-clients", "1500kb")
    hog = RawConn(port)
    kept = RawConn(port)
    assert kept.call("CLIENT", "NO-EVICT", "on") == b"+OK\r\n"
    small = RawConn(port)
    assert small.call("PING") == b"+PONG\r\n"
    big_pending(kept)
    big_pending(hog)
    time.sleep(0.3)
    assert admin.execute("PING") == "PONG"
    assert hog.is_closed(2)
    assert evicted(admin) == 1
    # the protected one completes its command; the small one was spared
    kept.send(b"x" * 400000 + b"\r\n")
    assert kept.read_reply() == b"+OK\r\n"
    assert small.call("PING") == b"+PONG\r\n"
    assert admin.execute("STRLEN", "big") == 1000000
    for c in (admin, hog, kept, small):
        c.close()


def test_percent_of_maxmemory(port):
    admin = RespClient(port)
    admin.execute("CONFIG", "SET", "maxmemory", "10mb")
    admin.execute("CONFIG", "SET", "maxmemory-clients", "10%")
    assert admin.execute("CONFIG", "GET", "maxmemory-clients") == \
        [b"maxmemory-clients", b"10%"]
    hog = RawConn(port)
    big_pending(hog, 3000000, 1500000)
    time.sleep(0.3)
    assert admin.execute("PING") == "PONG"
    assert hog.is_closed(2)
    assert evicted(admin) == 1
    # without maxmemory a percent limits nothing
    admin.execute("CONFIG", "SET", "maxmemory", "0")
    other = RawConn(port)
    big_pending(other, 3000000, 1500000)
    time.sleep(0.3)
    assert admin.execute("PING") == "PONG"
    assert not other.is_closed(0.3)
    for c in (admin, hog, other):
        c.close()


def test_no_evict_flag_in_client_list(port):
    c = RespClient(port)
    assert " flags=N " in c.execute("CLIENT", "INFO").decode()
    c.execute("CLIENT", "NO-EVICT", "on")
    assert " flags=e " in c.execute("CLIENT", "INFO").decode()
    c.execute("CLIENT", "NO-EVICT", "off")
    assert " flags=N " in c.execute("CLIENT", "INFO").decode()
    c.close()


def test_config_and_debug_as_redis(server, ref_server):
    got = []
    for srv in (server, ref_server):
        c = RespClient(srv.port)
        got.append([
            error_of(c, "CONFIG", "SET", "maxmemory-clients", "101%"),
            error_of(c, "CONFIG", "SET", "maxmemory-clients", "-1%"),
            error_of(c, "CONFIG", "SET", "maxmemory-clients", "x"),
            error_of(c, "CONFIG", "SET", "maxmemory-clients", "-5"),
            c.execute("CONFIG", "SET", "maxmemory-clients", "1mb"),
            c.execute("CONFIG", "GET", "maxmemory-clients"),
            c.execute("CONFIG", "SET", "maxmemory-clients", "0%"),
            c.execute("CONFIG", "GET", "maxmemory-clients"),
            c.execute("CONFIG", "SET", "maxmemory-clients", "0"),
            error_of(c, "DEBUG", "CLIENT-EVICTION"),
        ])
        c.execute("CONFIG", "SET", "maxmemory-clients", "100mb")
        text = c.execute("DEBUG", "CLIENT-EVICTION").decode()
        lines = text.splitlines()
        assert len(lines) == 19
        assert lines[0].startswith("bucket          0 -      32767: tot-mem: ")
        assert lines[-1].startswith("bucket 4294967296+            : tot-mem: ")
        assert sum(int(l.rsplit("clients: ", 1)[1]) for l in lines) >= 1
        c.execute("CONFIG", "SET", "maxmemory-clients", "0")
        c.close()
    assert got[0] == got[1]
    assert got[0][5] == [b"maxmemory-clients", b"1048576"]
