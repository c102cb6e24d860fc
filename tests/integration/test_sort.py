"""SORT and SORT_RO (modules/sort) end to end: every option and error,
numeric and ALPHA sorting of lists and sorted sets (sets in
test_sort_sets below, when the sets module is loaded), BY/GET patterns over
strings and hash fields (an expired field reads as missing), STORE (list
encoding, TTL dropped, empty results delete, the destination unblocks a
BLPOP, "sortstore"/"del" events), propagation, COMMAND GETKEYS, and the
module's wiring: it loads only with the strings and lists modules
(services string.v1, list.v1), and pins the optional providers it used."""

import os
import time

import pytest

from modis_helpers import REPO, RespClient, Server, error_of

WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value"
SCORES = "ERR One or more scores can't be converted into double"


def test_sort_numeric_and_alpha(r, r2):
    r.rpush("l", 3, 1, 2, 10, -5, 2.5)
    assert r.sort("l") == [b"-5", b"1", b"2", b"2.5", b"3", b"10"]
    assert r.sort("l", desc=True, start=1, num=2) == [b"3", b"2.5"]
    assert r.sort("l", alpha=True) == [b"-5", b"1", b"10", b"2", b"2.5", b"3"]
    assert r.execute_command("SORT_RO", "l", "LIMIT", "-3", "2") == [b"-5", b"1"]
    r.rpush("ties", "1", "01", "1.0", "b")
    assert error_of(r2, "SORT", "ties") == SCORES
    r.delete("ties")
    r.rpush("ties", "1", "01", "1.0")
    # equal scores order by the elements' bytes
    assert r.sort("ties") == [b"01", b"1", b"1.0"]
    assert r.sort("ties", desc=True) == [b"1.0", b"1", b"01"]


def test_sort_errors(r, r2):
    r.rpush("l", 1, 2)
    for args, err in [(("l", "foo"), "ERR syntax error"), (("l", "LIMIT", "1"), "ERR syntax error"),
                      (("l", "LIMIT", "x", "1"), "ERR value is not an integer or out of range"),
                      (("l", "BY"), "ERR syntax error"), (("l", "STORE"), "ERR syntax error")]:
        assert error_of(r2, "SORT", *args) == err, args
    assert error_of(r2, "SORT_RO", "l", "STORE", "d") == "ERR syntax error"
    r.set("s", "x")
    assert error_of(r2, "SORT", "s") == WRONGTYPE
    r.hset("h", "f", "v")
    assert error_of(r2, "SORT", "h", "STORE", "d") == WRONGTYPE
    r.rpush("bad", 1, "x")
    for v in ("x", "1 ", "nan", "1e400"):
        r.delete("bad")
        r.rpush("bad", 1, v)
        assert error_of(r2, "SORT", "bad", "STORE", "d") == SCORES, v
    assert r.exists("d") == 0
    assert r2.execute("SORT", "bad", "ALPHA") == [b"1", b"1e400"]
    assert error_of(r2, "SORT") == "ERR wrong number of arguments for 'sort' command"


def test_by_and_get_patterns(r, r2):
    r.rpush("l", 1, 2, 3)
    r.mset({"w_1": 30, "w_2": 10, "w_3": 20, "o_1": "one", "o_2": "two"})
    r.hset("h_1", mapping={"f": 3, "g": "x"})
    r.hset("h_2", mapping={"f": 1})
    r.hset("h_3", mapping={"f": 2})
    assert r.sort("l", by="w_*") == [b"2", b"3", b"1"]
    assert r.sort("l", by="w_*", get=["#", "o_*", "h_*->g"]) == \
        [b"2", b"two", None, b"3", None, None, b"1", b"one", b"x"]
    assert r.sort("l", by="h_*->f", desc=True) == [b"1", b"3", b"2"]
    assert r.sort("l", by="missing_*") == [b"1", b"2", b"3"]
    assert r.sort("l", by="nosort", desc=True) == [b"3", b"2", b"1"]
    assert r.sort("l", by="o_*", alpha=True) == [b"3", b"1", b"2"]   # missing sorts first
    assert r2.execute("SORT", "l", "GET", "nostar") == [None, None, None]
    assert r2.execute("SORT", "l", "GET", "h_*->") == [None, None, None]
    r.set("3", "three")
    assert r2.execute("SORT", "l", "GET", "*") == [None, None, b"three"]
    r.set("w_1", "x")
    assert error_of(r2, "SORT", "l", "BY", "w_*") == SCORES


@pytest.mark.modis_only
def test_get_skips_expired_hash_fields(r, r2):
    r.rpush("l", 1, 2)
    r.hset("h_1", mapping={"f": "a"})
    r.hset("h_2", mapping={"f": "b"})
    r2.execute("HPEXPIRE", "h_2", "1", "FIELDS", "1", "f")
    time.sleep(0.01)
    assert r2.execute("SORT", "l", "GET", "h_*->f") == [b"a", None]


def test_store(r, r2, restore_config):
    r.rpush("l", 3, 1, 2)
    r.set("d", "x", ex=100)
    assert r.sort("l", store="d") == 3
    assert r.lrange("d", 0, -1) == [b"1", b"2", b"3"] and r.ttl("d") == -1
    assert r.sort("l", by="nosort", get="#", store="d", start=5, num=1) == 0
    assert r.exists("d") == 0
    assert r.sort("nokey", store="d") == 0
    assert r2.execute("SORT", "l", "GET", "nokey_*", "STORE", "d") == 3
    assert r.lrange("d", 0, -1) == [b"", b"", b""]
    assert r.sort("l", store="l") == 3 and r.lrange("l", 0, -1) == [b"1", b"2", b"3"]
    restore_config("list-max-listpack-size")
    r.config_set("list-max-listpack-size", 2)
    assert r.sort("l", store="big") == 3
    assert r.object("encoding", "big") == b"quicklist"


def test_sorted_sets(r, r2, restore_config, is_modis):
    restore_config("zset-max-listpack-entries")
    for entries in (128, 0):
        r.config_set("zset-max-listpack-entries", entries)
        r.delete("z")
        r.zadd("z", {"c": 3, "a": 1, "b": 2, "d": 10, "e": -1})
        assert r.sort("z", alpha=True) == [b"a", b"b", b"c", b"d", b"e"]
        assert r.sort("z", by="nosort") == [b"e", b"a", b"b", b"c", b"d"]
        assert r.sort("z", by="nosort", desc=True, start=1, num=2) == [b"c", b"b"]
        assert r.sort("z", by="nosort", start=4, num=10) == [b"d"]
        assert r.sort("z", by="nosort", store="d") == 5
        assert r.lrange("d", 0, -1) == [b"e", b"a", b"b", b"c", b"d"]
        # Redis converts a listpack sorted set to a skiplist when SORT reads
        # it (a side effect of a read); Modis leaves the encoding alone
        if is_modis:
            assert r.object("encoding", "z") == (b"listpack" if entries else b"skiplist")


def test_sets(r, r2):
    r.sadd("s", 3, 1, 2, 10)
    assert r.sort("s") == [b"1", b"2", b"3", b"10"]
    assert r.sort("s", alpha=True, desc=True, start=0, num=2) == [b"3", b"2"]
    assert sorted(r.sort("s", by="nosort")) == [b"1", b"10", b"2", b"3"]
    # stored without sorting, a set is sorted ALPHA (deterministic)
    assert r.sort("s", by="nosort", store="d") == 4
    assert r.lrange("d", 0, -1) == [b"1", b"10", b"2", b"3"]
    r.mset({"w_1": 4, "w_2": 3, "w_3": 2, "w_10": 1})
    assert r.sort("s", by="w_*", get=["#", "w_*"]) == \
        [b"10", b"1", b"3", b"2", b"2", b"3", b"1", b"4"]


def test_store_unblocks_and_notifies(server, r, restore_config):
    restore_config("notify-keyspace-events")
    r.config_set("notify-keyspace-events", "KEA")
    sub = RespClient(server.port)
    sub.conn.send_command("PSUBSCRIBE", "__keyevent@0__:*")
    sub.read()
    waiter = RespClient(server.port)
    waiter.conn.send_command("BLPOP", "dst", "0")
    deadline = time.monotonic() + 5
    while int(r.info("clients")["blocked_clients"]) != 1:
        assert time.monotonic() < deadline
        time.sleep(0.005)
    r.rpush("l", 2, 1)
    assert r.sort("l", store="dst") == 2
    assert waiter.read() == [b"dst", b"1"]
    assert r.sort("nokey", store="dst") == 0
    events = []
    while True:
        m = sub.read(5)
        events.append((m[2].split(b":", 1)[1], m[3]))
        if m[2].endswith(b":del"):
            break
    assert (b"sortstore", b"dst") in events
    assert events[-1] == (b"del", b"dst")
    sub.close()
    waiter.close()


def test_getkeys(r2):
    assert r2.execute("COMMAND", "GETKEYS", "SORT", "k", "BY", "store", "GET", "store",
                      "LIMIT", "0", "1", "STORE", "a", "STORE", "b") == [b"k", b"b"]
    assert r2.execute("COMMAND", "GETKEYS", "SORT_RO", "k", "BY", "w_*") == [b"k"]


def test_propagation(start_server):
    srv = start_server(["--appendonly", "yes", "--appendfsync", "always"])
    c = srv.resp()
    c.execute("RPUSH", "l", "2", "1")
    c.execute("SORT", "l")                 # nothing changed: not propagated
    c.execute("SORT", "l", "STORE", "d")
    c.execute("SORT_RO", "l")
    adir = os.path.join(srv.dir, "appendonlydir")
    data = b"".join(open(os.path.join(adir, n), "rb").read()
                    for n in sorted(os.listdir(adir)) if n.endswith(".incr.aof"))
    assert data.count(b"SORT") == 1 and b"STORE" in data


# --------------------------------------------------------------------------
# Module wiring
# --------------------------------------------------------------------------

def module_path(name):
    return os.path.join(os.environ.get("MODIS_BUILDDIR") or REPO, "modules", name, ".libs",
                        name + ".so")


@pytest.mark.modis_only
def test_needs_strings_and_lists(tmp_path):
    conf = tmp_path / "only-sort.conf"
    conf.write_text("loadmodule %s\nloadmodule %s\n" % (module_path("strings"),
                                                        module_path("sort")))
    srv = Server(conf=str(conf))
    with pytest.raises(RuntimeError):
        srv.start(timeout=10)
    assert "module 'sort' requires service 'list.v1' >= 1, which no loaded module " \
           "provides" in srv.log()
    srv.stop()


@pytest.mark.modis_only
def test_unload_rules(start_server):
    srv = start_server()
    c = srv.resp()
    assert error_of(c, "MODULE", "UNLOAD", "lists") == \
        "ERR Error unloading module: module 'lists' is used by module 'sort'"
    # hashes becomes a dependency once SORT read a hash field through it
    c.execute("RPUSH", "l", "1")
    c.execute("HSET", "h_1", "f", "v")
    assert c.execute("SORT", "l", "GET", "h_*->f") == [b"v"]
    c.execute("FLUSHALL")
    assert error_of(c, "MODULE", "UNLOAD", "hashes") == \
        "ERR Error unloading module: module 'hashes' is used by module 'sort'"
    assert c.execute("MODULE", "UNLOAD", "sort") == "OK"
    assert error_of(c, "SORT", "l").startswith("ERR unknown command 'SORT'")
    assert c.execute("MODULE", "LOAD", module_path("sort")) == "OK"
    c.execute("RPUSH", "l", "2", "1")
    assert c.execute("SORT", "l") == [b"1", b"2"]
