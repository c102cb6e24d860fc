"""RDB persistence end to end (persist/save.c, persist/rdb.c, persist/child.c):

- SAVE / BGSAVE, then a restart on the same directory: every key of every
  encoding (int/embstr/raw strings, listpack/hashtable hashes, hash field
  TTLs, listpack/quicklist lists, compressed quicklist nodes, big values),
  TTLs and several databases come back exactly, with the same OBJECT
  ENCODING; keys whose TTL passed while the server was down are counted in
  rdb_last_load_keys_expired and not loaded;
- BGSAVE's replies and errors, BGSAVE SCHEDULE and BGSAVE inside EXEC,
  LASTSAVE, save points started from cron, FLUSHALL killing a running
  BGSAVE and resetting the dirty counter, the INFO persistence and
  fork fields;
- DEBUG RELOAD and its MERGE / NOFLUSH / NOSAVE options;
- SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT] and SIGTERM saving (or not),
  and refusing to exit when the final save fails;
- stop-writes-on-bgsave-error: the MISCONF error after a failed BGSAVE;
- damaged files (truncated, a flipped byte, an unknown type byte, a type no
  module claims, a wrong magic) stop the server at start-up with one log
  line naming the file, the offset, the cause and what to do;
- the fixtures in tests/fixtures/rdb: old-hash-zipmap, old-hash-ziplist
  and old-list-quicklist load directly; redis-7.0.rdb and old-encodings.rdb
  go through the real redis-server first, which deletes the keys of types
  Modis has no module for and saves again; those two and
  redis-unstable-2024-10.rdb (RDB 12) also load directly with the other
  types' keys cut out of the file; unfiltered, the load fails naming the
  module to load;
- the real redis-server (7.0) loads the files Modis writes.

The tests that only use the target server also run against redis-server
(MODIS_SERVER=/usr/bin/redis-server); those that check Modis's own log
texts or need Redis 7.4 features are modis_only."""

import base64
import glob
import json
import os
import re
import shutil
import signal
import tempfile
import time

import pytest

from modis_helpers import (DEFAULT, REPO, ReplyError, RespClient, Server, default_conf, error_of,
                           parse_info)
from rdb_reader import keep_types

REDIS_BIN = "/usr/bin/redis-server"
FIXTURES = os.path.join(REPO, "tests", "fixtures", "rdb")
FAR_FUTURE_MS = 4102444800000  # 2100-01-01
MISCONF = ("MISCONF Redis is configured to save RDB snapshots, but it's currently unable "
           "to persist to disk. Commands that may modify the data set are disabled, because "
           "this instance is configured to report errors during writes if RDB snapshotting "
           "fails (stop-writes-on-bgsave-error option). Please check the Redis logs for "
           "details about the RDB error.")
SAVE_POINTS = ["--save", "3600 1 300 100 60 10000"]


# --------------------------------------------------------------------------
# Servers on a directory of our own
# --------------------------------------------------------------------------

@pytest.fixture
def datadir():
    d = tempfile.mkdtemp(prefix="modis-rdb-")
    yield d
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture
def servers():
    """start(dir, *args, binary=None, conf=...) -> a started Server on dir,
    stopped (SIGTERM) at the end of the test."""
    started = []

    def start(dirpath, *args, **kw):
        srv = Server(list(args), dir=dirpath, **kw)
        started.append(srv)
        return srv.start()

    yield start
    for srv in started:
        srv.stop()


def start_fails(dirpath, *args, conf=DEFAULT):
    """Start the target on dirpath and expect it to exit with status 1
    before serving; returns its log."""
    srv = Server(list(args), dir=dirpath, conf=conf)
    with pytest.raises(RuntimeError):
        srv.start(timeout=10)
    assert srv.proc.returncode == 1
    return srv.log().rsplit("\n--- ", 1)[-1]  # this run only


def info(c, section="persistence"):
    return parse_info(c.execute("INFO", section))


def wait_for(cond, timeout=10.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return
        time.sleep(0.05)
    raise AssertionError("timed out waiting for " + what)


def wait_bgsave_done(c):
    wait_for(lambda: info(c)["rdb_bgsave_in_progress"] == "0", what="the BGSAVE to end")


def stop_without_saving(srv):
    """Stop so that only what was saved before remains (SHUTDOWN NOSAVE)."""
    c = srv.resp()
    c.conn.send_command("SHUTDOWN", "NOSAVE")
    assert c.conn.is_closed(10)
    srv.proc.wait(10)
    srv.stop()


# --------------------------------------------------------------------------
# Filling and comparing datasets
# --------------------------------------------------------------------------

DBS = (0, 1, 15)


def fill(c, field_ttls=False, small_list="listpack", small_set="listpack"):
    """One key of every encoding the strings, hashes, lists and sets
    modules have, TTLs, and keys in dbs 1 and 15. Returns the expected
    encodings. small_list / small_set: what a short list / set of strings
    is ("quicklist" / "hashtable" in Redis 7.0, which has no listpack lists
    or sets; "listpack" from Redis 7.2 on); small_set None leaves such sets
    out (a listpack set needs RDB 11, which Redis 7.0 cannot read)."""
    enc = {}

    def put(key, encoding, *cmd):
        c.execute(*cmd)
        enc[key] = encoding

    put(b"s:int", "int", "SET", "s:int", "12345")
    put(b"s:neg", "int", "SET", "s:neg", "-9223372036854775808")
    put(b"s:embstr", "embstr", "SET", "s:embstr", "hello world")
    put(b"s:notint", "embstr", "SET", "s:notint", "0123")
    put(b"s:empty", "embstr", "SET", "s:empty", "")
    put(b"s:raw", "raw", "SET", "s:raw", "r" * 100)
    put(b"s:bin", "raw", "SET", "s:bin", bytes(range(256)))
    put(b"s:big", "raw", "SET", "s:big", b"abcdefgh" * 200000)
    put(b"s:random", "raw", "SET", "s:random", os.urandom(70000))
    put(b"s:ttl", "embstr", "SET", "s:ttl", "soon", "PXAT", FAR_FUTURE_MS + 123)
    put(b"h:small", "listpack", "HSET", "h:small", "a", "1", "b", "x" * 30, "c", "-7")
    put(b"h:bigvalue", "hashtable", "HSET", "h:bigvalue", "f", "v" * 100, "g", "1")
    args = []
    for i in range(1000):
        args += ["f%d" % i, "value%d" % i]
    put(b"h:big", "hashtable", "HSET", "h:big", *args)
    c.execute("PEXPIREAT", "h:big", FAR_FUTURE_MS + 5)
    put(b"l:small", small_list, "RPUSH", "l:small", "a", "1", "-2", "", "x" * 40)
    put(b"l:quick", "quicklist", "RPUSH", "l:quick", *["e%d" % i for i in range(5000)])
    put(b"l:longelems", "quicklist", "RPUSH", "l:longelems", *[os.urandom(3000) for _ in range(20)])
    c.execute("CONFIG", "SET", "list-compress-depth", "1")
    put(b"l:compressed", "quicklist", "RPUSH", "l:compressed",
        *["compressible-element-%d" % (i % 7) for i in range(20000)])
    c.execute("CONFIG", "SET", "list-compress-depth", "0")
    c.execute("PEXPIREAT", "l:small", FAR_FUTURE_MS + 7)
    put(b"set:int", "intset", "SADD", "set:int", "3", "-100", "70000", "1")
    put(b"set:int64", "intset", "SADD", "set:int64", "1", "-9223372036854775808")
    put(b"set:big", "hashtable", "SADD", "set:big", *["member:%d" % i for i in range(1000)])
    put(b"set:bigints", "hashtable", "SADD", "set:bigints", *[str(i) for i in range(600)])
    put(b"set:long", "hashtable", "SADD", "set:long", "y" * 100)
    c.execute("PEXPIREAT", "set:int", FAR_FUTURE_MS + 17)
    if small_set:
        put(b"set:small", small_set, "SADD", "set:small", "a", "1", "", "x" * 40)
        c.execute("PEXPIREAT", "set:small", FAR_FUTURE_MS + 19)
    if field_ttls:
        put(b"hf:small", "listpackex", "HSET", "hf:small", "a", "1", "b", "2", "c", "3")
        c.execute("HPEXPIREAT", "hf:small", FAR_FUTURE_MS + 11, "FIELDS", "2", "a", "c")
        put(b"hf:big", "hashtable", "HSET", "hf:big", *args)
        c.execute("HPEXPIREAT", "hf:big", FAR_FUTURE_MS + 13, "FIELDS", "3", "f1", "f500", "f999")
    c.execute("SELECT", "1")
    put(b"d1:s", "embstr", "SET", "d1:s", "in db 1")
    put(b"d1:set", "intset", "SADD", "d1:set", "5")
    c.execute("SELECT", "15")
    put(b"d15:l", small_list, "RPUSH", "d15:l", "x", "y")
    put(b"d15:h", "listpack", "HSET", "d15:h", "k", "v")
    c.execute("SELECT", "0")
    return enc


def all_keys(c):
    keys, cursor = set(), b"0"
    while True:
        cursor, batch = c.execute("SCAN", cursor, "COUNT", "1000")
        keys.update(batch)
        if cursor == b"0":
            return keys


def value_of(c, key, t, field_ttls):
    if t == "string":
        return c.execute("GET", key)
    if t == "list":
        return c.execute("LRANGE", key, "0", "-1")
    if t == "set":
        return sorted(c.execute("SMEMBERS", key))
    if t == "hash":
        flat = c.execute("HGETALL", key)
        pairs = sorted(zip(flat[::2], flat[1::2]))
        if not field_ttls:
            return pairs
        fields = [f for f, _ in pairs]
        ttls = c.execute("HPEXPIRETIME", key, "FIELDS", str(len(fields)), *fields)
        return [(f, v, t) for (f, v), t in zip(pairs, ttls)]
    raise AssertionError("unexpected type %r for %r" % (t, key))


def snapshot(c, field_ttls=False, dbs=DBS):
    """{(db, key): (type, value, pexpiretime, encoding)} of the given dbs."""
    snap = {}
    for db in dbs:
        c.execute("SELECT", str(db))
        for k in sorted(all_keys(c)):
            t = c.execute("TYPE", k)
            snap[(db, k)] = (t, value_of(c, k, t, field_ttls), c.execute("PEXPIRETIME", k),
                             c.execute("OBJECT", "ENCODING", k).decode())
    c.execute("SELECT", "0")
    return snap


def assert_same(before, after):
    assert sorted(before) == sorted(after)
    for k in before:
        assert after[k] == before[k], "key %r differs" % (k,)


def check_encodings(snap, enc):
    got = {k: v[3] for (db, k), v in snap.items()}
    assert got == enc


def rdb_version(path):
    with open(path, "rb") as f:
        head = f.read(9)
    assert head[:5] == b"REDIS"
    return int(head[5:])


# --------------------------------------------------------------------------
# SAVE, BGSAVE and restarts
# --------------------------------------------------------------------------

def test_save_and_restart_roundtrips_every_encoding(datadir, servers, is_modis):
    srv = servers(datadir)
    c = srv.resp()
    enc = fill(c, field_ttls=is_modis, small_list="listpack" if is_modis else "quicklist",
               small_set="listpack" if is_modis else "hashtable")
    before = snapshot(c, field_ttls=is_modis)
    check_encodings(before, enc)
    assert c.execute("SAVE") == "OK"
    ver = rdb_version(os.path.join(datadir, "dump.rdb"))
    stop_without_saving(srv)

    srv2 = servers(datadir)
    c2 = srv2.resp()
    after = snapshot(c2, field_ttls=is_modis)
    assert_same(before, after)
    inf = info(c2)
    assert inf["rdb_last_load_keys_loaded"] == str(len(before))
    assert inf["rdb_last_load_keys_expired"] == "0"
    assert inf["loading"] == "0"
    assert re.search(r"DB loaded from disk: \d+\.\d{3} seconds", srv2.log())
    if is_modis:
        # Hash field TTLs need RDB 12 (Redis 7.4's hash types 24/25).
        assert ver == 12


@pytest.mark.modis_only
def test_version_is_10_without_field_ttls(datadir, servers):
    """The header holds the lowest version that can hold the types written,
    so Redis 7.0 (RDB 10) can load it."""
    srv = servers(datadir)
    c = srv.resp()
    fill(c, field_ttls=False, small_set=None)
    assert c.execute("SAVE") == "OK"
    assert rdb_version(os.path.join(datadir, "dump.rdb")) == 10


@pytest.mark.modis_only
def test_version_is_11_with_a_listpack_set(datadir, servers):
    """A listpack set (type 20) needs RDB 11, as in Redis 7.2."""
    srv = servers(datadir)
    c = srv.resp()
    c.execute("SADD", "s", "a", "b")
    assert c.execute("SAVE") == "OK"
    assert rdb_version(os.path.join(datadir, "dump.rdb")) == 11
    c.execute("SADD", "s2", "1", "2")
    c.execute("SADD", "s3", *["m%d" % i for i in range(200)])
    c.execute("DEL", "s")
    assert c.execute("SAVE") == "OK"
    assert rdb_version(os.path.join(datadir, "dump.rdb")) == 10


def test_bgsave_and_restart(datadir, servers, is_modis):
    srv = servers(datadir)
    c = srv.resp()
    fill(c, field_ttls=is_modis)
    before = snapshot(c, field_ttls=is_modis)
    saves = int(info(c)["rdb_saves"])
    forks = int(info(c, "stats")["total_forks"])
    assert int(info(c)["rdb_changes_since_last_save"]) > 0
    assert c.execute("BGSAVE") == "Background saving started"
    wait_bgsave_done(c)
    inf = info(c)
    assert inf["rdb_last_bgsave_status"] == "ok"
    assert inf["rdb_changes_since_last_save"] == "0"
    assert int(inf["rdb_saves"]) == saves + 1
    assert int(inf["rdb_last_bgsave_time_sec"]) >= 0
    assert inf["rdb_current_bgsave_time_sec"] == "-1"
    stats = info(c, "stats")
    assert int(stats["total_forks"]) == forks + 1
    assert int(stats["latest_fork_usec"]) > 0
    assert c.execute("LASTSAVE") == int(inf["rdb_last_save_time"])
    assert "Background saving terminated with success" in srv.log()
    assert not glob.glob(os.path.join(datadir, "temp-*.rdb"))
    stop_without_saving(srv)

    srv2 = servers(datadir)
    assert_same(before, snapshot(srv2.resp(), field_ttls=is_modis))


def test_expired_keys_are_not_loaded(datadir, servers):
    srv = servers(datadir)
    c = srv.resp()
    c.execute("SET", "stays", "1")
    c.execute("SET", "goes", "1", "PX", "300")
    c.execute("HSET", "h", "f", "v")
    c.execute("PEXPIRE", "h", "300")
    assert c.execute("SAVE") == "OK"
    stop_without_saving(srv)
    time.sleep(0.5)
    srv2 = servers(datadir)
    c2 = srv2.resp()
    assert all_keys(c2) == {b"stays"}
    inf = info(c2)
    assert inf["rdb_last_load_keys_loaded"] == "1"
    assert inf["rdb_last_load_keys_expired"] == "2"


@pytest.mark.modis_only
def test_expired_hash_fields_are_not_loaded(datadir, servers):
    """Redis 7.4: fields whose TTL passed are dropped on load; a hash left
    without fields is not loaded at all."""
    srv = servers(datadir)
    c = srv.resp()
    c.execute("HSET", "some", "keep", "1", "drop", "2")
    c.execute("HPEXPIRE", "some", "300", "FIELDS", "1", "drop")
    c.execute("HSET", "all", "a", "1")
    c.execute("HPEXPIRE", "all", "300", "FIELDS", "1", "a")
    assert c.execute("SAVE") == "OK"
    stop_without_saving(srv)
    time.sleep(0.5)
    c2 = servers(datadir).resp()
    assert all_keys(c2) == {b"some"}
    assert c2.execute("HGETALL", "some") == [b"keep", b"1"]
    assert c2.execute("HPEXPIRETIME", "some", "FIELDS", "1", "keep") == [-1]


def test_missing_file_starts_empty(datadir, servers):
    c = servers(datadir).resp()
    assert c.execute("DBSIZE") == 0
    assert info(c)["rdb_last_load_keys_loaded"] == "0"


def test_lastsave_and_save_counters(datadir, servers):
    srv = servers(datadir)
    c = srv.resp()
    first = c.execute("LASTSAVE")
    assert isinstance(first, int) and abs(first - time.time()) < 60
    c.execute("SET", "a", "1")
    c.execute("INCR", "a")
    inf = info(c)
    assert inf["rdb_changes_since_last_save"] == "2"
    assert inf["rdb_saves"] == "0"
    assert inf["rdb_last_bgsave_time_sec"] == "-1"
    time.sleep(1.1)
    assert c.execute("SAVE") == "OK"
    inf = info(c)
    assert inf["rdb_changes_since_last_save"] == "0"
    assert inf["rdb_saves"] == "1"
    assert c.execute("LASTSAVE") == int(inf["rdb_last_save_time"]) > first
    assert "DB saved on disk" in srv.log()


def test_bgsave_while_saving(datadir, servers):
    srv = servers(datadir)
    c = srv.resp()
    for i in range(100):
        c.execute("SET", "k%d" % i, "v")
    c.execute("CONFIG", "SET", "rdb-key-save-delay", "100000")  # 10 s in all
    assert c.execute("BGSAVE") == "Background saving started"
    inf = info(c)
    assert inf["rdb_bgsave_in_progress"] == "1"
    assert int(inf["rdb_current_bgsave_time_sec"]) >= 0
    assert error_of(c, "BGSAVE") == "ERR Background save already in progress"
    assert error_of(c, "BGSAVE", "SCHEDULE") == "ERR Background save already in progress"
    assert error_of(c, "SAVE") == "ERR Background save already in progress"
    # FLUSHALL kills the child; being killed on purpose is not an error.
    assert c.execute("FLUSHALL") == "OK"
    wait_bgsave_done(c)
    inf = info(c)
    assert inf["rdb_last_bgsave_status"] == "ok"
    wait_for(lambda: not glob.glob(os.path.join(datadir, "temp-*.rdb")),
             what="the killed child's temp file to be removed")
    assert not os.path.exists(os.path.join(datadir, "dump.rdb"))
    assert "Background saving terminated by signal 10" in srv.log()
    c.execute("CONFIG", "SET", "rdb-key-save-delay", "0")


def test_bgsave_syntax_and_schedule_in_exec(datadir, servers):
    srv = servers(datadir)
    c = srv.resp()
    assert error_of(c, "BGSAVE", "NOW") == "ERR syntax error"
    assert error_of(c, "BGSAVE", "SCHEDULE", "x") == "ERR syntax error"
    c.execute("SET", "k", "v")
    saves = int(info(c)["rdb_saves"])
    c.execute("MULTI")
    assert c.execute("BGSAVE") == "QUEUED"
    assert c.execute("EXEC") == ["Background saving scheduled"]
    # The scheduled save starts from cron.
    wait_for(lambda: int(info(c)["rdb_saves"]) == saves + 1, what="the scheduled BGSAVE")
    wait_bgsave_done(c)
    assert info(c)["rdb_changes_since_last_save"] == "0"
    assert os.path.exists(os.path.join(datadir, "dump.rdb"))
    c.execute("MULTI")
    assert error_of(c, "SAVE") == "ERR Command not allowed inside a transaction"
    c.execute("DISCARD")
    # With no child running, SCHEDULE starts at once.
    assert c.execute("BGSAVE", "SCHEDULE") == "Background saving started"
    wait_bgsave_done(c)


def test_save_points_start_a_bgsave(datadir, servers):
    srv = servers(datadir, "--save", "1 2")
    c = srv.resp()
    assert c.execute("CONFIG", "GET", "save") == [b"save", b"1 2"]
    c.execute("SET", "a", "1")
    time.sleep(2.5)
    assert not os.path.exists(os.path.join(datadir, "dump.rdb"))  # one change < 2
    c.execute("SET", "b", "2")
    wait_for(lambda: "2 changes in 1 seconds. Saving..." in srv.log(), what="the save point")
    wait_for(lambda: info(c)["rdb_changes_since_last_save"] == "0", what="the save")
    wait_bgsave_done(c)
    assert os.path.exists(os.path.join(datadir, "dump.rdb"))
    # CONFIG SET save applies at once.
    c.execute("CONFIG", "SET", "save", "")
    c.execute("SET", "c", "3")
    c.execute("SET", "d", "4")
    time.sleep(2.5)
    assert info(c)["rdb_changes_since_last_save"] == "2"


def test_flushall_resets_dirty_and_saves_with_save_points(datadir, servers):
    srv = servers(datadir, *SAVE_POINTS)
    c = srv.resp()
    c.execute("SET", "a", "1")
    c.execute("SET", "b", "1")
    assert c.execute("FLUSHALL") == "OK"
    assert info(c)["rdb_changes_since_last_save"] == "0"
    assert os.path.exists(os.path.join(datadir, "dump.rdb"))
    stop_without_saving(srv)
    assert servers(datadir).resp().execute("DBSIZE") == 0


def test_flushall_without_save_points_counts_removed_keys(datadir, servers):
    c = servers(datadir).resp()
    for k in ("a", "b", "c"):
        c.execute("SET", k, "1")
    assert c.execute("FLUSHALL") == "OK"
    assert info(c)["rdb_changes_since_last_save"] == "6"
    assert not os.path.exists(os.path.join(datadir, "dump.rdb"))


# --------------------------------------------------------------------------
# DEBUG RELOAD
# --------------------------------------------------------------------------

def test_debug_reload_keeps_data(datadir, servers, is_modis):
    srv = servers(datadir)
    c = srv.resp()
    fill(c, field_ttls=is_modis)
    before = snapshot(c, field_ttls=is_modis)
    assert c.execute("DEBUG", "RELOAD") == "OK"
    assert_same(before, snapshot(c, field_ttls=is_modis))
    assert info(c)["rdb_last_load_keys_loaded"] == str(len(before))
    assert "DB reloaded by DEBUG RELOAD" in srv.log()


def test_debug_reload_options(datadir, servers):
    c = servers(datadir).resp()
    assert error_of(c, "DEBUG", "RELOAD", "FAST") == (
        "ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.")
    c.execute("SET", "a", "saved")
    assert c.execute("DEBUG", "RELOAD") == "OK"
    c.execute("SET", "a", "changed")
    c.execute("SET", "b", "new")
    # NOSAVE: back to what the file holds.
    assert c.execute("DEBUG", "RELOAD", "NOSAVE") == "OK"
    assert all_keys(c) == {b"a"}
    assert c.execute("GET", "a") == b"saved"
    # NOSAVE NOFLUSH MERGE: the file's keys win, other keys stay.
    c.execute("SET", "a", "changed")
    c.execute("SET", "b", "new")
    assert c.execute("DEBUG", "RELOAD", "NOSAVE", "NOFLUSH", "MERGE") == "OK"
    assert c.execute("GET", "a") == b"saved"
    assert c.execute("GET", "b") == b"new"


@pytest.mark.modis_only
def test_debug_reload_failures_keep_the_dataset(datadir, servers):
    """Redis exits on a duplicate key or a missing file here; Modis replies
    an error and keeps the dataset as it was (with NOFLUSH too: the file is
    merged only once it loaded completely and without conflicts;
    test_module_rdb.py checks a file that fails half-way)."""
    c = servers(datadir).resp()
    c.execute("SET", "a", "1")
    assert error_of(c, "DEBUG", "RELOAD", "NOSAVE") == (
        "ERR Error trying to load the RDB dump, check server logs.")
    assert c.execute("GET", "a") == b"1"
    assert c.execute("DEBUG", "RELOAD") == "OK"
    assert error_of(c, "DEBUG", "RELOAD", "NOSAVE", "NOFLUSH") == (
        "ERR Error trying to load the RDB dump, check server logs.")
    assert c.execute("GET", "a") == b"1"
    with open(os.path.join(datadir, "dump.rdb"), "r+b") as f:
        f.seek(0)
        f.write(b"XXXXX")
    c.execute("SET", "b", "2")
    assert error_of(c, "DEBUG", "RELOAD", "NOSAVE") == (
        "ERR Error trying to load the RDB dump, check server logs.")
    assert all_keys(c) == {b"a", b"b"}


# --------------------------------------------------------------------------
# SHUTDOWN and signals
# --------------------------------------------------------------------------

def shutdown(srv, *args):
    """Send SHUTDOWN; return the reply if the server answered, None if it
    closed the connection (and exited)."""
    conn = srv.raw()
    conn.send_command("SHUTDOWN", *args)
    if conn.is_closed(10):
        data = conn.read_available(0)
        assert data == b"", data
        srv.proc.wait(10)
        return None
    return conn.read_reply()


def test_shutdown_saves_with_save_points(datadir, servers):
    srv = servers(datadir, *SAVE_POINTS)
    c = srv.resp()
    c.execute("SET", "k", "v")
    c.execute("RPUSH", "l", "a", "b")
    assert shutdown(srv) is None
    assert srv.proc.returncode == 0
    assert "Saving the final RDB snapshot before exiting." in srv.log()
    c2 = servers(datadir).resp()
    assert c2.execute("GET", "k") == b"v"
    assert c2.execute("LRANGE", "l", "0", "-1") == [b"a", b"b"]


def test_shutdown_nosave_and_save(datadir, servers):
    srv = servers(datadir, *SAVE_POINTS)
    srv.resp().execute("SET", "k", "v")
    assert shutdown(srv, "NOSAVE") is None
    assert not os.path.exists(os.path.join(datadir, "dump.rdb"))
    # SAVE saves even without save points.
    srv = servers(datadir)
    srv.resp().execute("SET", "k", "v2")
    assert shutdown(srv, "SAVE", "NOW") is None
    assert servers(datadir).resp().execute("GET", "k") == b"v2"


def test_shutdown_without_save_points_does_not_save(datadir, servers):
    srv = servers(datadir)
    srv.resp().execute("SET", "k", "v")
    assert shutdown(srv) is None
    assert not os.path.exists(os.path.join(datadir, "dump.rdb"))


def test_shutdown_argument_errors(datadir, servers):
    c = servers(datadir).resp()
    assert error_of(c, "SHUTDOWN", "ABORT") == "ERR No shutdown in progress."
    assert error_of(c, "SHUTDOWN", "NOSAVE", "SAVE") == "ERR syntax error"
    assert error_of(c, "SHUTDOWN", "ABORT", "NOW") == "ERR syntax error"
    assert error_of(c, "SHUTDOWN", "LATER") == "ERR syntax error"
    c.execute("MULTI")
    assert error_of(c, "SHUTDOWN") == "ERR Command not allowed inside a transaction"


def test_sigterm_saves_with_save_points(datadir, servers):
    srv = servers(datadir, *SAVE_POINTS)
    srv.resp().execute("HSET", "h", "f", "v")
    srv.proc.send_signal(signal.SIGTERM)
    assert srv.proc.wait(10) == 0
    assert "Received SIGTERM scheduling shutdown" in srv.log()
    assert servers(datadir).resp().execute("HGETALL", "h") == [b"f", b"v"]


def test_sigterm_without_save_points_does_not_save(datadir, servers):
    srv = servers(datadir)
    srv.resp().execute("SET", "k", "v")
    srv.proc.send_signal(signal.SIGTERM)
    assert srv.proc.wait(10) == 0
    assert not os.path.exists(os.path.join(datadir, "dump.rdb"))


def test_shutdown_kills_a_running_bgsave(datadir, servers):
    srv = servers(datadir, *SAVE_POINTS)
    c = srv.resp()
    for i in range(50):
        c.execute("SET", "k%d" % i, "v")
    c.execute("CONFIG", "SET", "rdb-key-save-delay", "200000")
    assert c.execute("BGSAVE") == "Background saving started"
    c.execute("CONFIG", "SET", "rdb-key-save-delay", "0")
    assert shutdown(srv) is None
    assert "There is a child saving an .rdb. Killing it!" in srv.log()
    wait_for(lambda: not glob.glob(os.path.join(datadir, "temp-*.rdb")),
             what="the temp file to go")
    assert servers(datadir).resp().execute("DBSIZE") == 50


# --------------------------------------------------------------------------
# Save failures: SAVE's error, MISCONF, SHUTDOWN that cannot save
# --------------------------------------------------------------------------

@pytest.fixture
def unwritable_dir(datadir):
    """A directory the server can chdir into and that then disappears, so
    creating the temp file fails (even as root)."""
    d = os.path.join(datadir, "gone")
    os.mkdir(d)
    return d


def make_saves_fail(c, d):
    c.execute("CONFIG", "SET", "dir", d)
    os.rmdir(d)


def dir_settable(is_modis):
    """Redis 7 protects CONFIG SET dir unless enable-protected-configs is
    set, and so does Modis."""
    return ["--enable-protected-configs", "yes"]


def test_failed_bgsave_stops_writes(datadir, servers, unwritable_dir, is_modis):
    srv = servers(datadir, *(SAVE_POINTS + dir_settable(is_modis)))
    c = srv.resp()
    c.execute("SET", "k", "v")
    make_saves_fail(c, unwritable_dir)
    assert error_of(c, "SAVE") == "ERR"
    assert info(c)["rdb_last_bgsave_status"] == "ok"  # SAVE does not set it
    assert c.execute("BGSAVE") == "Background saving started"
    wait_bgsave_done(c)
    assert info(c)["rdb_last_bgsave_status"] == "err"
    assert "Background saving error" in srv.log()
    assert "Failed opening the temp RDB file" in srv.log()
    assert error_of(c, "SET", "k", "v2") == MISCONF
    assert error_of(c, "PING") == MISCONF
    assert error_of(c, "DEL", "k") == MISCONF
    assert c.execute("GET", "k") == b"v"
    c.execute("MULTI")
    assert error_of(c, "SET", "k", "v3") == MISCONF
    assert error_of(c, "EXEC") == ("EXECABORT Transaction discarded because of previous "
                                   "errors.")
    # Off: writes go through despite the failure.
    c.execute("CONFIG", "SET", "stop-writes-on-bgsave-error", "no")
    assert c.execute("SET", "k", "v4") == "OK"
    c.execute("CONFIG", "SET", "stop-writes-on-bgsave-error", "yes")
    assert error_of(c, "SET", "k", "v5") == MISCONF
    # Without save points the failure does not matter either.
    c.execute("CONFIG", "SET", "save", "")
    assert c.execute("SET", "k", "v6") == "OK"
    c.execute("CONFIG", "SET", "save", "3600 1")
    # A successful save clears it.
    c.execute("CONFIG", "SET", "dir", datadir)
    assert c.execute("BGSAVE") == "Background saving started"
    wait_bgsave_done(c)
    assert info(c)["rdb_last_bgsave_status"] == "ok"
    assert c.execute("SET", "k", "v7") == "OK"
    assert c.execute("PING") == "PONG"


def test_shutdown_refuses_to_exit_when_the_save_fails(datadir, servers, unwritable_dir,
                                                      is_modis):
    srv = servers(datadir, *(SAVE_POINTS + dir_settable(is_modis)))
    c = srv.resp()
    c.execute("SET", "k", "v")
    make_saves_fail(c, unwritable_dir)
    assert shutdown(srv) == b"-ERR Errors trying to SHUTDOWN. Check logs.\r\n"
    assert srv.alive()
    assert "Errors trying to shut down the server" in srv.log()
    srv.proc.send_signal(signal.SIGTERM)
    if is_modis:
        wait_for(lambda: "SIGTERM received but errors trying to shut down the server"
                 in srv.log(), what="the SIGTERM refusal")
    else:
        time.sleep(1)
    assert srv.alive()
    assert c.execute("GET", "k") == b"v"
    assert shutdown(srv, "FORCE") is None
    assert srv.proc.returncode == 0


# --------------------------------------------------------------------------
# Damaged files stop the server at start-up
# --------------------------------------------------------------------------

def saved_file(datadir, servers):
    """A dump.rdb (uncompressed) with a few keys; returns its bytes."""
    srv = servers(datadir, "--rdbcompression", "no")
    c = srv.resp()
    c.execute("SET", "first", "1")
    c.execute("SET", "payload", "P" * 200)
    c.execute("RPUSH", "list", "a", "b")
    assert c.execute("SAVE") == "OK"
    stop_without_saving(srv)
    with open(os.path.join(datadir, "dump.rdb"), "rb") as f:
        return f.read()


def write_dump(datadir, data):
    with open(os.path.join(datadir, "dump.rdb"), "wb") as f:
        f.write(data)


def fatal_line(log):
    lines = [l for l in log.splitlines() if "Fatal error loading the DB" in l]
    assert len(lines) == 1, log
    return lines[0]


def check_fatal(datadir, cause_re, conf=DEFAULT):
    """Start on the damaged file: the server exits, and one log line names
    the file, the cause, the offset and what to do. The file is untouched."""
    with open(os.path.join(datadir, "dump.rdb"), "rb") as f:
        data = f.read()
    line = fatal_line(start_fails(datadir, conf=conf))
    path = os.path.join(os.path.realpath(datadir), "dump.rdb")
    assert "RDB file %s: " % path in line, line
    assert re.search(cause_re, line), line
    assert re.search(r"at offset \d+", line), line
    assert "redis-check-rdb" in line and "move it away" in line, line
    with open(os.path.join(datadir, "dump.rdb"), "rb") as f:
        assert f.read() == data


@pytest.mark.modis_only
def test_truncated_file(datadir, servers):
    data = saved_file(datadir, servers)
    write_dump(datadir, data[:len(data) // 2])  # inside a string
    check_fatal(datadir, r"string at offset \d+: length 200 exceeds the \d+ bytes left")
    write_dump(datadir, data[:-3])  # inside the checksum
    check_fatal(datadir, r"checksum at offset \d+: input truncated")


@pytest.mark.modis_only
def test_flipped_byte_fails_the_checksum(datadir, servers):
    data = bytearray(saved_file(datadir, servers))
    i = data.index(b"P" * 200) + 100
    data[i] ^= 0x01
    write_dump(datadir, bytes(data))
    check_fatal(datadir, r"(?i)checksum")


@pytest.mark.modis_only
def test_unknown_type_byte(datadir, servers):
    data = bytearray(saved_file(datadir, servers))
    i = data.index(b"\x05first")
    assert data[i - 1] == 0  # the string type byte
    data[i - 1] = 100
    write_dump(datadir, bytes(data))
    check_fatal(datadir, "unknown RDB value type 100")


def conf_without(datadir, module):
    """A copy of the default config without the loadmodule line of module."""
    path = os.path.join(datadir, "without-%s.conf" % module)
    with open(default_conf()) as f, open(path, "w") as out:
        out.writelines(l for l in f if not l.rstrip().endswith("/%s.so" % module))
    return path


@pytest.mark.modis_only
def test_type_no_module_claims(datadir, servers):
    data = bytearray(saved_file(datadir, servers))
    i = data.index(b"\x05first")
    data[i - 1] = 15  # a stream, with the streams module not loaded
    write_dump(datadir, bytes(data))
    check_fatal(datadir, r"RDB value type 15 \(a stream value\) is not claimed by any loaded "
                         r"module: load the module for stream values",
                conf=conf_without(datadir, "streams"))


@pytest.mark.modis_only
def test_wrong_magic(datadir, servers):
    data = saved_file(datadir, servers)
    write_dump(datadir, b"RADIS" + data[5:])
    check_fatal(datadir, r"(?i)magic|not an RDB|REDIS")


@pytest.mark.modis_only
def test_unreadable_path_is_fatal(datadir):
    os.mkdir(os.path.join(datadir, "dump.rdb"))  # a directory: cannot be read
    line = fatal_line(start_fails(datadir))
    assert "dump.rdb" in line


# --------------------------------------------------------------------------
# The fixtures
# --------------------------------------------------------------------------

def fixture_path(name):
    path = os.path.join(FIXTURES, name)
    assert os.path.isdir(FIXTURES), "RDB fixtures missing at %s" % FIXTURES
    return path


MODIS_TYPES = ("string", "hash", "list", "set")


def expected_entries(name, types=MODIS_TYPES):
    out = {}
    with open(fixture_path(name + ".expected.jsonl")) as f:
        for line in f:
            e = json.loads(line)
            if e["type"] in types:
                out[as_bytes(e["key"])] = e
    return out


def as_bytes(v):
    if isinstance(v, dict):
        return base64.b64decode(v["base64"])
    return v.encode()


def check_against_expected(c, expected):
    assert all_keys(c) == set(expected)
    for key, e in expected.items():
        t = c.execute("TYPE", key)
        assert t == e["type"], key
        assert c.execute("PEXPIRETIME", key) == e["pexpiretime"], key
        got = value_of(c, key, t, False)
        if t == "string":
            want = as_bytes(e["value"])
        elif t == "hash":
            want = sorted((as_bytes(f), as_bytes(v)) for f, v in e["value"])
        elif t == "set":
            want = sorted(as_bytes(x) for x in e["value"])
        else:
            want = [as_bytes(x) for x in e["value"]]
        assert got == want, key


def install_fixture(datadir, name):
    shutil.copy(fixture_path(name + ".rdb"), os.path.join(datadir, "dump.rdb"))
    os.chmod(os.path.join(datadir, "dump.rdb"), 0o644)


@pytest.mark.parametrize("name", ["old-hash-zipmap", "old-hash-ziplist", "old-list-quicklist"])
def test_old_fixtures_load_directly(datadir, servers, name):
    install_fixture(datadir, name)
    c = servers(datadir).resp()
    expected = expected_entries(name)
    check_against_expected(c, expected)
    assert info(c)["rdb_last_load_keys_loaded"] == str(len(expected))


def redis_filter_to_modis_types(datadir, name, servers):
    """Load the fixture into the real redis-server, delete the keys of types
    other than string/hash/list/set, and save: the file Modis then loads."""
    if not os.path.exists(REDIS_BIN):
        pytest.skip("%s is not installed" % REDIS_BIN)
    install_fixture(datadir, name)
    rs = servers(datadir, binary=REDIS_BIN, conf=None)
    c = rs.resp()
    for k in all_keys(c):
        if c.execute("TYPE", k) not in MODIS_TYPES:
            c.execute("DEL", k)
    assert c.execute("SAVE") == "OK"
    stop_without_saving(rs)


@pytest.mark.parametrize("name", ["redis-7.0", "old-encodings"])
def test_fixture_through_redis(datadir, servers, name):
    redis_filter_to_modis_types(datadir, name, servers)
    c = servers(datadir).resp()
    expected = expected_entries(name)
    assert expected
    check_against_expected(c, expected)


# The RDB type bytes of strings, lists, hashes and sets (every encoding).
MODIS_TYPE_BYTES = (0, 1, 10, 14, 18, 4, 9, 13, 16, 22, 23, 24, 25, 2, 11, 20)


@pytest.mark.modis_only
@pytest.mark.parametrize("name,set_encodings", [
    ("redis-7.0", {b"set:int": "intset", b"set:small": "listpack", b"set:big": "hashtable"}),
    ("redis-unstable-2024-10", {b"set:int": "intset", b"set:small": "listpack",
                                b"set:big": "hashtable"}),
    ("old-encodings", {b"set_zipped_1": "intset", b"set_zipped_2": "intset",
                       b"set_zipped_3": "intset", b"set": "listpack"}),
])
def test_fixture_loads_directly(datadir, servers, name, set_encodings):
    """The fixture files as Redis wrote them (RDB 10, 12 and 4), with only
    the keys of types whose modules are loaded kept (tests/integration/
    rdb_reader.py cuts the others out): every value, including the sets of
    types 2, 11 and 20, loads with the expected content, and each set gets
    the encoding Redis 7.4 gives it when it loads that file."""
    with open(os.path.join(datadir, "dump.rdb"), "wb") as f:
        f.write(keep_types(fixture_path(name + ".rdb"), MODIS_TYPE_BYTES))
    c = servers(datadir).resp()
    expected = expected_entries(name)
    check_against_expected(c, expected)
    got = {k: c.execute("OBJECT", "ENCODING", k).decode() for k in set_encodings}
    assert got == set_encodings


@pytest.mark.modis_only
# (old-encodings holds only types the default modules claim by now)
@pytest.mark.parametrize("name", ["redis-7.0"])
def test_fixture_with_unloaded_types_fails(datadir, name):
    install_fixture(datadir, name)
    line = fatal_line(start_fails(datadir, conf=conf_without(datadir, "streams")))
    assert re.search(r"RDB value type \d+ \(a (set|zset|stream) value\) is not claimed by any "
                     r"loaded module: load the module for (set|zset|stream) values at offset "
                     r"\d+", line), line


# --------------------------------------------------------------------------
# Redis loads what Modis writes
# --------------------------------------------------------------------------

@pytest.mark.modis_only
@pytest.mark.parametrize("how", ["SAVE", "BGSAVE"])
def test_redis_loads_our_file(datadir, servers, how):
    if not os.path.exists(REDIS_BIN):
        pytest.skip("%s is not installed" % REDIS_BIN)
    srv = servers(datadir)
    c = srv.resp()
    # Redis 7.0 cannot read hash field TTLs (RDB 12) or listpack sets (RDB 11).
    fill(c, field_ttls=False, small_set=None)
    ours = snapshot(c)
    if how == "SAVE":
        assert c.execute("SAVE") == "OK"
    else:
        assert c.execute("BGSAVE") == "Background saving started"
        wait_bgsave_done(c)
    stop_without_saving(srv)
    rs = servers(datadir, binary=REDIS_BIN, conf=None)
    rc = rs.resp()
    theirs = snapshot(rc)
    # Redis 7.0 has no listpack lists: small lists load as quicklists.
    for k, v in ours.items():
        if v[3] == "listpack" and v[0] == "list":
            ours[k] = v[:3] + ("quicklist",)
    assert_same(ours, theirs)
    assert "Done loading RDB, keys loaded: %d" % len(ours) in rs.log()


# --------------------------------------------------------------------------
# dbfilename
# --------------------------------------------------------------------------

def test_dbfilename(datadir, servers, is_modis):
    srv = servers(datadir, "--dbfilename", "other.rdb", *dir_settable(is_modis))
    c = srv.resp()
    assert error_of(c, "CONFIG", "SET", "dbfilename", "sub/x.rdb") == (
        "ERR CONFIG SET failed (possibly related to argument 'dbfilename') - dbfilename "
        "can't be a path, just a filename")
    c.execute("SET", "k", "v")
    assert c.execute("SAVE") == "OK"
    assert os.path.exists(os.path.join(datadir, "other.rdb"))
    assert not os.path.exists(os.path.join(datadir, "dump.rdb"))
    stop_without_saving(srv)
    c2 = servers(datadir, "--dbfilename", "other.rdb").resp()
    assert c2.execute("GET", "k") == b"v"
