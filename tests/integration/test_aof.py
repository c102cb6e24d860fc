"""The append-only file: Redis 7's multi-part layout (manifest, base and incr
files under appenddirname), appending with fsync policies, BGREWRITEAOF with
and without an RDB preamble, loading at start-up (truncated and corrupt files),
CONFIG SET appendonly at run time, INFO persistence, and AOF directories
exchanged with /usr/bin/redis-server (7.0) in both directions.

Every test starts its own servers on a directory it owns and restarts them on
it; `kill -9` is SIGKILL on the process, so only what reached the file before a
reply counts.
"""

import hashlib
import os
import re
import subprocess
import time

import pytest

from modis_helpers import ReplyError, Server, parse_info

REDIS = "/usr/bin/redis-server"
CHECK_AOF = "/usr/bin/redis-check-aof"
MANIFEST = "appendonlydir/appendonly.aof.manifest"

pytestmark = pytest.mark.modis_only


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------

def start(workdir, *args, binary=None, **kw):
    """A server whose `dir` is workdir (restartable on the same files).
    appendfsync always unless args say otherwise: with everysec a write may
    wait (up to 2 s) for a running background fsync, so a test reading the
    file right after a reply could race."""
    extra = ["--dir", str(workdir), "--appendonly", "yes", "--appendfsync", "always"]
    extra += [str(a) for a in args]
    if binary == REDIS:
        kw.setdefault("conf", None)
    return Server(extra, binary=binary, **kw).start()


def start_fails(workdir, *args):
    """Start a server that must refuse to start; returns (exit code, log)."""
    srv = Server(["--dir", str(workdir), "--appendonly", "yes"] + [str(a) for a in args])
    with pytest.raises(RuntimeError):
        srv.start()
    code = srv.proc.returncode
    log = srv.log()
    srv.stop()
    return code, log


def kill9(srv):
    srv.expected_exit = True
    srv.proc.kill()
    srv.proc.wait(10)
    srv.stop()


def info(c, section="persistence"):
    return parse_info(c.execute("INFO", section))


def wait_for(cond, timeout=10.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return
        time.sleep(0.02)
    raise AssertionError("timed out waiting for " + what)


def wait_rewrite_done(c):
    def done():
        i = info(c)  # one snapshot: a scheduled rewrite may start between two
        return i["aof_rewrite_in_progress"] == "0" and i["aof_rewrite_scheduled"] == "0"
    wait_for(done, what="the AOF rewrite")


def read(workdir, name):
    with open(os.path.join(str(workdir), name), "rb") as f:
        return f.read()


def aofdir(workdir):
    return sorted(os.listdir(os.path.join(str(workdir), "appendonlydir")))


def incr_path(workdir, seq=1):
    return os.path.join(str(workdir), "appendonlydir", "appendonly.aof.%d.incr.aof" % seq)


def check_aof(workdir, *opts):
    """Run Redis's redis-check-aof on the manifest; (exit code, output)."""
    p = subprocess.run([CHECK_AOF] + list(opts) + [MANIFEST], cwd=str(workdir), input=b"y\n",
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=30)
    return p.returncode, p.stdout.decode("utf-8", "replace")


def dump(c, dbs=(0, 1, 5), ttl=True):
    """Every key of the given dbs: type, value, and absolute expiry (ms)."""
    out = {}
    for db in dbs:
        c.execute("SELECT", db)
        for k in sorted(c.execute("KEYS", "*")):
            t = c.execute("TYPE", k)
            if t == "string":
                v = c.execute("GET", k)
            elif t == "hash":
                flat = c.execute("HGETALL", k)
                v = sorted(zip(flat[::2], flat[1::2]))
            elif t == "list":
                v = c.execute("LRANGE", k, 0, -1)
            else:
                raise AssertionError("unexpected type %r" % t)
            out[(db, k)] = (t, v, c.execute("PEXPIRETIME", k) if ttl else None)
    c.execute("SELECT", 0)
    return out


def fill(c):
    """Writes of strings, hashes (with field TTLs), lists, MULTI/EXEC,
    expiry and several dbs. Returns nothing; the dataset is read back."""
    c.execute("SET", "s1", "hello")
    c.execute("APPEND", "s1", " world")
    c.execute("SET", "n", "10")
    c.execute("INCRBY", "n", "5")
    c.execute("INCRBYFLOAT", "n", "0.5")
    c.execute("SET", "ttl", "v", "EX", "1000")
    c.execute("SET", "gone", "v")
    c.execute("DEL", "gone")
    c.execute("HSET", "h", "a", "1", "b", "2", "c", "3")
    c.execute("HINCRBY", "h", "a", "41")
    c.execute("HDEL", "h", "c")
    c.execute("HEXPIRE", "h", "1000", "FIELDS", "1", "b")
    c.execute("RPUSH", "l", "x", "y", "z")
    c.execute("LPUSH", "l", "w")
    c.execute("LPOP", "l")
    c.execute("LMOVE", "l", "l2", "RIGHT", "LEFT")
    c.execute("MULTI")
    c.execute("SET", "tx1", "a")
    c.execute("INCR", "txn")
    c.execute("RPUSH", "txl", "1", "2")
    assert c.execute("EXEC") == ["OK", 1, 2]
    c.execute("SELECT", 5)
    c.execute("SET", "in5", "five")
    c.execute("SELECT", 1)
    c.execute("HSET", "in1", "f", "v")
    c.execute("SELECT", 0)
    c.execute("SET", "big", "x" * 100000)


# --------------------------------------------------------------------------
# layout
# --------------------------------------------------------------------------

def test_first_start_creates_base_and_incr(tmp_path):
    srv = start(tmp_path)
    c = srv.resp()
    assert read(tmp_path, MANIFEST) == (b"file appendonly.aof.1.base.rdb seq 1 type b\n"
                                        b"file appendonly.aof.1.incr.aof seq 1 type i\n")
    assert aofdir(tmp_path) == ["appendonly.aof.1.base.rdb", "appendonly.aof.1.incr.aof",
                                "appendonly.aof.manifest"]
    assert read(tmp_path, "appendonlydir/appendonly.aof.1.base.rdb").startswith(b"REDIS")
    assert read(tmp_path, "appendonlydir/appendonly.aof.1.incr.aof") == b""
    c.execute("SET", "k", "v")
    # The write reached the file before the reply.
    assert read(tmp_path, "appendonlydir/appendonly.aof.1.incr.aof") == (
        b"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n")
    log = srv.log()
    assert "Creating AOF base file appendonly.aof.1.base.rdb on server start" in log
    assert "Creating AOF incr file appendonly.aof.1.incr.aof on server start" in log
    c.close()
    srv.stop()


def test_custom_names_and_no_preamble_base(tmp_path):
    srv = start(tmp_path, "--appendfilename", "my.aof", "--appenddirname", "aofs",
                "--aof-use-rdb-preamble", "no")
    c = srv.resp()
    assert read(tmp_path, "aofs/my.aof.manifest") == (b"file my.aof.1.base.aof seq 1 type b\n"
                                                      b"file my.aof.1.incr.aof seq 1 type i\n")
    assert read(tmp_path, "aofs/my.aof.1.base.aof") == b""
    assert c.execute("CONFIG", "GET", "appendfilename") == [b"appendfilename", b"my.aof"]
    c.close()
    srv.stop()


def test_bad_names_are_config_errors(tmp_path):
    for args, msg in [(["--appendfilename", "a/b"], "appendfilename can't be a path, just a filename"),
                      (["--appenddirname", "x/y"], "appenddirname can't be a path, just a dirname"),
                      (["--appendfilename", ""], "appendfilename can't be empty")]:
        code, log = start_fails(tmp_path, *args)
        assert code == 1
        assert "FATAL CONFIG FILE ERROR" in log and msg in log


def test_immutable_and_runtime_parameters(tmp_path):
    srv = start(tmp_path)
    c = srv.resp()
    with pytest.raises(ReplyError) as e:
        c.execute("CONFIG", "SET", "appenddirname", "other")
    assert e.value.text == ("ERR CONFIG SET failed (possibly related to argument "
                            "'appenddirname') - can't set immutable config")
    for name, value in [("appendfsync", "always"), ("aof-use-rdb-preamble", "no"),
                        ("aof-load-truncated", "no"), ("no-appendfsync-on-rewrite", "yes"),
                        ("auto-aof-rewrite-percentage", "50"),
                        ("auto-aof-rewrite-min-size", "1048576"),
                        ("aof-rewrite-incremental-fsync", "no")]:
        assert c.execute("CONFIG", "SET", name, value) == "OK"
        assert c.execute("CONFIG", "GET", name) == [name.encode(), value.encode()]
    with pytest.raises(ReplyError) as e:
        c.execute("CONFIG", "SET", "appendfsync", "sometimes")
    assert e.value.text == ("ERR CONFIG SET failed (possibly related to argument 'appendfsync')"
                            " - argument(s) must be one of the following: everysec, always, no")
    c.close()
    srv.stop()


# --------------------------------------------------------------------------
# appending and recovery after kill -9
# --------------------------------------------------------------------------

def test_kill9_with_fsync_always_keeps_everything(tmp_path):
    srv = start(tmp_path, "--appendfsync", "always")
    c = srv.resp()
    fill(c)
    want = dump(c)
    kill9(srv)
    code, out = check_aof(tmp_path)
    assert code == 0 and "All AOF files and manifest are valid" in out, out
    srv = start(tmp_path)
    c = srv.resp()
    assert dump(c) == want
    flat = c.execute("HGETALL", "h")
    assert dict(zip(flat[::2], flat[1::2])) == {b"a": b"42", b"b": b"2"}
    assert c.execute("HTTL", "h", "FIELDS", "2", "a", "b")[0] == -1
    assert 990 < c.execute("HTTL", "h", "FIELDS", "1", "b")[0] <= 1000
    assert 990 < c.execute("TTL", "ttl") <= 1000
    assert c.execute("EXISTS", "gone") == 0
    assert c.execute("GET", "n") == b"15.5"
    assert "DB loaded from append only file" in srv.log()
    c.close()
    srv.stop()


def test_transaction_is_wrapped_in_multi_exec(tmp_path):
    srv = start(tmp_path)
    c = srv.resp()
    c.execute("SET", "before", "1")
    size = os.path.getsize(incr_path(tmp_path))
    c.execute("MULTI")
    c.execute("SET", "a", "1")
    c.execute("GET", "a")
    c.execute("SELECT", "2")
    c.execute("INCR", "b")
    c.execute("EXEC")
    tail = read(tmp_path, "appendonlydir/appendonly.aof.1.incr.aof")[size:]
    assert tail == (b"*1\r\n$5\r\nMULTI\r\n"
                    b"*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n"
                    b"*2\r\n$6\r\nSELECT\r\n$1\r\n2\r\n"
                    b"*2\r\n$4\r\nINCR\r\n$1\r\nb\r\n"
                    b"*1\r\n$4\r\nEXEC\r\n")
    c.close()
    srv.stop()


def test_expiry_is_propagated_as_del_and_hdel(tmp_path):
    srv = start(tmp_path)
    c = srv.resp()
    c.execute("SET", "short", "v", "PX", "50")
    c.execute("EXPIRE", "rel", "100")         # no such key: nothing written
    c.execute("SET", "rel", "v")
    c.execute("EXPIRE", "rel", "100")
    c.execute("HSET", "hf", "keep", "1", "drop", "2")
    c.execute("HPEXPIRE", "hf", "50", "FIELDS", "1", "drop")
    assert c.execute("EXISTS", "short") in (0, 1)
    wait_for(lambda: b"HDEL" in read(tmp_path, "appendonlydir/appendonly.aof.1.incr.aof") and
             c.execute("EXISTS", "short") == 0, what="expiry")
    data = read(tmp_path, "appendonlydir/appendonly.aof.1.incr.aof")
    # Relative TTLs are written as absolute ones, expiries as deletions.
    assert re.search(rb"\$9\r\nPEXPIREAT\r\n\$3\r\nrel\r\n\$13\r\n\d{13}\r\n", data)
    assert b"*2\r\n$3\r\nDEL\r\n$5\r\nshort\r\n" in data
    assert b"*3\r\n$4\r\nHDEL\r\n$2\r\nhf\r\n$4\r\ndrop\r\n" in data
    assert re.search(rb"HPEXPIREAT\r\n\$2\r\nhf\r\n\$13\r\n\d{13}\r\n\$6\r\nFIELDS\r\n"
                     rb"\$1\r\n1\r\n\$4\r\ndrop\r\n", data)
    kill9(srv)
    srv = start(tmp_path)
    c = srv.resp()
    assert c.execute("HGETALL", "hf") == [b"keep", b"1"]
    assert c.execute("EXISTS", "short") == 0
    assert 90 < c.execute("TTL", "rel") <= 100
    c.close()
    srv.stop()


def test_served_blocking_pop_is_written_as_plain_pop(tmp_path):
    srv = start(tmp_path)
    waiter, pusher = srv.resp(), srv.resp()
    waiter.conn.send_command("BLPOP", "q", "0")
    waiter.conn.send_command("BLMOVE", "q2", "dst", "LEFT", "RIGHT", "0")
    blocked = lambda: info(pusher, "clients")["blocked_clients"] == "1"  # noqa: E731
    wait_for(blocked, what="BLPOP to block")
    pusher.execute("RPUSH", "q", "job1", "job2")
    assert waiter.read() == [b"q", b"job1"]
    wait_for(blocked, what="BLMOVE to block")
    pusher.execute("RPUSH", "q2", "m")
    assert waiter.read() == b"m"
    data = read(tmp_path, "appendonlydir/appendonly.aof.1.incr.aof")
    assert b"BLPOP" not in data and b"BLMOVE" not in data
    assert b"*2\r\n$4\r\nLPOP\r\n$1\r\nq\r\n" in data
    assert b"*5\r\n$5\r\nLMOVE\r\n$2\r\nq2\r\n$3\r\ndst\r\n$4\r\nLEFT\r\n$5\r\nRIGHT\r\n" in data
    kill9(srv)
    srv = start(tmp_path)
    c = srv.resp()
    assert c.execute("LRANGE", "q", 0, -1) == [b"job2"]
    assert c.execute("LRANGE", "dst", 0, -1) == [b"m"]
    assert c.execute("EXISTS", "q2") == 0
    c.close()
    srv.stop()


def test_everysec_and_no_policies(tmp_path):
    for policy in ("everysec", "no"):
        d = tmp_path / policy
        d.mkdir()
        srv = start(d, "--appendfsync", policy)
        c = srv.resp()
        c.execute("RPUSH", "l", "a")
        c.execute("SET", "k", policy)
        # "no" writes before replying; everysec too unless a background
        # fsync was running (then within 2 s).
        if policy == "no":
            assert b"$2\r\nno\r\n" in read(d, "appendonlydir/appendonly.aof.1.incr.aof")
        wait_for(lambda: info(c)["aof_buffer_length"] == "0", what="the write")
        if policy == "everysec":
            wait_for(lambda: info(c)["aof_pending_bio_fsync"] == "0" and
                     "Fail to fsync" not in srv.log(), what="fsync")
        kill9(srv)
        srv = start(d)
        c = srv.resp()
        assert c.execute("GET", "k") == policy.encode()
        assert c.execute("LRANGE", "l", 0, -1) == [b"a"]
        c.close()
        srv.stop()


def test_pipelined_writes_of_many_clients(tmp_path):
    srv = start(tmp_path, "--appendfsync", "always")
    clients = [srv.resp() for _ in range(4)]
    for i, c in enumerate(clients):
        c.conn.send(b"".join(b"*3\r\n$5\r\nRPUSH\r\n$2\r\nl%d\r\n$%d\r\n%d\r\n"
                             % (i, len(str(n)), n) for n in range(200)))
    for c in clients:
        for n in range(200):
            c.conn.read_value()
    kill9(srv)
    srv = start(tmp_path)
    c = srv.resp()
    for i in range(4):
        assert c.execute("LRANGE", "l%d" % i, 0, -1) == [str(n).encode() for n in range(200)]
    c.close()
    srv.stop()


# --------------------------------------------------------------------------
# BGREWRITEAOF
# --------------------------------------------------------------------------

@pytest.mark.parametrize("preamble", ["yes", "no"])
def test_bgrewriteaof_then_restart(tmp_path, preamble):
    srv = start(tmp_path, "--aof-use-rdb-preamble", preamble)
    c = srv.resp()
    fill(c)
    c.execute("RPUSH", "long", *[str(i) for i in range(300)])   # several RPUSH of 64
    c.execute("HSET", "wide", *[x for i in range(150) for x in ("f%d" % i, "v%d" % i)])
    c.execute("HEXPIRE", "wide", "500", "FIELDS", "2", "f1", "f2")
    wide_ttls = c.execute("HPEXPIRETIME", "wide", "FIELDS", "3", "f0", "f1", "f2")
    assert c.execute("BGREWRITEAOF") == "Background append only file rewriting started"
    wait_rewrite_done(c)
    ext = "rdb" if preamble == "yes" else "aof"
    assert read(tmp_path, MANIFEST) == (("file appendonly.aof.2.base.%s seq 2 type b\n"
                                         "file appendonly.aof.2.incr.aof seq 2 type i\n")
                                        % ext).encode()
    assert aofdir(tmp_path) == ["appendonly.aof.2.base." + ext, "appendonly.aof.2.incr.aof",
                                "appendonly.aof.manifest"]
    base = read(tmp_path, "appendonlydir/appendonly.aof.2.base." + ext)
    if preamble == "yes":
        assert base.startswith(b"REDIS")
    else:
        assert base.startswith(b"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n")
        assert b"PEXPIREAT" in base and b"HPEXPIREAT" in base
        assert base.count(b"$5\r\nRPUSH\r\n$4\r\nlong\r\n") == 5
    i = info(c)
    assert i["aof_rewrites"] == "1" and i["aof_last_bgrewrite_status"] == "ok"
    assert i["aof_base_size"] == str(len(base))
    c.execute("SET", "after", "rewrite")
    want = dump(c)
    assert read(tmp_path, "appendonlydir/appendonly.aof.2.incr.aof").endswith(
        b"$5\r\nafter\r\n$7\r\nrewrite\r\n")
    log = srv.log()
    assert "Background append only file rewriting started by pid" in log
    assert "Removing the history file appendonly.aof.1.incr.aof in the background" in log
    assert "Background AOF rewrite finished successfully" in log
    kill9(srv)
    srv = start(tmp_path, "--aof-use-rdb-preamble", preamble)
    c = srv.resp()
    assert dump(c) == want
    assert c.execute("HPEXPIRETIME", "wide", "FIELDS", "3", "f0", "f1", "f2") == wide_ttls
    assert wide_ttls[0] == -1 and wide_ttls[1] > 0
    c.close()
    srv.stop()


def test_bgrewriteaof_busy_and_scheduled(tmp_path):
    srv = start(tmp_path, "--rdb-key-save-delay", "100000")
    c = srv.resp()
    for i in range(20):
        c.execute("SET", "k%d" % i, i)
    assert c.execute("BGREWRITEAOF") == "Background append only file rewriting started"
    with pytest.raises(ReplyError) as e:
        c.execute("BGREWRITEAOF")
    assert e.value.text == "ERR Background append only file rewriting already in progress"
    i = info(c)
    assert i["aof_rewrite_in_progress"] == "1"
    assert int(i["aof_current_rewrite_time_sec"]) >= 0
    # While it runs, writes go to the new incr file.
    c.execute("SET", "during", "1")
    assert b"during" in read(tmp_path, "appendonlydir/appendonly.aof.2.incr.aof")
    # Kill it (appendonly no stops appending and kills the child).
    assert c.execute("CONFIG", "SET", "appendonly", "no") == "OK"
    i = info(c)
    assert i["aof_rewrite_in_progress"] == "0" and i["aof_enabled"] == "0"
    assert i["aof_last_bgrewrite_status"] == "ok"    # killed on purpose: not a failure
    assert not [f for f in os.listdir(str(tmp_path)) if f.startswith("temp-rewriteaof")]
    # A BGSAVE child is running: the rewrite is scheduled and starts after it.
    assert c.execute("BGSAVE") == "Background saving started"
    assert c.execute("BGREWRITEAOF") == "Background append only file rewriting scheduled"
    assert info(c)["aof_rewrite_scheduled"] == "1"
    c.execute("CONFIG", "SET", "rdb-key-save-delay", "0")
    wait_rewrite_done(c)
    assert "aof_current_size" not in info(c)      # AOF is off: no size fields
    # With appendonly no the rewrite leaves only a base in the manifest.
    # (The killed rewrite used no base number.)
    assert read(tmp_path, MANIFEST) == b"file appendonly.aof.2.base.rdb seq 2 type b\n"
    assert aofdir(tmp_path) == ["appendonly.aof.2.base.rdb", "appendonly.aof.manifest"]
    c.close()
    srv.stop()


def test_bgrewriteaof_inside_multi_is_scheduled(tmp_path):
    srv = start(tmp_path)
    c = srv.resp()
    c.execute("MULTI")
    c.execute("SET", "a", "1")
    c.execute("BGREWRITEAOF")
    assert c.execute("EXEC") == ["OK", "Background append only file rewriting scheduled"]
    wait_rewrite_done(c)
    assert info(c)["aof_rewrites"] == "1"
    c.close()
    srv.stop()


def test_automatic_rewrite_on_growth(tmp_path):
    srv = start(tmp_path, "--auto-aof-rewrite-percentage", "100",
                "--auto-aof-rewrite-min-size", "10000")
    c = srv.resp()
    base = int(info(c)["aof_base_size"])
    assert int(info(c)["aof_current_size"]) == base
    # Values LZF cannot shrink, so the base's size shows every key is in it.
    c.pipeline(*[("SET", "key:%d" % i, hashlib.sha512(b"%d" % i).hexdigest()) for i in range(200)])
    wait_for(lambda: info(c)["aof_rewrites"] == "1", what="the automatic rewrite")
    wait_rewrite_done(c)
    assert "Starting automatic rewriting of AOF on" in srv.log()
    i = info(c)
    assert int(i["aof_base_size"]) > 20000
    assert i["aof_current_size"] == i["aof_base_size"]
    c.close()
    srv.stop()


# --------------------------------------------------------------------------
# loading damaged files
# --------------------------------------------------------------------------

def prepared(tmp_path):
    """An AOF with three keys, server stopped; returns the incr path."""
    srv = start(tmp_path)
    c = srv.resp()
    c.execute("SET", "a", "1")
    c.execute("SET", "b", "2")
    c.execute("RPUSH", "l", "x")
    c.close()
    kill9(srv)
    return incr_path(tmp_path)


def test_truncated_last_command_is_cut_with_load_truncated_yes(tmp_path):
    path = prepared(tmp_path)
    good = os.path.getsize(path)
    with open(path, "ab") as f:
        f.write(b"*3\r\n$3\r\nSET\r\n$1\r\nc\r\n$5\r\nabc")
    srv = start(tmp_path, "--aof-load-truncated", "yes")
    c = srv.resp()
    assert dump(c, dbs=(0,)) == {(0, b"a"): ("string", b"1", -1), (0, b"b"): ("string", b"2", -1),
                                 (0, b"l"): ("list", [b"x"], -1)}
    log = srv.log()
    assert "!!! Warning: short read while loading the AOF file appendonly.aof.1.incr.aof!!!" in log
    assert "!!! Truncating the AOF appendonly.aof.1.incr.aof at offset %d !!!" % good in log
    assert "AOF appendonly.aof.1.incr.aof loaded anyway because aof-load-truncated is enabled" in log
    # The file was cut to the last complete command, and appending goes on.
    c.execute("SET", "d", "4")
    kill9(srv)
    data = read(tmp_path, "appendonlydir/appendonly.aof.1.incr.aof")
    assert data[good:] == (b"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n"
                           b"*3\r\n$3\r\nSET\r\n$1\r\nd\r\n$1\r\n4\r\n")
    srv = start(tmp_path)
    c = srv.resp()
    assert c.execute("MGET", "a", "c", "d") == [b"1", None, b"4"]
    c.close()
    srv.stop()


def test_truncated_last_command_refused_with_load_truncated_no(tmp_path):
    path = prepared(tmp_path)
    good = os.path.getsize(path)
    cut = b"*3\r\n$3\r\nSET\r\n$1\r\nc\r\n"
    with open(path, "ab") as f:
        f.write(cut)
    code, log = start_fails(tmp_path, "--aof-load-truncated", "no")
    assert code == 1
    assert ("Unexpected end of file reading the append only file appendonly.aof.1.incr.aof: "
            "the command at offset %d is incomplete" % good) in log
    assert "redis-check-aof --fix appendonlydir/appendonly.aof.manifest" in log
    assert "aof-load-truncated" in log
    assert os.path.getsize(path) == good + len(cut)     # untouched
    # The fix the log names works.
    code, out = check_aof(tmp_path, "--fix")
    assert code == 0 and "Successfully truncated AOF appendonly.aof.1.incr.aof" in out, out
    assert os.path.getsize(path) == good
    srv = start(tmp_path, "--aof-load-truncated", "no")
    c = srv.resp()
    assert c.execute("MGET", "a", "b", "c") == [b"1", b"2", None]
    c.close()
    srv.stop()


def test_corruption_in_the_middle_is_refused(tmp_path):
    path = prepared(tmp_path)
    data = read(tmp_path, "appendonlydir/appendonly.aof.1.incr.aof")
    off = data.index(b"*3\r\n$3\r\nSET\r\n$1\r\nb")
    with open(path, "r+b") as f:
        f.seek(off)
        f.write(b"?")
    for truncated in ("yes", "no"):
        code, log = start_fails(tmp_path, "--aof-load-truncated", truncated)
        assert code == 1
        assert ("Bad file format reading the append only file appendonly.aof.1.incr.aof at "
                "offset %d: make a backup of your AOF file, then use redis-check-aof --fix "
                "appendonlydir/appendonly.aof.manifest" % off) in log
    assert read(tmp_path, "appendonlydir/appendonly.aof.1.incr.aof")[off:off + 1] == b"?"


def test_bad_bulk_terminator_and_unknown_command_are_refused(tmp_path):
    path = prepared(tmp_path)
    size = os.path.getsize(path)
    with open(path, "ab") as f:
        f.write(b"*2\r\n$3\r\nGET\r\n$1\r\naXY")
    code, log = start_fails(tmp_path)
    assert code == 1 and "Bad file format" in log and "at offset %d" % size in log
    with open(path, "r+b") as f:
        f.truncate(size)
        f.seek(size)
        f.write(b"*2\r\n$7\r\nNOSUCHX\r\n$1\r\na\r\n")
    code, log = start_fails(tmp_path)
    assert code == 1
    assert ("Unknown command 'NOSUCHX' reading the append only file appendonly.aof.1.incr.aof "
            "at offset %d" % size) in log


def test_error_replies_while_replaying_are_logged(tmp_path):
    path = prepared(tmp_path)
    size = os.path.getsize(path)
    with open(path, "ab") as f:
        f.write(b"*2\r\n$6\r\nSELECT\r\n$2\r\n99\r\n"
                b"*2\r\n$4\r\nINCR\r\n$1\r\nl\r\n")
    srv = start(tmp_path)
    log = srv.log()
    assert ("Replaying 'select' at offset %d of the append only file appendonly.aof.1.incr.aof "
            "failed: ERR DB index is out of range" % size) in log
    assert ("Replaying 'incr' at offset %d of the append only file appendonly.aof.1.incr.aof "
            "failed: WRONGTYPE Operation against a key holding the wrong kind of value"
            % (size + 24)) in log
    srv.stop()


@pytest.mark.parametrize("behavior", ["panic-on-replicas", "panic"])
def test_propagation_error_behavior_on_replay(tmp_path, behavior):
    # Only panic stops the load at a failing command (panic-on-replicas is
    # for the replication stream).
    path = prepared(tmp_path)
    with open(path, "ab") as f:
        f.write(b"*2\r\n$4\r\nINCR\r\n$1\r\nl\r\n")
    if behavior == "panic":
        code, log = start_fails(tmp_path, "--propagation-error-behavior", behavior)
        assert code == -6
        assert ("Guru Meditation: This server panicked sending an error to its "
                "AOF-loading-client after processing the command 'incr': WRONGTYPE") in log
        return
    srv = start(tmp_path, "--propagation-error-behavior", behavior)
    assert "Replaying 'incr' at offset" in srv.log() and srv.client().ping()
    srv.stop()


def test_incomplete_multi_block_is_reverted(tmp_path):
    path = prepared(tmp_path)
    good = os.path.getsize(path)
    with open(path, "ab") as f:
        f.write(b"*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$1\r\nq\r\n$1\r\n1\r\n")
    srv = start(tmp_path)
    c = srv.resp()
    assert c.execute("EXISTS", "q") == 0 and c.execute("GET", "a") == b"1"
    assert "Revert incomplete MULTI/EXEC transaction in AOF file appendonly.aof.1.incr.aof" in srv.log()
    c.close()
    kill9(srv)
    assert os.path.getsize(path) == good
    # A command cut inside a MULTI block cuts the whole block.
    with open(path, "ab") as f:
        f.write(b"*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$1\r\nq\r\n$1\r\n1\r\n*2\r\n$3\r\nDEL")
    srv = start(tmp_path)
    assert "Truncating the AOF appendonly.aof.1.incr.aof at offset %d" % good in srv.log()
    srv.stop()
    assert os.path.getsize(path) == good


def test_truncated_file_that_is_not_the_last_is_refused(tmp_path):
    path = prepared(tmp_path)
    data = read(tmp_path, "appendonlydir/appendonly.aof.1.incr.aof")
    cut = b"*2\r\n$3\r\nDEL"
    with open(path, "ab") as f:
        f.write(cut)
    with open(incr_path(tmp_path, 2), "wb") as f:
        f.write(b"*3\r\n$3\r\nSET\r\n$1\r\nz\r\n$1\r\n9\r\n")
    with open(os.path.join(str(tmp_path), MANIFEST), "ab") as f:
        f.write(b"file appendonly.aof.2.incr.aof seq 2 type i\n")
    code, log = start_fails(tmp_path, "--aof-load-truncated", "yes")
    assert code == 1
    assert "Fatal error: the truncated file is not the last file" in log
    assert "the command at offset %d is incomplete" % len(data) in log
    assert os.path.getsize(path) == len(data) + len(cut)     # not truncated


def test_corrupt_preamble_and_missing_file_are_refused(tmp_path):
    prepared(tmp_path)
    base = os.path.join(str(tmp_path), "appendonlydir", "appendonly.aof.1.base.rdb")
    with open(base, "r+b") as f:
        f.truncate(os.path.getsize(base) - 5)
    code, log = start_fails(tmp_path)
    assert code == 1
    assert "Error reading the RDB base file appendonly.aof.1.base.rdb, AOF loading aborted" in log
    assert "offset" in log
    os.unlink(base)
    code, log = start_fails(tmp_path)
    assert code == 1
    assert "Unable to obtain the AOF file appendonly.aof.1.base.rdb length" in log


@pytest.mark.parametrize("text,err", [
    (b"", "Found an empty AOF manifest"),
    (b"file a seq 1\n", "Invalid AOF manifest file format"),
    (b"file a.base seq 1 type b\nfile b.base seq 2 type b\n", "Found duplicate base file information"),
    (b"file x seq 2 type i\nfile y seq 1 type i\n", "Found a non-monotonic sequence number"),
    (b"file x seq 1 type z\n", "Unknown AOF file type"),
    (b"file ../x seq 1 type i\n", "File can't be a path, just a filename"),
    (b"file \"unclosed seq 1 type i\n", "Invalid AOF manifest file format"),
])
def test_bad_manifest_is_refused(tmp_path, text, err):
    os.mkdir(os.path.join(str(tmp_path), "appendonlydir"))
    with open(os.path.join(str(tmp_path), MANIFEST), "wb") as f:
        f.write(text)
    code, log = start_fails(tmp_path)
    assert code == 1
    assert "FATAL AOF MANIFEST FILE ERROR" in log and err in log


def test_manifest_comments_quoted_names_and_extra_fields(tmp_path):
    d = os.path.join(str(tmp_path), "appendonlydir")
    os.mkdir(d)
    with open(os.path.join(d, "my file.incr"), "wb") as f:
        f.write(b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n")
    with open(os.path.join(str(tmp_path), MANIFEST), "wb") as f:
        f.write(b"# a comment\nfile \"my file.incr\" seq 7 type i startoffset 0 endoffset 9\n")
    srv = start(tmp_path)
    c = srv.resp()
    assert c.execute("GET", "k") == b"v"
    # Saved back in Redis's format, the name quoted, unknown fields dropped.
    assert read(tmp_path, MANIFEST) == b"file \"my file.incr\" seq 7 type i\n"
    c.close()
    srv.stop()


def test_old_style_single_file_is_migrated(tmp_path):
    with open(os.path.join(str(tmp_path), "appendonly.aof"), "wb") as f:
        f.write(b"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$3\r\nold\r\n$1\r\n1\r\n")
    srv = start(tmp_path)
    c = srv.resp()
    assert c.execute("GET", "old") == b"1"
    assert read(tmp_path, MANIFEST) == (b"file appendonly.aof seq 1 type b\n"
                                        b"file appendonly.aof.1.incr.aof seq 1 type i\n")
    assert not os.path.exists(os.path.join(str(tmp_path), "appendonly.aof"))
    assert "Successfully migrated an old-style AOF file (appendonly.aof) into the AOF directory" \
        in srv.log()
    c.close()
    srv.stop()


# --------------------------------------------------------------------------
# CONFIG SET appendonly at run time, INFO
# --------------------------------------------------------------------------

def test_config_set_appendonly_yes_and_no(tmp_path):
    srv = Server(["--dir", str(tmp_path)]).start()
    c = srv.resp()
    c.execute("SET", "before", "1")
    c.execute("RPUSH", "l", "a", "b")
    assert not os.path.exists(os.path.join(str(tmp_path), "appendonlydir"))
    assert info(c)["aof_enabled"] == "0"
    assert c.execute("CONFIG", "SET", "appendonly", "yes") == "OK"
    assert info(c)["aof_enabled"] == "1"
    wait_rewrite_done(c)
    assert read(tmp_path, MANIFEST) == (b"file appendonly.aof.1.base.rdb seq 1 type b\n"
                                        b"file appendonly.aof.1.incr.aof seq 1 type i\n")
    c.execute("SET", "after", "2")
    log = srv.log()
    assert "Background append only file rewriting started by pid" in log
    assert "Successfully renamed the temporary AOF incr file temp-appendonly.aof.incr into " \
           "appendonly.aof.1.incr.aof" in log
    # Switch off: nothing more is appended.
    assert c.execute("CONFIG", "SET", "appendonly", "no") == "OK"
    size = os.path.getsize(incr_path(tmp_path))
    c.execute("SET", "off", "3")
    assert os.path.getsize(incr_path(tmp_path)) == size
    assert info(c)["aof_enabled"] == "0"
    c.close()
    kill9(srv)
    srv = start(tmp_path)
    c = srv.resp()
    assert c.execute("MGET", "before", "after", "off") == [b"1", b"2", None]
    assert c.execute("LRANGE", "l", 0, -1) == [b"a", b"b"]
    c.close()
    srv.stop()


def test_failed_switch_on_rewrite_is_retried(tmp_path):
    srv = Server(["--dir", str(tmp_path), "--rdb-key-save-delay", "100000"]).start()
    c = srv.resp()
    for i in range(20):
        c.execute("SET", "k%d" % i, i)
    assert c.execute("CONFIG", "SET", "appendonly", "yes") == "OK"
    c.execute("CONFIG", "SET", "rdb-key-save-delay", "0")   # for the retry only
    pid = int(re.search(r"rewriting started by pid (\d+)", srv.log()).group(1))
    c.execute("SET", "during", "1")      # goes to the temp incr file
    os.kill(pid, 9)
    wait_for(lambda: "Background AOF rewrite terminated by signal 9" in srv.log(),
             what="the child's death")
    wait_for(lambda: info(c)["aof_rewrites"] == "2", what="the retry")
    wait_rewrite_done(c)
    i = info(c)
    assert i["aof_last_bgrewrite_status"] == "ok" and i["aof_rewrites_consecutive_failures"] == "0"
    assert "Removing the temp incr aof file temp-appendonly.aof.incr in the background" in srv.log()
    assert read(tmp_path, MANIFEST) == (b"file appendonly.aof.1.base.rdb seq 1 type b\n"
                                        b"file appendonly.aof.1.incr.aof seq 1 type i\n")
    c.execute("SET", "after", "2")
    kill9(srv)
    srv = start(tmp_path)
    c = srv.resp()
    assert c.execute("DBSIZE") == 22
    c.close()
    srv.stop()


def test_config_set_appendonly_during_bgsave_is_scheduled(tmp_path):
    srv = Server(["--dir", str(tmp_path), "--rdb-key-save-delay", "100000"]).start()
    c = srv.resp()
    for i in range(10):
        c.execute("SET", "k%d" % i, i)
    assert c.execute("BGSAVE") == "Background saving started"
    assert c.execute("CONFIG", "SET", "appendonly", "yes") == "OK"
    i = info(c)
    assert i["aof_enabled"] == "1" and i["aof_rewrite_scheduled"] == "1"
    assert "AOF was enabled but there is already another background operation" in srv.log()
    c.execute("CONFIG", "SET", "rdb-key-save-delay", "0")
    wait_rewrite_done(c)
    c.execute("SET", "later", "x")
    kill9(srv)
    srv = start(tmp_path)
    c = srv.resp()
    assert c.execute("DBSIZE") == 11
    c.close()
    srv.stop()


def test_info_persistence_fields(tmp_path):
    srv = start(tmp_path)
    c = srv.resp()
    text = c.execute("INFO", "persistence").decode()
    names = [l.split(":")[0] for l in text.split("\r\n") if ":" in l]
    aof = names[names.index("aof_enabled"):]
    assert aof == ["aof_enabled", "aof_rewrite_in_progress", "aof_rewrite_scheduled",
                   "aof_last_rewrite_time_sec", "aof_current_rewrite_time_sec",
                   "aof_last_bgrewrite_status", "aof_rewrites",
                   "aof_rewrites_consecutive_failures", "aof_last_write_status",
                   "aof_last_cow_size", "module_fork_in_progress", "module_fork_last_cow_size",
                   "aof_current_size", "aof_base_size", "aof_pending_rewrite",
                   "aof_buffer_length", "aof_pending_bio_fsync", "aof_delayed_fsync"]
    i = info(c)
    assert i["aof_last_rewrite_time_sec"] == "-1" and i["aof_rewrites"] == "0"
    assert i["aof_last_write_status"] == "ok" and i["aof_buffer_length"] == "0"
    before = int(i["aof_current_size"])
    c.execute("SET", "k", "v")
    # SELECT 0 (23 bytes) and the SET (27 bytes).
    assert int(info(c)["aof_current_size"]) == before + 50
    assert info(c, "memory")["mem_aof_buffer"].isdigit()
    c.close()
    srv.stop()


def test_write_errors_refuse_writes_or_exit(tmp_path):
    # The incr file replaced by /dev/full: every write fails with ENOSPC.
    path = prepared(tmp_path)
    os.unlink(path)
    os.symlink("/dev/full", path)
    srv = start(tmp_path, "--appendfsync", "everysec")
    c = srv.resp()
    assert c.execute("SET", "x", "1") == "OK"     # its reply was already made
    wait_for(lambda: "Error writing to the AOF file: No space left on device" in srv.log(),
             what="the write error")
    misconf = "MISCONF Errors writing to the AOF file: No space left on device"
    for cmd in (("SET", "y", "2"), ("PING",)):
        with pytest.raises(ReplyError) as e:
            c.execute(*cmd)
        assert e.value.text == misconf
    assert c.execute("GET", "x") == b"1"          # reads still work
    assert info(c)["aof_last_write_status"] == "err"
    # Switching AOF off clears the condition.
    assert c.execute("CONFIG", "SET", "appendonly", "no") == "OK"
    assert c.execute("SET", "y", "2") == "OK"
    assert info(c)["aof_last_write_status"] == "ok"
    c.close()
    srv.stop()
    # With appendfsync always a failed write ends the server.
    srv = start(tmp_path, "--appendfsync", "always")
    c = srv.resp()
    with pytest.raises((ConnectionError, OSError)):
        c.execute("SET", "x", "1")
    srv.proc.wait(10)
    assert srv.proc.returncode == 1
    assert ("Can't recover from AOF write error when the AOF fsync policy is 'always'. "
            "Exiting...") in srv.log()
    srv.stop()


def test_timestamp_annotations(tmp_path):
    srv = start(tmp_path, "--aof-timestamp-enabled", "yes", "--aof-use-rdb-preamble", "no")
    c = srv.resp()
    c.execute("SET", "a", "1")
    c.execute("SET", "b", "2")
    data = read(tmp_path, "appendonlydir/appendonly.aof.1.incr.aof")
    assert re.match(rb"#TS:(\d{10})\r\n\*2\r\n\$6\r\nSELECT\r\n", data)
    assert data.count(b"#TS:") in (1, 2)   # one per second at most
    c.execute("BGREWRITEAOF")
    wait_rewrite_done(c)
    assert re.match(rb"#TS:\d{10}\r\n\*2\r\n\$6\r\nSELECT",
                    read(tmp_path, "appendonlydir/appendonly.aof.2.base.aof"))
    c.execute("SET", "c", "3")
    kill9(srv)
    code, out = check_aof(tmp_path)
    assert code == 0, out
    srv = start(tmp_path)
    c = srv.resp()
    assert c.execute("MGET", "a", "b", "c") == [b"1", b"2", b"3"]
    c.close()
    srv.stop()


def test_shutdown_fsyncs_and_restart_keeps_data(tmp_path):
    srv = start(tmp_path, "--appendfsync", "no")
    c = srv.resp()
    c.execute("SET", "k", "v")
    c.close()
    srv.kill()      # SIGTERM
    assert srv.proc.returncode == 0
    assert "Calling fsync() on the AOF file." in srv.log()
    srv.stop()
    srv = start(tmp_path)
    c = srv.resp()
    assert c.execute("GET", "k") == b"v"
    c.close()
    srv.stop()


# --------------------------------------------------------------------------
# exchange with redis-server 7.0
# --------------------------------------------------------------------------

def portable_fill(c):
    """What Redis 7.0 can replay too (no hash field TTLs)."""
    c.execute("SET", "s", "text")
    c.execute("SET", "num", "12345")
    c.execute("SET", "exp", "v", "EX", "5000")
    c.execute("HSET", "h", "a", "1", "b", "two")
    c.execute("RPUSH", "l", "1", "2", "3")
    c.execute("RPUSH", "biglist", *[str(i) for i in range(200)])
    c.execute("MULTI")
    c.execute("INCR", "ctr")
    c.execute("LPUSH", "l", "0")
    c.execute("EXEC")
    c.execute("SELECT", 1)
    c.execute("SET", "db1", "one")
    c.execute("SELECT", 0)


@pytest.mark.parametrize("preamble", ["yes", "no"])
def test_redis_loads_an_aof_written_by_modis(tmp_path, preamble):
    srv = start(tmp_path, "--aof-use-rdb-preamble", preamble)
    c = srv.resp()
    portable_fill(c)
    assert c.execute("BGREWRITEAOF") == "Background append only file rewriting started"
    wait_rewrite_done(c)
    c.execute("SET", "tail", "after-rewrite")
    want = dump(c)
    c.close()
    srv.stop()
    red = start(tmp_path, binary=REDIS)
    c = red.resp()
    assert dump(c) == want
    c.close()
    red.stop()


@pytest.mark.parametrize("preamble", ["yes", "no"])
def test_modis_loads_an_aof_written_by_redis(tmp_path, preamble):
    red = start(tmp_path, "--aof-use-rdb-preamble", preamble, binary=REDIS)
    c = red.resp()
    portable_fill(c)
    assert c.execute("BGREWRITEAOF") == "Background append only file rewriting started"
    wait_rewrite_done(c)
    c.execute("HSET", "h", "c", "3")
    c.execute("SET", "tail", "x")
    want = dump(c)
    c.close()
    red.stop()
    srv = start(tmp_path)
    c = srv.resp()
    assert dump(c) == want
    c.close()
    srv.stop()
