"""The operator's toolbox (issue 10): SLOWLOG, MONITOR, LOLWUT.

SLOWLOG entries are compared with the reference redis-server's where the
reply is deterministic (arguments as cut and redacted, client name and
address); MONITOR's output for one sequence of commands is compared line
by line with redis-server's, with only the timestamps normalised and the
address checked against the issuing connection.
"""

import re
import time

import pytest

from modis_helpers import RawConn, ReplyError, RespClient, error_of


@pytest.fixture
def both(server, ref_server):
    """A RESP2 client on Modis and one on the reference, flushed, slow log
    on for every command and emptied; the settings come back after."""
    clients = []
    for port in (server.port, ref_server.port):
        c = RespClient(port)
        c.execute("FLUSHALL")
        c.execute("CONFIG", "SET", "slowlog-log-slower-than", "0")
        c.execute("CONFIG", "SET", "slowlog-max-len", "128")
        c.execute("SLOWLOG", "RESET")
        clients.append(c)
    yield clients
    for c in clients:
        c.execute("CONFIG", "SET", "slowlog-log-slower-than", "10000")
        c.execute("CONFIG", "SET", "slowlog-max-len", "128")
        c.execute("SLOWLOG", "RESET")
        c.close()


def local_addr(c):
    sock = c.sock if isinstance(c, RawConn) else c.conn.sock
    host, port = sock.getsockname()[:2]
    return ("%s:%d" % (host, port)).encode()


def entries(c, count=-1):
    return c.execute("SLOWLOG", "GET", str(count))


# ---------------------------------------------------------------- SLOWLOG

def test_slowlog_entry_shape_and_client_fields(both):
    for c in both:
        c.execute("CLIENT", "SETNAME", "slow-client")
        c.execute("SET", "k", "v")
        got = entries(c, 2)
        assert len(got) == 2
        newest = got[0]
        assert len(newest) == 6
        ident, ts, dur, args, addr, name = newest
        assert args == [b"SET", b"k", b"v"]
        assert addr == local_addr(c)
        assert name == b"slow-client"
        assert abs(ts - time.time()) < 5
        assert isinstance(dur, int) and dur >= 0
        assert got[1][3] == [b"CLIENT", b"SETNAME", b"slow-client"]
        assert got[1][0] == ident - 1


def test_slowlog_ids_len_reset_and_get_count(both):
    for c in both:
        for i in range(5):
            c.execute("PING")
        # SLOWLOG RESET of the fixture and CONFIG SET come first; GET is
        # logged after it answers
        n = c.execute("SLOWLOG", "LEN")
        assert n >= 5
        got = entries(c, 3)
        assert [e[3] for e in got] == [[b"SLOWLOG", b"LEN"], [b"PING"], [b"PING"]]
        assert got[0][0] == got[1][0] + 1 == got[2][0] + 2
        assert len(entries(c)) == n + 2  # the LEN and the GET 3 joined
        assert c.execute("SLOWLOG", "GET", "0") == []
        assert len(c.execute("SLOWLOG", "GET")) == 10
        assert c.execute("SLOWLOG", "RESET") == "OK"
        # the RESET itself is logged once it ran
        assert [e[3] for e in entries(c)] == [[b"SLOWLOG", b"RESET"]]


def test_slowlog_max_len_and_threshold(both):
    for c in both:
        c.execute("CONFIG", "SET", "slowlog-max-len", "10")
        for i in range(100):
            c.execute("PING", str(i))
        assert c.execute("SLOWLOG", "LEN") == 10
        assert [e[3] for e in entries(c, 2)] == [[b"SLOWLOG", b"LEN"], [b"PING", b"99"]]
        # a shorter maximum cuts the log when the next entry comes: here
        # the CONFIG SET that set it
        c.execute("CONFIG", "SET", "slowlog-max-len", "3")
        assert c.execute("SLOWLOG", "LEN") == 3
        c.execute("CONFIG", "SET", "slowlog-max-len", "0")
        c.execute("SLOWLOG", "RESET")
        c.execute("PING")
        assert c.execute("SLOWLOG", "LEN") == 0
        c.execute("CONFIG", "SET", "slowlog-max-len", "128")
        c.execute("CONFIG", "SET", "slowlog-log-slower-than", "-1")
        c.execute("SLOWLOG", "RESET")
        c.execute("PING")
        assert c.execute("SLOWLOG", "LEN") == 0
        c.execute("CONFIG", "SET", "slowlog-log-slower-than", "100000000")
        c.execute("PING")
        assert c.execute("SLOWLOG", "LEN") == 0


def test_slowlog_long_arguments_are_cut_as_redis(both):
    many = ["RPUSH", "list"] + ["e%d" % i for i in range(40)]
    long = "x" * 200
    got = []
    for c in both:
        c.execute(*many)
        c.execute("SET", "long", long)
        c.execute("SET", "s" * 129, "y" * 128)
        got.append([e[3] for e in entries(c, 3)])
    assert got[0] == got[1]
    m = got[0]
    assert len(m[2]) == 32
    assert m[2][31] == b"... (11 more arguments)"
    assert m[1] == [b"SET", b"long", b"x" * 128 + b"... (72 more bytes)"]
    assert m[0] == [b"SET", b"s" * 128 + b"... (1 more bytes)", b"y" * 128]


def test_slowlog_redacts_secrets_as_redis(both):
    got = []
    for c in both:
        try:
            c.execute("AUTH", "wrong")
        except ReplyError:
            pass
        try:
            c.execute("AUTH", "someone", "wrong")
        except ReplyError:
            pass
        c.execute("HELLO", "2", "AUTH", "default", "anything", "SETNAME", "n1")
        c.execute("ACL", "SETUSER", "slowlog-user", "on", ">secret", "+get")
        c.execute("ACL", "GETUSER", "slowlog-user")
        c.execute("ACL", "DELUSER", "slowlog-user", "nobody")
        c.execute("CONFIG", "SET", "requirepass", "")
        c.execute("CONFIG", "SET", "slowlog-max-len", "128")
        got.append([e[3] for e in entries(c, 8)])
    assert got[0] == got[1]
    assert got[0] == [
        [b"CONFIG", b"SET", b"slowlog-max-len", b"128"],
        [b"CONFIG", b"SET", b"requirepass", b"(redacted)"],
        [b"ACL", b"DELUSER", b"slowlog-user", b"nobody"],
        [b"ACL", b"GETUSER", b"slowlog-user"],
        [b"ACL", b"SETUSER", b"(redacted)", b"(redacted)", b"(redacted)", b"(redacted)"],
        [b"HELLO", b"2", b"AUTH", b"(redacted)", b"(redacted)", b"SETNAME", b"n1"],
        [b"AUTH", b"(redacted)", b"(redacted)"],
        [b"AUTH", b"(redacted)"],
    ]


def test_slowlog_transaction_logs_inner_commands_not_exec(both):
    for c in both:
        c.execute("MULTI")
        c.execute("SET", "a", "1")
        c.execute("INCR", "a")
        c.execute("EXEC")
        assert [e[3] for e in entries(c, 3)] == [
            [b"INCR", b"a"], [b"SET", b"a", b"1"], [b"MULTI"]]


def test_slowlog_refused_commands_are_not_logged(both):
    for c in both:
        c.execute("SLOWLOG", "RESET")
        error_of(c, "NOSUCHCOMMAND", "x")
        error_of(c, "GET")
        assert [e[3] for e in entries(c)] == [[b"SLOWLOG", b"RESET"]]


def test_slowlog_errors_and_help(both):
    replies = []
    for c in both:
        replies.append([
            error_of(c, "SLOWLOG", "GET", "-2"),
            error_of(c, "SLOWLOG", "GET", "x"),
            error_of(c, "SLOWLOG", "gEt", "1", "2"),
            error_of(c, "SLOWLOG", "LEN", "x"),
            error_of(c, "SLOWLOG", "RESET", "x"),
            error_of(c, "SLOWLOG", "NOPE"),
            error_of(c, "SLOWLOG"),
            c.execute("SLOWLOG", "HELP"),
        ])
    assert replies[0] == replies[1]
    assert replies[0][0] == "ERR count should be greater than or equal to -1"
    assert replies[0][2] == ("ERR unknown subcommand or wrong number of arguments for 'gEt'. "
                             "Try SLOWLOG HELP.")


@pytest.mark.modis_only
def test_slowlog_entries_survive_module_unload(start_server):
    """Entries copy their arguments: unloading the module of a logged
    command leaves SLOWLOG GET intact (ASan runs catch a stale pointer)."""
    srv = start_server(["--slowlog-log-slower-than", "0"])
    c = RespClient(srv.port)
    c.execute("HSET", "k", "f", "v" * 300)
    c.execute("HLEN", "k")
    c.execute("DEL", "k")
    c.execute("MODULE", "UNLOAD", "hashes")
    got = [e[3] for e in entries(c, 4)]
    assert got[0] == [b"MODULE", b"UNLOAD", b"hashes"]
    assert got[2] == [b"HLEN", b"k"]
    assert got[3] == [b"HSET", b"k", b"f", b"v" * 128 + b"... (172 more bytes)"]
    c.close()


# ---------------------------------------------------------------- MONITOR

TS = re.compile(rb"^\+(\d+)\.(\d{6}) \[(\d+) ([^\]]*)\] (.*)$")


def monitor_session(port):
    """Run one fixed sequence of commands while a MONITOR client listens;
    return its lines with the timestamp checked and dropped, and the
    issuing clients' addresses replaced by names."""
    mon = RawConn(port)
    assert mon.call("MONITOR") == b"+OK\r\n"
    a = RawConn(port)
    b = RawConn(port)
    names = {local_addr(a): b"A", local_addr(b): b"B"}
    script = [
        (a, ["SET", "key", "value"]),
        (a, ["GET", "key"]),
        (b, ["SET", "bin \"q\"\x01\n", "\u00e9\\"]),
        (a, ["AUTH", "secret"]),
        (a, ["AUTH", "user", "secret"]),
        (b, ["HELLO", "2", "AUTH", "default", "pw", "SETNAME", "cli"]),
        (a, ["NOSUCH", "x"]),
        (a, ["GET"]),
        (a, ["CONFIG", "SET", "slowlog-max-len", "128"]),
        (a, ["CONFIG", "GET", "maxmemory"]),
        (a, ["CLIENT", "LIST"]),
        (a, ["CLIENT", "ID"]),
        (a, ["SLOWLOG", "LEN"]),
        (b, ["MULTI"]),
        (b, ["INCR", "n"]),
        (b, ["INCRBY", "n", "5"]),
        (b, ["EXEC"]),
        (a, ["SELECT", "3"]),
        (a, ["PING", "x y"]),
        (a, ["SELECT", "0"]),
        (b, ["ECHO", ""]),
    ]
    for conn, args in script:
        conn.call(*args)
    b.call("PING", "last")
    lines = []
    buf = b""
    deadline = time.monotonic() + 5
    while b'"last"' not in buf and time.monotonic() < deadline:
        buf += mon.read_available(0.1)
    now = time.time()
    for line in buf.split(b"\r\n"):
        if not line:
            continue
        m = TS.match(line)
        assert m, line
        assert abs(int(m.group(1)) - now) < 10
        lines.append(b"[%s %s] %s" % (m.group(3), names.get(m.group(4), m.group(4)),
                                      m.group(5)))
    for conn in (mon, a, b):
        conn.close()
    return lines


def test_monitor_output_as_redis(server, ref_server):
    ours = monitor_session(server.port)
    theirs = monitor_session(ref_server.port)
    assert ours == theirs
    assert ours[:3] == [b'[0 A] "SET" "key" "value"', b'[0 A] "GET" "key"',
                        b'[0 B] "SET" "bin \\"q\\"\\x01\\n" "\\xc3\\xa9\\\\"']
    assert b'[0 A] "AUTH" "(redacted)"' in ours
    assert b'[0 A] "AUTH" "(redacted)" "(redacted)"' in ours
    assert b'[3 A] "PING" "x y"' in ours


def test_monitor_client_flags_and_refusals(server, ref_server):
    for port in (server.port, ref_server.port):
        mon = RawConn(port)
        mon.call("CLIENT", "SETNAME", "watcher")
        assert mon.call("MONITOR") == b"+OK\r\n"
        other = RespClient(port)
        listing = other.execute("CLIENT", "LIST").decode()
        line = [l for l in listing.splitlines() if "name=watcher" in l][0]
        assert " flags=O " in line and " cmd=monitor " in line
        mon.close()
        # MONITOR inside a transaction is refused at EXEC
        other.execute("MULTI")
        other.execute("MONITOR")
        got = other.execute("EXEC")
        assert isinstance(got[0], ReplyError)
        assert got[0].text == "ERR MONITOR isn't allowed for DENY BLOCKING client"
        other.close()


def test_monitor_gone_client_is_forgotten(server):
    mon = RawConn(server.port)
    assert mon.call("MONITOR") == b"+OK\r\n"
    mon.close()
    c = RespClient(server.port)
    for i in range(50):
        c.execute("SET", "k%d" % i, "v")
    assert c.execute("PING") == "PONG"
    c.close()


# ---------------------------------------------------------------- LOLWUT

def test_lolwut(server, r2, r3):
    art = r2.execute("LOLWUT")
    text = art.decode()
    assert text.endswith("Redis ver. 7.4.0\n")
    rows = text.split("\n")[:12]
    assert all(len(row) == 40 and set(row) <= {"\u2571", "\u2572"} for row in rows)
    # the same arguments draw the same; VERSION and the size change it
    assert r2.execute("LOLWUT") == art
    small = r2.execute("LOLWUT", "VERSION", "5", "7", "3").decode().split("\n")
    assert [len(x) for x in small[:3]] == [7, 7, 7] and small[3] == ""
    assert r2.execute("LOLWUT", "VERSION", "6") != art
    # RESP3: a verbatim string of format txt
    r3.conn.send_command("LOLWUT", "10", "2")
    raw = r3.conn.read_reply()
    assert raw.startswith(b"=") and b"\r\ntxt:" in raw
    assert error_of(r2, "LOLWUT", "VERSION", "x") == "ERR value is not an integer or out of range"
    assert error_of(r2, "LOLWUT", "cols") == "ERR value is not an integer or out of range"
    # sizes are kept within 1..1000
    assert r2.execute("LOLWUT", "0", "0").decode().split("\n")[0] in ("\u2571", "\u2572")
