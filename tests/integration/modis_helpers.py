"""Helpers for the Modis integration tests: starting a server, raw sockets,
a minimal RESP2/RESP3 reply reader and client.

conftest.py turns these into fixtures; tests may also import them directly
(``from modis_helpers import ReplyError``).
"""

import functools
import os
import shlex
import shutil
import signal
import socket
import subprocess
import tempfile
import time

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
REDIS_BIN = "/usr/bin/redis-server"  # the reference server (Debian's 7.0)

# Arguments every test server gets after the config file.  The two
# enable-*-command directives are standard redis.conf directives (Redis 7.0
# refuses DEBUG and MODULE otherwise).
BASE_ARGS = [
    "--save", "",
    "--appendonly", "no",
    "--bind", "127.0.0.1",
    "--enable-debug-command", "yes",
    "--enable-module-command", "yes",
]

DEFAULT = object()  # "use the default config file" marker


def server_binary():
    return os.environ.get("MODIS_SERVER") or os.path.join(REPO, "host", "modis-server")


def default_conf():
    """The config path from MODIS_CONF (empty = none), else <repo>/modis.conf
    when it exists."""
    if "MODIS_CONF" in os.environ:
        return os.environ["MODIS_CONF"] or None
    path = os.path.join(REPO, "modis.conf")
    return path if os.path.exists(path) else None


@functools.lru_cache(maxsize=None)
def target_is_redis():
    """True when the suite runs against a real redis-server rather than Modis.
    MODIS_TARGET=redis|modis decides; otherwise the binary's name, and for a
    name that says neither, its --version output."""
    forced = os.environ.get("MODIS_TARGET", "").strip().lower()
    if forced in ("redis", "modis"):
        return forced == "redis"
    binary = server_binary()
    name = os.path.basename(binary).lower()
    if "modis" in name:
        return False
    if "redis" in name:
        return True
    try:
        out = subprocess.run([binary, "--version"], stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, timeout=5).stdout.lower()
    except (OSError, subprocess.SubprocessError):
        return False
    return b"modis" not in out and b"redis server" in out


def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


# --------------------------------------------------------------------------
# RESP reading
# --------------------------------------------------------------------------

class Incomplete(Exception):
    """The buffer does not hold a complete reply yet."""


class ReplyError(Exception):
    """An error reply (-ERR ... or !<len> blob error). str(e) is the text
    without the leading '-' and trailing CRLF."""

    def __init__(self, text):
        super().__init__(text)
        self.text = text

    def __eq__(self, other):
        return isinstance(other, ReplyError) and other.text == self.text

    def __hash__(self):
        return hash(self.text)

    def __repr__(self):
        return "ReplyError(%r)" % self.text


class Verbatim(bytes):
    """RESP3 verbatim string; the bytes are the payload, .format e.g. 'txt'."""
    format = None


class Push(list):
    """RESP3 push message (>)."""


def _line(buf, pos):
    end = buf.find(b"\r\n", pos)
    if end < 0:
        raise Incomplete()
    return buf[pos:end], end + 2


def parse_reply(buf, pos=0):
    """Parse one reply starting at buf[pos]. Returns (value, end_pos).
    Raises Incomplete if more bytes are needed, ValueError on garbage."""
    if pos >= len(buf):
        raise Incomplete()
    t = buf[pos:pos + 1]
    line, nxt = _line(buf, pos + 1)
    if t == b"+":
        return line.decode("utf-8", "replace"), nxt
    if t == b"-":
        return ReplyError(line.decode("utf-8", "replace")), nxt
    if t == b":":
        return int(line), nxt
    if t == b"(":
        return int(line), nxt
    if t == b"_":
        return None, nxt
    if t == b"#":
        return line == b"t", nxt
    if t == b",":
        s = line.decode().lower()
        return float(s), nxt
    if t in (b"$", b"=", b"!"):
        n = int(line)
        if n < 0:
            return None, nxt
        if len(buf) < nxt + n + 2:
            raise Incomplete()
        data = bytes(buf[nxt:nxt + n])
        if buf[nxt + n:nxt + n + 2] != b"\r\n":
            raise ValueError("bulk not terminated by CRLF")
        end = nxt + n + 2
        if t == b"!":
            return ReplyError(data.decode("utf-8", "replace")), end
        if t == b"=":
            v = Verbatim(data[4:])
            v.format = data[:3].decode()
            return v, end
        return data, end
    if t in (b"*", b"~", b">"):
        n = int(line)
        if n < 0:
            return None, nxt
        items = []
        for _ in range(n):
            v, nxt = parse_reply(buf, nxt)
            items.append(v)
        if t == b">":
            return Push(items), nxt
        if t == b"~":
            try:
                return set(items), nxt
            except TypeError:
                return items, nxt
        return items, nxt
    if t in (b"%", b"|"):
        n = int(line)
        pairs = []
        for _ in range(n):
            k, nxt = parse_reply(buf, nxt)
            v, nxt = parse_reply(buf, nxt)
            pairs.append((k, v))
        if t == b"|":  # attribute: ignore it, return the reply that follows
            return parse_reply(buf, nxt)
        try:
            return dict(pairs), nxt
        except TypeError:
            return pairs, nxt
    raise ValueError("unknown RESP type byte %r at %d in %r" % (t, pos, bytes(buf[:200])))


def encode_command(*args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        if isinstance(a, str):
            a = a.encode()
        elif isinstance(a, (int, float)):
            a = str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


class RawConn:
    """A raw TCP connection: send bytes, read exactly one complete reply as
    the bytes the server sent, or read until the server closes."""

    def __init__(self, port, host="127.0.0.1", timeout=10.0):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.timeout = timeout
        self.buf = bytearray()
        self.eof = False

    # -- writing
    def send(self, data):
        if isinstance(data, str):
            data = data.encode()
        self.sock.sendall(data)

    def send_command(self, *args):
        self.send(encode_command(*args))

    # -- reading
    def _fill(self, timeout=None):
        self.sock.settimeout(self.timeout if timeout is None else timeout)
        try:
            chunk = self.sock.recv(65536)
        except ConnectionResetError:
            chunk = b""
        if not chunk:
            self.eof = True
            return False
        self.buf += chunk
        return True

    def _read_one(self, timeout=None):
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        while True:
            try:
                value, end = parse_reply(self.buf, 0)
                raw = bytes(self.buf[:end])
                del self.buf[:end]
                return value, raw
            except Incomplete:
                pass
            if self.eof:
                raise ConnectionError("connection closed; partial data %r" % bytes(self.buf))
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no complete reply; got %r" % bytes(self.buf))
            try:
                self._fill(left)
            except socket.timeout:
                raise TimeoutError("no complete reply; got %r" % bytes(self.buf))

    def read_reply(self, timeout=None):
        """Exactly one complete reply, as raw bytes."""
        return self._read_one(timeout)[1]

    def read_value(self, timeout=None):
        """Exactly one complete reply, parsed (errors returned, not raised)."""
        return self._read_one(timeout)[0]

    def call(self, *args):
        """Send a command in RESP and return its raw reply bytes."""
        self.send_command(*args)
        return self.read_reply()

    def read_until_close(self, timeout=None):
        """Everything the server sends until it closes the connection.
        Raises TimeoutError if it does not close in time."""
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        while not self.eof:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("server did not close; got %r" % bytes(self.buf))
            try:
                self._fill(left)
            except socket.timeout:
                raise TimeoutError("server did not close; got %r" % bytes(self.buf))
        data = bytes(self.buf)
        self.buf.clear()
        return data

    def read_available(self, wait=0.2):
        """Whatever arrives within `wait` seconds (b'' if nothing)."""
        deadline = time.monotonic() + wait
        while not self.eof:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            try:
                if not self._fill(left):
                    break
            except socket.timeout:
                break
        data = bytes(self.buf)
        self.buf.clear()
        return data

    def is_closed(self, wait=1.0):
        """True if the server closed the connection within `wait` seconds
        (any pending bytes are kept in the buffer)."""
        deadline = time.monotonic() + wait
        while not self.eof:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            try:
                self._fill(left)
            except socket.timeout:
                return False
        return True

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


class RespClient:
    """Tiny RESP2/RESP3 client without any reply post-processing: replies come
    back as parsed by parse_reply (bytes, str for simple strings, int, float,
    None, list, dict, set, bool, Push). Error replies are raised as
    ReplyError. With proto=3 it sends HELLO 3 on connect."""

    def __init__(self, port, proto=2, host="127.0.0.1", timeout=10.0):
        self.conn = RawConn(port, host, timeout)
        self.hello = None
        if proto == 3:
            self.hello = self.execute("HELLO", "3")

    def execute(self, *args):
        self.conn.send_command(*args)
        v = self.conn.read_value()
        if isinstance(v, ReplyError):
            raise v
        return v

    __call__ = execute

    def pipeline(self, *commands):
        """Send many commands in one write; return replies (errors as values)."""
        self.conn.send(b"".join(encode_command(*c) for c in commands))
        return [self.conn.read_value() for _ in commands]

    def read(self, timeout=None):
        v = self.conn.read_value(timeout)
        if isinstance(v, ReplyError):
            raise v
        return v

    def close(self):
        self.conn.close()


def parse_info(text):
    """INFO text -> {field: value-string}; section headers are dropped."""
    if isinstance(text, bytes):
        text = text.decode()
    out = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        k, _, v = line.partition(":")
        out[k] = v
    return out


# --------------------------------------------------------------------------
# Server process
# --------------------------------------------------------------------------

class Server:
    """One server process on a free port in a fresh temp dir, or in `dir`
    when given (a restart on the same data: the caller owns that dir, stop()
    leaves it in place)."""

    registry = []  # running servers, for logs in failure reports

    def __init__(self, extra_args=(), conf=DEFAULT, binary=None, dir=None):
        self.binary = binary or server_binary()
        self.conf = default_conf() if conf is DEFAULT else conf
        self.extra_args = [str(a) for a in extra_args]
        self.own_dir = dir is None
        self.dir = dir
        self.port = None
        self.proc = None
        self.log_path = None
        self.expected_exit = False

    # -- lifecycle
    def command_line(self):
        args = [self.binary]
        if self.conf:
            args.append(self.conf)
        args += ["--port", str(self.port), "--dir", self.dir]
        args += BASE_ARGS + self.extra_args
        return args

    def start(self, timeout=15.0, port=None):
        """Start on a free port, or on `port` (a restart where its replicas
        expect it)."""
        if not os.path.exists(self.binary):
            raise RuntimeError("server binary %s not found (set MODIS_SERVER)" % self.binary)
        if self.own_dir:
            self.dir = tempfile.mkdtemp(prefix="modis-it-")
        self.log_path = os.path.join(self.dir, "server.log")
        last_err = None
        for _attempt in range(5):
            self.port = port or free_port()
            self.expected_exit = False
            with open(self.log_path, "ab") as log:
                log.write(("--- %s\n" % " ".join(shlex.quote(a) for a in self.command_line())).encode())
                log.flush()
                self.proc = subprocess.Popen(self.command_line(), stdout=log, stderr=subprocess.STDOUT,
                                             stdin=subprocess.DEVNULL, cwd=self.dir)
            try:
                self._wait_ready(timeout)
                Server.registry.append(self)
                return self
            except RuntimeError as e:
                last_err = e
                if "in use" not in self.log():
                    break
        raise last_err

    def _wait_ready(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("server exited with %s before answering PING; log:\n%s"
                                   % (self.proc.returncode, self.log()))
            try:
                c = RawConn(self.port, timeout=1.0)
                try:
                    reply = c.call("PING")
                finally:
                    c.close()
                if reply == b"+PONG\r\n" or reply.startswith(b"-NOAUTH"):
                    return
            except (OSError, TimeoutError, ConnectionError):
                pass
            time.sleep(0.05)
        self.kill()
        raise RuntimeError("server did not answer PING within %ss; log:\n%s" % (timeout, self.log()))

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def kill(self):
        """Stop the process (SIGTERM, then SIGKILL)."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.expected_exit = True
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)

    def stop(self, keep_dir=False):
        """Stop the server and drop its directory. A sanitizer report in its
        log (a server built with --enable-asan) fails the caller."""
        self.kill()
        if self in Server.registry:
            Server.registry.remove(self)
        report = self.sanitizer_report()
        if not keep_dir and self.own_dir and self.dir:
            shutil.rmtree(self.dir, ignore_errors=True)
        if report:
            raise AssertionError("sanitizer report in the server log:\n" + report)

    def sanitizer_report(self):
        """The AddressSanitizer/UBSan report lines of the log, or ''."""
        lines = self.log().splitlines()
        for i, line in enumerate(lines):
            if ("ERROR: AddressSanitizer" in line or "ERROR: LeakSanitizer" in line
                    or ": runtime error: " in line):
                return "\n".join(lines[i:i + 40])
        return ""

    def log(self, tail=None):
        try:
            with open(self.log_path, "rb") as f:
                text = f.read().decode("utf-8", "replace")
        except (OSError, TypeError):
            return ""
        if tail:
            text = "\n".join(text.splitlines()[-tail:])
        return text

    # -- clients
    def client(self, **kw):
        import redis
        kw.setdefault("socket_timeout", 10)
        return redis.Redis(host="127.0.0.1", port=self.port, **kw)

    def raw(self, timeout=10.0):
        return RawConn(self.port, timeout=timeout)

    def resp(self, proto=2):
        return RespClient(self.port, proto=proto)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    def __repr__(self):
        return "<Server %s port=%s dir=%s>" % (os.path.basename(self.binary), self.port, self.dir)


def start_reference(extra_args=()):
    """A started reference redis-server (no config file) in a temp dir of
    its own; skips the calling test when it is not installed."""
    if not os.path.exists(REDIS_BIN):
        import pytest
        pytest.skip("reference %s is not installed" % REDIS_BIN)
    return Server(extra_args, conf=None, binary=REDIS_BIN).start()


def error_of(client, *args):
    """Run a command that must fail on a RespClient; return the full error
    text including its prefix, e.g. 'ERR syntax error'."""
    try:
        v = client.execute(*args)
    except ReplyError as e:
        return e.text
    raise AssertionError("%r did not fail, replied %r" % (args, v))


# ---------------------------------------------------------------------------
# Blocked clients (BLPOP, BZPOPMIN, XREAD BLOCK, ...)

def blocked_count(r):
    """INFO clients' blocked_clients, as an int."""
    return int(r.info("clients")["blocked_clients"])


def wait_blocked(r, n, timeout=5.0):
    """Wait until exactly n clients are blocked; AssertionError after timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if blocked_count(r) == n:
            return
        time.sleep(0.005)
    raise AssertionError("expected %d blocked clients, INFO says %d" % (n, blocked_count(r)))


def block(r, c, *cmd, expect=None):
    """Send cmd on the RespClient c and wait until one more client is
    blocked (or, with expect, until expect clients are)."""
    before = blocked_count(r) if expect is None else expect - 1
    c.conn.send_command(*cmd)
    wait_blocked(r, before + 1)


def start_busy_call(srv, killer, *command):
    """Send `command` (an EVAL or FCALL that runs past busy-reply-threshold)
    on a new raw connection; returns (that connection, another client
    connected before it started) once the other gets Redis's -BUSY text
    naming `killer` (SCRIPT or FUNCTION)."""
    other = srv.resp()
    other.execute("PING")
    c = RawConn(srv.port)
    c.send_command(*command)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            other.execute("PING")
        except ReplyError as e:
            assert e.text == ("BUSY Redis is busy running a script. You can only call "
                              "%s KILL or SHUTDOWN NOSAVE." % killer)
            return c, other
        time.sleep(0.02)
    raise AssertionError("%r never became busy" % (command,))
