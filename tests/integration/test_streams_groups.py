"""Consumer groups end to end: the life cycle of a worker pool (a worker
reads, dies with entries pending, another one finds them with XPENDING
and takes them over with XCLAIM and XAUTOCLAIM, acks them), XPENDING's
extended form (owner, delivery counts, IDLE filter), NOACK, blocking
XREADGROUP served by XADD (FIFO: each entry goes to one reader) and a
group destroyed while a reader waits (Redis's NOGROUP error), entries
read and the group state survive DEBUG RELOAD, the propagation of group
state to the AOF as Redis does it (XCLAIM ... FORCE JUSTID LASTID and
XGROUP SETID ... ENTRIESREAD, never XREADGROUP), and an AOF rewrite
without the RDB preamble that rebuilds groups, consumers and PELs.
Byte-level replies and errors are in tests/diff/scripts/streams_groups.txt."""

import os
import time

import pytest

from modis_helpers import RespClient, error_of, parse_reply
from test_streams_persist import stream_info
from test_streams_blocking import block, blocked_count
from test_streams import aof_commands


def xpending_rows(c, *args):
    """XPENDING's extended form without the idle times."""
    return [(i, who, n) for i, who, _idle, n in c.execute("XPENDING", *args)]


def test_worker_dies_and_another_claims(server):
    c = RespClient(server.port)
    c.execute("DEL", "jobs")
    for i in range(1, 6):
        c.execute("XADD", "jobs", "%d-0" % i, "job", str(i))
    assert c.execute("XGROUP", "CREATE", "jobs", "workers", "0") == "OK"
    got = c.execute("XREADGROUP", "GROUP", "workers", "w1", "COUNT", "3", "STREAMS", "jobs", ">")
    assert [e[0] for e in got[0][1]] == [b"1-0", b"2-0", b"3-0"]
    c.execute("XREADGROUP", "GROUP", "workers", "w2", "STREAMS", "jobs", ">")
    assert c.execute("XACK", "jobs", "workers", "4-0") == 1
    # w1 dies; its three entries stay pending
    assert c.execute("XPENDING", "jobs", "workers") == \
        [4, b"1-0", b"5-0", [[b"w1", b"3"], [b"w2", b"1"]]]
    assert xpending_rows(c, "jobs", "workers", "-", "+", "10", "w1") == \
        [(b"1-0", b"w1", 1), (b"2-0", b"w1", 1), (b"3-0", b"w1", 1)]
    time.sleep(0.05)
    assert xpending_rows(c, "jobs", "workers", "IDLE", "40", "-", "+", "10") == \
        [(b"1-0", b"w1", 1), (b"2-0", b"w1", 1), (b"3-0", b"w1", 1), (b"5-0", b"w2", 1)]
    # w3 takes one with XCLAIM, then the rest with XAUTOCLAIM
    assert c.execute("XCLAIM", "jobs", "workers", "w3", "40", "1-0") == \
        [[b"1-0", [b"job", b"1"]]]
    assert c.execute("XCLAIM", "jobs", "workers", "w3", "100000", "2-0") == []
    cursor, entries, gone = c.execute("XAUTOCLAIM", "jobs", "workers", "w3", "40", "0",
                                      "COUNT", "1")
    assert entries == [[b"2-0", [b"job", b"2"]]] and cursor == b"3-0" and gone == []
    c.execute("XDEL", "jobs", "3-0")
    cursor, entries, gone = c.execute("XAUTOCLAIM", "jobs", "workers", "w3", "0", cursor)
    assert cursor == b"0-0" and gone == [b"3-0"]
    assert [e[0] for e in entries] == [b"5-0"]
    assert xpending_rows(c, "jobs", "workers", "-", "+", "10") == \
        [(b"1-0", b"w3", 2), (b"2-0", b"w3", 2), (b"5-0", b"w3", 2)]
    # w3's history, then the acks
    hist = c.execute("XREADGROUP", "GROUP", "workers", "w3", "STREAMS", "jobs", "0")
    assert [e[0] for e in hist[0][1]] == [b"1-0", b"2-0", b"5-0"]
    assert c.execute("XACK", "jobs", "workers", "1-0", "2-0", "5-0") == 3
    assert c.execute("XPENDING", "jobs", "workers") == [0, None, None, None]
    assert c.execute("XGROUP", "DELCONSUMER", "jobs", "workers", "w1") == 0
    c.execute("DEL", "jobs")
    c.close()


def test_noack_and_entries_read(server):
    c = RespClient(server.port)
    c.execute("DEL", "s")
    for i in range(1, 4):
        c.execute("XADD", "s", "%d-0" % i, "f", "v")
    c.execute("XGROUP", "CREATE", "s", "g", "0", "ENTRIESREAD", "0")
    c.execute("XREADGROUP", "GROUP", "g", "c", "NOACK", "COUNT", "2", "STREAMS", "s", ">")
    assert c.execute("XPENDING", "s", "g")[0] == 0
    g = stream_info(c, "s")["groups"][0]
    assert (g["last"], g["read"], list(g["consumers"])) == ("2-0", 2, [b"c"])
    assert c.execute("DEBUG", "RELOAD") == "OK"
    assert stream_info(c, "s")["groups"][0] == g
    c.execute("DEL", "s")
    c.close()


def test_blocked_readers_share_entries(r, server):
    r.delete("s")
    r.xgroup_create("s", "g", "$", mkstream=True)
    a, b = RespClient(server.port), RespClient(server.port)
    block(r, a, "XREADGROUP", "GROUP", "g", "ca", "BLOCK", "0", "STREAMS", "s", ">")
    block(r, b, "XREADGROUP", "GROUP", "g", "cb", "BLOCK", "0", "STREAMS", "s", ">")
    r.xadd("s", {"n": 1}, id="1-0")
    assert a.read() == [[b"s", [[b"1-0", [b"n", b"1"]]]]]
    assert blocked_count(r) == 1
    r.xadd("s", {"n": 2}, id="2-0")
    assert b.read() == [[b"s", [[b"2-0", [b"n", b"2"]]]]]
    a.close()
    b.close()


@pytest.mark.modis_only
def test_group_destroyed_while_blocked(r, server):
    # Redis 7.2+ re-runs the reader, which answers the NOGROUP error
    r.delete("s")
    r.xgroup_create("s", "g", "$", mkstream=True)
    a = RespClient(server.port)
    block(r, a, "XREADGROUP", "GROUP", "g", "ca", "BLOCK", "0", "STREAMS", "s", ">")
    assert r.xgroup_destroy("s", "g") == 1
    with pytest.raises(Exception, match="NOGROUP No such key 's' or consumer group 'g' in "
                                        "XREADGROUP with GROUP option"):
        v = a.read()
        if isinstance(v, Exception):
            raise v
    assert blocked_count(r) == 0
    a.close()


def test_propagation_to_aof(start_server):
    srv = start_server(["--appendonly", "yes", "--appendfsync", "always"])
    c = srv.resp()
    c.execute("XADD", "s", "1-0", "a", "1")
    c.execute("XADD", "s", "2-0", "a", "2")
    c.execute("XGROUP", "CREATE", "s", "g", "0")
    c.execute("XREADGROUP", "GROUP", "g", "alice", "COUNT", "1", "STREAMS", "s", ">")
    c.execute("XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", "0")   # history: nothing
    c.execute("XACK", "s", "g", "1-0")
    c.execute("XCLAIM", "s", "g", "bob", "0", "2-0", "FORCE", "JUSTID", "RETRYCOUNT", "4",
              "TIME", "1000")
    cmds = aof_commands(srv.dir)
    assert cmds[2] == [b"XGROUP", b"CREATE", b"s", b"g", b"0"]
    assert cmds[3] == [b"MULTI"]
    assert cmds[4] == [b"XGROUP", b"CREATECONSUMER", b"s", b"g", b"alice"]
    assert cmds[5][:6] == [b"XCLAIM", b"s", b"g", b"alice", b"0", b"1-0"]
    assert cmds[5][8:] == [b"RETRYCOUNT", b"1", b"FORCE", b"JUSTID", b"LASTID", b"1-0"]
    assert cmds[6] == [b"XGROUP", b"SETID", b"s", b"g", b"1-0", b"ENTRIESREAD", b"1"]
    assert cmds[7] == [b"EXEC"]
    assert cmds[8] == [b"XACK", b"s", b"g", b"1-0"]
    # (the replica's XCLAIM creates bob as the master's did)
    assert cmds[9:] == [[b"XCLAIM", b"s", b"g", b"bob", b"0", b"2-0", b"TIME", b"1000",
                         b"RETRYCOUNT", b"4", b"FORCE", b"JUSTID", b"LASTID", b"1-0"]]
    assert all(x[0] != b"XREADGROUP" for x in cmds)
    c.close()


def test_aof_rewrite_keeps_groups(start_server):
    srv = start_server(["--appendonly", "yes", "--aof-use-rdb-preamble", "no"])
    c = srv.resp()
    for i in range(1, 6):
        c.execute("XADD", "s", "%d-0" % i, "f", str(i))
    c.execute("XGROUP", "CREATE", "s", "g1", "0")
    c.execute("XGROUP", "CREATE", "s", "g2", "$", "ENTRIESREAD", "5")
    c.execute("XREADGROUP", "GROUP", "g1", "alice", "COUNT", "3", "STREAMS", "s", ">")
    c.execute("XCLAIM", "s", "g1", "bob", "0", "2-0", "RETRYCOUNT", "9")
    c.execute("XGROUP", "CREATECONSUMER", "s", "g2", "idle")
    before = stream_info(c, "s")
    assert c.execute("BGREWRITEAOF") == "Background append only file rewriting started"
    deadline = time.monotonic() + 10
    while c.execute("INFO", "persistence").find(b"aof_rewrite_in_progress:0") < 0:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    c.close()
    srv.stop(keep_dir=True)
    srv2 = start_server(["--appendonly", "yes", "--dir", srv.dir])
    c2 = srv2.resp()
    assert stream_info(c2, "s") == before
    c2.close()


def test_xinfo(server):
    c = RespClient(server.port)
    c.execute("DEL", "s")
    for i in range(1, 4):
        c.execute("XADD", "s", "%d-0" % i, "f", str(i))
    c.execute("XGROUP", "CREATE", "s", "g", "0")
    c.execute("XGROUP", "CREATECONSUMER", "s", "g", "idler")
    t0 = int(time.time() * 1000)
    c.execute("XREADGROUP", "GROUP", "g", "c", "COUNT", "2", "STREAMS", "s", ">")
    info = c.execute("XINFO", "STREAM", "s")
    d = dict(zip(info[::2], info[1::2]))
    assert (d[b"length"], d[b"radix-tree-keys"], d[b"last-generated-id"], d[b"entries-added"],
            d[b"recorded-first-entry-id"], d[b"groups"]) == (3, 1, b"3-0", 3, b"1-0", 1)
    assert d[b"first-entry"] == [b"1-0", [b"f", b"1"]]
    assert d[b"last-entry"] == [b"3-0", [b"f", b"3"]]
    groups = c.execute("XINFO", "GROUPS", "s")
    assert groups == [[b"name", b"g", b"consumers", 2, b"pending", 2, b"last-delivered-id",
                       b"2-0", b"entries-read", 2, b"lag", 1]]
    cons = {x[1]: dict(zip(x[::2], x[1::2])) for x in c.execute("XINFO", "CONSUMERS", "s", "g")}
    assert cons[b"c"][b"pending"] == 2 and 0 <= cons[b"c"][b"inactive"] < 5000
    assert cons[b"idler"][b"inactive"] == -1 and cons[b"idler"][b"pending"] == 0
    full = c.execute("XINFO", "STREAM", "s", "FULL", "COUNT", "1")
    f = dict(zip(full[::2], full[1::2]))
    assert f[b"entries"] == [[b"1-0", [b"f", b"1"]]]
    g = dict(zip(f[b"groups"][0][::2], f[b"groups"][0][1::2]))
    assert (g[b"pel-count"], g[b"lag"], g[b"entries-read"]) == (2, 1, 2)
    assert [p[:2] + p[3:] for p in g[b"pending"]] == [[b"1-0", b"c", 1], [b"2-0", b"c", 1]]
    assert all(t0 - 1000 <= p[2] <= t0 + 5000 for p in g[b"pending"])
    fc = {x[1]: dict(zip(x[::2], x[1::2])) for x in g[b"consumers"]}
    assert fc[b"idler"][b"active-time"] == -1 and fc[b"c"][b"active-time"] >= t0 - 1000
    assert [p[0] for p in fc[b"c"][b"pending"]] == [b"1-0", b"2-0"]
    c.execute("DEL", "s")
    c.close()
