"""The RDB identity of module types (SDK 1.2; persist/rdb_module.c,
host/module_rdb.c, host/sdk_rdb_module.c), with the test module
tests/modules/rdbtypes.c (see its header for its four types):

- per-type claims: two types of one module each load their own built-in
  type byte (2 and 5); a module type name belongs to one loaded module;
- Redis module types: values written as type byte 7, the 64-bit id and the
  opcode-tagged fields, byte for byte as Redis writes them (checked against
  bytes built here and by redis-check-rdb); routed on load by name to the
  right type of the module, with the file's encoding version passed to
  rdb_load; a newer encoding version, an unknown name, a field of the
  wrong kind, a missing EOF: a clear error, the file and the dataset
  untouched (start-up: one fatal log line; DEBUG RELOAD and RESTORE: an
  error reply);
- aux data before and after the keyspace, written only when the module has
  some, and Redis's refusals for unknown modules and modules without
  aux_load;
- SAVE + restart, DEBUG RELOAD, DUMP/RESTORE, BGREWRITEAOF with and
  without an RDB preamble + restart;
- the raw RDB primitives refused inside a module-type value.
"""

import os
import re
import shutil
import struct
import subprocess
import tempfile
import time

import pytest

import rdb_bytes as rb
from modis_helpers import REPO, RespClient, Server, error_of, parse_info, server_binary

pytestmark = pytest.mark.modis_only

BUILDDIR = os.environ.get("MODIS_BUILDDIR") or REPO
CHECK_RDB = shutil.which("redis-check-rdb")
BAD_DATA = "ERR Bad data format"
RELOAD_ERR = "ERR Error trying to load the RDB dump, check server logs."


def so(path):
    full = os.path.join(BUILDDIR, path)
    if not os.path.exists(full):
        pytest.skip("%s not built (make check builds it)" % full)
    return full


def rdbtypes():
    return so("tests/modules/.libs/rdbtypes.so")


def module_args():
    """rdbtypes and the strings module, nothing else (the test module
    claims the set and zset bytes, which a sets module would hold)."""
    return ["--loadmodule", rdbtypes(), "--loadmodule", so("modules/strings/.libs/strings.so")]


@pytest.fixture
def datadir():
    d = tempfile.mkdtemp(prefix="modis-modrdb-")
    yield d
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture
def servers():
    started = []

    def start(dirpath, *args, modules=True):
        srv = Server((module_args() if modules else []) + list(args), conf=None, dir=dirpath)
        started.append(srv)
        return srv.start()

    yield start
    for srv in started:
        srv.stop()


def start_fails(dirpath, *args):
    """The server must exit 1 at start-up; returns the fatal log line."""
    srv = Server(module_args() + list(args), conf=None, dir=dirpath)
    with pytest.raises(RuntimeError):
        srv.start(timeout=10)
    assert srv.proc.returncode == 1
    log = srv.log().rsplit("\n--- ", 1)[-1]
    lines = [l for l in log.splitlines() if "Fatal error loading the DB" in l]
    assert len(lines) == 1, log
    return lines[0]


def write_dump(d, data):
    with open(os.path.join(d, "dump.rdb"), "wb") as f:
        f.write(data)


def read_dump(d):
    with open(os.path.join(d, "dump.rdb"), "rb") as f:
        return f.read()


def check_rdb(path):
    """redis-check-rdb's verdict on a file: (ok, output)."""
    if not CHECK_RDB:
        pytest.skip("redis-check-rdb is not installed")
    p = subprocess.run([CHECK_RDB, path], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=30)
    out = p.stdout.decode("utf-8", "replace")
    return p.returncode == 0 and "RDB looks OK" in out, out


def stop_without_saving(srv):
    c = srv.resp()
    c.conn.send_command("SHUTDOWN", "NOSAVE")
    assert c.conn.is_closed(10)
    srv.proc.wait(10)
    srv.stop()


# The values every test creates, and what RT.GET shows for them.
def fill(c):
    assert c.execute("RT.SET", "s", "rt-set", "x", "y", "z") == "OK"
    assert c.execute("RT.SET", "z", "rt-zset", "m1", "m2") == "OK"
    assert c.execute("RT.SET", "m", "rt-mod", "one", "two", "a" * 40) == "OK"
    assert c.execute("RT.NUM", "m", "-42", "1.5", "0.1") == "OK"
    assert c.execute("RT.SET", "m2", "rt-mod2", "q") == "OK"
    assert c.execute("RT.AUX", "SET", "hello", "77") == "OK"
    assert c.execute("SET", "str", "plain") == "OK"


EXPECTED = {
    b"s": [b"rt-set", b"x", b"y", b"z"],
    b"z": [b"rt-zset", b"m1", b"m2"],
    b"m": [b"rt-mod", b"one", b"two", b"a" * 40, b"-42", b"1.5", b"0.10000000000000001"],
    b"m2": [b"rt-mod2", b"q"],
}

# The rt-mod value "m" as Redis's RedisModule_Save* would write it.
M_FIELDS = [rb.f_uint(3), rb.f_string("one"), rb.f_string("two"), rb.f_string("a" * 40),
            rb.f_sint(-42), rb.f_float(1.5), rb.f_double(0.1)]
M_VALUE = rb.module_value("rdbtype-A", 3, M_FIELDS)


def check_values(c, aux_loaded=None):
    for key, want in EXPECTED.items():
        assert c.execute("RT.GET", key) == want, key
    assert c.execute("GET", "str") == b"plain"
    aux = c.execute("RT.AUX", "GET")
    assert aux[:2] == [b"hello", 77], aux
    if aux_loaded is not None:
        assert aux[2:] == aux_loaded, aux


# --------------------------------------------------------------------------
# Saving and loading
# --------------------------------------------------------------------------

def test_module_info_shows_the_rdb_identity():
    p = subprocess.run([server_binary(), "--module-info", rdbtypes()], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, universal_newlines=True, timeout=20)
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    assert "types: rt-set rt-zset rt-mod rt-mod2" in lines, p.stdout
    assert "rdb-types: 2 5" in lines, p.stdout
    assert "rdb-module-types: rdbtype-A@3 rdbtype-B@0" in lines, p.stdout


def test_module_type_name_belongs_to_one_module(datadir, servers):
    clash = so("tests/modules/.libs/rdb_clash.so")
    c = servers(datadir, "--enable-module-command", "yes").resp()
    before = c.execute("MODULE", "LIST")
    assert error_of(c, "MODULE", "LOAD", clash) == (
        "ERR Error loading the extension: Redis module type name 'rdbtype-A' is already "
        "used by module 'rdbtypes'")
    assert c.execute("MODULE", "LIST") == before
    c.execute("FLUSHALL")
    assert c.execute("MODULE", "UNLOAD", "rdbtypes") == "OK"
    assert c.execute("MODULE", "LOAD", clash) == "OK"  # the name is free again


def test_save_restart_exact_bytes_and_redis_check_rdb(datadir, servers):
    srv = servers(datadir, "--rdbcompression", "no")
    c = srv.resp()
    fill(c)
    assert c.execute("SAVE") == "OK"
    data = read_dump(datadir)
    # The module value, byte for byte as Redis writes it.
    assert b"\x07" + rb.string("m") + M_VALUE in data
    assert b"\x07" + rb.string("m2") + rb.module_value(
        "rdbtype-B", 0, [rb.f_uint(1), rb.f_string("q")]) in data
    # Per-type claims: the set under byte 2, the zset under byte 5.
    assert b"\x02" + rb.string("s") + rb.length(3) + rb.string("x") in data
    assert b"\x05" + rb.string("z") + rb.length(2) + rb.string("m1") + struct.pack("<d", 0) in data
    # The aux records: before the first SELECTDB, after the last key.
    before = rb.module_aux("rdbtype-A", 3, rb.AUX_BEFORE, [rb.f_string("hello")])
    after = rb.module_aux("rdbtype-A", 3, rb.AUX_AFTER, [rb.f_sint(77)])
    assert data.index(before) < data.index(b"\xfe\x00")
    assert data.endswith(after + b"\xff" + data[-8:])
    ok, out = check_rdb(os.path.join(datadir, "dump.rdb"))
    assert ok, out
    assert "5 keys read" in out, out
    stop_without_saving(srv)

    c = servers(datadir).resp()
    check_values(c, aux_loaded=[1, 1, 3])
    assert c.execute("RT.ENCVER") == 3


def test_no_aux_record_without_aux_data(datadir, servers):
    """aux_save writing nothing stores nothing, so the file loads without
    the module once its keys are gone (Redis's aux_save2 rule)."""
    srv = servers(datadir)
    c = srv.resp()
    c.execute("SET", "k", "v")
    assert c.execute("SAVE") == "OK"
    assert b"\xf7" not in read_dump(datadir)
    stop_without_saving(srv)
    c = servers(datadir, "--loadmodule", so("modules/strings/.libs/strings.so"),
                modules=False).resp()
    assert c.execute("GET", "k") == b"v"


def test_debug_reload(datadir, servers):
    c = servers(datadir).resp()
    fill(c)
    assert c.execute("DEBUG", "RELOAD") == "OK"
    check_values(c, aux_loaded=[1, 1, 3])


def test_dump_restore(datadir, servers):
    c = servers(datadir, "--rdbcompression", "no").resp()
    fill(c)
    payload = c.execute("DUMP", "m")
    assert payload == rb.make_payload(b"\x07" + M_VALUE, 10)
    assert c.execute("DUMP", "s")[:1] == b"\x02" and c.execute("DUMP", "z")[:1] == b"\x05"
    for key in EXPECTED:
        p = c.execute("DUMP", key)
        assert c.execute("RESTORE", key + b"-copy", "0", p) == "OK"
        assert c.execute("RT.GET", key + b"-copy") == EXPECTED[key]
    # A payload built here, as Redis would DUMP it.
    built = rb.make_payload(b"\x07" + rb.module_value(
        "rdbtype-B", 0, [rb.f_uint(2), rb.f_string("u"), rb.f_string("v")]))
    assert c.execute("RESTORE", "built", "0", built) == "OK"
    assert c.execute("RT.GET", "built") == [b"rt-mod2", b"u", b"v"]


def test_older_encoding_version_reaches_rdb_load(datadir, servers):
    """A value of encoding version 2 (no float and double fields) loads:
    rdb_load is told the version it must read."""
    v2 = rb.module_key("old", "rdbtype-A", 2, [rb.f_uint(1), rb.f_string("e"), rb.f_sint(5)])
    write_dump(datadir, rb.rdb_file(v2))
    ok, out = check_rdb(os.path.join(datadir, "dump.rdb"))
    assert ok, out
    c = servers(datadir).resp()
    assert c.execute("RT.GET", "old") == [b"rt-mod", b"e", b"5", b"0", b"0"]
    assert c.execute("RT.ENCVER") == 2


@pytest.mark.parametrize("how", ["preamble", "commands"])
def test_aof_rewrite_and_restart(datadir, servers, how):
    args = ["--appendonly", "yes", "--aof-use-rdb-preamble", "yes" if how == "preamble" else "no"]
    srv = servers(datadir, *args)
    c = srv.resp()
    fill(c)
    assert c.execute("BGREWRITEAOF") == "Background append only file rewriting started"
    deadline = time.monotonic() + 10
    while parse_info(c.execute("INFO", "persistence"))["aof_rewrite_in_progress"] != "0" or \
            parse_info(c.execute("INFO", "persistence"))["aof_rewrite_scheduled"] != "0":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    base = [n for n in os.listdir(os.path.join(datadir, "appendonlydir")) if ".base." in n]
    assert len(base) == 1 and base[0].endswith(".rdb" if how == "preamble" else ".aof"), base
    assert c.execute("RT.SET", "late", "rt-mod2", "after-rewrite") == "OK"
    stop_without_saving(srv)
    c = servers(datadir, *args).resp()
    for key, want in EXPECTED.items():
        assert c.execute("RT.GET", key) == want, key
    assert c.execute("RT.GET", "late") == [b"rt-mod2", b"after-rewrite"]
    aux = c.execute("RT.AUX", "GET")
    # Aux data lives in the RDB preamble only (as in Redis).
    assert aux[:2] == ([b"hello", 77] if how == "preamble" else [None, 0]), aux


# --------------------------------------------------------------------------
# Files the loaded modules cannot read: clear errors, nothing changed
# --------------------------------------------------------------------------

def foreign_file():
    """A Redis file holding a RedisJSON-style module value (type ReJSON-RL,
    encoding version 3) next to a plain string."""
    return rb.rdb_file(
        b"\x00" + rb.string("kept") + rb.string("v"),
        rb.module_key("doc", "ReJSON-RL", 3, [rb.f_string('{"a":1}'), rb.f_uint(7)]))


def test_unknown_module_type_is_a_redis_file(datadir):
    write_dump(datadir, foreign_file())
    ok, out = check_rdb(os.path.join(datadir, "dump.rdb"))
    assert ok, out


def test_unknown_module_type_at_startup(datadir):
    data = foreign_file()
    write_dump(datadir, data)
    line = start_fails(datadir)
    assert ("the file holds a value of Redis module type 'ReJSON-RL' (encoding version 3), "
            "which no loaded module provides: load the RedisJSON module, which provides it "
            "at offset") in line, line
    assert "redis-check-rdb" in line and "move it away" in line, line
    assert read_dump(datadir) == data
    # A name nobody is known for.
    data = rb.rdb_file(rb.module_key("k", "unknownTy", 0, [rb.f_uint(1)]))
    write_dump(datadir, data)
    line = start_fails(datadir)
    assert ("Redis module type 'unknownTy' (encoding version 0), which no loaded module "
            "provides: load the module that provides it at offset") in line, line


def test_unknown_module_type_debug_reload_and_restore(datadir, servers):
    srv = servers(datadir)
    c = srv.resp()
    fill(c)
    write_dump(datadir, foreign_file())
    for opts in ([], ["NOFLUSH"]):
        assert error_of(c, "DEBUG", "RELOAD", "NOSAVE", *opts) == RELOAD_ERR
        check_values(c)
        assert c.execute("DBSIZE") == 5
    assert "module type 'ReJSON-RL'" in srv.log()
    payload = rb.make_payload(b"\x07" + rb.module_value("ReJSON-RL", 3, [rb.f_uint(1)]))
    assert error_of(c, "RESTORE", "doc", "0", payload) == BAD_DATA
    assert c.execute("EXISTS", "doc") == 0
    assert "RESTORE: bad payload: the file holds a value of Redis module type 'ReJSON-RL'" \
        in srv.log()


def test_unloaded_module_is_named(datadir, servers):
    """After MODULE UNLOAD the server still knows which module provides the
    name, and says so."""
    srv = servers(datadir, "--enable-module-command", "yes")
    c = srv.resp()
    assert c.execute("MODULE", "UNLOAD", "rdbtypes") == "OK"
    write_dump(datadir, rb.rdb_file(rb.module_key("k", "rdbtype-B", 0,
                                                  [rb.f_uint(1), rb.f_string("x")])))
    assert error_of(c, "DEBUG", "RELOAD", "NOSAVE") == RELOAD_ERR
    assert ("module type 'rdbtype-B' (encoding version 0), which no loaded module provides: "
            "load module 'rdbtypes', which provides it") in srv.log()


def test_newer_encoding_version_is_refused(datadir, servers):
    data = rb.rdb_file(rb.module_key("m", "rdbtype-A", 4, M_FIELDS))
    write_dump(datadir, data)
    line = start_fails(datadir)
    assert ("the file holds a value of Redis module type 'rdbtype-A' with encoding version "
            "4, but module 'rdbtypes' (type 'rt-mod') reads versions up to 3: load a newer "
            "build of the module") in line, line
    assert read_dump(datadir) == data
    os.unlink(os.path.join(datadir, "dump.rdb"))
    c = servers(datadir).resp()
    payload = rb.make_payload(b"\x07" + rb.module_value("rdbtype-A", 4, M_FIELDS))
    assert error_of(c, "RESTORE", "m", "0", payload) == BAD_DATA
    assert c.execute("EXISTS", "m") == 0


def test_field_of_the_wrong_kind(datadir):
    fields = list(M_FIELDS)
    fields[4] = rb.f_string("-42")  # a string where the signed integer goes
    write_dump(datadir, rb.rdb_file(rb.module_key("m", "rdbtype-A", 3, fields)))
    line = start_fails(datadir)
    assert ("module value field: expected a signed integer (opcode 1), found string "
            "(opcode 5) at offset") in line, line


def test_missing_eof_marker(datadir):
    value = rb.module_value("rdbtype-A", 3, M_FIELDS)[:-1] + rb.f_uint(1)
    write_dump(datadir, rb.rdb_file(b"\x07" + rb.string("m") + value))
    line = start_fails(datadir)
    assert ("a value of module type 'rdbtype-A' (module 'rdbtypes') is not terminated by "
            "the module value EOF marker") in line, line


def test_raw_primitives_are_refused_in_a_module_value(datadir, servers):
    c = servers(datadir).resp()
    fill(c)
    assert c.execute("RT.MISUSE", "1") == "OK"
    err = error_of(c, "DUMP", "m2")
    assert err.startswith("ERR DUMP failed: a module-type value may only use the "
                          "md_rdb_write_*/md_rdb_read_* fields, not the raw RDB primitives"), err
    assert c.execute("RT.MISUSE", "0") == "OK"
    assert c.execute("DUMP", "m2")[:1] == b"\x07"


# --------------------------------------------------------------------------
# Aux data
# --------------------------------------------------------------------------

def test_aux_records_load_from_a_built_file(datadir, servers):
    write_dump(datadir, rb.rdb_file(
        rb.module_aux("rdbtype-A", 2, rb.AUX_BEFORE, [rb.f_string("pre")]),
        b"\x00" + rb.string("k") + rb.string("v"),
        after=[rb.module_aux("rdbtype-A", 3, rb.AUX_AFTER, [rb.f_sint(-9)])]))
    ok, out = check_rdb(os.path.join(datadir, "dump.rdb"))
    assert ok, out
    c = servers(datadir).resp()
    assert c.execute("RT.AUX", "GET") == [b"pre", -9, 1, 1, 3]
    assert c.execute("GET", "k") == b"v"


def test_aux_of_an_unknown_module(datadir):
    """Redis refuses to start on aux data no loaded module claims."""
    write_dump(datadir, rb.rdb_file(rb.module_aux("MBbloomCF", 1, rb.AUX_BEFORE,
                                                  [rb.f_uint(1)])))
    line = start_fails(datadir)
    assert ("the file holds AUX module data of Redis module type 'MBbloomCF' (encoding "
            "version 1), which no loaded module provides: load the RedisBloom module "
            "(cuckoo filter), which provides it") in line, line


def test_aux_for_a_type_without_aux_load(datadir):
    write_dump(datadir, rb.rdb_file(rb.module_aux("rdbtype-B", 0, rb.AUX_BEFORE,
                                                  [rb.f_uint(1)])))
    line = start_fails(datadir)
    assert ("the file holds module AUX data for module type 'rdbtype-B', but module "
            "'rdbtypes' doesn't support it") in line, line


def test_aux_with_a_bad_when_opcode(datadir):
    rec = bytearray(rb.module_aux("rdbtype-A", 3, rb.AUX_BEFORE, [rb.f_string("x")]))
    i = 1 + len(rb.length(rb.module_id("rdbtype-A", 3)))
    assert rec[i] == 2
    rec[i] = 1  # SINT instead of UINT
    write_dump(datadir, rb.rdb_file(bytes(rec)))
    line = start_fails(datadir)
    assert "bad when_opcode 1 in a module AUX record" in line, line
