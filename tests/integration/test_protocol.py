"""Wire protocol: inline commands, pipelining, partial writes, RESP3 via HELLO,
protocol errors (exact bytes, connection closed, server keeps serving),
QUIT and RESET.  Everything here talks over raw sockets and compares the
exact bytes Redis sends."""

import time

import pytest

from modis_helpers import encode_command, parse_reply


# --------------------------------------------------------------------------
# inline commands
# --------------------------------------------------------------------------

def test_inline_ping(raw):
    raw.send(b"PING\r\n")
    assert raw.read_reply() == b"+PONG\r\n"


def test_inline_ping_lf_only_and_padding(raw):
    raw.send(b"PING\n")
    assert raw.read_reply() == b"+PONG\r\n"
    raw.send(b"  PING   \r\n")
    assert raw.read_reply() == b"+PONG\r\n"


def test_inline_set_get(raw):
    raw.send(b"SET a b\r\n")
    assert raw.read_reply() == b"+OK\r\n"
    raw.send(b"GET a\r\n")
    assert raw.read_reply() == b"$1\r\nb\r\n"
    raw.send(b"GET missing\r\n")
    assert raw.read_reply() == b"$-1\r\n"


def test_inline_quotes(raw, r):
    raw.send(b'SET "a b" "c\\x41 d"\r\n')
    assert raw.read_reply() == b"+OK\r\n"
    assert r.get(b"a b") == b"cA d"
    raw.send(b"SET k 'it\\'s'\r\n")
    assert raw.read_reply() == b"+OK\r\n"
    assert r.get(b"k") == b"it's"
    raw.send(b'SET k2 "\\t\\"q\\"\\\\\\n"\r\n')
    assert raw.read_reply() == b"+OK\r\n"
    assert r.get(b"k2") == b'\t"q"\\\n'
    raw.send(b'SET "" ""\r\n')
    assert raw.read_reply() == b"+OK\r\n"
    assert r.get(b"") == b""


def test_inline_empty_lines_ignored(raw):
    raw.send(b"\r\n\r\nPING\r\n\n\n  \r\nPING\n")
    assert raw.read_reply() == b"+PONG\r\n"
    assert raw.read_reply() == b"+PONG\r\n"
    assert raw.read_available(0.2) == b""


def test_inline_unknown_command_and_arity(raw):
    raw.send(b"foo a b\r\n")
    assert raw.read_reply() == b"-ERR unknown command 'foo', with args beginning with: 'a' 'b' \r\n"
    raw.send(b"GET\r\n")
    assert raw.read_reply() == b"-ERR wrong number of arguments for 'get' command\r\n"
    # the connection stays usable after ordinary errors
    raw.send(b"PING\r\n")
    assert raw.read_reply() == b"+PONG\r\n"


def test_empty_multibulk_ignored(raw):
    raw.send(b"*0\r\n*-1\r\nPING\r\n")
    assert raw.read_reply() == b"+PONG\r\n"
    assert raw.read_available(0.2) == b""


# --------------------------------------------------------------------------
# pipelining and partial writes
# --------------------------------------------------------------------------

def test_pipeline_100_commands_in_one_write(raw):
    cmds = b"".join(encode_command("INCR", "counter") for _ in range(100))
    raw.send(cmds)
    for i in range(1, 101):
        assert raw.read_reply() == b":%d\r\n" % i


def test_pipeline_mixed_commands_in_order(raw):
    data = b""
    expected = []
    for i in range(100):
        if i % 3 == 0:
            data += encode_command("SET", "k%d" % i, "v%d" % i)
            expected.append(b"+OK\r\n")
        elif i % 3 == 1:
            data += encode_command("GET", "k%d" % (i - 1))
            v = b"v%d" % (i - 1)
            expected.append(b"$%d\r\n%s\r\n" % (len(v), v))
        else:
            data += b"PING\r\n"  # inline and multibulk mixed
            expected.append(b"+PONG\r\n")
    raw.send(data)
    for exp in expected:
        assert raw.read_reply() == exp


def test_pipeline_with_error_in_the_middle(raw):
    raw.send(encode_command("SET", "a", "1") + encode_command("INCRBY", "a", "x")
             + encode_command("GET", "a"))
    assert raw.read_reply() == b"+OK\r\n"
    assert raw.read_reply() == b"-ERR value is not an integer or out of range\r\n"
    assert raw.read_reply() == b"$1\r\n1\r\n"


def test_command_split_over_tiny_writes(raw):
    data = encode_command("SET", "key", "value")
    for i in range(len(data)):
        raw.send(data[i:i + 1])
        time.sleep(0.002)
    assert raw.read_reply() == b"+OK\r\n"
    data = b"GET key\r\n"
    for i in range(len(data)):
        raw.send(data[i:i + 1])
        time.sleep(0.002)
    assert raw.read_reply() == b"$5\r\nvalue\r\n"


def test_command_split_across_crlf_and_bulk(raw):
    parts = [b"*3\r", b"\n$3\r\nS", b"ET\r\n$1", b"\r\nk\r\n$", b"10\r\n01234", b"56789\r", b"\n"]
    for p in parts:
        raw.send(p)
        time.sleep(0.01)
    assert raw.read_reply() == b"+OK\r\n"
    assert raw.call("GET", "k") == b"$10\r\n0123456789\r\n"


def test_big_value_in_pieces(raw):
    value = bytes(range(256)) * 4096  # 1 MiB, all byte values
    data = encode_command("SET", "big", value)
    for i in range(0, len(data), 65000):
        raw.send(data[i:i + 65000])
    assert raw.read_reply() == b"+OK\r\n"
    assert raw.call("GET", "big") == b"$%d\r\n%s\r\n" % (len(value), value)
    assert raw.call("STRLEN", "big") == b":1048576\r\n"


# --------------------------------------------------------------------------
# HELLO / RESP3
# --------------------------------------------------------------------------

def test_hello3_map(raw):
    client_id = int(raw.call("CLIENT", "ID")[1:-2])
    raw.send(b"HELLO 3\r\n")
    reply = raw.read_reply()
    assert reply.startswith(b"%7\r\n")
    m, end = parse_reply(reply)
    assert end == len(reply)
    assert list(m.keys()) == [b"server", b"version", b"proto", b"id", b"mode", b"role", b"modules"]
    assert isinstance(m[b"server"], bytes) and m[b"server"]
    assert isinstance(m[b"version"], bytes) and m[b"version"]
    assert m[b"proto"] == 3
    assert m[b"id"] == client_id
    assert m[b"mode"] == b"standalone"
    assert m[b"role"] == b"master"
    assert isinstance(m[b"modules"], list)
    # RESP3 replies from now on
    assert raw.call("GET", "nokey") == b"_\r\n"
    assert raw.call("CONFIG", "GET", "maxmemory-samples") == b"%1\r\n$17\r\nmaxmemory-samples\r\n$1\r\n5\r\n"
    assert raw.call("SET", "a", "1") == b"+OK\r\n"
    assert raw.call("INCR", "a") == b":2\r\n"
    assert raw.call("MGET", "a", "nokey") == b"*2\r\n$1\r\n2\r\n_\r\n"


def test_resp3_client(r3):
    assert r3.hello[b"proto"] == 3
    assert r3.execute("SET", "k", "v") == "OK"
    assert r3.execute("GET", "k") == b"v"
    assert r3.execute("GET", "missing") is None
    assert r3.execute("EXISTS", "k", "missing") == 1
    assert r3.execute("INCRBYFLOAT", "f", "1.5") == b"1.5"
    assert r3.execute("MGET", "k", "missing") == [b"v", None]
    assert r3.execute("CONFIG", "GET", "maxmemory") == {b"maxmemory": b"0"}


def test_hello2_after_hello3(raw):
    raw.call("HELLO", "3")
    assert raw.call("GET", "nokey") == b"_\r\n"
    raw.send_command("HELLO", "2")
    v = raw.read_value()
    assert isinstance(v, list) and len(v) == 14
    assert v[0::2] == [b"server", b"version", b"proto", b"id", b"mode", b"role", b"modules"]
    assert v[5] == 2
    assert raw.call("GET", "nokey") == b"$-1\r\n"


def test_hello_no_args_keeps_protocol(raw):
    raw.send(b"HELLO\r\n")
    m = raw.read_value()
    assert isinstance(m, list) and m[5] == 2


def test_hello_setname(raw):
    raw.send(b"HELLO 3 SETNAME foo\r\n")
    assert isinstance(raw.read_value(), dict)
    assert raw.call("CLIENT", "GETNAME") == b"$3\r\nfoo\r\n"


@pytest.mark.parametrize("line,expected", [
    (b"HELLO 4\r\n", b"-NOPROTO unsupported protocol version\r\n"),
    (b"HELLO 1\r\n", b"-NOPROTO unsupported protocol version\r\n"),
    (b"HELLO abc\r\n", b"-ERR Protocol version is not an integer or out of range\r\n"),
    (b"HELLO 3 SETNAME\r\n", b"-ERR Syntax error in HELLO option 'SETNAME'\r\n"),
    (b"HELLO 3 FOO\r\n", b"-ERR Syntax error in HELLO option 'FOO'\r\n"),
    (b'HELLO 3 SETNAME "a b"\r\n',
     b"-ERR Client names cannot contain spaces, newlines or special characters.\r\n"),
])
def test_hello_errors(raw, line, expected):
    raw.send(line)
    assert raw.read_reply() == expected
    # the protocol did not change
    assert raw.call("GET", "nokey") == b"$-1\r\n"


def test_hello_auth_on_nopass_default_user(raw):
    # the default user has nopass: any password is accepted
    raw.send(b"HELLO 3 AUTH default whatever\r\n")
    assert isinstance(raw.read_value(), dict)


NOAUTH_HELLO_70 = (b"-NOAUTH HELLO must be called with the client already authenticated, "
                   b"otherwise the HELLO AUTH <user> <pass> option can be used to authenticate "
                   b"the client and select the RESP protocol version at the same time\r\n")
NOAUTH_HELLO_72 = (b"-NOAUTH HELLO must be called with the client already authenticated, "
                   b"otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate "
                   b"the client and select the RESP protocol version at the same time\r\n")


def test_hello_auth_with_requirepass(start_server, is_modis):
    srv = start_server(["--requirepass", "secret"])
    c = srv.raw()
    c.send(b"HELLO 3\r\n")
    # Redis 7.0 says "HELLO AUTH", 7.2+ "HELLO <proto> AUTH"; Modis follows current Redis.
    assert c.read_reply() == (NOAUTH_HELLO_72 if is_modis else NOAUTH_HELLO_70)
    c.send(b"HELLO 3 AUTH default wrong\r\n")
    assert c.read_reply() == b"-WRONGPASS invalid username-password pair or user is disabled.\r\n"
    c.send(b"HELLO 3 AUTH nosuchuser secret\r\n")
    assert c.read_reply() == b"-WRONGPASS invalid username-password pair or user is disabled.\r\n"
    c.send(b"GET a\r\n")
    assert c.read_reply() == b"-NOAUTH Authentication required.\r\n"
    c.send(b"HELLO 3 AUTH default secret SETNAME app1\r\n")
    m = c.read_value()
    assert isinstance(m, dict) and m[b"proto"] == 3
    assert c.call("CLIENT", "GETNAME") == b"$4\r\napp1\r\n"
    assert c.call("GET", "a") == b"_\r\n"
    c.close()
    # HELLO 2 with AUTH replies with a flat array
    c = srv.raw()
    c.send(b"HELLO 2 AUTH default secret\r\n")
    v = c.read_value()
    assert isinstance(v, list) and v[4:6] == [b"proto", 2]
    assert c.call("GET", "a") == b"$-1\r\n"
    c.close()


# --------------------------------------------------------------------------
# protocol errors: exact reply, connection closed, server keeps serving
# --------------------------------------------------------------------------

@pytest.mark.parametrize("data,expected", [
    (b"*abc\r\n", b"-ERR Protocol error: invalid multibulk length\r\n"),
    (b"*3000000000\r\n", b"-ERR Protocol error: invalid multibulk length\r\n"),
    (b"*1\r\n$abc\r\n", b"-ERR Protocol error: invalid bulk length\r\n"),
    (b"*1\r\n$-1\r\n", b"-ERR Protocol error: invalid bulk length\r\n"),
    (b"*1\r\nx3\r\n", b"-ERR Protocol error: expected '$', got 'x'\r\n"),
    (b"*2\r\n$3\r\nGET\r\n:1\r\n", b"-ERR Protocol error: expected '$', got ':'\r\n"),
    (b'SET "a b\r\n', b"-ERR Protocol error: unbalanced quotes in request\r\n"),
    (b"SET 'a b\r\n", b"-ERR Protocol error: unbalanced quotes in request\r\n"),
    (b'SET "a"b c\r\n', b"-ERR Protocol error: unbalanced quotes in request\r\n"),
], ids=["mbulk-alpha", "mbulk-huge", "bulk-alpha", "bulk-negative", "expected-dollar",
        "expected-dollar-colon", "dquote", "squote", "quote-then-char"])
def test_protocol_error_closes_connection(server, r, data, expected):
    other = server.raw()
    other.call("PING")
    c = server.raw()
    c.send(data)
    assert c.read_until_close() == expected
    # another connected client and new clients are fine
    assert other.call("PING") == b"+PONG\r\n"
    assert r.ping() is True
    other.close()


def test_commands_before_protocol_error_are_answered(server, r):
    c = server.raw()
    c.send(encode_command("SET", "x", "1") + b"PING\r\n" + b"*1\r\n$zz\r\n" + b"PING\r\n")
    assert c.read_until_close() == b"+OK\r\n+PONG\r\n-ERR Protocol error: invalid bulk length\r\n"
    assert r.get("x") == b"1"


@pytest.mark.parametrize("data,expected", [
    (b"a" * (64 * 1024 + 1), b"-ERR Protocol error: too big inline request\r\n"),
    (b"*" + b"1" * (64 * 1024 + 1), b"-ERR Protocol error: too big mbulk count string\r\n"),
    (b"*1\r\n$" + b"1" * (64 * 1024 + 1), b"-ERR Protocol error: too big bulk count string\r\n"),
], ids=["inline", "mbulk-count", "bulk-count"])
def test_too_big_requests(server, r, data, expected):
    c = server.raw()
    c.send(data)
    assert c.read_until_close() == expected
    assert r.ping() is True


def test_inline_just_below_limit_is_fine(raw):
    value = b"v" * (60 * 1024)
    raw.send(b"SET big " + value + b"\r\n")
    assert raw.read_reply() == b"+OK\r\n"
    assert raw.call("STRLEN", "big") == b":61440\r\n"


def test_proto_max_bulk_len(start_server):
    # 1mb is the smallest value Redis accepts for proto-max-bulk-len
    srv = start_server(["--proto-max-bulk-len", "1mb"])
    c = srv.raw()
    assert c.call("CONFIG", "GET", "proto-max-bulk-len") == \
        b"*2\r\n$18\r\nproto-max-bulk-len\r\n$7\r\n1048576\r\n"
    # exactly the limit is accepted
    assert c.call("SET", "k", b"x" * 1048576) == b"+OK\r\n"
    # growing past it is refused, not a protocol error
    assert c.call("APPEND", "k", "y") == b"-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n"
    assert c.call("SETRANGE", "k", "1048576", "y") == \
        b"-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n"
    assert c.call("STRLEN", "k") == b":1048576\r\n"
    # one byte more in a request: protocol error and close
    c2 = srv.raw()
    c2.send(b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1048577\r\n")
    assert c2.read_until_close() == b"-ERR Protocol error: invalid bulk length\r\n"
    assert c.call("PING") == b"+PONG\r\n"


def test_unauthenticated_limits(start_server):
    srv = start_server(["--requirepass", "secret"])
    c = srv.raw()
    c.send(b"*20\r\n")
    assert c.read_until_close() == b"-ERR Protocol error: unauthenticated multibulk length\r\n"
    c = srv.raw()
    c.send(b"*1\r\n$20000\r\n")
    assert c.read_until_close() == b"-ERR Protocol error: unauthenticated bulk length\r\n"
    c = srv.raw()
    assert c.call("AUTH", "secret") == b"+OK\r\n"
    assert c.call("SET", "k", b"x" * 20000) == b"+OK\r\n"


def test_many_clients_after_protocol_errors(server):
    for _ in range(20):
        c = server.raw()
        c.send(b"*1\r\n$x\r\n")
        assert c.read_until_close() == b"-ERR Protocol error: invalid bulk length\r\n"
    conns = [server.raw() for _ in range(20)]
    for i, c in enumerate(conns):
        c.send_command("SET", "c%d" % i, str(i))
    for c in conns:
        assert c.read_reply() == b"+OK\r\n"
    for i, c in enumerate(conns):
        assert c.call("GET", "c%d" % i) == b"$%d\r\n%d\r\n" % (len(str(i)), i)
        c.close()


# --------------------------------------------------------------------------
# QUIT and RESET
# --------------------------------------------------------------------------

def test_quit(server):
    c = server.raw()
    c.send(b"QUIT\r\nPING\r\n")
    assert c.read_until_close() == b"+OK\r\n"
    c = server.raw()
    c.send_command("QUIT")
    assert c.read_until_close() == b"+OK\r\n"


def test_reset(server, r):
    c = server.raw()
    assert c.call("SELECT", "1") == b"+OK\r\n"
    assert c.call("SET", "indb1", "1") == b"+OK\r\n"
    assert c.call("CLIENT", "SETNAME", "x") == b"+OK\r\n"
    c.send(b"HELLO 3\r\n")
    assert isinstance(c.read_value(), dict)
    assert c.call("RESET") == b"+RESET\r\n"
    # back to RESP2, db 0, no name
    assert c.call("GET", "indb1") == b"$-1\r\n"
    assert c.call("CLIENT", "GETNAME") == b"$-1\r\n"
    info = c.call("CLIENT", "INFO")
    assert b" db=0 " in info and b" resp=2" in info and b" name= " in info
    c.close()


def test_reset_discards_multi_and_reply_off(raw):
    assert raw.call("MULTI") == b"+OK\r\n"
    assert raw.call("SET", "a", "1") == b"+QUEUED\r\n"
    assert raw.call("RESET") == b"+RESET\r\n"
    assert raw.call("EXEC") == b"-ERR EXEC without MULTI\r\n"
    assert raw.call("GET", "a") == b"$-1\r\n"
    raw.send_command("CLIENT", "REPLY", "OFF")
    assert raw.call("RESET") == b"+RESET\r\n"
    assert raw.call("PING") == b"+PONG\r\n"


def test_reset_arity(raw):
    assert raw.call("RESET", "x") == b"-ERR wrong number of arguments for 'reset' command\r\n"
