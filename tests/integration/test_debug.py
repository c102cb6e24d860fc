"""DEBUG (host/cmd_debug.c, host/cmd_debug_proc.c): the subcommands whose
effect is not a plain reply, which tests/diff/scripts/debug.txt compares
byte for byte. HELP's lines; the RESP3 frames PROTOCOL attrib/push send;
what the knobs change (checksums, AOF writes, the cron, table resizing,
the reply buffer's peak, the replication id); POPULATE's values; HTSTATS
and the representations modules describe (LISTPACK, QUICKLIST,
HTSTATS-KEY, QUICKLIST-PACKED-THRESHOLD registered by the lists module,
gone with it); module subcommands (tests/modules/debugsub.c) and the
refusal of a host name; LOADAOF, RESTART, CRASH-AND-RECOVER,
CONFIG-REWRITE-FORCE-ALL. The crashes on purpose are in
test_crash_report.py.
"""

import os
import re
import time

import pytest

from modis_helpers import REPO, RawConn, RespClient, ReplyError, default_conf, parse_info

pytestmark = pytest.mark.modis_only

BUILDDIR = os.environ.get("MODIS_BUILDDIR") or REPO


def wait_for(cond, timeout=10.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return
        time.sleep(0.05)
    raise AssertionError("timed out waiting for " + what)


def need(c, command):
    if c.execute("COMMAND", "INFO", command) == [None]:
        pytest.skip("%s is not loaded" % command)


def err(c, *args):
    with pytest.raises(ReplyError) as e:
        c.execute(*args)
    return e.value.text


@pytest.fixture
def c(server):
    client = RespClient(server.port)
    yield client
    client.execute("DEBUG", "PAUSE-CRON", "0")
    client.execute("DEBUG", "DICT-RESIZING", "1")
    client.execute("DEBUG", "SET-SKIP-CHECKSUM-VALIDATION", "0")
    client.execute("DEBUG", "REPLYBUFFER", "PEAK-RESET-TIME", "reset")
    client.close()


def conf_copy(tmp_path, extra=""):
    path = tmp_path / "modis.conf"
    path.write_text((open(default_conf()).read() if default_conf() else "") + extra)
    return str(path)


# --------------------------------------------------------------------------
# HELP and the protocol
# --------------------------------------------------------------------------

def test_help_lists_host_and_module_subcommands(c):
    lines = c.execute("DEBUG", "HELP")
    assert lines[0] == "DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"
    assert lines[-2:] == ["HELP", "    Prints this help."]
    for name in ("HTSTATS <dbid> [full]", "DICT-RESIZING <0|1>", "PROTOCOL <type>",
                 "REPLYBUFFER RESIZING <0|1>", "LOADAOF", "POPULATE <count> [<prefix>] [<size>]"):
        assert name in lines
    if c.execute("COMMAND", "INFO", "LPUSH") != [None]:
        at = lines.index("QUICKLIST-PACKED-THRESHOLD <size>")
        assert lines[at + 1:at + 3] == [
            "    Sets the threshold for elements to be inserted as plain vs packed nodes",
            "    Default value is 1GB, allows values up to 4GB. Setting to 0 restores to "
            "default."]
    mallctl = "MALLCTL <key> [<val>]" in lines
    assert mallctl == (b"jemalloc" in c.execute("INFO", "memory"))


def test_protocol_attrib_and_push_frames(server):
    raw = RawConn(server.port)
    try:
        raw.call("HELLO", "3")
        raw.send_command("DEBUG", "PROTOCOL", "attrib")
        # The attribute and the reply it annotates, as one reply.
        assert raw.read_reply() == (b"|1\r\n$14\r\nkey-popularity\r\n*2\r\n$7\r\nkey:123\r\n"
                                    b":90\r\n$39\r\nSome real reply following the attribute\r\n")
        raw.send_command("DEBUG", "PROTOCOL", "push")
        assert raw.read_reply() == b">2\r\n$16\r\nserver-cpu-usage\r\n:42\r\n"
        assert raw.read_reply() == b"$40\r\nSome real reply following the push reply\r\n"
        # Push data is not silenced by CLIENT REPLY OFF (Redis 7.2+).
        raw.send_command("CLIENT", "REPLY", "OFF")
        raw.send_command("DEBUG", "PROTOCOL", "push")
        raw.send_command("CLIENT", "REPLY", "ON")
        assert raw.read_reply() == b">2\r\n$16\r\nserver-cpu-usage\r\n:42\r\n"
        assert raw.read_reply() == b"+OK\r\n"
    finally:
        raw.close()


# --------------------------------------------------------------------------
# The dataset
# --------------------------------------------------------------------------

def test_populate_values(c):
    need(c, "SET")
    assert c.execute("DEBUG", "POPULATE", "3") == "OK"
    assert sorted(c.execute("KEYS", "*")) == [b"key:0", b"key:1", b"key:2"]
    assert c.execute("GET", "key:2") == b"value:2"
    assert c.execute("DEBUG", "POPULATE", "2", "pad", "10") == "OK"
    assert c.execute("GET", "pad:1") == b"value:1\x00\x00\x00"
    assert c.execute("DEBUG", "POPULATE", "2", "cut", "3") == "OK"
    assert c.execute("GET", "cut:1") == b"val"
    assert c.execute("SET", "key:1", "mine") == "OK"
    assert c.execute("DEBUG", "POPULATE", "5") == "OK"
    assert c.execute("GET", "key:1") == b"mine"
    assert c.execute("DBSIZE") == 9
    assert c.execute("TYPE", "key:4") == "string"


def test_htstats(c):
    need(c, "SET")
    text = c.execute("DEBUG", "HTSTATS", "0").decode()
    assert text == ("[Dictionary HT]\nHash table 0 stats (main hash table):\n"
                    "No stats available for empty dictionaries\n[Expires HT]\n"
                    "Hash table 0 stats (main hash table):\n"
                    "No stats available for empty dictionaries\n")
    assert c.execute("DEBUG", "POPULATE", "100") == "OK"
    assert c.execute("EXPIRE", "key:1", "100") == 1
    short = c.execute("DEBUG", "HTSTATS", "0").decode()
    assert re.search(r"^\[Dictionary HT\]\nHash table 0 stats \(main hash table\):\n"
                     r" table size: \d+\n number of elements: \d+\n", short)
    assert "[Expires HT]\nHash table 0 stats (main hash table):\n table size: " in short
    assert " number of elements: 1\n" in short.split("[Expires HT]")[1]
    full = c.execute("DEBUG", "HTSTATS", "0", "FULL").decode()
    assert " max chain length: " in full and " Chain length distribution:\n" in full
    assert re.search(r"^   0: \d+ \(\d+\.\d\d%\)$", full, re.M)
    assert err(c, "DEBUG", "HTSTATS", "16") == "ERR Out of range database"


def test_representations_of_module_values(server, c):
    need(c, "RPUSH")
    need(c, "HSET")
    assert c.execute("RPUSH", "small", "a", "b", 1) == 3
    assert c.execute("DEBUG", "LISTPACK", "small") == "Listpack structure printed on stdout"
    assert err(c, "DEBUG", "QUICKLIST", "small") == "ERR Not a quicklist encoded object."
    assert err(c, "DEBUG", "HTSTATS-KEY", "small") == \
        "ERR The value stored at the specified key is not represented using an hash table"
    log = server.log()
    assert "{total bytes " in log and "[str] \"b\"" in log and "[int] 1" in log
    assert c.execute("RPUSH", "big", *["x" * 100] * 300) == 300
    assert c.execute("OBJECT", "ENCODING", "big") == b"quicklist"
    assert err(c, "DEBUG", "LISTPACK", "big") == "ERR Not a listpack encoded object."
    assert c.execute("DEBUG", "QUICKLIST", "big", "1") == "Quicklist structure printed on stdout"
    wait_for(lambda: "{count : 300}" in server.log(), what="the quicklist text")
    assert "{quicklist node(0)\n{container : PACKED, encoding: RAW, size: " in server.log()
    # A hash table: HTSTATS-KEY replies its statistics.
    assert c.execute("HSET", "h", *sum([["f%d" % i, "v"] for i in range(600)], [])) == 600
    assert c.execute("OBJECT", "ENCODING", "h") == b"hashtable"
    text = c.execute("DEBUG", "HTSTATS-KEY", "h").decode()
    m = re.fullmatch(r"Hash table 0 stats \(main hash table\):\n table size: \d+\n"
                     r" number of elements: (\d+)\n(Hash table 1 stats \(rehashing target\):\n"
                     r" table size: \d+\n number of elements: (\d+)\n)?", text)
    assert m, text
    assert int(m.group(1)) + int(m.group(3) or 0) == 600
    assert " different slots: " in c.execute("DEBUG", "HTSTATS-KEY", "h", "full").decode()
    assert c.execute("SET", "s", "v") == "OK"
    assert err(c, "DEBUG", "SDSLEN", "s") == "ERR Not an sds encoded string."
    assert err(c, "DEBUG", "LISTPACK", "s") == "ERR Not a listpack encoded object."


def test_quicklist_packed_threshold_goes_with_the_lists_module(server, c):
    need(c, "RPUSH")
    assert c.execute("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "10b") == "OK"
    try:
        assert c.execute("CONFIG", "SET", "list-max-listpack-size", "4") == "OK"
        assert c.execute("RPUSH", "pl", "a", "b" * 20, "c", "d", "e", "f") == 6
        assert c.execute("OBJECT", "ENCODING", "pl") == b"quicklist"
        assert c.execute("DEBUG", "QUICKLIST", "pl", "1") == \
            "Quicklist structure printed on stdout"
        wait_for(lambda: "{ entry : " + "b" * 20 + " }" in server.log(), what="a plain node")
        assert "{container : PLAIN, encoding: RAW, size: 20, count: 1" in server.log()
        assert c.execute("LRANGE", "pl", "0", "-1") == [b"a", b"b" * 20, b"c", b"d", b"e", b"f"]
    finally:
        c.execute("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "0")
        c.execute("CONFIG", "SET", "list-max-listpack-size", "-2")
    path = next(m for m in c.execute("MODULE", "LIST")
                if dict(zip(m[0::2], m[1::2]))[b"name"] == b"lists")
    path = dict(zip(path[0::2], path[1::2]))[b"path"].decode()
    c.execute("FLUSHALL")
    # sort requires list.v1: it goes first and comes back last
    sort = [dict(zip(m[0::2], m[1::2])) for m in c.execute("MODULE", "LIST")]
    sort = [m[b"path"].decode() for m in sort if m[b"name"] == b"sort"]
    if sort:
        assert c.execute("MODULE", "UNLOAD", "sort") == "OK"
    assert c.execute("MODULE", "UNLOAD", "lists") == "OK"
    try:
        assert err(c, "DEBUG", "QUICKLIST-PACKED-THRESHOLD", "0") == (
            "ERR unknown subcommand or wrong number of arguments for "
            "'QUICKLIST-PACKED-THRESHOLD'. Try DEBUG HELP.")
        assert "QUICKLIST-PACKED-THRESHOLD <size>" not in c.execute("DEBUG", "HELP")
    finally:
        assert c.execute("MODULE", "LOAD", path) == "OK"
        for p in sort:
            assert c.execute("MODULE", "LOAD", p) == "OK"
    assert c.execute("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "0") == "OK"


def test_module_debug_subcommands(start_server):
    path = os.path.join(BUILDDIR, "tests", "modules", ".libs", "debugsub.so")
    if not os.path.exists(path):
        pytest.skip("%s not built (the test modules are built by `make check`)" % path)
    srv = start_server()
    c = RespClient(srv.port)
    try:
        assert c.execute("MODULE", "LOAD", path) == "OK"
        assert c.execute("DEBUG", "DEBUGSUB-ECHO", "hi") == b"hi"
        assert err(c, "DEBUG", "debugsub-echo") == ("ERR unknown subcommand or wrong number of "
                                                    "arguments for 'debugsub-echo'. Try DEBUG HELP.")
        help_lines = c.execute("DEBUG", "HELP")
        at = help_lines.index("DEBUGSUB-ECHO <word>")
        assert help_lines[at + 1:at + 3] == ["    Reply <word> (test module).",
                                             "    A second line of help."]
        assert c.execute("MODULE", "UNLOAD", "debugsub") == "OK"
        assert "DEBUGSUB-ECHO <word>" not in c.execute("DEBUG", "HELP")
        # A module may not take a host subcommand: the whole load fails.
        assert err(c, "MODULE", "LOAD", path, "clash") == (
            "ERR Error loading the extension: DEBUG subcommand 'object' already exists")
        assert err(c, "DEBUG", "DEBUGSUB-ECHO", "hi").startswith("ERR unknown subcommand")
        assert c.execute("MODULE", "LOAD", path) == "OK"
        assert c.execute("DEBUG", "DEBUGSUB-ECHO", "again") == b"again"
    finally:
        c.close()


# --------------------------------------------------------------------------
# Knobs
# --------------------------------------------------------------------------

def test_skip_checksum_validation(c):
    need(c, "SET")
    assert c.execute("SET", "k", "value") == "OK"
    payload = bytearray(c.execute("DUMP", "k"))
    payload[-1] ^= 0xff  # the CRC64's last byte
    assert err(c, "RESTORE", "k2", "0", bytes(payload)) == \
        "ERR DUMP payload version or checksum are wrong"
    assert c.execute("DEBUG", "SET-SKIP-CHECKSUM-VALIDATION", "1") == "OK"
    assert c.execute("RESTORE", "k2", "0", bytes(payload)) == "OK"
    assert c.execute("GET", "k2") == b"value"


def test_pause_cron_stops_active_expiry(c):
    need(c, "SET")
    assert c.execute("DEBUG", "PAUSE-CRON", "1") == "OK"
    assert c.execute("SET", "k", "v", "PX", "50") == "OK"
    time.sleep(0.5)
    assert parse_info(c.execute("INFO", "keyspace")).get("db0", "").startswith("keys=1,")
    assert c.execute("DEBUG", "PAUSE-CRON", "0") == "OK"
    wait_for(lambda: "db0" not in parse_info(c.execute("INFO", "keyspace")),
             what="active expiry after the cron resumed")


def table_size(c):
    text = c.execute("DEBUG", "HTSTATS", "0").decode()
    return int(re.search(r"table size: (\d+)", text).group(1))


def test_dict_resizing(c):
    need(c, "SET")
    assert c.execute("DEBUG", "POPULATE", "1000") == "OK"
    wait_for(lambda: "rehashing" not in c.execute("DEBUG", "HTSTATS", "0").decode(),
             what="the rehash to end")
    big = table_size(c)
    assert big >= 1024
    assert c.execute("DEBUG", "DICT-RESIZING", "0") == "OK"
    assert c.execute("DEL", *["key:%d" % i for i in range(990)]) == 990
    time.sleep(1.5)  # more than the cron's shrinking interval
    assert table_size(c) == big
    assert c.execute("DEBUG", "DICT-RESIZING", "1") == "OK"
    wait_for(lambda: table_size(c) < big, what="the table to shrink")


def client_field(c, name, field):
    for line in c.execute("CLIENT", "LIST").decode().splitlines():
        f = dict(kv.split("=", 1) for kv in line.split(" "))
        if f["name"] == name:
            return int(f[field])
    raise AssertionError("no client " + name)


def test_replybuffer_peak_reset_time(c, server):
    need(c, "SET")
    other = RespClient(server.port)
    try:
        assert other.execute("CLIENT", "SETNAME", "peaky") == "OK"
        assert c.execute("SET", "v", "x" * 10000) == "OK"
        assert c.execute("DEBUG", "REPLYBUFFER", "PEAK-RESET-TIME", "NEVER") == "OK"
        assert other.execute("GET", "v") == b"x" * 10000
        time.sleep(0.5)
        assert client_field(c, "peaky", "rbp") >= 10000
        assert c.execute("DEBUG", "REPLYBUFFER", "PEAK-RESET-TIME", "100") == "OK"
        wait_for(lambda: client_field(c, "peaky", "rbp") < 10000, what="the peak to reset")
        assert err(c, "DEBUG", "REPLYBUFFER", "RESIZING", "1") == (
            "ERR DEBUG REPLYBUFFER RESIZING 1 does not apply: the reply buffer has a fixed "
            "size (16384 bytes) in this server")
        assert c.execute("DEBUG", "REPLYBUFFER", "RESIZING", "0") == "OK"
    finally:
        other.close()


def test_change_repl_id_and_the_rest(c):
    before = parse_info(c.execute("INFO", "replication"))["master_replid"]
    assert c.execute("DEBUG", "CHANGE-REPL-ID") == "OK"
    after = parse_info(c.execute("INFO", "replication"))
    assert re.fullmatch(r"[0-9a-f]{40}", after["master_replid"])
    assert after["master_replid"] != before
    assert after["master_replid2"] == "0" * 40
    assert re.fullmatch(r"bits:64 entry:\d+ client:\d+ reply:\d+ reply_block:\d+ cmd:\d+ "
                        r"module:\d+ ", c.execute("DEBUG", "STRUCTSIZE"))
    used = int(parse_info(c.execute("INFO", "memory"))["used_memory"])
    assert c.execute("DEBUG", "LEAK", "x" * 100000) == "OK"
    assert int(parse_info(c.execute("INFO", "memory"))["used_memory"]) >= used + 100000
    for sub, args, what in [("REPLICATE", ["x"], "replication"),
                            ("DROP-CLUSTER-PACKET-FILTER", ["1"], "cluster"),
                            ("CLUSTERLINK", ["KILL"], "cluster"),
                            ("SET-DISABLE-DENY-SCRIPTS", ["1"], "scripting"),
                            ("SCRIPT", ["LIST"], "scripting")]:
        assert err(c, "DEBUG", sub, *args) == \
            "ERR DEBUG %s does not apply: this server has no %s yet" % (sub, what)
    if b"jemalloc" in c.execute("INFO", "memory"):
        assert isinstance(c.execute("DEBUG", "MALLCTL", "arenas.narenas"), int)
        assert re.match(rb"\d+\.\d+", c.execute("DEBUG", "MALLCTL-STR", "version"))


def test_aof_flush_sleep_and_loadaof(start_server):
    srv = start_server(["--appendonly", "yes", "--appendfsync", "always"])
    c = RespClient(srv.port)
    try:
        need(c, "SET")
        assert c.execute("DEBUG", "AOF-FLUSH-SLEEP", "300000") == "OK"
        start = time.monotonic()
        assert c.execute("SET", "a", "1") == "OK"
        assert time.monotonic() - start >= 0.28
        assert c.execute("DEBUG", "AOF-FLUSH-SLEEP", "0") == "OK"
        assert c.execute("SET", "b", "2") == "OK"
        digest = c.execute("DEBUG", "DIGEST")
        assert c.execute("DEBUG", "LOADAOF") == "OK"
        assert c.execute("DEBUG", "DIGEST") == digest
        assert c.execute("GET", "a") == b"1"
        assert "Append Only File loaded by DEBUG LOADAOF" in srv.log()
    finally:
        c.close()


def test_loadaof_without_aof_keeps_the_data(c):
    need(c, "SET")
    assert c.execute("SET", "keep", "me") == "OK"
    assert err(c, "DEBUG", "LOADAOF") == \
        "ERR Error trying to load the AOF files, check server logs."
    assert c.execute("GET", "keep") == b"me"


# --------------------------------------------------------------------------
# Restarts and the configuration
# --------------------------------------------------------------------------

def test_restart_keeps_the_data_crash_and_recover_does_not(start_server, tmp_path):
    srv = start_server(conf=conf_copy(tmp_path))
    c = RespClient(srv.port)
    need(c, "SET")
    pid = srv.proc.pid
    assert c.execute("CONFIG", "SET", "save", "3600 1") == "OK"
    assert c.execute("SET", "k", "v") == "OK"
    c.conn.send_command("DEBUG", "RESTART")
    assert c.conn.is_closed(10)
    c.close()

    def back():
        try:
            x = RespClient(srv.port, timeout=1)
        except OSError:
            return None
        try:
            return x if x.execute("PING") == "PONG" else None
        except (OSError, ConnectionError, ReplyError):
            x.close()
            return None

    wait_for(back, what="the restarted server")
    c = back()
    assert srv.proc.pid == pid and srv.alive()
    assert c.execute("GET", "k") == b"v"  # saved, then loaded
    assert "\nsave 3600 1\n" in open(srv.conf).read()  # the config was rewritten
    # The same command line again: its --save "" wins over the file.
    assert c.execute("CONFIG", "GET", "save") == [b"save", b""]
    assert c.execute("SET", "k", "changed") == "OK"
    c.conn.send_command("DEBUG", "CRASH-AND-RECOVER", "50")
    assert c.conn.is_closed(10)
    c.close()
    wait_for(back, what="the recovered server")
    c = back()
    try:
        assert c.execute("GET", "k") == b"v"  # nothing saved: the last dump
    finally:
        c.close()


def test_config_rewrite_force_all(start_server, tmp_path):
    conf = conf_copy(tmp_path)
    srv = start_server(conf=conf)
    c = RespClient(srv.port)
    try:
        assert c.execute("DEBUG", "CONFIG-REWRITE-FORCE-ALL") == "OK"
        text = open(conf).read()
        for line in ("\nhz 10\n", "\nmaxmemory-samples 5\n", "\ndatabases 16\n",
                     "\nclient-output-buffer-limit normal 0 0 0\n"
                     "client-output-buffer-limit replica 256mb 64mb 60\n"
                     "client-output-buffer-limit pubsub 32mb 8mb 60\n"):
            assert line in text, line
    finally:
        c.close()
    bare = start_server(conf=None)
    c = RespClient(bare.port)
    try:
        assert err(c, "DEBUG", "CONFIG-REWRITE-FORCE-ALL") == \
            "ERR CONFIG-REWRITE-FORCE-ALL failed: The server is running without a config file"
    finally:
        c.close()
