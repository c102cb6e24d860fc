"""Sorted set commands end to end: ZADD (every option and their
conflicts), ZINCRBY, ZREM, ZCARD, ZSCORE, ZMSCORE, ZRANK/ZREVRANK
(WITHSCORE), ZCOUNT, ZLEXCOUNT, the ZRANGE family (BYSCORE, BYLEX, REV,
LIMIT, WITHSCORES; RESP2 flat arrays and RESP3 pairs, byte for byte),
ZRANGESTORE, ZREMRANGEBY*, ZPOPMIN/ZPOPMAX/ZMPOP reply shapes,
ZUNION/ZINTER/ZDIFF (+STORE, WEIGHTS, AGGREGATE, infinities),
ZINTERCARD LIMIT, ZRANDMEMBER (count rules, uniform picks), ZSCAN across
growth, the listpack/skiplist encodings with their parameters and
aliases, keyspace notifications compared with a real redis-server,
propagation to the AOF, COPY/MEMORY USAGE/DIGEST/UNLINK/WATCH, and a
randomized model test against a sorted map kept by the test, on both
encodings. Blocking pops are in test_zsets_blocking.py, persistence in
test_zsets_persist.py.

Normal paths go through redis-py (`r`); replies whose exact bytes matter
(errors, RESP3 shapes, doubles) through the raw clients. Redis 7.2+/7.4
behaviour (ZRANK WITHSCORE, 7.4 double formatting) is modis_only."""

import math
import os
import random
import time

import pytest

from modis_helpers import REPO as REPO_DIR, RawConn, RespClient, Server, error_of

WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value"
NOT_INT = "ERR value is not an integer or out of range"
NOT_FLOAT = "ERR value is not a valid float"
SYNTAX = "ERR syntax error"
MINMAX = "ERR min or max is not a float"
LEXRANGE = "ERR min or max not valid string range item"
REDIS = "/usr/bin/redis-server" if os.path.exists("/usr/bin/redis-server") else None


def arity(cmd):
    return "ERR wrong number of arguments for '%s' command" % cmd


@pytest.fixture
def limits(r, restore_config):
    """Set zset-max-listpack-entries/value for one test."""
    restore_config("zset-max-listpack-entries", "zset-max-listpack-value")

    def set_limits(entries, value=64):
        r.config_set("zset-max-listpack-entries", entries)
        r.config_set("zset-max-listpack-value", value)

    return set_limits


@pytest.fixture(params=["listpack", "skiplist"])
def encoding(request, limits):
    """Run the test on both encodings."""
    limits(128 if request.param == "listpack" else 0)
    return request.param


def enc(r, key):
    return r.object("encoding", key).decode()


def raw_call(server, *args, proto=2):
    c = RawConn(server.port)
    try:
        if proto == 3:
            c.call("HELLO", "3")
        return c.call(*args)
    finally:
        c.close()


# --------------------------------------------------------------------------
# ZADD / ZINCRBY
# --------------------------------------------------------------------------

def test_zadd_basics(r, encoding):
    assert r.zadd("z", {"a": 1, "b": 2}) == 2
    assert r.zadd("z", {"a": 3, "c": 0}) == 1
    assert enc(r, "z") == encoding
    assert r.zrange("z", 0, -1, withscores=True) == [(b"c", 0), (b"b", 2), (b"a", 3)]
    assert r.zadd("z", {"a": 3, "b": 5, "d": 1}, ch=True) == 2
    assert r.zadd("z", {"a": 100, "e": 1}, nx=True) == 1
    assert r.zscore("z", "a") == 3
    assert r.zadd("z", {"a": 100, "f": 1}, xx=True) == 0
    assert r.zscore("z", "a") == 100 and r.zscore("z", "f") is None
    assert r.zadd("z", {"a": 50, "b": 50}, gt=True, ch=True) == 1
    assert r.zadd("z", {"a": 170, "b": 40}, lt=True, ch=True) == 1
    assert r.zadd("z", {"new": 7}, gt=True) == 1
    assert r.zadd("z", {"none": 7}, lt=True, xx=True) == 0
    assert r.zrange("z", 0, -1, withscores=True) == [
        (b"c", 0), (b"d", 1), (b"e", 1), (b"new", 7), (b"b", 40), (b"a", 100)]


def test_zadd_incr_and_zincrby(r, r2, encoding):
    assert r2.execute("ZADD", "z", "INCR", "5", "a") == b"5"
    assert r2.execute("ZADD", "z", "INCR", "2.5", "a") == b"7.5"
    assert r2.execute("ZADD", "z", "INCR", "NX", "1", "a") is None
    assert r2.execute("ZADD", "z", "INCR", "XX", "1", "b") is None
    assert r2.execute("ZADD", "z", "INCR", "GT", "-1", "a") is None
    assert r2.execute("ZADD", "z", "INCR", "LT", "-1", "a") == b"6.5"
    assert r2.execute("ZINCRBY", "z", "-6.5", "a") == b"0"
    assert r2.execute("ZINCRBY", "z", "inf", "b") == b"inf"
    assert error_of(r2, "ZINCRBY", "z", "-inf", "b") == \
        "ERR resulting score is not a number (NaN)"
    assert r.zscore("z", "b") == float("inf")
    assert error_of(r2, "ZADD", "z", "INCR", "-inf", "b") == \
        "ERR resulting score is not a number (NaN)"
    assert error_of(r2, "ZINCRBY", "z", "x", "a") == NOT_FLOAT
    assert error_of(r2, "ZINCRBY", "z", "nan", "a") == NOT_FLOAT
    # ZINCRBY shares ZADD's option scan: a first word that is an option
    assert error_of(r2, "ZINCRBY", "z", "incr", "a") == SYNTAX
    assert r.zrange("z", 0, -1, withscores=True) == [(b"a", 0), (b"b", float("inf"))]


def test_zadd_errors_change_nothing(r, r2, nonstring):
    r.zadd("z", {"a": 1})
    for args, err in [
            (("NX", "XX", "1", "b"), "ERR XX and NX options at the same time are not compatible"),
            (("GT", "LT", "1", "b"), "ERR GT, LT, and/or NX options at the same time are not "
                                     "compatible"),
            (("GT", "NX", "1", "b"), "ERR GT, LT, and/or NX options at the same time are not "
                                     "compatible"),
            (("LT", "NX", "1", "b"), "ERR GT, LT, and/or NX options at the same time are not "
                                     "compatible"),
            (("INCR", "1", "b", "2", "c"), "ERR INCR option supports a single "
                                           "increment-element pair"),
            (("1", "b", "2"), SYNTAX), (("CH", "1"), SYNTAX),
            (("1", "b", "x", "c"), NOT_FLOAT), (("1", "b", "nan", "c"), NOT_FLOAT),
            (("", "b"), NOT_FLOAT), ((" 1", "b"), NOT_FLOAT), (("1e400", "b"), NOT_FLOAT)]:
        assert error_of(r2, "ZADD", "z", *args) == err, args
    assert r.zrange("z", 0, -1, withscores=True) == [(b"a", 1)]
    assert error_of(r2, "ZADD", "z") == arity("zadd")
    assert error_of(r2, "ZADD", "z", "1") == arity("zadd")
    k = nonstring("other").key
    if r.type(k) != b"zset":
        assert error_of(r2, "ZADD", k, "1", "a") == WRONGTYPE
    r.set("str", "x")
    assert error_of(r2, "ZADD", "str", "1", "a") == WRONGTYPE
    assert error_of(r2, "ZINCRBY", "str", "1", "a") == WRONGTYPE
    assert r2.execute("ZADD", "nokey", "XX", "1", "a") == 0
    assert r2.execute("ZADD", "nokey", "XX", "INCR", "1", "a") is None
    assert r.exists("nokey") == 0


def test_binary_and_integer_members(r, encoding):
    members = {b"": 0, b"\x00\xff": 1, b"123": 2, b"-45": 3, b"0123": 4, b"x" * 50: 5}
    r.zadd("z", members)
    assert r.zrange("z", 0, -1) == list(members)
    for m, s in members.items():
        assert r.zscore("z", m) == s
        assert r.zrank("z", m) == s
    assert r.zrem("z", b"123", b"\x00\xff") == 2
    assert r.zrange("z", 0, -1) == [b"", b"-45", b"0123", b"x" * 50]


@pytest.mark.modis_only
def test_scores_as_redis_74_prints_them(server, r):
    r.zadd("d", {"a": 0.1, "b": 1e-7, "c": 1e17, "d": -0.0, "e": float("inf")})
    assert raw_call(server, "ZSCORE", "d", "a") == b"$3\r\n0.1\r\n"
    assert raw_call(server, "ZSCORE", "d", "b") == b"$4\r\n1e-7\r\n"
    assert raw_call(server, "ZSCORE", "d", "c") == b"$18\r\n100000000000000000\r\n"
    assert raw_call(server, "ZSCORE", "d", "d") == b"$2\r\n-0\r\n"
    assert raw_call(server, "ZSCORE", "d", "e") == b"$3\r\ninf\r\n"
    assert raw_call(server, "ZSCORE", "d", "a", proto=3) == b",0.1\r\n"
    assert raw_call(server, "ZSCORE", "d", "e", proto=3) == b",inf\r\n"
    assert raw_call(server, "ZINCRBY", "d", "0.2", "a") == b"$19\r\n0.30000000000000004\r\n"


# --------------------------------------------------------------------------
# ZREM, ZCARD, ZSCORE, ZMSCORE, ZRANK
# --------------------------------------------------------------------------

def test_zrem_zcard_zscore_zmscore(r, r2, encoding):
    assert r.zrem("nokey", "a") == 0
    assert r.zcard("nokey") == 0
    assert r.zscore("nokey", "a") is None
    assert r.zmscore("nokey", ["a", "b"]) == [None, None]
    r.zadd("z", {"a": 1, "b": 2, "c": 3})
    assert r.zcard("z") == 3
    assert r.zmscore("z", ["c", "x", "a"]) == [3, None, 1]
    assert r.zrem("z", "a", "x", "a") == 1
    assert r.zrem("z", "b", "c", "d") == 2
    assert r.exists("z") == 0
    r.set("s", "x")
    for cmd in (("ZREM", "s", "a"), ("ZCARD", "s"), ("ZSCORE", "s", "a"),
                ("ZMSCORE", "s", "a"), ("ZRANK", "s", "a"), ("ZCOUNT", "s", "0", "1"),
                ("ZLEXCOUNT", "s", "-", "+"), ("ZRANGE", "s", "0", "1"),
                ("ZRANDMEMBER", "s"), ("ZSCAN", "s", "0"), ("ZPOPMIN", "s")):
        assert error_of(r2, *cmd) == WRONGTYPE, cmd
    assert error_of(r2, "ZMSCORE", "z") == arity("zmscore")
    assert error_of(r2, "ZCARD", "a", "b") == arity("zcard")


def test_zrank(r, r2, encoding, is_modis):
    r.zadd("z", {"a": 10, "b": 20, "c": 30, "d": 30, "e": 5})
    assert [r.zrank("z", m) for m in "abcde"] == [1, 2, 3, 4, 0]
    assert [r.zrevrank("z", m) for m in "abcde"] == [3, 2, 1, 0, 4]
    assert r.zrank("z", "x") is None and r.zrank("nokey", "a") is None
    assert error_of(r2, "ZRANK", "z", "a", "withscore", "x") == arity("zrank")
    if not is_modis:
        return
    assert r2.execute("ZRANK", "z", "c", "WITHSCORE") == [3, b"30"]
    assert r2.execute("ZREVRANK", "z", "e", "withscore") == [4, b"5"]
    assert r2.execute("ZRANK", "z", "x", "WITHSCORE") is None
    assert error_of(r2, "ZRANK", "z", "a", "foo") == SYNTAX
    server_port = r2.conn.sock.getpeername()[1]
    r3 = RespClient(server_port, proto=3)
    assert r3.execute("ZRANK", "z", "a", "WITHSCORE") == [1, 10.0]
    r3.close()


# --------------------------------------------------------------------------
# ZCOUNT / ZLEXCOUNT
# --------------------------------------------------------------------------

def test_zcount(r, r2, encoding):
    r.zadd("z", {m: i for i, m in enumerate("abcdefghij")})
    assert r.zcount("z", "-inf", "+inf") == 10
    assert r.zcount("z", 2, 5) == 4
    assert r.zcount("z", "(2", "(5") == 2
    assert r.zcount("z", 5, 2) == 0
    assert r.zcount("z", "(5", 5) == 0
    assert r.zcount("z", 100, 200) == 0
    assert r.zcount("nokey", 0, 1) == 0
    for bad in (("x", "1"), ("1", "(x"), ("nan", "1"), ("1 ", "2")):
        assert error_of(r2, "ZCOUNT", "z", *bad) == MINMAX
    # strtod reads "" and "(" as 0 and leading blanks are skipped, as in Redis
    assert r2.execute("ZCOUNT", "z", "", "") == 1
    assert r2.execute("ZCOUNT", "z", " 8", "100") == 2


def test_zlexcount(r, r2, encoding):
    r.zadd("z", {m: 0 for m in ["a", "b", "c", "d", "e", "", "a\x00", "\xff"]})
    assert r.zlexcount("z", "-", "+") == 8
    assert r.zlexcount("z", "[b", "[d") == 3
    assert r.zlexcount("z", "(b", "(d") == 1
    assert r.zlexcount("z", "[d", "[b") == 0
    assert r.zlexcount("z", "(c", "(c") == 0
    assert r.zlexcount("z", "+", "-") == 0
    assert r.zlexcount("z", "-", "[a") == 2
    assert r.zlexcount("z", "[a\x00", "+") == 6
    for bad in (("a", "b"), ("", "+"), ("-a", "+"), ("-", "+b"), ("1", "+")):
        assert error_of(r2, "ZLEXCOUNT", "z", *bad) == LEXRANGE


# --------------------------------------------------------------------------
# The ZRANGE family
# --------------------------------------------------------------------------

def test_zrange_by_rank(r, encoding):
    r.zadd("z", {"neg": -1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5})
    assert r.zrange("z", 0, -1) == [b"neg", b"one", b"two", b"three", b"four", b"five"]
    assert r.zrange("z", 2, 3) == [b"two", b"three"]
    assert r.zrange("z", -2, -1, withscores=True) == [(b"four", 4), (b"five", 5)]
    assert r.zrange("z", -100, 1) == [b"neg", b"one"]
    assert r.zrange("z", 5, 100) == [b"five"]
    assert r.zrange("z", 6, 10) == [] and r.zrange("z", 3, 1) == []
    assert r.zrange("z", 0, 1, desc=True) == [b"five", b"four"]
    assert r.zrevrange("z", 1, 2, withscores=True) == [(b"four", 4), (b"three", 3)]
    assert r.zrange("nokey", 0, -1) == []


def test_zrange_by_score_and_limit(r, r2, encoding):
    r.zadd("z", {"a": 1, "b": 2, "c": 3, "d": 4, "e": 5, "f": 5})
    assert r.zrangebyscore("z", 2, 4) == [b"b", b"c", b"d"]
    assert r.zrangebyscore("z", "(2", "(4") == [b"c"]
    assert r.zrangebyscore("z", 5, 5) == [b"e", b"f"]
    assert r2.execute("ZRANGEBYSCORE", "z", "-inf", "+inf", "LIMIT", "2", "2") == [b"c", b"d"]
    assert r2.execute("ZRANGEBYSCORE", "z", "-inf", "+inf", "LIMIT", "2", "-1") == \
        [b"c", b"d", b"e", b"f"]
    assert r2.execute("ZRANGEBYSCORE", "z", "-inf", "+inf", "LIMIT", "-1", "2") == []
    assert r2.execute("ZRANGEBYSCORE", "z", "-inf", "+inf", "LIMIT", "6", "2") == []
    assert r2.execute("ZRANGEBYSCORE", "z", "-inf", "+inf", "LIMIT", "1", "0") == []
    assert r2.execute("ZREVRANGEBYSCORE", "z", "4", "(2", "WITHSCORES") == \
        [b"d", b"4", b"c", b"3"]
    assert r2.execute("ZREVRANGEBYSCORE", "z", "+inf", "-inf", "LIMIT", "1", "2") == \
        [b"e", b"d"]
    assert r2.execute("ZRANGE", "z", "(4", "2", "BYSCORE", "REV", "LIMIT", "0", "1") == [b"c"]
    assert r2.execute("ZRANGE", "z", "2", "4", "BYSCORE", "REV") == []


def test_zrange_by_lex(r, r2, encoding):
    r.zadd("z", {m: 0 for m in "abcdefg"})
    assert r.zrangebylex("z", "[b", "(e") == [b"b", b"c", b"d"]
    assert r.zrangebylex("z", "-", "+", 1, 2) == [b"b", b"c"]
    assert r.zrevrangebylex("z", "(e", "[b") == [b"d", b"c", b"b"]
    assert r2.execute("ZRANGE", "z", "+", "-", "BYLEX", "REV", "LIMIT", "1", "2") == [b"f", b"e"]
    assert r2.execute("ZRANGEBYLEX", "z", "-", "+", "LIMIT", "-1", "2") == []
    assert r2.execute("ZRANGEBYLEX", "z", "-", "+", "LIMIT", "5", "-3") == [b"f", b"g"]


def test_zrange_errors(r, r2):
    r.zadd("z", {"a": 1})
    cases = [
        (("ZRANGE", "z", "0", "-1", "foo"), SYNTAX),
        (("ZRANGE", "z", "0", "-1", "LIMIT", "0", "1"),
         "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX"),
        (("ZRANGE", "z", "-", "+", "BYLEX", "WITHSCORES"),
         "ERR syntax error, WITHSCORES not supported in combination with BYLEX"),
        (("ZRANGE", "z", "0", "1", "BYSCORE", "BYLEX"), SYNTAX),
        (("ZRANGE", "z", "0", "1", "REV", "REV"), SYNTAX),
        (("ZRANGE", "z", "0", "-1", "LIMIT", "0"), SYNTAX),
        (("ZRANGE", "z", "a", "1"), NOT_INT),
        (("ZRANGE", "z", "x", "1", "BYSCORE"), MINMAX),
        (("ZRANGE", "z", "a", "b", "BYLEX"), LEXRANGE),
        (("ZRANGE", "z", "-", "+", "BYLEX", "LIMIT", "x", "1"), NOT_INT),
        (("ZRANGEBYSCORE", "z", "0", "1", "BYSCORE"), SYNTAX),
        (("ZRANGEBYSCORE", "z", "0", "1", "REV"), SYNTAX),
        (("ZRANGEBYLEX", "z", "-", "+", "WITHSCORES"),
         "ERR syntax error, WITHSCORES not supported in combination with BYLEX"),
        (("ZREVRANGE", "z", "0", "1", "LIMIT", "0", "1"),
         "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX"),
        (("ZRANGESTORE", "d", "z", "0", "-1", "WITHSCORES"), SYNTAX),
        (("ZRANGE", "z", "0"), arity("zrange")),
        (("ZRANGESTORE", "d", "z", "0"), arity("zrangestore")),
    ]
    for args, err in cases:
        assert error_of(r2, *args) == err, args
    assert r.exists("d") == 0
    # options are checked before the key
    r.set("s", "x")
    assert error_of(r2, "ZRANGE", "s", "0", "1", "foo") == SYNTAX
    assert error_of(r2, "ZRANGE", "s", "0", "1") == WRONGTYPE


@pytest.mark.parametrize("proto", [2, 3])
def test_zrange_withscores_reply_bytes(server, r, encoding, proto):
    r.zadd("z", {"a": 1, "b": 2.5})
    if proto == 2:
        want = b"*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$3\r\n2.5\r\n"
    else:
        want = b"*2\r\n*2\r\n$1\r\na\r\n,1\r\n*2\r\n$1\r\nb\r\n,2.5\r\n"
    for cmd in (("ZRANGE", "z", "0", "-1", "WITHSCORES"),
                ("ZRANGEBYSCORE", "z", "-inf", "+inf", "WITHSCORES"),
                ("ZRANGE", "z", "-inf", "+inf", "BYSCORE", "WITHSCORES", "LIMIT", "0", "-1"),
                ("ZUNION", "1", "z", "WITHSCORES")):
        assert raw_call(server, *cmd, proto=proto) == want, cmd
    assert raw_call(server, "ZRANGE", "nokey", "0", "-1", "WITHSCORES", proto=proto) == b"*0\r\n"
    assert raw_call(server, "ZRANGEBYSCORE", "z", "5", "6", proto=proto) == b"*0\r\n"


# --------------------------------------------------------------------------
# ZRANGESTORE and ZREMRANGEBY*
# --------------------------------------------------------------------------

def test_zrangestore(r, r2, limits):
    limits(3)
    r.zadd("src", {m: i for i, m in enumerate("abcdef")})
    assert r2.execute("ZRANGESTORE", "d", "src", "0", "2") == 3
    assert r.zrange("d", 0, -1, withscores=True) == [(b"a", 0), (b"b", 1), (b"c", 2)]
    assert enc(r, "d") == "listpack"
    assert r2.execute("ZRANGESTORE", "d", "src", "0", "3") == 4
    assert enc(r, "d") == "skiplist"
    # BYSCORE starts as a listpack and converts when it grows, as ZADD does
    assert r2.execute("ZRANGESTORE", "d", "src", "1", "4", "BYSCORE") == 4
    assert enc(r, "d") == "skiplist"
    assert r2.execute("ZRANGESTORE", "d", "src", "[b", "[c", "BYLEX") == 2
    assert enc(r, "d") == "listpack"
    assert r2.execute("ZRANGESTORE", "d", "src", "5", "3", "BYSCORE", "REV", "LIMIT", "1", "1") == 1
    assert r.zrange("d", 0, -1) == [b"e"]
    r.set("d", "string")
    r.expire("d", 100)
    assert r2.execute("ZRANGESTORE", "d", "src", "0", "0") == 1
    assert r.type("d") == b"zset" and r.ttl("d") == -1
    assert r2.execute("ZRANGESTORE", "d", "src", "10", "20") == 0
    assert r.exists("d") == 0
    assert r2.execute("ZRANGESTORE", "d", "nokey", "0", "-1") == 0
    assert r2.execute("ZRANGESTORE", "src", "src", "1", "2") == 2
    assert r.zrange("src", 0, -1) == [b"b", b"c"]


def test_zremrange(r, r2, encoding):
    r.zadd("z", {m: i for i, m in enumerate("abcdefgh")})
    assert r.zremrangebyrank("z", 5, 1) == 0
    assert r.zremrangebyrank("z", 0, 0) == 1
    assert r.zremrangebyrank("z", -2, -1) == 2
    assert r.zremrangebyscore("z", "(1", 3) == 2
    assert r.zrange("z", 0, -1) == [b"b", b"e", b"f"]
    assert r.zremrangebylex("z", "[a", "[c") == 1
    assert r.zremrangebylex("z", "(z", "+") == 0
    assert r.zremrangebyscore("z", "-inf", "+inf") == 2
    assert r.exists("z") == 0
    assert r.zremrangebyrank("nokey", 0, -1) == 0
    assert error_of(r2, "ZREMRANGEBYRANK", "z", "x", "1") == NOT_INT
    assert error_of(r2, "ZREMRANGEBYSCORE", "z", "x", "1") == MINMAX
    assert error_of(r2, "ZREMRANGEBYLEX", "z", "a", "+") == LEXRANGE


# --------------------------------------------------------------------------
# ZPOPMIN / ZPOPMAX / ZMPOP
# --------------------------------------------------------------------------

def test_zpop(r, r2, encoding):
    r.zadd("z", {"a": 1, "b": 2, "c": 3, "d": 4, "e": 5})
    assert r2.execute("ZPOPMIN", "z") == [b"a", b"1"]
    assert r2.execute("ZPOPMAX", "z", "2") == [b"e", b"5", b"d", b"4"]
    assert r2.execute("ZPOPMIN", "z", "0") == []
    assert r2.execute("ZPOPMIN", "z", "10") == [b"b", b"2", b"c", b"3"]
    assert r.exists("z") == 0
    assert r2.execute("ZPOPMIN", "z") == []
    assert error_of(r2, "ZPOPMIN", "z", "-1") == "ERR value is out of range, must be positive"
    assert error_of(r2, "ZPOPMIN", "z", "x") == "ERR value is out of range, must be positive"
    assert error_of(r2, "ZPOPMIN", "z", "1", "2") == SYNTAX


def test_zpop_resp3_shapes(server, r):
    r.zadd("z", {"a": 1, "b": 2, "c": 3})
    assert raw_call(server, "ZPOPMIN", "z", proto=3) == b"*2\r\n$1\r\na\r\n,1\r\n"
    assert raw_call(server, "ZPOPMIN", "z", "1", proto=3) == b"*1\r\n*2\r\n$1\r\nb\r\n,2\r\n"
    assert raw_call(server, "ZMPOP", "1", "z", "MAX", proto=3) == \
        b"*2\r\n$1\r\nz\r\n*1\r\n*2\r\n$1\r\nc\r\n,3\r\n"
    assert raw_call(server, "ZMPOP", "1", "z", "MAX", proto=3) == b"_\r\n"
    assert raw_call(server, "ZMPOP", "1", "z", "MAX") == b"*-1\r\n"


def test_zmpop(r, r2):
    r.zadd("b", {"x": 1, "y": 2, "z": 3})
    assert r2.execute("ZMPOP", "2", "a", "b", "MIN", "COUNT", "2") == \
        [b"b", [[b"x", b"1"], [b"y", b"2"]]]
    assert r2.execute("ZMPOP", "2", "a", "b", "max", "COUNT", "5") == [b"b", [[b"z", b"3"]]]
    assert r2.execute("ZMPOP", "2", "a", "b", "MIN") is None
    for args, err in [(("0", "a", "MIN"), "ERR numkeys should be greater than 0"),
                      (("x", "a", "MIN"), "ERR numkeys should be greater than 0"),
                      (("2", "a", "MIN"), SYNTAX), (("1", "a", "FOO"), SYNTAX),
                      (("1", "a", "MIN", "COUNT", "0"), "ERR count should be greater than 0"),
                      (("1", "a", "MIN", "COUNT", "1", "COUNT", "1"), SYNTAX),
                      (("9223372036854775807", "a", "MIN"), SYNTAX)]:
        assert error_of(r2, "ZMPOP", *args) == err, args
    r.set("s", "x")
    assert error_of(r2, "ZMPOP", "2", "s", "b", "MIN") == WRONGTYPE
    assert r2.execute("COMMAND", "GETKEYS", "ZMPOP", "2", "a", "b", "MIN") == [b"a", b"b"]


# --------------------------------------------------------------------------
# ZUNION / ZINTER / ZDIFF / ZINTERCARD
# --------------------------------------------------------------------------

def test_set_operations(r, r2, encoding):
    r.zadd("a", {"a": 1, "b": 2, "c": 3})
    r.zadd("b", {"b": 10, "c": 20, "d": 30})
    ws = {"withscores": True}
    assert r.zunion(["a", "b"], **ws) == [(b"a", 1), (b"b", 12), (b"c", 23), (b"d", 30)]
    assert r.zunion({"a": 2, "b": 3}, **ws) == [(b"a", 2), (b"b", 34), (b"c", 66), (b"d", 90)]
    assert r.zunion(["a", "b"], aggregate="MIN", **ws) == \
        [(b"a", 1), (b"b", 2), (b"c", 3), (b"d", 30)]
    assert r.zinter(["a", "b"], aggregate="MAX", **ws) == [(b"b", 10), (b"c", 20)]
    assert r.zinter(["a", "nokey"]) == []
    assert r2.execute("ZDIFF", "2", "a", "b", "WITHSCORES") == [b"a", b"1"]
    assert r.zdiff(["b", "a"]) == [b"d"]
    assert r.zdiff(["a", "a"]) == []
    assert r.zintercard(2, ["a", "b"]) == 2
    assert r.zintercard(2, ["a", "b"], limit=1) == 1
    assert r.zintercard(1, ["a"], limit=0) == 3
    assert r2.execute("ZINTER", "2", "a", "a", "WEIGHTS", "1", "2", "WITHSCORES") == \
        [b"a", b"3", b"b", b"6", b"c", b"9"]


def test_set_operations_with_infinities(r, r2):
    r.zadd("i", {"p": "inf", "n": "-inf"})
    assert r2.execute("ZUNION", "2", "i", "i", "WEIGHTS", "1", "-1", "WITHSCORES") == \
        [b"n", b"0", b"p", b"0"]
    assert r2.execute("ZUNION", "2", "i", "i", "WEIGHTS", "0", "0", "WITHSCORES") == \
        [b"n", b"0", b"p", b"0"]
    assert r2.execute("ZINTER", "2", "i", "i", "WEIGHTS", "0", "1", "AGGREGATE", "MAX",
                      "WITHSCORES") == [b"n", b"0", b"p", b"inf"]


def test_set_operation_stores(r, r2, limits):
    limits(3)
    r.zadd("a", {"a": 1, "b": 2})
    r.zadd("b", {"c": 3, "d": 4})
    assert r.zunionstore("out", ["a", "b"]) == 4
    assert enc(r, "out") == "skiplist"
    assert r.zinterstore("out", ["a", "a"]) == 2
    assert enc(r, "out") == "listpack"        # converted back: it fits
    assert r.zrange("out", 0, -1, withscores=True) == [(b"a", 2), (b"b", 4)]
    assert r.zdiffstore("out", ["a", "a"]) == 0
    assert r.exists("out") == 0
    r.set("out", "x")
    assert r.zunionstore("out", ["a"]) == 2 and r.type("out") == b"zset"
    assert r.zunionstore("a", ["a", "b"]) == 4
    limits(128, 2)
    r.zadd("long", {"abc": 1})
    assert r.zunionstore("out", ["long"]) == 1
    assert enc(r, "out") == "skiplist"        # the member is too long


def test_plain_sets_as_inputs(r, r2):
    r.sadd("s", "a", "b", "10")
    r.zadd("z", {"a": 5, "d": 7})
    assert r.zunion(["s", "z"], withscores=True) == [(b"10", 1), (b"b", 1), (b"a", 6), (b"d", 7)]
    assert r.zinter({"s": 2, "z": 1}, withscores=True) == [(b"a", 7)]
    assert r2.execute("ZDIFF", "2", "s", "z", "WITHSCORES") == [b"10", b"1", b"b", b"1"]
    assert r.zintercard(2, ["s", "z"]) == 1
    assert r.zunionstore("out", ["s"]) == 3
    assert r.zrange("out", 0, -1, withscores=True) == [(b"10", 1), (b"a", 1), (b"b", 1)]


@pytest.mark.modis_only
def test_set_input_pins_the_sets_module(start_server):
    c = start_server().resp()
    assert c.execute("MODULE", "UNLOAD", "sets") == "OK"   # no one uses it yet
    c.execute("SET", "str", "x")
    assert error_of(c, "ZUNION", "1", "str") == WRONGTYPE
    path = os.path.join(os.environ.get("MODIS_BUILDDIR") or REPO_DIR, "modules", "sets", ".libs",
                        "sets.so")
    assert c.execute("MODULE", "LOAD", path) == "OK"
    c.execute("SADD", "s", "a")
    assert c.execute("ZUNION", "1", "s") == [b"a"]
    c.execute("FLUSHALL")
    assert error_of(c, "MODULE", "UNLOAD", "sets") == \
        "ERR Error unloading module: module 'sets' is used by module 'zsets'"


def test_set_operation_errors(r, r2):
    r.set("s", "x")
    for args, err in [
            (("ZUNION", "0", "a"), "ERR at least 1 input key is needed for 'zunion' command"),
            (("ZUNIONSTORE", "d", "0", "a"),
             "ERR at least 1 input key is needed for 'zunionstore' command"),
            (("ZINTERCARD", "0", "a"), "ERR at least 1 input key is needed for 'zintercard' "
                                       "command"),
            (("ZUNION", "x", "a"), NOT_INT), (("ZUNION", "3", "a", "b"), SYNTAX),
            (("ZUNION", "1", "a", "WEIGHTS", "x"), "ERR weight value is not a float"),
            (("ZUNION", "2", "a", "b", "WEIGHTS", "1"), SYNTAX),
            (("ZUNION", "1", "a", "AGGREGATE", "foo"), SYNTAX),
            (("ZUNIONSTORE", "d", "1", "a", "WITHSCORES"), SYNTAX),
            (("ZDIFF", "1", "a", "WEIGHTS", "1"), SYNTAX),
            (("ZINTERCARD", "1", "a", "LIMIT", "-1"), "ERR LIMIT can't be negative"),
            (("ZINTERCARD", "1", "a", "LIMIT", "x"), "ERR LIMIT can't be negative"),
            (("ZINTERCARD", "1", "a", "WITHSCORES"), SYNTAX),
            # the key types are checked before the options
            (("ZUNION", "2", "a", "s", "WEIGHTS", "x"), WRONGTYPE),
            (("ZINTERCARD", "1", "s"), WRONGTYPE)]:
        assert error_of(r2, *args) == err, args
    assert r.exists("d") == 0
    assert r2.execute("COMMAND", "GETKEYS", "ZUNIONSTORE", "d", "2", "a", "b") == [b"d", b"a", b"b"]
    assert r2.execute("COMMAND", "GETKEYS", "ZINTER", "2", "a", "b", "WEIGHTS", "1", "2") == \
        [b"a", b"b"]


# --------------------------------------------------------------------------
# ZRANDMEMBER
# --------------------------------------------------------------------------

def test_zrandmember(r, r2, server, encoding):
    members = {"m%d" % i: i for i in range(10)}
    r.zadd("z", members)
    assert r.zrandmember("z").decode() in members
    assert r.zrandmember("nokey") is None
    assert r.zrandmember("nokey", 3) == []
    assert r.zrandmember("z", 0) == []
    got = r.zrandmember("z", 5)
    assert len(got) == 5 == len(set(got))
    assert sorted(r.zrandmember("z", 100)) == sorted(m.encode() for m in members)
    got = r.zrandmember("z", -30)
    assert len(got) == 30 and set(got) <= set(m.encode() for m in members)
    flat = r2.execute("ZRANDMEMBER", "z", "-4", "WITHSCORES")
    assert len(flat) == 8
    for m, s in zip(flat[::2], flat[1::2]):
        assert members[m.decode()] == int(s)
    r3 = RespClient(server.port, proto=3)
    pairs = r3.execute("ZRANDMEMBER", "z", "3", "WITHSCORES")
    assert len(pairs) == 3 and all(members[m.decode()] == s for m, s in pairs)
    r3.close()
    for args, err in [(("x",), NOT_INT), (("1", "foo"), SYNTAX),
                      (("1", "WITHSCORES", "x"), SYNTAX),
                      (("-9223372036854775808",), "ERR value is out of range, value must between "
                       "-9223372036854775807 and 9223372036854775807"),
                      (("9223372036854775807", "WITHSCORES"), "ERR value is out of range")]:
        assert error_of(r2, "ZRANDMEMBER", "z", *args) == err, args


@pytest.mark.parametrize("count", [1, 3, -1])
def test_zrandmember_is_uniform(r, encoding, count):
    n = 20
    r.zadd("z", {"m%d" % i: i for i in range(n)})
    counts = {("m%d" % i).encode(): 0 for i in range(n)}
    rounds = 400
    for _ in range(rounds):
        for m in r.zrandmember("z", count):
            counts[m] += 1
    total = rounds * abs(count)
    expected = total / n
    chi2 = sum((c - expected) ** 2 / expected for c in counts.values())
    assert chi2 < 60, counts    # 19 degrees of freedom: p < 1e-6 to fail


# --------------------------------------------------------------------------
# ZSCAN
# --------------------------------------------------------------------------

def test_zscan_listpack_returns_all_at_once(r, r2):
    r.zadd("z", {"a": 1, "b": 2.5, "c": 3})
    assert r2.execute("ZSCAN", "z", "0", "COUNT", "1") == [b"0", [b"a", b"1", b"b", b"2.5",
                                                                  b"c", b"3"]]
    assert r2.execute("ZSCAN", "z", "0", "MATCH", "b*") == [b"0", [b"b", b"2.5"]]
    assert r2.execute("ZSCAN", "nokey", "0") == [b"0", []]
    assert error_of(r2, "ZSCAN", "z", "x") == "ERR invalid cursor"
    assert error_of(r2, "ZSCAN", "z", "0", "COUNT", "0") == SYNTAX
    assert error_of(r2, "ZSCAN", "z", "0", "NOVALUES") == SYNTAX


def test_zscan_skiplist_full_iteration_across_growth(r, r2, limits):
    limits(0)
    r.zadd("z", {"m%d" % i: i for i in range(500)})
    seen, cursor, extra = {}, b"0", 500
    while True:
        cursor, items = r2.execute("ZSCAN", "z", cursor, "COUNT", "7")
        for m, s in zip(items[::2], items[1::2]):
            seen[m] = float(s)
        for _ in range(5):
            r.zadd("z", {"m%d" % extra: extra})
            extra += 1
        if cursor == b"0":
            break
    for i in range(500):
        assert seen[("m%d" % i).encode()] == i


def test_zscan_skiplist_scores_use_long_double_form(r, r2, limits):
    # Redis's scan callback prints skiplist scores with ld2string
    # ("%.17Lg"), unlike every other reply; a listpack's are as stored
    limits(0)
    r.zadd("z", {"a": 0.1, "b": 1.5, "c": float("inf"), "d": 1e20})
    _, items = r2.execute("ZSCAN", "z", "0")
    got = dict(zip(items[::2], items[1::2]))
    assert got == {b"a": b"0.10000000000000001", b"b": b"1.5", b"c": b"inf", b"d": b"1e+20"}


# --------------------------------------------------------------------------
# Encodings and parameters
# --------------------------------------------------------------------------

def test_encoding_conversions(r, r2, limits):
    limits(3, 4)
    r.zadd("z", {"a": 1, "b": 2, "c": 3})
    assert enc(r, "z") == "listpack"
    r.zadd("z", {"d": 4})
    assert enc(r, "z") == "skiplist"
    r.zrem("z", "a", "b", "c")
    assert enc(r, "z") == "skiplist"           # removals never convert back
    r.zadd("v", {"abcd": 1})
    assert enc(r, "v") == "listpack"
    r.zadd("v", {"abcde": 1})
    assert enc(r, "v") == "skiplist"
    r.zadd("w", {"abcde": 1})
    assert enc(r, "w") == "skiplist"           # created as one: zsetTypeCreate
    limits(0)
    r.zadd("x", {"a": 1})
    assert enc(r, "x") == "skiplist"


def test_parameters_and_aliases(r, r2, restore_config):
    restore_config("zset-max-listpack-entries", "zset-max-listpack-value")
    assert r2.execute("CONFIG", "GET", "zset-max-listpack-entries") == \
        [b"zset-max-listpack-entries", b"128"]
    assert r2.execute("CONFIG", "GET", "zset-max-ziplist-value") == \
        [b"zset-max-ziplist-value", b"64"]
    assert r2.execute("CONFIG", "SET", "zset-max-ziplist-entries", "7") == "OK"
    assert r2.execute("CONFIG", "GET", "zset-max-listpack-entries")[1] == b"7"
    assert r2.execute("CONFIG", "SET", "zset-max-listpack-value", "1kb") == "OK"
    assert r2.execute("CONFIG", "GET", "zset-max-listpack-value")[1] == b"1024"
    assert error_of(r2, "CONFIG", "SET", "zset-max-listpack-value", "abc").startswith(
        "ERR CONFIG SET failed (possibly related to argument 'zset-max-listpack-value')")
    got = r2.execute("CONFIG", "GET", "zset-max-*")
    assert sorted(got[::2]) == [b"zset-max-listpack-entries", b"zset-max-listpack-value",
                                b"zset-max-ziplist-entries", b"zset-max-ziplist-value"]


# --------------------------------------------------------------------------
# Keyspace notifications, compared with a real redis-server
# --------------------------------------------------------------------------

NOTIFY_SCRIPT = [
    ("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e", "6", "f"),
    ("ZADD", "z", "1", "a"),                 # no change: no event
    ("ZADD", "z", "INCR", "1", "a"),
    ("ZINCRBY", "z", "1", "b"),
    ("ZREM", "z", "a", "nothere"),
    ("ZREM", "z", "nothere"),
    ("ZREMRANGEBYRANK", "z", "0", "0"),
    ("ZREMRANGEBYSCORE", "z", "3", "3"),
    ("ZREMRANGEBYLEX", "z", "[f", "[f"),
    ("ZPOPMIN", "z"),
    ("ZPOPMAX", "z", "5"),
    ("ZADD", "y", "1", "a", "2", "b"),
    ("ZRANGESTORE", "d", "y", "0", "0"),
    ("ZRANGESTORE", "d", "y", "5", "6"),
    ("ZUNIONSTORE", "u", "1", "y"),
    ("ZINTERSTORE", "u", "1", "y"),
    ("ZDIFFSTORE", "u", "2", "y", "y"),
    ("ZMPOP", "1", "y", "MIN", "COUNT", "5"),
    ("ZADD", "w", "1", "a"),
    ("BZPOPMIN", "w", "0"),
    ("ZADD", "w", "1", "a", "2", "b"),
    ("BZMPOP", "0", "1", "w", "MAX", "COUNT", "2"),
]


def notifications(port, script):
    """Run script on the server at port with every keyspace event on, and
    return the events a PSUBSCRIBEd connection saw, in order."""
    c = RespClient(port)
    c.execute("FLUSHALL")
    old = c.execute("CONFIG", "GET", "notify-keyspace-events")[1]
    c.execute("CONFIG", "SET", "notify-keyspace-events", "KEA")
    sub = RespClient(port)
    sub.conn.send_command("PSUBSCRIBE", "__key*__:*")
    sub.read()
    for cmd in script:
        c.execute(*cmd)
    c.execute("SET", "zz-end-marker", "1")
    events = []
    while True:
        m = sub.read(5)
        if m[2].endswith(b"zz-end-marker") or m[3] == b"zz-end-marker":
            break
        events.append((m[2], m[3]))
    c.execute("CONFIG", "SET", "notify-keyspace-events", old)
    c.close()
    sub.close()
    return events


@pytest.mark.modis_only
def test_keyspace_notifications_as_redis(server, restore_config):
    if not REDIS:
        pytest.skip("no reference redis-server")
    restore_config("notify-keyspace-events")
    ref = Server(["--save", "", "--appendonly", "no"], conf=None, binary=REDIS).start()
    try:
        theirs = notifications(ref.port, NOTIFY_SCRIPT)
    finally:
        ref.stop()
    ours = notifications(server.port, NOTIFY_SCRIPT)
    assert ours == theirs
    assert (b"__keyevent@0__:zpopmin", b"w") in ours


# --------------------------------------------------------------------------
# Propagation
# --------------------------------------------------------------------------

def aof_commands(dirpath):
    """The commands in the AOF incr files of dirpath, as lists of bytes."""
    adir = os.path.join(dirpath, "appendonlydir")
    data = b""
    for name in sorted(os.listdir(adir)):
        if name.endswith(".incr.aof"):
            with open(os.path.join(adir, name), "rb") as f:
                data += f.read()
    out, pos = [], 0
    from modis_helpers import parse_reply
    while pos < len(data):
        v, pos = parse_reply(data, pos)
        out.append(v)
    return [c for c in out if c[0].upper() != b"SELECT"]


def test_propagation_to_aof(start_server):
    srv = start_server(["--appendonly", "yes", "--appendfsync", "always"])
    c = srv.resp()
    for cmd in [("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d"),
                ("ZADD", "z", "1", "a"),           # nothing changed: not propagated
                ("ZINCRBY", "z", "1", "a"),
                ("ZPOPMIN", "z"),
                ("ZMPOP", "1", "z", "MAX", "COUNT", "1"),
                ("BZPOPMAX", "z", "0"),
                ("BZMPOP", "0", "1", "z", "MIN"),
                ("ZREM", "z", "nothere"),
                ("ZRANGESTORE", "d", "nokey", "0", "-1")]:
        c.execute(*cmd)
    cmds = aof_commands(srv.dir)
    assert cmds == [
        [b"ZADD", b"z", b"1", b"a", b"2", b"b", b"3", b"c", b"4", b"d"],
        [b"ZINCRBY", b"z", b"1", b"a"],
        [b"ZPOPMIN", b"z"],
        [b"ZPOPMAX", b"z", b"1"],
        [b"ZPOPMAX", b"z"],
        [b"ZPOPMIN", b"z", b"1"]]


# --------------------------------------------------------------------------
# Generic key commands
# --------------------------------------------------------------------------

def test_copy_rename_type_scan(r, encoding):
    r.zadd("z", {"a": 1, "b": 2})
    assert r.type("z") == b"zset"
    assert r.scan(0, _type="zset") == (0, [b"z"])
    assert r.copy("z", "c") is True
    r.zadd("c", {"x": 9})
    assert r.zcard("z") == 2 and r.zcard("c") == 3
    assert enc(r, "c") == encoding
    r.rename("c", "d")
    assert r.zrange("d", 0, -1) == [b"a", b"b", b"x"]


def test_memory_usage_and_digest(r, limits):
    limits(0)
    r.zadd("big", {"m%d" % i: i for i in range(2000)})
    r.zadd("small", {"m%d" % i: i for i in range(10)})
    big, small = r.memory_usage("big"), r.memory_usage("small")
    assert big > 2000 * 40 and small < big
    d = r.execute_command("DEBUG", "DIGEST-VALUE", "big")
    r.copy("big", "copy")
    assert r.execute_command("DEBUG", "DIGEST-VALUE", "copy") == d
    limits(5000)
    r.zunionstore("lp", ["big"])
    assert enc(r, "lp") == "listpack"
    assert r.execute_command("DEBUG", "DIGEST-VALUE", "lp") == d
    r.zadd("copy", {"m0": 0.5})
    assert r.execute_command("DEBUG", "DIGEST-VALUE", "copy") != d


def test_unlink_big_set_frees_in_background(r, limits):
    limits(0)
    for i in range(0, 20000, 1000):
        r.zadd("big", {"m%d" % j: j for j in range(i, i + 1000)})
    assert r.unlink("big") == 1
    assert r.exists("big") == 0
    r.zadd("big", {"a": 1})
    assert r.zcard("big") == 1


def test_watch(server, r):
    r.zadd("z", {"a": 1})
    p = server.client()
    pipe = p.pipeline()
    pipe.watch("z")
    r.zincrby("z", 1, "a")
    pipe.multi()
    pipe.zadd("z", {"b": 2})
    with pytest.raises(Exception):
        pipe.execute()
    assert r.zcard("z") == 1
    p.close()


# --------------------------------------------------------------------------
# The zset.v1 service (tests/modules/uses_zset.c drives every member)
# --------------------------------------------------------------------------

@pytest.fixture
def zsvc(server):
    path = os.path.join(os.environ.get("MODIS_BUILDDIR", REPO_DIR), "tests", "modules",
                        ".libs", "uses_zset.so")
    if not os.path.exists(path):
        pytest.skip("%s not built (the test modules are built by `make check`)" % path)
    c = RespClient(server.port)
    c.execute("MODULE", "LOAD", path)
    yield c
    c.execute("MODULE", "UNLOAD", "uses_zset")
    c.close()


@pytest.mark.modis_only
def test_zset_service(zsvc, r, limits, encoding):
    c = zsvc
    assert c.execute("ZSVC.ADD", "z", "2", "b") == ["added", b"2"]
    assert c.execute("ZSVC.ADD", "z", "1", "a") == ["added", b"1"]
    assert c.execute("ZSVC.ADD", "z", "1", "a") == ["same", b"1"]
    assert c.execute("ZSVC.ADD", "z", "5", "a", "NX") == ["nop", b"0"]
    assert c.execute("ZSVC.ADD", "z", "3", "a", "INCR") == ["updated", b"4"]
    assert c.execute("ZSVC.ADD", "z", "1", "a", "GT") == ["nop", b"0"]
    assert c.execute("ZSVC.ADD", "nokey", "1", "a", "XX") == ["nop", b"0"]
    assert r.exists("nokey") == 0
    c.execute("ZSVC.ADD", "z", "inf", "b")
    assert error_of(c, "ZSVC.ADD", "z", "-inf", "b", "INCR") == "ERR zset.v1 add failed"
    assert r.zrange("z", 0, -1, withscores=True) == [(b"a", 4), (b"b", float("inf"))]
    assert enc(r, "z") == encoding
    for i in range(10):
        c.execute("ZSVC.ADD", "z", str(i), "m%d" % i)
    assert c.execute("ZSVC.LEN", "z") == 12 == r.zcard("z")
    assert c.execute("ZSVC.SCORE", "z", "m3") == b"3"
    assert c.execute("ZSVC.SCORE", "z", "nope") is None
    assert c.execute("ZSVC.RANK", "z", "m3", "0") == r.zrank("z", "m3")
    assert c.execute("ZSVC.RANK", "z", "m3", "1") == r.zrevrank("z", "m3")
    assert c.execute("ZSVC.RANK", "z", "nope", "0") == -1
    assert c.execute("ZSVC.BYSCORE", "z", "2", "0", "5", "1", "0", "1", "2") == \
        [b"m3", b"3", b"a", b"4"]
    assert c.execute("ZSVC.BYSCORE", "z", "2", "1", "5", "0", "1", "0", "-1") == \
        [b"m5", b"5", b"m4", b"4", b"a", b"4", b"m3", b"3"]
    assert c.execute("ZSVC.BYRANK", "z", "-2", "-1", "0") == [b"m9", b"9", b"b", b"inf"]
    assert c.execute("ZSVC.BYRANK", "z", "0", "1", "1") == [b"b", b"inf", b"m9", b"9"]
    assert c.execute("ZSVC.BYRANK", "nokey", "0", "-1", "0") == []
    r.set("s", "x")
    assert error_of(c, "ZSVC.ADD", "s", "1", "a") == "ERR zset.v1 add failed"
    assert error_of(c, "ZSVC.LEN", "s") == WRONGTYPE
    for m in ["a", "b"] + ["m%d" % i for i in range(10)]:
        assert c.execute("ZSVC.REM", "z", m) == 1
    assert c.execute("ZSVC.REM", "z", "a") == 0
    assert r.exists("z") == 0


# --------------------------------------------------------------------------
# Randomized model test
# --------------------------------------------------------------------------

def model_sorted(model):
    return sorted(model.items(), key=lambda kv: (kv[1], kv[0]))


@pytest.mark.parametrize("seed", [1, 2])
def test_random_model(r, encoding, seed):
    rnd = random.Random(seed)
    model = {}
    for step in range(1500):
        m = ("m%d" % rnd.randrange(40)).encode()
        s = rnd.randrange(-10, 10) / 2
        op = rnd.randrange(10)
        if op < 4:
            r.zadd("z", {m: s})
            model[m] = s
        elif op == 4:
            got = r.zincrby("z", s, m)
            model[m] = model.get(m, 0) + s
            assert got == model[m]
        elif op == 5:
            assert r.zrem("z", m) == (m in model)
            model.pop(m, None)
        elif op == 6:
            lo = rnd.randrange(-6, 6)
            got = r.zrangebyscore("z", lo, lo + 2, withscores=True)
            assert got == [(k, v) for k, v in model_sorted(model) if lo <= v <= lo + 2]
        elif op == 7:
            want = model_sorted(model)
            if want:
                i = rnd.randrange(len(want))
                assert r.zrank("z", want[i][0]) == i
                assert r.zrevrank("z", want[i][0]) == len(want) - 1 - i
        elif op == 8:
            n = rnd.randrange(3)
            got = r.zpopmin("z", n) if n else []
            want = model_sorted(model)[:n]
            assert got == want
            for k, _ in want:
                del model[k]
        else:
            a, b = rnd.randrange(-5, 5), rnd.randrange(-5, 5)
            got = r.zrange("z", a, b)
            want = [k for k, _ in model_sorted(model)]
            n = len(want)
            s, e = (a + n if a < 0 else a), (b + n if b < 0 else b)
            s = max(s, 0)
            assert got == (want[s:e + 1] if s <= e else [])
        if step % 100 == 0:
            assert r.zrange("z", 0, -1, withscores=True) == model_sorted(model)
            assert r.zcard("z") == len(model)
    assert r.zrange("z", 0, -1, withscores=True) == model_sorted(model)
