"""Blocking XREAD with several clients: BLOCK with "$" served by XADD
(only the entries added after the call, even when several arrive before
the re-run), with "+" and plain IDs, several keys (the one signalled is
served), every blocked reader served by one XADD, timeouts (RESP2 null
array, RESP3 null), BLOCK 0 inside MULTI answering at once, CLIENT
UNBLOCK, a stream deleted and re-created while a reader waits, and a key
that turns into another type leaving the reader blocked.

Blocked clients are raw RESP clients: the test sends the command, waits
until INFO says the client is blocked, acts, then reads the reply."""

import time

from modis_helpers import block, blocked_count


def test_dollar_served_by_xadd(r, clients):
    r.delete("s")
    r.xadd("s", {"old": 1}, id="1-0")
    c = clients()
    block(r, c, "XREAD", "BLOCK", "0", "STREAMS", "s", "$")
    r.xadd("s", {"new": 2}, id="2-0")
    assert c.read() == [[b"s", [[b"2-0", [b"new", b"2"]]]]]
    assert blocked_count(r) == 0


def test_dollar_keeps_its_meaning_across_several_adds(r, clients):
    r.delete("s")
    r.xadd("s", {"old": 1}, id="1-0")
    c = clients()
    block(r, c, "XREAD", "BLOCK", "0", "STREAMS", "s", "$")
    pipe = r.pipeline(transaction=True)
    pipe.xadd("s", {"a": 1}, id="2-0")
    pipe.xadd("s", {"b": 2}, id="3-0")
    pipe.execute()
    assert c.read() == [[b"s", [[b"2-0", [b"a", b"1"]], [b"3-0", [b"b", b"2"]]]]]


def test_missing_key_and_plus(r, clients):
    r.delete("s", "t")
    c1, c2 = clients(2)
    block(r, c1, "XREAD", "BLOCK", "0", "STREAMS", "s", "$")
    block(r, c2, "XREAD", "BLOCK", "0", "STREAMS", "s", "+")
    r.xadd("s", {"a": 1}, id="5-0")
    assert c1.read() == [[b"s", [[b"5-0", [b"a", b"1"]]]]]
    assert c2.read() == [[b"s", [[b"5-0", [b"a", b"1"]]]]]
    # "+" on a stream with entries reads the last one at once
    r.xadd("s", {"b": 2}, id="6-0")
    assert c1.execute("XREAD", "STREAMS", "s", "+") == [[b"s", [[b"6-0", [b"b", b"2"]]]]]


def test_several_keys_and_readers(r, clients):
    r.delete("s1", "s2")
    a, b = clients(2)
    block(r, a, "XREAD", "BLOCK", "0", "STREAMS", "s1", "s2", "$", "$")
    block(r, b, "XREAD", "BLOCK", "0", "COUNT", "1", "STREAMS", "s2", "0")
    r.xadd("s2", {"x": 1}, id="1-1")
    assert a.read() == [[b"s2", [[b"1-1", [b"x", b"1"]]]]]
    assert b.read() == [[b"s2", [[b"1-1", [b"x", b"1"]]]]]


def test_plain_id_waits_for_a_higher_one(r, clients):
    r.delete("s")
    r.xadd("s", {"a": 1}, id="1-0")
    c = clients()
    block(r, c, "XREAD", "BLOCK", "0", "STREAMS", "s", "5-0")
    r.xadd("s", {"a": 2}, id="3-0")      # not above 5-0: still blocked
    time.sleep(0.05)
    assert blocked_count(r) == 1
    r.xadd("s", {"a": 3}, id="6-0")
    assert c.read() == [[b"s", [[b"6-0", [b"a", b"3"]]]]]


def test_timeouts(r, clients):
    r.delete("s")
    c2, c3 = clients(), clients(proto=3)
    t = time.monotonic()
    assert c2.execute("XREAD", "BLOCK", "100", "STREAMS", "s", "$") is None
    assert time.monotonic() - t >= 0.09
    c3.conn.send_command("XREAD", "BLOCK", "50", "STREAMS", "s", "$")
    assert c3.conn.read_reply() == b"_\r\n"


def test_multi_answers_at_once(r, clients):
    r.delete("s")
    c = clients()
    c.execute("MULTI")
    c.execute("XREAD", "BLOCK", "0", "STREAMS", "s", "$")
    assert c.execute("EXEC") == [None]


def test_client_unblock(r, clients):
    r.delete("s")
    c = clients()
    cid = c.execute("CLIENT", "ID")
    block(r, c, "XREAD", "BLOCK", "0", "STREAMS", "s", "$")
    assert r.client_unblock(cid) is True
    assert c.read() is None


def test_deleted_and_recreated(r, clients):
    r.delete("s")
    r.xadd("s", {"a": 1}, id="5-0")
    c = clients()
    block(r, c, "XREAD", "BLOCK", "0", "STREAMS", "s", "$")
    r.delete("s")
    r.set("s", "now a string")
    time.sleep(0.05)
    assert blocked_count(r) == 1          # another type: still waiting
    r.delete("s")
    r.xadd("s", {"b": 2}, id="1-0")       # below the "$" of then: waiting
    time.sleep(0.05)
    assert blocked_count(r) == 1
    r.xadd("s", {"c": 3}, id="9-0")
    assert c.read() == [[b"s", [[b"9-0", [b"c", b"3"]]]]]
