"""CLIENT PAUSE / UNPAUSE (issue 10): two or more clients, one pausing.

Under WRITE, commands that write or may replicate wait (a write inside
MULTI waits when it would be queued; EXEC waits when its queue writes);
under ALL every command waits, the pausing client's too. Keys neither
expire nor get evicted while paused. Each behaviour is checked on Modis
and on the reference redis-server alike where 7.0 has it.
"""

import time

import pytest

from modis_helpers import RawConn, RespClient, error_of, parse_info


@pytest.fixture(params=["modis", "redis"])
def port(request, server, ref_server):
    srv = server if request.param == "modis" else ref_server
    c = RespClient(srv.port)
    c.execute("FLUSHALL")
    yield srv.port
    c.execute("CLIENT", "UNPAUSE")
    c.execute("CONFIG", "SET", "maxmemory", "0")
    c.execute("CONFIG", "SET", "maxmemory-policy", "noeviction")
    c.close()


def waiting(conn, wait=0.3):
    """Nothing arrived on conn within `wait` seconds."""
    return conn.read_available(wait) == b""


def info(c, section):
    return parse_info(c.execute("INFO", section).decode())


def test_write_pause_holds_writes_not_reads(port):
    admin = RespClient(port)
    w = RawConn(port)
    rd = RawConn(port)
    assert admin.execute("CLIENT", "PAUSE", "100000", "WRITE") == "OK"
    assert rd.call("GET", "k") == b"$-1\r\n"
    w.send_command("SET", "k", "v")
    assert waiting(w)
    w.send_command("PUBLISH", "ch", "m")  # may replicate: waits too, in order
    assert waiting(w, 0.1)
    assert int(info(admin, "clients")["blocked_clients"]) == 1
    line = [l for l in admin.execute("CLIENT", "LIST").decode().splitlines()
            if "cmd=set" in l or "cmd=client|pause" in l and "flags=b" in l]
    assert any(" flags=b " in l for l in line)
    assert rd.call("GET", "k") == b"$-1\r\n"
    assert admin.execute("CLIENT", "UNPAUSE") == "OK"
    assert w.read_reply() == b"+OK\r\n"
    assert w.read_reply() == b":0\r\n"
    assert rd.call("GET", "k") == b"$1\r\nv\r\n"
    assert int(info(admin, "clients")["blocked_clients"]) == 0
    for c in (admin, w, rd):
        c.close()


def test_all_pause_holds_everyone_until_it_ends(port):
    admin = RawConn(port)
    other = RawConn(port)
    start = time.monotonic()
    assert admin.call("CLIENT", "PAUSE", "600", "ALL") == b"+OK\r\n"
    other.send_command("GET", "k")
    # even UNPAUSE waits under ALL, and the pausing client's own commands
    admin.send_command("CLIENT", "UNPAUSE")
    assert waiting(other, 0.2) and waiting(admin, 0.05)
    assert other.read_reply(timeout=5) == b"$-1\r\n"
    assert admin.read_reply(timeout=5) == b"+OK\r\n"
    assert time.monotonic() - start >= 0.55
    admin.close()
    other.close()


def test_pause_in_transactions(port):
    admin = RespClient(port)
    a = RawConn(port)
    b = RawConn(port)
    assert b.call("MULTI") == b"+OK\r\n"
    assert b.call("INCR", "n") == b"+QUEUED\r\n"  # queued before the pause
    admin.execute("CLIENT", "PAUSE", "100000", "WRITE")
    assert a.call("MULTI") == b"+OK\r\n"
    assert a.call("GET", "n") == b"+QUEUED\r\n"
    assert a.call("EXEC") == b"*1\r\n$-1\r\n"       # a read-only EXEC runs
    b.send_command("EXEC")                          # its queue writes: waits
    assert waiting(b)
    assert a.call("MULTI") == b"+OK\r\n"
    a.send_command("SET", "x", "1")                 # a write waits to be queued
    assert waiting(a)
    admin.execute("CLIENT", "UNPAUSE")
    assert b.read_reply() == b"*1\r\n:1\r\n"
    assert a.read_reply() == b"+QUEUED\r\n"
    assert a.call("EXEC") == b"*1\r\n+OK\r\n"
    for c in (admin, a, b):
        c.close()


def test_pause_keeps_the_stronger_mode_and_later_end(port):
    admin = RawConn(port)
    w = RawConn(port)
    start = time.monotonic()
    assert admin.call("CLIENT", "PAUSE", "800", "WRITE") == b"+OK\r\n"
    # a shorter ALL pause: ALL from now on, until the WRITE pause's end
    assert admin.call("CLIENT", "PAUSE", "10", "ALL") == b"+OK\r\n"
    w.send_command("GET", "k")
    assert waiting(w, 0.4)
    assert w.read_reply(timeout=5) == b"$-1\r\n"
    assert time.monotonic() - start >= 0.75
    # a weaker, shorter pause leaves nothing paused once it is over
    assert admin.call("CLIENT", "PAUSE", "50", "WRITE") == b"+OK\r\n"
    time.sleep(0.1)
    assert w.call("SET", "k", "v") == b"+OK\r\n"
    for c in (admin, w):
        c.close()


def test_pause_holds_expiry(port):
    c = RespClient(port)
    before = int(info(c, "stats")["expired_keys"])
    c.execute("SET", "e1", "v", "PX", "20")
    c.execute("SET", "e2", "v", "PX", "20")
    c.execute("CLIENT", "PAUSE", "100000", "WRITE")
    time.sleep(0.3)  # several active expiry cycles
    assert c.execute("GET", "e1") is None          # reads as gone...
    assert c.execute("EXISTS", "e1", "e2") == 0
    assert c.execute("DBSIZE") == 2                # ...but is still there
    assert int(info(c, "stats")["expired_keys"]) == before
    c.execute("CLIENT", "UNPAUSE")
    assert c.execute("GET", "e1") is None
    assert c.execute("GET", "e2") is None
    assert int(info(c, "stats")["expired_keys"]) == before + 2
    assert c.execute("DBSIZE") == 0
    c.close()


def test_pause_holds_eviction(port):
    c = RespClient(port)
    for i in range(200):
        c.execute("SET", "key:%d" % i, "x" * 100)
    c.execute("CONFIG", "SET", "maxmemory-policy", "allkeys-random")
    c.execute("CLIENT", "PAUSE", "100000", "WRITE")
    c.execute("CONFIG", "SET", "maxmemory", "1")
    assert c.execute("GET", "key:1") == b"x" * 100
    assert c.execute("DBSIZE") == 200
    c.execute("CONFIG", "SET", "maxmemory", "0")
    c.execute("CLIENT", "UNPAUSE")
    c.execute("CONFIG", "SET", "maxmemory", "1")
    c.execute("GET", "key:1")
    assert c.execute("DBSIZE") < 200
    c.close()


def test_postponed_client_may_disconnect(port):
    admin = RespClient(port)
    admin.execute("CLIENT", "PAUSE", "100000", "WRITE")
    gone = RawConn(port)
    gone.send_command("SET", "g", "1")
    stays = RawConn(port)
    stays.send_command("SET", "s", "1")
    assert waiting(stays, 0.2)
    gone.close()
    time.sleep(0.1)
    admin.execute("CLIENT", "UNPAUSE")
    assert stays.read_reply() == b"+OK\r\n"
    assert admin.execute("EXISTS", "g", "s") == 1
    stays.close()
    admin.close()


def test_pause_errors_as_redis(server, ref_server):
    got = []
    for srv in (server, ref_server):
        c = RespClient(srv.port)
        got.append([
            error_of(c, "CLIENT", "PAUSE"),
            error_of(c, "CLIENT", "PAUSE", "x"),
            error_of(c, "CLIENT", "PAUSE", "-1"),
            error_of(c, "CLIENT", "PAUSE", "10", "foo"),
            error_of(c, "CLIENT", "PAUSE", "x", "foo"),
            error_of(c, "CLIENT", "PAUSE", "10", "all", "x"),
            error_of(c, "CLIENT", "UNPAUSE", "x"),
            c.execute("CLIENT", "PAUSE", "0"),
            c.execute("CLIENT", "UNPAUSE"),
        ])
        c.close()
    assert got[0] == got[1]
    assert got[0][4] == "ERR CLIENT PAUSE mode must be WRITE or ALL"


@pytest.mark.modis_only
def test_pause_timeout_out_of_range(r2):
    # Redis 7.0 overflows the end time; documented 7.4 refuses it
    assert error_of(r2, "CLIENT", "PAUSE", "9223372036854775807") == \
        "ERR timeout is out of range"
    assert r2.execute("PING") == "PONG"
