"""The SDK 1.2 building blocks through a running server, with the test
module tests/modules/sdkblocks.c:

- doubles: md_reply_double (RESP2 bulk, RESP3 double) prints what Redis
  7.4 prints (d2string: Grisu2 shortest digits, integers up to 2^62 plain).
  Each row is also sent to redis-server 7.0 as ZADD + ZSCORE: where 7.0
  prints the same, the replies must be byte-identical; where it does not
  (7.0 used %.17g), the row is a documented 7.0/7.4 difference and the 7.4
  text is expected. md_parse_double accepts and refuses exactly the scores
  ZADD does, md_arg_score_bound exactly the bounds ZCOUNT does;
- md_range: LRANGE's and GETRANGE's normalisation;
- string, enum and yes/no module parameters: CONFIG GET/SET with Redis's
  error texts, the module's variables following, the config file and
  command line, CONFIG REWRITE.
"""

import os
import shutil

import pytest

from modis_helpers import RawConn, RespClient, Server, error_of

pytestmark = pytest.mark.modis_only

BUILDDIR = os.environ.get("MODIS_BUILDDIR") or os.path.join(
    os.path.dirname(__file__), "..", "..")
REDIS = shutil.which("redis-server")


def module_path():
    path = os.path.join(BUILDDIR, "tests", "modules", ".libs", "sdkblocks.so")
    if not os.path.exists(path):
        pytest.skip("%s not built (the test modules are built by `make check`)" % path)
    return os.path.abspath(path)


@pytest.fixture
def blk(server):
    """The shared server with sdkblocks loaded for the test."""
    c = RespClient(server.port)
    c.execute("MODULE", "LOAD", module_path())
    yield c
    c.execute("MODULE", "UNLOAD", "sdkblocks")
    c.close()


@pytest.fixture(scope="module")
def redis70():
    """A reference redis-server (7.0 on Debian 12), or None."""
    if not REDIS:
        yield None
        return
    srv = Server(["--save", "", "--appendonly", "no"], conf=None, binary=REDIS)
    srv.start()
    yield srv
    srv.stop()


# input as typed -> what Redis 7.4 replies (d2string)
DOUBLES = [
    ("3", "3"), ("1.5", "1.5"), ("-12.75", "-12.75"), ("100", "100"),
    ("inf", "inf"), ("-inf", "-inf"), ("+inf", "inf"), ("-INFINITY", "-inf"),
    ("0.1", "0.1"), ("1.1", "1.1"), ("0.3", "0.3"), ("123.456", "123.456"),
    ("33.3333", "33.3333"), ("12345678.9", "12345678.9"), ("1234567.125", "1234567.125"),
    ("0x1p-3", "0.125"), ("1e15", "1000000000000000"), ("1e16", "10000000000000000"),
    ("1e17", "100000000000000000"), ("-1e17", "-100000000000000000"),
    ("4611686018427387904", "4611686018427387904"),
    ("9223372036854775807", "9223372036854776000"),
    ("123456789012345678901234", "123456789012345690000000"),
    ("1e21", "1e+21"), ("1e22", "1e+22"), ("1e300", "1e+300"),
    ("1.7976931348623157e308", "1.7976931348623157e+308"),
    ("0.000123", "0.000123"), ("2.5e-5", "0.000025"), ("1e-5", "0.00001"),
    ("3.0e-6", "0.000003"), ("1e-7", "1e-7"), ("1.5e-7", "1.5e-7"), ("7e-10", "7e-10"),
    ("-1e-100", "-1e-100"), ("2.2250738585072014e-308", "2.2250738585072014e-308"),
    ("5e-324", "5e-324"),
]


def raw(port, *cmd, proto=2):
    c = RawConn(port)
    try:
        if proto == 3:
            c.send_command("HELLO", "3")
            c.read_reply()
        c.send_command(*cmd)
        return c.read_reply()
    finally:
        c.sock.close()


def resp2(text):
    return b"$%d\r\n%s\r\n" % (len(text), text.encode())


def resp3(text):
    return b",%s\r\n" % text.encode()


def test_double_replies_as_redis_74(server, blk, redis70):
    # -0 keeps its sign (a sorted set's storage may not: not compared)
    assert raw(server.port, "BLK.D2S", "-0") == resp2("-0")
    assert raw(server.port, "BLK.D2S", "-0", proto=3) == resp3("-0")
    differ = []
    for typed, want in DOUBLES:
        got2 = raw(server.port, "BLK.D2S", typed)
        got3 = raw(server.port, "BLK.D2S", typed, proto=3)
        assert (got2, got3) == (resp2(want), resp3(want)), typed
        if redis70 is None:
            continue
        raw(redis70.port, "ZADD", "z", typed, "m")
        ref2 = raw(redis70.port, "ZSCORE", "z", "m")
        ref3 = raw(redis70.port, "ZSCORE", "z", "m", proto=3)
        if ref2 == got2:
            assert ref3 == got3, typed      # shared behaviour: byte for byte
        else:
            differ.append(typed)           # documented 7.0 -> 7.4 change
    if redis70 is not None:
        # The rows where 7.0's %.17g differs from 7.4's shortest form.
        assert differ == [
            "0.1", "1.1", "0.3", "33.3333", "1e17", "-1e17", "4611686018427387904",
            "9223372036854775807", "123456789012345678901234", "1e300", "0.000123",
            "2.5e-5", "1e-5", "3.0e-6", "1e-7", "1.5e-7", "7e-10", "5e-324"]


SCORES = ["1", "-1.5", "inf", "+inf", "-inf", "infinity", "INF", "0x10", "1e308",
          "1e309", "-1e400", "1e-320", "1e-400", "0", "-0", "nan", "NaN", "-nan", "",
          " 1", "1 ", "1x", "+", "--1", "(1", "1e", ".5", "5.", "0." + "0" * 300 + "1",
          "1" + "0" * 300, "1\x002"]


def test_score_parser_accepts_what_zadd_accepts(server, blk, redis70):
    for s in SCORES:
        got = raw(server.port, "BLK.D2S", s)
        if got.startswith(b"-"):
            assert got == b"-ERR value is not a valid float\r\n", repr(s)
        if redis70 is not None:
            ref = raw(redis70.port, "ZADD", "z", s, "m")
            assert ref.startswith(b"-") == got.startswith(b"-"), repr(s)
            if ref.startswith(b"-"):
                assert ref == got, repr(s)


BOUNDS = ["1", "(1", "-inf", "+inf", "(-inf", "inf", "", "(", " 5", "5 ", "1e400",
          "((1", "nan", "(nan", "x", "1x", "1\x00junk", "0x10", "(" + "9" * 300]


def test_score_bounds_as_zcount(server, blk, redis70):
    assert raw(server.port, "BLK.BOUND", "(1.5") == b"*2\r\n$3\r\n1.5\r\n:1\r\n"
    assert raw(server.port, "BLK.BOUND", "-inf") == b"*2\r\n$4\r\n-inf\r\n:0\r\n"
    assert raw(server.port, "BLK.BOUND", "") == b"*2\r\n$1\r\n0\r\n:0\r\n"
    assert raw(server.port, "BLK.BOUND", "1\x00junk") == b"*2\r\n$1\r\n1\r\n:0\r\n"
    assert raw(server.port, "BLK.BOUND", "nan") == b"-ERR min or max is not a float\r\n"
    if redis70 is None:
        return
    raw(redis70.port, "ZADD", "z", "1", "m")
    for b in BOUNDS:
        got = raw(server.port, "BLK.BOUND", b)
        ref = raw(redis70.port, "ZCOUNT", "z", b, "+inf")
        assert ref.startswith(b"-") == got.startswith(b"-"), repr(b)
        if ref.startswith(b"-"):
            assert ref == got, repr(b)


@pytest.mark.parametrize("start,end,length,mode,want", [
    (0, -1, 5, "list", [0, 4]), (-3, -1, 5, "list", [2, 4]), (5, 10, 5, "list", []),
    (3, 1, 5, "list", []), (-100, 2, 5, "list", [0, 2]), (0, -100, 5, "list", []),
    (0, 100, 5, "list", [0, 4]), (0, -1, 0, "list", []),
    (0, -100, 5, "string", [0, 0]), (-100, -99, 5, "string", [0, 0]),
    (-1, -100, 5, "string", []), (1, -100, 5, "string", []), (0, -1, 0, "string", []),
    (-2**63, 2**63 - 1, 5, "string", [0, 4]),
])
def test_md_range(blk, start, end, length, mode, want):
    assert blk.execute("BLK.RANGE", start, end, length, mode) == want


# ---------------------------------------------------------------------------
# String, enum and yes/no parameters
# ---------------------------------------------------------------------------

def config_get(c, name):
    return c.execute("CONFIG", "GET", name)


def test_typed_parameters_defaults_and_set(blk):
    assert config_get(blk, "sdkblocks-*") == [
        b"sdkblocks-name", b"alpha", b"sdkblocks-mode", b"safe",
        b"sdkblocks-verbose", b"no"]
    assert blk.execute("BLK.CONF") == [b"alpha", 1, 0]
    assert blk.execute("CONFIG", "SET", "sdkblocks-name", "hello world",
                       "sdkblocks-mode", "PARANOID", "sdkblocks-verbose", "YES") == "OK"
    assert blk.execute("BLK.CONF") == [b"hello world", 2, 1]
    assert config_get(blk, "sdkblocks-mode") == [b"sdkblocks-mode", b"paranoid"]
    assert config_get(blk, "sdkblocks-verbose") == [b"sdkblocks-verbose", b"yes"]
    assert blk.execute("CONFIG", "SET", "sdkblocks-name", "") == "OK"
    assert blk.execute("BLK.CONF")[0] == b""


def test_typed_parameters_errors_change_nothing(blk):
    assert error_of(blk, "CONFIG", "SET", "sdkblocks-mode", "slow") == (
        "ERR CONFIG SET failed (possibly related to argument 'sdkblocks-mode') - "
        "argument(s) must be one of the following: fast, safe, paranoid")
    assert error_of(blk, "CONFIG", "SET", "sdkblocks-verbose", "1") == (
        "ERR CONFIG SET failed (possibly related to argument 'sdkblocks-verbose') - "
        "argument must be 'yes' or 'no'")
    # one bad value undoes the whole command
    assert error_of(blk, "CONFIG", "SET", "sdkblocks-name", "beta",
                    "sdkblocks-verbose", "maybe").endswith("argument must be 'yes' or 'no'")
    assert blk.execute("BLK.CONF") == [b"alpha", 1, 0]


def test_typed_parameters_gone_with_the_module(server):
    c = RespClient(server.port)
    try:
        c.execute("MODULE", "LOAD", module_path())
        c.execute("CONFIG", "SET", "sdkblocks-name", "x")
        c.execute("MODULE", "UNLOAD", "sdkblocks")
        assert config_get(c, "sdkblocks-*") == []
        # loading again starts from the defaults
        c.execute("MODULE", "LOAD", module_path())
        assert c.execute("BLK.CONF") == [b"alpha", 1, 0]
        c.execute("MODULE", "UNLOAD", "sdkblocks")
    finally:
        c.close()


def test_typed_parameters_from_file_and_rewrite(tmp_path, start_server):
    from modis_helpers import default_conf
    base = default_conf()
    conf = tmp_path / "blk.conf"
    conf.write_text((open(base).read() if base else "") +
                    "\nloadmodule %s\nsdkblocks-name \"from file\"\n"
                    "sdkblocks-mode fast\n" % module_path())
    srv = start_server(["--sdkblocks-verbose", "yes"], conf=str(conf))
    c = RespClient(srv.port)
    try:
        assert c.execute("BLK.CONF") == [b"from file", 0, 1]
        assert c.execute("CONFIG", "SET", "sdkblocks-name", 'say "hi"',
                         "sdkblocks-mode", "safe") == "OK"
        assert c.execute("CONFIG", "REWRITE") == "OK"
        text = conf.read_text()
        assert 'sdkblocks-name "say \\"hi\\""\n' in text
        assert "sdkblocks-mode safe\n" in text
        assert "sdkblocks-verbose yes\n" in text
    finally:
        c.close()
    srv2 = start_server([], conf=str(conf))
    c = RespClient(srv2.port)
    try:
        assert c.execute("BLK.CONF") == [b'say "hi"', 1, 1]
    finally:
        c.close()


def test_bad_typed_value_in_file_is_fatal(tmp_path):
    from test_module_config import conf_with, fatal_report
    conf = conf_with(tmp_path, after="loadmodule %s\nsdkblocks-mode turbo\n" % module_path())
    lines = fatal_report(conf)
    assert lines[1] == ">>> 'sdkblocks-mode turbo'"
    assert lines[2] == "argument(s) must be one of the following: fast, safe, paranoid"
