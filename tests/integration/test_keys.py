"""Keyspace commands: DEL/UNLINK/EXISTS/TYPE/KEYS/SCAN/RANDOMKEY, RENAME(NX),
MOVE, COPY, TOUCH, OBJECT subcommands, the EXPIRE family with NX/XX/GT/LT,
TTL/PTTL/EXPIRETIME/PEXPIRETIME/PERSIST, SELECT, SWAPDB and active expiry
(keys that nobody touches still go away)."""

import time

import pytest

from modis_helpers import error_of

NOT_INT = "ERR value is not an integer or out of range"
SYNTAX = "ERR syntax error"
OUT_OF_RANGE = "ERR DB index is out of range"
SAME = "ERR source and destination objects are the same"


def arity(cmd):
    return "ERR wrong number of arguments for '%s' command" % cmd


def fill(r, n, prefix="key:", **set_kw):
    p = r.pipeline(transaction=False)
    for i in range(n):
        p.set("%s%d" % (prefix, i), i, **set_kw)
    p.execute()


# --------------------------------------------------------------------------
# DEL / UNLINK / EXISTS / TYPE / KEYS / RANDOMKEY
# --------------------------------------------------------------------------

def test_del_unlink(r, r2):
    r.mset({"a": 1, "b": 2, "c": 3, "d": 4})
    assert r.delete("a", "b", "missing") == 2
    assert r.unlink("c", "missing") == 1
    assert r2.execute("DEL", "d", "d") == 1
    assert r.dbsize() == 0
    assert r.delete("a") == 0
    assert error_of(r2, "DEL") == arity("del")
    assert error_of(r2, "UNLINK") == arity("unlink")


def test_exists_counts_repeats(r, r2):
    r.set("a", 1)
    r.set("b", 1)
    assert r.exists("a") == 1
    assert r.exists("a", "a", "missing", "b") == 3
    assert r.exists("missing") == 0
    assert error_of(r2, "EXISTS") == arity("exists")


def test_type(r, r2):
    r.set("s", "v")
    assert r2.execute("TYPE", "s") == "string"
    assert r2.execute("TYPE", "missing") == "none"
    assert r.type("s") == b"string"
    assert r.type("missing") == b"none"


def test_type_and_exists_other_types(r, r2, nonstring):
    other = nonstring("l")
    assert r2.execute("TYPE", "l") == other.type
    assert r.exists("l", "l") == 2


def test_keys_patterns(r, r2):
    r.mset({"hello": 1, "hallo": 1, "hxllo": 1, "hllo": 1, "heeeello": 1, "h*llo": 1, "other": 1})
    assert sorted(r.keys("h?llo")) == [b"h*llo", b"hallo", b"hello", b"hxllo"]
    assert sorted(r.keys("h*llo")) == [b"h*llo", b"hallo", b"heeeello", b"hello", b"hllo", b"hxllo"]
    assert sorted(r.keys("h[ae]llo")) == [b"hallo", b"hello"]
    assert sorted(r.keys("h[^e]llo")) == [b"h*llo", b"hallo", b"hxllo"]
    assert sorted(r.keys("h[a-b]llo")) == [b"hallo"]
    assert r.keys("h\\*llo") == [b"h*llo"]
    assert len(r.keys("*")) == 7
    assert r.keys("nomatch*") == []
    assert error_of(r2, "KEYS") == arity("keys")


def test_keys_skips_expired(r):
    r.set("a", 1)
    r.set("b", 1, px=50)
    time.sleep(0.15)
    assert r.keys("*") == [b"a"]


def test_randomkey(r, r2):
    assert r.randomkey() is None
    r.set("only", 1)
    assert r.randomkey() == b"only"
    fill(r, 50)
    names = {r.randomkey() for _ in range(200)}
    assert len(names) > 5
    assert all(n == b"only" or n.startswith(b"key:") for n in names)
    assert error_of(r2, "RANDOMKEY", "x") == arity("randomkey")


# --------------------------------------------------------------------------
# SCAN
# --------------------------------------------------------------------------

def full_scan(r2, *opts):
    cursor = b"0"
    seen = []
    calls = 0
    while True:
        cursor, keys = r2.execute("SCAN", cursor, *opts)
        seen.extend(keys)
        calls += 1
        assert calls < 100000
        if cursor == b"0":
            return seen


def test_scan_basic(r, r2):
    assert r2.execute("SCAN", "0") == [b"0", []]
    fill(r, 1000)
    seen = full_scan(r2)
    assert set(seen) == {b"key:%d" % i for i in range(1000)}


def test_scan_match_count(r, r2):
    fill(r, 300)
    fill(r, 100, prefix="other:")
    assert set(full_scan(r2, "MATCH", "other:*", "COUNT", "7")) == {b"other:%d" % i for i in range(100)}
    assert set(full_scan(r2, "MATCH", "key:1?")) == {b"key:%d" % i for i in range(10, 20)}
    assert len(set(full_scan(r2, "TYPE", "string", "COUNT", "1000"))) == 400
    assert set(full_scan(r2, "TYPE", "string", "MATCH", "key:2?")) == {b"key:%d" % i for i in range(20, 30)}
    assert full_scan(r2, "TYPE", "stream") == []
    # a big COUNT returns everything in one call on a small keyspace
    cursor, keys = r2.execute("SCAN", "0", "COUNT", "100000")
    assert cursor == b"0" and len(keys) == 400


def test_scan_type_other(r, r2, nonstring):
    fill(r, 300)
    for i in range(20):
        other = nonstring("o:%d" % i)
    t = other.type
    assert set(full_scan(r2, "TYPE", t)) == {b"o:%d" % i for i in range(20)}
    assert set(full_scan(r2, "TYPE", t, "MATCH", "o:1*")) == \
        {b"o:1"} | {b"o:%d" % i for i in range(10, 20)}
    assert len(full_scan(r2, "TYPE", "string")) == 300


def test_scan_redis_py_iter(r):
    fill(r, 500)
    assert set(r.scan_iter(match="key:4*", count=50)) == \
        {b"key:4"} | {b"key:%d" % i for i in range(40, 50)} | {b"key:%d" % i for i in range(400, 500)}


def test_scan_errors(r2):
    assert error_of(r2, "SCAN", "abc") == "ERR invalid cursor"
    assert error_of(r2, "SCAN", "0", "COUNT", "0") == SYNTAX
    assert error_of(r2, "SCAN", "0", "COUNT", "x") == NOT_INT
    assert error_of(r2, "SCAN", "0", "MATCH") == SYNTAX
    assert error_of(r2, "SCAN", "0", "FOO") == SYNTAX
    assert error_of(r2, "SCAN") == arity("scan")


def test_scan_while_keys_are_added(r, r2):
    n = 10000
    fill(r, n)
    original = {b"key:%d" % i for i in range(n)}
    seen = set()
    cursor = b"0"
    added = 0
    calls = 0
    while True:
        cursor, keys = r2.execute("SCAN", cursor, "COUNT", "100")
        seen.update(keys)
        calls += 1
        # grow the keyspace between calls (forces rehashing in a hash table)
        p = r.pipeline(transaction=False)
        for _ in range(50):
            p.set("new:%d" % added, 1)
            added += 1
        p.execute()
        if cursor == b"0":
            break
        assert calls < 10000
    missing = original - seen
    assert not missing, "%d keys never returned, e.g. %r" % (len(missing), sorted(missing)[:5])
    assert r.dbsize() == n + added


def test_scan_while_keys_are_deleted(r, r2):
    n = 5000
    fill(r, n)
    # keys 0..2499 stay for the whole scan; the others are deleted as we go
    stay = {b"key:%d" % i for i in range(n // 2)}
    doomed = ["key:%d" % i for i in range(n // 2, n)]
    seen = set()
    cursor = b"0"
    while True:
        cursor, keys = r2.execute("SCAN", cursor, "COUNT", "50")
        seen.update(keys)
        if doomed:
            r.delete(*doomed[:100])
            del doomed[:100]
        if cursor == b"0":
            break
    assert stay <= seen


# --------------------------------------------------------------------------
# RENAME / RENAMENX / MOVE / COPY / SWAPDB / SELECT
# --------------------------------------------------------------------------

def test_rename(r, r2):
    r.set("a", "1", ex=100)
    assert r.rename("a", "b") is True
    assert r.exists("a") == 0
    assert r.get("b") == b"1"
    assert 98 <= r.ttl("b") <= 100  # TTL moves with the key
    r.set("c", "2")
    assert r.rename("b", "c") is True  # overwrites, TTL from the source
    assert r.get("c") == b"1"
    assert r.ttl("c") > 0
    assert r2.execute("RENAME", "c", "c") == "OK"
    assert error_of(r2, "RENAME", "missing", "x") == "ERR no such key"
    assert error_of(r2, "RENAME", "c") == arity("rename")


def test_rename_over_other_type(r, nonstring):
    other = nonstring("l")
    r.set("s", "v")
    assert r.rename("l", "s") is True
    assert r.type("s") == other.type.encode()
    assert r.exists("l") == 0


def test_renamenx(r, r2):
    r.set("a", "1")
    r.set("b", "2")
    assert r.renamenx("a", "b") is False
    assert r.mget("a", "b") == [b"1", b"2"]
    assert r.renamenx("a", "c") is True
    assert r.get("c") == b"1" and r.exists("a") == 0
    assert r2.execute("RENAMENX", "c", "c") == 0
    assert error_of(r2, "RENAMENX", "missing", "x") == "ERR no such key"


def test_move(r, r2, server):
    other = server.client(db=1)
    r.set("a", "1", ex=100)
    assert r.move("a", 1) is True
    assert r.exists("a") == 0
    assert other.get("a") == b"1"
    assert other.ttl("a") > 0
    r.set("a", "0")
    assert r.move("a", 1) is False  # exists in the target: nothing moves
    assert r.get("a") == b"0" and other.get("a") == b"1"
    assert r.move("missing", 1) is False
    assert error_of(r2, "MOVE", "a", "0") == SAME
    assert error_of(r2, "MOVE", "a", "16") == OUT_OF_RANGE
    assert error_of(r2, "MOVE", "a", "x") == NOT_INT
    other.close()


def test_copy(r, r2, server):
    other = server.client(db=1)
    r.set("a", "1", ex=100)
    r.set("b", "2")
    assert r2.execute("COPY", "a", "c") == 1
    assert r.get("c") == b"1" and r.ttl("c") > 0
    assert r2.execute("COPY", "a", "b") == 0
    assert r.get("b") == b"2"
    assert r2.execute("COPY", "a", "b", "REPLACE") == 1
    assert r.get("b") == b"1"
    assert r2.execute("COPY", "a", "a", "DB", "1") == 1
    assert other.get("a") == b"1"
    assert r2.execute("COPY", "a", "a", "DB", "1") == 0
    assert r2.execute("COPY", "b", "a", "DB", "1", "REPLACE") == 1
    assert r2.execute("COPY", "missing", "x") == 0
    # the copy is independent of the source
    r.append("c", "x")
    assert r.get("a") == b"1" and r.get("c") == b"1x"
    assert error_of(r2, "COPY", "a", "a") == SAME
    assert error_of(r2, "COPY", "a", "x", "DB", "16") == OUT_OF_RANGE
    assert error_of(r2, "COPY", "a", "x", "DB", "x") == NOT_INT
    assert error_of(r2, "COPY", "a", "x", "FOO") == SYNTAX
    assert error_of(r2, "COPY", "a") == arity("copy")
    other.close()


def test_select(server, r2):
    c = server.client(db=0)
    c.set("k", "db0")
    assert r2.execute("SELECT", "3") == "OK"
    assert r2.execute("GET", "k") is None
    r2.execute("SET", "k", "db3")
    assert r2.execute("SELECT", "0") == "OK"
    assert r2.execute("GET", "k") == b"db0"
    assert error_of(r2, "SELECT", "16") == OUT_OF_RANGE
    assert error_of(r2, "SELECT", "-1") == OUT_OF_RANGE
    assert error_of(r2, "SELECT", "x") == NOT_INT
    assert error_of(r2, "SELECT") == arity("select")
    c.close()


def test_swapdb(server, r, r2):
    other = server.client(db=1)
    r.set("k", "db0")
    other.set("k", "db1")
    other.set("only1", "x")
    assert r.swapdb(0, 1) is True
    assert r.get("k") == b"db1"
    assert r.get("only1") == b"x"
    assert other.get("k") == b"db0"
    assert r2.execute("SWAPDB", "0", "0") == "OK"
    assert error_of(r2, "SWAPDB", "0", "16") == OUT_OF_RANGE
    assert error_of(r2, "SWAPDB", "-1", "1") == OUT_OF_RANGE
    assert error_of(r2, "SWAPDB", "x", "1") == "ERR invalid first DB index"
    assert error_of(r2, "SWAPDB", "0", "x") == "ERR invalid second DB index"
    other.close()


def test_dbsize_per_db(server, r):
    other = server.client(db=2)
    fill(r, 10)
    fill(other, 3)
    assert r.dbsize() == 10
    assert other.dbsize() == 3
    other.close()


# --------------------------------------------------------------------------
# TOUCH / OBJECT
# --------------------------------------------------------------------------

def test_touch(r, r2):
    r.mset({"a": 1, "b": 2})
    assert r2.execute("TOUCH", "a", "b", "missing") == 2
    assert r2.execute("TOUCH", "a", "a") == 2
    assert error_of(r2, "TOUCH") == arity("touch")


def test_object_refcount(r, r2):
    r.set("a", "hello")
    assert r2.execute("OBJECT", "REFCOUNT", "a") == 1
    assert r2.execute("OBJECT", "REFCOUNT", "missing") is None


def test_object_errors(r, r2):
    r.set("a", "v")
    assert error_of(r2, "OBJECT", "FOO", "a") == "ERR unknown subcommand 'FOO'. Try OBJECT HELP."
    assert error_of(r2, "OBJECT") == arity("object")
    help_lines = r2.execute("OBJECT", "HELP")
    assert isinstance(help_lines, list) and len(help_lines) > 5
    assert help_lines[0].startswith("OBJECT <subcommand>")


def test_object_idletime(r, r2):
    r.set("a", "v")
    assert r2.execute("OBJECT", "IDLETIME", "a") <= 1
    assert r2.execute("OBJECT", "IDLETIME", "missing") is None
    time.sleep(2.2)
    idle = r2.execute("OBJECT", "IDLETIME", "a")
    assert 1 <= idle <= 4
    # OBJECT itself does not touch the key; a GET does
    assert r2.execute("OBJECT", "IDLETIME", "a") >= 1
    r.get("a")
    assert r2.execute("OBJECT", "IDLETIME", "a") <= 1


def test_object_freq(r, r2, restore_config):
    r.set("a", "v")
    assert error_of(r2, "OBJECT", "FREQ", "a") == (
        "ERR An LFU maxmemory policy is not selected, access frequency not tracked. "
        "Please note that when switching between policies at runtime LRU and LFU data "
        "will take some time to adjust.")
    restore_config("maxmemory-policy")
    assert r2.execute("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu") == "OK"
    r.set("b", "v")
    assert r2.execute("OBJECT", "FREQ", "b") == 5  # LFU_INIT_VAL for a new key
    r.get("b")
    assert r2.execute("OBJECT", "FREQ", "b") == 6  # the first hits always count
    for _ in range(100):
        r.get("b")
    assert r2.execute("OBJECT", "FREQ", "b") > 6
    assert r2.execute("OBJECT", "FREQ", "missing") is None
    assert error_of(r2, "OBJECT", "IDLETIME", "b") == (
        "ERR An LFU maxmemory policy is selected, idle time not tracked. "
        "Please note that when switching between policies at runtime LRU and LFU data "
        "will take some time to adjust.")


# --------------------------------------------------------------------------
# EXPIRE family
# --------------------------------------------------------------------------

def test_expire_and_ttl(r, r2):
    r.set("k", "v")
    assert r.ttl("k") == -1
    assert r.pttl("k") == -1
    assert r.ttl("missing") == -2
    assert r.pttl("missing") == -2
    assert r2.execute("EXPIRE", "k", "100") == 1
    assert 98 <= r.ttl("k") <= 100
    assert 98000 <= r.pttl("k") <= 100000
    assert r2.execute("PEXPIRE", "k", "50000") == 1
    assert 48 <= r.ttl("k") <= 50
    assert r2.execute("EXPIRE", "missing", "100") == 0
    assert r2.execute("PERSIST", "k") == 1
    assert r2.execute("PERSIST", "k") == 0
    assert r2.execute("PERSIST", "missing") == 0
    assert r.ttl("k") == -1


def test_expireat_and_expiretime(r, r2):
    r.set("k", "v")
    assert r2.execute("EXPIRETIME", "k") == -1
    assert r2.execute("PEXPIRETIME", "k") == -1
    assert r2.execute("EXPIRETIME", "missing") == -2
    assert r2.execute("PEXPIRETIME", "missing") == -2
    at = int(time.time()) + 1000
    assert r2.execute("EXPIREAT", "k", str(at)) == 1
    assert r2.execute("EXPIRETIME", "k") == at
    assert r2.execute("PEXPIRETIME", "k") == at * 1000
    pat = int(time.time() * 1000) + 500123
    assert r2.execute("PEXPIREAT", "k", str(pat)) == 1
    assert r2.execute("PEXPIRETIME", "k") == pat
    assert r2.execute("EXPIRETIME", "k") == (pat + 500) // 1000


def test_expire_in_the_past_deletes(r, r2):
    r.mset({"a": 1, "b": 2, "c": 3, "d": 4})
    assert r2.execute("EXPIRE", "a", "-1") == 1
    assert r2.execute("PEXPIRE", "b", "0") == 1
    assert r2.execute("EXPIREAT", "c", "1") == 1
    assert r2.execute("PEXPIREAT", "d", "1") == 1
    assert r.exists("a", "b", "c", "d") == 0


def test_expire_options(r, r2):
    r.set("k", "v")
    # no TTL: NX sets, XX refuses, GT refuses (no TTL = infinite), LT sets
    assert r2.execute("EXPIRE", "k", "100", "XX") == 0
    assert r2.execute("EXPIRE", "k", "100", "GT") == 0
    assert r.ttl("k") == -1
    assert r2.execute("EXPIRE", "k", "100", "NX") == 1
    assert r2.execute("EXPIRE", "k", "200", "NX") == 0
    assert 98 <= r.ttl("k") <= 100
    assert r2.execute("EXPIRE", "k", "50", "GT") == 0
    assert r2.execute("EXPIRE", "k", "500", "GT") == 1
    assert r2.execute("EXPIRE", "k", "1000", "LT") == 0
    assert r2.execute("EXPIRE", "k", "50", "LT") == 1
    assert r2.execute("EXPIRE", "k", "60", "XX") == 1
    assert 58 <= r.ttl("k") <= 60
    assert r2.execute("PEXPIRE", "k", "70000", "GT") == 1
    at = int(time.time()) + 30
    assert r2.execute("EXPIREAT", "k", str(at), "LT") == 1
    assert r2.execute("PEXPIREAT", "k", str(at * 1000 + 5000), "LT") == 0
    r.set("n", "v")
    assert r2.execute("EXPIRE", "n", "10", "LT") == 1
    assert r2.execute("EXPIRE", "missing", "10", "NX") == 0
    # redis-py spelling
    r.set("p", "v")
    assert r.expire("p", 100, nx=True) is True
    assert r.expire("p", 50, gt=True) is False


@pytest.mark.parametrize("args,expected", [
    (("10", "NX", "XX"), "ERR NX and XX, GT or LT options at the same time are not compatible"),
    (("10", "NX", "GT"), "ERR NX and XX, GT or LT options at the same time are not compatible"),
    (("10", "NX", "LT"), "ERR NX and XX, GT or LT options at the same time are not compatible"),
    (("10", "GT", "LT"), "ERR GT and LT options at the same time are not compatible"),
    (("10", "FOO"), "ERR Unsupported option FOO"),
    (("abc",), NOT_INT),
    (("1.5",), NOT_INT),
    (("9223372036854775807",), "ERR invalid expire time in 'expire' command"),
    (("-9223372036854775808",), "ERR invalid expire time in 'expire' command"),
])
def test_expire_errors(r, r2, args, expected):
    r.set("k", "v")
    assert error_of(r2, "EXPIRE", "k", *args) == expected
    assert r.ttl("k") == -1


def test_expire_overflow_other_forms(r, r2):
    r.set("k", "v")
    assert error_of(r2, "PEXPIRE", "k", "9223372036854775807") == \
        "ERR invalid expire time in 'pexpire' command"
    assert error_of(r2, "EXPIREAT", "k", "9223372036854775807") == \
        "ERR invalid expire time in 'expireat' command"
    assert error_of(r2, "EXPIRE", "k") == arity("expire")
    assert error_of(r2, "TTL") == arity("ttl")
    assert error_of(r2, "PERSIST") == arity("persist")


def test_overwrite_clears_ttl_but_alter_keeps_it(r):
    r.set("k", "v", ex=100)
    r.set("k", "w")
    assert r.ttl("k") == -1
    r.set("k", "v", ex=100)
    r.setrange("k", 0, "x")
    assert r.ttl("k") > 0


def test_lazy_expiry(r, r2):
    r.set("k", "v", px=100)
    assert r.exists("k") == 1
    time.sleep(0.25)
    assert r.ttl("k") == -2
    assert r.exists("k") == 0
    assert r.get("k") is None


def test_active_expiry(r):
    before = r.info("stats")["expired_keys"]
    fill(r, 1000, px=100)
    r.set("keep", "1")
    assert r.dbsize() == 1001
    deadline = time.monotonic() + 3.0
    time.sleep(1.5)
    while r.dbsize() > 1 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert r.dbsize() == 1
    after = r.info("stats")["expired_keys"]
    assert after - before >= 1000
    assert r.get("keep") == b"1"
    keyspace = r.info("keyspace")
    assert keyspace["db0"]["keys"] == 1
    assert keyspace["db0"]["expires"] == 0

