"""Set commands (modules/sets): every command and every error text, the
three encodings (intset, listpack, hashtable) and Redis 7.2+'s conversion
rules through OBJECT ENCODING, the set-max-* parameters, RESP3 reply
types, COPY/RENAME/MOVE, MEMORY USAGE, DEBUG DIGEST-VALUE (equal to
redis-server's), lazy freeing, keyspace notifications (the same sequence
as redis-server's for the same commands), propagation read back from the
AOF (SPOP as SREM batches or DEL/UNLINK), AOF rewrite (SADD batches of
64), uniformity of SRANDMEMBER and SPOP (chi-square, every encoding), the
set.v1 service (tests/modules/uses_set.c), and a randomized model test
against a Python set under several parameter settings.

Normal paths go through redis-py (`r`); error replies are checked with
their full text through the raw RESP clients (`r2`, `r3`). Listpack sets
are Redis 7.2 behaviour: tests that depend on them are modis_only (the
reference redis-server 7.0 keeps such sets as hashtables)."""

import os
import random
import time

import pytest

from modis_helpers import RespClient, error_of, parse_info

WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value"
NOT_INT = "ERR value is not an integer or out of range"
SYNTAX = "ERR syntax error"
POSITIVE = "ERR value is out of range, must be positive"
RANGE = ("ERR value is out of range, value must between -9223372036854775807 and "
         "9223372036854775807")
BUILDDIR = os.environ.get("MODIS_BUILDDIR") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", ".."))


def arity(cmd):
    return "ERR wrong number of arguments for '%s' command" % cmd


@pytest.fixture
def limits(r, restore_config):
    """Set set-max-intset-entries / -listpack-entries / -listpack-value for
    one test (those the server has: Redis 7.0 has only the first)."""
    names = [n for n in ("set-max-intset-entries", "set-max-listpack-entries",
                         "set-max-listpack-value") if r.config_get(n)]
    restore_config(*names)

    def set_limits(intset=512, entries=128, value=64):
        for name, v in zip(("set-max-intset-entries", "set-max-listpack-entries",
                            "set-max-listpack-value"), (intset, entries, value)):
            if name in names:
                r.config_set(name, v)

    return set_limits


def enc(r, key):
    return r.object("encoding", key).decode()


def members(r, key):
    return sorted(r.smembers(key))


def b(*xs):
    return sorted(x.encode() if isinstance(x, str) else x for x in xs)


def strs(prefix, n, start=0):
    return ["%s%d" % (prefix, i) for i in range(start, start + n)]


def ints(n, start=0):
    return [str(i) for i in range(start, start + n)]


# --------------------------------------------------------------------------
# Errors first
# --------------------------------------------------------------------------

def test_arity_errors(r2):
    for args in (("SADD", "k"), ("SREM", "k"), ("SCARD",), ("SCARD", "a", "b"),
                 ("SISMEMBER", "k"), ("SISMEMBER", "k", "a", "b"), ("SMISMEMBER", "k"),
                 ("SMEMBERS",), ("SMEMBERS", "a", "b"), ("SMOVE", "a", "b"),
                 ("SMOVE", "a", "b", "c", "d"), ("SPOP",), ("SRANDMEMBER",), ("SINTER",),
                 ("SINTERCARD", "1"), ("SINTERSTORE", "d"), ("SUNION",),
                 ("SUNIONSTORE", "d"), ("SDIFF",), ("SDIFFSTORE", "d"), ("SSCAN", "k")):
        assert error_of(r2, *args) == arity(args[0].lower()), args


def test_wrongtype_every_command(r, r2):
    """A key of another type: WRONGTYPE, nothing changed, in Redis's order
    of checks (a missing source or an empty-set shortcut first where Redis
    has one)."""
    r.set("str", "v")
    r.sadd("s", "a", "b")
    cases = [("SADD", "str", "x"), ("SREM", "str", "x"), ("SCARD", "str"),
             ("SISMEMBER", "str", "x"), ("SMISMEMBER", "str", "x"), ("SMEMBERS", "str"),
             ("SPOP", "str"), ("SPOP", "str", "1"), ("SRANDMEMBER", "str"),
             ("SRANDMEMBER", "str", "0"), ("SINTER", "s", "str"),
             ("SINTER", "missing", "str"), ("SINTERCARD", "2", "missing", "str"),
             ("SINTERSTORE", "d", "missing", "str"), ("SUNION", "s", "str"),
             ("SUNIONSTORE", "d", "str"), ("SDIFF", "missing", "str"),
             ("SDIFFSTORE", "d", "s", "str"), ("SMOVE", "str", "s", "a"),
             ("SMOVE", "s", "str", "a"), ("SSCAN", "str", "0")]
    for args in cases:
        assert error_of(r2, *args) == WRONGTYPE, args
    assert r.get("str") == b"v"
    assert members(r, "s") == b("a", "b")
    assert r.exists("d") == 0
    # A missing source answers 0 before the destination's type is looked at.
    assert r2.execute("SMOVE", "missing", "str", "a") == 0


def test_spop_srandmember_count_errors(r, r2):
    r.sadd("s", "a")
    r.set("str", "v")
    for args, err in ((("SPOP", "s", "x"), POSITIVE), (("SPOP", "s", "-1"), POSITIVE),
                      (("SPOP", "s", "99999999999999999999"), POSITIVE),
                      (("SPOP", "missing", "-1"), POSITIVE),  # the count comes first
                      (("SPOP", "str", "-1"), POSITIVE),
                      (("SPOP", "s", "1", "2"), SYNTAX),
                      (("SRANDMEMBER", "s", "x"), NOT_INT),
                      (("SRANDMEMBER", "s", "1.5"), NOT_INT),
                      (("SRANDMEMBER", "s", "-9223372036854775808"), RANGE),
                      (("SRANDMEMBER", "str", "x"), NOT_INT),
                      (("SRANDMEMBER", "s", "1", "2"), SYNTAX)):
        assert error_of(r2, *args) == err, args
    assert members(r, "s") == [b"a"]


def test_sintercard_errors(r, r2):
    r.sadd("a", "1", "2")
    for args, err in ((("0", "a"), "ERR numkeys should be greater than 0"),
                      (("-1", "a"), "ERR numkeys should be greater than 0"),
                      (("x", "a"), "ERR numkeys should be greater than 0"),
                      (("3", "a", "b"),
                       "ERR Number of keys can't be greater than number of args"),
                      (("1", "a", "LIMIT"), SYNTAX),
                      (("1", "a", "LIMIT", "-1"), "ERR LIMIT can't be negative"),
                      (("1", "a", "LIMIT", "x"), "ERR LIMIT can't be negative"),
                      (("1", "a", "FOO", "1"), SYNTAX),
                      (("1", "a", "b"), SYNTAX)):
        assert error_of(r2, "SINTERCARD", *args) == err, args
    assert r2.execute("SINTERCARD", "1", "a", "limit", "5", "LIMIT", "1") == 1


def test_sscan_errors(r, r2):
    r.sadd("s", "a")
    r.set("str", "v")
    assert error_of(r2, "SSCAN", "s", "x") == "ERR invalid cursor"
    assert error_of(r2, "SSCAN", "str", "x") == "ERR invalid cursor"  # cursor first
    for opts, err in ((("COUNT", "0"), SYNTAX), (("COUNT", "x"), NOT_INT),
                      (("MATCH",), SYNTAX), (("TYPE", "string"), SYNTAX),
                      (("NOVALUES",), SYNTAX), (("FOO",), SYNTAX)):
        assert error_of(r2, "SSCAN", "s", "0", *opts) == err, opts
    # A missing key answers before its options are read.
    assert r2.execute("SSCAN", "missing", "0", "COUNT", "0") == [b"0", []]


# --------------------------------------------------------------------------
# Single-key commands
# --------------------------------------------------------------------------

def test_sadd_srem_scard_sismember(r, r2):
    assert r2.execute("SADD", "s", "a", "b", "a", "c") == 3
    assert r2.execute("SADD", "s", "a") == 0
    assert r2.execute("SCARD", "s") == 3
    assert r2.execute("SCARD", "missing") == 0
    assert r2.execute("SISMEMBER", "s", "b") == 1
    assert r2.execute("SISMEMBER", "s", "z") == 0
    assert r2.execute("SISMEMBER", "missing", "z") == 0
    assert r2.execute("SMISMEMBER", "s", "a", "z", "c") == [1, 0, 1]
    assert r2.execute("SMISMEMBER", "missing", "a", "b") == [0, 0]
    assert r2.execute("SREM", "s", "a", "z", "a") == 1
    assert r2.execute("SREM", "missing", "a") == 0
    assert r2.execute("SREM", "s", "b", "c", "d") == 2
    assert r.exists("s") == 0  # the last member takes the key with it


def test_binary_and_empty_members(r):
    vals = [b"", b"\x00", b"a\x00b", b"\xff" * 300, b"\r\n"]
    assert r.sadd("s", *vals) == 5
    assert members(r, "s") == sorted(vals)
    for v in vals:
        assert r.sismember("s", v)
    assert r.srem("s", b"") == 1
    assert not r.sismember("s", b"")


def test_integer_members_are_canonical(r, r2):
    """An intset holds canonical integers only: "01", "+1", " 1" are other
    members, and in every encoding the same strings come back."""
    assert r.sadd("s", "1", "2") == 2
    assert r.sadd("s", "01", "+1", " 1", "1") == 3
    assert members(r, "s") == b(" 1", "+1", "01", "1", "2")
    assert r2.execute("SISMEMBER", "s", "01") == 1
    assert r2.execute("SREM", "s", "01", "1") == 2
    assert members(r, "s") == b(" 1", "+1", "2")
    r.sadd("i", "-9223372036854775808", "9223372036854775807", "0")
    assert members(r, "i") == b("-9223372036854775808", "0", "9223372036854775807")
    assert r.sadd("i", "9223372036854775808") == 1  # too big: a string
    assert r.sismember("i", "9223372036854775808")


def test_resp3_reply_types(r, r3):
    r.sadd("s", "a", "b")
    r.sadd("t", "b", "c")
    assert r3.execute("SMEMBERS", "s") == {b"a", b"b"}
    assert r3.execute("SMEMBERS", "missing") == set()
    assert r3.execute("SINTER", "s", "t") == {b"b"}
    assert r3.execute("SINTER", "s", "missing") == set()
    assert r3.execute("SUNION", "s", "t") == {b"a", b"b", b"c"}
    assert r3.execute("SDIFF", "s", "t") == {b"a"}
    assert sorted(r3.execute("SRANDMEMBER", "s", "5")) == [b"a", b"b"]  # an array
    assert r3.execute("SRANDMEMBER", "missing", "5") == []
    assert r3.execute("SRANDMEMBER", "missing") is None
    assert r3.execute("SMISMEMBER", "s", "a", "x") == [1, 0]
    assert r3.execute("SPOP", "missing") is None
    assert r3.execute("SPOP", "missing", "2") == set()
    assert r3.execute("SPOP", "s", "0") == set()
    assert r3.execute("SPOP", "s", "1") in ({b"a"}, {b"b"})
    assert r3.execute("SPOP", "t", "5") == {b"b", b"c"}


def test_smembers_order_of_compact_sets(r2, is_modis):
    """An intset answers in ascending order; a listpack in insertion order
    (both Redis's orders, deterministic)."""
    r2.execute("SADD", "i", "30", "-5", "7", "100000", "2")
    assert r2.execute("SMEMBERS", "i") == [b"-5", b"2", b"7", b"30", b"100000"]
    if is_modis:
        r2.execute("SADD", "l", "z", "10", "a", "-1", "m")
        assert r2.execute("SMEMBERS", "l") == [b"z", b"10", b"a", b"-1", b"m"]


# --------------------------------------------------------------------------
# SMOVE
# --------------------------------------------------------------------------

def test_smove(r, r2):
    r.sadd("a", "x", "y")
    assert r2.execute("SMOVE", "a", "b", "nope") == 0
    assert r2.execute("SMOVE", "missing", "b", "x") == 0
    assert r2.execute("SMOVE", "a", "b", "x") == 1
    assert members(r, "a") == [b"y"] and members(r, "b") == [b"x"]
    r.sadd("b", "y")
    assert r2.execute("SMOVE", "a", "b", "y") == 1  # already in b: still 1
    assert r.exists("a") == 0  # emptied source deleted
    assert members(r, "b") == b("x", "y")
    # Source and destination the same key: membership only.
    assert r2.execute("SMOVE", "b", "b", "x") == 1
    assert r2.execute("SMOVE", "b", "b", "z") == 0
    assert members(r, "b") == b("x", "y")


def test_smove_destination_encoding(r, is_modis):
    r.sadd("src", "5", "word")
    r.smove("src", "i", "5")
    assert enc(r, "i") == "intset"
    r.smove("src", "w", "word")
    assert enc(r, "w") == ("listpack" if is_modis else "hashtable")


def test_smove_keeps_ttls(r):
    r.sadd("a", "x", "y")
    r.sadd("b", "z")
    r.expire("a", 1000)
    r.expire("b", 2000)
    r.smove("a", "b", "x")
    assert 0 < r.ttl("a") <= 1000 and 1000 < r.ttl("b") <= 2000


# --------------------------------------------------------------------------
# SPOP and SRANDMEMBER
# --------------------------------------------------------------------------

def test_spop_single(r, r2):
    r.sadd("s", "a", "b", "c")
    got = {r2.execute("SPOP", "s") for _ in range(3)}
    assert got == {b"a", b"b", b"c"}
    assert r.exists("s") == 0
    assert r2.execute("SPOP", "s") is None


SPOP_SHAPES = [("intset", ints(60)), ("listpack", strs("m", 60)),
               ("hashtable", strs("m", 300))]


@pytest.mark.parametrize("shape,vals", SPOP_SHAPES, ids=[s for s, _ in SPOP_SHAPES])
@pytest.mark.parametrize("count", [1, 5, 49, 59, 60, 1000])
def test_spop_count_every_case(r, r2, shape, vals, count, is_modis):
    """Few popped (drawn), most popped (the rest drawn into a new set), all
    (the key goes): the popped members are distinct, come out of the set,
    and what stays is the rest."""
    r.sadd("s", *vals)
    want = min(count, len(vals))
    popped = r2.execute("SPOP", "s", str(count))
    assert len(popped) == len(set(popped)) == want
    assert set(popped) <= {v.encode() for v in vals}
    left = r.smembers("s")
    assert left | set(popped) == {v.encode() for v in vals} and not left & set(popped)
    if want == len(vals):
        assert r.exists("s") == 0


@pytest.mark.modis_only
def test_spop_count_encodings_left(r, r2):
    """What stays after SPOP with a count is kept as Redis 7.2+ keeps it:
    an intset stays one; a hashtable from which most members were popped
    becomes a new listpack (the members that stay are added to a new set);
    one from which few were popped stays a hashtable."""
    r.sadd("i", *ints(100))
    r2.execute("SPOP", "i", "95")
    assert enc(r, "i") == "intset" and r.scard("i") == 5
    r.sadd("h", *strs("m", 200))
    r2.execute("SPOP", "h", "190")
    assert enc(r, "h") == "listpack" and r.scard("h") == 10
    r.sadd("h2", *strs("m", 200))
    r2.execute("SPOP", "h2", "10")
    assert enc(r, "h2") == "hashtable" and r.scard("h2") == 190
    r.sadd("l", *strs("m", 50))
    r2.execute("SPOP", "l", "45")
    assert enc(r, "l") == "listpack" and r.scard("l") == 5


@pytest.mark.modis_only
def test_spop_count_listpack_order(r, r2):
    """Popping most of a listpack returns them in listpack order (what is
    left of it after the survivors were drawn out); popping all of it
    returns SUNION's order of the one set."""
    order = strs("m", 30)
    r.sadd("l", *order)
    popped = r2.execute("SPOP", "l", "28")
    assert popped == [m.encode() for m in order if m.encode() in set(popped)]
    r.delete("l")
    r.sadd("l", *order)
    popped = r2.execute("SPOP", "l", "3")  # few: drawn in listpack order too
    assert popped == [m.encode() for m in order if m.encode() in set(popped)]
    r.delete("l")
    r.sadd("l", "b", "3", "a", "1")
    assert r2.execute("SPOP", "l", "10") == [b"b", b"3", b"a", b"1"]


@pytest.mark.parametrize("shape,vals", SPOP_SHAPES, ids=[s for s, _ in SPOP_SHAPES])
def test_srandmember_every_case(r, r2, shape, vals):
    r.sadd("s", *vals)
    universe = {v.encode() for v in vals}
    n = len(vals)
    assert r2.execute("SRANDMEMBER", "s") in universe
    assert r2.execute("SRANDMEMBER", "s", "0") == []
    one = r2.execute("SRANDMEMBER", "s", "1")
    assert len(one) == 1 and one[0] in universe
    for count in (5, n // 2, n - 1):          # distinct members
        got = r2.execute("SRANDMEMBER", "s", str(count))
        assert len(got) == len(set(got)) == count and set(got) <= universe
    for count in (n, n + 10):                 # the whole set
        assert sorted(r2.execute("SRANDMEMBER", "s", str(count))) == sorted(universe)
    rep = r2.execute("SRANDMEMBER", "s", "-%d" % (3 * n))   # with repetitions
    assert len(rep) == 3 * n and set(rep) <= universe and len(set(rep)) < len(rep)
    assert r.scard("s") == n  # nothing removed
    assert r2.execute("SRANDMEMBER", "missing", "-5") == []


@pytest.mark.modis_only
def test_srandmember_listpack_order(r, r2):
    """Distinct members of a listpack come in listpack order (Redis 7.2+
    samples them in one pass)."""
    order = [m.encode() for m in strs("m", 40)]
    r.sadd("l", *order)
    for count in (3, 20, 39):
        got = r2.execute("SRANDMEMBER", "l", str(count))
        assert got == [m for m in order if m in set(got)]


# Chi-square critical value for 49 degrees of freedom at p = 0.0001
# (Wilson-Hilferty): a uniform sampler exceeds it once in 10,000 runs.
CHI2_49_P0001 = 95.0


def chi_square(picks, universe):
    counts = {m: 0 for m in universe}
    for p in picks:
        counts[p] += 1
    expected = len(picks) / len(universe)
    return sum((c - expected) ** 2 / expected for c in counts.values())


# Redis 7.0 fails these for its hashtables (its dictGetFairRandomKey is only
# approximately fair: chi-square around 200 for the draws below), so they
# are modis_only: exact uniformity is the SDK table's promise.
UNIFORM_SHAPES = [("intset", ints(50), {}), ("listpack", strs("m", 50), {}),
                  ("hashtable", strs("m", 50), {"entries": 4})]


@pytest.mark.modis_only
@pytest.mark.parametrize("shape,vals,lim", UNIFORM_SHAPES, ids=[s for s, _, _ in UNIFORM_SHAPES])
def test_srandmember_uniform(r, r2, limits, shape, vals, lim):
    """2,000 draws over a 50-member set in each form of SRANDMEMBER: every
    member equally often (chi-square below the p = 0.0001 bound)."""
    limits(**lim)
    r.sadd("s", *vals)
    assert enc(r, "s") == shape
    universe = [v.encode() for v in vals]
    forms = {
        "single": [x for x in r2.pipeline(*[("SRANDMEMBER", "s")] * 2000)],
        "negative": r2.execute("SRANDMEMBER", "s", "-2000"),
        "distinct-5": [m for rep in r2.pipeline(*[("SRANDMEMBER", "s", "5")] * 400)
                       for m in rep],
        "distinct-40": [m for rep in r2.pipeline(*[("SRANDMEMBER", "s", "40")] * 50)
                        for m in rep],
    }
    for name, picks in forms.items():
        assert len(picks) == 2000, name
        chi = chi_square(picks, universe)
        assert chi < CHI2_49_P0001, (shape, name, chi)


@pytest.mark.modis_only
@pytest.mark.parametrize("shape,vals,lim", UNIFORM_SHAPES, ids=[s for s, _, _ in UNIFORM_SHAPES])
@pytest.mark.parametrize("count", [1, 5, 45])
def test_spop_uniform(r, r2, limits, shape, vals, lim, count):
    """SPOP from a fresh 50-member set, over and over: each member is popped
    equally often whether few are popped (drawn) or most (the survivors
    drawn instead)."""
    limits(**lim)
    universe = [v.encode() for v in vals]
    trials = 2000 // count
    cmds = []
    for _ in range(trials):
        cmds += [("DEL", "s"), ("SADD", "s", *vals),
                 ("SPOP", "s") if count == 1 else ("SPOP", "s", str(count))]
    replies = r2.pipeline(*cmds)
    picks = []
    for rep in replies[2::3]:
        picks += [rep] if count == 1 else rep
    assert len(picks) == trials * count
    chi = chi_square(picks, universe)
    assert chi < CHI2_49_P0001, (shape, count, chi)


# --------------------------------------------------------------------------
# SINTER, SUNION, SDIFF and their STORE / CARD forms
# --------------------------------------------------------------------------

def test_sinter_family(r, r2, r3):
    r.sadd("a", "1", "2", "3", "x")
    r.sadd("b", "2", "3", "4", "x")
    r.sadd("c", "3", "x", "9")
    assert sorted(r2.execute("SINTER", "a", "b", "c")) == b("3", "x")
    assert sorted(r2.execute("SINTER", "a")) == b("1", "2", "3", "x")
    assert sorted(r2.execute("SINTER", "a", "a")) == b("1", "2", "3", "x")
    assert r2.execute("SINTER", "a", "missing") == []
    assert r2.execute("SINTERCARD", "3", "a", "b", "c") == 2
    assert r2.execute("SINTERCARD", "2", "a", "b", "LIMIT", "1") == 1
    assert r2.execute("SINTERCARD", "2", "a", "b", "LIMIT", "0") == 3
    assert r2.execute("SINTERCARD", "2", "a", "missing") == 0
    assert r2.execute("SINTERSTORE", "d", "a", "b", "c") == 2
    assert members(r, "d") == b("3", "x")
    assert r2.execute("SINTERSTORE", "d", "a", "missing") == 0
    assert r.exists("d") == 0
    assert r2.execute("SINTERSTORE", "d", "a", "c", "missing") == 0


def test_sunion_sdiff_family(r, r2):
    r.sadd("a", "1", "2", "x")
    r.sadd("b", "2", "y")
    assert sorted(r2.execute("SUNION", "a", "b", "missing")) == b("1", "2", "x", "y")
    assert r2.execute("SUNION", "missing") == []
    assert sorted(r2.execute("SDIFF", "a", "b")) == b("1", "x")
    assert sorted(r2.execute("SDIFF", "a", "missing")) == b("1", "2", "x")
    assert r2.execute("SDIFF", "missing", "a") == []
    assert r2.execute("SDIFF", "a", "b", "a") == []   # the first set again
    assert r2.execute("SUNIONSTORE", "u", "a", "b") == 4
    assert members(r, "u") == b("1", "2", "x", "y")
    assert r2.execute("SDIFFSTORE", "u", "a", "a") == 0
    assert r.exists("u") == 0
    assert r2.execute("SDIFFSTORE", "u", "a", "b") == 2
    assert members(r, "u") == b("1", "x")


def test_sdiff_both_algorithms(r, r2):
    """Redis picks walking the first set (few other sets) or adding it and
    removing the others (many small sets); both give the difference."""
    first = strs("m", 200)
    r.sadd("first", *first)
    r.sadd("half", *first[:100])
    assert sorted(r2.execute("SDIFF", "first", "half")) == b(*first[100:])
    for i in range(6):
        r.sadd("small%d" % i, first[i], "other%d" % i)
    got = r2.execute("SDIFF", "first", *["small%d" % i for i in range(6)])
    assert sorted(got) == b(*first[6:])


def test_store_replaces_any_type_and_clears_ttl(r, r2):
    r.sadd("a", "1", "2")
    for cmd in ("SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"):
        r.set("dst", "old", ex=1000)
        assert r2.execute(cmd, "dst", "a") == 2
        assert r.type("dst") == b"set" and r.ttl("dst") == -1
        r.rpush("dst2", "x")
        assert r2.execute(cmd, "dst2", "missing") == 0
        assert r.exists("dst2") == 0  # an empty result deletes it
    # A destination that is also a source.
    r.sadd("b", "2", "3")
    assert r2.execute("SINTERSTORE", "a", "a", "b") == 1
    assert members(r, "a") == [b"2"]
    assert r2.execute("SUNIONSTORE", "b", "b", "a") == 2


def test_sinter_order_follows_smallest_set(r2, is_modis):
    """The smallest set is walked: an intset gives ascending order."""
    r2.execute("SADD", "big", *ints(100))
    r2.execute("SADD", "small", "50", "7", "3")
    assert r2.execute("SINTER", "big", "small") == [b"3", b"7", b"50"]
    if is_modis:
        r2.execute("SADD", "l", "z", "a", "m")
        r2.execute("SADD", "l2", "m", "z", "a", "q")
        assert r2.execute("SINTER", "l2", "l") == [b"z", b"a", b"m"]


# --------------------------------------------------------------------------
# SSCAN
# --------------------------------------------------------------------------

def scan_all(r2, key, *opts):
    cursor, seen, calls = b"0", [], 0
    while True:
        cursor, batch = r2.execute("SSCAN", key, cursor, *opts)
        seen += batch
        calls += 1
        if cursor == b"0":
            return seen, calls


def test_sscan_compact_sets_at_once(r, r2):
    """An intset or listpack answers everything with cursor 0, whatever the
    COUNT; MATCH filters."""
    r.sadd("i", *ints(100))
    seen, calls = scan_all(r2, "i", "COUNT", "1")
    assert calls == 1 and sorted(seen) == b(*ints(100))
    assert sorted(scan_all(r2, "i", "MATCH", "1*")[0]) == b(*[x for x in ints(100)
                                                              if x.startswith("1")])
    r.sadd("l", "apple", "banana", "avocado")
    assert sorted(scan_all(r2, "l", "MATCH", "a*", "COUNT", "1")[0]) == b("apple", "avocado")


def test_sscan_hashtable(r, r2):
    vals = strs("member:", 1000)
    r.sadd("h", *vals)
    seen, calls = scan_all(r2, "h", "COUNT", "50")
    assert set(seen) == {v.encode() for v in vals} and calls > 5
    seen, _ = scan_all(r2, "h", "MATCH", "member:99*")
    assert sorted(set(seen)) == b(*[v for v in vals if v.startswith("member:99")])


def test_sscan_survives_growth(r, r2):
    """Every member present for the whole scan is returned, although the
    table grows (and rehashes) between calls."""
    base = strs("base", 200)
    r.sadd("h", *base)
    cursor, seen, i = b"0", set(), 0
    while True:
        cursor, batch = r2.execute("SSCAN", "h", cursor, "COUNT", "10")
        seen.update(batch)
        if i < 4:  # the table doubles several times during the scan
            r.sadd("h", *strs("grow%d-" % i, 300 * 2 ** i))
        i += 1
        if cursor == b"0":
            break
    assert {v.encode() for v in base} <= seen


# --------------------------------------------------------------------------
# Encodings and their parameters
# --------------------------------------------------------------------------

def test_config_parameters(r, r2, is_modis, restore_config):
    restore_config("set-max-intset-entries")
    assert r.config_get("set-max-intset-entries") == {"set-max-intset-entries": "512"}
    if is_modis:
        assert r.config_get("set-max-listpack-*") == {"set-max-listpack-entries": "128",
                                                     "set-max-listpack-value": "64"}
    for name in ("set-max-intset-entries",) + (
            ("set-max-listpack-entries", "set-max-listpack-value") if is_modis else ()):
        err = error_of(r2, "CONFIG", "SET", name, "abc")
        assert err == ("ERR CONFIG SET failed (possibly related to argument '%s') - "
                       "argument couldn't be parsed into an integer" % name), err
        err = error_of(r2, "CONFIG", "SET", name, "-1")
        assert err.startswith("ERR CONFIG SET failed (possibly related to argument '%s')"
                              % name), err
    r.config_set("set-max-intset-entries", 3)
    r.sadd("s", "1", "2", "3")
    assert enc(r, "s") == "intset"
    r.sadd("s", "4")
    assert enc(r, "s") == "hashtable"


# (commands, the encoding Redis 7.2+ gives key "s")
TRANSITIONS = {
    "ints": ([("SADD", "s", "3", "1", "2")], "intset"),
    "int-then-string": ([("SADD", "s", "1", "2"), ("SADD", "s", "a")], "listpack"),
    "strings": ([("SADD", "s", "a", "b")], "listpack"),
    "int-first-mixed": ([("SADD", "s", "1", "a", "2")], "listpack"),
    "intset-128-then-string": ([("SADD", "s", *ints(128)), ("SADD", "s", "a")],
                               "hashtable"),
    "intset-127-then-string": ([("SADD", "s", *ints(127)), ("SADD", "s", "a")],
                               "listpack"),
    "intset-512": ([("SADD", "s", *ints(512))], "intset"),
    "intset-513": ([("SADD", "s", *ints(512)), ("SADD", "s", "9999")], "hashtable"),
    "ints-513-at-once": ([("SADD", "s", *ints(513))], "hashtable"),
    "intset-long-string": ([("SADD", "s", "1"), ("SADD", "s", "x" * 65)], "hashtable"),
    "listpack-128": ([("SADD", "s", *strs("m", 128))], "listpack"),
    "listpack-129": ([("SADD", "s", *strs("m", 128)), ("SADD", "s", "z")], "hashtable"),
    "strings-129-at-once": ([("SADD", "s", *strs("m", 129))], "hashtable"),
    "listpack-64-byte": ([("SADD", "s", "a", "x" * 64)], "listpack"),
    "listpack-65-byte": ([("SADD", "s", "a"), ("SADD", "s", "x" * 65)], "hashtable"),
    # SADD converts before adding when its arguments could not fit, even if
    # every one is already a member.
    "sadd-hint-existing": ([("SADD", "s", "a", "b"), ("SADD", "s", *(["a"] * 129))],
                           "hashtable"),
    "intset-hint-existing": ([("SADD", "s", "1"), ("SADD", "s", *(["1"] * 513))],
                             "hashtable"),
    "srem-never-shrinks": ([("SADD", "s", *strs("m", 200)), ("SREM", "s", *strs("m", 199))],
                           "hashtable"),
    "listpack-of-ints-after-srem": ([("SADD", "s", "1", "a"), ("SREM", "s", "a")],
                                    "listpack"),
    # Stored results (the destination "s").
    "sinterstore-intsets": ([("SADD", "x", "1", "2", "3"), ("SADD", "y", "2", "3", "4"),
                             ("SINTERSTORE", "s", "x", "y")], "intset"),
    "sinterstore-strings": ([("SADD", "x", "a", "b"), ("SADD", "y", "b", "c"),
                             ("SINTERSTORE", "s", "x", "y")], "listpack"),
    # Two hashtables of integers: the result passes through a listpack and a
    # hashtable, and comes out an intset (it fits set-max-intset-entries).
    "sinterstore-big-int-tables": ([("SADD", "x", *ints(600)), ("SADD", "y", *ints(600, 300)),
                                    ("SINTERSTORE", "s", "x", "y")], "intset"),
    "sinterstore-int-and-strings": ([("SADD", "x", "1", "a", "2"), ("SADD", "y", "1", "2", "a"),
                                     ("SINTERSTORE", "s", "x", "y")], "listpack"),
    "sinterstore-big-strings": ([("SADD", "x", *strs("m", 300)), ("SADD", "y", *strs("m", 300)),
                                 ("SINTERSTORE", "s", "x", "y")], "hashtable"),
    "sunionstore-intsets": ([("SADD", "x", "1"), ("SADD", "y", "2"),
                             ("SUNIONSTORE", "s", "x", "y")], "intset"),
    "sunionstore-mixed": ([("SADD", "x", "1"), ("SADD", "y", "a"),
                           ("SUNIONSTORE", "s", "x", "y")], "listpack"),
    "sunionstore-table-small": ([("SADD", "x", *strs("m", 200)), ("SREM", "x", *strs("m", 195)),
                                 ("SUNIONSTORE", "s", "x")], "listpack"),
    "sunionstore-big": ([("SADD", "x", *strs("m", 100)), ("SADD", "y", *strs("n", 100)),
                         ("SUNIONSTORE", "s", "x", "y")], "hashtable"),
    "sdiffstore-walk": ([("SADD", "x", *strs("m", 200)), ("SADD", "y", *strs("m", 150)),
                         ("SDIFFSTORE", "s", "x", "y")], "listpack"),
    # Many small sets: Redis adds the first set then removes the others, so
    # the result went through a hashtable and stays one.
    "sdiffstore-remove": ([("SADD", "x", *strs("m", 130))] +
                          [("SADD", "y%d" % i, "m%d" % i) for i in range(4)] +
                          [("SDIFFSTORE", "s", "x", "y0", "y1", "y2", "y3")], "hashtable"),
    "smove-int": ([("SADD", "x", "7"), ("SMOVE", "x", "s", "7")], "intset"),
    "smove-string": ([("SADD", "x", "w"), ("SMOVE", "x", "s", "w")], "listpack"),
}


@pytest.mark.modis_only
@pytest.mark.parametrize("name", sorted(TRANSITIONS))
def test_encoding_transitions(r, r2, name):
    cmds, want = TRANSITIONS[name]
    model = {}
    for cmd in cmds:
        r2.execute(*cmd)
    assert enc(r, "s") == want
    # Whatever the encoding, the content is the one of a plain set.
    for cmd in cmds:
        op, key, args = cmd[0], cmd[1], cmd[2:]
        if op == "SADD":
            model.setdefault(key, set()).update(args)
        elif op == "SREM":
            model.get(key, set()).difference_update(args)
        elif op == "SMOVE":
            model[key].discard(args[1])
            model.setdefault(args[0], set()).add(args[1])
        else:
            srcs = [model.get(k, set()) for k in args]
            res = {"SINTERSTORE": lambda: set.intersection(*srcs),
                   "SUNIONSTORE": lambda: set.union(*srcs),
                   "SDIFFSTORE": lambda: srcs[0].difference(*srcs[1:])}[op]()
            model[key] = res
    assert members(r, "s") == b(*model["s"])


@pytest.mark.modis_only
def test_encoding_limits_follow_config(r, r2, limits):
    limits(intset=4, entries=3, value=5)
    r2.execute("SADD", "i", "1", "2", "3", "4")
    assert enc(r, "i") == "intset"
    r2.execute("SADD", "i", "5")
    assert enc(r, "i") == "hashtable"
    r2.execute("SADD", "l", "abcde", "b")
    assert enc(r, "l") == "listpack"
    r2.execute("SADD", "l", "abcdef")
    assert enc(r, "l") == "hashtable"
    # The decimal length of an intset's integers counts against the value
    # limit when a string arrives.
    r2.execute("SADD", "n", "123456")
    r2.execute("SADD", "n", "a")
    assert enc(r, "n") == "hashtable"
    # Existing sets keep their encoding until they change.
    limits(intset=0, entries=0, value=0)
    r2.execute("SADD", "old", "1")
    assert enc(r, "old") == "hashtable"


@pytest.mark.modis_only
def test_loaded_sets_get_redis_encodings(r, limits):
    """RESTORE (and RDB loading, the same code): an intset or listpack
    longer than its set-max-*-entries becomes a hashtable; a plain set
    (type 2) is rebuilt by the current limits."""
    r.sadd("i", *ints(10))
    r.sadd("l", *strs("m", 10))
    r.sadd("h", *strs("m", 300))
    pi, pl, ph = r.dump("i"), r.dump("l"), r.dump("h")
    r.sadd("hi", *ints(600))
    r.srem("hi", *ints(595))   # a hashtable of 5 integers
    phi = r.dump("hi")
    assert (pi[0], pl[0], ph[0], phi[0]) == (11, 20, 2, 2)
    assert [enc(r, k) for k in ("i", "l", "h", "hi")] == ["intset", "listpack",
                                                           "hashtable", "hashtable"]
    limits(intset=5, entries=5)
    for key, p in (("i2", pi), ("l2", pl)):
        assert r.restore(key, 0, p) == b"OK"
        assert enc(r, key) == "hashtable"
    limits()
    for p, want in ((ph, "hashtable"), (phi, "intset")):
        assert r.restore("x", 0, p, replace=True) == b"OK"
        assert enc(r, "x") == want
    r.sadd("mixed", "1", "2")
    r.sadd("mixed", *strs("m", 300))
    r.srem("mixed", *strs("m", 299))
    pm = r.dump("mixed")
    assert r.restore("m2", 0, pm) == b"OK"
    assert enc(r, "m2") == "listpack" and members(r, "m2") == members(r, "mixed")


# --------------------------------------------------------------------------
# Type callbacks: COPY, RENAME, MOVE, MEMORY, DIGEST, lazy free
# --------------------------------------------------------------------------

COPY_SHAPES = [("intset", ints(20)), ("listpack", strs("m", 20)),
               ("hashtable", strs("m", 500))]


@pytest.mark.parametrize("shape,vals", COPY_SHAPES, ids=[s for s, _ in COPY_SHAPES])
def test_copy_rename_move(r, shape, vals, is_modis):
    r.sadd("s", *vals)
    e = enc(r, "s")
    assert r.copy("s", "c") is True
    assert enc(r, "c") == e and members(r, "c") == members(r, "s")
    r.sadd("c", "extra")
    assert not r.sismember("s", "extra")
    r.set("other", "x")
    assert r.copy("s", "other", replace=True) is True
    assert members(r, "other") == members(r, "s")
    assert r.rename("s", "t") is True
    assert enc(r, "t") == e and members(r, "t") == b(*vals)
    assert r.move("t", 2) is True
    r.execute_command("SELECT", 2)
    assert r.scard("t") == len(vals)
    r.execute_command("SELECT", 0)


def test_memory_usage_grows(r):
    r.sadd("i", *ints(10))
    r.sadd("h", *strs("member", 1000))
    small, big = r.memory_usage("i"), r.memory_usage("h")
    assert 0 < small < 200
    assert big > 1000 * 10
    r.sadd("h", *strs("more", 1000))
    assert r.memory_usage("h") > big


@pytest.mark.parametrize("shape,vals", COPY_SHAPES, ids=[s for s, _ in COPY_SHAPES])
def test_digest_value_ignores_encoding_and_order(r, limits, shape, vals):
    """DEBUG DIGEST-VALUE depends on the members only: the same members in
    another encoding, added in another order, or in a copy digest the same;
    one member more or less does not."""
    def digest(key):
        return r.execute_command("DEBUG", "DIGEST-VALUE", key)[0]
    r.sadd("s", *vals)
    limits(intset=0, entries=0)
    r.sadd("t", *reversed(vals))
    assert enc(r, "t") == "hashtable"
    assert digest("s") == digest("t")
    r.copy("s", "c")
    assert digest("c") == digest("s")
    r.srem("c", vals[0])
    assert digest("c") != digest("s")
    r.sadd("c", vals[0], "extra")
    assert digest("c") != digest("s")


@pytest.mark.modis_only
def test_big_set_freed_in_background(r):
    r.sadd("big", *strs("m", 5000))
    before = r.info("memory")["lazyfreed_objects"]
    assert r.unlink("big") == 1
    r.sadd("small", "a", "b")
    assert r.unlink("small") == 1  # cheap to free: at once, not counted
    for _ in range(100):
        if r.info("memory")["lazyfreed_objects"] == before + 1:
            break
        time.sleep(0.02)
    assert r.info("memory")["lazyfreed_objects"] == before + 1


# --------------------------------------------------------------------------
# Keyspace notifications, compared with redis-server
# --------------------------------------------------------------------------

NOTIFY_SCRIPT = [
    ("SADD", "s", "1", "2", "3"), ("SADD", "s", "2"), ("SADD", "s", "a"), ("SREM", "s", "x"),
    ("SREM", "s", "1", "2"), ("SREM", "s", "3", "a"), ("SADD", "s", "1", "2", "3", "4"),
    ("SPOP", "s"), ("SPOP", "s", "0"), ("SPOP", "s", "1"), ("SPOP", "s", "10"),
    ("SADD", "a", "x", "y"), ("SMOVE", "a", "b", "x"), ("SMOVE", "a", "b", "y"),
    ("SMOVE", "b", "b", "x"), ("SMOVE", "b", "c", "zz"), ("SADD", "c", "x"),
    ("SMOVE", "b", "c", "x"), ("SINTERSTORE", "d", "c", "c"), ("SINTERSTORE", "d", "nosuch"),
    ("SINTERSTORE", "d", "nosuch"), ("SUNIONSTORE", "e", "c", "b"), ("SDIFFSTORE", "e", "c", "c"),
    ("SET", "f", "v"), ("SUNIONSTORE", "f", "c"), ("SDIFFSTORE", "g", "c", "nosuch"),
    ("SINTERSTORE", "c", "c", "c"), ("SADD", "t", *strs("m", 200)), ("SPOP", "t", "190"),
    ("SPOP", "t", "3"), ("SPOP", "t", "100"), ("SRANDMEMBER", "c"), ("SISMEMBER", "c", "x"),
]


def events(port):
    c, sub = RespClient(port), RespClient(port)
    try:
        c.execute("FLUSHALL")
        c.execute("CONFIG", "SET", "notify-keyspace-events", "KEAn")
        sub.execute("PSUBSCRIBE", "__key*__:*")
        for cmd in NOTIFY_SCRIPT:
            c.execute(*cmd)
        c.execute("CONFIG", "SET", "notify-keyspace-events", "")
        out = []
        while True:
            try:
                m = sub.read(timeout=0.5)
            except Exception:
                return out
            out.append((m[2], m[3]))
    finally:
        c.close()
        sub.close()


def test_keyspace_events_equal_redis(server, ref_server):
    mine = events(server.port)
    assert len(mine) > 60
    assert mine == events(ref_server.port)


# --------------------------------------------------------------------------
# Propagation (AOF) and AOF rewrite
# --------------------------------------------------------------------------

def aof_commands(srv):
    """The commands of the server's current incr AOF, as lists of bytes."""
    d = os.path.join(srv.dir, "appendonlydir")
    name = sorted(f for f in os.listdir(d) if f.endswith(".incr.aof"))[-1]
    with open(os.path.join(d, name), "rb") as f:
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


@pytest.fixture
def aof_server(start_server):
    srv = start_server(["--appendonly", "yes", "--appendfsync", "always"])
    c = srv.resp()
    yield srv, c
    c.close()


def new_commands(srv, c, *cmd):
    """Run cmd; return (its reply, the commands it added to the AOF)."""
    before = len(aof_commands(srv))
    reply = c.execute(*cmd)
    return reply, aof_commands(srv)[before:]


@pytest.mark.modis_only
def test_spop_propagation(aof_server):
    """SPOP goes to the AOF as SREM of what was popped; SPOP with a count as
    SREM commands of at most 1024 members (Redis 7.4; 7.0 wrote one SREM per
    member), several of them in one MULTI/EXEC; popping everything as DEL,
    or UNLINK with lazyfree-lazy-server-del."""
    srv, c = aof_server
    c.execute("SADD", "s", *ints(3000))
    m, cmds = new_commands(srv, c, "SPOP", "s")
    assert cmds == [[b"SREM", b"s", m]]
    popped, cmds = new_commands(srv, c, "SPOP", "s", "10")
    assert cmds == [[b"SREM", b"s", *popped]]
    popped, cmds = new_commands(srv, c, "SPOP", "s", "2500")
    assert [x[0] for x in cmds] == [b"MULTI", b"SREM", b"SREM", b"SREM", b"EXEC"]
    assert [len(x) - 2 for x in cmds[1:4]] == [1024, 1024, 452]
    assert [m for x in cmds[1:4] for m in x[2:]] == popped
    left = c.execute("SCARD", "s")
    popped, cmds = new_commands(srv, c, "SPOP", "s", "1000")
    assert len(popped) == left and cmds == [[b"DEL", b"s"]]
    _, cmds = new_commands(srv, c, "SPOP", "s", "5")
    assert cmds == []  # nothing changed, nothing propagated
    c.execute("CONFIG", "SET", "lazyfree-lazy-server-del", "yes")
    c.execute("SADD", "s", "a", "b")
    _, cmds = new_commands(srv, c, "SPOP", "s", "2")
    assert cmds == [[b"UNLINK", b"s"]]


@pytest.mark.modis_only
def test_other_commands_propagate_verbatim_when_they_change(aof_server):
    srv, c = aof_server
    c.execute("SADD", "a", "1", "2")
    for cmd, changed in ((("SADD", "a", "1"), False), (("SREM", "a", "9"), False),
                         (("SMOVE", "a", "b", "9"), False), (("SMOVE", "a", "b", "1"), True),
                         (("SINTERSTORE", "d", "nosuch"), False),
                         (("SUNIONSTORE", "d", "a", "b"), True),
                         (("SDIFFSTORE", "d", "a", "a"), True),
                         (("SDIFFSTORE", "d", "a", "a"), False)):
        _, cmds = new_commands(srv, c, *cmd)
        assert cmds == ([[x.encode() for x in cmd]] if changed else []), cmd


@pytest.mark.modis_only
@pytest.mark.parametrize("preamble", ["yes", "no"])
def test_aof_rewrite_and_restart(start_server, preamble):
    """BGREWRITEAOF writes every set (as SADD commands of at most 64
    members without the RDB preamble) and a restart gives them back with
    their encodings and TTLs."""
    srv = start_server(["--appendonly", "yes", "--aof-use-rdb-preamble", preamble])
    c = srv.resp()
    c.execute("SADD", "i", *ints(100))
    c.execute("SADD", "l", *strs("m", 50))
    c.execute("SADD", "h", *strs("m", 150))
    c.execute("PEXPIREAT", "h", "4102444800000")
    want = {k: (sorted(c.execute("SMEMBERS", k)), c.execute("OBJECT", "ENCODING", k))
            for k in ("i", "l", "h")}
    assert c.execute("BGREWRITEAOF") == "Background append only file rewriting started"
    for _ in range(200):
        if parse_info(c.execute("INFO", "persistence"))["aof_rewrite_in_progress"] == "0":
            break
        time.sleep(0.05)
    d = os.path.join(srv.dir, "appendonlydir")
    base = [f for f in os.listdir(d) if ".base." in f][0]
    if preamble == "no":
        with open(os.path.join(d, base), "rb") as f:
            data = f.read()
        sadds = data.count(b"$4\r\nSADD\r\n")
        assert sadds == 2 + 1 + 3  # 100 = 64 + 36, 50, 150 = 64 + 64 + 22
    c.close()
    srv.kill()
    srv2 = start_server(["--appendonly", "yes", "--dir", srv.dir])
    c2 = srv2.resp()
    got = {k: (sorted(c2.execute("SMEMBERS", k)), c2.execute("OBJECT", "ENCODING", k))
           for k in ("i", "l", "h")}
    assert got == want
    assert c2.execute("PEXPIRETIME", "h") == 4102444800000
    c2.close()


# --------------------------------------------------------------------------
# The set.v1 service
# --------------------------------------------------------------------------

def uses_set_path():
    path = os.path.join(BUILDDIR, "tests", "modules", ".libs", "uses_set.so")
    if not os.path.exists(path):
        pytest.skip("%s not built (the test modules are built by `make check`)" % path)
    return path


@pytest.mark.modis_only
def test_set_v1_service(start_server):
    srv = start_server()
    c = srv.resp()
    try:
        assert c.execute("MODULE", "LOAD", uses_set_path()) == "OK"
        c.execute("SADD", "i", "3", "1", "2")
        c.execute("SADD", "l", "b", "a")
        c.execute("SADD", "h", *strs("m", 300))
        c.execute("SET", "str", "x")
        assert c.execute("USESET.CARD", "i") == 3
        assert c.execute("USESET.CARD", "missing") == 0
        assert error_of(c, "USESET.CARD", "str") == WRONGTYPE
        assert [c.execute("USESET.HAS", "i", m) for m in ("2", "02", "x")] == [1, 0, 0]
        assert c.execute("USESET.HAS", "h", "m299") == 1
        assert c.execute("USESET.MEMBERS", "i") == [[b"1", b"2", b"3"], 0]
        assert c.execute("USESET.MEMBERS", "l") == [[b"b", b"a"], 0]
        assert c.execute("USESET.MEMBERS", "i", "2") == [[b"1", b"2"], 7]
        got, rc = c.execute("USESET.MEMBERS", "h")
        assert sorted(got) == b(*strs("m", 300)) and rc == 0
        # Building: starts as SUNIONSTORE's result does, converts as SADD.
        assert c.execute("USESET.BUILD", "n", "5", "1", "5") == 2
        assert c.execute("OBJECT", "ENCODING", "n") == b"intset"
        assert c.execute("USESET.BUILD", "str", "x", "1") == 2  # replaces a string
        assert c.execute("OBJECT", "ENCODING", "str") == b"listpack"
        assert c.execute("USESET.BUILD", "big", *strs("m", 200)) == 200
        assert c.execute("OBJECT", "ENCODING", "big") == b"hashtable"
        assert c.execute("USESET.ADD", "n", "word") == 1   # intset -> listpack
        assert c.execute("OBJECT", "ENCODING", "n") == b"listpack"
        assert sorted(c.execute("SMEMBERS", "n")) == b("1", "5", "word")
        assert c.execute("USESET.ADD", "n", "1") == 0
        c.execute("FLUSHALL")  # keys of its type would stop the unload first
        err = error_of(c, "MODULE", "UNLOAD", "sets")
        assert "used by" in err and "uses_set" in err, err
        assert c.execute("MODULE", "UNLOAD", "uses_set") == "OK"
    finally:
        c.close()


# --------------------------------------------------------------------------
# Randomized model test
# --------------------------------------------------------------------------

def random_member(rng):
    kind = rng.randrange(5)
    if kind == 0:
        return str(rng.randrange(-300, 300))
    if kind == 1:
        return str(rng.choice([2**31, -2**40, 2**63 - 1, -2**63]) + rng.randrange(3))
    if kind == 2:
        return "s%d" % rng.randrange(300)
    if kind == 3:
        return "L%d-" % rng.randrange(50) + "x" * rng.randrange(40, 90)
    return rng.choice(["", "0", "-0", "01", "+1", " 1"])


@pytest.mark.parametrize("intset,entries,value", [(512, 128, 64), (16, 8, 10), (0, 0, 0)])
def test_random_model(r, r2, limits, intset, entries, value, is_modis):
    """A random mix of every command that changes sets, on three keys and
    under three parameter settings, against Python sets; after every step
    the contents (and SCARD, SISMEMBER) agree, and at the end SAVE-free
    DEBUG RELOAD keeps them."""
    if is_modis:
        limits(intset=intset, entries=entries, value=value)
    rng = random.Random(intset * 1000 + entries)
    model = {"a": set(), "b": set(), "c": set()}
    keys = sorted(model)
    for step in range(1500):
        op = rng.randrange(10)
        k, k2 = rng.choice(keys), rng.choice(keys)
        if op <= 2:
            ms = [random_member(rng) for _ in range(rng.randrange(1, 6))]
            assert r2.execute("SADD", k, *ms) == len(set(ms) - model[k])
            model[k].update(ms)
        elif op == 3:
            ms = [random_member(rng) for _ in range(rng.randrange(1, 4))]
            ms += rng.sample(sorted(model[k]), min(2, len(model[k])))
            assert r2.execute("SREM", k, *ms) == len(set(ms) & model[k])
            model[k].difference_update(ms)
        elif op == 4:
            n = rng.randrange(0, 6)
            got = r2.execute("SPOP", k, str(n))
            assert len(got) == min(n, len(model[k]))
            assert {g.decode() for g in got} <= model[k]
            model[k].difference_update(g.decode() for g in got)
        elif op == 5 and model[k]:
            m = rng.choice(sorted(model[k]))
            assert r2.execute("SMOVE", k, k2, m) == 1
            model[k].discard(m)
            model[k2].add(m)
        elif op == 6:
            srcs = [rng.choice(keys) for _ in range(rng.randrange(1, 4))]
            cmd = rng.choice(["SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"])
            sets = [model[s] for s in srcs]
            res = {"SINTERSTORE": lambda: set.intersection(*sets),
                   "SUNIONSTORE": lambda: set.union(*sets),
                   "SDIFFSTORE": lambda: sets[0].difference(*sets[1:])}[cmd]()
            assert r2.execute(cmd, k, *srcs) == len(res)
            model[k] = set(res)
        elif op == 7:
            n = rng.randrange(-5, 6)
            got = r2.execute("SRANDMEMBER", k, str(n))
            assert {g.decode() for g in got} <= model[k]
        elif op == 8:
            srcs = [rng.choice(keys) for _ in range(rng.randrange(1, 4))]
            assert r2.execute("SINTERCARD", str(len(srcs)), *srcs) == len(
                set.intersection(*[model[s] for s in srcs]))
        else:
            m = random_member(rng)
            assert r2.execute("SISMEMBER", k, m) == (m in model[k])
        assert r2.execute("SCARD", k) == len(model[k])
        if step % 50 == 0:
            for key in keys:
                assert {m.decode() for m in r2.execute("SMEMBERS", key)} == model[key]
                assert r.exists(key) == (1 if model[key] else 0)
    assert r.execute_command("DEBUG", "RELOAD") == b"OK"
    for key in keys:
        assert {m.decode() for m in r2.execute("SMEMBERS", key)} == model[key]
