"""Blocking beyond re-running the same argv (SDK 1.2), with the test module
tests/modules/sdkblock.c:

- md_block_on_keys_ex: the argv a ready key re-runs the command with (the
  `$` of XREAD BLOCK becomes the value at block time), private data kept
  across re-runs and released on every way out, a timeout callback, the
  null timeout reply, FIFO order per key with re-blocked clients keeping
  their place, the non-blocking form inside MULTI;
- md_block_client: unblocked by another client's command and by a timer
  (the module's cron hook), by a background thread replying through its
  thread context or with private data for on_reply, timeouts, errors
  built on the thread counted in INFO errorstats, disconnections;
- CLIENT UNBLOCK [TIMEOUT|ERROR] for every kind of blocked client, with
  Redis's rule that a module's client without a timeout callback cannot
  be unblocked; MODULE UNLOAD refused while a handle is outstanding.

Blocked clients are raw RESP connections: the test sends the command,
waits until INFO says it is blocked, acts, then reads the exact bytes."""

import os
import threading
import time

import pytest

from modis_helpers import RawConn, RespClient

pytestmark = pytest.mark.modis_only

BUILDDIR = os.environ.get("MODIS_BUILDDIR") or os.path.join(
    os.path.dirname(__file__), "..", "..")
UNBLOCKED = b"-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n"


def module_path(name):
    path = os.path.join(BUILDDIR, "tests", "modules", ".libs", name + ".so")
    if not os.path.exists(path):
        pytest.skip("%s not built (the test modules are built by `make check`)" % path)
    return os.path.abspath(path)


@pytest.fixture
def bk(server):
    """The shared server with sdkblock loaded; checks at the end that every
    private data block was released and no handle is left."""
    c = RespClient(server.port)
    c.execute("MODULE", "LOAD", module_path("sdkblock"))
    yield c
    wait_for(lambda: c.execute("BK.STATS")[2] == 0 and blocked(c) == 0)
    alloc, freed, _ = c.execute("BK.STATS")
    assert alloc == freed
    c.execute("FLUSHALL")
    c.execute("MODULE", "UNLOAD", "sdkblock")
    c.close()


@pytest.fixture
def conns(server):
    made = []

    def make(proto=2):
        c = RawConn(server.port)
        if proto == 3:
            c.call("HELLO", "3")
        made.append(c)
        return c

    yield make
    for c in made:
        c.close()


def blocked(c):
    info = c.execute("INFO", "clients").decode()
    return int(info.split("blocked_clients:")[1].split("\r\n")[0])


def wait_for(cond, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return
        time.sleep(0.005)
    raise AssertionError("condition not met in %ss" % timeout)


def block(bk, conn, *cmd):
    before = blocked(bk)
    conn.send_command(*cmd)
    wait_for(lambda: blocked(bk) == before + 1)


def client_id(conn):
    reply = conn.call("CLIENT", "ID")
    return int(reply[1:-2])


def idle(conn, wait=0.1):
    assert conn.read_available(wait) == b""


# --------------------------------------------------------------------------
# md_block_on_keys_ex
# --------------------------------------------------------------------------

def test_next_rewrites_argv_and_keeps_private_data(bk, conns):
    """The baseline is the value at block time, carried in the rewritten
    argv: re-runs that see no progress block again (each with new private
    data, the old one released) and keep counting."""
    c = conns()
    assert bk.execute("BK.ADD", "k", "10") == 10
    block(bk, c, "BK.NEXT", "k", "0")
    assert b"cmd=bk.next" in bk.execute("CLIENT", "LIST")
    assert bk.execute("BK.ADD", "k", "-5") == 5
    idle(c)
    assert bk.execute("BK.ADD", "k", "5") == 10
    idle(c)
    assert bk.execute("BK.ADD", "k", "2") == 12
    assert c.read_reply() == b"*3\r\n:12\r\n:10\r\n:2\r\n"
    assert blocked(bk) == 0
    alloc, freed, _ = bk.execute("BK.STATS")
    assert alloc == freed == 3


def test_next_on_an_empty_key_and_explicit_baseline(bk, conns):
    c = conns()
    block(bk, c, "BK.NEXT", "k", "0")
    bk.execute("BK.ADD", "k", "1")
    assert c.read_reply() == b"*3\r\n:1\r\n:0\r\n:0\r\n"
    assert c.call("BK.NEXT", "k", "0", "0") == b"*3\r\n:1\r\n:0\r\n:0\r\n"


def test_timeout_callback_replies(bk, conns):
    c = conns()
    bk.execute("BK.ADD", "k", "3")
    t0 = time.monotonic()
    c.send_command("BK.NEXT", "k", "150")
    assert c.read_reply() == b"*3\r\n+timeout\r\n:3\r\n:0\r\n"
    assert time.monotonic() - t0 >= 0.14
    # a re-run that blocked again keeps the first deadline and its count
    block(bk, c, "BK.NEXT", "k", "200")
    bk.execute("BK.ADD", "k", "0")
    assert c.read_reply() == b"*3\r\n+timeout\r\n:3\r\n:1\r\n"


def test_timeout_callback_in_resp3(bk, conns):
    c = conns(3)
    c.send_command("BK.NEXT", "k", "50")
    assert c.read_reply() == b"*3\r\n+timeout\r\n:0\r\n:0\r\n"
    c.send_command("BK.TAKE", "k", "50")
    assert c.read_reply() == b"_\r\n"


def test_take_serves_fifo_and_reblocked_clients_keep_their_place(bk, conns):
    c1, c2, c3 = conns(), conns(), conns()
    for c in (c1, c2, c3):
        block(bk, c, "BK.TAKE", "k", "0")
    bk.execute("BK.ADD", "k", "0")     # all re-run, all block again, in order
    assert blocked(bk) == 3
    assert bk.execute("BK.ADD", "k", "1") == 1
    assert c1.read_reply() == b":0\r\n"
    idle(c2, 0.05)
    idle(c3, 0.05)
    assert bk.execute("BK.ADD", "k", "2") == 2
    assert c2.read_reply() == b":1\r\n"
    assert c3.read_reply() == b":0\r\n"
    assert bk.execute("BK.ADD", "k", "0") == 0


def test_take_null_timeout_reply(bk, conns):
    c = conns()
    c.send_command("BK.TAKE", "k", "50")
    assert c.read_reply() == b"$-1\r\n"


def test_inside_multi_the_non_blocking_form(bk, conns):
    c = conns()
    assert c.call("MULTI") == b"+OK\r\n"
    assert c.call("BK.NEXT", "k", "0") == b"+QUEUED\r\n"
    assert c.call("BK.TAKE", "k", "0") == b"+QUEUED\r\n"
    assert c.call("EXEC") == b"*2\r\n*-1\r\n$-1\r\n"
    _, freed, _ = bk.execute("BK.STATS")
    assert freed == 1


def test_priv_outside_a_rerun_is_null(bk):
    assert bk.execute("BK.PRIV") is None


def test_client_unblock_on_keys_uses_the_timeout_callback(bk, conns):
    c = conns()
    bk.execute("BK.ADD", "k", "7")
    block(bk, c, "BK.NEXT", "k", "0")
    assert bk.execute("CLIENT", "UNBLOCK", client_id_of(bk, "bk.next")) == 1
    assert c.read_reply() == b"*3\r\n+timeout\r\n:7\r\n:0\r\n"
    block(bk, c, "BK.NEXT", "k", "0")
    assert bk.execute("CLIENT", "UNBLOCK", client_id_of(bk, "bk.next"), "ERROR") == 1
    assert c.read_reply() == UNBLOCKED
    block(bk, c, "BK.TAKE", "k2", "0")
    assert bk.execute("CLIENT", "UNBLOCK", client_id_of(bk, "bk.take"), "TIMEOUT") == 1
    assert c.read_reply() == b"$-1\r\n"
    # the connection goes on as usual
    assert c.call("PING") == b"+PONG\r\n"


def test_disconnect_releases_private_data(bk, conns):
    c = conns()
    block(bk, c, "BK.NEXT", "k", "0")
    c.close()
    wait_for(lambda: blocked(bk) == 0)
    alloc, freed, _ = bk.execute("BK.STATS")
    assert alloc == freed == 1


def client_id_of(bk, cmd):
    for line in bk.execute("CLIENT", "LIST").decode().splitlines():
        fields = line.split()
        if "cmd=" + cmd in fields and "flags=b" in fields:
            return int(fields[0][3:])
    raise AssertionError("no client running %s" % cmd)


# --------------------------------------------------------------------------
# md_block_client, md_unblock, md_thread_ctx
# --------------------------------------------------------------------------

def test_thread_replies_through_its_context(bk, conns):
    c2, c3 = conns(), conns(3)
    assert c2.call("BK.THREAD", "ctx", "30") == b"*2\r\n$6\r\nthread\r\n:30\r\n"
    assert c3.call("BK.THREAD", "ctx", "20") == b"*2\r\n$6\r\nthread\r\n:20\r\n"


def test_thread_hands_private_data_to_on_reply(bk, conns):
    c = conns()
    assert c.call("BK.THREAD", "priv", "40") == b":40\r\n"
    alloc, freed, _ = bk.execute("BK.STATS")
    assert alloc == freed == 1


def test_thread_error_is_counted_when_delivered(bk, conns):
    c = conns()
    before = errors(bk)
    assert c.call("BK.THREAD", "error", "20") == b"-ERR from thread\r\n"
    assert errors(bk) == before + 1


def errors(c):
    info = c.execute("INFO", "errorstats").decode()
    for line in info.splitlines():
        if line.startswith("errorstat_ERR:count="):
            return int(line.split("=")[1])
    return 0


def test_thread_timeout_then_the_late_unblock_is_dropped(bk, conns):
    c = conns()
    t0 = time.monotonic()
    assert c.call("BK.THREAD", "ctx", "300", "60") == b"+TIMEDOUT\r\n"
    assert time.monotonic() - t0 < 0.25
    # the thread still owns its handle: unloading waits for md_unblock()
    assert bk.execute("BK.STATS")[2] == 1
    err = error_of(bk, "MODULE", "UNLOAD", "sdkblock")
    assert err == "ERR Error unloading module: module 'sdkblock' has 1 client(s) blocked in " \
                  "its commands"
    wait_for(lambda: bk.execute("BK.STATS")[2] == 0)
    time.sleep(0.05)
    idle(c)  # the thread's reply went nowhere
    assert c.call("PING") == b"+PONG\r\n"


def error_of(c, *args):
    try:
        c.execute(*args)
    except Exception as e:  # ReplyError
        return str(e)
    raise AssertionError("%r did not fail" % (args,))


def test_no_timeout_callback_without_on_timeout_replies_null(bk, conns):
    c = conns()
    assert c.call("BK.THREAD", "nocb", "300", "50") == b"$-1\r\n"


def test_client_unblock_of_thread_clients(bk, conns):
    c = conns()
    block(bk, c, "BK.THREAD", "ctx", "300")
    assert bk.execute("CLIENT", "UNBLOCK", client_id_of(bk, "bk.thread")) == 1
    assert c.read_reply() == b"+TIMEDOUT\r\n"
    block(bk, c, "BK.THREAD", "ctx", "300")
    assert bk.execute("CLIENT", "UNBLOCK", client_id_of(bk, "bk.thread"), "ERROR") == 1
    assert c.read_reply() == UNBLOCKED
    # without a timeout callback the module's client cannot be unblocked
    block(bk, c, "BK.THREAD", "nocb", "200")
    cid = client_id_of(bk, "bk.thread")
    assert bk.execute("CLIENT", "UNBLOCK", cid) == 0
    assert bk.execute("CLIENT", "UNBLOCK", cid, "ERROR") == 0
    assert c.read_reply() == b"*2\r\n$6\r\nthread\r\n:200\r\n"
    # not blocked, or no such client
    assert bk.execute("CLIENT", "UNBLOCK", cid) == 0
    assert bk.execute("CLIENT", "UNBLOCK", "999999") == 0


def test_disconnect_while_a_thread_works(bk, conns):
    c = conns()
    block(bk, c, "BK.THREAD", "priv", "100")
    c.close()
    wait_for(lambda: blocked(bk) == 0)
    wait_for(lambda: bk.execute("BK.STATS")[2] == 0)
    time.sleep(0.05)
    alloc, freed, _ = bk.execute("BK.STATS")
    assert alloc == freed == 1


def test_many_threads_at_once(bk, server):
    n = 40
    replies = [None] * n

    def run(i):
        c = RawConn(server.port)
        try:
            replies[i] = c.call("BK.THREAD", "ctx" if i % 2 else "priv", str(5 + i % 7))
        finally:
            c.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    for i, r in enumerate(replies):
        ms = 5 + i % 7
        expect = (b"*2\r\n$6\r\nthread\r\n:%d\r\n" % ms) if i % 2 else b":%d\r\n" % ms
        assert r == expect


def test_held_client_released_by_another_client(bk, conns):
    c = conns()
    block(bk, c, "BK.HOLD")
    assert b"flags=b " in bk.execute("CLIENT", "LIST")
    assert bk.execute("BK.RELEASE", "hello") == 1
    assert c.read_reply() == b"$5\r\nhello\r\n"
    assert bk.execute("BK.RELEASE", "nobody") == 0


def test_held_client_released_by_a_timer(bk, conns):
    c = conns()
    t0 = time.monotonic()
    assert c.call("BK.HOLD", "100") == b"$4\r\ncron\r\n"
    assert time.monotonic() - t0 >= 0.09


def test_unblocked_held_client_is_released_later(bk, conns):
    c = conns()
    block(bk, c, "BK.HOLD")
    assert bk.execute("CLIENT", "UNBLOCK", client_id_of(bk, "bk.hold"), "ERROR") == 1
    assert c.read_reply() == UNBLOCKED
    assert bk.execute("BK.STATS")[2] == 1      # the module still holds it
    assert bk.execute("BK.RELEASE", "late") == 1
    idle(c)


def test_inside_multi_block_client_is_refused(bk, conns):
    c = conns()
    c.call("MULTI")
    c.call("BK.HOLD")
    assert c.call("EXEC") == b"*1\r\n-ERR cannot block here\r\n"
