"""String commands: GET/SET and its options, the SET variants, GETEX/GETDEL/
GETSET, MGET/MSET/MSETNX, APPEND/STRLEN, the INCR family, GETRANGE/SETRANGE/
SUBSTR, LCS, expiry that really expires, and OBJECT ENCODING int/embstr/raw.
Normal paths go through redis-py (`r`); error replies are checked with their
full text (prefix included) through the raw RESP client (`r2`)."""

import time

import pytest

from modis_helpers import error_of

WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value"
NOT_INT = "ERR value is not an integer or out of range"
SYNTAX = "ERR syntax error"


def arity(cmd):
    return "ERR wrong number of arguments for '%s' command" % cmd


# --------------------------------------------------------------------------
# GET / SET
# --------------------------------------------------------------------------

def test_get_set_basic(r, r2):
    assert r.get("k") is None
    assert r.set("k", "v") is True
    assert r.get("k") == b"v"
    assert r.set("k", "v2") is True
    assert r.get("k") == b"v2"
    assert r.ttl("k") == -1
    # binary safe, empty value
    assert r.set(b"bin\x00key", b"\x00\xff\r\n") is True
    assert r.get(b"bin\x00key") == b"\x00\xff\r\n"
    assert r.set("empty", "") is True
    assert r.get("empty") == b""
    assert r2.execute("SET", "k", "v3") == "OK"


def test_get_set_arity(r2):
    assert error_of(r2, "GET") == arity("get")
    assert error_of(r2, "GET", "a", "b") == arity("get")
    assert error_of(r2, "SET", "a") == arity("set")


def test_set_overwrites_other_types(r, nonstring):
    other = nonstring()
    assert r.set(other.key, "v") is True
    assert r.type(other.key) == b"string"


def test_set_nx_xx(r, r2):
    assert r.set("k", "1", nx=True) is True
    assert r.set("k", "2", nx=True) is None
    assert r.get("k") == b"1"
    assert r.set("k", "3", xx=True) is True
    assert r.get("k") == b"3"
    assert r.set("missing", "1", xx=True) is None
    assert r.exists("missing") == 0
    assert error_of(r2, "SET", "k", "v", "NX", "XX") == SYNTAX
    # raw replies: nil when the condition is not met
    assert r2.execute("SET", "k", "v", "NX") is None


def test_set_get_option(r, r2):
    assert r.set("k", "v1", get=True) is None
    assert r.set("k", "v2", get=True) == b"v1"
    assert r.get("k") == b"v2"
    # NX + GET is allowed since Redis 7.0: returns the old value, does not set
    assert r2.execute("SET", "k", "v3", "NX", "GET") == b"v2"
    assert r.get("k") == b"v2"
    assert r2.execute("SET", "k", "v3", "XX", "GET") == b"v2"
    assert r.get("k") == b"v3"
    assert r2.execute("SET", "new", "x", "XX", "GET") is None
    assert r.exists("new") == 0


def test_set_ex_px(r, r2):
    assert r.set("k", "v", ex=100) is True
    assert 98 <= r.ttl("k") <= 100
    assert r.set("k", "v", px=100000) is True
    assert 98000 <= r.pttl("k") <= 100000
    assert r2.execute("SET", "k", "v", "EX", "50") == "OK"
    assert 48 <= r.ttl("k") <= 50
    # a plain SET clears the TTL
    assert r.set("k", "v") is True
    assert r.ttl("k") == -1


def test_set_exat_pxat(r, r2):
    at = int(time.time()) + 100
    assert r2.execute("SET", "k", "v", "EXAT", str(at)) == "OK"
    assert r2.execute("EXPIRETIME", "k") == at
    pat = int(time.time() * 1000) + 100000
    assert r2.execute("SET", "k", "v", "PXAT", str(pat)) == "OK"
    assert r2.execute("PEXPIRETIME", "k") == pat
    # a time in the past: accepted, the key is gone at once
    assert r2.execute("SET", "old", "v", "EXAT", "1") == "OK"
    assert r.exists("old") == 0
    assert r.get("old") is None


def test_set_keepttl(r, r2):
    r.set("k", "v", ex=100)
    assert r2.execute("SET", "k", "v2", "KEEPTTL") == "OK"
    assert r.get("k") == b"v2"
    assert 98 <= r.ttl("k") <= 100
    assert r2.execute("SET", "k", "v3") == "OK"
    assert r.ttl("k") == -1


@pytest.mark.parametrize("args,expected", [
    (("EX", "0"), "ERR invalid expire time in 'set' command"),
    (("EX", "-1"), "ERR invalid expire time in 'set' command"),
    (("PX", "0"), "ERR invalid expire time in 'set' command"),
    (("PXAT", "0"), "ERR invalid expire time in 'set' command"),
    (("EXAT", "-5"), "ERR invalid expire time in 'set' command"),
    (("PX", "9223372036854775807"), "ERR invalid expire time in 'set' command"),
    (("EX", "9223372036854775807"), "ERR invalid expire time in 'set' command"),
    (("EX", "abc"), NOT_INT),
    (("EX", "1.5"), NOT_INT),
    (("EX",), SYNTAX),
    (("EX", "10", "PX", "100"), SYNTAX),
    (("EX", "10", "EXAT", "100"), SYNTAX),
    (("KEEPTTL", "EX", "10"), SYNTAX),
    (("PX", "10", "KEEPTTL"), SYNTAX),
    (("FOO",), SYNTAX),
])
def test_set_option_errors(r, r2, args, expected):
    r.set("k", "orig")
    assert error_of(r2, "SET", "k", "v", *args) == expected
    assert r.get("k") == b"orig"
    assert r.ttl("k") == -1


def test_setnx(r, r2):
    assert r.setnx("k", "1") is True
    assert r.setnx("k", "2") is False
    assert r.get("k") == b"1"
    assert r2.execute("SETNX", "k", "3") == 0
    assert error_of(r2, "SETNX", "k") == arity("setnx")


def test_setex_psetex(r, r2):
    assert r.setex("k", 100, "v") is True
    assert r.get("k") == b"v"
    assert 98 <= r.ttl("k") <= 100
    assert r.psetex("p", 100000, "v") is True
    assert 98000 <= r.pttl("p") <= 100000
    assert error_of(r2, "SETEX", "k", "0", "v") == "ERR invalid expire time in 'setex' command"
    assert error_of(r2, "SETEX", "k", "-5", "v") == "ERR invalid expire time in 'setex' command"
    assert error_of(r2, "SETEX", "k", "x", "v") == NOT_INT
    assert error_of(r2, "PSETEX", "k", "0", "v") == "ERR invalid expire time in 'psetex' command"
    assert error_of(r2, "SETEX", "k", "10") == arity("setex")


# --------------------------------------------------------------------------
# GETEX / GETDEL / GETSET
# --------------------------------------------------------------------------

def test_getex(r, r2):
    r.set("k", "v")
    assert r.getex("k") == b"v"
    assert r.ttl("k") == -1
    assert r.getex("k", ex=100) == b"v"
    assert 98 <= r.ttl("k") <= 100
    assert r.getex("k", px=200000) == b"v"
    assert 198000 <= r.pttl("k") <= 200000
    at = int(time.time()) + 300
    assert r2.execute("GETEX", "k", "EXAT", str(at)) == b"v"
    assert r2.execute("EXPIRETIME", "k") == at
    pat = int(time.time() * 1000) + 400000
    assert r2.execute("GETEX", "k", "PXAT", str(pat)) == b"v"
    assert r2.execute("PEXPIRETIME", "k") == pat
    assert r2.execute("GETEX", "k", "PERSIST") == b"v"
    assert r.ttl("k") == -1
    assert r.getex("missing", ex=10) is None
    assert r.exists("missing") == 0


def test_getex_errors(r, r2):
    r.set("k", "v")
    assert error_of(r2, "GETEX", "k", "EX", "0") == "ERR invalid expire time in 'getex' command"
    assert error_of(r2, "GETEX", "k", "PX", "-1") == "ERR invalid expire time in 'getex' command"
    assert error_of(r2, "GETEX", "k", "EX", "abc") == NOT_INT
    assert error_of(r2, "GETEX", "k", "EX", "10", "PX", "10") == SYNTAX
    assert error_of(r2, "GETEX", "k", "PERSIST", "EX", "10") == SYNTAX
    assert error_of(r2, "GETEX", "k", "FOO") == SYNTAX
    assert error_of(r2, "GETEX", "k", "EX") == SYNTAX
    assert error_of(r2, "GETEX") == arity("getex")
    assert r.ttl("k") == -1


def test_getdel(r, r2):
    r.set("k", "v")
    assert r.getdel("k") == b"v"
    assert r.exists("k") == 0
    assert r.getdel("k") is None


def test_getset(r, r2):
    assert r.getset("k", "1") is None
    assert r.getset("k", "2") == b"1"
    assert r.get("k") == b"2"
    r.set("t", "v", ex=100)
    r.getset("t", "w")
    assert r.ttl("t") == -1  # GETSET clears the TTL
    assert error_of(r2, "GETSET", "k") == arity("getset")


# --------------------------------------------------------------------------
# MGET / MSET / MSETNX
# --------------------------------------------------------------------------

def test_mget_mset(r, r2):
    assert r.mset({"a": "1", "b": "2", "c": "3"}) is True
    assert r.mget("a", "b", "c", "missing") == [b"1", b"2", b"3", None]
    # a key of another type reads as nil, no error
    # later pairs win
    assert r2.execute("MSET", "d", "1", "d", "2") == "OK"
    assert r.get("d") == b"2"
    r.set("e", "old", ex=100)
    r.mset({"e": "new"})
    assert r.ttl("e") == -1
    assert error_of(r2, "MSET", "a") == arity("mset")
    assert error_of(r2, "MSET", "a", "1", "b") == arity("mset")
    assert error_of(r2, "MGET") == arity("mget")


def test_msetnx(r, r2):
    assert r.msetnx({"a": "1", "b": "2"}) is True
    assert r.msetnx({"b": "x", "c": "3"}) is False
    assert r.mget("a", "b", "c") == [b"1", b"2", None]
    assert r2.execute("MSETNX", "x", "1", "y", "2") == 1
    assert r2.execute("MSETNX", "x", "1", "z", "2") == 0
    assert r.exists("z") == 0
    assert error_of(r2, "MSETNX", "a", "1", "b") == arity("msetnx")


# --------------------------------------------------------------------------
# APPEND / STRLEN
# --------------------------------------------------------------------------

def test_append_strlen(r, r2):
    assert r.append("k", "Hello") == 5
    assert r.append("k", " World") == 11
    assert r.get("k") == b"Hello World"
    assert r.strlen("k") == 11
    assert r.strlen("missing") == 0
    r.set("n", 12345)
    assert r.strlen("n") == 5
    assert r.append("n", "6") == 6
    assert r.get("n") == b"123456"
    assert r.append("empty", "") == 0
    assert r.exists("empty") == 1
    assert error_of(r2, "APPEND", "k") == arity("append")


def test_append_keeps_ttl(r):
    r.set("k", "a", ex=100)
    r.append("k", "b")
    assert 98 <= r.ttl("k") <= 100


# --------------------------------------------------------------------------
# INCR family
# --------------------------------------------------------------------------

def test_incr_decr(r, r2):
    assert r.incr("n") == 1
    assert r.incr("n") == 2
    assert r.incrby("n", 10) == 12
    assert r.decr("n") == 11
    assert r.decrby("n", 20) == -9
    assert r.incrby("n", -1) == -10
    assert r.get("n") == b"-10"
    assert r.decr("m") == -1
    assert r2.execute("INCRBY", "x", "5") == 5
    assert r2.execute("DECRBY", "x", "-5") == 10
    r.set("sp", "  10")
    assert error_of(r2, "INCR", "sp") == NOT_INT
    r.set("t", "5", ex=100)
    r.incr("t")
    assert 98 <= r.ttl("t") <= 100  # INCR keeps the TTL


@pytest.mark.parametrize("value", ["abc", "1.5", "", " 1", "1 ", "99999999999999999999", "0x10"])
def test_incr_not_integer(r, r2, value):
    r.set("k", value)
    assert error_of(r2, "INCR", "k") == NOT_INT
    assert error_of(r2, "DECR", "k") == NOT_INT
    assert error_of(r2, "INCRBY", "k", "1") == NOT_INT
    assert r.get("k") == value.encode()


def test_incr_errors(r, r2):
    assert error_of(r2, "INCRBY", "x", "abc") == NOT_INT
    assert error_of(r2, "INCRBY", "x", "1.0") == NOT_INT
    assert error_of(r2, "INCRBY", "x", "9223372036854775808") == NOT_INT
    assert error_of(r2, "INCR") == arity("incr")
    assert error_of(r2, "INCRBY", "x") == arity("incrby")
    assert r.exists("x") == 0


def test_incr_overflow(r, r2):
    r.set("n", "9223372036854775807")
    assert error_of(r2, "INCR", "n") == "ERR increment or decrement would overflow"
    assert error_of(r2, "INCRBY", "n", "1") == "ERR increment or decrement would overflow"
    assert r.get("n") == b"9223372036854775807"
    r.set("n", "-9223372036854775808")
    assert error_of(r2, "DECR", "n") == "ERR increment or decrement would overflow"
    assert error_of(r2, "DECRBY", "x", "-9223372036854775808") == "ERR decrement would overflow"
    assert r.decrby("y", 9223372036854775807) == -9223372036854775807
    assert r.incrby("z", -9223372036854775808) == -9223372036854775808


def test_incrbyfloat(r, r2):
    r.set("f", "10.50")
    assert r2.execute("INCRBYFLOAT", "f", "0.1") == b"10.6"
    assert r2.execute("INCRBYFLOAT", "f", "-5") == b"5.6"
    assert r.get("f") == b"5.6"
    r.set("f", "5.0e3")
    assert r2.execute("INCRBYFLOAT", "f", "2.0e2") == b"5200"
    assert r2.execute("INCRBYFLOAT", "new", "3") == b"3"
    assert r2.execute("INCRBYFLOAT", "new", "1.5") == b"4.5"
    r.set("i", "3.0")
    assert r2.execute("INCRBYFLOAT", "i", "1") == b"4"
    assert r2.execute("INCRBYFLOAT", "big", "1e20") == b"100000000000000000000"
    assert r2.execute("INCRBYFLOAT", "small", "1e-5") == b"0.00001"
    assert r.incrbyfloat("g", 2.5) == 2.5


def test_incrbyfloat_errors(r, r2):
    r.set("f", "1")
    assert error_of(r2, "INCRBYFLOAT", "f", "abc") == "ERR value is not a valid float"
    assert error_of(r2, "INCRBYFLOAT", "f", "inf") == "ERR increment would produce NaN or Infinity"
    r.set("s", "abc")
    assert error_of(r2, "INCRBYFLOAT", "s", "1") == "ERR value is not a valid float"
    assert error_of(r2, "INCRBYFLOAT", "f") == arity("incrbyfloat")
    assert r.get("f") == b"1"


# --------------------------------------------------------------------------
# GETRANGE / SETRANGE / SUBSTR
# --------------------------------------------------------------------------

@pytest.mark.parametrize("start,end,expected", [
    (0, 3, b"This"),
    (-3, -1, b"ing"),
    (0, -1, b"This is a string"),
    (10, 100, b"string"),
    (5, 3, b""),
    (-100, 2, b"Thi"),
    (-1, -5, b""),
    (16, 20, b""),
])
def test_getrange(r, start, end, expected):
    r.set("s", "This is a string")
    assert r.getrange("s", start, end) == expected
    assert r.substr("s", start, end) == expected


def test_getrange_misc(r, r2):
    assert r.getrange("missing", 0, -1) == b""
    r.set("i", 12345)
    assert r.getrange("i", 1, 2) == b"23"
    assert error_of(r2, "GETRANGE", "i", "a", "1") == NOT_INT
    assert error_of(r2, "GETRANGE", "i", "0") == arity("getrange")


def test_setrange(r, r2):
    r.set("k", "Hello World")
    assert r.setrange("k", 6, "Redis") == 11
    assert r.get("k") == b"Hello Redis"
    assert r.setrange("k", 11, "!!") == 13
    assert r.get("k") == b"Hello Redis!!"
    # padding with zero bytes on a missing key
    assert r.setrange("pad", 6, "Redis") == 11
    assert r.get("pad") == b"\x00" * 6 + b"Redis"
    # empty value: no key is created, length reported
    assert r.setrange("nokey", 5, "") == 0
    assert r.exists("nokey") == 0
    assert r.setrange("k", 100, "") == 13
    assert r.get("k") == b"Hello Redis!!"
    r.set("n", 12345)
    assert r.setrange("n", 0, "9") == 5
    assert r.get("n") == b"92345"
    assert error_of(r2, "SETRANGE", "k", "-1", "x") == "ERR offset is out of range"
    assert error_of(r2, "SETRANGE", "k", "536870912", "x") == \
        "ERR string exceeds maximum allowed size (proto-max-bulk-len)"
    assert error_of(r2, "SETRANGE", "k", "abc", "x") == NOT_INT


# --------------------------------------------------------------------------
# LCS
# --------------------------------------------------------------------------

def test_lcs(r, r2):
    r.mset({"key1": "ohmytext", "key2": "mynewtext"})
    assert r2.execute("LCS", "key1", "key2") == b"mytext"
    assert r2.execute("LCS", "key1", "key2", "LEN") == 6
    assert r2.execute("LCS", "key1", "key2", "IDX") == [
        b"matches", [[[4, 7], [5, 8]], [[2, 3], [0, 1]]], b"len", 6]
    assert r2.execute("LCS", "key1", "key2", "IDX", "MINMATCHLEN", "4") == [
        b"matches", [[[4, 7], [5, 8]]], b"len", 6]
    assert r2.execute("LCS", "key1", "key2", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN") == [
        b"matches", [[[4, 7], [5, 8], 4]], b"len", 6]
    assert r2.execute("LCS", "key1", "key2", "IDX", "WITHMATCHLEN") == [
        b"matches", [[[4, 7], [5, 8], 4], [[2, 3], [0, 1], 2]], b"len", 6]
    # MINMATCHLEN / WITHMATCHLEN without IDX do not change the plain reply
    assert r2.execute("LCS", "key1", "key2", "MINMATCHLEN", "4") == b"mytext"
    # missing keys are empty strings
    assert r2.execute("LCS", "key1", "nokey") == b""
    assert r2.execute("LCS", "key1", "nokey", "LEN") == 0
    assert r2.execute("LCS", "key1", "nokey", "IDX") == [b"matches", [], b"len", 0]


def test_lcs_resp3(r, r3):
    r.mset({"key1": "ohmytext", "key2": "mynewtext"})
    assert r3.execute("LCS", "key1", "key2", "IDX", "MINMATCHLEN", "4") == {
        b"matches": [[[4, 7], [5, 8]]], b"len": 6}


def test_lcs_errors(r, r2):
    r.set("k", "abc")
    assert error_of(r2, "LCS", "k", "k", "LEN", "IDX") == \
        "ERR If you want both the length and indexes, please just use IDX."
    assert error_of(r2, "LCS", "k", "k", "FOO") == SYNTAX
    assert error_of(r2, "LCS", "k", "k", "MINMATCHLEN") == SYNTAX
    assert error_of(r2, "LCS", "k", "k", "MINMATCHLEN", "x") == NOT_INT
    assert error_of(r2, "LCS", "k") == arity("lcs")


# --------------------------------------------------------------------------
# wrong type
# --------------------------------------------------------------------------

@pytest.mark.parametrize("args", [
    ("GET", "{k}"), ("GETEX", "{k}"), ("GETEX", "{k}", "EX", "10"), ("GETDEL", "{k}"),
    ("GETSET", "{k}", "x"), ("SET", "{k}", "v", "GET"), ("APPEND", "{k}", "x"), ("STRLEN", "{k}"),
    ("INCR", "{k}"), ("DECR", "{k}"), ("INCRBY", "{k}", "1"), ("DECRBY", "{k}", "1"),
    ("INCRBYFLOAT", "{k}", "1"), ("GETRANGE", "{k}", "0", "1"), ("SUBSTR", "{k}", "0", "1"),
    ("SETRANGE", "{k}", "0", "x"),
], ids=lambda a: " ".join(a[:1] + a[2:]))
def test_wrongtype(r, r2, nonstring, args):
    other = nonstring("other")
    assert error_of(r2, *[a.format(k=other.key) for a in args]) == WRONGTYPE
    assert r.type(other.key) == other.type.encode()  # untouched


def test_wrongtype_is_not_an_error_for_some(r, r2, nonstring):
    other = nonstring("other")
    assert r2.execute("SETNX", other.key, "3") == 0
    assert r.mget("a", other.key) == [None, None]  # MGET reads other types as nil
    assert r2.execute("MSETNX", other.key, "1", "b", "2") == 0
    assert r.type(other.key) == other.type.encode()
    r.set("k", "abc")
    assert error_of(r2, "LCS", "k", other.key) == "ERR The specified keys must contain string values"


# --------------------------------------------------------------------------
# expiry and encodings
# --------------------------------------------------------------------------

def test_keys_really_expire(r, r2):
    assert r.set("px", "v", px=100) is True
    assert r.set("ex", "v", ex=1) is True
    r.psetex("ps", 100, "v")
    r2.execute("SET", "pxat", "v", "PXAT", str(int(time.time() * 1000) + 100))
    r.set("ge", "v")
    r.getex("ge", px=100)
    assert r.get("px") == b"v"
    time.sleep(0.3)
    for k in ("px", "ps", "pxat", "ge"):
        assert r.get(k) is None, k
        assert r.exists(k) == 0, k
    assert r.get("ex") == b"v"
    time.sleep(0.9)
    assert r.get("ex") is None
    assert r.ttl("ex") == -2


def test_expired_key_is_not_readable_by_any_command(r, r2):
    r.set("k", "10", px=50)
    time.sleep(0.15)
    assert r.strlen("k") == 0
    assert r.getrange("k", 0, -1) == b""
    assert r.append("k", "x") == 1  # starts from an empty string
    assert r.ttl("k") == -1
    r.set("n", "10", px=50)
    time.sleep(0.15)
    assert r.incr("n") == 1
    assert r.set("s", "v", px=50) is True
    time.sleep(0.15)
    assert r.set("s", "w", nx=True) is True


@pytest.mark.parametrize("value,encoding", [
    ("12345", b"int"),
    ("-123", b"int"),
    ("0", b"int"),
    ("9223372036854775807", b"int"),
    ("12345678901234567890", b"embstr"),
    ("012", b"embstr"),
    (" 12", b"embstr"),
    ("hello", b"embstr"),
    ("x" * 44, b"embstr"),
    ("x" * 45, b"raw"),
    ("x" * 1000, b"raw"),
])
def test_object_encoding_on_set(r, r2, value, encoding):
    r.set("k", value)
    assert r2.execute("OBJECT", "ENCODING", "k") == encoding
    assert r.get("k") == value.encode()


def test_object_encoding_after_changes(r, r2):
    r.set("e", "hello")
    r.append("e", "x")
    assert r2.execute("OBJECT", "ENCODING", "e") == b"raw"
    r.incr("c")
    assert r2.execute("OBJECT", "ENCODING", "c") == b"int"
    r.set("ri", "10")
    r.append("ri", "1")
    assert r2.execute("OBJECT", "ENCODING", "ri") == b"raw"
    r.set("i", "12345")
    r.setrange("i", 0, "9")
    assert r2.execute("OBJECT", "ENCODING", "i") == b"raw"
    r.incrbyfloat("f", 1.5)
    assert r2.execute("OBJECT", "ENCODING", "f") == b"embstr"
    assert r2.execute("OBJECT", "ENCODING", "nokey") is None
