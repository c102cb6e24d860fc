"""Blocking list commands with several clients: BLPOP/BRPOP/BLMOVE/
BRPOPLPUSH/BLMPOP served by pushes from other clients, FIFO order per key,
float timeouts in seconds, pushes inside MULTI/EXEC serving after the EXEC,
chains (a served BLMOVE feeding another blocked client), CLIENT UNBLOCK
TIMEOUT|ERROR, INFO blocked_clients and CLIENT LIST flags, disconnects,
databases, keys created by RENAME/LMOVE/MOVE/COPY/SWAPDB (and values of
other types landing on a waited key, which keep the client blocked), RESP3
timeout replies.

Blocked clients are raw RESP clients: the test sends the command, waits
until INFO says the client is blocked, acts, then reads the reply."""

import time

import pytest

from modis_helpers import ReplyError, block, blocked_count, wait_blocked

WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value"


def client_id(c):
    return c.execute("CLIENT", "ID")


# --------------------------------------------------------------------------
# Served by a push
# --------------------------------------------------------------------------

def test_blpop_served_by_push(r, clients):
    c = clients()
    block(r, c, "BLPOP", "k", "0")
    assert r.rpush("k", "a", "b") == 2
    assert c.read() == [b"k", b"a"]
    assert r.lrange("k", 0, -1) == [b"b"]
    assert blocked_count(r) == 0


def test_brpop_and_key_order(r, clients):
    c = clients()
    block(r, c, "BRPOP", "k1", "k2", "k3", "0")
    r.rpush("k2", "x", "y")
    assert c.read() == [b"k2", b"y"]
    # several keys get data in one transaction: the re-run command looks at
    # its keys in argument order, as Redis's does
    r.delete("k2")
    block(r, c, "BLPOP", "k1", "k2", "k3", "0")
    p = r.pipeline(transaction=True)
    p.rpush("k3", "three")
    p.rpush("k1", "one")
    p.execute()
    assert c.read() == [b"k1", b"one"]
    assert r.lrange("k3", 0, -1) == [b"three"]


def test_blmove_and_brpoplpush(r, clients):
    c = clients()
    block(r, c, "BLMOVE", "src", "dst", "RIGHT", "LEFT", "0")
    r.rpush("src", "a", "b")
    assert c.read() == b"b"
    assert r.lrange("dst", 0, -1) == [b"b"]
    assert r.lrange("src", 0, -1) == [b"a"]
    block(r, c, "BRPOPLPUSH", "empty", "dst", "0")
    r.rpush("empty", "z")
    assert c.read() == b"z"
    assert r.lrange("dst", 0, -1) == [b"z", b"b"]
    assert r.exists("empty") == 0


def test_blmpop_count(r, clients):
    c = clients()
    block(r, c, "BLMPOP", "0", "2", "k1", "k2", "RIGHT", "COUNT", "2")
    r.rpush("k2", "a", "b", "c")
    assert c.read() == [b"k2", [b"c", b"b"]]
    block(r, c, "BLMPOP", "0", "1", "k1", "LEFT", "COUNT", "10")
    r.rpush("k1", "x")
    assert c.read() == [b"k1", [b"x"]]
    assert r.exists("k1") == 0


def test_blmove_chain(r, clients):
    c1, c2 = clients(2)
    block(r, c1, "BLMOVE", "a", "b", "LEFT", "RIGHT", "0")
    block(r, c2, "BLPOP", "b", "0")
    r.rpush("a", "x")
    assert c1.read() == b"x"
    assert c2.read() == [b"b", b"x"]
    assert r.exists("a", "b") == 0


def test_served_blmove_to_wrong_type(r, clients):
    c = clients()
    r.set("str", "v")
    block(r, c, "BLMOVE", "a", "str", "LEFT", "RIGHT", "0")
    r.rpush("a", "x")
    with pytest.raises(ReplyError) as e:
        c.read()
    assert e.value.text == WRONGTYPE
    assert r.lrange("a", 0, -1) == [b"x"]
    assert blocked_count(r) == 0


def test_destination_of_lmove_unblocks(r, clients):
    c = clients()
    block(r, c, "BLPOP", "dst", "0")
    r.rpush("src", "v")
    assert r.lmove("src", "dst", "LEFT", "LEFT") == b"v"
    assert c.read() == [b"dst", b"v"]


def test_key_created_by_rename_unblocks(r, clients):
    c = clients()
    block(r, c, "BLPOP", "k", "0")
    r.rpush("tmp", "v")
    r.rename("tmp", "k")
    assert c.read() == [b"k", b"v"]


def test_rename_over_existing_key_unblocks(r, clients):
    """RENAME onto a name that holds a string (overwritten) serves a
    client blocked on that name; RENAMENX to a free name too."""
    c1, c2 = clients(2)
    block(r, c1, "BRPOP", "k", "0")
    r.set("k", "str")
    r.rpush("tmp", "a", "b")
    r.rename("tmp", "k")
    assert c1.read() == [b"k", b"b"]
    block(r, c2, "BLMOVE", "k2", "out", "LEFT", "RIGHT", "0")
    r.rpush("tmp", "x")
    assert r.renamenx("tmp", "k2") is True
    assert c2.read() == b"x"
    assert r.lrange("out", 0, -1) == [b"x"]
    assert r.exists("k2") == 0


def test_move_and_copy_unblock(r, clients, server):
    c1, c2, c3 = clients(3)
    c1.execute("SELECT", "2")
    block(r, c1, "BLPOP", "moved", "0")
    r.rpush("moved", "m")
    assert r.move("moved", 2) is True
    assert c1.read() == [b"moved", b"m"]
    block(r, c2, "BLPOP", "copied", "0")
    r.rpush("src", "s1", "s2")
    assert r.copy("src", "copied") is True
    assert c2.read() == [b"copied", b"s1"]
    assert r.lrange("src", 0, -1) == [b"s1", b"s2"]
    c3.execute("SELECT", "3")
    block(r, c3, "BLPOP", "copied", "0")
    assert r.copy("src", "copied", destination_db=3) is True
    assert c3.read() == [b"copied", b"s1"]


def test_rename_of_other_type_keeps_client_blocked(r, clients):
    """A string renamed, moved or copied onto the name a BLPOP waits on
    does not wake it (no WRONGTYPE reply): Redis serves a blocked client
    only when its key holds a list. The list arriving later does."""
    c = clients()
    block(r, c, "BLPOP", "k", "0")
    r.set("tmp", "str")
    r.rename("tmp", "k")
    r.set("tmp2", "str")
    assert r.copy("tmp2", "k", replace=True) is True
    r.hset("h", "f", "v")
    r.rename("h", "k")
    time.sleep(0.05)
    assert blocked_count(r) == 1
    assert r.type("k") == b"hash"
    r.delete("k")
    r.rpush("k", "v")
    assert c.read() == [b"k", b"v"]


def test_swapdb_unblocks(r, clients, server):
    """SWAPDB brings in another keyspace: clients blocked on keys that now
    exist are served (Redis's scanDatabaseForReadyKeys)."""
    c1, c2 = clients(2)
    c1.execute("SELECT", "5")
    block(r, c1, "BLPOP", "k", "0")
    block(r, c2, "BLPOP", "other", "0")
    r.rpush("k", "from-db0")
    assert r.swapdb(0, 5) is True
    assert c1.read() == [b"k", b"from-db0"]
    time.sleep(0.05)
    assert blocked_count(r) == 1   # c2's key exists in neither db
    r.rpush("other", "o")
    assert c2.read() == [b"other", b"o"]


# --------------------------------------------------------------------------
# FIFO order
# --------------------------------------------------------------------------

def test_fifo_order(r, clients):
    c1, c2, c3 = clients(3)
    block(r, c1, "BLPOP", "k", "0")
    block(r, c2, "BRPOP", "k", "0")
    block(r, c3, "BLPOP", "k", "0")
    r.rpush("k", "a", "b")
    assert c1.read() == [b"k", b"a"]
    assert c2.read() == [b"k", b"b"]
    wait_blocked(r, 1)
    r.rpush("k", "c")
    assert c3.read() == [b"k", b"c"]
    assert r.exists("k") == 0


def test_fifo_many_clients(r, clients):
    cs = clients(20)
    for c in cs:
        block(r, c, "BLPOP", "q", "0")
    r.rpush("q", *range(20))
    for i, c in enumerate(cs):
        assert c.read() == [b"q", str(i).encode()]
    assert blocked_count(r) == 0


def test_rerun_keeps_place(r, clients):
    c1, c2 = clients(2)
    block(r, c1, "BLPOP", "k", "0")
    block(r, c2, "BLPOP", "k", "0")
    # the key gets data and loses it within one transaction: nobody is
    # served, nobody loses their place
    p = r.pipeline(transaction=True)
    p.rpush("k", "gone")
    p.lpop("k")
    p.execute()
    time.sleep(0.05)
    assert blocked_count(r) == 2
    r.rpush("k", "v1")
    assert c1.read() == [b"k", b"v1"]
    r.rpush("k", "v2")
    assert c2.read() == [b"k", b"v2"]


def test_fifo_across_keys(r, clients):
    c1, c2 = clients(2)
    block(r, c1, "BLPOP", "k1", "k2", "0")
    block(r, c2, "BLPOP", "k2", "0")
    r.rpush("k2", "a")
    assert c1.read() == [b"k2", b"a"]
    r.rpush("k2", "b")
    assert c2.read() == [b"k2", b"b"]


# --------------------------------------------------------------------------
# Timeouts
# --------------------------------------------------------------------------

def test_timeout(r, clients):
    c = clients()
    t0 = time.monotonic()
    block(r, c, "BLPOP", "k", "0.3")
    c.conn.send_command("PING")
    assert c.read(timeout=5) is None
    elapsed = time.monotonic() - t0
    assert 0.25 <= elapsed < 2.0
    assert c.read() == "PONG"
    assert blocked_count(r) == 0


def test_timeout_replies(r, clients):
    c = clients()
    c.conn.send_command("BLMOVE", "k", "d", "LEFT", "LEFT", "0.05")
    assert c.conn.read_reply(timeout=5) == b"$-1\r\n"
    c.conn.send_command("BRPOPLPUSH", "k", "d", "0.05")
    assert c.conn.read_reply(timeout=5) == b"$-1\r\n"
    c.conn.send_command("BLMPOP", "0.05", "1", "k", "LEFT")
    assert c.conn.read_reply(timeout=5) == b"*-1\r\n"
    c.conn.send_command("BRPOP", "k", "0.05")
    assert c.conn.read_reply(timeout=5) == b"*-1\r\n"


def test_timeout_resp3(r, clients):
    c = clients(1, proto=3)
    c.conn.send_command("BLPOP", "k", "0.05")
    assert c.conn.read_reply(timeout=5) == b"_\r\n"
    c.conn.send_command("BLMOVE", "k", "d", "LEFT", "LEFT", "0.05")
    assert c.conn.read_reply(timeout=5) == b"_\r\n"


def test_several_clients_with_timeouts(r, clients):
    c1, c2, c3 = clients(3)
    t0 = time.monotonic()
    block(r, c1, "BLPOP", "k", "0.2")
    block(r, c2, "BLPOP", "k", "0")
    block(r, c3, "BLPOP", "k", "0.6")
    assert c1.read(timeout=5) is None
    assert time.monotonic() - t0 < 0.6
    wait_blocked(r, 2)
    r.rpush("k", "v")
    assert c2.read() == [b"k", b"v"]
    assert c3.read(timeout=5) is None
    assert time.monotonic() - t0 >= 0.55
    assert blocked_count(r) == 0


def test_small_float_timeout(r, clients):
    c = clients()
    t0 = time.monotonic()
    c.conn.send_command("BLPOP", "k", "0.001")
    assert c.read(timeout=5) is None
    assert time.monotonic() - t0 < 1.0


# --------------------------------------------------------------------------
# Transactions
# --------------------------------------------------------------------------

def test_push_in_multi_unblocks_after_exec(r, clients):
    c, tx = clients(2)
    block(r, c, "BLPOP", "k", "0")
    tx.execute("MULTI")
    tx.execute("RPUSH", "k", "a", "b")
    tx.execute("LRANGE", "k", "0", "-1")
    tx.execute("RPUSH", "k", "c")
    # the transaction sees all of its own pushes; the blocked client is
    # served only after the EXEC
    assert tx.execute("EXEC") == [2, [b"a", b"b"], 3]
    assert c.read() == [b"k", b"a"]
    assert r.lrange("k", 0, -1) == [b"b", b"c"]


def test_blocking_command_inside_multi_does_not_block(r, clients):
    c = clients()
    c.execute("MULTI")
    c.execute("BLPOP", "k", "0")
    c.execute("RPUSH", "k", "v")
    c.execute("BLPOP", "k", "0")
    assert c.execute("EXEC") == [None, 1, [b"k", b"v"]]
    assert blocked_count(r) == 0


def test_scripts_push_unblocks(r, clients):
    try:
        r.eval("return 1", 0)
    except Exception as e:  # noqa: BLE001 - any error means no scripting yet
        pytest.skip("scripting not available: %s" % e)
    c = clients()
    block(r, c, "BLPOP", "k", "0")
    assert r.eval("redis.call('rpush', KEYS[1], 'a'); "
                  "return redis.call('blpop', KEYS[1], 0)", 1, "k") == [b"k", b"a"]
    assert r.eval("return redis.call('blpop', KEYS[1], 0)", 1, "k") is None
    r.eval("redis.call('rpush', KEYS[1], 'x')", 1, "k")
    assert c.read() == [b"k", b"x"]


# --------------------------------------------------------------------------
# CLIENT UNBLOCK, INFO, CLIENT LIST
# --------------------------------------------------------------------------

def test_client_unblock_timeout(r, clients):
    c = clients()
    cid = client_id(c)
    block(r, c, "BLPOP", "k", "0")
    assert r.execute_command("CLIENT", "UNBLOCK", cid) == 1
    assert c.read() is None
    assert blocked_count(r) == 0
    assert r.execute_command("CLIENT", "UNBLOCK", cid) == 0
    block(r, c, "BLMOVE", "k", "d", "LEFT", "LEFT", "0")
    assert r.execute_command("CLIENT", "UNBLOCK", cid, "TIMEOUT") == 1
    # BLMOVE's timeout reply is a null bulk
    assert c.conn.read_reply() == b"$-1\r\n"


def test_client_unblock_error(r, clients):
    c = clients()
    cid = client_id(c)
    block(r, c, "BRPOP", "k", "0")
    assert r.execute_command("CLIENT", "UNBLOCK", cid, "ERROR") == 1
    with pytest.raises(ReplyError) as e:
        c.read()
    assert e.value.text == "UNBLOCKED client unblocked via CLIENT UNBLOCK"
    # the client works normally afterwards and is no longer a waiter
    assert c.execute("PING") == "PONG"
    r.rpush("k", "v")
    assert r.lrange("k", 0, -1) == [b"v"]


def test_info_and_client_list(r, clients):
    c1, c2 = clients(2)
    assert blocked_count(r) == 0
    block(r, c1, "BLPOP", "a", "b", "0")
    block(r, c2, "BLMOVE", "b", "x", "LEFT", "LEFT", "0")
    info = r.info("clients")
    assert info["blocked_clients"] == 2
    assert info["total_blocking_keys"] == 2
    listing = r.execute_command("CLIENT", "LIST")
    if isinstance(listing, bytes):
        listing = listing.decode()
    lines = {l.split(" cmd=")[1].split(" ")[0]: l for l in listing.splitlines()}
    assert " flags=b " in lines["blpop"]
    assert " flags=b " in lines["blmove"]
    r.rpush("b", "v")
    assert c1.read() == [b"b", b"v"]
    wait_blocked(r, 1)
    r.rpush("b", "w")
    assert c2.read() == b"w"
    assert blocked_count(r) == 0
    assert int(r.info("clients")["total_blocking_keys"]) == 0


# --------------------------------------------------------------------------
# Connections and databases
# --------------------------------------------------------------------------

def test_disconnect_while_blocked(r, clients, server):
    c1, c2 = clients(2)
    block(r, c1, "BLPOP", "k", "0")
    block(r, c2, "BLPOP", "k", "0")
    c1.close()
    wait_blocked(r, 1)
    r.rpush("k", "v")
    assert c2.read() == [b"k", b"v"]
    c3 = clients()
    block(r, c3, "BLPOP", "k", "0")
    c3.close()
    wait_blocked(r, 0)
    r.rpush("k", "kept")
    assert r.lrange("k", 0, -1) == [b"kept"]


def test_pipelined_commands_wait(r, clients):
    c = clients()
    c.conn.send(b"*3\r\n$5\r\nBLPOP\r\n$1\r\nk\r\n$1\r\n0\r\n*1\r\n$4\r\nPING\r\n"
                b"*2\r\n$4\r\nLLEN\r\n$1\r\nk\r\n")
    wait_blocked(r, 1)
    r.rpush("k", "a", "b")
    assert c.read() == [b"k", b"a"]
    assert c.read() == "PONG"
    assert c.read() == 1


def test_databases_are_separate(r, clients, server):
    c = clients()
    c.execute("SELECT", "1")
    block(r, c, "BLPOP", "k", "0")
    r.rpush("k", "db0")
    time.sleep(0.05)
    assert blocked_count(r) == 1
    r1 = server.client(db=1)
    try:
        r1.rpush("k", "db1")
        assert c.read() == [b"k", b"db1"]
    finally:
        r1.close()
    assert r.lrange("k", 0, -1) == [b"db0"]


def test_many_keys(r, clients):
    c = clients()
    keys = ["key:%d" % i for i in range(200)]
    block(r, c, "BLPOP", *keys, "0")
    r.rpush("key:199", "last")
    assert c.read() == [b"key:199", b"last"]
    assert int(r.info("clients")["total_blocking_keys"]) == 0


def test_wrong_type_after_blocking(r, clients):
    """A key that becomes a string while a client waits on it does not wake
    the client; the list arriving later does."""
    c = clients()
    block(r, c, "BLPOP", "k", "0")
    r.set("k", "str")
    time.sleep(0.05)
    assert blocked_count(r) == 1
    r.delete("k")
    r.rpush("k", "v")
    assert c.read() == [b"k", b"v"]
