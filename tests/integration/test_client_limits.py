"""What a connection may hold, and how long it may sit idle, as Redis:

- client-output-buffer-limit for the normal, replica and pubsub classes:
  config file lines (Debian's redis.conf has three), CONFIG SET/GET with
  Redis's formatting and error texts, several classes in one value, the
  defaults; a subscriber that never reads is dropped at the hard limit (or
  after the soft limit's seconds) with Redis's log line, its memory given
  back, INFO's client_output_buffer_limit_disconnections counted; CLIENT
  LIST's obl/oll/omem/tot-mem describe the output buffer;
- `timeout` closes idle normal clients only (not Pub/Sub subscribers nor
  blocked clients);
- a command may carry more than 1,048,576 arguments (any count an int
  holds, within client-query-buffer-limit), with Redis's protocol errors
  past it and before authentication;
- push data (subscribe confirmations and messages) reaches a client whose
  replies are off (CLIENT REPLY OFF/SKIP), as Redis 7.2+;
- an idle client's big query buffer is given back.
"""

import socket
import time

import pytest

from modis_helpers import (
    RawConn, RespClient, ReplyError, Server, default_conf, encode_command, parse_info,
)

DEFAULT_LIMITS = b"normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"
CONFIG_SET_ERR = ("ERR CONFIG SET failed (possibly related to argument "
                  "'client-output-buffer-limit') - ")


def wait_for(cond, timeout=10.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return
        time.sleep(0.02)
    raise AssertionError("timed out waiting for " + what)


def limits(c):
    return c.execute("CONFIG", "GET", "client-output-buffer-limit")[1]


def client_line(c, client_id):
    """CLIENT LIST fields of one client, or None when it is gone."""
    text = c.execute("CLIENT", "LIST", "ID", str(client_id)).decode().strip()
    return dict(kv.split("=", 1) for kv in text.split(" ")) if text else None


def info(c, section):
    return parse_info(c.execute("INFO", section))


def slow_reader(port):
    """A raw connection that reads nothing: a small receive buffer, so the
    server's output buffer fills quickly."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.connect(("127.0.0.1", port))
    return s


def send(sock, *args):
    sock.sendall(encode_command(*args))


def need_command(c, name):
    """Skip when no loaded module provides the command."""
    if c.execute("COMMAND", "INFO", name) == [None]:
        pytest.skip("%s is not loaded" % name)


# --------------------------------------------------------------------------
# client-output-buffer-limit: configuration
# --------------------------------------------------------------------------

def test_output_limits_default_and_config_set(server):
    c = RespClient(server.port)
    try:
        assert limits(c) == DEFAULT_LIMITS
        # Several classes in one value, units, replica as slave's alias;
        # classes not named keep their values.
        assert c.execute("CONFIG", "SET", "client-output-buffer-limit",
                         "replica 1k 2kb 3 normal 5 6 7") == "OK"
        assert limits(c) == b"normal 5 6 7 slave 1000 2048 3 pubsub 33554432 8388608 60"
        assert c.execute("CONFIG", "SET", "client-output-buffer-limit",
                         "pubsub 32mb 8mb 60") == "OK"
        # Nothing changes on an error, whatever group is wrong.
        for value, why in [
                ("normal 1 2", "Wrong number of arguments in buffer limit configuration."),
                ("normal 0 0 0  ", "Wrong number of arguments in buffer limit configuration."),
                ("master 1 2 3", "Invalid client class specified in buffer limit "
                                 "configuration."),
                ("normal 1 2 3 bogus 1 2 3", "Invalid client class specified in buffer "
                                             "limit configuration."),
                ("normal 1x 2 3", "Error in hard, soft or soft_seconds setting in buffer "
                                  "limit configuration."),
                ("normal -1 2 3", "Error in hard, soft or soft_seconds setting in buffer "
                                  "limit configuration."),
                ("normal 1 2 -3", "Error in hard, soft or soft_seconds setting in buffer "
                                  "limit configuration."),
                ("normal 1 2 3x", "Error in hard, soft or soft_seconds setting in buffer "
                                  "limit configuration.")]:
            with pytest.raises(ReplyError) as e:
                c.execute("CONFIG", "SET", "client-output-buffer-limit", value)
            assert e.value.text == CONFIG_SET_ERR + why, value
        assert limits(c) == b"normal 5 6 7 slave 1000 2048 3 pubsub 33554432 8388608 60"
        assert c.execute("CONFIG", "SET", "client-output-buffer-limit", "") == "OK"
        assert c.execute("CONFIG", "SET", "client-output-buffer-limit",
                         DEFAULT_LIMITS.decode()) == "OK"
        assert limits(c) == DEFAULT_LIMITS
    finally:
        c.close()


def test_output_limits_from_the_config_file(start_server, tmp_path):
    """Debian's redis.conf lines, one class per line, then a line with two."""
    extra = ["--client-output-buffer-limit", "normal 0 0 0",
             "--client-output-buffer-limit", "replica 256mb 64mb 60",
             "--client-output-buffer-limit", "pubsub 32mb 8mb 60",
             "--client-output-buffer-limit", "pubsub 1mb 2mb 3 normal 4kb 5k 6"]
    srv = start_server(extra)
    c = RespClient(srv.port)
    try:
        assert limits(c) == b"normal 4096 5000 6 slave 268435456 67108864 60 pubsub 1048576 2097152 3"
    finally:
        c.close()


def test_bad_output_limit_line_is_fatal(tmp_path):
    conf = tmp_path / "bad.conf"
    conf.write_text("client-output-buffer-limit normal 0 0\n")
    srv = Server(conf=str(conf))
    with pytest.raises(RuntimeError):
        srv.start(timeout=10)
    try:
        assert srv.proc.returncode == 1
        lines = srv.log().splitlines()
        at = max(i for i, line in enumerate(lines) if "FATAL CONFIG FILE ERROR" in line)
        assert lines[at + 1:at + 4] == [
            "Reading the configuration file, at line 1",
            ">>> 'client-output-buffer-limit normal 0 0'",
            "Wrong number of arguments in buffer limit configuration."]
    finally:
        srv.stop()


def test_output_limits_config_rewrite(start_server, tmp_path):
    conf = tmp_path / "rw.conf"
    conf.write_text(open(default_conf()).read() if default_conf() else "")
    srv = start_server(conf=str(conf))
    c = RespClient(srv.port)
    try:
        assert c.execute("CONFIG", "SET", "client-output-buffer-limit", "pubsub 1mb 0 0") == "OK"
        assert c.execute("CONFIG", "REWRITE") == "OK"
        lines = [x for x in conf.read_text().splitlines()
                 if x.startswith("client-output-buffer-limit")]
        # Redis's rewrite: a line per class that differs from its default.
        assert lines == ["client-output-buffer-limit pubsub 1mb 0 0"]
    finally:
        c.close()
    again = tmp_path / "again.conf"
    again.write_text(lines[0] + "\n")
    c = RespClient(start_server(conf=str(again)).port)
    try:
        assert limits(c) == b"normal 0 0 0 slave 268435456 67108864 60 pubsub 1048576 0 0"
    finally:
        c.close()


# --------------------------------------------------------------------------
# client-output-buffer-limit: enforcement
# --------------------------------------------------------------------------

def publish_until_dropped(c, channel, payload, limit=400):
    """PUBLISH until nobody receives; returns how many were received."""
    for i in range(limit):
        if c.execute("PUBLISH", channel, payload) == 0:
            return i
    raise AssertionError("the subscriber was never dropped")


def test_subscriber_that_never_reads_is_dropped_at_the_hard_limit(start_server):
    srv = start_server(["--client-output-buffer-limit", "pubsub 1mb 0 0"])
    c = RespClient(srv.port)
    try:
        base = int(info(c, "memory")["used_memory"])
        sub = slow_reader(srv.port)
        send(sub, "CLIENT", "SETNAME", "slowsub")
        send(sub, "SUBSCRIBE", "news")
        wait_for(lambda: info(c, "clients")["pubsub_clients"] == "1", what="subscription")
        sent = publish_until_dropped(c, "news", b"x" * 50000)
        # 1 MB of 50 kB messages, and what the socket buffers took.
        assert 20 <= sent <= 200, sent
        assert info(c, "stats")["client_output_buffer_limit_disconnections"] == "1"
        assert info(c, "clients")["pubsub_clients"] == "0"
        assert "slowsub" not in c.execute("CLIENT", "LIST").decode()
        log = srv.log()
        line = next(x for x in log.splitlines() if "overcoming of output buffer limits" in x)
        assert " # Client id=" in line and " name=slowsub " in line and " flags=P " in line
        assert line.endswith(" scheduled to be closed ASAP for overcoming of output buffer "
                             "limits.")
        # The memory the buffer held is given back.
        assert int(info(c, "memory")["used_memory"]) < base + 256 * 1024
        sub.settimeout(5)
        got = b""
        while True:
            chunk = sub.recv(65536)
            if not chunk:
                break
            got += chunk
        assert got.startswith(b"+OK\r\n*3\r\n$9\r\nsubscribe\r\n$4\r\nnews\r\n:1\r\n")
        sub.close()
    finally:
        c.close()


def test_soft_limit_needs_its_seconds(start_server):
    """Over the soft limit, a subscriber is dropped only once it stayed over
    it for more than the configured seconds (here 1): the first check only
    starts the clock."""
    srv = start_server(["--client-output-buffer-limit", "pubsub 0 256kb 1"])
    c = RespClient(srv.port)
    try:
        sub = slow_reader(srv.port)
        send(sub, "SUBSCRIBE", "news")
        wait_for(lambda: info(c, "clients")["pubsub_clients"] == "1", what="subscription")
        start = time.monotonic()
        # Enough to fill the socket's buffers and pass 256 kB of output,
        # all received: the soft limit alone drops nobody at once.
        for _ in range(80):
            assert c.execute("PUBLISH", "news", b"y" * 50000) == 1
            if time.monotonic() - start > 0.8:
                break
        wait_for(lambda: info(c, "clients")["pubsub_clients"] == "0", timeout=5,
                 what="the drop after the soft limit's seconds")
        assert time.monotonic() - start >= 1.0
        assert info(c, "stats")["client_output_buffer_limit_disconnections"] == "1"
        assert " closed for overcoming of output buffer limits." in srv.log() or \
            "scheduled to be closed ASAP for overcoming" in srv.log()
        sub.close()
    finally:
        c.close()


def test_normal_client_hard_limit_and_client_list_fields(start_server):
    """A normal client pipelining big reads without reading the replies:
    CLIENT LIST shows its output buffer (obl bytes in the fixed buffer, oll
    blocks, omem their memory, inside tot-mem) until the hard limit drops
    it."""
    srv = start_server()
    c = RespClient(srv.port)
    try:
        assert c.execute("SET", "big", b"z" * 100000) == "OK"
        reader = slow_reader(srv.port)
        send(reader, "CLIENT", "SETNAME", "reader")
        for _ in range(80):  # more than the socket's buffers take
            send(reader, "GET", "big")

        def reader_line():
            for line in c.execute("CLIENT", "LIST").decode().splitlines():
                f = dict(kv.split("=", 1) for kv in line.split(" "))
                if f["name"] == "reader":
                    return f
            return None

        wait_for(lambda: reader_line() and int(reader_line()["omem"]) > 1000000,
                 what="the reader's output buffer to fill")
        f = reader_line()
        assert int(f["oll"]) >= 1
        assert int(f["omem"]) >= int(f["oll"]) * 16384
        assert int(f["obl"]) <= int(f["rbs"]) == 16384
        assert int(f["tot-mem"]) > int(f["omem"])
        assert f["events"] == "rw"
        assert int(info(c, "clients")["client_recent_max_output_buffer"]) >= int(f["omem"])
        assert c.execute("CONFIG", "SET", "client-output-buffer-limit", "normal 1mb 0 0") == "OK"
        send(reader, "GET", "big")  # the next block added is checked
        wait_for(lambda: reader_line() is None, what="the reader to be dropped")
        assert info(c, "stats")["client_output_buffer_limit_disconnections"] == "1"
        reader.close()
    finally:
        c.close()


# --------------------------------------------------------------------------
# timeout
# --------------------------------------------------------------------------

def test_timeout_spares_subscribers_and_blocked_clients(start_server):
    srv = start_server(["--timeout", "1"])
    c = RespClient(srv.port)
    try:
        need_command(c, "BLPOP")
        idle = RespClient(srv.port)
        sub2 = RespClient(srv.port)
        sub3 = RespClient(srv.port, proto=3)
        psub = RespClient(srv.port)
        assert sub2.execute("SUBSCRIBE", "a") == [b"subscribe", b"a", 1]
        assert sub3.execute("SSUBSCRIBE", "b")[0] == b"ssubscribe"
        assert psub.execute("PSUBSCRIBE", "p*") == [b"psubscribe", b"p*", 1]
        blocked = RawConn(srv.port)
        blocked.send_command("BLPOP", "nolist", "0")
        wait_for(lambda: info(c, "clients")["blocked_clients"] == "1", what="BLPOP to block")
        for _ in range(10):  # 2.5 s; the control client keeps talking
            time.sleep(0.25)
            assert c.execute("PING") == "PONG"
        # The idle normal client is gone; the others are not.
        with pytest.raises((ConnectionError, OSError)):
            idle.execute("PING")
        names = c.execute("CLIENT", "LIST").decode()
        assert names.count("flags=P") == 3
        assert info(c, "clients")["blocked_clients"] == "1"
        assert c.execute("RPUSH", "nolist", "v") == 1
        assert blocked.read_value() == [b"nolist", b"v"]
        assert c.execute("PUBLISH", "a", "m") == 1
        assert sub2.conn.read_value() == [b"message", b"a", b"m"]
        for x in (sub2, sub3, psub, blocked):
            x.close()
    finally:
        c.close()


# --------------------------------------------------------------------------
# Multibulk counts
# --------------------------------------------------------------------------

def test_more_than_a_million_arguments(server):
    """RPUSH with 1,100,000 elements (Redis takes counts up to INT_MAX)."""
    n = 1100000
    raw = RawConn(server.port, timeout=60)
    try:
        if raw.call("COMMAND", "INFO", "RPUSH") == b"*1\r\n*-1\r\n":
            pytest.skip("RPUSH is not loaded")
        parts = [b"*%d\r\n$5\r\nRPUSH\r\n$7\r\nbiglist\r\n" % (n + 2)]
        parts += [b"$1\r\nv\r\n"] * n
        raw.send(b"".join(parts))
        assert raw.read_reply() == b":%d\r\n" % n
        assert raw.call("LLEN", "biglist") == b":%d\r\n" % n
        assert raw.call("DEL", "biglist") == b":1\r\n"
    finally:
        raw.close()


def test_multibulk_count_limits(server):
    raw = RawConn(server.port)
    try:
        raw.send(b"*2147483648\r\n")
        assert raw.read_until_close() == b"-ERR Protocol error: invalid multibulk length\r\n"
    finally:
        raw.close()
    # INT_MAX itself is a valid count: the server waits for the arguments.
    raw = RawConn(server.port)
    try:
        raw.send(b"*2147483647\r\n$4\r\nPING\r\n")
        assert raw.read_available(0.3) == b""
        assert not raw.is_closed(0.1)
    finally:
        raw.close()


def test_unauthenticated_limits(start_server):
    srv = start_server(["--requirepass", "secret"])
    raw = RawConn(srv.port)
    try:
        raw.send(b"*11\r\n")
        assert raw.read_until_close() == \
            b"-ERR Protocol error: unauthenticated multibulk length\r\n"
    finally:
        raw.close()
    raw = RawConn(srv.port)
    try:
        raw.send(b"*2\r\n$4\r\nAUTH\r\n$16385\r\n")
        assert raw.read_until_close() == b"-ERR Protocol error: unauthenticated bulk length\r\n"
    finally:
        raw.close()
    raw = RawConn(srv.port)
    try:
        raw.send(b"*10\r\n")  # ten is fine before AUTH
        assert not raw.is_closed(0.3)
    finally:
        raw.close()


# --------------------------------------------------------------------------
# Push data while replies are off
# --------------------------------------------------------------------------

@pytest.mark.parametrize("proto", [2, 3])
@pytest.mark.parametrize("mode", ["OFF", "SKIP"])
def test_push_data_reaches_a_client_with_replies_off(server, proto, mode):
    raw = RawConn(server.port)
    pub = RespClient(server.port)
    try:
        if proto == 3:
            raw.send_command("HELLO", "3")
            raw.read_reply()
        raw.send_command("CLIENT", "REPLY", mode)
        raw.send_command("SUBSCRIBE", "ch")
        head = b">" if proto == 3 else b"*"
        assert raw.read_reply() == head + b"3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n"
        assert pub.execute("PUBLISH", "ch", "hello") == 1
        assert raw.read_reply() == head + b"3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$5\r\nhello\r\n"
        if proto == 3 and mode == "OFF":
            # A command's own reply stays silenced; its push data does not.
            raw.send_command("PING")
            raw.send_command("PUBLISH", "ch", "self")
            assert raw.read_reply() == \
                b">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$4\r\nself\r\n"
            raw.send_command("CLIENT", "REPLY", "ON")
            assert raw.read_reply() == b"+OK\r\n"
    finally:
        raw.close()
        pub.close()


# --------------------------------------------------------------------------
# The query buffer of an idle client
# --------------------------------------------------------------------------

def test_idle_client_gives_back_its_query_buffer(server):
    c = RespClient(server.port)
    big = RespClient(server.port)
    try:
        my_id = big.execute("CLIENT", "ID")
        assert big.execute("SET", "qb", b"q" * (4 * 1024 * 1024)) == "OK"
        # Right after the request the buffer may still be big; within a
        # few cron ticks the recent peak is gone and so is the buffer.
        wait_for(lambda: int(client_line(c, my_id)["qbuf-free"]) < 64 * 1024, timeout=5,
                 what="the query buffer to shrink")
        f = client_line(c, my_id)
        assert int(f["qbuf"]) == 0
        assert int(f["tot-mem"]) < 256 * 1024
        assert big.execute("GET", "qb") == b"q" * (4 * 1024 * 1024)
        assert big.execute("DEL", "qb") == 1
    finally:
        c.close()
        big.close()
