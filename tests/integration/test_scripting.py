"""Lua scripting (EVAL family, SCRIPT): the reply bytes of Redis's
conversions in both protocols, the sandbox, errors that must not crash the
server, effects propagated to the AOF as the commands a script ran, ACLs
inside scripts, scripts reaching module commands across MODULE UNLOAD and
LOAD, and the two scripts every Redis user knows (lock release, rate
limiter). tests/diff/scripts/scripting.txt compares the texts with
redis-server line by line; here are the cases that need a server of their
own, raw bytes or several clients."""

import os

import pytest

from modis_helpers import RespClient, ReplyError, Server, start_busy_call

pytestmark = pytest.mark.modis_only


def sha1(text):
    import hashlib
    return hashlib.sha1(text.encode()).hexdigest()


def err(c, *args):
    with pytest.raises(ReplyError) as e:
        c.execute(*args)
    return e.value.text


# ---- conversions, byte for byte

def test_resp2_conversion_bytes(raw):
    assert raw.call("EVAL", "return {1, 'a', {ok='s'}, {err='E x'}, true, false, 3.9}",
                    "0") == (b"*7\r\n:1\r\n$1\r\na\r\n+s\r\n-E x\r\n:1\r\n$-1\r\n:3\r\n")
    assert raw.call("EVAL", "return {1, 2, nil, 4}", "0") == b"*2\r\n:1\r\n:2\r\n"
    assert raw.call("EVAL", "return {map={k='v'}}", "0") == b"*2\r\n$1\r\nk\r\n$1\r\nv\r\n"
    assert raw.call("EVAL", "return {set={m=true}}", "0") == b"*1\r\n$1\r\nm\r\n"
    assert raw.call("EVAL", "return {double=2.5}", "0") == b"$3\r\n2.5\r\n"
    assert raw.call("EVAL", "return {big_number='12'}", "0") == b"$2\r\n12\r\n"
    assert raw.call("EVAL", "return nil", "0") == b"$-1\r\n"
    assert raw.call("EVAL", "redis.setresp(3); return true", "0") == b":1\r\n"
    assert raw.call("EVAL", "redis.setresp(3); return false", "0") == b":0\r\n"


def test_resp3_conversion_bytes(raw):
    raw.call("HELLO", "3")
    assert raw.call("EVAL", "return {map={k='v'}}", "0") == b"%1\r\n$1\r\nk\r\n$1\r\nv\r\n"
    assert raw.call("EVAL", "return {set={m=true}}", "0") == b"~1\r\n$1\r\nm\r\n"
    assert raw.call("EVAL", "return {double=2.5}", "0") == b",2.5\r\n"
    assert raw.call("EVAL", "return {big_number='12'}", "0") == b"(12\r\n"
    assert raw.call("EVAL", "return {verbatim_string={format='txt', string='hi'}}",
                    "0") == b"=6\r\ntxt:hi\r\n"
    assert raw.call("EVAL", "return nil", "0") == b"_\r\n"
    assert raw.call("EVAL", "return false", "0") == b"_\r\n"
    assert raw.call("EVAL", "return true", "0") == b":1\r\n"
    assert raw.call("EVAL", "redis.setresp(3); return true", "0") == b"#t\r\n"
    assert raw.call("EVAL", "redis.setresp(3); return false", "0") == b"#f\r\n"
    raw.call("HSET", "h", "f", "v")
    assert raw.call("EVAL", "redis.setresp(3); return redis.call('hgetall', 'h')",
                    "0") == b"%1\r\n$1\r\nf\r\n$1\r\nv\r\n"
    assert raw.call("EVAL", "return redis.call('hgetall', 'h')", "0") == (
        b"*2\r\n$1\r\nf\r\n$1\r\nv\r\n")
    raw.call("ZADD", "z", "1.5", "m")
    assert raw.call("EVAL", "redis.setresp(3); return redis.call('zscore', 'z', 'm')",
                    "0") == b",1.5\r\n"
    assert raw.call("EVAL", "redis.setresp(3); return redis.call('get', 'nokey') == nil",
                    "0") == b"#t\r\n"


def test_keys_and_argv(r2):
    assert r2.execute("EVAL", "return {KEYS[1], KEYS[2], ARGV[1], #KEYS, #ARGV}", "2",
                      "k1", "k2", "a1") == [b"k1", b"k2", b"a1", 2, 1]
    # binary-safe both ways
    assert r2.execute("EVAL", "return ARGV[1]", "0", b"a\x00b\r\n") == b"a\x00b\r\n"
    # the previous run's KEYS do not linger
    assert r2.execute("EVAL", "return #KEYS", "0") == 0


def test_command_getkeys(r2):
    assert r2.execute("COMMAND", "GETKEYS", "EVAL", "return 1", "2", "a", "b", "c") == [
        b"a", b"b"]
    assert r2.execute("COMMAND", "GETKEYS", "EVALSHA_RO", "x", "1", "k") == [b"k"]


# ---- the cache

def test_script_cache(r2):
    body = "return 'cached'"
    assert r2.execute("SCRIPT", "LOAD", body) == sha1(body).encode()
    assert r2.execute("EVALSHA", sha1(body), "0") == b"cached"
    assert r2.execute("EVALSHA", sha1(body).upper(), "0") == b"cached"
    assert r2.execute("SCRIPT", "EXISTS", sha1(body), "0" * 40) == [1, 0]
    assert r2.execute("SCRIPT", "FLUSH") == "OK"
    assert err(r2, "EVALSHA", sha1(body), "0") == "NOSCRIPT No matching script. Please use EVAL."
    # EVAL caches what it runs
    r2.execute("EVAL", body, "0")
    assert r2.execute("SCRIPT", "EXISTS", sha1(body)) == [1]


# ---- errors never crash the server

def test_errors_do_not_crash(r2):
    body = "error({})"
    assert err(r2, "EVAL", body, "0") == (
        "ERR Error running script %s, execution failure" % sha1(body))
    assert r2.execute("PING") == "PONG"
    text = err(r2, "EVAL", "local function f(n) return f(n + 1) + 1 end return f(1)", "0")
    assert "stack overflow" in text
    big = r2.execute("EVAL", "local t = {} for i = 1, 20000 do t[i] = i end return t", "0")
    assert len(big) == 20000 and big[-1] == 20000
    assert r2.execute("PING") == "PONG"


def test_self_containing_table(raw):
    # nested until Lua's stack is exhausted, then the error at the bottom
    raw.send_command("EVAL", "local t = {} t[1] = t return t", "0")
    data = raw.read_available(wait=1.0)
    assert data.startswith(b"*1\r\n" * 1000)
    assert data.endswith(b"*1\r\n-ERR reached lua stack limit\r\n")
    assert raw.call("PING") == b"+PONG\r\n"


def test_error_tables_and_stats(r2):
    r2.execute("CONFIG", "RESETSTAT")
    r2.execute("SET", "s", "x")
    body = "return redis.call('incr', 's')"
    assert err(r2, "EVAL", body, "0") == (
        "ERR value is not an integer or out of range script: %s, on @user_script:1."
        % sha1(body))
    info = r2.execute("INFO", "errorstats").decode()
    # counted once: by INCR inside the script, not again for the EVAL
    assert "errorstat_ERR:count=1" in info


# ---- sandbox

def test_sandbox_has_no_escape(r2):
    for expr in ("os", "io", "require", "dofile", "loadfile", "debug", "setfenv", "getfenv",
                 "print", "package", "module", "newproxy"):
        body = "return type(%s)" % expr
        assert err(r2, "EVAL", body, "0") == (
            "ERR user_script:1: Script attempted to access nonexistent global variable "
            "'%s' script: %s, on @user_script:1." % (expr, sha1(body)))
    # code compiled by loadstring runs in the same sandbox
    body = "loadstring('y = 1')()"
    assert err(r2, "EVAL", body, "0") == (
        "ERR [string \"y = 1\"]:1: Attempt to modify a readonly table script: %s, "
        "on y = 1:1." % sha1(body))
    # the string metatable is out of reach
    assert r2.execute("EVAL", "return tostring(getmetatable(''))", "0") == b"false"
    # the libraries stay intact for the next script
    r2.execute("EVAL", "pcall(function() string.rep = nil end)", "0")
    assert r2.execute("EVAL", "return string.rep('a', 3)", "0") == b"aaa"
    assert r2.execute("EVAL", "return cjson.encode({a=1})", "0") == b'{"a":1}'
    assert r2.execute("EVAL", "return bit.bxor(5, 3)", "0") == 6


# ---- ACL inside scripts

def test_acl_in_scripts(server, r2):
    r2.execute("ACL", "SETUSER", "lim", "on", "nopass", "+@all", "-set", "~*")
    try:
        c = RespClient(server.port)
        c.execute("AUTH", "lim", "x")
        body = "return redis.call('set', 'a', 'b')"
        assert err(c, "EVAL", body, "0") == (
            "ERR The user executing the script can't run this command or subcommand "
            "script: %s, on @user_script:1." % sha1(body))
        assert c.execute("EVAL", "return redis.call('get', 'a')", "0") is None
        log = r2.execute("ACL", "LOG", "1")[0]
        d = dict(zip(log[0::2], log[1::2]))
        assert d[b"context"] == b"lua" and d[b"object"] == b"set"
        c.close()
    finally:
        r2.execute("ACL", "DELUSER", "lim")


# ---- in a transaction

def test_eval_in_multi(r2):
    r2.execute("MULTI")
    r2.execute("EVAL", "return redis.call('incr', KEYS[1])", "1", "n")
    r2.execute("EVAL", "return redis.call('incr', KEYS[1])", "1", "n")
    assert r2.execute("EXEC") == [1, 2]


# ---- effects reach the AOF as commands

def incr_file(workdir):
    return open(os.path.join(str(workdir), "appendonlydir",
                             "appendonly.aof.1.incr.aof"), "rb").read()


def test_effects_propagate_to_aof(tmp_path):
    srv = Server(["--dir", str(tmp_path), "--appendonly", "yes", "--appendfsync",
                  "always"]).start()
    try:
        c = srv.resp()
        c.execute("EVAL", "redis.call('set', KEYS[1], 'v'); redis.call('incr', 'n');"
                  " return redis.call('get', 'nokey')", "1", "k")
        c.execute("EVAL", "return redis.call('get', 'k')", "0")
        c.execute("EVAL", "redis.call('rpush', 'l', 'a')", "0")
        c.execute("EVAL", "redis.set_repl(redis.REPL_NONE); redis.call('set', 'hidden', '1');"
                  " redis.set_repl(redis.REPL_ALL); redis.call('set', 'shown', '1')", "0")
        assert incr_file(tmp_path) == (
            b"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n"
            b"*1\r\n$5\r\nMULTI\r\n"
            b"*3\r\n$3\r\nset\r\n$1\r\nk\r\n$1\r\nv\r\n"
            b"*2\r\n$4\r\nincr\r\n$1\r\nn\r\n"
            b"*1\r\n$4\r\nEXEC\r\n"
            b"*3\r\n$5\r\nrpush\r\n$1\r\nl\r\n$1\r\na\r\n"
            b"*3\r\n$3\r\nset\r\n$5\r\nshown\r\n$1\r\n1\r\n")
        c.close()
        srv.stop()
        srv = Server(["--dir", str(tmp_path), "--appendonly", "yes"]).start()
        c = srv.resp()
        assert c.execute("MGET", "k", "n", "hidden", "shown") == [b"v", b"1", None, b"1"]
        assert c.execute("LRANGE", "l", "0", "-1") == [b"a"]
        c.close()
    finally:
        srv.stop()


# ---- module commands, and MODULE UNLOAD

def test_scripts_follow_module_unload(start_server):
    srv = start_server()
    c = srv.resp()
    mods = {}
    for entry in c.execute("MODULE", "LIST"):
        d = dict(zip(entry[0::2], entry[1::2]))
        mods[d[b"name"].decode()] = (d[b"path"].decode(), [a.decode() for a in d[b"args"]])
    assert "hll" in mods
    body = "return redis.call('pfadd', KEYS[1], 'a')"
    assert c.execute("EVAL", body, "1", "h1") == 1
    assert c.execute("DEL", "h1") == 1
    assert c.execute("MODULE", "UNLOAD", "hll") == "OK"
    assert err(c, "EVALSHA", sha1(body), "1", "h1") == (
        "ERR Unknown Redis command called from script script: %s, on @user_script:1."
        % sha1(body))
    path, args = mods["hll"]
    assert c.execute("MODULE", "LOAD", path, *args) == "OK"
    assert c.execute("EVALSHA", sha1(body), "1", "h2") == 1
    c.close()


# ---- common scripts

LOCK_RELEASE = """
if redis.call("get", KEYS[1]) == ARGV[1] then
    return redis.call("del", KEYS[1])
else
    return 0
end"""

RATE_LIMIT = """
local current = redis.call("incr", KEYS[1])
if current == 1 then
    redis.call("expire", KEYS[1], ARGV[1])
end
if current > tonumber(ARGV[2]) then
    return 0
end
return 1"""


def test_lock_release(r2):
    assert r2.execute("SET", "lock", "token-1", "NX", "PX", "30000") == "OK"
    assert r2.execute("EVAL", LOCK_RELEASE, "1", "lock", "token-2") == 0
    assert r2.execute("GET", "lock") == b"token-1"
    assert r2.execute("EVAL", LOCK_RELEASE, "1", "lock", "token-1") == 1
    assert r2.execute("EXISTS", "lock") == 0


def test_rate_limiter(r2):
    got = [r2.execute("EVAL", RATE_LIMIT, "1", "rl", "10", "3") for _ in range(5)]
    assert got == [1, 1, 1, 0, 0]
    ttl = r2.execute("TTL", "rl")
    assert 0 < ttl <= 10


# ---- busy scripts

def start_busy(srv, body, *args):
    """A client running `body` past busy-reply-threshold (100 ms)."""
    return start_busy_call(srv, "SCRIPT", "EVAL", body, "0", *args)


def test_busy_script_and_kill(start_server):
    srv = start_server(["--busy-reply-threshold", "100"])
    c, other = start_busy(srv, "local i = 0 while true do i = i + 1 end")
    assert err(other, "GET", "k").startswith("BUSY ")
    assert err(other, "EVAL", "return 1", "0").startswith("BUSY ")
    assert err(other, "SHUTDOWN").startswith("BUSY ")
    assert other.execute("SCRIPT", "KILL") == "OK"
    rep = c.read_reply()
    assert rep == ("-ERR Script killed by user with SCRIPT KILL... script: %s, "
                   "on @user_script:1.\r\n" % sha1("local i = 0 while true do i = i + 1 end")
                   ).encode()
    assert other.execute("PING") == "PONG"
    assert err(other, "SCRIPT", "KILL") == "NOTBUSY No scripts in execution right now."
    assert other.execute("CONFIG", "GET", "lua-time-limit") == [b"lua-time-limit", b"100"]
    assert "Slow script detected: still in execution after" in srv.log()
    # a pcall does not swallow the kill
    body = "while true do pcall(function() while true do end end) end"
    c, other = start_busy(srv, body)
    assert other.execute("SCRIPT", "KILL") == "OK"
    assert c.read_reply().startswith(b"-ERR Script killed by user with SCRIPT KILL...")
    c.close()
    other.close()


def test_busy_writing_script_is_unkillable(start_server):
    srv = start_server(["--busy-reply-threshold", "100"])
    c, other = start_busy(srv, "redis.call('set', 'k', 'v') while true do end")
    assert err(other, "SCRIPT", "KILL") == (
        "UNKILLABLE Sorry the script already executed write commands against the dataset. "
        "You can either wait the script termination or kill the server in a hard way using "
        "the SHUTDOWN NOSAVE command.")
    srv.expected_exit = True
    try:
        other.execute("SHUTDOWN", "NOSAVE")
    except Exception:  # noqa: BLE001 - the connection closes
        pass
    srv.proc.wait(10)
    assert srv.proc.returncode == 0


# ---- limits: memory under maxmemory, deep recursion, huge values

def test_scripts_under_maxmemory(start_server):
    srv = start_server(["--maxmemory-policy", "noeviction"])
    c = srv.resp()
    c.execute("DEBUG", "POPULATE", "30000", "k", "100")
    c.execute("CONFIG", "SET", "maxmemory", "1mb")
    oom = "OOM command not allowed when used memory > 'maxmemory'."
    body = "return redis.call('set','a','b')"
    assert err(c, "EVAL", body, "0") == "%s script: %s, on @user_script:1." % (oom, sha1(body))
    assert err(c, "EVAL", "return redis.pcall('set','a','b')", "0") == oom
    assert err(c, "EVAL", "#!lua\nreturn redis.call('set','a','b')", "0") == oom
    assert c.execute("EVAL", "#!lua flags=allow-oom\nreturn redis.call('set','a','b')",
                     "0") == "OK"
    assert c.execute("EVAL", "#!lua flags=no-writes\nreturn redis.call('get','a')", "0") == b"b"
    # the script's own memory (a big table, a big string) is not refused
    assert c.execute("EVAL", "local t = {} for i=1,300000 do t[i] = tostring(i) .. "
                     "'xxxxxxxxxxxxxxxxxxxx' end return #t", "0") == 300000
    assert c.execute("EVAL", "return #string.rep('x', 20*1024*1024)", "0") == 20 * 1024 * 1024
    # deletes still run (not denyoom), and the server is fine
    assert c.execute("EVAL", "return redis.call('del', 'a')", "0") == 1
    c.execute("CONFIG", "SET", "maxmemory", "0")
    assert c.execute("PING") == "PONG"
    c.close()


def read_all(server, expected_len, *cmd):
    """The first expected_len bytes answering cmd on a fresh connection."""
    import socket
    from modis_helpers import encode_command
    s = socket.create_connection(("127.0.0.1", server.port), timeout=20)
    s.sendall(encode_command(*cmd))
    parts, n = [], 0
    while n < expected_len:
        chunk = s.recv(1 << 20)
        assert chunk, "connection closed after %d bytes" % n
        parts.append(chunk)
        n += len(chunk)
    s.close()
    return b"".join(parts)


def test_deep_recursion_and_huge_values(server, raw):
    # a table nested deeper than Lua's C stack: arrays down to the limit,
    # then Redis's error in their place
    import socket
    from modis_helpers import encode_command
    s = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    s.sendall(encode_command("EVAL", "local t = {} local c = t for i=1,100000 do c[1] = {} "
                             "c = c[1] end return t", "0"))
    data = b""
    while not data.endswith(b"-ERR reached lua stack limit\r\n"):
        chunk = s.recv(65536)
        assert chunk, data[-100:]
        data += chunk
    s.close()
    depth = (len(data) - len(b"-ERR reached lua stack limit\r\n")) // 4
    assert depth > 100 and data == b"*1\r\n" * depth + b"-ERR reached lua stack limit\r\n"
    body = "local function f(n) if n == 0 then return 0 end return 1 + f(n-1) end return f(1000000)"
    assert raw.call("EVAL", body, "0") == (
        "-ERR user_script:1: stack overflow script: %s, on @user_script:1.\r\n"
        % sha1(body)).encode()
    expected = b"*1000000\r\n" + b"".join(b":%d\r\n" % i for i in range(1, 1000001))
    assert read_all(server, len(expected), "EVAL",
                    "local t = {} for i=1,1000000 do t[i]=i end return t", "0") == expected
    big = read_all(server, 50 * 1024 * 1024 + 13, "EVAL", "return string.rep('x', 50*1024*1024)",
                   "0")
    assert big[:14] == b"$52428800\r\nxxx" and big[-3:] == b"x\r\n"
    assert raw.call("PING") == b"+PONG\r\n"
