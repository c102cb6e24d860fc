"""Bitmap commands (modules/bitmaps): SETBIT, GETBIT, BITCOUNT, BITPOS,
BITOP (with Redis 8.2's DIFF, DIFF1, ANDOR, ONE), BITFIELD, BITFIELD_RO.

Every command's replies and error texts (through the raw RESP client `r2`),
the string they leave behind (GET, TYPE, TTL), keyspace events and the
change counter (rdb_changes_since_last_save: a call that changes nothing is
not counted, so it is not propagated), large bitmaps checked against
Python's own bit arithmetic, and the module wiring: bitmaps.so requires the
strings module's string.v1 and pins it while loaded."""

import os
import random
import time

import pytest

from modis_helpers import REPO, RespClient, error_of

WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value"
NOT_INT = "ERR value is not an integer or out of range"
SYNTAX = "ERR syntax error"
BAD_OFFSET = "ERR bit offset is not an integer or out of range"
BAD_BIT = "ERR bit is not an integer or out of range"
BAD_TYPE = ("ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is "
            "not supported but i64 is.")
BUILDDIR = os.environ.get("MODIS_BUILDDIR") or REPO


def arity(cmd):
    return "ERR wrong number of arguments for '%s' command" % cmd


def changes(r):
    return int(r.info("persistence")["rdb_changes_since_last_save"])


def bit_list(data):
    return [(b >> (7 - i)) & 1 for b in data for i in range(8)]


# --------------------------------------------------------------------------
# SETBIT / GETBIT
# --------------------------------------------------------------------------

def test_setbit_getbit(r):
    assert r.setbit("k", 7, 1) == 0
    assert r.get("k") == b"\x01"
    assert r.setbit("k", 7, 1) == 1
    assert r.setbit("k", 7, 0) == 1
    assert r.setbit("k", 100, 1) == 0
    assert r.get("k") == b"\x00" * 12 + b"\x08"
    assert r.strlen("k") == 13
    assert [r.getbit("k", i) for i in (0, 99, 100, 101, 10 ** 6)] == [0, 0, 1, 0, 0]
    assert r.getbit("missing", 0) == 0
    assert r.type("k") == b"string"
    assert r.object("encoding", "k") == b"raw"


def test_setbit_on_other_encodings(r):
    r.set("n", 12345)                 # "12345": 0x31 ...
    assert r.getbit("n", 2) == 1 and r.getbit("n", 3) == 1 and r.getbit("n", 0) == 0
    assert r.getbit("n", 40) == 0
    assert r.setbit("n", 7, 0) == 1
    assert r.get("n") == b"02345"
    r.set("e", "")
    assert r.setbit("e", 9, 1) == 0
    assert r.get("e") == b"\x00\x40"


def test_setbit_keeps_ttl(r):
    r.set("k", "a", ex=1000)
    r.setbit("k", 30, 1)
    assert 990 < r.ttl("k") <= 1000


def test_setbit_getbit_errors(r, r2, nonstring):
    assert error_of(r2, "SETBIT", "k", "0") == arity("setbit")
    assert error_of(r2, "GETBIT", "k") == arity("getbit")
    for off in ("-1", "abc", "1.5", " 1", "01", "4294967296", "99999999999999999999", ""):
        assert error_of(r2, "SETBIT", "k", off, "1") == BAD_OFFSET, off
        assert error_of(r2, "GETBIT", "k", off) == BAD_OFFSET, off
    for val in ("2", "-1", "x", "", "01", " 1"):
        assert error_of(r2, "SETBIT", "k", "0", val) == BAD_BIT, val
    # the offset is checked before the value, both before the key
    assert error_of(r2, "SETBIT", "k", "x", "x") == BAD_OFFSET
    assert r.exists("k") == 0
    other = nonstring()
    assert error_of(r2, "SETBIT", other.key, "0", "1") == WRONGTYPE
    assert error_of(r2, "GETBIT", other.key, "0") == WRONGTYPE
    assert error_of(r2, "SETBIT", other.key, "x", "1") == BAD_OFFSET


def test_offset_limit_follows_proto_max_bulk_len(r, r2, restore_config):
    restore_config("proto-max-bulk-len")
    assert r.getbit("missing", 4294967295) == 0     # byte 512MB - 1: allowed
    r.config_set("proto-max-bulk-len", "1mb")
    assert error_of(r2, "SETBIT", "k", str(8 * 1024 * 1024), "1") == BAD_OFFSET
    assert error_of(r2, "BITFIELD", "k", "GET", "u8", "#1048576") == BAD_OFFSET
    assert r.setbit("k", 8 * 1024 * 1024 - 1, 1) == 0
    assert r.strlen("k") == 1024 * 1024


def test_setbit_counts_only_real_changes(r):
    r.setbit("k", 3, 1)
    before = changes(r)
    assert r.setbit("k", 3, 1) == 1       # same bit: no change
    assert r.setbit("k", 5, 0) == 0       # already clear, no growth
    assert changes(r) == before
    assert r.setbit("k", 20, 0) == 0      # grows the string: a change
    assert changes(r) == before + 1
    assert r.get("k") == b"\x10\x00\x00"


# --------------------------------------------------------------------------
# BITCOUNT
# --------------------------------------------------------------------------

def test_bitcount(r):
    r.set("s", "foobar")
    assert r.bitcount("s") == 26
    assert r.bitcount("s", 0, 0) == 4
    assert r.bitcount("s", 1, 1) == 6
    assert r.bitcount("s", 1, 1, "BYTE") == 6
    assert r.bitcount("s", 5, 30, "BIT") == 17
    assert r.bitcount("s", -2, -1) == 7
    assert r.bitcount("s", -1, -2) == 0
    assert r.bitcount("s", -100, -200) == 0
    assert r.bitcount("s", -200, -100) == 4   # both clamp to byte 0
    assert r.bitcount("s", -100, 100) == 26
    assert r.bitcount("s", 100, 200) == 0
    assert r.bitcount("s", -9, -1, "BIT") == 5      # "r" and the last bit of "a"
    assert r.bitcount("missing") == 0
    assert r.bitcount("missing", 0, -1, "BIT") == 0
    r.set("n", 255)
    assert r.bitcount("n") == sum(bit_list(b"255"))


def test_bitcount_errors(r2, nonstring, is_modis):
    assert error_of(r2, "BITCOUNT") == arity("bitcount")
    r2.execute("SET", "s", "foobar")
    assert error_of(r2, "BITCOUNT", "s", "0") == SYNTAX
    assert error_of(r2, "BITCOUNT", "s", "0", "1", "BIT", "x") == SYNTAX
    assert error_of(r2, "BITCOUNT", "s", "0", "-1", "FOO") == SYNTAX
    assert error_of(r2, "BITCOUNT", "s", "a", "1") == NOT_INT
    assert error_of(r2, "BITCOUNT", "s", "0", "b") == NOT_INT
    other = nonstring()
    assert error_of(r2, "BITCOUNT", other.key) == WRONGTYPE
    if is_modis:
        # Redis 7.4: arguments before the key, even a missing one
        assert error_of(r2, "BITCOUNT", "missing", "0") == SYNTAX
        assert error_of(r2, "BITCOUNT", "missing", "a", "b") == NOT_INT
        assert error_of(r2, "BITCOUNT", other.key, "0", "x") == NOT_INT


def test_bitcount_large_random(r):
    rnd = random.Random(7)
    data = bytes(rnd.getrandbits(8) for _ in range(1 << 20))
    r.set("big", data)
    bits = int.from_bytes(data, "big")
    assert r.bitcount("big") == bits.bit_count()
    nbits = len(data) * 8
    for _ in range(30):
        a, b = sorted(rnd.randrange(nbits) for _ in range(2))
        # bits a..b of the big-endian integer, counted from the left
        want = ((bits >> (nbits - 1 - b)) & ((1 << (b - a + 1)) - 1)).bit_count()
        assert r.bitcount("big", a, b, "BIT") == want
        want = int.from_bytes(data[a // 8:b // 8 + 1], "big").bit_count()
        assert r.bitcount("big", a // 8, b // 8) == want


# --------------------------------------------------------------------------
# BITPOS
# --------------------------------------------------------------------------

def test_bitpos(r):
    r.set("f", b"\xff\xf0\x00")
    assert r.bitpos("f", 0) == 12
    assert r.bitpos("f", 1) == 0
    assert r.bitpos("f", 1, 2) == -1
    assert r.bitpos("f", 0, 2) == 16
    assert r.bitpos("f", 1, 1, 1) == 8
    assert r.bitpos("f", 1, 5, 10, "BIT") == 5
    assert r.bitpos("f", 0, 12, 15, "BIT") == 12
    assert r.bitpos("f", 1, 12, 23, "BIT") == -1
    r.set("ones", b"\xff\xff\xff")
    # no clear bit: past the end without an explicit end, -1 with one
    assert r.bitpos("ones", 0) == 24
    assert r.bitpos("ones", 0, 1) == 24
    assert r.bitpos("ones", 0, 0, -1) == -1
    assert r.bitpos("ones", 0, 0, -1, "BIT") == -1
    r.set("z", b"\x00\x00")
    assert r.bitpos("z", 1) == -1
    assert r.bitpos("z", 0) == 0
    r.set("empty", "")
    assert r.bitpos("empty", 0) == -1 and r.bitpos("empty", 1) == -1
    assert r.bitpos("missing", 1) == -1 and r.bitpos("missing", 0) == 0


def test_bitpos_errors(r2, nonstring, is_modis):
    assert error_of(r2, "BITPOS", "k") == arity("bitpos")
    r2.execute("SET", "f", "ab")
    assert error_of(r2, "BITPOS", "f", "2") == "ERR The bit argument must be 1 or 0."
    assert error_of(r2, "BITPOS", "f", "x") == NOT_INT
    assert error_of(r2, "BITPOS", "f", "1", "x") == NOT_INT
    assert error_of(r2, "BITPOS", "f", "1", "0", "x") == NOT_INT
    assert error_of(r2, "BITPOS", "f", "1", "0", "1", "FOO") == SYNTAX
    # the unit is parsed before the end
    assert error_of(r2, "BITPOS", "f", "1", "0", "x", "FOO") == SYNTAX
    assert error_of(r2, "BITPOS", "f", "1", "0", "1", "BIT", "x") == SYNTAX
    other = nonstring()
    assert error_of(r2, "BITPOS", other.key, "1") == WRONGTYPE
    if is_modis:
        assert error_of(r2, "BITPOS", "missing", "1", "x") == NOT_INT


def test_bitpos_large_runs(r):
    r.setbit("long", 1000, 1)
    assert r.bitpos("long", 1) == 1000
    assert r.bitpos("long", 1, 0, 999, "BIT") == -1
    r.set("lo", b"\xff" * 19 + b"\xfe")
    assert r.bitpos("lo", 0) == 159
    assert r.bitpos("lo", 0, 0, 158, "BIT") == -1
    rnd = random.Random(3)
    data = bytearray(b"\x00" * 5000)
    for _ in range(20):
        pos = rnd.randrange(len(data) * 8)
        data[pos // 8] |= 0x80 >> (pos % 8)
        r.set("rand", bytes(data))
        start = rnd.randrange(len(data) * 8)
        bits = bit_list(data)
        want = next((i for i in range(start, len(bits)) if bits[i]), -1)
        assert r.bitpos("rand", 1, start, -1, "BIT") == want


# --------------------------------------------------------------------------
# BITOP
# --------------------------------------------------------------------------

def test_bitop_basic(r):
    r.set("a", b"\x0f\xf0")
    r.set("b", b"\xff")
    assert r.bitop("AND", "d", "a", "b") == 2
    assert r.get("d") == b"\x0f\x00"
    assert r.bitop("OR", "d", "a", "b") == 2
    assert r.get("d") == b"\xff\xf0"
    assert r.bitop("XOR", "d", "a", "b") == 2
    assert r.get("d") == b"\xf0\xf0"
    assert r.bitop("NOT", "d", "a") == 2
    assert r.get("d") == b"\xf0\x0f"
    assert r.bitop("AND", "d", "a", "missing") == 2
    assert r.get("d") == b"\x00\x00"
    # an empty result deletes the destination
    assert r.bitop("OR", "d", "missing") == 0
    assert r.exists("d") == 0
    # the destination loses its TTL and any other type
    r.set("t", "x", ex=100)
    r.bitop("OR", "t", "a")
    assert r.ttl("t") == -1
    r.rpush("l", "x")
    r.bitop("OR", "l", "a")
    assert r.type("l") == b"string"
    # the destination may be a source
    assert r.bitop("OR", "a", "a", "b") == 2
    assert r.get("a") == b"\xff\xf0"
    r.set("num", 255)
    assert r.bitop("AND", "d", "num", "a") == 3
    assert r.get("d") == bytes(x & y for x, y in zip(b"255", b"\xff\xf0\x00"))


def test_bitop_errors(r, r2, nonstring, is_modis):
    assert error_of(r2, "BITOP", "AND", "d") == arity("bitop")
    assert error_of(r2, "BITOP", "FOO", "d", "a") == SYNTAX
    assert error_of(r2, "BITOP", "NOT", "d", "a", "b") == \
        "ERR BITOP NOT must be called with a single source key."
    other = nonstring()
    r.set("s", "x")
    assert error_of(r2, "BITOP", "AND", "d", "s", other.key) == WRONGTYPE
    assert r.exists("d") == 0
    if is_modis:
        for op in ("DIFF", "diff1", "AndOr"):
            assert error_of(r2, "BITOP", op, "d", "s") == \
                "ERR BITOP %s must be called with at least two source keys." % op.upper()


@pytest.mark.modis_only
def test_bitop_redis82_operations(r):
    r.set("x", b"\xf0\xaa")
    r.set("y1", b"\x3c")
    r.set("y2", b"\x0f\x0f\x0f")
    assert r.bitop("DIFF", "d", "x", "y1", "y2") == 3
    assert r.get("d") == b"\xc0\xa0\x00"
    assert r.bitop("DIFF1", "d", "x", "y1", "y2") == 3
    assert r.get("d") == b"\x0f\x05\x0f"
    assert r.bitop("ANDOR", "d", "x", "y1", "y2") == 3
    assert r.get("d") == b"\x30\x0a\x00"
    assert r.bitop("ONE", "d", "x", "y1", "y2") == 3
    assert r.get("d") == b"\xc3\xa5\x0f"
    assert r.bitop("ONE", "d", "x") == 2
    assert r.get("d") == b"\xf0\xaa"


def _bitop_py(op, srcs):
    n = max(len(s) for s in srcs)
    vals = [int.from_bytes(s.ljust(n, b"\x00"), "big") for s in srcs]
    full = (1 << (8 * n)) - 1
    x, rest = vals[0], vals[1:]
    anyr = 0
    for v in rest:
        anyr |= v
    if op == "AND":
        for v in rest:
            x &= v
    elif op == "OR":
        x |= anyr
    elif op == "XOR":
        for v in rest:
            x ^= v
    elif op == "NOT":
        x = ~x & full
    elif op == "DIFF":
        x = x & ~anyr
    elif op == "DIFF1":
        x = ~x & anyr & full
    elif op == "ANDOR":
        x = x & anyr
    elif op == "ONE":
        once = twice = 0
        for v in vals:
            twice |= once & v
            once ^= v
        x = once & ~twice
    return (x & full).to_bytes(n, "big")


@pytest.mark.modis_only
def test_bitop_random_against_python(r):
    rnd = random.Random(11)
    for _ in range(60):
        op = rnd.choice(["AND", "OR", "XOR", "NOT", "DIFF", "DIFF1", "ANDOR", "ONE"])
        n = 1 if op == "NOT" else rnd.randint(2, 5)
        srcs = [bytes(rnd.getrandbits(8) for _ in range(rnd.randint(1, 300))) for _ in range(n)]
        keys = ["s%d" % i for i in range(n)]
        for k, v in zip(keys, srcs):
            r.set(k, v)
        assert r.bitop(op, "dest", *keys) == max(len(s) for s in srcs)
        assert r.get("dest") == _bitop_py(op, srcs), op


def test_bitop_large(r):
    rnd = random.Random(5)
    a = bytes(rnd.getrandbits(8) for _ in range(1 << 20))
    b = bytes(rnd.getrandbits(8) for _ in range(3000))
    r.set("a", a)
    r.set("b", b)
    assert r.bitop("XOR", "d", "a", "b") == len(a)
    assert r.get("d") == _bitop_py("XOR", [a, b])
    assert r.bitop("AND", "d", "a", "b") == len(a)
    assert r.get("d") == _bitop_py("AND", [a, b])


# --------------------------------------------------------------------------
# BITFIELD / BITFIELD_RO
# --------------------------------------------------------------------------

def test_bitfield_get_set_incrby(r, r2):
    assert r2.execute("BITFIELD", "bf") == []
    assert r.exists("bf") == 0
    assert r2.execute("BITFIELD", "bf", "GET", "u8", "0") == [0]
    assert r.exists("bf") == 0
    assert r2.execute("BITFIELD", "bf", "SET", "u8", "0", "255", "GET", "u8", "0") == [0, 255]
    assert r2.execute("BITFIELD", "bf", "SET", "i8", "0", "-1", "GET", "u8", "0", "GET", "i8", "0",
                      "GET", "i4", "0", "GET", "u4", "4") == [-1, 255, -1, -1, 15]
    assert r2.execute("BITFIELD", "bf", "INCRBY", "u2", "100", "1", "OVERFLOW", "SAT",
                      "INCRBY", "u2", "102", "1") == [1, 1]
    assert r.strlen("bf") == 13
    # #N offsets count in units of the type's width
    assert r2.execute("BITFIELD", "bf", "SET", "u8", "#2", "200", "GET", "u8", "16") == [0, 200]
    assert r2.execute("BITFIELD", "bf", "SET", "i64", "128", "-9223372036854775808",
                      "INCRBY", "i64", "128", "-1") == [0, 9223372036854775807]
    # fields overlapping earlier writes read their bits: u2 1s at 100, 102
    assert r2.execute("BITFIELD", "bf", "GET", "i64", "64") == [0x05000000]
    # Redis's documented example: u5 23 at bit 7 of a fresh string
    assert r2.execute("BITFIELD", "doc", "SET", "u5", "7", "23") == [0]
    assert r.get("doc") == b"\x01\x70"


def test_bitfield_overflow(r2):
    run = lambda *a: r2.execute("BITFIELD", "o", *a)
    assert run("OVERFLOW", "SAT", "SET", "u8", "0", "256", "SET", "u8", "0", "-1",
               "GET", "u8", "0") == [0, 255, 255]
    assert run("OVERFLOW", "WRAP", "SET", "u8", "0", "256", "GET", "u8", "0") == [255, 0]
    assert run("OVERFLOW", "FAIL", "SET", "u8", "0", "256", "GET", "u8", "0") == [None, 0]
    assert run("SET", "i8", "0", "100", "INCRBY", "i8", "0", "100") == [0, -56]
    assert run("OVERFLOW", "SAT", "INCRBY", "i8", "0", "-100") == [-128]
    assert run("OVERFLOW", "FAIL", "INCRBY", "i8", "0", "-1", "GET", "i8", "0") == [None, -128]
    assert run("OVERFLOW", "wrap", "INCRBY", "u2", "8", "-5", "GET", "u2", "8") == [3, 3]
    assert run("OVERFLOW", "sat", "INCRBY", "u2", "8", "-5") == [0]
    assert run("INCRBY", "i3", "20", "3", "INCRBY", "i3", "20", "3", "INCRBY", "i3", "20", "3") == \
        [3, -2, 1]
    # OVERFLOW applies to the operations after it only
    assert run("OVERFLOW", "FAIL", "INCRBY", "u8", "32", "300", "OVERFLOW", "WRAP",
               "INCRBY", "u8", "32", "300") == [None, 44]


def test_bitfield_errors(r, r2, nonstring):
    assert error_of(r2, "BITFIELD") == arity("bitfield")
    for t in ("u64", "i65", "i0", "u0", "x8", "", "i", "i-1", "i08"):
        assert error_of(r2, "BITFIELD", "bf", "GET", t, "0") == BAD_TYPE, t
    for off in ("-1", "#-1", "#", "##1", "4294967296", "#536870912", "x"):
        assert error_of(r2, "BITFIELD", "bf", "GET", "u8", off) == BAD_OFFSET, off
    assert error_of(r2, "BITFIELD", "bf", "SET", "u8", "0", "x") == NOT_INT
    assert error_of(r2, "BITFIELD", "bf", "INCRBY", "u8", "0", "1.5") == NOT_INT
    for args in (["GET", "u8"], ["GET"], ["SET", "u8", "0"], ["OVERFLOW"], ["FOO"],
                 ["GET", "u8", "0", "FOO"]):
        assert error_of(r2, "BITFIELD", "bf", *args) == SYNTAX, args
    assert error_of(r2, "BITFIELD", "bf", "OVERFLOW", "FOO", "GET", "u8", "0") == \
        "ERR Invalid OVERFLOW type specified"
    # everything is parsed before anything runs
    assert error_of(r2, "BITFIELD", "bf", "SET", "u8", "0", "1", "GET", "x8", "0") == BAD_TYPE
    assert r.exists("bf") == 0
    other = nonstring()
    assert error_of(r2, "BITFIELD", other.key, "GET", "u8", "0") == WRONGTYPE
    assert error_of(r2, "BITFIELD", other.key, "SET", "u8", "0", "1") == WRONGTYPE
    assert error_of(r2, "BITFIELD_RO", other.key, "GET", "u8", "0") == WRONGTYPE


def test_bitfield_ro(r, r2):
    r.set("k", b"\x80\x01")
    assert r2.execute("BITFIELD_RO", "k", "GET", "u8", "0", "GET", "i8", "8") == [128, 1]
    assert r2.execute("BITFIELD_RO", "k") == []
    assert r2.execute("BITFIELD_RO", "missing", "GET", "u8", "#3") == [0]
    for sub in (["SET", "u8", "0", "1"], ["INCRBY", "u8", "0", "1"],
                ["OVERFLOW", "SAT", "SET", "u8", "0", "1"]):
        assert error_of(r2, "BITFIELD_RO", "k", *sub) == \
            "ERR BITFIELD_RO only supports the GET subcommand"
    assert error_of(r2, "BITFIELD_RO", "k", "GET", "u8", "0", "SET", "u8", "0", "x") == NOT_INT
    assert r.get("k") == b"\x80\x01"


def test_bitfield_counts_changes(r, r2):
    r2.execute("BITFIELD", "k", "SET", "u8", "0", "7")
    before = changes(r)
    assert r2.execute("BITFIELD", "k", "SET", "u8", "0", "7", "GET", "u8", "0") == [7, 7]
    assert changes(r) == before
    assert r2.execute("BITFIELD", "k", "INCRBY", "u8", "0", "1", "INCRBY", "u8", "0", "1") == [8, 9]
    assert changes(r) == before + 2


# --------------------------------------------------------------------------
# Keyspace events
# --------------------------------------------------------------------------

def _events(r, action):
    p = r.pubsub()
    p.psubscribe("__keyevent@0__:*")
    p.get_message(timeout=2)
    action()
    r.set("__end__", 1)
    out = []
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        m = p.get_message(timeout=1)
        if m and m["type"] == "pmessage":
            ev = (m["channel"].split(b":", 1)[1].decode(), m["data"].decode())
            if ev[1] == "__end__":
                break
            out.append(ev)
    p.close()
    return out


def test_keyspace_events(r, restore_config):
    restore_config("notify-keyspace-events")
    r.config_set("notify-keyspace-events", "KEA")
    r.set("src", "a")

    def act():
        r.setbit("b", 3, 1)
        r.setbit("b", 3, 1)              # no change: no event
        r.execute_command("BITFIELD", "b", "SET", "u8", "8", "9")
        r.execute_command("BITFIELD", "b", "GET", "u8", "8")
        r.bitop("OR", "dest", "src")
        r.bitop("AND", "dest", "missing")

    assert _events(r, act) == [("setbit", "b"), ("setbit", "b"), ("set", "dest"),
                               ("del", "dest")]


# --------------------------------------------------------------------------
# Metadata and module wiring
# --------------------------------------------------------------------------

def _text(v):
    if isinstance(v, bytes):
        return v.decode()
    if isinstance(v, list):
        return [_text(x) for x in v]
    return v


def test_command_metadata(r2):
    info = _text(r2.execute("COMMAND", "INFO", "setbit", "bitop", "bitfield_ro", "bitcount"))
    assert info[0][:6] == ["setbit", 4, ["write", "denyoom"], 1, 1, 1]
    assert info[1][:6] == ["bitop", -4, ["write", "denyoom"], 2, -1, 1]
    assert info[2][:6] == ["bitfield_ro", -2, ["readonly", "fast"], 1, 1, 1]
    assert info[3][:6] == ["bitcount", -2, ["readonly"], 1, 1, 1]
    assert set(info[0][6]) == {"@write", "@bitmap", "@slow"}


@pytest.mark.modis_only
def test_command_docs(r2):
    docs = r2.execute("COMMAND", "DOCS", "bitpos")
    d = dict(zip(docs[1][0::2], docs[1][1::2]))
    assert d[b"group"] == b"bitmap"
    assert d[b"since"] == b"2.8.7"
    assert d[b"summary"] == b"Finds the first set (1) or clear (0) bit in a string."
    assert d[b"module"] == b"bitmaps"


def module_path(name):
    path = os.path.join(BUILDDIR, "modules", name, ".libs", name + ".so")
    if not os.path.exists(path):
        pytest.skip("%s not built" % path)
    return path


@pytest.mark.modis_only
def test_requires_the_strings_module(start_server):
    srv = start_server(conf=None)
    c = RespClient(srv.port)
    err = error_of(c, "MODULE", "LOAD", module_path("bitmaps"))
    assert err == ("ERR Error loading the extension: module 'bitmaps' requires service "
                   "'string.v1' >= 1, which no loaded module provides")
    assert c.execute("COMMAND", "INFO", "setbit") == [None]
    assert c.execute("MODULE", "LOAD", module_path("strings")) == "OK"
    assert c.execute("MODULE", "LOAD", module_path("bitmaps")) == "OK"
    assert c.execute("SETBIT", "k", "1", "1") == 0
    c.execute("FLUSHALL")
    assert error_of(c, "MODULE", "UNLOAD", "strings") == \
        "ERR Error unloading module: module 'strings' is used by module 'bitmaps'"
    assert c.execute("GETBIT", "k", "1") == 0
    assert c.execute("MODULE", "UNLOAD", "bitmaps") == "OK"
    assert c.execute("MODULE", "UNLOAD", "strings") == "OK"
    c.close()
