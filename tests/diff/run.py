#!/usr/bin/python3
"""Differential test runner: Modis against a reference redis-server.

Sends the same command scripts (tests/diff/scripts/*.txt) to Modis and to a
real Redis, one command at a time as a RESP multibulk over a raw socket, reads
the exact bytes of each reply and compares them byte for byte. Mismatches are
reported with the script name, line number, command and both replies.

By default both servers are started on free ports in temporary directories:
    Modis:     host/modis-server modis.conf --port P --dir TMP --save ""
    reference: redis-server --port P --dir TMP --save "" --appendonly no
--modis PATH (or $MODIS_SERVER) picks another binary for the Modis side; to
check the runner and the scripts themselves, run reference against reference:
    tests/diff/run.py --modis /usr/bin/redis-server
--modis-addr/--redis-addr HOST:PORT use already running servers instead
(they get FLUSHALLed).

Script format and directives: see tests/diff/README.md. Only the standard
library is used.
"""

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import resp_tree

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
SCRIPTS = HERE / "scripts"

# Reply type bytes, as one-byte bytes objects.
LINE_TYPES = {b"+", b"-", b":", b"_", b",", b"#", b"("}  # one line
BULK_TYPES = {b"$", b"!", b"="}       # length-prefixed: bulk, error, verbatim
AGGR_TYPES = {b"*", b"~", b">", b"%", b"|"}  # array, set, push, map, attribute

PREFIXES = {"sorted", "type", "documented", "scanall", "ignore", "tree", "docs"}
HINTS = {"type": "(compared by type/shape only)",
         "sorted": "(compared as unordered elements)",
         "scanall": "(compared as the sorted union of all SCAN pages)"}
DIRECTIVES = {"resp2", "resp3", "sleep", "requires", "docsmodule"}


class ScriptError(Exception):
    """A script line that cannot be parsed."""


class ProtocolError(Exception):
    """A server sent bytes that are not a valid RESP reply."""


# ---------------------------------------------------------------- replies

class Reply:
    """One parsed reply: its type byte, its exact raw bytes, and for
    aggregates the list of child replies (None for a null aggregate)."""

    __slots__ = ("kind", "raw", "children")

    def __init__(self, kind, raw, children=None):
        self.kind = kind
        self.raw = raw
        self.children = children

    def is_error(self):
        """True for simple and bulk errors."""
        return self.kind in (b"-", b"!")

    def is_null(self):
        """True for RESP2 null bulk/array and the RESP3 null."""
        return self.kind == b"_" or self.raw[1:3] == b"-1"

    def bulk_value(self):
        """The payload of a bulk string reply (bytes)."""
        head, _, rest = self.raw.partition(b"\r\n")
        return rest[:int(head[1:])]


def parse_reply(read_line, read_exact):
    """Read one complete reply with the two reader callbacks and return it
    as a Reply whose raw bytes are exactly what the server sent.

    read_line() returns one line including its CRLF; read_exact(n) returns
    exactly n bytes. An attribute (|) is returned together with the reply it
    annotates, as one Reply of kind b"|"."""
    line = read_line()
    if len(line) < 3 or not line.endswith(b"\r\n"):
        raise ProtocolError("bad reply line %r" % line)
    kind, body = line[:1], line[1:-2]
    if kind in LINE_TYPES:
        return Reply(kind, line)
    if kind not in BULK_TYPES and kind not in AGGR_TYPES:
        raise ProtocolError("unknown reply type in %r" % line)
    try:
        n = int(body)
    except ValueError:
        raise ProtocolError("bad length in %r" % line) from None
    if kind in BULK_TYPES:
        if n < 0:
            return Reply(kind, line)
        data = read_exact(n + 2)
        if data[-2:] != b"\r\n":
            raise ProtocolError("bulk of %d bytes not followed by CRLF" % n)
        return Reply(kind, line + data)
    if n < 0:
        return Reply(kind, line, None)
    count = n * 2 if kind in (b"%", b"|") else n
    children = [parse_reply(read_line, read_exact) for _ in range(count)]
    raw = line + b"".join(c.raw for c in children)
    if kind == b"|":
        annotated = parse_reply(read_line, read_exact)
        children.append(annotated)
        raw += annotated.raw
    return Reply(kind, raw, children)


def decode_reply(data):
    """Parse bytes that must hold exactly one complete reply (used for the
    inline expectations of !documented lines)."""
    pos = 0

    def read_line():
        nonlocal pos
        end = data.find(b"\r\n", pos)
        if end < 0:
            raise ProtocolError("incomplete reply %r" % data)
        line, pos = data[pos:end + 2], end + 2
        return line

    def read_exact(n):
        nonlocal pos
        if pos + n > len(data):
            raise ProtocolError("incomplete reply %r" % data)
        chunk, pos = data[pos:pos + n], pos + n
        return chunk

    reply = parse_reply(read_line, read_exact)
    if pos != len(data):
        raise ProtocolError("trailing bytes after reply %r" % data)
    return reply


def encode_command(args):
    """Encode a list of byte strings as a RESP multibulk request."""
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


def shape(reply):
    """The type structure of a reply without its scalar values: used by
    !type to compare nondeterministic replies (TIME, RANDOMKEY, ...)."""
    if reply.kind in AGGR_TYPES:
        if reply.children is None:
            return (reply.kind, -1)
        return (reply.kind, len(reply.children),
                tuple(shape(c) for c in reply.children))
    if reply.is_null():
        return (reply.kind, -1)
    return (reply.kind,)


def multiset(reply):
    """A comparison key for !sorted: the aggregate's header and its elements
    (key/value pairs for maps) in sorted order. Scalars compare as is."""
    if reply.children is None or reply.kind not in (b"*", b"~", b"%"):
        return reply.raw
    ch = [c.raw for c in reply.children]
    if reply.kind == b"%":
        ch = [ch[i] + ch[i + 1] for i in range(0, len(ch), 2)]
    head = reply.raw[:reply.raw.index(b"\r\n") + 2]
    return head + b"".join(sorted(ch))


# ---------------------------------------------------------------- connection

class Conn:
    """A raw socket connection that sends commands and reads whole replies."""

    def __init__(self, host, port, timeout):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = bytearray()

    def close(self):
        """Close the socket, ignoring errors."""
        try:
            self.sock.close()
        except OSError:
            pass

    def _fill(self):
        """Receive more bytes into the buffer; EOF is an error."""
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("connection closed by server")
        self.buf += chunk

    def read_line(self):
        """Return the next line including CRLF."""
        start = 0
        while True:
            end = self.buf.find(b"\r\n", start)
            if end >= 0:
                line = bytes(self.buf[:end + 2])
                del self.buf[:end + 2]
                return line
            start = max(0, len(self.buf) - 1)
            self._fill()

    def read_exact(self, n):
        """Return exactly n bytes."""
        while len(self.buf) < n:
            self._fill()
        data = bytes(self.buf[:n])
        del self.buf[:n]
        return data

    def call(self, args):
        """Send one command (list of bytes) and return its Reply. RESP3
        push messages (>) that arrive first are kept in front of the reply
        (in its raw bytes). Bytes already received beyond the reply mean the
        server sent more than one reply: a protocol error."""
        self.sock.sendall(encode_command(args))
        reply = parse_reply(self.read_line, self.read_exact)
        while reply.kind == b">":
            nxt = parse_reply(self.read_line, self.read_exact)
            reply = Reply(nxt.kind, reply.raw + nxt.raw, nxt.children)
        if self.buf:
            raise ProtocolError("unexpected bytes after the reply: %r"
                                % bytes(self.buf[:200]))
        return reply


def scan_all(conn, args):
    """Run a SCAN-family command from cursor 0 until the cursor comes back
    to 0 and return a synthetic array Reply of the sorted distinct elements
    (field/value or member/score pairs kept together for HSCAN/ZSCAN). An
    error or unexpected reply is returned as is."""
    name = args[0].upper()
    at = 1 if name == b"SCAN" else 2
    pairs = name in (b"HSCAN", b"ZSCAN")
    seen = set()
    cursor = args[at]
    for _ in range(100000):
        reply = conn.call(args[:at] + [cursor] + args[at + 1:])
        ch = reply.children
        if (reply.kind != b"*" or ch is None or len(ch) != 2
                or ch[0].kind != b"$" or ch[1].children is None):
            return reply
        items = [c.raw for c in ch[1].children]
        if pairs:
            items = [items[i] + items[i + 1] for i in range(0, len(items), 2)]
        seen.update(items)
        cursor = ch[0].bulk_value()
        if cursor == b"0":
            break
    else:
        raise ProtocolError("SCAN cursor never returned to 0")
    elems = sorted(seen)
    count = len(elems) * (2 if pairs else 1)
    return Reply(b"*", b"*%d\r\n" % count + b"".join(elems), [])


# ---------------------------------------------------------------- servers

def free_port():
    """Ask the kernel for a currently free TCP port on localhost."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A server under test: either one we start (binary given) or one that
    is already running (address given)."""

    def __init__(self, name, binary=None, conf=None, extra=(), addr=None):
        self.name = name
        self.binary, self.conf, self.extra = binary, conf, list(extra)
        self.proc = None
        self.tmpdir = None
        if addr:
            host, _, port = addr.rpartition(":")
            self.host, self.port = host or "127.0.0.1", int(port)
        else:
            self.host, self.port = "127.0.0.1", None

    def describe(self):
        """A one-line description for the report header."""
        if self.binary is None:
            return "%s:%d" % (self.host, self.port)
        conf = " " + str(self.conf) if self.conf else ""
        return "%s%s (port %d)" % (self.binary, conf, self.port)

    def start(self, timeout=10.0):
        """Start the server on a free port in a fresh temp dir and wait
        until it answers PING. No-op for servers given by address."""
        if self.binary is None:
            return
        self.tmpdir = tempfile.mkdtemp(prefix="modis-diff-%s-" % self.name)
        last = None
        for _ in range(3):
            self.port = free_port()
            argv = [str(self.binary)]
            if self.conf:
                argv.append(str(self.conf))
            argv += ["--port", str(self.port), "--dir", self.tmpdir,
                     "--save", ""] + self.extra
            log = open(os.path.join(self.tmpdir, "stdout.log"), "ab")
            self.proc = subprocess.Popen(argv, stdout=log,
                                         stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL)
            log.close()
            try:
                self._wait_ready(timeout)
                return
            except RuntimeError as e:
                last = e
                self.stop(keep_dir=True)
        raise RuntimeError("%s: could not start %s: %s\n%s"
                           % (self.name, self.binary, last, self.log_tail()))

    def _wait_ready(self, timeout):
        """Poll with PING until the server replies +PONG."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("exited with status %d"
                                   % self.proc.returncode)
            try:
                c = Conn(self.host, self.port, 1.0)
                try:
                    if c.call([b"PING"]).raw == b"+PONG\r\n":
                        return
                finally:
                    c.close()
            except (OSError, ProtocolError):
                pass
            time.sleep(0.05)
        raise RuntimeError("no PONG within %.0fs" % timeout)

    def log_tail(self, n=20):
        """The last lines of the server's output, for error reports."""
        if not self.tmpdir:
            return ""
        try:
            with open(os.path.join(self.tmpdir, "stdout.log"), "rb") as f:
                lines = f.read().decode("utf-8", "replace").splitlines()
            return "\n".join("    " + s for s in lines[-n:])
        except OSError:
            return ""

    def alive(self):
        """False if we started the server and it has exited."""
        return self.proc is None or self.proc.poll() is None

    def stop(self, keep_dir=False):
        """Stop a server we started and remove its temp dir."""
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.terminate()
                try:
                    self.proc.wait(5)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()
            self.proc = None
        if self.tmpdir and not keep_dir:
            shutil.rmtree(self.tmpdir, ignore_errors=True)
            self.tmpdir = None

    def connect(self, timeout):
        """Open a new connection (fresh client: db 0, RESP2)."""
        return Conn(self.host, self.port, timeout)


def server_identity(server, timeout):
    """(redis_version, redis_git_sha1, redis_build_id) from INFO server, or
    None; used to detect that both sides are the very same Redis build."""
    try:
        c = server.connect(timeout)
        try:
            r = c.call([b"INFO", b"server"])
        finally:
            c.close()
    except (OSError, ProtocolError):
        return None
    if r.kind not in (b"$", b"="):
        return None
    fields = dict(l.split(":", 1) for l in
                  r.bulk_value().decode("utf-8", "replace").splitlines()
                  if ":" in l)
    ident = tuple(fields.get(k) for k in
                  ("redis_version", "redis_git_sha1", "redis_build_id"))
    return ident if all(ident) else None


# ---------------------------------------------------------------- scripts

ESCAPES = {ord("n"): b"\n", ord("r"): b"\r", ord("t"): b"\t",
           ord("b"): b"\b", ord("a"): b"\a"}
HEX = b"0123456789abcdefABCDEF"


def split_args(text):
    """Split a script line into byte-string arguments, with the quoting of
    redis-cli (shell-like): whitespace separates arguments; "double quotes"
    allow \\xNN \\n \\r \\t \\b \\a \\\\ \\" escapes; 'single quotes' are
    literal except \\'; outside quotes every character is literal. A
    closing quote must be followed by whitespace or the end of the line."""
    data = text.encode("utf-8")
    n, i, out = len(data), 0, []
    while True:
        while i < n and data[i] in b" \t":
            i += 1
        if i >= n:
            return out
        cur, quote = bytearray(), None
        while True:
            if quote is None:
                if i >= n or data[i] in b" \t":
                    break
                if data[i] in b"\"'":
                    quote = data[i]
                else:
                    cur.append(data[i])
                i += 1
                continue
            if i >= n:
                raise ScriptError("unbalanced quotes")
            c = data[i]
            if c == quote:
                i += 1
                if i < n and data[i] not in b" \t":
                    raise ScriptError("closing quote must be followed by a "
                                      "space")
                break
            if c == ord("\\") and i + 1 < n:
                nxt = data[i + 1]
                if (quote == ord('"') and nxt == ord("x") and i + 3 < n
                        and data[i + 2] in HEX and data[i + 3] in HEX):
                    cur.append(int(data[i + 2:i + 4], 16))
                    i += 4
                    continue
                if quote == ord('"'):
                    cur += ESCAPES.get(nxt, bytes([nxt]))
                    i += 2
                    continue
                if nxt == ord("'"):
                    cur.append(nxt)
                    i += 2
                    continue
            cur.append(c)
            i += 1
        out.append(bytes(cur))


class Step:
    """One script line: a directive (resp2, resp3, sleep) or a command with
    its comparison modifiers and, for !documented, the expected reply."""

    def __init__(self, lineno, text):
        self.lineno, self.text = lineno, text
        self.directive, self.arg = None, None
        self.mods, self.args, self.expected = set(), [], None
        self.patches = []


def parse_script(path):
    """Parse a script file into a list of Steps; raises ScriptError with
    the line number on malformed lines."""
    steps = []
    with open(path, encoding="utf-8") as f:
        pending, start = "", 0
        for lineno, text in enumerate(f, 1):
            text = text.strip()
            if not pending and (not text or text.startswith("#")):
                continue
            if text.endswith("\\"):
                # A line ending in a backslash continues on the next one.
                pending, start = pending + text[:-1], start or lineno
                continue
            text, lineno = pending + text, start or lineno
            pending, start = "", 0
            try:
                steps.append(parse_line(lineno, text))
            except (ScriptError, ProtocolError, ValueError) as e:
                raise ScriptError("%s:%d: %s" % (path.name, lineno, e))
    return steps


def parse_line(lineno, text):
    """Parse one non-comment script line into a Step."""
    step = Step(lineno, text)
    tokens = split_args(text)
    while tokens and tokens[0].startswith(b"!"):
        word = tokens.pop(0)[1:].decode()
        if word in DIRECTIVES:
            if step.mods:
                raise ScriptError("!%s cannot follow a modifier" % word)
            step.directive = word
            if word == "sleep":
                if len(tokens) != 1:
                    raise ScriptError("usage: !sleep MS")
                step.arg = int(tokens[0])
            elif word == "requires":
                if not tokens:
                    raise ScriptError("usage: !requires COMMAND [COMMAND ...]")
                step.arg = tokens
            elif word == "docsmodule":
                if len(tokens) > 1:
                    raise ScriptError("usage: !docsmodule [MODULE]")
                step.arg = tokens[0].decode() if tokens else None
            elif tokens:
                raise ScriptError("!%s takes no arguments" % word)
            return step
        if word not in PREFIXES:
            raise ScriptError("unknown directive !%s" % word)
        step.mods.add(word)
    if "documented" in step.mods:
        if len(tokens) < 3 or tokens[-2] != b"=>":
            raise ScriptError("!documented needs: COMMAND ... => REPLY")
        step.expected = decode_reply(tokens[-1])
        tokens = tokens[:-2]
    elif b"=>" in tokens:
        if not step.mods & {"tree", "docs"}:
            raise ScriptError("'=>' patches need !tree or !docs")
        at = tokens.index(b"=>")
        try:
            step.patches = [resp_tree.parse_op(t.decode()) for t in tokens[at + 1:]]
        except resp_tree.PatchError as e:
            raise ScriptError(str(e)) from None
        tokens = tokens[:at]
    if not tokens:
        raise ScriptError("empty command")
    if "scanall" in step.mods and (
            tokens[0].upper() not in (b"SCAN", b"SSCAN", b"HSCAN", b"ZSCAN")
            or len(tokens) < (2 if tokens[0].upper() == b"SCAN" else 3)):
        raise ScriptError("!scanall needs SCAN/SSCAN/HSCAN/ZSCAN with a "
                          "cursor")
    step.args = tokens
    return step


# ---------------------------------------------------------------- running

class Runner:
    """Runs scripts against the two servers and keeps the counts."""

    def __init__(self, modis, redis, opts):
        self.modis, self.redis, self.opts = modis, redis, opts
        self.use_reference_for_documented = False
        self.passed = self.failed = self.skipped = 0
        self.docs_module = None

    def report(self, script, step, why, mine, theirs, theirs_label="redis"):
        """Print one mismatch."""
        print("FAIL %s:%d: %s" % (script, step.lineno, step.text))
        if why:
            print("  %s" % why)
        print("  modis: %r" % (mine,))
        print("  %s: %r" % (theirs_label, theirs))

    def compare(self, step, m, r):
        """Compare two replies per the step's modifiers. Returns None when
        not counted, True on match, False on mismatch."""
        if "ignore" in step.mods:
            return None
        if step.args[0].upper() == b"HELLO" and not (m.is_error()
                                                     or r.is_error()):
            # HELLO replies carry server name/version/id: only the type.
            return m.kind == r.kind
        if step.mods & {"tree", "docs"}:
            return self.compare_trees(step, m, r)
        if "type" in step.mods:
            return shape(m) == shape(r)
        if "sorted" in step.mods:
            return multiset(m) == multiset(r)
        return m.raw == r.raw

    def compare_trees(self, step, m, r):
        """!tree/!docs: compare as unordered maps and sets, after the
        reference tree got the line's patches and then, for !docs, the 7.4
        rules; ~PATH and ^PATH apply to both sides. Both the same Redis
        build: only ~PATH and ^PATH apply. Returns True, or a list of the
        differing paths."""
        if m.is_error() or r.is_error():
            return m.raw == r.raw
        same = self.use_reference_for_documented
        try:
            mt, rt = resp_tree.to_tree(m), resp_tree.to_tree(r)
            for op in step.patches:
                if op[0] in ("unordered", "drop"):
                    resp_tree.apply_op(mt, op)
                    resp_tree.apply_op(rt, op)
                elif not same:
                    resp_tree.apply_op(rt, op)
            if "docs" in step.mods:
                resp_tree.docs_rules(mt, False, None)
                resp_tree.docs_rules(rt, not same, None if same else self.docs_module)
        except (resp_tree.PatchError, KeyError, IndexError, TypeError) as e:
            return ["patch does not apply: %s" % e]
        diff = resp_tree.differences(mt, rt)
        return diff or True

    def execute(self, conn, step):
        """Send one command step on conn and return its Reply."""
        if "scanall" in step.mods:
            return scan_all(conn, step.args)
        return conn.call(step.args)

    def ensure_running(self, name):
        """Restart a server we started if it died during an earlier script."""
        for s in (self.modis, self.redis):
            if not s.alive():
                print("NOTE %s: %s server had exited (status %s); restarting"
                      % (name, s.name, s.proc.returncode))
                print(s.log_tail())
                s.stop()
                s.start()

    def missing_commands(self, names):
        """The commands among `names` that the Modis server does not know."""
        if not names:
            return []
        self.ensure_running("requires")
        conn = self.modis.connect(self.opts.timeout)
        try:
            missing = []
            for n in names:
                r = conn.call([b"COMMAND", b"INFO", n])
                if r.raw in (b"*1\r\n$-1\r\n", b"*1\r\n_\r\n"):
                    missing.append(n)
            return missing
        finally:
            conn.close()

    def run_script(self, path):
        """Run one script; print its result line; update the counts."""
        name = path.name
        try:
            steps = parse_script(path)
        except (OSError, ScriptError) as e:
            print("ERROR %s" % e)
            print("%s: 0 passed, 1 failed" % name)
            self.failed += 1
            return
        ncmd = sum(1 for s in steps
                   if s.directive is None and "ignore" not in s.mods)
        needs = [a for s in steps if s.directive == "requires" for a in s.arg]
        missing = self.missing_commands(needs)
        if missing:
            # Honest skip: counted and named, never reported as passed.
            print("%s: 0 passed, 0 failed, %d skipped (needs %s)"
                  % (name, ncmd, " ".join(m.decode() for m in missing)))
            self.skipped += ncmd
            return
        passed = failed = 0
        conns = []
        try:
            self.ensure_running(name)
            conns = [self.modis.connect(self.opts.timeout),
                     self.redis.connect(self.opts.timeout)]
            for c, s in zip(conns, (self.modis, self.redis)):
                r = c.call([b"FLUSHALL"])
                if r.raw != b"+OK\r\n":
                    raise ProtocolError("FLUSHALL on %s: %r" % (s.name, r.raw))
        except (OSError, ProtocolError, RuntimeError) as e:
            print("ERROR %s: setup failed: %s" % (name, e))
            for c in conns:
                c.close()
            self.failed += ncmd
            print("%s: 0 passed, %d failed" % (name, ncmd))
            return
        mc, rc = conns
        done = 0
        self.docs_module = None
        try:
            for step in steps:
                if step.directive == "sleep":
                    time.sleep(step.arg / 1000.0)
                    continue
                if step.directive == "requires":
                    continue
                if step.directive == "docsmodule":
                    self.docs_module = step.arg
                    continue
                if step.directive in ("resp2", "resp3"):
                    ver = step.directive[-1].encode()
                    for c, label in ((mc, "modis"), (rc, "redis")):
                        reply = c.call([b"HELLO", ver])
                        if reply.is_error():
                            print("FAIL %s:%d: !%s: HELLO %s on %s: %r"
                                  % (name, step.lineno, step.directive,
                                     ver.decode(), label, reply.raw))
                            failed += 1
                    continue
                done += "ignore" not in step.mods
                if self.opts.verbose:
                    print("  %s:%d: %s" % (name, step.lineno, step.text))
                if (step.expected is not None
                        and not self.use_reference_for_documented):
                    m = self.execute(mc, step)
                    ok = m.raw == step.expected.raw
                    if not ok:
                        self.report(name, step, None, m.raw,
                                    step.expected.raw, "documented")
                        failed += 1
                    else:
                        passed += 1
                    continue
                m = self.execute(mc, step)
                r = self.execute(rc, step)
                if self.opts.verbose:
                    print("    -> %r" % (r.raw,))
                ok = self.compare(step, m, r)
                if ok is None:
                    continue
                if ok is True:
                    passed += 1
                else:
                    hint = next((HINTS[k] for k in HINTS if k in step.mods),
                                None)
                    mraw, rraw = m.raw, r.raw
                    if isinstance(ok, list):
                        hint = "differs at: " + "; ".join(ok)
                        mraw, rraw = mraw[:300], rraw[:300]
                    self.report(name, step, hint, mraw, rraw)
                    failed += 1
        except (OSError, ProtocolError) as e:
            left = ncmd - done
            print("FAIL %s:%d: %s: %s: %s" % (name, step.lineno,
                                             step.text, type(e).__name__, e))
            print("  script aborted; %d command line(s) not run counted as "
                  "failed" % left)
            failed += 1 + left
        finally:
            for c in conns:
                c.close()
        print("%s: %d passed, %d failed" % (name, passed, failed))
        self.passed += passed
        self.failed += failed


def pick_scripts(names):
    """Resolve script arguments (paths, file names or bare names) to paths;
    default: every scripts/*.txt in name order."""
    if not names:
        return sorted(SCRIPTS.glob("*.txt"))
    out = []
    for n in names:
        p = Path(n)
        for cand in (p, SCRIPTS / n, SCRIPTS / (n + ".txt")):
            if cand.is_file():
                out.append(cand)
                break
        else:
            sys.exit("no such script: %s" % n)
    return out


def main(argv=None):
    """Parse options, start/connect the servers, run the scripts."""
    ap = argparse.ArgumentParser(
        description="Compare Modis replies with redis-server, byte for byte.")
    ap.add_argument("scripts", nargs="*",
                    help="scripts to run (default: tests/diff/scripts/*.txt)")
    ap.add_argument("--modis", default=os.environ.get("MODIS_SERVER"),
                    help="Modis binary (default: $MODIS_SERVER or "
                         "host/modis-server)")
    ap.add_argument("--modis-conf",
                    help="config file for the Modis side ('' for none; "
                         "default: modis.conf when the binary is "
                         "modis-server)")
    ap.add_argument("--redis", help="reference binary (default: "
                                    "redis-server from PATH)")
    ap.add_argument("--modis-addr", metavar="HOST:PORT",
                    help="use a running Modis instead of starting one")
    ap.add_argument("--redis-addr", metavar="HOST:PORT",
                    help="use a running reference instead of starting one")
    ap.add_argument("--documented", choices=("auto", "expected", "reference"),
                    default="auto",
                    help="what !documented lines compare Modis against: the "
                         "inline reply, the reference, or (auto) the inline "
                         "reply unless both sides are the same Redis build")
    ap.add_argument("--skip-if-no-redis", action="store_true",
                    help="exit 0 with '0 passed, 0 failed' when "
                         "redis-server is not installed")
    ap.add_argument("--timeout", type=float, default=10.0,
                    help="seconds to wait for one reply (default 10)")
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="print every line and the reference reply")
    opts = ap.parse_args(argv)

    scripts = pick_scripts(opts.scripts)

    if opts.redis_addr:
        redis = Server("redis", addr=opts.redis_addr)
    else:
        rbin = opts.redis or shutil.which("redis-server")
        if not rbin or not os.access(rbin, os.X_OK):
            print("redis-server is not installed; differential tests "
                  "need it as the reference")
            if opts.skip_if_no_redis:
                print("0 passed, 0 failed")
                return 0
            return 2
        redis = Server("redis", rbin, extra=["--appendonly", "no"])

    if opts.modis_addr:
        modis = Server("modis", addr=opts.modis_addr)
    else:
        mbin = opts.modis or str(REPO / "host" / "modis-server")
        if not os.access(mbin, os.X_OK):
            print("Modis server binary not found: %s (build it first, or "
                  "use --modis / --modis-addr)" % mbin)
            return 2
        conf = opts.modis_conf
        if conf is None:
            default = REPO / "modis.conf"
            use = Path(mbin).name.startswith("modis") and default.is_file()
            conf = str(default) if use else None
        modis = Server("modis", mbin, conf or None)

    try:
        for s in (redis, modis):
            s.start()
        print("modis: %s" % modis.describe())
        print("redis: %s" % redis.describe())
        runner = Runner(modis, redis, opts)
        if opts.documented == "reference":
            runner.use_reference_for_documented = True
        elif opts.documented == "auto":
            mid = server_identity(modis, opts.timeout)
            same = mid is not None and mid == server_identity(redis,
                                                               opts.timeout)
            if same:
                print("note: both sides are the same Redis build; "
                      "!documented lines are compared against the reference")
            runner.use_reference_for_documented = same
        for path in scripts:
            runner.run_script(path)
    except RuntimeError as e:
        print("ERROR %s" % e)
        print("0 passed, 1 failed")
        return 1
    finally:
        modis.stop()
        redis.stop()
    if runner.skipped:
        print("%d passed, %d failed, %d skipped"
              % (runner.passed, runner.failed, runner.skipped))
    else:
        print("%d passed, %d failed" % (runner.passed, runner.failed))
    return 1 if runner.failed else 0


if __name__ == "__main__":
    sys.exit(main())
