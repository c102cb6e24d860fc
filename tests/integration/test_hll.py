"""HyperLogLog commands (modules/hll): PFADD, PFCOUNT, PFMERGE, PFDEBUG,
PFSELFTEST and the hll-sparse-max-bytes parameter.

Replies and error texts (through the raw RESP client `r2`), the bytes of
the value (Redis's header, sparse and dense encodings, the cached
cardinality and its invalidation), estimates against true cardinalities,
corrupted values (INVALIDOBJ, WRONGTYPE for strings that are not
HyperLogLogs, the key left as it was, the server alive after a fuzz),
keyspace events and the change counter, and interoperability with the
reference redis-server 7.0: the same adds give the same bytes, and values
DUMPed by either side RESTORE on the other with the same counts (the
HyperLogLog of the RDB fixture included). Module wiring: hll.so requires
string.v1 revision 2 and pins the strings module."""

import os
import random
import shutil
import time

import pytest

from modis_helpers import REPO, RespClient, Server, error_of

WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value"
NOT_HLL = "WRONGTYPE Key is not a valid HyperLogLog string value."
CORRUPT = "INVALIDOBJ Corrupted HLL object detected"
BUILDDIR = os.environ.get("MODIS_BUILDDIR") or REPO
REDIS_BIN = "/usr/bin/redis-server"
FIXTURE = os.path.join(REPO, "tests", "fixtures", "rdb", "redis-7.0.rdb")
HDR_SPARSE = b"HYLL\x01\x00\x00\x00"


def arity(cmd):
    return "ERR wrong number of arguments for '%s' command" % cmd


def changes(r):
    return int(r.info("persistence")["rdb_changes_since_last_save"])


def sparse(body, cache=b"\x00" * 7 + b"\x80"):
    return HDR_SPARSE + cache + body


# --------------------------------------------------------------------------
# PFADD / PFCOUNT
# --------------------------------------------------------------------------

def test_pfadd_pfcount(r):
    assert r.pfcount("h") == 0
    assert r.pfadd("h") == 1                  # creates an empty HyperLogLog
    # a fresh sparse value: one XZERO over every register, cache stale
    assert r.get("h") == HDR_SPARSE + b"\x00" * 7 + b"\x80\x7f\xff"
    assert r.pfadd("h") == 0
    assert r.pfadd("h", "a", "b", "c") == 1
    assert r.pfadd("h", "a", "b", "c") == 0
    assert r.pfadd("h", "a", "d") == 1
    assert r.pfcount("h") == 4
    r.pfadd("h2", "x", "y", "a")
    assert r.pfcount("h", "h2") == 6
    assert r.pfcount("h", "h2", "missing") == 6
    assert r.pfcount("missing", "missing2") == 0
    assert r.type("h") == b"string"
    r.pfadd("bin", b"", b"\x00\xff\r\n")
    assert r.pfcount("bin") == 2


def test_cached_cardinality(r):
    r.pfadd("h", "a", "b", "c")
    v = r.get("h")
    assert v[:4] == b"HYLL" and v[4] == 1 and v[15] & 0x80   # stale cache
    assert r.pfcount("h") == 3
    v = r.get("h")
    assert v[8:16] == (3).to_bytes(8, "little")                # stored
    r.pfadd("h", "a")
    assert r.get("h")[8:16] == (3).to_bytes(8, "little")       # no change
    r.pfadd("h", "z")
    assert r.get("h")[15] & 0x80
    # a union count leaves the caches alone
    r.pfadd("h2", "q")
    r.pfcount("h", "h2")
    assert r.get("h")[15] & 0x80 and r.get("h2")[15] & 0x80
    # a valid cache is trusted, as Redis does
    r.set("cached", sparse(b"\x7f\xff", cache=(7).to_bytes(8, "little")))
    assert r.pfcount("cached") == 7


def test_pfcount_counts_cache_updates_as_changes(r):
    r.pfadd("h", "a", "b")
    before = changes(r)
    assert r.pfcount("h") == 2
    assert changes(r) == before + 1           # the cache was written
    assert r.pfcount("h") == 2
    assert r.pfadd("h", "a") == 0
    assert changes(r) == before + 1
    assert r.pfadd("h", "x", "y") == 1
    assert changes(r) == before + 3           # one per register raised


def test_estimates(r):
    pipe = r.pipeline(transaction=False)
    for i in range(0, 100000, 1000):
        pipe.pfadd("big", *("el:%d" % j for j in range(i, i + 1000)))
    pipe.execute()
    est = r.pfcount("big")
    assert abs(est - 100000) < 2000
    assert r.execute_command("PFDEBUG", "ENCODING", "big") == b"dense"
    assert len(r.get("big")) == 12304
    r.pfadd("small", *("el:%d" % j for j in range(200)))
    assert abs(r.pfcount("small") - 200) <= 4
    assert r.pfcount("small", "big") == est


def test_errors(r, r2, nonstring):
    assert error_of(r2, "PFADD") == arity("pfadd")
    assert error_of(r2, "PFCOUNT") == arity("pfcount")
    assert error_of(r2, "PFMERGE") == arity("pfmerge")
    assert error_of(r2, "PFDEBUG", "ENCODING") == arity("pfdebug")
    assert error_of(r2, "PFSELFTEST", "x") == arity("pfselftest")
    other = nonstring()
    for cmd in (["PFADD", other.key, "a"], ["PFCOUNT", other.key], ["PFCOUNT", "m", other.key],
                ["PFMERGE", other.key], ["PFMERGE", "d", other.key],
                ["PFDEBUG", "ENCODING", other.key]):
        assert error_of(r2, *cmd) == WRONGTYPE, cmd
    bad = {"str": b"hello", "int": b"123456789012345678", "short": b"HYLL",
           "enc2": b"HYLL\x02" + b"\x00" * 11 + b"\x7f\xff",
           "densebad": b"HYLL\x00" + b"\x00" * 11 + b"\x7f\xff",
           "magic": b"HYLM\x01" + b"\x00" * 11 + b"\x7f\xff"}
    for key, val in bad.items():
        r.set(key, val)
        for cmd in (["PFADD", key, "a"], ["PFCOUNT", key], ["PFCOUNT", "h", key],
                    ["PFMERGE", key], ["PFMERGE", "d", key], ["PFDEBUG", "GETREG", key]):
            assert error_of(r2, *cmd) == NOT_HLL, (key, cmd)
        assert r.get(key) == val
    assert r.exists("d") == 0


# --------------------------------------------------------------------------
# PFMERGE
# --------------------------------------------------------------------------

def test_pfmerge(r):
    r.pfadd("a", "1", "2", "3")
    r.pfadd("b", "3", "4")
    assert r.pfmerge("d", "a", "b") is True
    assert r.pfcount("d") == 4
    r.pfadd("c", "9")
    assert r.pfmerge("c", "a") is True        # the destination is a source too
    assert r.pfcount("c") == 4
    assert r.execute_command("PFMERGE", "fresh") is True
    assert r.get("fresh") == HDR_SPARSE + b"\x00" * 7 + b"\x80\x7f\xff"
    r.pfadd("t", "x")
    r.expire("t", 1000)
    r.pfmerge("t", "a")
    assert 990 < r.ttl("t") <= 1000           # merged in place
    assert r.pfcount("t") == 4


def test_pfmerge_goes_dense_with_a_dense_input(r):
    r.pfadd("s", "a")
    r.pfadd("d", "b")
    r.execute_command("PFDEBUG", "TODENSE", "d")
    r.pfmerge("m", "s", "d")
    assert r.execute_command("PFDEBUG", "ENCODING", "m") == b"dense"
    assert r.pfcount("m") == 2
    r.pfmerge("m2", "s")
    assert r.execute_command("PFDEBUG", "ENCODING", "m2") == b"sparse"


# --------------------------------------------------------------------------
# Encodings and hll-sparse-max-bytes
# --------------------------------------------------------------------------

def test_sparse_max_bytes(r, r2, restore_config):
    restore_config("hll-sparse-max-bytes")
    assert r2.execute("CONFIG", "GET", "hll-sparse-max-bytes") == [b"hll-sparse-max-bytes",
                                                                   b"3000"]
    r.config_set("hll-sparse-max-bytes", "1k")
    assert r.config_get("hll-sparse-max-bytes") == {"hll-sparse-max-bytes": "1000"}
    assert error_of(r2, "CONFIG", "SET", "hll-sparse-max-bytes", "abc") == (
        "ERR CONFIG SET failed (possibly related to argument 'hll-sparse-max-bytes') - "
        "argument must be a memory value")
    r.config_set("hll-sparse-max-bytes", 30)
    r.pfadd("h", "a")
    assert r.execute_command("PFDEBUG", "ENCODING", "h") == b"sparse"
    r.pfadd("h", "b", "c", "d", "e", "f", "g")
    assert r.execute_command("PFDEBUG", "ENCODING", "h") == b"dense"
    assert r.pfcount("h") == 7


@pytest.mark.modis_only
def test_sparse_max_bytes_from_the_command_line(start_server):
    srv = start_server(["--hll-sparse-max-bytes", "20"])
    c = RespClient(srv.port)
    assert c.execute("CONFIG", "GET", "hll-sparse-max-bytes") == [b"hll-sparse-max-bytes", b"20"]
    c.execute("PFADD", "h", "a", "b")
    assert c.execute("PFDEBUG", "ENCODING", "h") == "dense"
    c.close()


def test_pfdebug(r, r2):
    r.pfadd("h", "a", "b", "c")
    assert r.execute_command("PFDEBUG", "ENCODING", "h") == b"sparse"
    # (redis-server 7.0 decodes the same adds the same way)
    assert r.execute_command("PFDEBUG", "DECODE", "h") == \
        b"Z:8436 v:1,1 Z:4274 v:2,1 Z:3068 v:1,1 Z:603"
    regs = r2.execute("PFDEBUG", "GETREG", "h")      # turns it dense
    assert len(regs) == 16384 and sum(1 for x in regs if x) == 3
    assert r.execute_command("PFDEBUG", "ENCODING", "h") == b"dense"
    assert r.pfcount("h") == 3
    assert error_of(r2, "PFDEBUG", "DECODE", "h") == "ERR HLL encoding is not sparse"
    assert r.execute_command("PFDEBUG", "TODENSE", "h") == 0
    r.pfadd("h2", "x")
    assert r.execute_command("PFDEBUG", "TODENSE", "h2") == 1
    assert len(r.get("h2")) == 12304
    assert error_of(r2, "PFDEBUG", "FOO", "h") == "ERR Unknown PFDEBUG subcommand 'FOO'"
    assert error_of(r2, "PFDEBUG", "FOO", "missing") == "ERR The specified key does not exist"
    assert error_of(r2, "PFDEBUG", "a\r\nb", "h") == "ERR Unknown PFDEBUG subcommand 'a  b'"


def test_pfselftest(r2):
    assert r2.execute("PFSELFTEST") == "OK"


# --------------------------------------------------------------------------
# Corrupted values
# --------------------------------------------------------------------------

def test_corrupt_sparse_values(r, r2):
    bad = {"short": sparse(b"\x7f\xfe"),          # covers 16383 registers
           "long": sparse(b"\x7f\xff\x00"),       # 16385
           "over": sparse(b"\x7f\xfe\x81"),       # a VAL run past the end
           "cut": sparse(b"\x7f"),                # XZERO missing a byte
           "empty": sparse(b"")}
    r.pfadd("good", "a")
    for key, val in bad.items():
        r.set(key, val)
        for cmd in (["PFCOUNT", key], ["PFCOUNT", "good", key], ["PFMERGE", "d", key],
                    ["PFMERGE", key, "good"], ["PFDEBUG", "TODENSE", key],
                    ["PFDEBUG", "GETREG", key]):
            assert error_of(r2, *cmd) == CORRUPT, (key, cmd)
        assert r.get(key) == val
        assert r.execute_command("PFDEBUG", "ENCODING", key) == b"sparse"
    assert r.exists("d") == 0
    assert error_of(r2, "PFADD", "empty", "a") == CORRUPT
    assert r.execute_command("PFDEBUG", "DECODE", "cut") == b"Z:16129"


@pytest.mark.modis_only
def test_failed_pfadd_changes_nothing(r, r2):
    """Redis applies the elements before the one that finds the damage;
    Modis works on a copy and keeps the key as it was."""
    val = sparse(b"\x7f\xfe")                 # register 16383 is not covered
    r.set("h", val)
    elements = ["e%d" % i for i in range(60000)]
    assert error_of(r2, "PFADD", "h", *elements) == CORRUPT
    assert r.get("h") == val
    # elements whose registers are covered still go in, as in Redis
    assert r.pfadd("h", "a") == 1


def _mutate(rnd, val):
    b = bytearray(val)
    for _ in range(rnd.randint(1, 4)):
        at = rnd.randrange(16, len(b)) if len(b) > 16 else 16
        kind = rnd.randrange(3)
        if kind == 0 and at < len(b):
            b[at] = rnd.getrandbits(8)
        elif kind == 1:
            del b[at:]
        else:
            b.insert(at, rnd.getrandbits(8))
    return bytes(b)


def test_fuzz_corrupted_values(r, server, is_modis):
    rnd = random.Random(1234)
    r.pfadd("src", *("f%d" % i for i in range(300)))
    r.pfadd("good", "x")
    src = r.get("src")
    for i in range(400):
        val = _mutate(rnd, src)
        r.set("f", val)
        for cmd in (["PFCOUNT", "f"], ["PFCOUNT", "f", "good"], ["PFADD", "f", "e%d" % i],
                    ["PFMERGE", "m", "f", "good"], ["PFDEBUG", "DECODE", "f"],
                    ["PFDEBUG", "GETREG", "f"]):
            val = r.get("f")   # a command that succeeded may have changed it
            try:
                r.execute_command(*cmd)
            except Exception as e:  # noqa: BLE001 - only the two errors are allowed
                assert str(e) in (CORRUPT, NOT_HLL), (cmd, str(e))
                if is_modis:
                    assert r.get("f") == val, cmd
    assert server.alive() and r.ping()


# --------------------------------------------------------------------------
# Events
# --------------------------------------------------------------------------

def test_keyspace_events(r, restore_config):
    restore_config("notify-keyspace-events")
    r.config_set("notify-keyspace-events", "KEA")
    p = r.pubsub()
    p.psubscribe("__keyevent@0__:*")
    p.get_message(timeout=2)
    r.pfadd("h", "a")
    r.pfadd("h", "a")          # no change: no event
    r.pfcount("h")             # writes the cache, no event
    r.pfmerge("m", "h")
    r.set("__end__", 1)
    events = []
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        m = p.get_message(timeout=1)
        if m and m["type"] == "pmessage":
            ev = (m["channel"].split(b":", 1)[1], m["data"])
            if ev[1] == b"__end__":
                break
            events.append(ev)
    p.close()
    assert events == [(b"pfadd", b"h"), (b"pfadd", b"m")]


# --------------------------------------------------------------------------
# Interoperability with redis-server 7.0
# --------------------------------------------------------------------------

@pytest.fixture
def ref():
    if not os.path.exists(REDIS_BIN):
        pytest.skip("reference %s is not installed" % REDIS_BIN)
    srv = Server(conf=None, binary=REDIS_BIN).start()
    client = srv.client()
    yield client
    client.close()
    srv.stop()


def _fill(client, key, n, prefix="el:"):
    pipe = client.pipeline(transaction=False)
    for i in range(0, n, 1000):
        pipe.pfadd(key, *("%s%d" % (prefix, j) for j in range(i, min(n, i + 1000))))
    pipe.execute()


def test_same_adds_same_bytes(r, ref):
    for key, n in (("tiny", 3), ("sparse", 900), ("dense", 50000)):
        _fill(r, key, n)
        _fill(ref, key, n)
        assert r.get(key) == ref.get(key), key
        assert r.pfcount(key) == ref.pfcount(key), key
        assert r.get(key) == ref.get(key), key           # the cache too
        assert r.dump(key) == ref.dump(key), key
    assert r.pfcount("tiny", "sparse", "dense") == ref.pfcount("tiny", "sparse", "dense")
    r.pfmerge("m", "tiny", "sparse")
    ref.pfmerge("m", "tiny", "sparse")
    assert r.get("m") == ref.get("m")
    r.pfmerge("m", "dense")
    ref.pfmerge("m", "dense")
    assert r.get("m") == ref.get("m")


def test_dump_restore_both_ways(r, ref):
    _fill(ref, "from_redis", 2000, "r:")
    _fill(ref, "from_redis_dense", 30000, "r:")
    _fill(r, "from_modis", 2000, "m:")
    for key in ("from_redis", "from_redis_dense"):
        r.restore(key, 0, ref.dump(key))
        assert r.pfcount(key) == ref.pfcount(key)
        assert r.get(key) == ref.get(key)
    ref.restore("from_modis", 0, r.dump("from_modis"))
    assert ref.pfcount("from_modis") == r.pfcount("from_modis")
    r.pfadd("from_redis", "new")
    ref.pfadd("from_redis", "new")
    assert r.get("from_redis") == ref.get("from_redis")
    assert r.pfcount("from_redis", "from_modis") == ref.pfcount("from_redis", "from_modis")


def test_rdb_fixture_values(r, tmp_path):
    """The HyperLogLog and the bitmap of the RDB fixture, written by Redis
    7.0, moved over with DUMP/RESTORE."""
    if not os.path.exists(REDIS_BIN) or not os.path.exists(FIXTURE):
        pytest.skip("reference server or fixture missing")
    shutil.copy(FIXTURE, str(tmp_path / "dump.rdb"))
    os.chmod(str(tmp_path / "dump.rdb"), 0o644)
    srv = Server(conf=None, binary=REDIS_BIN, dir=str(tmp_path)).start()
    try:
        ref = srv.client()
        for key in ("hll", "bits"):
            r.restore(key, 0, ref.dump(key))
            assert r.get(key) == ref.get(key)
        assert r.pfcount("hll") == ref.pfcount("hll")
        assert r.bitcount("bits") == ref.bitcount("bits")
        assert r.bitpos("bits", 1) == ref.bitpos("bits", 1)
        ref.close()
    finally:
        srv.stop()


# --------------------------------------------------------------------------
# Metadata and module wiring
# --------------------------------------------------------------------------

@pytest.mark.modis_only
def test_command_docs(r2):
    docs = r2.execute("COMMAND", "DOCS", "pfmerge")
    d = dict(zip(docs[1][0::2], docs[1][1::2]))
    assert d[b"group"] == b"hyperloglog"
    assert d[b"since"] == b"2.8.9"
    assert d[b"summary"] == b"Merges one or more HyperLogLog values into a single key."
    assert d[b"module"] == b"hll"


def module_path(name):
    path = os.path.join(BUILDDIR, "modules", name, ".libs", name + ".so")
    if not os.path.exists(path):
        pytest.skip("%s not built" % path)
    return path


@pytest.mark.modis_only
def test_requires_the_strings_module(start_server):
    srv = start_server(conf=None)
    c = RespClient(srv.port)
    assert error_of(c, "MODULE", "LOAD", module_path("hll")) == (
        "ERR Error loading the extension: module 'hll' requires service 'string.v1' >= 2, "
        "which no loaded module provides")
    assert c.execute("COMMAND", "INFO", "pfadd") == [None]
    assert c.execute("CONFIG", "GET", "hll-sparse-max-bytes") == []
    assert c.execute("MODULE", "LOAD", module_path("strings")) == "OK"
    assert c.execute("MODULE", "LOAD", module_path("hll")) == "OK"
    assert c.execute("PFADD", "h", "a") == 1
    c.execute("FLUSHALL")
    assert error_of(c, "MODULE", "UNLOAD", "strings") == \
        "ERR Error unloading module: module 'strings' is used by module 'hll'"
    assert c.execute("PFCOUNT", "h") == 0
    assert c.execute("MODULE", "UNLOAD", "hll") == "OK"
    assert c.execute("CONFIG", "GET", "hll-sparse-max-bytes") == []
    assert c.execute("MODULE", "UNLOAD", "strings") == "OK"
    c.close()
