"""Server events, keyspace subscriptions and the unload hook (SDK 1.2),
with the test module tests/modules/sdkevents.c, which logs every event it
gets (EVT.LOG returns and clears the lines). Each test checks the exact
lines in order: the event, its sub-event and its data.
"""

import os
import time

import pytest

from modis_helpers import RespClient, Server

pytestmark = pytest.mark.modis_only

BUILDDIR = os.environ.get("MODIS_BUILDDIR") or os.path.join(
    os.path.dirname(__file__), "..", "..")


def module_path(name):
    path = os.path.join(BUILDDIR, "tests", "modules", ".libs", name + ".so")
    if not os.path.exists(path):
        pytest.skip("%s not built (the test modules are built by `make check`)" % path)
    return os.path.abspath(path)


@pytest.fixture
def ev(server):
    c = RespClient(server.port)
    c.execute("MODULE", "LOAD", module_path("sdkevents"))
    c.execute("EVT.LOG")
    yield c
    c.execute("EVT.REFUSE")
    c.execute("MODULE", "UNLOAD", "sdkevents")
    c.close()


def log(c, keep_clients=False):
    lines = [x.decode() for x in c.execute("EVT.LOG")]
    return [x for x in lines if keep_clients or not x.startswith("client ")]


def test_keyspace_events_whatever_the_config(ev, restore_config):
    restore_config("notify-keyspace-events")
    ev.execute("CONFIG", "SET", "notify-keyspace-events", "")
    ev.execute("SET", "a", "1")
    ev.execute("GET", "nokey")
    ev.execute("HSET", "h", "f", "v")
    ev.execute("RPUSH", "l", "x")
    ev.execute("EXPIRE", "a", "100")
    ev.execute("DEL", "a", "h")
    ev.execute("SELECT", "5")
    ev.execute("SET", "b", "2", "PX", "1")
    time.sleep(0.01)
    ev.execute("GET", "b")
    ev.execute("SELECT", "0")
    assert log(ev) == [
        "key n new db=0 a", "key $ set db=0 a",
        "key m keymiss db=0 nokey",
        "key n new db=0 h", "key h hset db=0 h",
        "key n new db=0 l", "key l rpush db=0 l",
        "key g expire db=0 a",
        "key g del db=0 a", "key g del db=0 h",
        "key n new db=5 b", "key $ set db=5 b", "key g expire db=5 b",
        "key x expired db=5 b", "key m keymiss db=5 b"]


def test_keyspace_subscription_by_class(ev):
    ev.execute("EVT.KEYS", "4")          # generic only
    ev.execute("SET", "a", "1")
    ev.execute("DEL", "a")
    ev.execute("EVT.KEYS", "0")          # none
    ev.execute("SET", "a", "1")
    ev.execute("EVT.KEYS", "8")          # strings
    ev.execute("SET", "a", "2")
    assert log(ev) == ["key g del db=0 a", "key $ set db=0 a"]


def test_flush_and_swapdb(ev):
    ev.execute("SET", "a", "1")
    ev.execute("SET", "b", "1")
    ev.execute("EVT.KEYS", "0")
    log(ev)
    ev.execute("FLUSHALL")
    ev.execute("SELECT", "3")
    ev.execute("SET", "c", "1")
    ev.execute("FLUSHDB", "ASYNC")
    ev.execute("SELECT", "0")
    ev.execute("SWAPDB", "0", "1")
    ev.execute("SWAPDB", "2", "2")
    assert log(ev) == [
        "flush start db=-1 async=0 keys=2", "flush end db=-1 async=0 keys=0",
        "flush start db=3 async=1 keys=1", "flush end db=3 async=1 keys=0",
        "swapdb 0 1", "swapdb 2 2"]


def wait_no_child(c):
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        info = c.execute("INFO", "persistence").decode()
        if "rdb_bgsave_in_progress:0" in info and "aof_rewrite_in_progress:0" in info:
            return
        time.sleep(0.01)
    raise AssertionError("the child did not finish")


def test_persistence_and_fork(ev):
    ev.execute("EVT.KEYS", "0")
    ev.execute("SET", "a", "1")
    ev.execute("SAVE")
    assert log(ev) == ["persistence sync-rdb-start", "persistence ended"]
    ev.execute("BGSAVE")
    wait_no_child(ev)
    assert log(ev) == ["fork born", "persistence rdb-start", "fork died", "persistence ended"]
    ev.execute("BGREWRITEAOF")
    wait_no_child(ev)
    assert log(ev) == ["fork born", "persistence aof-start", "fork died", "persistence ended"]


def test_debug_reload_loads_with_loaded_keys(ev):
    ev.execute("EVT.KEYS", str(1 << 12))   # loaded
    ev.execute("SET", "a", "1")
    ev.execute("SELECT", "2")
    ev.execute("SET", "b", "1")
    ev.execute("SELECT", "0")
    ev.execute("DEBUG", "RELOAD")
    lines = log(ev)
    assert lines[:3] == ["persistence sync-rdb-start", "persistence ended", "loading rdb-start"]
    assert sorted(lines[3:5]) == ["key L loaded db=0 a", "key L loaded db=2 b"]
    assert lines[5:] == ["loading ended"]


def test_clients_and_modules(ev, server):
    c = RespClient(server.port)
    cid = c.execute("CLIENT", "ID")
    c.close()
    lines = []
    deadline = time.monotonic() + 5
    while len([x for x in lines if "id=%d " % cid in x]) < 2 and time.monotonic() < deadline:
        lines += log(ev, keep_clients=True)
        time.sleep(0.01)
    mine = [x for x in lines if "id=%d " % cid in x]
    assert mine[0].startswith("client connected id=%d addr=127.0.0.1:" % cid)
    assert mine[1] == mine[0].replace("connected", "disconnected")
    assert len(mine) == 2
    ev.execute("MODULE", "LOAD", module_path("tiny"))
    ev.execute("MODULE", "UNLOAD", "tiny")
    lines = log(ev)
    assert lines[0].startswith("module loaded name=tiny ver=")
    assert lines[1] == lines[0].replace("loaded", "unloaded")
    assert len(lines) == 2


def test_cron_with_hz(ev, restore_config):
    restore_config("hz")
    ev.execute("CONFIG", "SET", "hz", "50")
    ev.execute("EVT.CRON", "on")
    time.sleep(0.3)
    ev.execute("EVT.CRON", "off")
    n, hz = ev.execute("EVT.CRONS")
    assert n >= 5 and hz == 50
    time.sleep(0.1)
    assert ev.execute("EVT.CRONS")[0] == n


def test_unload_refused_by_the_module(ev):
    ev.execute("EVT.REFUSE", "still flushing a buffer")
    try:
        ev.execute("MODULE", "UNLOAD", "sdkevents")
        raise AssertionError("MODULE UNLOAD succeeded")
    except Exception as e:
        assert str(e) == "ERR Error unloading module: module 'sdkevents' refused to unload: " \
                         "still flushing a buffer"
    # still loaded and subscribed
    ev.execute("SET", "a", "1")
    assert log(ev) == ["key n new db=0 a", "key $ set db=0 a"]


def test_unsubscribed_at_unload(server):
    c = RespClient(server.port)
    try:
        c.execute("MODULE", "LOAD", module_path("sdkevents"))
        c.execute("MODULE", "UNLOAD", "sdkevents")
        # events with nobody subscribed
        c.execute("SET", "a", "1")
        c.execute("FLUSHALL")
        c2 = RespClient(server.port)
        c2.close()
        c.execute("MODULE", "LOAD", module_path("sdkevents"))
        c.execute("SET", "a", "1")
        assert log(c)[-2:] == ["key n new db=0 a", "key $ set db=0 a"]
        c.execute("MODULE", "UNLOAD", "sdkevents")
    finally:
        c.close()


def test_loading_at_start_up_and_shutdown(tmp_path):
    mod = module_path("sdkevents")
    srv = Server(["--save", "", "--loadmodule", mod], dir=str(tmp_path)).start()
    try:
        c = RespClient(srv.port)
        c.execute("SET", "k", "v")
        c.execute("SAVE")
        c.close()
    finally:
        srv.stop()
    srv = Server(["--loadmodule", mod, str(1 << 12)], dir=str(tmp_path)).start()
    try:
        c = RespClient(srv.port)
        lines = [x.decode() for x in c.execute("EVT.LOG")]
        assert lines[:4] == ["module loaded name=sdkevents ver=7", "loading rdb-start",
                             "key L loaded db=0 k", "loading ended"]
        c.execute("SHUTDOWN", "NOSAVE")
        c.close()
    except ConnectionError:
        pass
    deadline = time.monotonic() + 5
    while srv.alive() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert "sdkevents: shutdown" in srv.log()
    srv.stop()


def test_aof_loading(tmp_path):
    mod = module_path("sdkevents")
    args = ["--appendonly", "yes", "--loadmodule", mod]
    srv = Server(args, dir=str(tmp_path)).start()
    try:
        c = RespClient(srv.port)
        c.execute("SET", "k", "v")
        c.close()
    finally:
        srv.stop()
    srv = Server(args, dir=str(tmp_path)).start()
    try:
        c = RespClient(srv.port)
        lines = [x.decode() for x in c.execute("EVT.LOG")]
        c.close()
    finally:
        srv.stop()
    assert lines[:5] == ["module loaded name=sdkevents ver=7", "loading aof-start",
                         "key n new db=0 k", "key $ set db=0 k", "loading ended"]
