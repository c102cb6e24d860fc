"""Server and connection commands: PING ECHO TIME DBSIZE FLUSHDB FLUSHALL,
SELECT, the CLIENT subcommands, AUTH with requirepass, INFO sections and
field names, CONFIG GET/SET/RESETSTAT/REWRITE, COMMAND introspection, DEBUG
helpers and SHUTDOWN."""

import os
import re
import socket
import time

import pytest

from modis_helpers import default_conf, error_of, parse_info

NOT_INT = "ERR value is not an integer or out of range"
SYNTAX = "ERR syntax error"
BAD_NAME = "ERR Client names cannot contain spaces, newlines or special characters."


def arity(cmd):
    return "ERR wrong number of arguments for '%s' command" % cmd


def info(client, *sections):
    """INFO through a RespClient, parsed into {field: value}."""
    return parse_info(client.execute("INFO", *sections))


def client_fields(line):
    if isinstance(line, bytes):
        line = line.decode()
    return dict(kv.split("=", 1) for kv in line.strip().split(" "))


# --------------------------------------------------------------------------
# PING ECHO TIME DBSIZE FLUSH*
# --------------------------------------------------------------------------

def test_ping_echo(r, r2, raw):
    assert r.ping() is True
    assert r2.execute("PING") == "PONG"
    assert r2.execute("PING", "hello") == b"hello"
    assert raw.call("PING", "") == b"$0\r\n\r\n"
    assert r.echo("hi there") == b"hi there"
    assert raw.call("ECHO", b"\x00\r\n") == b"$3\r\n\x00\r\n\r\n"
    assert error_of(r2, "PING", "a", "b") == arity("ping")
    assert error_of(r2, "ECHO") == arity("echo")
    assert error_of(r2, "ECHO", "a", "b") == arity("echo")


def test_unknown_command(r2):
    assert error_of(r2, "NOSUCH") == "ERR unknown command 'NOSUCH', with args beginning with: "
    assert error_of(r2, "nosuch", "a", "b c") == \
        "ERR unknown command 'nosuch', with args beginning with: 'a' 'b c' "


def test_commands_are_case_insensitive(r2):
    assert r2.execute("set", "k", "v") == "OK"
    assert r2.execute("gEt", "k") == b"v"
    # a plain (non-glob) name is echoed back as the client spelled it
    assert r2.execute("Config", "get", "MAXMEMORY") == [b"MAXMEMORY", b"0"]


def test_time(r2):
    secs, usecs = r2.execute("TIME")
    assert re.fullmatch(rb"\d+", secs) and re.fullmatch(rb"\d+", usecs)
    assert abs(int(secs) - time.time()) < 5
    assert 0 <= int(usecs) < 1000000
    assert error_of(r2, "TIME", "x") == arity("time")


def test_dbsize(r, r2):
    assert r.dbsize() == 0
    r.mset({"a": 1, "b": 2})
    assert r2.execute("DBSIZE") == 2
    assert error_of(r2, "DBSIZE", "x") == arity("dbsize")


def test_flushdb_flushall(server, r, r2):
    other = server.client(db=1)
    for mode in ([], ["SYNC"], ["ASYNC"]):
        r.mset({"a": 1, "b": 2})
        other.set("c", 3)
        assert r2.execute("FLUSHDB", *mode) == "OK"
        assert r.dbsize() == 0
        assert other.dbsize() == 1
        r.set("a", 1)
        assert r2.execute("FLUSHALL", *mode) == "OK"
        assert r.dbsize() == 0
        assert other.dbsize() == 0
    assert r.flushdb(asynchronous=True) is True
    assert r.flushall() is True
    assert error_of(r2, "FLUSHALL", "FOO") == SYNTAX
    assert error_of(r2, "FLUSHDB", "ASYNC", "SYNC") == SYNTAX
    other.close()


def test_select_errors(r2):
    assert r2.execute("SELECT", "15") == "OK"
    assert error_of(r2, "SELECT", "16") == "ERR DB index is out of range"
    assert error_of(r2, "SELECT", "-1") == "ERR DB index is out of range"
    assert error_of(r2, "SELECT", "one") == NOT_INT
    assert error_of(r2, "SELECT") == arity("select")


# --------------------------------------------------------------------------
# CLIENT
# --------------------------------------------------------------------------

def test_client_id_unique(server, r2):
    a = r2.execute("CLIENT", "ID")
    other = server.resp()
    b = other.execute("CLIENT", "ID")
    assert isinstance(a, int) and isinstance(b, int) and b > a
    other.close()


def test_client_setname_getname(r, r2):
    assert r2.execute("CLIENT", "GETNAME") is None
    assert r2.execute("CLIENT", "SETNAME", "worker-1") == "OK"
    assert r2.execute("CLIENT", "GETNAME") == b"worker-1"
    assert client_fields(r2.execute("CLIENT", "INFO"))["name"] == "worker-1"
    assert error_of(r2, "CLIENT", "SETNAME", "a b") == BAD_NAME
    assert error_of(r2, "CLIENT", "SETNAME", "a\nb") == BAD_NAME
    assert r2.execute("CLIENT", "GETNAME") == b"worker-1"
    # the empty name clears it
    assert r2.execute("CLIENT", "SETNAME", "") == "OK"
    assert r2.execute("CLIENT", "GETNAME") is None
    assert error_of(r2, "CLIENT", "GETNAME", "x") == arity("client|getname")
    assert error_of(r2, "CLIENT", "FOO") == "ERR unknown subcommand 'FOO'. Try CLIENT HELP."
    assert r.client_setname("py") is True
    assert r.client_getname() == "py"  # redis-py decodes this one


CLIENT_FIELDS = ["id", "addr", "laddr", "fd", "name", "age", "idle", "flags", "db", "sub", "psub",
                 "multi", "qbuf", "qbuf-free", "argv-mem", "obl", "oll", "omem", "tot-mem",
                 "events", "cmd", "user", "redir", "resp"]


def test_client_list_and_info(server, r2):
    my_id = r2.execute("CLIENT", "ID")
    r2.execute("CLIENT", "SETNAME", "me")
    r2.execute("SELECT", "2")
    other = server.resp()
    other_id = other.execute("CLIENT", "ID")
    listing = r2.execute("CLIENT", "LIST").decode()
    assert listing.endswith("\n")
    lines = [client_fields(l) for l in listing.splitlines()]
    by_id = {int(f["id"]): f for f in lines}
    assert my_id in by_id and other_id in by_id
    me = by_id[my_id]
    for field in CLIENT_FIELDS:
        assert field in me, field
    assert me["name"] == "me"
    assert me["db"] == "2"
    assert me["cmd"] == "client|list"
    assert me["user"] == "default"
    assert me["resp"] == "2"
    assert me["flags"] == "N"
    assert me["multi"] == "-1"
    host, port = me["addr"].rsplit(":", 1)
    assert host == "127.0.0.1" and int(port) > 0
    assert me["laddr"] == "127.0.0.1:%d" % server.port
    mine = client_fields(r2.execute("CLIENT", "INFO"))
    assert int(mine["id"]) == my_id
    assert mine["cmd"] == "client|info"
    assert mine["addr"] == me["addr"]
    # filters
    only = r2.execute("CLIENT", "LIST", "ID", str(other_id)).decode().splitlines()
    assert len(only) == 1 and client_fields(only[0])["id"] == str(other_id)
    assert r2.execute("CLIENT", "LIST", "ID", "999999999") == b""
    normal = r2.execute("CLIENT", "LIST", "TYPE", "normal").decode().splitlines()
    assert len(normal) >= 2
    assert error_of(r2, "CLIENT", "LIST", "ID", "x") == "ERR Invalid client ID"
    assert error_of(r2, "CLIENT", "LIST", "TYPE", "foo") == "ERR Unknown client type 'foo'"
    other.close()


def test_client_list_resp3_and_multi_flags(server):
    c = server.resp(proto=3)
    fields = client_fields(c.execute("CLIENT", "INFO"))
    assert fields["resp"] == "3"
    c.execute("MULTI")
    c.conn.send_command("CLIENT", "LIST", "ID", str(c.hello[b"id"]))
    assert c.read() == "QUEUED"
    (line,) = c.execute("EXEC")
    f = client_fields(line)
    assert f["flags"] == "x"
    c.close()


def test_client_kill_by_id(server, r2):
    victim = server.raw()
    vid = int(victim.call("CLIENT", "ID")[1:-2])
    assert r2.execute("CLIENT", "KILL", "ID", str(vid)) == 1
    assert victim.read_until_close() == b""
    assert r2.execute("CLIENT", "KILL", "ID", str(vid)) == 0
    assert r2.execute("CLIENT", "KILL", "ID", "999999999") == 0
    # SKIPME defaults to yes: a client does not kill itself
    me = r2.execute("CLIENT", "ID")
    assert r2.execute("CLIENT", "KILL", "ID", str(me)) == 0
    assert error_of(r2, "CLIENT", "KILL", "ID", "0") == "ERR client-id should be greater than 0"
    assert error_of(r2, "CLIENT", "KILL", "ID", "abc") == "ERR client-id should be greater than 0"
    assert error_of(r2, "CLIENT", "KILL", "FOO", "x") == SYNTAX


def test_client_kill_by_addr(server, r2):
    victim = server.raw()
    victim.send_command("CLIENT", "INFO")
    addr = client_fields(victim.read_value())["addr"]
    assert r2.execute("CLIENT", "KILL", "ADDR", addr) == 1
    assert victim.read_until_close() == b""
    assert r2.execute("CLIENT", "KILL", "ADDR", addr) == 0
    # the old form replies +OK or an error
    victim2 = server.raw()
    victim2.send_command("CLIENT", "INFO")
    addr2 = client_fields(victim2.read_value())["addr"]
    assert r2.execute("CLIENT", "KILL", addr2) == "OK"
    assert victim2.read_until_close() == b""
    assert error_of(r2, "CLIENT", "KILL", addr2) == "ERR No such client"
    assert error_of(r2, "CLIENT", "KILL", "1.2.3.4:5") == "ERR No such client"


def test_client_reply_off_on(raw):
    raw.send_command("CLIENT", "REPLY", "OFF")
    raw.send_command("SET", "a", "1")
    raw.send_command("GET", "a")
    raw.send_command("NOSUCHCMD")
    assert raw.read_available(0.3) == b""
    assert raw.call("CLIENT", "REPLY", "ON") == b"+OK\r\n"
    assert raw.call("GET", "a") == b"$1\r\n1\r\n"


def test_client_reply_skip(raw):
    raw.send_command("CLIENT", "REPLY", "SKIP")
    raw.send_command("SET", "b", "2")
    raw.send_command("GET", "b")
    assert raw.read_reply() == b"$1\r\n2\r\n"
    assert raw.read_available(0.2) == b""
    assert raw.call("CLIENT", "REPLY", "maybe") == b"-ERR syntax error\r\n"


def test_client_no_evict(r2):
    assert r2.execute("CLIENT", "NO-EVICT", "ON") == "OK"
    assert "e" in client_fields(r2.execute("CLIENT", "INFO"))["flags"]
    assert r2.execute("CLIENT", "NO-EVICT", "OFF") == "OK"
    assert "e" not in client_fields(r2.execute("CLIENT", "INFO"))["flags"]
    assert error_of(r2, "CLIENT", "NO-EVICT", "maybe") == SYNTAX


@pytest.mark.modis_only  # CLIENT NO-TOUCH is Redis 7.2+
def test_client_no_touch(r, r2):
    r.set("k", "v")
    time.sleep(2.2)
    assert r2.execute("CLIENT", "NO-TOUCH", "ON") == "OK"
    assert "T" in client_fields(r2.execute("CLIENT", "INFO"))["flags"]
    assert r2.execute("GET", "k") == b"v"
    assert r2.execute("OBJECT", "IDLETIME", "k") >= 1
    # TOUCH still touches
    assert r2.execute("TOUCH", "k") == 1
    assert r2.execute("OBJECT", "IDLETIME", "k") <= 1
    assert r2.execute("CLIENT", "NO-TOUCH", "OFF") == "OK"
    assert error_of(r2, "CLIENT", "NO-TOUCH", "maybe") == SYNTAX


@pytest.mark.modis_only  # CLIENT SETINFO is Redis 7.2+
def test_client_setinfo(r2):
    assert r2.execute("CLIENT", "SETINFO", "lib-name", "redis-py") == "OK"
    assert r2.execute("CLIENT", "SETINFO", "LIB-VER", "4.3.4") == "OK"
    f = client_fields(r2.execute("CLIENT", "INFO"))
    assert f["lib-name"] == "redis-py"
    assert f["lib-ver"] == "4.3.4"
    assert error_of(r2, "CLIENT", "SETINFO", "foo", "x") == "ERR Unrecognized option 'foo'"
    assert error_of(r2, "CLIENT", "SETINFO", "lib-name", "a b") == \
        "ERR lib-name cannot contain spaces, newlines or special characters."
    assert error_of(r2, "CLIENT", "SETINFO", "lib-name") == arity("client|setinfo")


# --------------------------------------------------------------------------
# AUTH
# --------------------------------------------------------------------------

def test_auth_without_password(r2):
    assert error_of(r2, "AUTH", "foo") == (
        "ERR AUTH <password> called without any password configured for the default user. "
        "Are you sure your configuration is correct?")
    # the default user has nopass
    assert r2.execute("AUTH", "default", "anything") == "OK"


def test_auth_requirepass(start_server):
    srv = start_server(["--requirepass", "s3cret"])
    c = srv.raw()
    assert c.call("GET", "a") == b"-NOAUTH Authentication required.\r\n"
    assert c.call("PING") == b"-NOAUTH Authentication required.\r\n"
    assert c.call("AUTH", "wrong") == b"-WRONGPASS invalid username-password pair or user is disabled.\r\n"
    assert c.call("AUTH", "default", "wrong") == \
        b"-WRONGPASS invalid username-password pair or user is disabled.\r\n"
    assert c.call("AUTH", "a", "b", "c") == b"-ERR syntax error\r\n"
    assert c.call("AUTH", "s3cret") == b"+OK\r\n"
    assert c.call("SET", "a", "1") == b"+OK\r\n"
    assert c.call("GET", "a") == b"$1\r\n1\r\n"
    c.close()
    c = srv.raw()
    assert c.call("AUTH", "default", "s3cret") == b"+OK\r\n"
    assert c.call("GET", "a") == b"$1\r\n1\r\n"
    # a wrong AUTH after a good one does not log the client out (Redis keeps it)
    assert c.call("AUTH", "bad") == b"-WRONGPASS invalid username-password pair or user is disabled.\r\n"
    assert c.call("GET", "a") == b"$1\r\n1\r\n"
    c.close()
    # redis-py with the password
    client = srv.client(password="s3cret")
    assert client.get("a") == b"1"
    client.close()


# --------------------------------------------------------------------------
# INFO
# --------------------------------------------------------------------------

def test_info_default_sections(r2):
    text = r2.execute("INFO").decode()
    assert "\r\n" in text
    sections = re.findall(r"^# (\w+)\r$", text, re.M)
    for s in ("Server", "Clients", "Memory", "Persistence", "Stats", "Replication", "CPU",
              "Keyspace"):
        assert s in sections, s
    assert "Commandstats" not in sections
    every = re.findall(r"^# (\w+)\r$", r2.execute("INFO", "everything").decode(), re.M)
    assert "Commandstats" in every and "Errorstats" in every
    all_ = re.findall(r"^# (\w+)\r$", r2.execute("INFO", "all").decode(), re.M)
    assert "Commandstats" in all_
    two = re.findall(r"^# (\w+)\r$", r2.execute("INFO", "server", "clients").decode(), re.M)
    assert two == ["Server", "Clients"]
    assert r2.execute("INFO", "nosuchsection") == b""


def test_info_server(server, r2):
    f = info(r2, "server")
    for name in ("redis_version", "redis_mode", "os", "arch_bits", "process_id", "run_id",
                 "tcp_port", "uptime_in_seconds", "uptime_in_days", "hz", "configured_hz",
                 "executable", "config_file"):
        assert name in f, name
    assert re.fullmatch(r"\d+\.\d+\.\d+", f["redis_version"])
    assert f["tcp_port"] == str(server.port)
    assert f["redis_mode"] == "standalone"
    assert int(f["process_id"]) == server.proc.pid
    assert re.fullmatch(r"[0-9a-f]{40}", f["run_id"])


def test_info_clients(server, r2):
    f = info(r2, "clients")
    for name in ("connected_clients", "blocked_clients", "maxclients"):
        assert name in f, name
    assert f["maxclients"] == "10000"
    extra = [server.resp() for _ in range(3)]
    ids = [c.execute("CLIENT", "ID") for c in extra]
    peak = int(info(r2, "clients")["connected_clients"])
    assert peak >= 4
    listed = {int(client_fields(l)["id"]) for l in r2.execute("CLIENT", "LIST").decode().splitlines()}
    assert set(ids) <= listed
    for c in extra:
        c.close()
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:
        listed = {int(client_fields(l)["id"])
                  for l in r2.execute("CLIENT", "LIST").decode().splitlines()}
        if not listed & set(ids):
            break
        time.sleep(0.05)
    assert not listed & set(ids)
    assert int(info(r2, "clients")["connected_clients"]) <= peak - 3


def test_info_memory(r, r2):
    f = info(r2, "memory")
    for name in ("used_memory", "used_memory_human", "used_memory_rss", "used_memory_peak",
                 "used_memory_peak_human", "maxmemory", "maxmemory_policy",
                 "mem_fragmentation_ratio", "mem_allocator"):
        assert name in f, name
    used = int(f["used_memory"])
    assert used > 0 and int(f["used_memory_rss"]) > 0
    assert int(f["used_memory_peak"]) >= used
    float(f["mem_fragmentation_ratio"])
    assert f["maxmemory_policy"] == "noeviction"
    # memory grows with data
    p = r.pipeline(transaction=False)
    for i in range(2000):
        p.set("m:%d" % i, "x" * 100)
    p.execute()
    assert int(info(r2, "memory")["used_memory"]) > used + 200000


def test_info_stats_hits_misses(r, r2):
    r2.execute("CONFIG", "RESETSTAT")
    f = info(r2, "stats")
    for name in ("total_connections_received", "total_commands_processed",
                 "instantaneous_ops_per_sec", "total_net_input_bytes", "total_net_output_bytes",
                 "rejected_connections", "expired_keys", "evicted_keys", "keyspace_hits",
                 "keyspace_misses", "total_error_replies"):
        assert name in f, name
    assert f["keyspace_hits"] == "0" and f["keyspace_misses"] == "0"
    r.set("a", 1)
    r.get("a")
    r.get("a")
    r.get("missing")
    f = info(r2, "stats")
    assert f["keyspace_hits"] == "2"
    assert f["keyspace_misses"] == "1"
    assert int(f["total_commands_processed"]) >= 5


def test_info_keyspace(server, r, r2):
    assert info(r2, "keyspace") == {}
    r.set("a", 1)
    r.set("b", 1, ex=1000)
    other = server.client(db=3)
    other.set("c", 1)
    text = r2.execute("INFO", "keyspace").decode()
    assert re.search(r"^db0:keys=2,expires=1,avg_ttl=\d+", text, re.M), text
    assert re.search(r"^db3:keys=1,expires=0,avg_ttl=0", text, re.M), text
    assert "db1:" not in text
    other.close()


def test_info_commandstats(r, r2):
    r2.execute("CONFIG", "RESETSTAT")
    r.get("x")
    r.get("x")
    assert error_of(r2, "GET") == arity("get")  # rejected: not counted in calls
    r.set("a", "abc")
    assert error_of(r2, "INCR", "a") == NOT_INT  # failed call
    r2.execute("INCR", "n")
    text = r2.execute("INFO", "commandstats").decode()
    m = re.search(r"^cmdstat_get:calls=(\d+),usec=(\d+),usec_per_call=(\d+\.\d\d),"
                  r"rejected_calls=(\d+),failed_calls=(\d+)\r$", text, re.M)
    assert m, text
    assert (m.group(1), m.group(4), m.group(5)) == ("2", "1", "0")
    assert re.search(r"^cmdstat_incr:calls=2,usec=\d+,usec_per_call=\d+\.\d\d,"
                     r"rejected_calls=0,failed_calls=1\r$", text, re.M), text
    assert re.search(r"^cmdstat_set:calls=1,", text, re.M)
    assert re.search(r"^cmdstat_config\|resetstat:calls=1,", text, re.M)


def test_info_errorstats(r, r2):
    r2.execute("CONFIG", "RESETSTAT")
    assert r2.execute("INFO", "errorstats").decode().strip() == "# Errorstats"
    error_of(r2, "INCRBY", "x", "abc")
    error_of(r2, "NOSUCHCOMMAND")
    error_of(r2, "GET")
    text = r2.execute("INFO", "errorstats").decode()
    assert re.search(r"^errorstat_ERR:count=3\r$", text, re.M), text
    assert info(r2, "stats")["total_error_replies"] == "3"


def test_info_errorstats_wrongtype(r2, nonstring):
    other = nonstring()
    r2.execute("CONFIG", "RESETSTAT")
    error_of(r2, "GET", other.key)
    error_of(r2, "INCRBY", "x", "abc")
    text = r2.execute("INFO", "errorstats").decode()
    assert re.search(r"^errorstat_WRONGTYPE:count=1\r$", text, re.M), text
    assert re.search(r"^errorstat_ERR:count=1\r$", text, re.M), text
    stats = r2.execute("INFO", "commandstats").decode()
    assert re.search(r"^cmdstat_get:calls=1,.*,rejected_calls=0,failed_calls=1\r$", stats, re.M), stats


def test_info_redis_py_parses(r):
    parsed = r.info()
    assert "redis_version" in parsed and "used_memory" in parsed
    assert isinstance(parsed["connected_clients"], int)


# --------------------------------------------------------------------------
# CONFIG
# --------------------------------------------------------------------------

def test_config_get(server, r2):
    assert r2.execute("CONFIG", "GET", "maxmemory") == [b"maxmemory", b"0"]
    assert r2.execute("CONFIG", "GET", "port") == [b"port", str(server.port).encode()]
    assert r2.execute("CONFIG", "GET", "nosuchparam") == []
    got = r2.execute("CONFIG", "GET", "maxmemory*")
    d = dict(zip(got[0::2], got[1::2]))
    assert set(d) == {b"maxmemory", b"maxmemory-policy", b"maxmemory-samples",
                      b"maxmemory-eviction-tenacity", b"maxmemory-clients"}
    assert d[b"maxmemory-policy"] == b"noeviction"
    assert d[b"maxmemory-samples"] == b"5"
    # several parameters, duplicates reported once, glob and plain mixed
    got = r2.execute("CONFIG", "GET", "maxmemory", "hz", "maxmemory", "save")
    d = dict(zip(got[0::2], got[1::2]))
    assert len(got) == 6 and set(d) == {b"maxmemory", b"hz", b"save"}
    assert d[b"save"] == b""
    got = r2.execute("CONFIG", "GET", "proto-max-bulk-le?", "*-max-bulk-len")
    assert got == [b"proto-max-bulk-len", b"536870912"]
    # CONFIG GET * lists every parameter as pairs
    everything = r2.execute("CONFIG", "GET", "*")
    assert len(everything) % 2 == 0 and len(everything) > 80
    assert error_of(r2, "CONFIG", "GET") == arity("config|get")
    assert error_of(r2, "CONFIG", "FOO") == "ERR unknown subcommand 'FOO'. Try CONFIG HELP."


def test_config_get_resp3_is_a_map(r3):
    assert r3.execute("CONFIG", "GET", "maxmemory", "maxmemory-samples") == {
        b"maxmemory": b"0", b"maxmemory-samples": b"5"}


def test_config_set(r2, restore_config):
    restore_config("maxmemory", "maxmemory-policy", "hz", "slowlog-log-slower-than")
    assert r2.execute("CONFIG", "SET", "maxmemory", "10mb", "maxmemory-policy", "allkeys-lru") == "OK"
    assert r2.execute("CONFIG", "GET", "maxmemory") == [b"maxmemory", b"10485760"]
    assert r2.execute("CONFIG", "GET", "maxmemory-policy") == [b"maxmemory-policy", b"allkeys-lru"]
    assert r2.execute("CONFIG", "SET", "maxmemory", "1gb") == "OK"
    assert r2.execute("CONFIG", "GET", "maxmemory") == [b"maxmemory", b"1073741824"]
    assert r2.execute("CONFIG", "SET", "MAXMEMORY", "0") == "OK"
    assert r2.execute("CONFIG", "SET", "hz", "20") == "OK"
    assert info(r2, "server")["hz"] == "20"
    assert r2.execute("CONFIG", "SET", "slowlog-log-slower-than", "-1") == "OK"
    assert r2.execute("CONFIG", "GET", "slowlog-log-slower-than") == [b"slowlog-log-slower-than", b"-1"]


@pytest.mark.parametrize("args,expected", [
    (("maxmemory", "abc"),
     "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value"),
    (("maxmemory-policy", "foo"),
     "ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy') - argument(s) must be one "
     "of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, "
     "allkeys-lfu, allkeys-random, noeviction"),
    (("hz", "abc"),
     "ERR CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be parsed into an integer"),
    (("daemonize", "yes"),
     "ERR CONFIG SET failed (possibly related to argument 'daemonize') - can't set immutable config"),
    (("maxmemory", "1mb", "maxmemory", "2mb"),
     "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - duplicate parameter"),
    (("nosuchparam", "1"), "ERR Unknown option or number of arguments for CONFIG SET - 'nosuchparam'"),
    (("maxmemory", "10mb", "nosuchparam", "1"),
     "ERR Unknown option or number of arguments for CONFIG SET - 'nosuchparam'"),
])
def test_config_set_errors(r2, args, expected):
    assert error_of(r2, "CONFIG", "SET", *args) == expected
    assert r2.execute("CONFIG", "GET", "maxmemory") == [b"maxmemory", b"0"]


def test_config_set_is_atomic(r2, restore_config):
    restore_config("maxmemory", "maxmemory-policy")
    err = error_of(r2, "CONFIG", "SET", "maxmemory", "10mb", "maxmemory-policy", "foo")
    assert err.startswith("ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy')")
    assert r2.execute("CONFIG", "GET", "maxmemory") == [b"maxmemory", b"0"]
    assert r2.execute("CONFIG", "GET", "maxmemory-policy") == [b"maxmemory-policy", b"noeviction"]
    assert error_of(r2, "CONFIG", "SET", "maxmemory") == arity("config|set")
    assert error_of(r2, "CONFIG", "SET", "maxmemory", "1", "hz") == SYNTAX


def test_config_resetstat(r, r2):
    r.set("a", 1)
    r.get("a")
    r.get("missing")
    error_of(r2, "INCR", "nosuch", "extra")
    assert r2.execute("CONFIG", "RESETSTAT") == "OK"
    f = info(r2, "stats")
    assert f["keyspace_hits"] == "0"
    assert f["keyspace_misses"] == "0"
    assert f["total_error_replies"] == "0"
    assert int(f["total_commands_processed"]) <= 2
    assert r2.execute("INFO", "errorstats").decode().strip() == "# Errorstats"
    stats = r2.execute("INFO", "commandstats").decode()
    assert "cmdstat_get:" not in stats and "cmdstat_set:" not in stats
    # data is untouched
    assert r.get("a") == b"1"


def test_config_rewrite(start_server, tmp_path):
    conf = tmp_path / "rewrite.conf"
    base = default_conf()
    text = open(base).read() if base else ""
    text += "\n# a comment that must survive\nmaxmemory-policy allkeys-lru\nhz 15\n"
    conf.write_text(text)
    srv = start_server(conf=str(conf))
    c = srv.resp()
    assert c.execute("CONFIG", "GET", "hz") == [b"hz", b"15"]
    assert c.execute("CONFIG", "SET", "maxmemory", "5mb", "maxmemory-policy", "volatile-lru") == "OK"
    assert c.execute("CONFIG", "REWRITE") == "OK"
    after = conf.read_text()
    lines = after.splitlines()
    assert "# a comment that must survive" in lines
    assert "maxmemory 5mb" in lines
    assert "maxmemory-policy volatile-lru" in lines
    assert "maxmemory-policy allkeys-lru" not in lines
    assert "hz 15" in lines
    c.close()
    # the rewritten file starts a server with the same settings
    srv.kill()  # keep its dir: the rewritten file names it
    srv2 = start_server(conf=str(conf))
    c = srv2.resp()
    assert c.execute("CONFIG", "GET", "maxmemory") == [b"maxmemory", b"5242880"]
    assert c.execute("CONFIG", "GET", "maxmemory-policy") == [b"maxmemory-policy", b"volatile-lru"]
    c.close()


def test_config_rewrite_without_file(start_server):
    srv = start_server(conf=None)
    c = srv.resp()
    assert error_of(c, "CONFIG", "REWRITE") == "ERR The server is running without a config file"
    c.close()


# --------------------------------------------------------------------------
# COMMAND
# --------------------------------------------------------------------------

def test_command_count_and_list(r2):
    count = r2.execute("COMMAND", "COUNT")
    assert isinstance(count, int) and count > 0
    assert len(r2.execute("COMMAND")) == count
    names = r2.execute("COMMAND", "LIST")
    for n in (b"get", b"set", b"ping", b"config|get", b"client|list", b"command|info"):
        assert n in names, n
    assert r2.execute("COMMAND", "LIST", "FILTERBY", "PATTERN", "getd*") == [b"getdel"]
    keyspace = r2.execute("COMMAND", "LIST", "FILTERBY", "ACLCAT", "keyspace")
    assert b"del" in keyspace and b"expire" in keyspace and b"get" not in keyspace
    assert error_of(r2, "COMMAND", "LIST", "FILTERBY", "FOO", "x") == SYNTAX


def test_command_info_get(r2):
    (get,) = r2.execute("COMMAND", "INFO", "get")
    assert get[:8] == [b"get", 2, ["readonly", "fast"], 1, 1, 1, ["@read", "@string", "@fast"], []]
    assert get[8] == [[b"flags", ["RO", "access"],
                       b"begin_search", [b"type", b"index", b"spec", [b"index", 1]],
                       b"find_keys", [b"type", b"range", b"spec",
                                      [b"lastkey", 0, b"keystep", 1, b"limit", 0]]]]
    assert get[9] == []
    (set_, mset, nosuch) = r2.execute("COMMAND", "INFO", "SET", "mset", "nosuch")
    assert set_[:2] == [b"set", -3] and set_[3:6] == [1, 1, 1]
    assert "write" in set_[2] and "denyoom" in set_[2]
    assert mset[:2] == [b"mset", -3] and mset[3:6] == [1, -1, 2]
    assert nosuch is None
    (cfg,) = r2.execute("COMMAND", "INFO", "config|get")
    assert cfg[:2] == [b"config|get", -3]
    assert cfg[3:6] == [0, 0, 0]


def test_command_docs_get(r2):
    docs = r2.execute("COMMAND", "DOCS", "get")
    assert docs[0] == b"get"
    d = dict(zip(docs[1][0::2], docs[1][1::2]))
    assert {b"summary", b"since", b"group", b"complexity", b"arguments"} <= set(d)
    assert d[b"since"] == b"1.0.0"
    assert d[b"group"] == b"string"
    assert d[b"complexity"] == b"O(1)"
    arg = dict(zip(d[b"arguments"][0][0::2], d[b"arguments"][0][1::2]))
    assert arg[b"name"] == b"key" and arg[b"type"] == b"key"


def test_command_getkeys(r2):
    assert r2.execute("COMMAND", "GETKEYS", "SET", "a", "b") == [b"a"]
    assert r2.execute("COMMAND", "GETKEYS", "MSET", "a", "1", "b", "2") == [b"a", b"b"]
    assert r2.execute("COMMAND", "GETKEYS", "GET", "k") == [b"k"]
    assert r2.execute("COMMAND", "GETKEYS", "DEL", "a", "b", "c") == [b"a", b"b", b"c"]
    assert error_of(r2, "COMMAND", "GETKEYS", "PING", "x") == "ERR The command has no key arguments"
    assert error_of(r2, "COMMAND", "GETKEYS", "GET", "a", "b") == \
        "ERR Invalid number of arguments specified for command"
    assert error_of(r2, "COMMAND", "GETKEYS", "nosuch", "a") == "ERR Invalid command specified"


def test_command_getkeys_movable(r2):
    """Commands whose key positions depend on the arguments (numkeys)."""
    if r2.execute("COMMAND", "INFO", "EVAL") == [None]:
        pytest.skip("EVAL: scripting is not part of Modis yet")
    assert r2.execute("COMMAND", "GETKEYS", "EVAL", "return 1", "2", "a", "b") == [b"a", b"b"]


# --------------------------------------------------------------------------
# DEBUG
# --------------------------------------------------------------------------

def test_debug_sleep_0(r2):
    assert r2.execute("DEBUG", "SLEEP", "0") == "OK"


def test_debug_object(r, r2):
    r.set("k", "hello")
    line = r2.execute("DEBUG", "OBJECT", "k")
    assert re.match(r"Value at:0x[0-9a-f]+ refcount:1 encoding:embstr serializedlength:\d+ "
                    r"lru:\d+ lru_seconds_idle:\d+", line), line
    r.set("n", "123456789")
    assert "encoding:int" in r2.execute("DEBUG", "OBJECT", "n")
    assert error_of(r2, "DEBUG", "OBJECT", "missing") == "ERR no such key"


def test_debug_set_active_expire(r, r2):
    try:
        assert r2.execute("DEBUG", "SET-ACTIVE-EXPIRE", "0") == "OK"
        p = r.pipeline(transaction=False)
        for i in range(100):
            p.set("k%d" % i, i, px=50)
        p.execute()
        time.sleep(0.5)
        assert r.dbsize() == 100  # nobody removed them
        assert r.get("k1") is None  # lazy expiry still works
        assert r.dbsize() == 99
    finally:
        r2.execute("DEBUG", "SET-ACTIVE-EXPIRE", "1")
    deadline = time.monotonic() + 3.0
    while r.dbsize() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert r.dbsize() == 0


# --------------------------------------------------------------------------
# SHUTDOWN
# --------------------------------------------------------------------------

def test_shutdown_nosave(start_server):
    srv = start_server()
    c = srv.raw()
    assert c.call("SET", "a", "1") == b"+OK\r\n"
    srv.expected_exit = True
    c.send_command("SHUTDOWN", "NOSAVE")
    assert c.read_until_close() == b""
    srv.proc.wait(10)
    assert srv.proc.returncode == 0
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", srv.port), timeout=1).close()
    assert not os.path.exists(os.path.join(srv.dir, "dump.rdb"))


def test_shutdown_errors(r2):
    assert error_of(r2, "SHUTDOWN", "FOO") == SYNTAX
    assert r2.execute("PING") == "PONG"
