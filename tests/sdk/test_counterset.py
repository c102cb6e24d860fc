"""Server-side checks of the example third-party module (sdk/examples/
counterset), run by tests/sdk/run.sh against the built modis-server.

Usage: test_counterset.py PORT PATH_TO_counterset.so

The server is already running on PORT with the default modis.conf; this
loads the module at run time with MODULE LOAD, exercises CS.INCR, CS.GET
and CS.TOP with exact reply bytes (RESP2 and RESP3), the type's host-side
callbacks (TYPE, SCAN TYPE, OBJECT ENCODING, COPY, DEBUG DIGEST-VALUE,
MEMORY USAGE, INFO memory accounting), the module's config parameter and
INFO section, command metadata, WATCH invalidation, and the unload rules
(refused while keys exist, accepted after DEL, loadable again).

Prints one "ok - ..." or "FAIL - ..." line per check.
"""

import socket
import sys

PORT = int(sys.argv[1])
SO = sys.argv[2].encode()
failures = 0


def report(ok, what, detail=""):
    global failures
    print(("ok" if ok else "FAIL") + " - server: " + what +
          ("" if ok else "  [" + detail + "]"))
    sys.stdout.flush()
    if not ok:
        failures += 1


class Conn:
    """One connection: send a command, return the raw bytes of one reply."""

    def __init__(self):
        self.s = socket.create_connection(("127.0.0.1", PORT), timeout=10)
        self.buf = b""

    def _need(self, n):
        while len(self.buf) < n:
            chunk = self.s.recv(65536)
            if not chunk:
                raise ConnectionError("server closed the connection")
            self.buf += chunk

    def _line_end(self, pos):
        while True:
            i = self.buf.find(b"\r\n", pos)
            if i >= 0:
                return i
            self._need(len(self.buf) + 1)

    def _skip(self, pos):
        """Position just past the reply starting at pos."""
        end = self._line_end(pos)
        kind, head = self.buf[pos:pos + 1], self.buf[pos + 1:end]
        pos = end + 2
        if kind in b"$=!":
            n = int(head)
            if n < 0:
                return pos
            self._need(pos + n + 2)
            return pos + n + 2
        if kind in b"*~>%|":
            n = int(head)
            if kind in b"%|":
                n *= 2
            for _ in range(max(n, 0)):
                pos = self._skip(pos)
            return pos
        return pos  # + - : , _ # (

    def raw(self, *args):
        out = b"*%d\r\n" % len(args)
        for a in args:
            a = a if isinstance(a, bytes) else str(a).encode()
            out += b"$%d\r\n%s\r\n" % (len(a), a)
        self.s.sendall(out)
        self._need(1)
        end = self._skip(0)
        reply, self.buf = self.buf[:end], self.buf[end:]
        return reply


def bulk(s):
    s = s if isinstance(s, bytes) else s.encode()
    return b"$%d\r\n%s\r\n" % (len(s), s)


def arr(*items):
    return b"*%d\r\n" % len(items) + b"".join(items)


def num(n):
    return b":%d\r\n" % n


def err(text):
    return b"-" + text.encode() + b"\r\n"


NULL2 = b"$-1\r\n"
OK = b"+OK\r\n"


def expect(c, args, want, what=None):
    got = c.raw(*args)
    report(got == want, what or " ".join(str(a) for a in args), "got %r want %r" % (got, want))
    return got


def info_field(c, section, name):
    text = c.raw("INFO", section)
    body = text.split(b"\r\n", 1)[1]
    for line in body.split(b"\r\n"):
        if line.startswith(name.encode() + b":"):
            return line.split(b":", 1)[1]
    return None


def bulk_text(reply):
    """The payload of a $ or = reply."""
    head, rest = reply.split(b"\r\n", 1)
    return rest[:int(head[1:])]


def main():
    c = Conn()
    other = Conn()

    # -- loading -----------------------------------------------------------
    expect(c, ["MODULE", "LOAD", SO], OK, "MODULE LOAD at run time")
    got = c.raw("MODULE", "LIST")
    report(b"counterset" in got and SO in got, "MODULE LIST shows counterset and its path", repr(got))
    got = c.raw("MODULE", "LOAD", SO)
    report(got == err("ERR Error loading the extension: module 'counterset' is already loaded"),
           "a second MODULE LOAD is refused", repr(got))

    # -- commands, RESP2 -----------------------------------------------------
    expect(c, ["CS.INCR", "k", "a"], num(1))
    expect(c, ["CS.INCR", "k", "b", "5"], num(5))
    expect(c, ["CS.INCR", "k", "c", "3"], num(3))
    expect(c, ["CS.INCR", "k", "a", "10"], num(11))
    expect(c, ["CS.INCR", "k", b"\x00bin\xff", "2"], num(2), "CS.INCR with a binary member")
    expect(c, ["CS.GET", "k", "a"], num(11))
    expect(c, ["CS.GET", "k", b"\x00bin\xff"], num(2), "CS.GET binary member")
    expect(c, ["CS.GET", "k", "zz"], NULL2)
    expect(c, ["CS.GET", "nokey", "a"], NULL2)
    expect(c, ["CS.TOP", "k", "2"], arr(bulk("a"), num(11), bulk("b"), num(5)))
    expect(c, ["CS.TOP", "k", "100"],
           arr(bulk("a"), num(11), bulk("b"), num(5), bulk("c"), num(3),
               bulk(b"\x00bin\xff"), num(2)))
    expect(c, ["CS.TOP", "k", "0"], b"*0\r\n")
    expect(c, ["CS.TOP", "nokey", "5"], b"*0\r\n")
    # ties: same count -> member order
    expect(c, ["CS.INCR", "t", "y", "2"], num(2))
    expect(c, ["CS.INCR", "t", "x", "2"], num(2))
    expect(c, ["CS.TOP", "t", "9"], arr(bulk("x"), num(2), bulk("y"), num(2)),
           "CS.TOP breaks ties by member")

    # -- RESP3 ----------------------------------------------------------------
    r3 = Conn()
    r3.raw("HELLO", "3")
    expect(r3, ["CS.TOP", "k", "2"],
           b"*2\r\n" + arr(bulk("a"), num(11)) + arr(bulk("b"), num(5)),
           "CS.TOP in RESP3: array of [member, count] pairs")
    expect(r3, ["CS.GET", "k", "zz"], b"_\r\n", "CS.GET missing member in RESP3: null")

    # -- errors: nothing changes -------------------------------------------
    expect(c, ["CS.INCR", "k", "a", "0"], err("ERR value is out of range, must be positive"))
    expect(c, ["CS.INCR", "k", "a", "-3"], err("ERR value is out of range, must be positive"))
    expect(c, ["CS.INCR", "k", "a", "x"], err("ERR value is not an integer or out of range"))
    expect(c, ["CS.INCR", "k", "a", "1", "CAPACITY"], err("ERR syntax error"))
    expect(c, ["CS.INCR", "k", "a", "1", "FOO", "2"], err("ERR syntax error"))
    expect(c, ["CS.INCR", "k", "a", "1", "CAPACITY", "2", "x"], err("ERR syntax error"))
    expect(c, ["CS.INCR", "n", "a", "CAPACITY", "0"], err("ERR CAPACITY must be between 1 and 10000"))
    expect(c, ["CS.INCR", "n", "a", "CAPACITY", "10001"], err("ERR CAPACITY must be between 1 and 10000"))
    expect(c, ["CS.INCR", "k"], err("ERR wrong number of arguments for 'cs.incr' command"))
    expect(c, ["CS.GET", "k"], err("ERR wrong number of arguments for 'cs.get' command"))
    expect(c, ["CS.TOP", "k", "1", "2"], err("ERR wrong number of arguments for 'cs.top' command"))
    expect(c, ["CS.TOP", "k", "-1"], err("ERR value is out of range, must be positive"))
    expect(c, ["CS.TOP", "k", "x"], err("ERR value is not an integer or out of range"))
    expect(c, ["CS.GET", "k", "a"], num(11), "no error changed the set")
    expect(c, ["EXISTS", "n"], num(0), "a failed CS.INCR created no key")
    wrongtype = err("WRONGTYPE Operation against a key holding the wrong kind of value")
    expect(c, ["SET", "s", "x"], OK)
    expect(c, ["CS.INCR", "s", "a"], wrongtype, "CS.INCR on a string: WRONGTYPE")
    expect(c, ["CS.GET", "s", "a"], wrongtype, "CS.GET on a string: WRONGTYPE")
    expect(c, ["CS.TOP", "s", "1"], wrongtype, "CS.TOP on a string: WRONGTYPE")
    expect(c, ["GET", "k"], wrongtype, "GET on a countset: WRONGTYPE")
    # overflow
    expect(c, ["CS.INCR", "o", "m", "9223372036854775806"], num(9223372036854775806))
    expect(c, ["CS.INCR", "o", "m", "2"], err("ERR increment or decrement would overflow"))
    expect(c, ["CS.GET", "o", "m"], num(9223372036854775806), "overflow left the count unchanged")

    # -- bounded: Space-Saving eviction ------------------------------------
    ev0 = int(info_field(c, "counterset", "counterset_evictions") or -1)
    expect(c, ["CS.INCR", "b", "x", "5", "CAPACITY", "2"], num(5))
    expect(c, ["CS.INCR", "b", "y", "3"], num(3))
    expect(c, ["CS.INCR", "b", "z"], num(4), "a new member in a full set takes min + increment")
    expect(c, ["CS.TOP", "b", "10"], arr(bulk("x"), num(5), bulk("z"), num(4)),
           "the lowest member was evicted")
    expect(c, ["CS.GET", "b", "y"], NULL2)
    expect(c, ["CS.INCR", "b", "x", "1", "CAPACITY", "9"], num(6),
           "CAPACITY only applies when the key is created")
    expect(c, ["CS.INCR", "b", "w"], num(5), "capacity still 2 after CAPACITY on an existing key")
    ev1 = int(info_field(c, "counterset", "counterset_evictions") or -1)
    report(ev1 == ev0 + 2, "INFO counterset counts evictions", "%r -> %r" % (ev0, ev1))

    # -- the config parameter ----------------------------------------------
    expect(c, ["CONFIG", "GET", "countset-capacity"],
           arr(bulk("countset-capacity"), bulk("100")), "CONFIG GET countset-capacity")
    expect(c, ["CONFIG", "SET", "countset-capacity", "1"], OK)
    expect(c, ["CS.INCR", "c1", "a"], num(1))
    expect(c, ["CS.INCR", "c1", "b"], num(2))
    expect(c, ["CS.TOP", "c1", "5"], arr(bulk("b"), num(2)), "new keys use countset-capacity")
    got = c.raw("CONFIG", "SET", "countset-capacity", "0")
    report(got.startswith(b"-ERR"), "CONFIG SET countset-capacity 0 is refused", repr(got))
    expect(c, ["CONFIG", "SET", "countset-capacity", "100"], OK)
    report(info_field(c, "counterset", "counterset_capacity") == b"100",
           "INFO counterset shows the capacity")

    # -- type callbacks reachable through the host ------------------------
    expect(c, ["TYPE", "k"], b"+countset\r\n", "TYPE shows the type's display name")
    got = c.raw("SCAN", "0", "TYPE", "countset", "COUNT", "1000")
    keys = set(got.split(b"\r\n")[5::2]) - {b""}
    report(keys == {b"k", b"t", b"o", b"b", b"c1"}, "SCAN ... TYPE countset", repr(got))
    expect(c, ["OBJECT", "ENCODING", "k"], bulk("array"), "OBJECT ENCODING (encoding callback)")
    got = c.raw("MEMORY", "USAGE", "k")
    report(got.startswith(b":") and int(got[1:]) > 0, "MEMORY USAGE (mem_usage callback)", repr(got))
    expect(c, ["COPY", "k", "k2"], num(1), "COPY (copy callback)")
    expect(c, ["CS.TOP", "k2", "2"], arr(bulk("a"), num(11), bulk("b"), num(5)), "the copy is equal")
    d = c.raw("DEBUG", "DIGEST-VALUE", "k", "k2").split(b"\r\n")
    report(len(d) > 3 and d[1] == d[2] and d[1] != b"+" + b"0" * 40,
           "DEBUG DIGEST-VALUE equal for a copy (digest callback)", repr(d))
    expect(c, ["CS.INCR", "k2", "a"], num(12), "the copy is independent")
    expect(c, ["CS.GET", "k", "a"], num(11), "the original is unchanged")
    d = c.raw("DEBUG", "DIGEST-VALUE", "k", "k2").split(b"\r\n")
    report(d[1] != d[2], "DEBUG DIGEST-VALUE differs after a change", repr(d))
    mem = info_field(c, "modules", "module_memory_counterset")
    report(mem is not None and int(mem) > 0, "INFO modules accounts the module's memory", repr(mem))
    # TTL is kept by CS.INCR on an existing key
    expect(c, ["EXPIRE", "k", "1000"], num(1))
    c.raw("CS.INCR", "k", "a")
    got = c.raw("TTL", "k")
    report(got.startswith(b":") and 0 < int(got[1:]) <= 1000, "CS.INCR keeps the TTL", repr(got))
    expect(c, ["RENAME", "k", "k3"], OK)
    expect(c, ["CS.GET", "k3", "a"], num(12), "RENAME moves the value")

    # -- command metadata ---------------------------------------------------
    got = c.raw("COMMAND", "INFO", "cs.incr")
    report(got.startswith(b"*1\r\n*") and bulk("cs.incr") in got and b":-3\r\n" in got
           and b"+write\r\n" in got and b"+denyoom\r\n" in got,
           "COMMAND INFO cs.incr: name, arity, flags", repr(got))
    expect(c, ["COMMAND", "GETKEYS", "CS.INCR", "key1", "m", "3"], arr(bulk("key1")),
           "COMMAND GETKEYS from first/last/step")
    got = c.raw("COMMAND", "DOCS", "cs.top")
    report(b"Returns the members of a counterset with the highest counts." in got
           and bulk("module") in got, "COMMAND DOCS cs.top: summary and group", repr(got))
    def spec(*flags):   # one index 1 / range 0 1 0 key spec with these flags, RESP3
        return (b"%3\r\n" + bulk("flags") + b"~" + str(len(flags)).encode() + b"\r\n"
                + b"".join(b"+" + f.encode() + b"\r\n" for f in flags)
                + bulk("begin_search") + b"%2\r\n" + bulk("type") + bulk("index")
                + bulk("spec") + b"%1\r\n" + bulk("index") + b":1\r\n"
                + bulk("find_keys") + b"%2\r\n" + bulk("type") + bulk("range") + bulk("spec")
                + b"%3\r\n" + bulk("lastkey") + b":0\r\n" + bulk("keystep") + b":1\r\n"
                + bulk("limit") + b":0\r\n")
    got = c.raw("HELLO", "3") and c.raw("COMMAND", "INFO", "cs.incr", "cs.get")
    report(spec("RW", "access", "update") in got and spec("RO", "access") in got,
           "COMMAND INFO: CS.INCR's declared key spec, CS.GET's derived one", repr(got))
    got = c.raw("COMMAND", "DOCS", "cs.incr")
    report(b"%5\r\n" + bulk("name") + bulk("capacity") + bulk("type") + bulk("integer")
           + bulk("display_text") + bulk("capacity") + bulk("token") + bulk("CAPACITY")
           + bulk("flags") + b"~1\r\n+optional\r\n" in got,
           "COMMAND DOCS cs.incr: CAPACITY capacity{integer}", repr(got))
    c.raw("HELLO", "2")
    expect(c, ["COMMAND", "GETKEYSANDFLAGS", "CS.GET", "k", "m"],
           b"*1\r\n*2\r\n" + bulk("k") + b"*2\r\n+RO\r\n+access\r\n",
           "COMMAND GETKEYSANDFLAGS CS.GET: the derived spec's flags")

    # -- WATCH sees md_key_modified ----------------------------------------
    expect(c, ["WATCH", "k3"], OK)
    expect(other, ["CS.INCR", "k3", "a"], num(13))
    expect(c, ["MULTI"], OK)
    expect(c, ["CS.GET", "k3", "a"], b"+QUEUED\r\n")
    expect(c, ["EXEC"], b"*-1\r\n", "EXEC fails after another client's CS.INCR (WATCH)")

    # -- unloading ----------------------------------------------------------
    got = c.raw("MODULE", "UNLOAD", "counterset")
    report(got.startswith(b"-ERR Error unloading module: module 'counterset' still has ")
           and b"key(s) of type 'countset'" in got, "MODULE UNLOAD refused while keys exist",
           repr(got))
    expect(c, ["CS.GET", "k3", "a"], num(13), "the module still serves after a refused unload")
    expect(c, ["DEL", "k3", "k2", "t", "o", "b", "c1"], num(6))
    mem = info_field(c, "modules", "module_memory_counterset")
    report(mem == b"0", "every block is freed after DEL (memory accounting back to 0)", repr(mem))
    expect(c, ["MODULE", "UNLOAD", "counterset"], OK, "MODULE UNLOAD after DEL")
    got = c.raw("MODULE", "LIST")
    report(b"counterset" not in got, "MODULE LIST no longer shows counterset", repr(got))
    expect(c, ["CS.INCR", "k", "a"],
           err("ERR unknown command 'CS.INCR', with args beginning with: 'k' 'a' "),
           "its commands are gone")
    got = c.raw("CONFIG", "GET", "countset-capacity")
    report(got == b"*0\r\n", "its config parameter is gone", repr(got))
    expect(c, ["MODULE", "LOAD", SO], OK, "loadable again after unload")
    expect(c, ["CS.INCR", "again", "a", "4"], num(4))
    expect(c, ["TYPE", "again"], b"+countset\r\n")
    expect(c, ["DEL", "again"], num(1))
    expect(c, ["MODULE", "UNLOAD", "counterset"], OK)
    expect(c, ["PING"], b"+PONG\r\n", "the server is still serving")

    print("server: %d failed" % failures)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
