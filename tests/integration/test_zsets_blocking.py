"""Blocking sorted-set pops with several clients: BZPOPMIN/BZPOPMAX/
BZMPOP served by ZADD (and by the *STORE commands and ZINCRBY creating
the key), FIFO order per key, key order, COUNT, float timeouts and their
replies (RESP2 null array, RESP3 null), MULTI/EXEC (a blocking form in a
transaction answers at once; a ZADD inside one serves after the EXEC),
argument errors, and the AOF seeing the served pops as ZPOPMIN/ZPOPMAX.

Blocked clients are raw RESP clients: the test sends the command, waits
until INFO says the client is blocked, acts, then reads the reply."""

import os
import time

import pytest

from modis_helpers import RespClient, block, blocked_count, error_of, parse_reply

WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value"


def test_bzpopmin_served_by_zadd(r, clients):
    c = clients()
    block(r, c, "BZPOPMIN", "z", "0")
    r.zadd("z", {"b": 2, "a": 1})
    assert c.read() == [b"z", b"a", b"1"]
    assert r.zrange("z", 0, -1) == [b"b"]
    assert blocked_count(r) == 0


def test_bzpopmax_key_order(r, clients):
    c = clients()
    block(r, c, "BZPOPMAX", "k1", "k2", "k3", "0")
    r.zadd("k3", {"x": 5, "y": 6})
    assert c.read() == [b"k3", b"y", b"6"]


@pytest.mark.modis_only
def test_rerun_looks_at_keys_in_argument_order(r, clients):
    # Redis 7.2+ re-runs the blocked command (7.0 served the key signalled
    # first)
    c = clients()
    block(r, c, "BZPOPMAX", "k1", "k2", "0")
    pipe = r.pipeline(transaction=True)
    pipe.zadd("k2", {"two": 2})
    pipe.zadd("k1", {"one": 1})
    pipe.execute()
    # served after EXEC; the re-run looks at its keys in argument order
    assert c.read() == [b"k1", b"one", b"1"]
    assert r.zcard("k2") == 1


def test_bzmpop_count(r, clients):
    c = clients()
    block(r, c, "BZMPOP", "0", "2", "a", "b", "MIN", "COUNT", "2")
    r.zadd("b", {"x": 1, "y": 2, "z": 3})
    assert c.read() == [b"b", [[b"x", b"1"], [b"y", b"2"]]]
    c3 = clients(proto=3)
    block(r, c3, "BZMPOP", "0", "1", "a", "MAX", "COUNT", "10")
    r.zadd("a", {"p": 1.5})
    assert c3.read() == [b"a", [[b"p", 1.5]]]


def test_fifo_order(r, clients):
    cs = clients(3)
    for c in cs:
        block(r, c, "BZPOPMIN", "z", "0")
    r.zadd("z", {"a": 1, "b": 2})
    assert cs[0].read() == [b"z", b"a", b"1"]
    assert cs[1].read() == [b"z", b"b", b"2"]
    assert blocked_count(r) == 1
    r.zadd("z", {"c": 3})
    assert cs[2].read() == [b"z", b"c", b"3"]


def test_rerun_keeps_place(r, clients):
    first, second = clients(2)
    block(r, first, "BZPOPMIN", "z", "0")
    block(r, second, "BZPOPMIN", "z", "0")
    # a transaction that adds and removes: the key is empty when served
    pipe = r.pipeline(transaction=True)
    pipe.zadd("z", {"a": 1})
    pipe.delete("z")
    pipe.execute()
    assert blocked_count(r) == 2
    r.zadd("z", {"b": 1})
    assert first.read() == [b"z", b"b", b"1"]


def test_store_commands_and_zincrby_unblock(r, clients):
    c = clients()
    r.zadd("src", {"a": 1, "b": 2})
    for cmd in (("ZUNIONSTORE", "dst", "1", "src"), ("ZRANGESTORE", "dst", "src", "0", "0"),
                ("ZINCRBY", "dst", "5", "m")):
        r.delete("dst")
        block(r, c, "BZPOPMAX", "dst", "0")
        r.execute_command(*cmd)
        got = c.read()
        assert got[0] == b"dst", cmd


def test_timeouts(r, clients):
    c = clients()
    t0 = time.monotonic()
    c.conn.send_command("BZPOPMIN", "z", "0.1")
    assert c.conn.read_reply() == b"*-1\r\n"
    assert time.monotonic() - t0 >= 0.09
    c.conn.send_command("BZMPOP", "0.05", "1", "z", "MIN")
    assert c.conn.read_reply() == b"*-1\r\n"
    c3 = clients(proto=3)
    c3.conn.send_command("BZPOPMAX", "z", "0.05")
    assert c3.conn.read_reply() == b"_\r\n"
    c3.conn.send_command("BZMPOP", "0.05", "1", "z", "MAX")
    assert c3.conn.read_reply() == b"_\r\n"


def test_blocking_in_multi_answers_at_once(r, r2):
    r2.execute("MULTI")
    r2.execute("BZPOPMIN", "z", "0")
    r2.execute("BZMPOP", "0", "1", "z", "MIN")
    r2.execute("ZADD", "z", "1", "a")
    r2.execute("BZPOPMAX", "z", "0")
    assert r2.execute("EXEC") == [None, None, 1, [b"z", b"a", b"1"]]


def test_argument_errors(r, r2):
    assert error_of(r2, "BZPOPMIN", "z", "x") == "ERR timeout is not a float or out of range"
    assert error_of(r2, "BZPOPMIN", "z", "-1") == "ERR timeout is negative"
    assert error_of(r2, "BZMPOP", "0", "0", "z", "MIN") == "ERR numkeys should be greater than 0"
    assert error_of(r2, "BZMPOP", "x", "1", "z", "MIN") == \
        "ERR timeout is not a float or out of range"
    assert error_of(r2, "BZMPOP", "0", "1", "z", "FOO") == "ERR syntax error"
    assert error_of(r2, "BZMPOP", "0", "1", "z", "MIN", "COUNT", "0") == \
        "ERR count should be greater than 0"
    r.set("s", "x")
    assert error_of(r2, "BZPOPMIN", "nokey", "s", "0") == WRONGTYPE
    assert error_of(r2, "BZMPOP", "0", "2", "nokey", "s", "MIN") == WRONGTYPE
    assert r2.execute("COMMAND", "GETKEYS", "BZMPOP", "0", "2", "a", "b", "MIN") == [b"a", b"b"]


def test_wrong_type_after_blocking_keeps_waiting(r, clients):
    c = clients()
    block(r, c, "BZPOPMIN", "z", "0")
    r.set("other", "x")
    r.rename("other", "z")          # a string lands on the key: still blocked
    time.sleep(0.05)
    assert blocked_count(r) == 1
    r.delete("z")
    r.zadd("z", {"a": 1})
    assert c.read() == [b"z", b"a", b"1"]


@pytest.mark.modis_only
def test_served_pops_reach_the_aof_as_zpop(start_server):
    # A served BZMPOP propagates the COUNT it was given, as Redis 7.2+ does
    # when it re-runs the command (7.0 wrote the number popped)
    srv = start_server(["--appendonly", "yes", "--appendfsync", "always"])
    r = srv.client()
    c = RespClient(srv.port)
    block(r, c, "BZPOPMIN", "z", "0")
    r.zadd("z", {"a": 1, "b": 2, "c": 3})
    assert c.read() == [b"z", b"a", b"1"]
    block(r, c, "BZMPOP", "0", "1", "y", "MAX", "COUNT", "2")
    r.zadd("y", {"a": 1})
    assert c.read() == [b"y", [[b"a", b"1"]]]
    c.close()
    r.close()
    adir = os.path.join(srv.dir, "appendonlydir")
    data = b"".join(open(os.path.join(adir, n), "rb").read()
                    for n in sorted(os.listdir(adir)) if n.endswith(".incr.aof"))
    cmds, pos = [], 0
    while pos < len(data):
        v, pos = parse_reply(data, pos)
        if v[0].upper() != b"SELECT":
            cmds.append(v)
    assert cmds == [[b"ZADD", b"z", b"1", b"a", b"2", b"b", b"3", b"c"],
                    [b"ZPOPMIN", b"z"],
                    [b"ZADD", b"y", b"1", b"a"],
                    [b"ZPOPMAX", b"y", b"2"]]
