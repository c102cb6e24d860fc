"""Streams in RDB files, DUMP payloads and the AOF:

- the stream of the fixtures (redis-7.0.rdb: type 19; redis-unstable:
  type 21), with a consumer group and pending entries, loads: every
  entry matches the .expected.jsonl, and the group, its last delivered
  ID and its pending entries survive (read back from our DUMP payload);
- SAVE and a restart, DEBUG RELOAD keep entries, deleted entries, the
  last ID, entries added and max deleted ID of streams of many nodes;
- DUMP/RESTORE: our payloads restore; payloads redis-server 7.0 writes
  (type 19) restore here; a hand-made type-15 payload loads; broken
  payloads are refused with ERR Bad data format and change nothing;
- BGREWRITEAOF without the RDB preamble writes XADD and XSETID, and the
  restart rebuilds the same streams (empty ones too)."""

import json
import os
import shutil
import struct
import tempfile
import time

import pytest

from modis_helpers import REPO, RespClient, Server, error_of, parse_reply
from rdb_bytes import length, make_payload, string
from rdb_filter import Reader

REDIS_BIN = "/usr/bin/redis-server"
FIXTURES = os.path.join(REPO, "tests", "fixtures", "rdb")
BAD = "ERR Bad data format"


@pytest.fixture
def datadir():
    d = tempfile.mkdtemp(prefix="modis-xrdb-")
    yield d
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture
def servers():
    started = []

    def start(dirpath, *args, **kw):
        srv = Server(list(args), dir=dirpath, **kw)
        started.append(srv)
        return srv.start()

    yield start
    for srv in started:
        srv.stop()


def stop_nosave(srv):
    c = srv.resp()
    c.conn.send_command("SHUTDOWN", "NOSAVE")
    assert c.conn.is_closed(10)
    srv.proc.wait(10)
    srv.stop()


def as_bytes(v):
    if isinstance(v, dict):
        import base64
        return base64.b64decode(v["base64"])
    return v.encode()


def entries(c, key):
    return [(i, list(fv)) for i, fv in c.execute("XRANGE", key, "-", "+")]


class PayloadReader(Reader):
    """Reads the stream payload of a DUMP (type 21) far enough to give the
    counters and the consumer groups."""

    def string(self):
        n, special = self.length()
        if special is None:
            return self.raw(n)
        if special in (0, 1, 2):
            return str(int.from_bytes(self.raw(1 << special), "little", signed=True)).encode()
        raise ValueError("compressed string")

    def stream(self):
        t = self.byte()
        assert t == 21
        for _ in range(self.num()):
            self.skip_string()
            self.skip_string()
        s = {"length": self.num(), "last": (self.num(), self.num()),
             "first": (self.num(), self.num()), "maxdel": (self.num(), self.num()),
             "added": self.num(), "groups": []}
        for _ in range(self.num()):
            g = {"name": self.string(), "last": "%d-%d" % (self.num(), self.num()),
                 "read": self.num(), "pel": [], "consumers": {}}
            for _ in range(self.num()):
                ms, seq = struct.unpack(">QQ", self.raw(16))
                self.raw(8)
                g["pel"].append(("%d-%d" % (ms, seq), self.num()))
            for _ in range(self.num()):
                name = self.string()
                self.raw(16)
                g["consumers"][name] = ["%d-%d" % struct.unpack(">QQ", self.raw(16))
                                        for _ in range(self.num())]
            s["groups"].append(g)
        return s


def stream_info(c, key):
    return PayloadReader(c.execute("DUMP", key)).stream()


# --------------------------------------------------------------------------
# The fixtures
# --------------------------------------------------------------------------

@pytest.mark.modis_only
@pytest.mark.parametrize("name", ["redis-7.0", "redis-unstable-2024-10"])
def test_fixture_stream_loads(datadir, servers, name):
    shutil.copy(os.path.join(FIXTURES, name + ".rdb"), os.path.join(datadir, "dump.rdb"))
    c = servers(datadir).resp()
    streams = []
    with open(os.path.join(FIXTURES, name + ".expected.jsonl")) as f:
        for line in f:
            e = json.loads(line)
            if e["type"] == "stream":
                streams.append(e)
    assert streams
    for e in streams:
        key = as_bytes(e["key"])
        assert c.execute("TYPE", key) == "stream"
        want = [(as_bytes(i), [as_bytes(x) for fv in pairs for x in fv])
                for i, pairs in e["value"]["entries"]]
        assert entries(c, key) == want
        assert c.execute("XLEN", key) == len(want)
        info = stream_info(c, key)
        got = [{"name": g["name"].decode(), "pending": len(g["pel"]),
                "last-delivered-id": g["last"]} for g in info["groups"]]
        assert got == e["value"]["groups"]
        for g in info["groups"]:
            owned = sorted(i for ids in g["consumers"].values() for i in ids)
            assert owned == sorted(i for i, _ in g["pel"])
        # and a reload keeps all of it
        assert c.execute("DEBUG", "RELOAD") == "OK"
        assert entries(c, key) == want
        assert stream_info(c, key) == info


# --------------------------------------------------------------------------
# SAVE, restarts, DEBUG RELOAD
# --------------------------------------------------------------------------

def fill(c):
    c.execute("CONFIG", "SET", "stream-node-max-entries", "5")
    for i in range(1, 40):
        c.execute("XADD", "big", "%d-%d" % (i // 3, i), "name", "n%d" % i, "n", str(i * 7))
    c.execute("XADD", "big", "100-0", "other", "fields", "here", "3")
    c.execute("XDEL", "big", "0-1", "3-9", "5-15", "100-0")
    c.execute("XADD", "bin", "1-1", "\x00\xff", "v" * 300)
    c.execute("XADD", "empty", "5-5", "a", "1")
    c.execute("XDEL", "empty", "5-5")
    c.execute("XADD", "set", "1-1", "a", "1")
    c.execute("XSETID", "set", "9-9", "ENTRIESADDED", "50", "MAXDELETEDID", "2-0")
    c.execute("CONFIG", "SET", "stream-node-max-entries", "100")


def snapshot(c):
    out = {}
    for k in (b"big", b"bin", b"empty", b"set"):
        info = stream_info(c, k)
        out[k] = (entries(c, k), c.execute("XLEN", k), info)
    return out


def test_save_restart_and_reload(datadir, servers):
    srv = servers(datadir)
    c = srv.resp()
    fill(c)
    before = snapshot(c)
    assert before[b"empty"][1] == 0 and before[b"empty"][2]["last"] == (5, 5)
    assert before[b"set"][2]["added"] == 50 and before[b"set"][2]["maxdel"] == (2, 0)
    assert c.execute("SAVE") == "OK"
    stop_nosave(srv)
    c2 = servers(datadir).resp()
    assert snapshot(c2) == before
    assert c2.execute("DEBUG", "RELOAD") == "OK"
    assert snapshot(c2) == before
    # IDs keep growing from the restored last ID
    assert c2.execute("XADD", "empty", "5-*", "a", "1") == b"5-6"


# --------------------------------------------------------------------------
# DUMP / RESTORE
# --------------------------------------------------------------------------

@pytest.mark.modis_only
def test_dump_restore_round_trip(r2):
    r2.execute("DEL", "s", "s2")
    r2.execute("XADD", "s", "1-1", "a", "1", "b", "x" * 100)
    r2.execute("XADD", "s", "1-2", "c", "3")
    r2.execute("XDEL", "s", "1-1")
    payload = r2.execute("DUMP", "s")
    assert r2.execute("RESTORE", "s2", "0", payload) == "OK"
    assert entries(r2, "s2") == entries(r2, "s")
    assert stream_info(r2, "s2") == stream_info(r2, "s")
    r2.execute("DEL", "s", "s2")


@pytest.mark.modis_only
def test_restore_redis_payload(r2):
    if not os.path.exists(REDIS_BIN):
        pytest.skip("no reference redis-server")
    srv = Server(["--save", "", "--appendonly", "no"], conf=None, binary=REDIS_BIN).start()
    try:
        rc = srv.resp()
        rc.execute("XADD", "s", "1-1", "a", "1", "b", "2")
        rc.execute("XADD", "s", "1-2", "a", "3", "b", "4")
        rc.execute("XADD", "s", "2-0", "z", "9")
        rc.execute("XDEL", "s", "1-2")
        rc.execute("XGROUP", "CREATE", "s", "g", "0")
        rc.execute("XREADGROUP", "GROUP", "g", "alice", "COUNT", "1", "STREAMS", "s", ">")
        payload = rc.execute("DUMP", "s")
        assert payload[0] == 19
        # (entries read is unknown, -1, for a stream with a deletion inside)
        r2.execute("DEL", "s")
        assert r2.execute("RESTORE", "s", "0", payload) == "OK"
        assert entries(r2, "s") == entries(rc, "s")
        info = stream_info(r2, "s")
        assert info["added"] == 3 and info["maxdel"] == (1, 2)
        assert [(g["name"], g["last"], g["read"], g["pel"], list(g["consumers"]))
                for g in info["groups"]] == [(b"g", "1-1", 2 ** 64 - 1, [("1-1", 1)], [b"alice"])]
        rc.close()
    finally:
        srv.stop()
    r2.execute("DEL", "s")


def listpack(*items):
    """A listpack of small non-negative integers (7-bit) and short strings."""
    body = b""
    for it in items:
        if isinstance(it, int):
            body += bytes([it, 1])
        else:
            b = it.encode()
            body += bytes([0x80 | len(b)]) + b + bytes([len(b) + 1])
    total = 6 + len(body) + 1
    return struct.pack("<IH", total, len(items)) + body + b"\xff"


def node(key_ms, *items):
    return string(struct.pack(">QQ", key_ms, 0)) + string(listpack(*items))


# master: count 2, deleted 0, 1 field "f", 0; entries: SAMEFIELDS (2),
# ms-diff, seq-diff, value, lp-count 4
GOOD_NODE = (2, 0, 1, "f", 0, 2, 0, 0, "a", 4, 2, 1, 0, "b", 4)


@pytest.mark.modis_only
def test_restore_type_15(r2):
    body = b"\x0f" + length(1) + node(5, *GOOD_NODE) + length(2) + length(6) + length(0) + \
        length(0)
    r2.execute("DEL", "t")
    assert r2.execute("RESTORE", "t", "0", make_payload(body)) == "OK"
    assert entries(r2, "t") == [(b"5-0", [b"f", b"a"]), (b"6-0", [b"f", b"b"])]
    info = stream_info(r2, "t")
    assert info["added"] == 2 and info["first"] == (5, 0) and info["last"] == (6, 0)
    r2.execute("DEL", "t")


def tail(length_, last_ms, ngroups=0):
    return length(length_) + length(last_ms) + length(0) + length(ngroups)


BAD_BODIES = [
    # node key of the wrong size
    b"\x0f" + length(1) + string(b"short") + string(listpack(*GOOD_NODE)) + tail(2, 6),
    # length that does not match the nodes
    b"\x0f" + length(1) + node(5, *GOOD_NODE) + tail(3, 6),
    # last ID below the last entry
    b"\x0f" + length(1) + node(5, *GOOD_NODE) + tail(2, 5),
    # a wrong lp-count
    b"\x0f" + length(1) + node(5, *GOOD_NODE[:-1], 5) + tail(2, 6),
    # a master count that does not match the live entries
    b"\x0f" + length(1) + node(5, 3, *GOOD_NODE[1:]) + tail(2, 6),
    # an entry cut short
    b"\x0f" + length(1) + node(5, *GOOD_NODE[:-2]) + tail(2, 6),
    # the same node key twice
    b"\x0f" + length(2) + node(5, *GOOD_NODE) + node(5, *GOOD_NODE) + tail(4, 6),
    # a group whose PEL entry has no consumer
    b"\x0f" + length(1) + node(5, *GOOD_NODE) + tail(2, 6, 1) + string(b"g") + length(5) +
    length(0) + length(1) + struct.pack(">QQ", 5, 0) + struct.pack("<q", 0) + length(1) +
    length(0),
    # a consumer owning an ID that is not pending
    b"\x0f" + length(1) + node(5, *GOOD_NODE) + tail(2, 6, 1) + string(b"g") + length(5) +
    length(0) + length(0) + length(1) + string(b"c") + struct.pack("<q", 0) + length(1) +
    struct.pack(">QQ", 5, 0),
    # truncated
    b"\x0f" + length(1) + node(5, *GOOD_NODE) + length(2),
]


@pytest.mark.modis_only
@pytest.mark.parametrize("body", BAD_BODIES)
def test_restore_refuses_bad_payloads(r2, body):
    r2.execute("DEL", "k")
    assert error_of(r2, "RESTORE", "k", "0", make_payload(body)) == BAD
    assert r2.execute("EXISTS", "k") == 0
    assert r2.execute("PING") == "PONG"


# --------------------------------------------------------------------------
# AOF rewrite
# --------------------------------------------------------------------------

def test_aof_rewrite_without_preamble(datadir, servers):
    srv = servers(datadir, "--appendonly", "yes", "--aof-use-rdb-preamble", "no")
    c = srv.resp()
    fill(c)
    before = snapshot(c)
    assert c.execute("BGREWRITEAOF") == "Background append only file rewriting started"
    deadline = time.monotonic() + 10
    while c.execute("INFO", "persistence").find(b"aof_rewrite_in_progress:0") < 0:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    adir = os.path.join(datadir, "appendonlydir")
    base = [n for n in os.listdir(adir) if n.endswith(".base.aof")]
    data = open(os.path.join(adir, base[0]), "rb").read()
    cmds, pos = [], 0
    while pos < len(data):
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos) + 1
            continue
        v, pos = parse_reply(data, pos)
        cmds.append(v)
    assert [b"XSETID", b"set", b"9-9", b"ENTRIESADDED", b"50", b"MAXDELETEDID", b"2-0"] in cmds
    assert [b"XADD", b"empty", b"MAXLEN", b"0", b"0-1", b"x", b"y"] in cmds
    stop_nosave(srv)
    c2 = servers(datadir, "--appendonly", "yes").resp()
    assert snapshot(c2) == before
