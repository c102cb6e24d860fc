"""Client-side caching (issue 10): CLIENT TRACKING, CACHING, GETREDIR,
TRACKINGINFO and the invalidation messages, with two or more clients.

Each scenario runs on Modis and on the reference redis-server and the raw
bytes every connection receives are compared (client ids, which differ
between the servers, are replaced by names).
"""

import socket
import time

import pytest

from modis_helpers import RespClient, parse_info


class Conn:
    """A raw connection that collects everything the server sends."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=5)

    def send(self, *args):
        out = b"*%d\r\n" % len(args)
        for a in args:
            a = a if isinstance(a, bytes) else str(a).encode()
            out += b"$%d\r\n%s\r\n" % (len(a), a)
        self.sock.sendall(out)

    def drain(self):
        """What has arrived by now (no waiting)."""
        got = b""
        self.sock.setblocking(False)
        try:
            while True:
                d = self.sock.recv(65536)
                if not d:
                    break
                got += d
        except (BlockingIOError, ConnectionResetError):
            pass
        self.sock.settimeout(5)
        return got

    def wait(self):
        """The first bytes of a reply (blocking), then what else is there."""
        try:
            first = self.sock.recv(65536)
        except socket.timeout:
            return b""
        return first + self.drain()

    def run(self, *args):
        self.send(*args)
        return self.wait()

    def id(self):
        return int(self.run("CLIENT", "ID")[1:-2])

    def close(self):
        self.sock.close()


def scenario(port, steps):
    """Run steps (name, args...) over named connections; return the log of
    what each connection received after each step, ids normalised."""
    conns = {}
    ids = {}
    log = []
    for step in steps:
        if step[0] == "sleep":
            time.sleep(step[1])
            continue
        name, text = step[0], list(step[1:])
        if name not in conns:
            conns[name] = Conn(port)
            ids[name] = conns[name].id()
        args = [str(ids[a[1:]]) if isinstance(a, str) and a.startswith("@") else a
                for a in text]
        if args == ["CLOSE"]:
            conns.pop(name).close()
            continue
        if args[0] == "HELLO":  # names the server: not compared
            conns[name].run(*args)
            continue
        conns[name].send(*args)
        first = {name: conns[name].wait()}
        time.sleep(0.03)  # messages to the others (BCAST: the next loop turn)
        for n in sorted(conns):
            got = first.get(n, b"") + conns[n].drain()
            for other, i in ids.items():
                got = got.replace(b":%d\r\n" % i, b":<%s>\r\n" % other.encode())
            if got:
                log.append((" ".join(map(str, text)), n, got))
    for c in conns.values():
        c.close()
    return log


def compare(server, ref_server, steps):
    for port in (server.port, ref_server.port):
        RespClient(port).execute("FLUSHALL")
    ours = scenario(server.port, steps)
    theirs = scenario(ref_server.port, steps)
    assert ours == theirs
    return ours


def test_default_mode_resp3(server, ref_server):
    log = compare(server, ref_server, [
        ("a", "HELLO", "3"),
        ("a", "CLIENT", "TRACKING", "on"),
        ("a", "GET", "k1"), ("a", "MGET", "k2", "k3"),
        ("b", "SET", "k1", "x"),
        ("b", "MSET", "k2", "1", "k3", "2"),
        ("b", "SET", "k1", "again"),          # forgotten after the first message
        ("a", "GET", "k1"), ("a", "SET", "k1", "y"),   # own write: after the reply
        ("a", "CLIENT", "TRACKINGINFO"),
        ("a", "CLIENT", "GETREDIR"),
        ("a", "CLIENT", "TRACKING", "on", "NOLOOP"),
        ("a", "GET", "k1"), ("a", "SET", "k1", "z"), ("b", "SET", "k1", "w"),
        ("a", "GET", "k1"), ("b", "DEL", "k1"),
        ("a", "GET", "k4"), ("b", "EXPIRE", "k4", "100"), ("b", "SET", "k4", "v"),
        ("a", "GET", "k4"), ("b", "FLUSHDB"),
        ("a", "MULTI"), ("a", "GET", "m1"), ("a", "EXEC"), ("b", "SET", "m1", "x"),
        ("a", "CLIENT", "TRACKING", "off"),
        ("a", "GET", "k5"), ("b", "SET", "k5", "x"),
        ("a", "CLIENT", "TRACKINGINFO"),
    ])
    assert ("SET k1 x", "a", b">2\r\n$10\r\ninvalidate\r\n*1\r\n$2\r\nk1\r\n") in log
    assert ("SET k1 y", "a", b"+OK\r\n>2\r\n$10\r\ninvalidate\r\n*1\r\n$2\r\nk1\r\n") in log


def test_optin_optout(server, ref_server):
    compare(server, ref_server, [
        ("a", "HELLO", "3"),
        ("a", "CLIENT", "TRACKING", "on", "OPTIN"),
        ("a", "GET", "o1"), ("a", "CLIENT", "CACHING", "yes"),
        ("a", "CLIENT", "TRACKINGINFO"),    # a CLIENT command keeps CACHING
        ("a", "GET", "o2"), ("a", "GET", "o3"),
        ("b", "MSET", "o1", "1", "o2", "1", "o3", "1"),
        ("a", "CLIENT", "CACHING", "yes"), ("a", "MULTI"), ("a", "GET", "o4"),
        ("a", "GET", "o5"), ("a", "EXEC"), ("b", "MSET", "o4", "1", "o5", "1"),
        ("a", "CLIENT", "CACHING", "no"),
        ("a", "CLIENT", "TRACKING", "on", "OPTOUT"),
        ("a", "CLIENT", "TRACKING", "off"),
        ("a", "CLIENT", "TRACKING", "on", "OPTOUT"),
        ("a", "CLIENT", "CACHING", "no"), ("a", "GET", "p1"), ("a", "GET", "p2"),
        ("b", "MSET", "p1", "1", "p2", "1"),
        ("a", "CLIENT", "CACHING", "no"), ("a", "CLIENT", "TRACKINGINFO"),
        ("a", "PING"), ("a", "CLIENT", "TRACKINGINFO"),
        ("a", "CLIENT", "CACHING", "yes"), ("a", "CLIENT", "CACHING", "maybe"),
    ])


def test_bcast_prefixes_noloop(server, ref_server):
    compare(server, ref_server, [
        ("a", "HELLO", "3"),
        ("a", "CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "user:", "PREFIX", "obj:"),
        ("a", "CLIENT", "TRACKINGINFO"),
        ("b", "SET", "user:1", "a"), ("b", "SET", "obj:2", "b"), ("b", "SET", "other", "c"),
        ("b", "MSET", "user:3", "1", "user:2", "2", "user:3", "3", "zzz", "4"),
        ("a", "SET", "user:9", "mine"),
        ("a", "CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "us"),
        ("a", "CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "item:"),
        ("a", "CLIENT", "TRACKINGINFO"),
        ("a", "CLIENT", "TRACKING", "off"),
        ("c", "HELLO", "3"),
        ("c", "CLIENT", "TRACKING", "on", "BCAST", "NOLOOP"),
        ("c", "MSET", "n1", "1", "n2", "2"), ("b", "SET", "n3", "3"),
        ("c", "MULTI"), ("c", "SET", "n4", "4"), ("b", "SET", "n5", "5"), ("c", "EXEC"),
        ("c", "CLIENT", "TRACKINGINFO"),
    ])


def test_resp2_redirect_and_broken_redirect(server, ref_server):
    compare(server, ref_server, [
        ("sub", "SUBSCRIBE", "__redis__:invalidate"),
        ("r", "CLIENT", "TRACKING", "on", "REDIRECT", "@sub"),
        ("r", "CLIENT", "GETREDIR"),
        ("r", "GET", "rk"), ("w", "SET", "rk", "1"),
        ("r", "GET", "rk"), ("w", "FLUSHALL"),
        ("r", "CLIENT", "TRACKINGINFO"),
        ("sub", "CLOSE"),
        ("r", "GET", "rk2"), ("w", "SET", "rk2", "1"),
        ("r", "CLIENT", "TRACKINGINFO"),
        # a RESP3 client whose redirect went away is told so
        ("p", "HELLO", "3"), ("gone", "PING"),
        ("p", "CLIENT", "TRACKING", "on", "REDIRECT", "@gone"),
        ("gone", "CLOSE"),
        ("p", "GET", "pk"), ("w", "SET", "pk", "1"),
        # without redirection, RESP2 gets nothing
        ("q", "CLIENT", "TRACKING", "on"), ("q", "GET", "qk"), ("w", "SET", "qk", "1"),
        ("q", "PING"),
    ])


def test_errors(server, ref_server):
    compare(server, ref_server, [
        ("b", "PING"),
        ("a", "CLIENT", "TRACKING", "on", "REDIRECT", "99999"),
        ("a", "CLIENT", "TRACKING", "on", "REDIRECT", "x"),
        ("a", "CLIENT", "TRACKING", "on", "REDIRECT", "@b"),
        ("a", "CLIENT", "TRACKING", "off"),
        ("a", "CLIENT", "TRACKING", "on", "OPTIN", "OPTOUT"),
        ("a", "CLIENT", "TRACKING", "on", "BCAST", "OPTIN"),
        ("a", "CLIENT", "TRACKING", "on", "PREFIX", "x"),
        ("a", "CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "a", "PREFIX", "ab"),
        ("a", "CLIENT", "TRACKING", "maybe"),
        ("a", "CLIENT", "TRACKING", "on", "foo"),
        ("a", "CLIENT", "TRACKING", "on", "PREFIX"),
        ("a", "CLIENT", "TRACKING"),
        ("a", "CLIENT", "CACHING", "yes"),
        ("a", "CLIENT", "CACHING"),
        ("a", "CLIENT", "TRACKING", "on"),
        ("a", "CLIENT", "TRACKING", "on", "BCAST"),
        ("a", "CLIENT", "CACHING", "yes"),
        ("a", "CLIENT", "TRACKINGINFO", "x"),
        ("a", "CLIENT", "GETREDIR"),
    ])


def test_module_types_invalidate(server, ref_server):
    """Writes of the type modules reach tracking through the key-modified
    signal, as Redis's own types do."""
    compare(server, ref_server, [
        ("a", "HELLO", "3"), ("a", "CLIENT", "TRACKING", "on"),
        ("a", "HGET", "h", "f"), ("b", "HSET", "h", "f", "v"),
        ("a", "LRANGE", "l", "0", "-1"), ("b", "LPUSH", "l", "x"),
        ("a", "SMEMBERS", "s"), ("b", "SADD", "s", "x"),
        ("a", "ZRANGE", "z", "0", "-1"), ("b", "ZADD", "z", "1", "x"),
        ("a", "PFCOUNT", "hll"), ("b", "PFADD", "hll", "x"),
        ("a", "GETBIT", "bits", "3"), ("b", "SETBIT", "bits", "3", "1"),
        ("a", "STRLEN", "str"), ("b", "APPEND", "str", "x"),
        ("a", "HLEN", "h"), ("b", "HDEL", "h", "f"),
        ("a", "EXISTS", "l"), ("b", "RENAME", "l", "l2"),
        ("a", "TYPE", "s"), ("b", "MOVE", "s", "1"),
    ])


def test_expiry_invalidates(server, ref_server):
    compare(server, ref_server, [
        ("a", "HELLO", "3"), ("a", "CLIENT", "TRACKING", "on"),
        ("b", "SET", "e", "v", "PX", "100"),
        ("a", "GET", "e"),
        ("sleep", 0.6),
        ("b", "PING"),
    ])


def info(c, section):
    return parse_info(c.execute("INFO", section).decode())


def test_tracking_table_max_keys_and_info(server, ref_server):
    for srv in (server, ref_server):
        admin = RespClient(srv.port)
        admin.execute("FLUSHALL")
        admin.execute("CONFIG", "SET", "tracking-table-max-keys", "2")
        a = Conn(srv.port)
        a.run("HELLO", "3")
        a.run("CLIENT", "TRACKING", "on")
        got = b""
        for i in range(5):
            got += a.run("GET", "t%d" % i)
        time.sleep(0.3)  # Redis sheds keys before sleeping, Modis at once
        got += a.drain()
        assert got.count(b"invalidate") == 3
        stats = info(admin, "stats")
        assert int(stats["tracking_total_keys"]) == 2
        assert int(stats["tracking_total_items"]) == 2
        assert int(info(admin, "clients")["tracking_clients"]) == 1
        line = admin.execute("CLIENT", "LIST").decode()
        assert any(" flags=t " in l and " redir=0 " in l for l in line.splitlines())
        b = Conn(srv.port)
        b.run("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "x", "PREFIX", "y")
        assert int(info(admin, "stats")["tracking_total_prefixes"]) == 2
        assert any(" flags=tB " in l for l in admin.execute("CLIENT", "LIST").decode()
                   .splitlines())
        a.close()
        b.close()
        time.sleep(0.1)
        assert int(info(admin, "clients")["tracking_clients"]) == 0
        assert int(info(admin, "stats")["tracking_total_prefixes"]) == 0
        admin.execute("SET", "t0", "x")  # readers gone: nothing to send
        admin.execute("CONFIG", "SET", "tracking-table-max-keys", "1000000")
        admin.execute("FLUSHALL")
        admin.close()
