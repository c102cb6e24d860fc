"""Functions (FUNCTION *, FCALL): DUMP payloads and RDB files exchanged
with redis-server 7.0 both ways, the AOF (propagation and rewrite), INFO
memory's fields, busy functions (FUNCTION KILL, FUNCTION STATS, the BUSY
texts), and functions and scripts on a replica (READONLY, EVAL_RO and
FCALL_RO, effects reaching the replica). tests/diff/scripts/functions.txt
compares the error texts and replies with redis-server line by line."""

import os
import shutil

import pytest

from rdb_bytes import make_payload
from modis_helpers import ReplyError, Server, start_busy_call, start_reference
from test_replication import wait_for

pytestmark = pytest.mark.modis_only

LIB = ("#!lua name=mylib\n"
       "redis.register_function('myset', function(keys, args) "
       "return redis.call('set', keys[1], args[1]) end)\n"
       "redis.register_function{function_name='myget', callback=function(keys) "
       "return redis.call('get', keys[1]) end, flags={'no-writes'}, description='get it'}\n")
LIB2 = ("#!lua name=other\n"
        "redis.register_function('twice', function(keys, args) return args[1] * 2 end)\n")


def err(c, *args):
    with pytest.raises(ReplyError) as e:
        c.execute(*args)
    return e.value.text


def lib_names(c):
    return sorted(lib[1] for lib in c.execute("FUNCTION", "LIST"))


@pytest.fixture
def fresh(server):
    c = server.resp()
    c.execute("FUNCTION", "FLUSH")
    yield c
    c.execute("FUNCTION", "FLUSH")
    c.close()


# ---- DUMP and RESTORE, with Redis on the other side

def test_dump_payload_equals_redis_and_restores_both_ways(fresh, ref):
    fresh.execute("FUNCTION", "LOAD", LIB)
    fresh.execute("FUNCTION", "LOAD", LIB2)
    ref.function_load(LIB)
    ref.function_load(LIB2)
    ours = fresh.execute("FUNCTION", "DUMP")
    theirs = ref.function_dump()
    # the same records (library order is Redis's hash order), the same footer
    assert len(ours) == len(theirs) and ours[-10:-8] == theirs[-10:-8] == b"\x0a\x00"
    ref.function_flush()
    assert ref.function_restore(ours) is True
    assert ref.fcall("myset", 1, "k", "v") == b"OK" and ref.fcall("twice", 0, "21") == 42
    fresh.execute("FUNCTION", "FLUSH")
    assert fresh.execute("FUNCTION", "RESTORE", theirs) == "OK"
    assert lib_names(fresh) == [b"mylib", b"other"]
    assert fresh.execute("FCALL", "myset", "1", "k", "v") == "OK"
    assert fresh.execute("FCALL_RO", "myget", "1", "k") == b"v"
    fresh.execute("DEL", "k")


def test_restore_policies(fresh):
    fresh.execute("FUNCTION", "LOAD", LIB)
    payload = fresh.execute("FUNCTION", "DUMP")
    assert err(fresh, "FUNCTION", "RESTORE", payload) == "ERR Library 'mylib' already exists"
    assert err(fresh, "FUNCTION", "RESTORE", payload, "APPEND") == (
        "ERR Library 'mylib' already exists")
    assert fresh.execute("FUNCTION", "RESTORE", payload, "REPLACE") == "OK"
    # a function of the payload clashes with another library: nothing changes
    fresh.execute("FUNCTION", "DELETE", "mylib")
    fresh.execute("FUNCTION", "LOAD", "#!lua name=clash\nredis.register_function('MYSET', "
                  "function() return 1 end)")
    assert err(fresh, "FUNCTION", "RESTORE", payload, "REPLACE") == (
        "ERR Function myset already exists")
    assert lib_names(fresh) == [b"clash"]
    assert fresh.execute("FUNCTION", "RESTORE", payload, "FLUSH") == "OK"
    assert lib_names(fresh) == [b"mylib"]
    bad = payload[:-1] + bytes([payload[-1] ^ 1])
    assert err(fresh, "FUNCTION", "RESTORE", bad) == (
        "ERR DUMP payload version or checksum are wrong")
    assert err(fresh, "FUNCTION", "RESTORE", make_payload(b"\x00\x01a")) == (
        "ERR given type is not a function")


# ---- RDB files, both ways

def test_rdb_with_functions_both_ways(tmp_path):
    redis_dir = tmp_path / "redis"
    modis_dir = tmp_path / "modis"
    redis_dir.mkdir()
    modis_dir.mkdir()
    m = Server(dir=str(modis_dir)).start()
    try:
        c = m.resp()
        c.execute("FUNCTION", "LOAD", LIB)
        c.execute("FCALL", "myset", "1", "key", "val")
        c.execute("SAVE")
        c.close()
    finally:
        m.stop()
    shutil.copy(str(modis_dir / "dump.rdb"), str(redis_dir / "dump.rdb"))
    ref = start_reference(["--dir", str(redis_dir)])
    try:
        rc = ref.client()
        assert rc.fcall_ro("myget", 1, "key") == b"val"
        rc.function_load(LIB2)
        rc.save()
    finally:
        ref.stop()
    shutil.copy(str(redis_dir / "dump.rdb"), str(modis_dir / "dump.rdb"))
    m = Server(dir=str(modis_dir)).start()
    try:
        c = m.resp()
        assert lib_names(c) == [b"mylib", b"other"]
        assert c.execute("FCALL", "twice", "0", "4") == 8
        info = c.execute("INFO", "memory").decode()
        assert "number_of_functions:3\r\n" in info and "number_of_libraries:2\r\n" in info
        # DEBUG RELOAD keeps them (the file's libraries replace ours)
        assert c.execute("DEBUG", "RELOAD") == "OK"
        assert lib_names(c) == [b"mylib", b"other"]
        c.close()
    finally:
        m.stop()


def test_info_memory_fields(fresh):
    def fields():
        text = fresh.execute("INFO", "memory").decode()
        return dict(line.split(":", 1) for line in text.split("\r\n") if ":" in line)
    before = fields()
    fresh.execute("FUNCTION", "LOAD", LIB)
    after = fields()
    assert after["number_of_functions"] == "2" and after["number_of_libraries"] == "1"
    assert int(after["used_memory_functions"]) > int(before["used_memory_functions"])
    assert int(after["used_memory_vm_functions"]) > 0
    assert int(after["used_memory_vm_total"]) == (int(after["used_memory_vm_eval"]) +
                                                  int(after["used_memory_vm_functions"]))
    fresh.execute("SCRIPT", "LOAD", "return 'info'")
    assert int(fields()["number_of_cached_scripts"]) >= 1


# ---- the AOF

def test_aof_propagation_and_rewrite(tmp_path):
    args = ["--dir", str(tmp_path), "--appendonly", "yes", "--appendfsync", "always"]
    srv = Server(args).start()
    try:
        c = srv.resp()
        c.execute("FUNCTION", "LOAD", LIB)
        c.execute("FUNCTION", "LOAD", LIB2)
        c.execute("FCALL", "myset", "1", "k", "v")
        c.execute("FUNCTION", "DELETE", "other")
        incr = open(os.path.join(str(tmp_path), "appendonlydir", "appendonly.aof.1.incr.aof"),
                    "rb").read()
        assert b"$8\r\nFUNCTION\r\n$4\r\nLOAD\r\n" in incr
        assert b"*3\r\n$8\r\nFUNCTION\r\n$6\r\nDELETE\r\n$5\r\nother\r\n" in incr
        assert b"*3\r\n$3\r\nset\r\n$1\r\nk\r\n$1\r\nv\r\n" in incr  # the effect, not FCALL
        assert b"FCALL" not in incr
        c.close()
        srv.stop()
        srv = Server(args).start()
        c = srv.resp()
        assert lib_names(c) == [b"mylib"] and c.execute("GET", "k") == b"v"
        # a rewrite without the RDB preamble writes FUNCTION LOAD
        c.execute("CONFIG", "SET", "aof-use-rdb-preamble", "no")
        c.execute("BGREWRITEAOF")
        aofdir = os.path.join(str(tmp_path), "appendonlydir")
        # the new base is an .aof (commands), the first one was an .rdb
        base = wait_for(lambda: [f for f in os.listdir(aofdir) if f.endswith(".base.aof")],
                        what="the rewritten base")
        wait_for(lambda: b"aof_rewrite_in_progress:0" in c.execute("INFO", "persistence"),
                 what="the rewrite to end")
        data = open(os.path.join(aofdir, base[0]), "rb").read()
        assert data.startswith(b"*3\r\n$8\r\nFUNCTION\r\n$4\r\nLOAD\r\n")
        c.close()
        srv.stop()
        srv = Server(args).start()
        c = srv.resp()
        assert c.execute("FCALL_RO", "myget", "1", "k") == b"v"
        c.close()
    finally:
        srv.stop()


# ---- busy functions

def start_busy_fcall(srv, fn):
    return start_busy_call(srv, "FUNCTION", "FCALL", fn, "0")


def test_busy_function_kill_and_stats(start_server):
    srv = start_server(["--busy-reply-threshold", "100"])
    c = srv.resp()
    c.execute("FUNCTION", "LOAD", "#!lua name=busy\nredis.register_function('spin', "
              "function() while true do end end)\nredis.register_function('wspin', "
              "function() redis.call('set', 'x', '1') while true do end end)")
    c.close()
    conn, other = start_busy_fcall(srv, "spin")
    assert err(other, "SCRIPT", "KILL") == ("BUSY Redis is busy running a script. You can only "
                                            "call FUNCTION KILL or SHUTDOWN NOSAVE.")
    stats = other.execute("FUNCTION", "STATS")
    running = stats[1]
    assert running[0:5] == [b"name", b"spin", b"command", [b"FCALL", b"spin", b"0"],
                            b"duration_ms"] and running[5] >= 100
    assert other.execute("FUNCTION", "KILL") == "OK"
    assert conn.read_reply() == (b"-ERR Script killed by user with SCRIPT KILL... script: spin, "
                                 b"on @user_function:2.\r\n")
    assert other.execute("FUNCTION", "STATS")[1] is None
    assert err(other, "FUNCTION", "KILL") == "NOTBUSY No scripts in execution right now."
    # an EVAL busy: FUNCTION KILL and FUNCTION STATS refuse
    conn.send_command("EVAL", "while true do end", "0")
    wait_for(lambda: srv.raw().call("PING").startswith(b"-BUSY"), what="busy eval")
    assert err(other, "FUNCTION", "KILL") == ("BUSY Redis is busy running a script. You can "
                                              "only call SCRIPT KILL or SHUTDOWN NOSAVE.")
    assert err(other, "FUNCTION", "STATS").startswith("BUSY ")
    assert other.execute("SCRIPT", "KILL") == "OK"
    assert conn.read_reply().startswith(b"-ERR Script killed by user with SCRIPT KILL...")
    # a writing function is unkillable
    conn2, other2 = start_busy_fcall(srv, "wspin")
    assert err(other2, "FUNCTION", "KILL").startswith("UNKILLABLE ")
    srv.expected_exit = True
    try:
        other2.execute("SHUTDOWN", "NOSAVE")
    except Exception:  # noqa: BLE001 - the connection closes
        pass
    srv.proc.wait(10)
    for x in (conn, other, conn2, other2):
        x.close()


# ---- replicas

def linked(prim, rep):
    p = prim.client().info("replication")
    s = rep.client().info("replication")
    return (s.get("master_link_status") == "up"
            and s["master_repl_offset"] == p["master_repl_offset"])


def test_functions_and_scripts_on_a_replica(start_server):
    prim = start_server(["--repl-diskless-sync-delay", "0"])
    rep = start_server(["--replicaof", "127.0.0.1", str(prim.port)])
    p = prim.resp()
    r = rep.resp()
    p.execute("FUNCTION", "LOAD", LIB)
    p.execute("FCALL", "myset", "1", "k", "from-fcall")
    p.execute("EVAL", "redis.call('set', KEYS[1], 'from-eval')", "1", "e")
    p.execute("FUNCTION", "LOAD", LIB2)
    p.execute("FUNCTION", "DELETE", "other")
    wait_for(lambda: linked(prim, rep), what="the replica to catch up")
    assert lib_names(r) == [b"mylib"]
    assert r.execute("MGET", "k", "e") == [b"from-fcall", b"from-eval"]
    # reads work, writes are refused as Redis does
    assert r.execute("FCALL_RO", "myget", "1", "k") == b"from-fcall"
    assert r.execute("FCALL", "myget", "1", "k") == b"from-fcall"
    assert r.execute("EVAL_RO", "return redis.call('get', KEYS[1])", "1", "e") == b"from-eval"
    assert r.execute("EVAL", "return redis.call('get', KEYS[1])", "1", "e") == b"from-eval"
    assert err(r, "FCALL", "myset", "1", "k", "v") == (
        "READONLY You can't write against a read only replica.")
    assert err(r, "EVAL", "#!lua\nreturn 1", "0") == (
        "READONLY You can't write against a read only replica.")
    assert r.execute("EVAL", "#!lua flags=no-writes\nreturn 1", "0") == 1
    assert err(r, "EVAL", "return redis.call('set', 'k', 'v')", "0").startswith(
        "READONLY You can't write against a read only replica. script: ")
    assert err(r, "FUNCTION", "LOAD", LIB2) == (
        "READONLY You can't write against a read only replica.")
    # a full sync replaces the replica's libraries with the primary's
    p.execute("FUNCTION", "FLUSH")
    p.execute("FUNCTION", "LOAD", LIB2)
    r.execute("REPLICAOF", "NO", "ONE")
    r.execute("FUNCTION", "LOAD", "#!lua name=local_only\nredis.register_function('lo', "
              "function() return 1 end)")
    r.execute("REPLICAOF", "127.0.0.1", str(prim.port))
    wait_for(lambda: linked(prim, rep) and lib_names(r) == [b"other"], what="full sync")
    p.close()
    r.close()


def test_noreplicas_in_scripts(start_server):
    srv = start_server()
    c = srv.resp()
    c.execute("FUNCTION", "LOAD", LIB)
    c.execute("CONFIG", "SET", "min-replicas-to-write", "1")
    assert err(c, "FCALL", "myset", "1", "k", "v") == (
        "NOREPLICAS Not enough good replicas to write.")
    assert c.execute("FCALL", "myget", "1", "k") is None
    assert err(c, "EVAL", "return redis.call('set', 'k', 'v')", "0").startswith(
        "NOREPLICAS Not enough good replicas to write. script: ")
    assert c.execute("EVAL", "return redis.call('get', 'k')", "0") is None
    c.close()
