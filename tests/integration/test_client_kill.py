"""CLIENT KILL with each filter, and maxclients (issue 10): the filters
combine (every one must match), SKIPME defaults to yes in the new form.
Run on Modis and on the reference redis-server alike, except MAXAGE
(Redis 7.4)."""

import time

import pytest

from modis_helpers import RawConn, RespClient, error_of


@pytest.fixture(params=["modis", "redis"])
def port(request, server, ref_server):
    srv = server if request.param == "modis" else ref_server
    yield srv.port


def addr_of(conn):
    host, port = conn.sock.getsockname()[:2]
    return "%s:%d" % (host, port)


def test_kill_filters(port):
    me = RespClient(port)
    a = RawConn(port)
    b = RawConn(port)
    sub = RawConn(port)
    assert a.call("CLIENT", "SETNAME", "a") == b"+OK\r\n"
    sub.call("SUBSCRIBE", "ch")
    # ADDR and LADDR must both match
    laddr = "127.0.0.1:%d" % port
    assert me.execute("CLIENT", "KILL", "ADDR", addr_of(a), "LADDR", "127.0.0.1:1") == 0
    assert me.execute("CLIENT", "KILL", "ADDR", addr_of(a), "LADDR", laddr) == 1
    assert a.is_closed()
    # TYPE pubsub takes only the subscriber
    assert me.execute("CLIENT", "KILL", "TYPE", "pubsub") == 1
    assert sub.is_closed()
    assert not b.is_closed(0.1)
    # ID with a USER that is not its user: nothing
    bid = int(b.call("CLIENT", "ID")[1:-2])
    me.execute("ACL", "SETUSER", "killme", "on", "nopass", "+@all", "~*")
    assert me.execute("CLIENT", "KILL", "ID", str(bid), "USER", "killme") == 0
    assert me.execute("CLIENT", "KILL", "ID", str(bid), "USER", "default") == 1
    assert b.is_closed()
    # SKIPME: yes by default, no kills the caller after its reply
    me.execute("CLIENT", "KILL", "LADDR", laddr)
    assert me.execute("PING") == "PONG"
    me.conn.send_command("CLIENT", "KILL", "LADDR", laddr, "SKIPME", "no")
    assert me.conn.read_value() == 1
    assert me.conn.is_closed()
    c = RespClient(port)
    assert error_of(c, "CLIENT", "KILL", "TYPE", "nosuch") == "ERR Unknown client type 'nosuch'"
    assert error_of(c, "CLIENT", "KILL", "SKIPME", "maybe") == "ERR syntax error"
    assert error_of(c, "CLIENT", "KILL", "USER", "nobody") == "ERR No such user 'nobody'"
    # one argument is the old form: an address
    assert error_of(c, "CLIENT", "KILL", "ADDR") == "ERR No such client"
    c.execute("ACL", "DELUSER", "killme")
    c.close()


@pytest.mark.modis_only
def test_kill_maxage(start_server):
    srv = start_server()
    me = RespClient(srv.port)
    old = RawConn(srv.port)
    time.sleep(2.1)
    young = RawConn(srv.port)
    assert young.call("PING") == b"+PONG\r\n"
    assert error_of(me, "CLIENT", "KILL", "MAXAGE", "x") == \
        "ERR maxage is not an integer or out of range"
    # the caller is old too, but SKIPME yes
    assert me.execute("CLIENT", "KILL", "MAXAGE", "2") == 1
    assert old.is_closed()
    assert not young.is_closed(0.1)
    me.close()
    young.close()


def test_maxclients_refuses_with_redis_error(start_server, ref_server):
    ours = start_server(["--maxclients", "2"])
    theirs = ref_server
    c = RespClient(theirs.port)
    c.execute("CONFIG", "SET", "maxclients", "2")
    for srv in (ours, theirs):
        keep = [RespClient(srv.port) for _ in range(1 if srv is theirs else 2)]
        over = RawConn(srv.port)
        assert over.read_until_close() == b"-ERR max number of clients reached\r\n"
        for k in keep:
            assert k.execute("PING") == "PONG"
            k.close()
    c.execute("CONFIG", "SET", "maxclients", "10000")
    c.close()
