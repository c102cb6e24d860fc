"""md_call (SDK 1.2) with the test module tests/modules/sdkcall.c:

- every reply type, in RESP2 and RESP3: the tree the module reads through
  the accessors (CALL.TREE) equals the same command's reply bytes as the
  client gets them, parsed here; the root's RESP bytes (CALL.RESP) and the
  forwarded reply (CALL.FWD) are those bytes exactly, and a RESP3 reply
  forwarded to a RESP2 client is converted as the server would send it;
- errors come back as values: unknown command and subcommand, arity, the
  W, S and M flags, unknown flags, too deep, MODULE UNLOAD from md_call;
  the C flag is accepted (honoured once ACLs exist);
- blocking commands run in their non-blocking form; commands of every
  module (hashes, lists, the third-party sdkblocks) are reached; the
  caller's db; trees are freed (module memory back to 0);
- propagation: nothing without !, the call's effects with !, wrapped in
  MULTI/EXEC with the caller's md_replicate records in the order they
  were made, nested calls dropped under a call without !, deletions of
  expired keys always propagated.
"""

import os
import time

import pytest

from modis_helpers import RawConn, RespClient, Server, parse_reply

pytestmark = pytest.mark.modis_only

BUILDDIR = os.environ.get("MODIS_BUILDDIR") or os.path.join(
    os.path.dirname(__file__), "..", "..")


def module_path(name):
    path = os.path.join(BUILDDIR, "tests", "modules", ".libs", name + ".so")
    if not os.path.exists(path):
        pytest.skip("%s not built (the test modules are built by `make check`)" % path)
    return os.path.abspath(path)


@pytest.fixture
def mc(server):
    c = RespClient(server.port)
    c.execute("MODULE", "LOAD", module_path("sdkcall"))
    yield c
    assert c.execute("CALL.FREE") == 0      # every tree was freed
    c.execute("MODULE", "UNLOAD", "sdkcall")
    c.close()


@pytest.fixture
def conn(server):
    made = []

    def make(proto):
        c = RawConn(server.port)
        if proto == 3:
            c.call("HELLO", "3")
        made.append(c)
        return c

    yield make
    for c in made:
        c.close()


# --------------------------------------------------------------------------
# The description CALL.TREE replies, computed here from reply bytes
# --------------------------------------------------------------------------

def _line(buf, pos):
    end = buf.index(b"\r\n", pos)
    return buf[pos:end], end + 2


def describe(buf, pos=0):
    """(description, end) of the reply at buf[pos], as CALL.TREE builds it
    (simple strings come back as str, bulk strings as bytes)."""
    t = buf[pos:pos + 1]
    line, nxt = _line(buf, pos + 1)
    if t == b"+":
        return ["status", line], nxt
    if t == b"-":
        return ["error", line], nxt
    if t == b":":
        return ["integer", int(line)], nxt
    if t == b"_":
        return ["null"], nxt
    if t == b"#":
        return ["bool", 1 if line == b"t" else 0], nxt
    if t == b",":
        return ["double", line, line], nxt
    if t == b"(":
        return ["bignum", line], nxt
    n = int(line)
    if t in (b"$", b"!", b"="):
        if n < 0:
            return ["null"], nxt
        data = buf[nxt:nxt + n]
        end = nxt + n + 2
        if t == b"$":
            return ["string", data], end
        if t == b"!":
            return ["error", data], end
        return ["verbatim", data[:3], data[4:]], end
    if n < 0:
        return ["null"], nxt
    items = []
    for _ in range(2 * n if t == b"%" else n):
        d, nxt = describe(buf, nxt)
        items.append(d)
    if t == b"%":
        return ["map", [[items[2 * i], items[2 * i + 1]] for i in range(n)]], nxt
    return ["set" if t == b"~" else "array", items], nxt


# setup commands, then the command under test
CASES = [
    ([], ("PING",)),
    ([], ("ECHO", "hello")),
    ([], ("SET", "s", "v")),
    ([("SET", "s", "v")], ("GET", "s")),
    ([], ("GET", "missing")),
    ([("SET", "n", "41")], ("INCR", "n")),
    ([("SET", "s", "v")], ("MGET", "s", "missing", "s")),
    ([("HSET", "h", "f1", "v1", "f2", "v2")], ("HGETALL", "h")),
    ([], ("HGETALL", "missing")),
    ([("RPUSH", "l", "a", "b", "c")], ("LRANGE", "l", "0", "-1")),
    ([("SET", "s", "v")], ("LRANGE", "s", "0", "-1")),
    ([], ("COMMAND", "INFO", "get", "hset")),
    ([], ("DEBUG", "PROTOCOL", "string")),
    ([], ("DEBUG", "PROTOCOL", "integer")),
    ([], ("DEBUG", "PROTOCOL", "double")),
    ([], ("DEBUG", "PROTOCOL", "null")),
    ([], ("DEBUG", "PROTOCOL", "true")),
    ([], ("DEBUG", "PROTOCOL", "false")),
    ([], ("DEBUG", "PROTOCOL", "verbatim")),
    ([], ("DEBUG", "PROTOCOL", "map")),
    ([], ("DEBUG", "PROTOCOL", "set")),
    ([], ("DEBUG", "PROTOCOL", "nosuch")),
    ([("RPUSH", "l", "x")], ("BLPOP", "l", "0")),
    ([], ("BLPOP", "missing", "0.01")),
]


def run(server, proto, setup, cmd):
    """The raw reply of cmd in protocol proto after a fresh setup."""
    c = RawConn(server.port)
    try:
        if proto == 3:
            c.call("HELLO", "3")
        c.call("FLUSHALL")
        for s in setup:
            c.call(*s)
        return c.call(*cmd)
    finally:
        c.close()


def via(server, proto, setup, *cmd):
    return run(server, proto, setup, cmd)


@pytest.mark.parametrize("proto", [2, 3])
@pytest.mark.parametrize("setup,cmd", CASES, ids=[" ".join(c) for _, c in CASES])
def test_tree_resp_and_forward_match_the_reply(mc, server, proto, setup, cmd):
    direct = run(server, proto, setup, cmd)
    flags = "3" if proto == 3 else "-"
    # the root's bytes are the reply's bytes
    raw = parse_reply(via(server, proto, setup, "CALL.RESP", flags, *cmd))[0]
    assert raw == direct
    # the caller's protocol, whatever the client speaks
    raw = parse_reply(via(server, proto, setup, "CALL.RESP", "0", *cmd))[0]
    assert raw == direct
    # the accessors read what the bytes say
    tree = parse_reply(via(server, proto, setup, "CALL.TREE", flags, *cmd))[0]
    assert tree == describe(direct)[0]
    # forwarded as it is
    assert via(server, proto, setup, "CALL.FWD", flags, *cmd) == direct


CONVERTED = [c for c in CASES if c[1][:2] != ("BLPOP", "missing")]


@pytest.mark.parametrize("setup,cmd", CONVERTED, ids=[" ".join(c) for _, c in CONVERTED])
def test_resp3_reply_forwarded_to_a_resp2_client(mc, server, setup, cmd):
    """Maps flatten, sets become arrays, doubles and verbatim strings bulk
    strings, booleans integers: what a RESP2 client gets from the command."""
    assert via(server, 2, setup, "CALL.FWD", "3", *cmd) == run(server, 2, setup, cmd)


def test_resp2_null_forwarded_to_a_resp3_client(mc, conn):
    c = conn(3)
    assert c.call("CALL.FWD", "-", "GET", "missing") == b"_\r\n"
    assert c.call("CALL.FWD", "-", "BLPOP", "missing", "0") == b"_\r\n"
    # a RESP3 null read back in RESP3 stays what it was
    assert c.call("CALL.TREE", "3", "GET", "missing") == b"*1\r\n+null\r\n"


# --------------------------------------------------------------------------
# Errors as values
# --------------------------------------------------------------------------

def tree_error(c, *args):
    reply = c.call("CALL.TREE", *args)
    value = parse_reply(reply)[0]
    assert value[0] == "error", value
    return value[1].decode()


def get_rejected(server):
    """cmdstat_get's rejected_calls now (other tests' count too)."""
    info = RespClient(server.port)
    try:
        stats = info.execute("INFO", "commandstats").decode()
    finally:
        info.close()
    if "cmdstat_get:" not in stats:
        return 0
    line = stats.split("cmdstat_get:")[1].split("\r\n")[0]
    return int(line.split("rejected_calls=")[1].split(",")[0])


def test_refusals_have_redis_texts(mc, conn, server, restore_config):
    c = conn(2)
    rejected = get_rejected(server)
    assert tree_error(c, "-", "NOSUCH", "a", "b") == \
        "ERR unknown command 'NOSUCH', with args beginning with: 'a' 'b' "
    assert tree_error(c, "-", "OBJECT", "nosuch") == \
        "ERR unknown subcommand 'nosuch'. Try OBJECT HELP."
    assert tree_error(c, "-", "GET") == "ERR wrong number of arguments for 'get' command"
    assert tree_error(c, "W", "SET", "a", "1") == \
        "ERR Write command 'set' was called while write is not allowed."
    assert tree_error(c, "S", "MULTI") == "ERR command 'multi' is not allowed on script mode"
    assert tree_error(c, "SW", "CONFIG", "SET", "hz", "10") == \
        "ERR command 'config|set' is not allowed on script mode"
    assert tree_error(c, "x", "PING") == "ERR md_call: unknown flags"
    assert tree_error(c, "-", "MODULE", "UNLOAD", "sdkcall") == \
        "ERR Error unloading module: not allowed from md_call"
    # W lets reads through; C lets the default user (allcommands allkeys) pass
    assert c.call("CALL.TREE", "WC", "GET", "a") == b"*1\r\n+null\r\n"
    # a command's own error is a value too
    c.call("SET", "s", "v")
    assert tree_error(c, "-", "HGET", "s", "f") == \
        "WRONGTYPE Operation against a key holding the wrong kind of value"
    # a wrong arity counts as a rejected call of the command
    assert get_rejected(server) == rejected + 1


def test_acl_flag_checks_the_callers_user(mc, conn, server):
    """C: the caller's user decides (command, key); a denial is NOPERM and
    an ACL LOG entry with context module; without C the call runs."""
    admin = conn(2)
    admin.call("ACL", "SETUSER", "calluser", "on", "nopass", "+call.tree", "+get",
               "~allowed*")
    try:
        admin.call("ACL", "LOG", "RESET")
        c = conn(2)
        assert c.call("AUTH", "calluser", "x") == b"+OK\r\n"
        assert c.call("CALL.TREE", "C", "GET", "allowed1") == b"*1\r\n+null\r\n"
        assert tree_error(c, "C", "GET", "other") == "NOPERM No permissions to access a key"
        assert tree_error(c, "C", "SET", "allowed1", "v") == \
            "NOPERM User calluser has no permissions to run the 'set' command"
        # without C the module decides: the call runs
        assert c.call("CALL.TREE", "-", "SET", "other", "v") == b"*2\r\n+status\r\n$2\r\nOK\r\n"
        log = admin.call("ACL", "LOG")
        assert log.count(b"module") == 2 and b"calluser" in log
    finally:
        admin.call("ACL", "DELUSER", "calluser")


def test_oom_flag(mc, conn, restore_config):
    restore_config("maxmemory")
    c = conn(2)
    c.call("CONFIG", "SET", "maxmemory", "1")
    assert tree_error(c, "M", "SET", "a", "1") == \
        "OOM command not allowed when used memory > 'maxmemory'."
    # not denyoom, or without M: runs
    assert c.call("CALL.TREE", "M", "GET", "a") == b"*1\r\n+null\r\n"
    c.call("CONFIG", "SET", "maxmemory", "0")
    assert c.call("CALL.TREE", "M", "SET", "a", "1") == b"*2\r\n+status\r\n$2\r\nOK\r\n"


def test_nesting_and_its_limit(mc, conn):
    c = conn(2)
    assert c.call("CALL.DEEP", "10") == b"+BOTTOM\r\n"
    assert c.call("CALL.DEEP", "40") == b"-ERR calls nested too deeply\r\n"
    # a module command calling md_call through md_call
    assert c.call("CALL.TREE", "-", "CALL.TREE", "-", "PING") == \
        b"*2\r\n+array\r\n*2\r\n*2\r\n+status\r\n$6\r\nstatus\r\n*2\r\n+string\r\n$4\r\nPONG\r\n"


def test_blocking_commands_do_not_block(mc, conn, server):
    c = conn(2)
    t0 = time.monotonic()
    assert c.call("CALL.FWD", "-", "BLPOP", "nolist", "0") == b"*-1\r\n"
    assert c.call("CALL.FWD", "-", "BLMOVE", "a", "b", "LEFT", "LEFT", "0") == b"$-1\r\n"
    assert time.monotonic() - t0 < 1
    info = RespClient(server.port)
    try:
        assert b"blocked_clients:0" in info.execute("INFO", "clients")
    finally:
        info.close()


def test_reaches_every_module_and_the_callers_db(mc, conn, server):
    c = conn(2)
    c.call("SELECT", "3")
    assert c.call("CALL.FWD", "-", "HSET", "h", "f", "v") == b":1\r\n"
    assert c.call("CALL.FWD", "-", "RPUSH", "l", "a") == b":1\r\n"
    assert c.call("HGET", "h", "f") == b"$1\r\nv\r\n"
    c.call("SELECT", "0")
    assert c.call("EXISTS", "h") == b":0\r\n"
    c.call("MODULE", "LOAD", module_path("sdkblocks"))
    try:
        assert c.call("CALL.FWD", "-", "BLK.D2S", "1.5") == b"$3\r\n1.5\r\n"
    finally:
        c.call("MODULE", "UNLOAD", "sdkblocks")
    # a transaction through md_call leaves nothing behind
    assert c.call("CALL.FWD", "-", "MULTI") == b"+OK\r\n"
    assert c.call("CALL.FWD", "-", "PING") == b"+PONG\r\n"
    assert c.call("CALL.FWD", "-", "EXEC") == b"-ERR EXEC without MULTI\r\n"


# --------------------------------------------------------------------------
# Propagation
# --------------------------------------------------------------------------

def incr_aof(srv):
    d = os.path.join(srv.dir, "appendonlydir")
    names = sorted(n for n in os.listdir(d) if n.endswith(".incr.aof"))
    with open(os.path.join(d, names[-1]), "rb") as f:
        data = f.read()
    out, pos = [], 0
    while pos < len(data):
        v, pos = parse_reply(data, pos)
        out.append([x.decode() for x in v])
    return out


@pytest.fixture
def aof_server():
    srv = Server(["--appendonly", "yes", "--appendfsync", "always",
                  "--loadmodule", module_path("sdkcall")]).start()
    yield srv
    srv.stop()


def test_propagation(aof_server):
    c = RawConn(aof_server.port)
    try:
        c.call("CALL.TREE", "-", "SET", "quiet", "1")                # not propagated
        c.call("CALL.TREE", "!", "SET", "loud", "1")                  # alone
        assert c.call("CALL.MIX", "k") == b":1\r\n"                   # with the caller's
        c.call("CALL.TREE", "-", "CALL.TREE", "!", "SET", "z", "1")   # dropped by the outer call
        c.call("MULTI")
        c.call("CALL.TREE", "!", "SET", "m", "1")
        c.call("INCR", "n")
        c.call("EXEC")
        c.call("SET", "gone", "1", "PX", "1")
        time.sleep(0.02)
        c.call("CALL.TREE", "-", "GET", "gone")                       # the DEL still goes
        ops = incr_aof(aof_server)
    finally:
        c.close()
    assert ops == [
        ["SELECT", "0"], ["SET", "loud", "1"],
        ["MULTI"], ["SET", "k:a", "1"], ["INCR", "k"], ["SET", "k:b", "2"], ["EXEC"],
        ["MULTI"], ["SET", "m", "1"], ["INCR", "n"], ["EXEC"],
        ["SET", "gone", "1", "PXAT", ops[11][4]],
        ["DEL", "gone"]]
    assert "quiet" not in str(ops) and "'z'" not in str(ops)
