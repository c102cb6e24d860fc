"""Fixtures for the Modis integration suite.

The target server is <repo>/host/modis-server started with <repo>/modis.conf;
MODIS_SERVER overrides the binary, MODIS_CONF the config path (empty = none),
MODIS_TARGET=redis|modis the target detection (default: by binary name).
Run against the reference server with:

    MODIS_SERVER=/usr/bin/redis-server MODIS_CONF= python3 -m pytest tests/integration

Fixtures:
  server        the shared server (session scope; restarted if a test kills it)
  r             redis.Redis on db 0, decode_responses=False, after FLUSHALL
  r2 / r3       RespClient speaking RESP2 / RESP3 (HELLO 3), replies unprocessed
  raw           RawConn: raw socket, send bytes, read one reply / until close
  start_server  factory: start_server(extra_args, conf=...) -> own Server,
                stopped when the test ends
  restore_config  restore_config(name, ...) restores those config values of
                the shared server at the end of the test
  is_modis      True when the target is not redis-server
  nonstring     nonstring(key) creates a key of a non-string type (list, set,
                hash or zset: whichever is loaded), or skips the test
  ref           redis.Redis on the reference redis-server (/usr/bin/redis-server,
                one per test module), flushed; skips when it is not installed
Marker: @pytest.mark.modis_only, skipped when the target is redis-server.
"""

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))

from modis_helpers import (  # noqa: E402
    DEFAULT, RawConn, ReplyError, RespClient, Server, start_reference, target_is_redis,
)


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "modis_only: Modis-specific behaviour or a feature Redis 7.0 lacks; "
        "skipped when the target is redis-server")


def pytest_collection_modifyitems(config, items):
    if not target_is_redis():
        return
    skip = pytest.mark.skip(reason="modis_only: target is redis-server")
    for item in items:
        if "modis_only" in item.keywords:
            item.add_marker(skip)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    if rep.failed:
        for srv in list(Server.registry):
            rep.sections.append(("server log %s" % srv, srv.log(tail=60)))


@pytest.fixture(scope="session")
def is_modis():
    return not target_is_redis()


class _SharedServer:
    """Holds the session server; replaces it if it died."""

    def __init__(self):
        self.srv = Server().start()
        self.dead_logs = []

    def ensure(self):
        if not self.srv.alive():
            log = self.srv.log(tail=80)
            self.srv.stop(keep_dir=True)
            self.dead_logs.append(log)
            self.srv = Server().start()
        return self.srv

    def close(self):
        srv = self.srv
        died = not srv.alive()
        srv.stop(keep_dir=died)
        if died or self.dead_logs:
            sys.stderr.write("\n=== server died during the run; last log ===\n%s\n"
                             % (srv.log(tail=80) if died else self.dead_logs[-1]))


@pytest.fixture(scope="session")
def _shared():
    s = _SharedServer()
    yield s
    s.close()


@pytest.fixture
def server(_shared):
    """The shared server, flushed, checked alive after the test."""
    srv = _shared.ensure()
    c = RespClient(srv.port)
    try:
        c.execute("FLUSHALL")
    finally:
        c.close()
    yield srv
    if not srv.alive():
        pytest.fail("server died during this test (exit code %s); log:\n%s"
                    % (srv.proc.returncode, srv.log(tail=80)))


@pytest.fixture
def r(server):
    client = server.client(db=0, decode_responses=False)
    yield client
    client.close()


@pytest.fixture
def r2(server):
    c = RespClient(server.port, proto=2)
    yield c
    c.close()


@pytest.fixture
def r3(server):
    c = RespClient(server.port, proto=3)
    yield c
    c.close()


@pytest.fixture
def raw(server):
    c = RawConn(server.port)
    yield c
    c.close()


@pytest.fixture
def start_server():
    started = []

    def start(extra_args=(), conf=DEFAULT):
        srv = Server(extra_args, conf=conf)
        started.append(srv)
        return srv.start()

    yield start
    errors = []
    for srv in started:
        try:
            srv.stop()
        except AssertionError as e:  # a sanitizer report: stop the rest first
            errors.append(e)
    if errors:
        raise errors[0]


@pytest.fixture
def restore_config(server):
    """restore_config(name, ...) remembers the shared server's current values
    and puts them back when the test ends."""
    saved = []

    def remember(*names):
        c = RespClient(server.port)
        try:
            for name in names:
                saved.append((name, c.execute("CONFIG", "GET", name)[1]))
        finally:
            c.close()

    yield remember
    if saved and server.alive():
        c = RespClient(server.port)
        try:
            for name, value in reversed(saved):
                c.execute("CONFIG", "SET", name, value)
        finally:
            c.close()


class NonString:
    """A key holding a non-string value (created by whichever type module is
    loaded), for WRONGTYPE and TYPE checks."""

    def __init__(self, key, type_name):
        self.key = key
        self.type = type_name


_NONSTRING_MAKERS = [
    ("list", ("RPUSH", "{key}", "x")),
    ("set", ("SADD", "{key}", "x")),
    ("hash", ("HSET", "{key}", "f", "x")),
    ("zset", ("ZADD", "{key}", "1", "x")),
]


@pytest.fixture
def nonstring(server):
    """Factory: nonstring(key='nonstring') -> NonString; skips the test when
    no module for a non-string type is loaded."""
    c = RespClient(server.port)

    def make(key="nonstring"):
        for type_name, cmd in _NONSTRING_MAKERS:
            try:
                c.execute(*[a.format(key=key) for a in cmd])
                return NonString(key, type_name)
            except ReplyError as e:
                if not e.text.startswith("ERR unknown command"):
                    raise
        pytest.skip("no non-string data type is loaded")

    yield make
    c.close()


@pytest.fixture(scope="module")
def ref_server():
    """The reference redis-server of a test module."""
    srv = start_reference()
    yield srv
    srv.stop()


@pytest.fixture
def ref(ref_server):
    """A redis-py client on the reference redis-server, flushed."""
    c = ref_server.client(decode_responses=False)
    c.flushall()
    yield c
    c.close()


@pytest.fixture
def clients(server):
    """clients(n=1, proto=2) -> n fresh RespClient connections (one, not a
    list, when n is 1), closed at the end of the test."""
    made = []

    def make(n=1, proto=2):
        new = [RespClient(server.port, proto=proto) for _ in range(n)]
        made.extend(new)
        return new if n > 1 else new[0]

    yield make
    for c in made:
        c.close()


@pytest.fixture
def closing():
    """closing(server): stop that server at the end of the test (tests that
    start their own servers, such as the replication ones)."""
    servers = []
    yield servers.append
    for s in servers:
        s.stop()
