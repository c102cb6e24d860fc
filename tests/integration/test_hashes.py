"""Hash commands: HSET/HMSET/HSETNX, HGET/HMGET, HDEL, HLEN, HSTRLEN,
HEXISTS, HKEYS/HVALS/HGETALL (a map in RESP3), HINCRBY/HINCRBYFLOAT,
HRANDFIELD, HSCAN, the listpack/hashtable encodings and their config,
field expiration (HEXPIRE family, HTTL family, HPERSIST) with lazy and
active expiry (also after RENAME/MOVE/COPY), INFO keyspace subexpiry,
COPY/RENAME of hashes, and a randomized model test that
checks a random mix of operations against a Python dict on both encodings.
Normal paths go through redis-py (`r`); error replies are checked with
their full text through the raw RESP clients (`r2`, `r3`).

Field expiration is Redis 7.4 behaviour: those tests are modis_only (the
reference redis-server 7.0 lacks it) and check the documented replies."""

import os
import random
import time

import pytest

from modis_helpers import error_of

WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value"
NOT_INT = "ERR value is not an integer or out of range"
NOT_FLOAT = "ERR value is not a valid float"
SYNTAX = "ERR syntax error"


def arity(cmd):
    return "ERR wrong number of arguments for '%s' command" % cmd


@pytest.fixture
def limits(r, restore_config):
    """Set hash-max-listpack-entries/value for one test."""
    restore_config("hash-max-listpack-entries", "hash-max-listpack-value")

    def set_limits(entries, value):
        r.config_set("hash-max-listpack-entries", entries)
        r.config_set("hash-max-listpack-value", value)

    return set_limits


def enc(r, key):
    return r.object("encoding", key)


# --------------------------------------------------------------------------
# HSET family
# --------------------------------------------------------------------------

def test_hset_hget_basic(r, r2):
    assert r.hset("h", "f", "v") == 1
    assert r.hset("h", "f", "v2") == 0
    assert r.hget("h", "f") == b"v2"
    assert r.hget("h", "missing") is None
    assert r.hget("nokey", "f") is None
    assert r2.execute("HSET", "h", "a", "1", "b", "2", "a", "3") == 2
    assert r.hget("h", "a") == b"3"
    assert r.hlen("h") == 3
    assert r.type("h") == b"hash"
    # binary-safe fields and values, empty strings
    assert r.hset("h", b"\x00\xff", b"\r\n\x00") == 1
    assert r.hget("h", b"\x00\xff") == b"\r\n\x00"
    assert r.hset("h", "", "") == 1
    assert r.hget("h", "") == b""


def test_hset_errors(r, r2, nonstring):
    assert error_of(r2, "HSET", "h", "f") == arity("hset")
    assert error_of(r2, "HSET", "h", "f", "v", "g") == arity("hset")
    assert error_of(r2, "HMSET", "h", "f", "v", "g") == arity("hmset")
    assert error_of(r2, "HSETNX", "h", "f") == arity("hsetnx")
    assert error_of(r2, "HGET", "h") == arity("hget")
    r.set("str", "x")
    for cmd in (("HSET", "str", "f", "v"), ("HSETNX", "str", "f", "v"),
                ("HGET", "str", "f"), ("HMGET", "str", "f"), ("HDEL", "str", "f"),
                ("HLEN", "str"), ("HSTRLEN", "str", "f"), ("HEXISTS", "str", "f"),
                ("HKEYS", "str"), ("HVALS", "str"), ("HGETALL", "str"),
                ("HINCRBY", "str", "f", "1"), ("HINCRBYFLOAT", "str", "f", "1"),
                ("HRANDFIELD", "str"), ("HRANDFIELD", "str", "2"),
                ("HSCAN", "str", "0"), ("HMSET", "str", "f", "v")):
        assert error_of(r2, *cmd) == WRONGTYPE, cmd
    assert r.get("str") == b"x"


def test_hmset_hsetnx(r, r2):
    assert r2.execute("HMSET", "h", "a", "1", "b", "2") == "OK"
    assert r.hgetall("h") == {b"a": b"1", b"b": b"2"}
    assert r.hsetnx("h", "a", "x") == 0
    assert r.hget("h", "a") == b"1"
    assert r.hsetnx("h", "c", "3") == 1
    assert r.hsetnx("new", "f", "v") == 1
    assert r.hget("new", "f") == b"v"


def test_hmget(r, r2):
    r.hset("h", mapping={"a": "1", "b": "2"})
    assert r.hmget("h", "a", "x", "b") == [b"1", None, b"2"]
    assert r.hmget("missing", "a", "b") == [None, None]
    assert error_of(r2, "HMGET", "h") == arity("hmget")


def test_hdel_removes_key(r, r2):
    r.hset("h", mapping={"a": "1", "b": "2", "c": "3"})
    assert r.hdel("h", "a", "x") == 1
    assert r.hdel("h", "a") == 0
    assert r.hdel("missing", "a") == 0
    assert r.hdel("h", "b", "c", "b") == 2
    assert r.exists("h") == 0
    assert error_of(r2, "HDEL", "h") == arity("hdel")


def test_hlen_hstrlen_hexists(r, r2):
    assert r.hlen("missing") == 0
    r.hset("h", mapping={"s": "hello", "n": "-12345", "e": ""})
    assert r.hlen("h") == 3
    assert r.hstrlen("h", "s") == 5
    assert r.hstrlen("h", "n") == 6
    assert r.hstrlen("h", "e") == 0
    assert r.hstrlen("h", "x") == 0
    assert r.hstrlen("missing", "x") == 0
    assert r.hexists("h", "s") is True
    assert r.hexists("h", "x") is False
    assert r.hexists("missing", "x") is False
    assert error_of(r2, "HSTRLEN", "h") == arity("hstrlen")
    assert error_of(r2, "HEXISTS", "h", "a", "b") == arity("hexists")


def test_hkeys_hvals_hgetall_order_and_resp3(r, r2, r3):
    r.hset("h", mapping={"z": "1", "a": "2", "m": "3"})
    # a listpack keeps insertion order, as Redis's does
    assert r.hkeys("h") == [b"z", b"a", b"m"]
    assert r.hvals("h") == [b"1", b"2", b"3"]
    assert r2.execute("HGETALL", "h") == [b"z", b"1", b"a", b"2", b"m", b"3"]
    assert r3.execute("HGETALL", "h") == {b"z": b"1", b"a": b"2", b"m": b"3"}
    assert r3.execute("HGETALL", "missing") == {}
    assert r2.execute("HGETALL", "missing") == []
    assert r2.execute("HKEYS", "missing") == []
    assert r3.execute("HVALS", "missing") == []


# --------------------------------------------------------------------------
# HINCRBY / HINCRBYFLOAT
# --------------------------------------------------------------------------

def test_hincrby(r, r2):
    assert r.hincrby("h", "n", 5) == 5
    assert r.hincrby("h", "n", -7) == -2
    assert r.hget("h", "n") == b"-2"
    r.hset("h", "s", "abc")
    assert error_of(r2, "HINCRBY", "h", "s", "1") == "ERR hash value is not an integer"
    r.hset("h", "sp", " 1")
    assert error_of(r2, "HINCRBY", "h", "sp", "1") == "ERR hash value is not an integer"
    assert error_of(r2, "HINCRBY", "h", "n", "x") == NOT_INT
    assert error_of(r2, "HINCRBY", "h", "n", "1.5") == NOT_INT
    r.hset("h", "big", str(2**63 - 10))
    assert error_of(r2, "HINCRBY", "h", "big", "20") == \
        "ERR increment or decrement would overflow"
    r.hset("h", "small", str(-2**63 + 10))
    assert error_of(r2, "HINCRBY", "h", "small", "-20") == \
        "ERR increment or decrement would overflow"
    assert r.hincrby("h", "big", 9) == 2**63 - 1
    assert error_of(r2, "HINCRBY", "h", "n") == arity("hincrby")
    # a missing key is created; errors create nothing
    assert error_of(r2, "HINCRBY", "new", "n", "x") == NOT_INT
    assert r.exists("new") == 0


def test_hincrbyfloat(r, r2):
    assert r.hincrbyfloat("h", "f", "10.5") == 10.5
    assert r2.execute("HINCRBYFLOAT", "h", "f", "0.1") == b"10.6"
    assert r2.execute("HINCRBYFLOAT", "h", "f", "-5") == b"5.6"
    assert r2.execute("HINCRBYFLOAT", "h", "i", "3") == b"3"
    assert r2.execute("HINCRBYFLOAT", "h", "i", "5.0e3") == b"5003"
    r.hset("h", "n", 7)
    assert r2.execute("HINCRBYFLOAT", "h", "n", "1.5") == b"8.5"
    r.hset("h", "s", "abc")
    assert error_of(r2, "HINCRBYFLOAT", "h", "s", "1") == "ERR hash value is not a float"
    assert error_of(r2, "HINCRBYFLOAT", "h", "f", "x") == NOT_FLOAT
    assert error_of(r2, "HINCRBYFLOAT", "h", "f", "nan") == NOT_FLOAT
    assert error_of(r2, "HINCRBYFLOAT", "h", "f", "inf") == "ERR value is NaN or Infinity"
    r.hset("h", "huge", "1.1e4932")  # near the long double maximum
    assert error_of(r2, "HINCRBYFLOAT", "h", "huge", "1e4932") == \
        "ERR increment would produce NaN or Infinity"
    assert error_of(r2, "HINCRBYFLOAT", "h", "f") == arity("hincrbyfloat")


# --------------------------------------------------------------------------
# HRANDFIELD
# --------------------------------------------------------------------------

def _fill(r, key, n, prefix="f"):
    r.hset(key, mapping={"%s%d" % (prefix, i): "v%d" % i for i in range(n)})


@pytest.mark.parametrize("n", [5, 300])
def test_hrandfield(r, r2, r3, n):
    _fill(r, "h", n)
    fields = {b"f%d" % i for i in range(n)}
    assert r.hrandfield("h") in fields
    assert r.hrandfield("missing") is None
    assert r2.execute("HRANDFIELD", "missing", "3") == []
    assert r2.execute("HRANDFIELD", "h", "0") == []
    # positive count: distinct, at most the size
    for count in (1, 3, n - 1, n, n + 10):
        got = r2.execute("HRANDFIELD", "h", str(count))
        assert len(got) == min(count, n)
        assert len(set(got)) == len(got)
        assert set(got) <= fields
    # negative count: exactly |count|, repeats allowed
    got = r2.execute("HRANDFIELD", "h", str(-3 * n))
    assert len(got) == 3 * n and set(got) <= fields
    # WITHVALUES: flat in RESP2, pairs in RESP3
    got = r2.execute("HRANDFIELD", "h", "4", "WITHVALUES")
    assert len(got) == 2 * min(4, n)
    for f, v in zip(got[::2], got[1::2]):
        assert v == b"v" + f[1:]
    got = r3.execute("HRANDFIELD", "h", "-4", "WITHVALUES")
    assert len(got) == 4 and all(len(p) == 2 and p[1] == b"v" + p[0][1:] for p in got)
    got = r3.execute("HRANDFIELD", "h", str(n + 1), "withvalues")
    assert len(got) == n


# Chi-square critical value for 49 degrees of freedom at p = 0.0001
# (Wilson-Hilferty): a uniform sampler exceeds it once in 10,000 runs.
CHI2_49_P0001 = 95.0


def _chi_square(picks, fields):
    counts = {f: 0 for f in fields}
    for p in picks:
        counts[p] += 1
    expected = len(picks) / len(fields)
    return sum((c - expected) ** 2 / expected for c in counts.values())


@pytest.mark.parametrize("encoding", ["listpack", "hashtable"])
def test_hrandfield_uniform(r, r2, limits, encoding):
    """1,000 draws over a 50-field hash: every form of HRANDFIELD picks
    each field equally often (chi-square below the p = 0.0001 bound)."""
    if encoding == "hashtable":
        limits(4, 64)
    _fill(r, "h", 50)
    assert enc(r, "h") == encoding.encode()
    fields = [b"f%d" % i for i in range(50)]
    repeats = r2.execute("HRANDFIELD", "h", "-1000")
    distinct = [f for _ in range(200) for f in r2.execute("HRANDFIELD", "h", "5")]
    many = [f for _ in range(50) for f in r2.execute("HRANDFIELD", "h", "20")]
    single = [r2.execute("HRANDFIELD", "h") for _ in range(1000)]
    for picks in (repeats, distinct, many, single):
        assert len(picks) == 1000
        assert _chi_square(picks, fields) < CHI2_49_P0001


def test_hrandfield_errors(r, r2):
    _fill(r, "h", 3)
    assert error_of(r2, "HRANDFIELD", "h", "x") == NOT_INT
    assert error_of(r2, "HRANDFIELD", "h", "1", "foo") == SYNTAX
    assert error_of(r2, "HRANDFIELD", "h", "1", "WITHVALUES", "x") == SYNTAX
    assert error_of(r2, "HRANDFIELD", "h", str(-2**63 // 2 - 10), "WITHVALUES") == \
        "ERR value is out of range"
    assert error_of(r2, "HRANDFIELD", "h", str(-2**63)) == \
        "ERR value is out of range, value must between -9223372036854775807 and " \
        "9223372036854775807"
    # the count is checked before the key
    assert error_of(r2, "HRANDFIELD", "missing", "x") == NOT_INT
    assert error_of(r2, "HRANDFIELD") == arity("hrandfield")


# --------------------------------------------------------------------------
# HSCAN
# --------------------------------------------------------------------------

def _scan_all(r2, key, *opts):
    cursor, out, calls = b"0", [], 0
    while True:
        cursor, items = r2.execute("HSCAN", key, cursor, *opts)
        out.extend(items)
        calls += 1
        if cursor == b"0":
            return out, calls


@pytest.mark.parametrize("n", [10, 1000])
def test_hscan_full_iteration(r, r2, n, is_modis):
    _fill(r, "h", n)
    items, calls = _scan_all(r2, "h")
    pairs = dict(zip(items[::2], items[1::2]))
    assert len(pairs) == n
    assert all(pairs[b"f%d" % i] == b"v%d" % i for i in range(n))
    if n == 10:
        assert calls == 1  # a listpack is returned in one call
    if is_modis:  # NOVALUES is Redis 7.4
        keys, _ = _scan_all(r2, "h", "NOVALUES")
        assert set(keys) == {b"f%d" % i for i in range(n)}
    matched, _ = _scan_all(r2, "h", "MATCH", "f1*", "COUNT", "7")
    expect = {b"f%d" % i for i in range(n) if str(i).startswith("1")}
    assert set(matched[::2]) == expect


def test_hscan_survives_growth(r, r2):
    _fill(r, "h", 200)
    cursor, seen = b"0", set()
    rounds = 0
    while True:
        cursor, items = r2.execute("HSCAN", "h", cursor, "COUNT", "20")
        seen.update(items[::2])
        rounds += 1
        if rounds == 3:
            _fill(r, "h", 3000, prefix="g")  # rehash mid-scan
        if cursor == b"0":
            break
    assert {b"f%d" % i for i in range(200)} <= seen


def test_hscan_errors(r, r2, is_modis):
    _fill(r, "h", 3)
    assert error_of(r2, "HSCAN", "h", "x") == "ERR invalid cursor"
    if is_modis:  # Redis 7.0 still takes -1 (strtoul)
        assert error_of(r2, "HSCAN", "h", "-1") == "ERR invalid cursor"
    assert error_of(r2, "HSCAN", "h", "0", "COUNT", "0") == SYNTAX
    assert error_of(r2, "HSCAN", "h", "0", "COUNT", "x") == NOT_INT
    assert error_of(r2, "HSCAN", "h", "0", "MATCH") == SYNTAX
    assert error_of(r2, "HSCAN", "h", "0", "FOO") == SYNTAX
    assert r2.execute("HSCAN", "missing", "0") == [b"0", []]
    # a missing key replies before the options are looked at (as Redis)
    assert r2.execute("HSCAN", "missing", "0", "COUNT", "0") == [b"0", []]
    assert error_of(r2, "HSCAN", "h") == arity("hscan")


def test_hscan_match_patterns(r, r2, is_modis):
    r.hset("h", mapping={"hello": 1, "hallo": 2, "hxllo": 3, "hllo": 4,
                         "h*llo": 5, "a\\b": 6, "123": 7})
    def keys(p):
        return set(r2.execute("HSCAN", "h", "0", "MATCH", p)[1][::2])
    assert keys("h?llo") == {b"hello", b"hallo", b"hxllo", b"h*llo"}
    assert keys("h[ae]llo") == {b"hello", b"hallo"}
    assert keys("h[^e]llo") == {b"hallo", b"hxllo", b"h*llo"}
    assert keys("h[a-f]llo") == {b"hello", b"hallo"}
    assert keys("h\\*llo") == {b"h*llo"}
    assert keys("1*") == {b"123"}
    assert keys("*") == {b"hello", b"hallo", b"hxllo", b"hllo", b"h*llo",
                         b"a\\b", b"123"}


# --------------------------------------------------------------------------
# Encodings
# --------------------------------------------------------------------------

def test_encoding_listpack_to_hashtable(r, limits, is_modis):
    limits(4, 8)
    _fill(r, "h", 4)
    assert enc(r, "h") == b"listpack"
    r.hset("h", "f4", "v")
    assert enc(r, "h") == b"hashtable"
    r.hdel("h", "f0", "f1", "f2", "f3")
    assert enc(r, "h") == b"hashtable"  # one-way
    r.hset("v", "a", "x" * 8)
    assert enc(r, "v") == b"listpack"
    r.hset("v", "b", "x" * 9)
    assert enc(r, "v") == b"hashtable"
    r.hset("f", "y" * 9, "x")
    assert enc(r, "f") == b"hashtable"
    # HINCRBYFLOAT producing a long value converts too
    r.hset("i", "n", "1")
    r.hincrbyfloat("i", "n", "0.0000001")
    assert enc(r, "i") == b"hashtable"
    # too many pairs in one HSET converts before adding, even if repeated
    # (Redis 7.2 and later)
    r.hset("m", mapping={"a": 1})
    r.execute_command("HSET", "m", *(["a", "1"] * 5))
    assert enc(r, "m") == (b"hashtable" if is_modis else b"listpack")
    assert r.hlen("m") == 1


def test_encoding_config(r, r2, restore_config):
    restore_config("hash-max-listpack-entries", "hash-max-listpack-value")
    assert r.config_get("hash-max-listpack-entries") == {"hash-max-listpack-entries": "512"}
    assert r.config_get("hash-max-listpack-value") == {"hash-max-listpack-value": "64"}
    r.config_set("hash-max-listpack-entries", 0)
    r.hset("h", "a", "1")
    assert enc(r, "h") == b"hashtable"
    r.config_set("hash-max-listpack-entries", 512)
    _fill(r, "big", 513)
    assert enc(r, "big") == b"hashtable"
    _fill(r, "small", 512)
    assert enc(r, "small") == b"listpack"
    # the old name is an alias
    r.config_set("hash-max-ziplist-entries", 100)
    assert r.config_get("hash-max-listpack-entries") == {"hash-max-listpack-entries": "100"}


def test_hashtable_commands(r, r2, r3, limits):
    limits(2, 64)
    r.hset("h", mapping={"a": "1", "b": "2", "c": "3"})
    assert enc(r, "h") == b"hashtable"
    assert r.hget("h", "b") == b"2"
    assert r.hincrby("h", "a", 10) == 11
    assert r.hincrbyfloat("h", "c", "0.5") == 3.5
    assert sorted(r.hkeys("h")) == [b"a", b"b", b"c"]
    assert r3.execute("HGETALL", "h") == {b"a": b"11", b"b": b"2", b"c": b"3.5"}
    assert r.hstrlen("h", "c") == 3
    assert r.hdel("h", "a", "b", "c") == 3
    assert r.exists("h") == 0


def test_copy_and_rename(r, limits):
    limits(4, 64)
    for key, n in (("small", 3), ("big", 10)):
        _fill(r, key, n)
        assert r.copy(key, key + ":copy") is True
        assert r.hgetall(key + ":copy") == r.hgetall(key)
        assert enc(r, key + ":copy") == enc(r, key)
        r.hset(key + ":copy", "f0", "changed")
        assert r.hget(key, "f0") == b"v0"
        r.rename(key, key + ":renamed")
        assert r.hlen(key + ":renamed") == n


def test_digest_value_of_copy(r, is_modis):
    _fill(r, "h", 5)
    r.copy("h", "h2")
    d = r.execute_command("DEBUG", "DIGEST-VALUE", "h", "h2")
    assert d[0] == d[1]


# --------------------------------------------------------------------------
# Field expiration (Redis 7.4)
# --------------------------------------------------------------------------

HEXPIRE_CMDS = ("HEXPIRE", "HPEXPIRE", "HEXPIREAT", "HPEXPIREAT")


@pytest.fixture
def no_active_expire(r):
    r.execute_command("DEBUG", "SET-ACTIVE-EXPIRE", "0")
    yield
    r.execute_command("DEBUG", "SET-ACTIVE-EXPIRE", "1")


@pytest.mark.modis_only
@pytest.mark.parametrize("entries", [512, 1])
def test_hexpire_replies(r, r2, limits, entries):
    limits(entries, 64)
    r.hset("h", mapping={"a": 1, "b": 2, "c": 3})
    assert r2.execute("HEXPIRE", "h", "100", "FIELDS", "2", "a", "nofield") == [1, -2]
    assert enc(r, "h") == (b"listpackex" if entries > 1 else b"hashtable")
    # NX / XX / GT / LT
    assert r2.execute("HEXPIRE", "h", "200", "NX", "FIELDS", "2", "a", "b") == [0, 1]
    assert r2.execute("HEXPIRE", "h", "300", "XX", "FIELDS", "2", "a", "c") == [1, 0]
    assert r2.execute("HEXPIRE", "h", "100", "GT", "FIELDS", "2", "a", "c") == [0, 0]
    assert r2.execute("HEXPIRE", "h", "400", "GT", "FIELDS", "1", "a") == [1]
    assert r2.execute("HEXPIRE", "h", "50", "LT", "FIELDS", "2", "a", "c") == [1, 1]
    assert r2.execute("HEXPIRE", "h", "60", "lt", "FIELDS", "1", "a") == [0]
    ttl = r2.execute("HTTL", "h", "FIELDS", "4", "a", "b", "c", "x")
    assert ttl[0] in (49, 50) and ttl[1] in (199, 200) and ttl[2] in (49, 50)
    assert ttl[3] == -2
    # a time not in the future deletes the field (2) and, last, the key
    assert r2.execute("HPEXPIRE", "h", "0", "FIELDS", "1", "b") == [2]
    assert r.hexists("h", "b") is False
    assert r2.execute("HEXPIREAT", "h", "1", "FIELDS", "3", "a", "c", "a") == [2, 2, -2]
    assert r.exists("h") == 0
    assert r2.execute("HEXPIRE", "missing", "10", "FIELDS", "2", "a", "b") == [-2, -2]


@pytest.mark.modis_only
def test_hexpire_errors(r, r2):
    r.hset("h", "a", 1)
    r.set("str", "x")
    assert error_of(r2, "HEXPIRE", "str", "10", "FIELDS", "1", "a") == WRONGTYPE
    assert error_of(r2, "HEXPIRE", "h", "x", "FIELDS", "1", "a") == NOT_INT
    assert error_of(r2, "HEXPIRE", "h", "-1", "FIELDS", "1", "a") == \
        "ERR invalid expire time, must be >= 0"
    assert error_of(r2, "HEXPIRE", "h", str(2**62), "FIELDS", "1", "a") == \
        "ERR invalid expire time in 'hexpire' command"
    assert error_of(r2, "HPEXPIREAT", "h", str(2**48), "FIELDS", "1", "a") == \
        "ERR invalid expire time in 'hpexpireat' command"
    assert error_of(r2, "HEXPIRE", "h", "10", "FIELDX", "1", "a") == \
        "ERR Mandatory argument FIELDS is missing or not at the right position"
    assert error_of(r2, "HEXPIRE", "h", "10", "NX", "XX", "FIELDS", "1", "a") == \
        "ERR Mandatory argument FIELDS is missing or not at the right position"
    assert error_of(r2, "HEXPIRE", "h", "10", "FIELDS", "0", "a") == \
        "ERR Parameter `numFields` should be greater than 0"
    assert error_of(r2, "HEXPIRE", "h", "10", "FIELDS", "x", "a") == \
        "ERR Parameter `numFields` should be greater than 0"
    assert error_of(r2, "HEXPIRE", "h", "10", "FIELDS", "2", "a") == \
        "ERR The `numfields` parameter must match the number of arguments"
    assert error_of(r2, "HEXPIRE", "h", "10", "FIELDS", "1", "a", "b") == \
        "ERR The `numfields` parameter must match the number of arguments"
    assert error_of(r2, "HEXPIRE", "h", "10", "FIELDS", "1") == arity("hexpire")
    assert error_of(r2, "HTTL", "h", "FIELDS", "0", "a") == \
        "ERR Number of fields must be a positive integer"
    assert error_of(r2, "HTTL", "h", "FIELD", "1", "a") == \
        "ERR Mandatory argument FIELDS is missing or not at the right position"
    assert error_of(r2, "HTTL", "h", "FIELDS", "2", "a") == \
        "ERR The `numfields` parameter must match the number of arguments"
    assert error_of(r2, "HPERSIST", "h", "FIELDS", "-1", "a") == \
        "ERR Number of fields must be a positive integer"
    assert error_of(r2, "HTTL", "str", "FIELDS", "1", "a") == WRONGTYPE
    assert error_of(r2, "HPERSIST", "h", "FIELDS", "1") == arity("hpersist")


@pytest.mark.modis_only
@pytest.mark.parametrize("entries", [512, 1])
def test_httl_family_and_hpersist(r, r2, limits, entries):
    limits(entries, 64)
    r.hset("h", mapping={"a": 1, "b": 2})
    at_ms = int(time.time() * 1000) + 100000
    assert r2.execute("HPEXPIREAT", "h", str(at_ms), "FIELDS", "1", "a") == [1]
    assert r2.execute("HPEXPIRETIME", "h", "FIELDS", "3", "a", "b", "x") == [at_ms, -1, -2]
    assert r2.execute("HEXPIRETIME", "h", "FIELDS", "1", "a") == [(at_ms + 999) // 1000]
    pttl = r2.execute("HPTTL", "h", "FIELDS", "1", "a")[0]
    assert 99000 < pttl <= 100000
    assert r2.execute("HTTL", "missing", "FIELDS", "2", "a", "b") == [-2, -2]
    assert r2.execute("HPERSIST", "h", "FIELDS", "3", "a", "b", "x") == [1, -1, -2]
    assert r2.execute("HTTL", "h", "FIELDS", "1", "a") == [-1]
    assert r2.execute("HPERSIST", "missing", "FIELDS", "1", "a") == [-2]
    assert r.hgetall("h") == {b"a": b"1", b"b": b"2"}


@pytest.mark.modis_only
@pytest.mark.parametrize("entries", [512, 1])
def test_hset_clears_ttl_hincrby_keeps_it(r, r2, limits, entries):
    limits(entries, 64)
    r.hset("h", mapping={"a": 1, "b": 2, "c": "1.5"})
    r2.execute("HEXPIRE", "h", "100", "FIELDS", "3", "a", "b", "c")
    r.hset("h", "a", 5)
    r.hincrby("h", "b", 1)
    r.hincrbyfloat("h", "c", 1)
    assert r2.execute("HTTL", "h", "FIELDS", "1", "c")[0] > 0
    assert r2.execute("HTTL", "h", "FIELDS", "1", "a")[0] == -1
    assert r2.execute("HTTL", "h", "FIELDS", "1", "b")[0] > 0
    assert r.hsetnx("h", "b", 9) == 0
    assert r2.execute("HTTL", "h", "FIELDS", "1", "b")[0] > 0


@pytest.mark.modis_only
@pytest.mark.parametrize("entries", [512, 1])
def test_lazy_field_expiry(r, r2, r3, limits, no_active_expire, entries):
    limits(entries, 64)
    r.hset("h", mapping={"a": 1, "b": 2, "c": 3})
    assert r2.execute("HPEXPIRE", "h", "30", "FIELDS", "2", "a", "b") == [1, 1]
    time.sleep(0.1)
    assert r.hget("h", "a") is None
    assert r.hlen("h") == 1
    assert r.hgetall("h") == {b"c": b"3"}
    assert r3.execute("HGETALL", "h") == {b"c": b"3"}
    assert r2.execute("HSCAN", "h", "0")[1] == [b"c", b"3"]
    assert r.hrandfield("h") == b"c"
    r2.execute("HPEXPIRE", "h", "30", "FIELDS", "1", "c")
    time.sleep(0.1)
    # EXISTS does not look inside (as Redis); a hash command expires the
    # last field and the key goes with it
    assert r.hlen("h") == 0
    assert r.exists("h") == 0


@pytest.mark.modis_only
@pytest.mark.parametrize("entries", [512, 2])
def test_active_field_expiry(r, r2, limits, entries):
    limits(entries, 64)
    r.hset("h", mapping={"a": 1, "b": 2, "c": 3})
    r.hset("gone", mapping={"x": 1})
    r2.execute("HPEXPIRE", "h", "20", "FIELDS", "2", "a", "b")
    r2.execute("HPEXPIRE", "gone", "20", "FIELDS", "1", "x")
    # no command touches the keys: only active expiry can remove the fields
    deadline = time.time() + 5
    while time.time() < deadline:
        if r.execute_command("DBSIZE") == 1:
            break
        time.sleep(0.05)
    assert r.exists("gone") == 0
    assert r.execute_command("HLEN", "h") == 1
    assert int(r.info("stats")["expired_subkeys"]) >= 3


def wait_for(pred, timeout=5.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if pred():
            return True
        time.sleep(0.02)
    return pred()


def expired_subkeys(r):
    return int(r.info("stats")["expired_subkeys"])


@pytest.mark.modis_only
@pytest.mark.parametrize("entries", [512, 1])
def test_active_field_expiry_after_rename_move_copy(r, r2, server, limits, entries):
    """Active expiry finds the fields of keys renamed, moved or copied
    after their TTLs were set (the SDK hands subexpire_run the key's
    current name), without any command touching the keys."""
    limits(entries, 64)
    for k in ("h", "m", "c"):
        r.hset(k, mapping={"a": 1, "b": 2})
        assert r2.execute("HPEXPIRE", k, "150", "FIELDS", "1", "a") == [1]
    assert r.rename("h", "renamed") is True
    assert r.move("m", 1) is True
    assert r.copy("c", "c2") is True
    assert r.rename("c2", "c3") is True
    before = expired_subkeys(r)
    # only INFO is read until the fields are gone: no lazy expiry
    assert wait_for(lambda: expired_subkeys(r) >= before + 4), \
        "expired_subkeys %d, want %d" % (expired_subkeys(r), before + 4)
    assert expired_subkeys(r) == before + 4
    # no field TTL left anywhere: no key is marked any more
    keyspace = r.info("keyspace")
    assert keyspace["db0"]["subexpiry"] == 0 and keyspace["db1"]["subexpiry"] == 0
    assert r.hgetall("renamed") == {b"b": b"2"}
    assert r.hgetall("c") == {b"b": b"2"}
    assert r.hgetall("c3") == {b"b": b"2"}
    r1 = server.client(db=1)
    try:
        assert r1.hgetall("m") == {b"b": b"2"}
    finally:
        r1.close()
    # the key goes with its last field, under its new name
    assert r2.execute("HPEXPIRE", "renamed", "100", "FIELDS", "1", "b") == [1]
    assert r.rename("renamed", "again") is True
    assert wait_for(lambda: r.execute_command("DBSIZE") == 2)
    assert r.exists("again") == 0


def aof_commands(path):
    """The commands of an AOF file: lists of bytes arguments."""
    with open(path, "rb") as f:
        data = f.read()
    cmds, pos = [], 0
    while pos < len(data):
        end = data.index(b"\r\n", pos)
        argc, pos = int(data[pos + 1:end]), end + 2
        args = []
        for _ in range(argc):
            end = data.index(b"\r\n", pos)
            n, pos = int(data[pos + 1:end]), end + 2
            args.append(data[pos:pos + n])
            pos += n + 2
        cmds.append(args)
    return cmds


@pytest.mark.modis_only
def test_active_field_expiry_propagates_under_new_name(start_server):
    """What active expiry propagates for a renamed, moved or copied hash:
    HDEL under the key's current name (in its db), read back from the AOF."""
    srv = start_server(["--appendonly", "yes", "--appendfsync", "always"])
    c = srv.resp()
    try:
        for k in ("h", "m", "c"):
            c.execute("HSET", k, "a", "1", "b", "2")
            c.execute("HPEXPIRE", k, "100", "FIELDS", "1", "a")
        assert c.execute("RENAME", "h", "renamed") == "OK"
        assert c.execute("MOVE", "m", "3") == 1
        assert c.execute("COPY", "c", "c2") == 1
        path = os.path.join(srv.dir, "appendonlydir", "appendonly.aof.1.incr.aof")

        def hdels():
            return [cmd[1:] for cmd in aof_commands(path) if cmd[0].upper() == b"HDEL"]
        # no command touches the hashes: only active expiry writes HDELs
        assert wait_for(lambda: len(hdels()) == 4), hdels()
        assert sorted(hdels()) == [[b"c", b"a"], [b"c2", b"a"], [b"m", b"a"],
                                   [b"renamed", b"a"]]
        cmds = aof_commands(path)
        at = cmds.index([b"HDEL", b"m", b"a"])
        selects = [cmd for cmd in cmds[:at] if cmd[0].upper() == b"SELECT"]
        assert selects[-1] == [b"SELECT", b"3"]
    finally:
        c.close()


@pytest.mark.modis_only
def test_info_keyspace_subexpiry(r, r2, server):
    """subexpiry (Redis 7.4) counts the keys of a db whose hash fields
    carry TTLs."""
    def subexpiry(db="db0"):
        return r.info("keyspace")[db]["subexpiry"]

    r.hset("h1", mapping={"a": 1, "b": 2})
    r.hset("h2", mapping={"a": 1})
    r.hset("plain", mapping={"a": 1})
    r.set("s", "x")
    assert subexpiry() == 0
    r2.execute("HEXPIRE", "h1", "1000", "FIELDS", "2", "a", "b")
    r2.execute("HEXPIRE", "h2", "1000", "FIELDS", "1", "a")
    assert r.info("keyspace")["db0"] == {"keys": 4, "expires": 0, "avg_ttl": 0,
                                         "subexpiry": 2}
    r2.execute("HPERSIST", "h1", "FIELDS", "1", "a")
    assert subexpiry() == 2                      # b still has a TTL
    r.hset("h1", "b", 3)                         # HSET clears b's TTL
    assert subexpiry() == 1
    assert r.copy("h2", "h3") is True
    assert subexpiry() == 2
    r.delete("h2")
    assert subexpiry() == 1
    assert r.rename("h3", "h4") is True
    assert subexpiry() == 1
    assert r.move("h4", 2) is True
    assert subexpiry() == 0
    assert subexpiry("db2") == 1
    r2.execute("HEXPIRE", "plain", "1000", "FIELDS", "1", "a")
    r.hdel("plain", "a")                         # the key goes
    assert subexpiry() == 0
    assert r.swapdb(0, 2) is True
    assert subexpiry() == 1
    r.flushall()
    assert r.info("keyspace") == {}


@pytest.mark.modis_only
def test_ttl_survives_conversion_and_copy(r, r2, limits):
    limits(3, 64)
    r.hset("h", mapping={"a": 1, "b": 2})
    r2.execute("HEXPIRE", "h", "1000", "FIELDS", "1", "a")
    assert enc(r, "h") == b"listpackex"
    r.hset("h", mapping={"c": 3, "d": 4})
    assert enc(r, "h") == b"hashtable"
    assert r2.execute("HTTL", "h", "FIELDS", "2", "a", "c")[1] == -1
    assert 990 < r2.execute("HTTL", "h", "FIELDS", "1", "a")[0] <= 1000
    r.copy("h", "h2")
    assert 990 < r2.execute("HTTL", "h2", "FIELDS", "1", "a")[0] <= 1000


# --------------------------------------------------------------------------
# Randomized model test
# --------------------------------------------------------------------------

@pytest.mark.parametrize("entries,value", [(512, 64), (8, 16), (0, 0)])
def test_random_model(r, r2, limits, entries, value):
    limits(entries, value)
    rnd = random.Random(entries * 1000 + value)
    model = {}
    fields = ["f%d" % i for i in range(40)] + [str(i) for i in range(-5, 5)] + \
        ["long-%d-%s" % (i, "x" * 30) for i in range(5)]
    for step in range(1500):
        f = rnd.choice(fields)
        op = rnd.randrange(9)
        if op <= 2:
            v = rnd.choice(["", "v", str(rnd.randrange(-1000, 1000)), "y" * rnd.randrange(40)])
            assert r.hset("h", f, v) == (0 if f in model else 1)
            model[f] = v
        elif op == 3:
            assert r.hdel("h", f) == (1 if f in model else 0)
            model.pop(f, None)
        elif op == 4:
            cur = model.get(f, "0")
            try:
                base = int(cur)
                ok = cur == str(base)
            except ValueError:
                ok = False
            if ok:
                assert r.hincrby("h", f, 3) == base + 3
                model[f] = str(base + 3)
            else:
                with pytest.raises(Exception):
                    r.hincrby("h", f, 3)
        elif op == 5:
            got = r.hget("h", f)
            assert got == (model[f].encode() if f in model else None)
        elif op == 6:
            assert r.hlen("h") == len(model)
        elif op == 7:
            assert r.hexists("h", f) == (f in model)
        else:
            got = r.hgetall("h")
            assert got == {k.encode(): v.encode() for k, v in model.items()}
        assert r.exists("h") == (1 if model else 0)
    items, _ = _scan_all(r2, "h")
    assert dict(zip(items[::2], items[1::2])) == {k.encode(): v.encode() for k, v in model.items()}
