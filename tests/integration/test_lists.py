"""List commands (the lists module): pushes, pops with and without count,
LLEN/LINDEX/LSET/LRANGE/LTRIM/LREM/LINSERT/LPOS, LMOVE/RPOPLPUSH, LMPOP,
the blocking forms when data is there, every error text, OBJECT ENCODING
listpack <-> quicklist conversions under list-max-listpack-size, inner
node compression (list-compress-depth), COPY/RENAME/MEMORY USAGE/DEBUG
DIGEST-VALUE, WATCH, RESP3 nulls, and a randomized model test that runs
the same operations on a Python list under several node sizes.

Blocking with several clients and timeouts is in test_blocking.py.
Normal paths go through redis-py (`r`); error replies are checked with
their full text through the raw RESP client (`r2`)."""

import random

import pytest

from modis_helpers import error_of

WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value"
NOT_INT = "ERR value is not an integer or out of range"
SYNTAX = "ERR syntax error"
RANGE = ("ERR value is out of range, value must between -9223372036854775807 "
         "and 9223372036854775807")
LLONG_MIN = "-9223372036854775808"


def arity(cmd):
    return "ERR wrong number of arguments for '%s' command" % cmd


def enc(r, key):
    return r.object("encoding", key)


# --------------------------------------------------------------------------
# Pushes
# --------------------------------------------------------------------------

def test_push_basic(r):
    assert r.lpush("l", "a") == 1
    assert r.lpush("l", "b", "c") == 3
    assert r.rpush("l", "d", "e") == 5
    assert r.lrange("l", 0, -1) == [b"c", b"b", b"a", b"d", b"e"]
    assert r.type("l") == b"list"
    assert r.llen("l") == 5


def test_pushx(r):
    assert r.lpushx("nokey", "a") == 0
    assert r.execute_command("RPUSHX", "nokey", "a", "b") == 0
    assert r.exists("nokey") == 0
    r.rpush("l", "m")
    assert r.execute_command("LPUSHX", "l", "a", "b") == 3
    assert r.execute_command("RPUSHX", "l", "y", "z") == 5
    assert r.lrange("l", 0, -1) == [b"b", b"a", b"m", b"y", b"z"]


def test_push_binary_and_integers(r):
    vals = [b"", b"\x00", b"\xff\xfe\r\n", b"0", b"-0", b"01", b"+1", b"1 ",
            b"9223372036854775807", b"-9223372036854775808",
            b"9223372036854775808", b"-1", b"12345678901234567890",
            b"x" * 70, b"y" * 5000, b"3.14"]
    assert r.rpush("l", *vals) == len(vals)
    assert r.lrange("l", 0, -1) == vals
    for i, v in enumerate(vals):
        assert r.lindex("l", i) == v
    assert r.lpos("l", b"-0") == 4
    assert r.lpos("l", b"9223372036854775807") == 8


def test_push_errors(r2, nonstring):
    for cmd in ("LPUSH", "RPUSH", "LPUSHX", "RPUSHX"):
        assert error_of(r2, cmd, "l") == arity(cmd.lower())
        assert error_of(r2, cmd) == arity(cmd.lower())
    r2.execute("SET", "str", "v")
    for cmd in ("LPUSH", "RPUSH", "LPUSHX", "RPUSHX"):
        assert error_of(r2, cmd, "str", "a") == WRONGTYPE
    assert r2.execute("GET", "str") == b"v"


def test_push_keeps_ttl(r):
    r.rpush("l", "a")
    r.expire("l", 1000)
    r.lpush("l", "b")
    assert 990 < r.ttl("l") <= 1000


# --------------------------------------------------------------------------
# Pops
# --------------------------------------------------------------------------

def test_pop_single(r, r2):
    r.rpush("l", "a", "b", "c")
    assert r.lpop("l") == b"a"
    assert r.rpop("l") == b"c"
    assert r.lpop("l") == b"b"
    assert r.exists("l") == 0
    assert r.lpop("l") is None
    assert r2.execute("RPOP", "l") is None


def test_pop_count(r, r2):
    r.rpush("l", *range(10))
    assert r2.execute("LPOP", "l", "0") == []
    assert r2.execute("LPOP", "l", "3") == [b"0", b"1", b"2"]
    assert r2.execute("RPOP", "l", "3") == [b"9", b"8", b"7"]
    assert r2.execute("RPOP", "l", "1") == [b"6"]
    assert r2.execute("LPOP", "l", "100") == [b"3", b"4", b"5"]
    assert r.exists("l") == 0
    # count on a missing key: null array; without count: null bulk
    r2.conn.send_command("LPOP", "l", "2")
    assert r2.conn.read_reply() == b"*-1\r\n"
    r2.conn.send_command("LPOP", "l")
    assert r2.conn.read_reply() == b"$-1\r\n"
    r2.conn.send_command("RPOP", "l", "0")
    assert r2.conn.read_reply() == b"*-1\r\n"


def test_pop_errors(r2):
    r2.execute("RPUSH", "l", "a")
    positive = "ERR value is out of range, must be positive"
    assert error_of(r2, "LPOP", "l", "-1") == positive
    assert error_of(r2, "LPOP", "l", "abc") == positive
    assert error_of(r2, "RPOP", "l", "1.5") == positive
    assert error_of(r2, "LPOP", "l", "1", "2") == arity("lpop")
    assert error_of(r2, "RPOP", "l", "1", "2") == arity("rpop")
    assert error_of(r2, "LPOP") == arity("lpop")
    r2.execute("SET", "str", "v")
    assert error_of(r2, "LPOP", "str") == WRONGTYPE
    assert error_of(r2, "RPOP", "str", "2") == WRONGTYPE
    # the count is checked before the type
    assert error_of(r2, "LPOP", "str", "x") == positive
    assert r2.execute("LLEN", "l") == 1


# --------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------

def test_llen_lindex(r, r2):
    assert r.llen("l") == 0
    r.rpush("l", "a", "b", "c", "100", "-5")
    assert r.llen("l") == 5
    assert r.lindex("l", 0) == b"a"
    assert r.lindex("l", -1) == b"-5"
    assert r.lindex("l", 3) == b"100"
    assert r.lindex("l", 5) is None
    assert r.lindex("l", -6) is None
    assert r.lindex("l", 2**63 - 1) is None
    assert r2.execute("LINDEX", "l", LLONG_MIN) is None
    assert error_of(r2, "LINDEX", "l", "abc") == NOT_INT
    # key lookup before index parsing
    assert r2.execute("LINDEX", "missing", "abc") is None
    r2.execute("SET", "str", "v")
    assert error_of(r2, "LINDEX", "str", "abc") == WRONGTYPE
    assert error_of(r2, "LLEN", "str") == WRONGTYPE
    assert error_of(r2, "LLEN", "a", "b") == arity("llen")


def test_lrange(r, r2):
    r.rpush("l", *range(10))
    assert r.lrange("l", 0, 0) == [b"0"]
    assert r.lrange("l", -3, -1) == [b"7", b"8", b"9"]
    assert r.lrange("l", 5, 2) == []
    assert r.lrange("l", -100, 2) == [b"0", b"1", b"2"]
    assert r.lrange("l", 8, 100) == [b"8", b"9"]
    assert r.lrange("l", 10, 20) == []
    assert r2.execute("LRANGE", "l", LLONG_MIN, "9223372036854775807") == \
        [str(i).encode() for i in range(10)]
    assert r.lrange("missing", 0, -1) == []
    assert error_of(r2, "LRANGE", "l", "a", "1") == NOT_INT
    assert error_of(r2, "LRANGE", "missing", "a", "1") == NOT_INT
    r2.execute("SET", "str", "v")
    assert error_of(r2, "LRANGE", "str", "0", "-1") == WRONGTYPE
    assert error_of(r2, "LRANGE", "str", "x", "-1") == NOT_INT


def test_lpos(r, r2):
    r.rpush("l", "a", "b", "c", "1", "2", "3", "c", "c")
    assert r.lpos("l", "c") == 2
    assert r.lpos("l", "c", rank=2) == 6
    assert r.lpos("l", "c", rank=-1) == 7
    assert r.lpos("l", "c", rank=-3) == 2
    assert r.lpos("l", "c", rank=4) is None
    assert r.lpos("l", "c", count=0) == [2, 6, 7]
    assert r.lpos("l", "c", count=2) == [2, 6]
    assert r.lpos("l", "c", rank=-1, count=2) == [7, 6]
    assert r.lpos("l", "c", maxlen=3) == 2
    assert r.lpos("l", "c", maxlen=2) is None
    assert r.lpos("l", "c", rank=-1, maxlen=2, count=0) == [7, 6]
    assert r.lpos("l", "1") == 3
    assert r.lpos("l", "01") is None
    assert r.lpos("l", "zzz", count=1) == []
    assert r.lpos("missing", "a") is None
    assert r.lpos("missing", "a", count=0) == []
    zero = ("ERR RANK can't be zero: use 1 to start from the first match, 2 "
            "from the second ... or use negative to start from the end of the list")
    assert error_of(r2, "LPOS", "l", "c", "RANK", "0") == zero
    assert error_of(r2, "LPOS", "missing", "c", "RANK", "0") == zero
    assert error_of(r2, "LPOS", "l", "c", "RANK", "x") == NOT_INT
    assert error_of(r2, "LPOS", "l", "c", "RANK", LLONG_MIN) == RANGE
    assert error_of(r2, "LPOS", "l", "c", "COUNT", "-1") == "ERR COUNT can't be negative"
    assert error_of(r2, "LPOS", "l", "c", "COUNT", "x") == "ERR COUNT can't be negative"
    assert error_of(r2, "LPOS", "l", "c", "MAXLEN", "-1") == "ERR MAXLEN can't be negative"
    assert error_of(r2, "LPOS", "l", "c", "RANK") == SYNTAX
    assert error_of(r2, "LPOS", "l", "c", "FOO", "1") == SYNTAX
    r2.execute("SET", "str", "v")
    assert error_of(r2, "LPOS", "str", "a") == WRONGTYPE
    assert error_of(r2, "LPOS", "str", "a", "RANK", "0") == zero


# --------------------------------------------------------------------------
# Changing in place
# --------------------------------------------------------------------------

def test_lset(r, r2):
    r.rpush("l", "a", "b", "c")
    assert r.lset("l", 0, "A") is True
    assert r.lset("l", -1, "Z") is True
    assert r.lset("l", 1, "123") is True
    assert r.lrange("l", 0, -1) == [b"A", b"123", b"Z"]
    assert error_of(r2, "LSET", "l", "3", "x") == "ERR index out of range"
    assert error_of(r2, "LSET", "l", "-4", "x") == "ERR index out of range"
    assert error_of(r2, "LSET", "l", "x", "x") == NOT_INT
    assert error_of(r2, "LSET", "missing", "0", "x") == "ERR no such key"
    assert error_of(r2, "LSET", "missing", "x", "x") == "ERR no such key"
    r2.execute("SET", "str", "v")
    assert error_of(r2, "LSET", "str", "0", "x") == WRONGTYPE


def test_linsert(r, r2):
    r.rpush("l", "a", "b", "c", "5")
    assert r.linsert("l", "before", "b", "X") == 5
    assert r.linsert("l", "AFTER", "c", "Y") == 6
    assert r.linsert("l", "before", "a", "first") == 7
    assert r.linsert("l", "after", "5", "last") == 8
    assert r.linsert("l", "after", "zzz", "Q") == -1
    assert r.lrange("l", 0, -1) == [b"first", b"a", b"X", b"b", b"c", b"Y", b"5", b"last"]
    assert r.linsert("missing", "before", "a", "b") == 0
    assert r.exists("missing") == 0
    assert error_of(r2, "LINSERT", "l", "middle", "b", "X") == SYNTAX
    assert error_of(r2, "LINSERT", "missing", "middle", "b", "X") == SYNTAX
    r2.execute("SET", "str", "v")
    assert error_of(r2, "LINSERT", "str", "before", "a", "b") == WRONGTYPE


def test_ltrim(r, r2):
    r.rpush("l", *range(10))
    assert r.ltrim("l", 1, -2) is True
    assert r.lrange("l", 0, -1) == [str(i).encode() for i in range(1, 9)]
    assert r.ltrim("l", -3, 100) is True
    assert r.lrange("l", 0, -1) == [b"6", b"7", b"8"]
    assert r.ltrim("l", 5, 10) is True
    assert r.exists("l") == 0
    r.rpush("l", "a", "b")
    assert r.ltrim("l", 1, 0) is True
    assert r.exists("l") == 0
    assert r.ltrim("missing", 0, 1) is True
    assert error_of(r2, "LTRIM", "missing", "a", "1") == NOT_INT
    r2.execute("SET", "str", "v")
    assert error_of(r2, "LTRIM", "str", "0", "1") == WRONGTYPE


def test_lrem(r, r2):
    r.rpush("l", "a", "b", "a", "c", "a", "b", "a", "1", "01", "1")
    assert r.lrem("l", 2, "a") == 2
    assert r.lrange("l", 0, -1) == [b"b", b"c", b"a", b"b", b"a", b"1", b"01", b"1"]
    assert r.lrem("l", -1, "a") == 1
    assert r.lrange("l", 0, -1) == [b"b", b"c", b"a", b"b", b"1", b"01", b"1"]
    assert r.lrem("l", 0, "b") == 2
    assert r.lrem("l", 0, "1") == 2
    assert r.lrem("l", 0, "01") == 1
    assert r.lrem("l", 0, "zzz") == 0
    assert r.lrange("l", 0, -1) == [b"c", b"a"]
    assert r.lrem("l", 5, "a") == 1
    assert r.lrem("l", 0, "c") == 1
    assert r.exists("l") == 0
    assert r.lrem("missing", 0, "a") == 0
    assert error_of(r2, "LREM", "l", "x", "a") == NOT_INT
    assert error_of(r2, "LREM", "l", LLONG_MIN, "a") == RANGE
    r2.execute("SET", "str", "v")
    assert error_of(r2, "LREM", "str", "0", "a") == WRONGTYPE


# --------------------------------------------------------------------------
# Moving, LMPOP
# --------------------------------------------------------------------------

def test_lmove_directions(r):
    r.rpush("src", "1", "2", "3", "4")
    assert r.lmove("src", "dst", "LEFT", "RIGHT") == b"1"
    assert r.lmove("src", "dst", "RIGHT", "LEFT") == b"4"
    assert r.lmove("src", "dst", "LEFT", "LEFT") == b"2"
    assert r.lmove("src", "dst", "RIGHT", "RIGHT") == b"3"
    assert r.exists("src") == 0
    assert r.lrange("dst", 0, -1) == [b"2", b"4", b"1", b"3"]
    assert r.lmove("src", "dst", "LEFT", "RIGHT") is None


def test_lmove_same_key(r):
    r.rpush("l", "a", "b", "c")
    assert r.lmove("l", "l", "LEFT", "RIGHT") == b"a"
    assert r.lrange("l", 0, -1) == [b"b", b"c", b"a"]
    assert r.rpoplpush("l", "l") == b"a"
    assert r.lrange("l", 0, -1) == [b"a", b"b", b"c"]
    r.delete("l")
    r.rpush("l", "only")
    assert r.lmove("l", "l", "RIGHT", "LEFT") == b"only"
    assert r.lrange("l", 0, -1) == [b"only"]


def test_lmove_errors(r, r2):
    r.rpush("l", "a")
    r.set("str", "v")
    assert error_of(r2, "LMOVE", "l", "str", "LEFT", "LEFT") == WRONGTYPE
    assert r.lrange("l", 0, -1) == [b"a"]
    assert error_of(r2, "LMOVE", "str", "l", "LEFT", "LEFT") == WRONGTYPE
    assert r2.execute("LMOVE", "missing", "str", "LEFT", "LEFT") is None
    assert error_of(r2, "LMOVE", "l", "x", "UP", "LEFT") == SYNTAX
    assert error_of(r2, "LMOVE", "l", "x", "LEFT", "DOWN") == SYNTAX
    assert error_of(r2, "LMOVE", "str", "x", "UP", "LEFT") == SYNTAX
    assert error_of(r2, "RPOPLPUSH", "l", "str") == WRONGTYPE
    assert error_of(r2, "RPOPLPUSH", "str", "l") == WRONGTYPE
    assert error_of(r2, "RPOPLPUSH", "l") == arity("rpoplpush")
    assert error_of(r2, "LMOVE", "l", "x", "LEFT") == arity("lmove")


def test_rpoplpush_rotation(r):
    r.rpush("l", "a", "b", "c")
    for _ in range(3):
        r.rpoplpush("l", "l")
    assert r.lrange("l", 0, -1) == [b"a", b"b", b"c"]
    assert r.rpoplpush("l", "other") == b"c"
    assert r.lrange("other", 0, -1) == [b"c"]


def test_lmpop(r, r2):
    r.rpush("l2", "a", "b", "c", "d", "e")
    assert r2.execute("LMPOP", "2", "l", "l2", "LEFT") == [b"l2", [b"a"]]
    assert r2.execute("LMPOP", "2", "l", "l2", "RIGHT", "COUNT", "2") == [b"l2", [b"e", b"d"]]
    assert r2.execute("LMPOP", "1", "l2", "left", "count", "10") == [b"l2", [b"b", b"c"]]
    assert r.exists("l2") == 0
    assert r2.execute("LMPOP", "2", "l", "l2", "LEFT") is None
    r.set("str", "v")
    r.rpush("l2", "x")
    assert error_of(r2, "LMPOP", "2", "str", "l2", "LEFT") == WRONGTYPE
    assert r2.execute("LMPOP", "2", "l2", "str", "LEFT") == [b"l2", [b"x"]]
    numkeys = "ERR numkeys should be greater than 0"
    assert error_of(r2, "LMPOP", "0", "l", "LEFT") == numkeys
    assert error_of(r2, "LMPOP", "-1", "l", "LEFT") == numkeys
    assert error_of(r2, "LMPOP", "x", "l", "LEFT") == numkeys
    assert error_of(r2, "LMPOP", "3", "l", "LEFT") == SYNTAX
    assert error_of(r2, "LMPOP", "2", "l", "LEFT") == SYNTAX
    assert error_of(r2, "LMPOP", "1", "l", "UP") == SYNTAX
    count = "ERR count should be greater than 0"
    assert error_of(r2, "LMPOP", "1", "l", "LEFT", "COUNT", "0") == count
    assert error_of(r2, "LMPOP", "1", "l", "LEFT", "COUNT", "x") == count
    assert error_of(r2, "LMPOP", "1", "l", "LEFT", "COUNT") == SYNTAX
    assert error_of(r2, "LMPOP", "1", "l", "LEFT", "COUNT", "1", "COUNT", "2") == SYNTAX
    assert error_of(r2, "LMPOP", "1", "l") == arity("lmpop")


def test_blocking_forms_with_data(r, r2):
    r.rpush("l", "a", "b", "c", "d")
    assert r2.execute("BLPOP", "l", "0") == [b"l", b"a"]
    assert r2.execute("BRPOP", "missing", "l", "0") == [b"l", b"d"]
    assert r2.execute("BLMOVE", "l", "l2", "LEFT", "RIGHT", "0") == b"b"
    assert r2.execute("BRPOPLPUSH", "l", "l2", "0") == b"c"
    assert r.exists("l") == 0
    assert r2.execute("BLMPOP", "0", "2", "missing", "l2", "LEFT", "COUNT", "5") == \
        [b"l2", [b"c", b"b"]]
    r.set("str", "v")
    assert error_of(r2, "BLPOP", "str", "0") == WRONGTYPE
    assert error_of(r2, "BLMOVE", "str", "l", "LEFT", "LEFT", "0") == WRONGTYPE
    assert error_of(r2, "BLMPOP", "0", "1", "str", "LEFT") == WRONGTYPE


def test_blocking_argument_errors(r2):
    notfloat = "ERR timeout is not a float or out of range"
    assert error_of(r2, "BLPOP", "l", "abc") == notfloat
    assert error_of(r2, "BLPOP", "l", "-1") == "ERR timeout is negative"
    assert error_of(r2, "BRPOP", "l", "1e400") == "ERR timeout is out of range"
    assert error_of(r2, "BLMOVE", "l", "x", "UP", "LEFT", "abc") == SYNTAX
    assert error_of(r2, "BLMOVE", "l", "x", "LEFT", "LEFT", "abc") == notfloat
    assert error_of(r2, "BRPOPLPUSH", "l", "x", "-1") == "ERR timeout is negative"
    # BLMPOP checks numkeys, direction and COUNT before the timeout
    assert error_of(r2, "BLMPOP", "abc", "0", "l", "LEFT") == \
        "ERR numkeys should be greater than 0"
    assert error_of(r2, "BLMPOP", "abc", "1", "l", "UP") == SYNTAX
    assert error_of(r2, "BLMPOP", "abc", "1", "l", "LEFT") == notfloat
    assert error_of(r2, "BLPOP", "l") == arity("blpop")
    assert error_of(r2, "BLMOVE", "a", "b", "LEFT", "LEFT") == arity("blmove")


def test_blocking_forms_in_multi(r2):
    r2.execute("MULTI")
    for cmd in (("BLPOP", "l", "0"), ("BRPOP", "l", "l2", "0"),
                ("BLMOVE", "l", "l2", "LEFT", "LEFT", "0"),
                ("BRPOPLPUSH", "l", "l2", "0"), ("BLMPOP", "0", "1", "l", "LEFT")):
        assert r2.execute(*cmd) == "QUEUED"
    r2.conn.send_command("EXEC")
    assert r2.conn.read_reply() == b"*5\r\n*-1\r\n*-1\r\n$-1\r\n$-1\r\n*-1\r\n"


# --------------------------------------------------------------------------
# Encodings, parameters, compression
# --------------------------------------------------------------------------

def test_encoding_conversions(r, restore_config):
    restore_config("list-max-listpack-size")
    r.rpush("small", "a", "b")
    assert enc(r, "small") == b"listpack"
    r.config_set("list-max-listpack-size", 4)
    r.rpush("l", "a", "b", "c", "d")
    assert enc(r, "l") == b"listpack"
    r.rpush("l", "e")       # nodes [a b c d] [e]
    assert enc(r, "l") == b"quicklist"
    r.lpop("l", 2)          # two nodes: no conversion
    assert enc(r, "l") == b"quicklist"
    r.rpop("l")             # one node of 2 <= 4/2: back to listpack
    assert enc(r, "l") == b"listpack"
    r.rpush("l", "x", "y")  # 4 <= 4: stays listpack
    assert enc(r, "l") == b"listpack"
    r.rpush("l", "z")
    r.rpop("l")             # one node of 4 > 4/2: stays quicklist
    assert enc(r, "l") == b"quicklist"
    # a batch push converts at once, before pushing
    r.delete("l")
    r.rpush("l", *"abcdefgh")
    assert enc(r, "l") == b"quicklist"
    # LINSERT converts even when the pivot is missing (Redis does)
    r.delete("l")
    r.rpush("l", *"abcd")
    assert r.linsert("l", "before", "zzz", "x") == -1
    assert enc(r, "l") == b"quicklist"


def test_encoding_byte_limit(r, restore_config):
    restore_config("list-max-listpack-size")
    r.config_set("list-max-listpack-size", -1)   # 4096 bytes
    r.rpush("l", "x" * 2000)
    assert enc(r, "l") == b"listpack"
    r.rpush("l", "x" * 2000)
    assert enc(r, "l") == b"listpack"
    r.rpush("l", "x" * 200)
    assert enc(r, "l") == b"quicklist"
    r.rpop("l", 2)
    assert enc(r, "l") == b"listpack"
    # LSET with a big value converts, a small one after shrinking back
    r.delete("l")
    r.rpush("l", "a", "b")
    r.lset("l", 0, "y" * 5000)
    assert enc(r, "l") == b"quicklist"
    r.lset("l", 0, "a")
    assert enc(r, "l") == b"listpack"
    assert r.lrange("l", 0, -1) == [b"a", b"b"]


def test_config_params(r, r2, restore_config):
    restore_config("list-max-listpack-size", "list-compress-depth")
    assert r.config_get("list-max-listpack-size") == {"list-max-listpack-size": "-2"}
    assert r.config_get("list-compress-depth") == {"list-compress-depth": "0"}
    r.config_set("list-max-listpack-size", 7)
    assert r.config_get("list-max-listpack-size") == {"list-max-listpack-size": "7"}
    r.config_set("list-compress-depth", 3)
    assert r.config_get("list-compress-depth") == {"list-compress-depth": "3"}
    with pytest.raises(Exception):
        r.config_set("list-compress-depth", -1)
    with pytest.raises(Exception):
        r.config_set("list-max-listpack-size", "abc")


@pytest.mark.parametrize("fill,depth", [(-2, 0), (4, 0), (-1, 1), (3, 2), (1, 1)])
def test_big_list_ops(r, restore_config, fill, depth):
    restore_config("list-max-listpack-size", "list-compress-depth")
    r.config_set("list-max-listpack-size", fill)
    r.config_set("list-compress-depth", depth)
    model = ["element-%05d-%s" % (i, "z" * (i % 50)) for i in range(2000)]
    for i in range(0, len(model), 100):
        r.rpush("l", *model[i:i + 100])
    assert enc(r, "l") == b"quicklist"
    assert r.llen("l") == 2000
    assert [x.decode() for x in r.lrange("l", 0, -1)] == model
    assert r.lindex("l", 1234).decode() == model[1234]
    assert r.lindex("l", -777).decode() == model[-777]
    r.lset("l", 1000, "middle")
    model[1000] = "middle"
    assert r.linsert("l", "after", "middle", "after-middle") == 2001
    model.insert(1001, "after-middle")
    assert r.lpos("l", "after-middle") == 1001
    assert r.lrem("l", 0, model[500]) == 1
    del model[500]
    r.ltrim("l", 10, -10)
    model = model[10:-9]
    assert [x.decode() for x in r.lrange("l", 0, -1)] == model
    assert [x.decode() for x in r.lrange("l", 700, 800)] == model[700:801]
    assert r.copy("l", "c") is True
    assert [x.decode() for x in r.lrange("c", 0, -1)] == model
    assert r.execute_command("DEBUG", "DIGEST-VALUE", "l") == \
        r.execute_command("DEBUG", "DIGEST-VALUE", "c")
    got = r.lpop("l", 1500)
    assert [x.decode() for x in got] == model[:1500]


@pytest.mark.modis_only
def test_compression_depths(r, restore_config):
    """list-compress-depth 0, 1, 2 on the same data: inner nodes are
    LZF-compressed (MEMORY USAGE counts them compressed), reads and writes
    anywhere see the same list, OBJECT ENCODING stays quicklist. The depth
    is taken when a list is created, as in Redis."""
    restore_config("list-max-listpack-size", "list-compress-depth")
    r.config_set("list-max-listpack-size", -2)
    model = ["element-%05d-%s" % (i, "z" * 60) for i in range(3000)]
    mem = {}
    for depth in (0, 1, 2):
        key = "l%d" % depth
        r.config_set("list-compress-depth", depth)
        for i in range(0, len(model), 500):
            r.rpush(key, *model[i:i + 500])
        assert r.object("encoding", key) == b"quicklist"
        mem[depth] = r.memory_usage(key)
        assert [x.decode() for x in r.lrange(key, 0, -1)] == model
        assert r.lindex(key, 1500).decode() == model[1500]
    assert mem[1] * 3 < mem[0]            # 8 KiB nodes of this shrink a lot
    assert mem[1] < mem[2] < mem[0] / 2   # one more raw node at each end
    digests = [r.execute_command("DEBUG", "DIGEST-VALUE", "l%d" % d) for d in (0, 1, 2)]
    assert digests[0] == digests[1] == digests[2]
    # changes in the middle (decompress, change, compress again) and at
    # the ends; the copy keeps the nodes compressed
    r.config_set("list-compress-depth", 0)   # existing lists keep theirs
    for depth in (0, 1, 2):
        key = "l%d" % depth
        r.lset(key, 1500, "middle")
        assert r.linsert(key, "BEFORE", "middle", "before-middle") == 3001
        assert r.lrem(key, 1, model[10]) == 1
        r.ltrim(key, 5, -5)
        assert r.copy(key, key + "c") is True
        if depth:
            assert r.memory_usage(key + "c") < mem[0] / 2
    want = list(model)
    want[1500] = "middle"
    want.insert(1500, "before-middle")
    want.remove(model[10])
    want = want[5:len(want) - 4]
    for depth in (0, 1, 2):
        for key in ("l%d" % depth, "l%dc" % depth):
            assert [x.decode() for x in r.lrange(key, 0, -1)] == want, key
    assert r.memory_usage("l1") * 3 < r.memory_usage("l0")


def test_memory_usage_samples(r, r2):
    """MEMORY USAGE key [SAMPLES count], checked as Redis checks it."""
    r.rpush("l", *range(10))
    assert r2.execute("MEMORY", "USAGE", "l", "SAMPLES", "0", "SAMPLES", "3") > 0
    assert r2.execute("MEMORY", "USAGE", "l", "samples", "9999999999") > 0
    assert r2.execute("MEMORY", "USAGE", "missing", "SAMPLES", "5") is None
    assert error_of(r2, "MEMORY", "USAGE", "l", "SAMPLES") == SYNTAX
    assert error_of(r2, "MEMORY", "USAGE", "l", "SAMPLES", "x") == NOT_INT
    assert error_of(r2, "MEMORY", "USAGE", "l", "SAMPLES", "-1") == SYNTAX
    assert error_of(r2, "MEMORY", "USAGE", "l", "FOO", "1") == SYNTAX
    assert error_of(r2, "MEMORY", "USAGE", "l", "SAMPLES", "1", "2") == SYNTAX
    # the options are checked before the key is looked up
    assert error_of(r2, "MEMORY", "USAGE", "missing", "SAMPLES", "x") == NOT_INT


@pytest.mark.modis_only
def test_memory_usage_is_exact(r, restore_config):
    """The modules measure every node and field: SAMPLES changes nothing,
    and a list's figure grows with its inner nodes (Redis would
    extrapolate from the first 5)."""
    restore_config("list-compress-depth")
    r.config_set("list-compress-depth", 1)
    r.rpush("l", *["x%d-%s" % (i, "y" * 100) for i in range(2000)])
    r.hset("h", mapping={"f%d" % i: "v" * (i % 300) for i in range(1000)})
    for key in ("l", "h"):
        full = r.memory_usage(key)
        assert all(r.memory_usage(key, samples=n) == full for n in (0, 1, 5, 100))
    small = r.memory_usage("l")
    rng = random.Random(7)
    noise = bytes(rng.randrange(256) for _ in range(5000))
    r.lset("l", 1000, noise)                    # an inner node grows
    assert r.memory_usage("l") > small + 4000


def test_copy_rename_memory(r, r2):
    r.rpush("l", *range(100))
    assert r.copy("l", "c") is True
    r.rpush("c", "extra")
    assert r.llen("l") == 100
    assert r.llen("c") == 101
    assert r.rename("c", "d") is True
    assert r.lindex("d", -1) == b"extra"
    small = r.memory_usage("l")
    r.rpush("big", *["x" * 100] * 1000)
    assert r.memory_usage("big") > 100000 > small > 0
    assert r.object("encoding", "big") == b"quicklist"


def test_digest_value(r):
    r.rpush("a", "x", "y")
    r.rpush("b", "x", "y")
    r.rpush("c", "y", "x")
    da = r.execute_command("DEBUG", "DIGEST-VALUE", "a")
    assert da == r.execute_command("DEBUG", "DIGEST-VALUE", "b")
    assert da != r.execute_command("DEBUG", "DIGEST-VALUE", "c")


def test_watch(server, r):
    r.rpush("l", "a")
    c1 = server.resp()
    try:
        c1.execute("WATCH", "l")
        r.rpush("l", "b")
        c1.execute("MULTI")
        c1.execute("LPOP", "l")
        assert c1.execute("EXEC") is None
        c1.execute("WATCH", "l")
        r.lrange("l", 0, -1)        # reads do not touch
        c1.execute("MULTI")
        c1.execute("LPOP", "l")
        assert c1.execute("EXEC") == [b"a"]
    finally:
        c1.close()


def test_resp3_nulls(r3):
    r3.execute("RPUSH", "l", "a")
    r3.conn.send_command("LPOP", "missing")
    assert r3.conn.read_reply() == b"_\r\n"
    r3.conn.send_command("LPOP", "missing", "2")
    assert r3.conn.read_reply() == b"_\r\n"
    r3.conn.send_command("LINDEX", "l", "5")
    assert r3.conn.read_reply() == b"_\r\n"
    r3.conn.send_command("LMPOP", "1", "missing", "LEFT")
    assert r3.conn.read_reply() == b"_\r\n"
    r3.conn.send_command("BLPOP", "missing", "0.01")
    assert r3.conn.read_reply() == b"_\r\n"
    r3.conn.send_command("BLMOVE", "missing", "l", "LEFT", "LEFT", "0.01")
    assert r3.conn.read_reply() == b"_\r\n"


def test_command_info(r2):
    info = r2.execute("COMMAND", "INFO", "blpop", "lmpop", "lpush", "blmove")
    assert info[0][:6] == [b"blpop", -3, ["write", "blocking"], 1, -2, 1]
    assert info[1][1] == -4 and "movablekeys" in info[1][2]
    assert info[2][:6] == [b"lpush", -3, ["write", "denyoom", "fast"], 1, 1, 1]
    assert info[3][:6] == [b"blmove", 6, ["write", "denyoom", "blocking"], 1, 2, 1]


# --------------------------------------------------------------------------
# Randomized model test
# --------------------------------------------------------------------------

def rand_elem(rng):
    k = rng.random()
    if k < 0.3:
        return str(rng.randint(-1000, 1000))
    if k < 0.4:
        return str(rng.randint(-2**63, 2**63 - 1))
    if k < 0.9:
        return rng.choice(["a", "b", "c", "dd", "eee", "0", "01", ""])
    return "v" * rng.randint(0, 600)


@pytest.mark.parametrize("fill,depth,seed", [(-2, 0, 1), (3, 0, 2), (-1, 1, 3),
                                             (1, 2, 4), (5, 1, 5), (-1, 2, 6)])
def test_random_model(r, restore_config, fill, depth, seed):
    restore_config("list-max-listpack-size", "list-compress-depth")
    r.config_set("list-max-listpack-size", fill)
    r.config_set("list-compress-depth", depth)
    rng = random.Random(seed)
    model = []
    other = []
    p = r.pipeline(transaction=False)
    for step in range(1500):
        op = rng.randrange(13)
        v = rand_elem(rng)
        if op == 0:
            n = rng.randint(1, 5)
            vals = [rand_elem(rng) for _ in range(n)]
            assert r.lpush("l", *vals) == len(model) + n
            model[:0] = reversed(vals)
        elif op == 1:
            n = rng.randint(1, 5)
            vals = [rand_elem(rng) for _ in range(n)]
            assert r.rpush("l", *vals) == len(model) + n
            model.extend(vals)
        elif op == 2:
            n = rng.randint(0, 4)
            got = r.lpop("l", n)
            want = model[:n] if model else None
            model = model[n:]
            assert got == (None if want is None else [x.encode() for x in want])
        elif op == 3:
            got = r.rpop("l")
            want = model.pop() if model else None
            assert got == (None if want is None else want.encode())
        elif op == 4 and model:
            i = rng.randrange(-len(model), len(model))
            r.lset("l", i, v)
            model[i] = v
        elif op == 5 and model:
            pivot = rng.choice(model)
            after = rng.random() < 0.5
            assert r.linsert("l", "after" if after else "before", pivot, v) == len(model) + 1
            j = model.index(pivot)
            model.insert(j + 1 if after else j, v)
        elif op == 6 and model:
            x = rng.choice(model)
            cnt = rng.randint(-2, 2)
            got = r.lrem("l", cnt, x)
            removed = 0
            if cnt >= 0:
                out = []
                for e in model:
                    if e == x and (cnt == 0 or removed < cnt):
                        removed += 1
                    else:
                        out.append(e)
                model = out
            else:
                out = []
                for e in reversed(model):
                    if e == x and removed < -cnt:
                        removed += 1
                    else:
                        out.append(e)
                model = out[::-1]
            assert got == removed
        elif op == 7:
            a, b = rng.randint(-30, 30), rng.randint(-30, 30)
            assert [x.decode() for x in r.lrange("l", a, b)] == pyrange(model, a, b)
        elif op == 8 and rng.random() < 0.3:
            a, b = rng.randint(-5, 20), rng.randint(-20, 200)
            r.ltrim("l", a, b)
            model = pyrange(model, a, b)
        elif op == 9 and model:
            i = rng.randint(-len(model) - 2, len(model) + 2)
            want = model[i] if -len(model) <= i < len(model) else None
            got = r.lindex("l", i)
            assert got == (None if want is None else want.encode())
        elif op == 10 and model:
            x = rng.choice(model)
            rank = rng.choice([1, 2, -1, -2])
            idx = [i for i, e in enumerate(model) if e == x]
            if rank < 0:
                idx = idx[::-1]
            want = idx[abs(rank) - 1:]
            assert r.lpos("l", x, rank=rank, count=0) == want
        elif op == 11:
            src_left, dst_left = rng.random() < 0.5, rng.random() < 0.5
            got = r.lmove("l", "o", "LEFT" if src_left else "RIGHT",
                          "LEFT" if dst_left else "RIGHT")
            if not model:
                assert got is None
            else:
                e = model.pop(0) if src_left else model.pop()
                assert got == e.encode()
                if dst_left:
                    other.insert(0, e)
                else:
                    other.append(e)
        elif op == 12 and rng.random() < 0.2:
            assert r.copy("l", "l-copy", replace=True) == bool(model)
        if step % 50 == 0:
            p.llen("l")
            p.lrange("l", 0, -1)
            p.lrange("o", 0, -1)
            n, items, oitems = p.execute()
            assert n == len(model)
            assert [x.decode() for x in items] == model
            assert [x.decode() for x in oitems] == other
            assert r.exists("l") == (1 if model else 0)
    assert [x.decode() for x in r.lrange("l", 0, -1)] == model


def pyrange(model, a, b):
    n = len(model)
    if a < 0:
        a += n
    if b < 0:
        b += n
    if a < 0:
        a = 0
    if a > b or a >= n:
        return []
    return model[a:b + 1]
