"""MODULE UPGRADE, MODULE UNLOAD refusals and FLUSHTYPE (Modis only).

Each test starts its own server. Real data-type modules are upgraded to a
copy of their own .so (another path, so the dynamic loader opens a second
build) under a write load; the test module tests/modules/layout.c, built as
several builds (layout_v1, layout_v1b: same value layout; layout_v2: another
layout; layout_x*: builds that must be refused), covers conversion through
RDB and every refusal. Error texts are Modis's own and checked exactly.
"""

import os
import re
import shutil
import threading

import pytest

from modis_helpers import REPO, error_of, wait_blocked

pytestmark = pytest.mark.modis_only

BUILDDIR = os.environ.get("MODIS_BUILDDIR") or REPO
UP = "ERR Error upgrading module: "
UN = "ERR Error unloading module: "


def build_path(name):
    path = os.path.join(BUILDDIR, "tests", "modules", ".libs", name + ".so")
    if not os.path.exists(path):
        pytest.skip("%s not built (the test modules are built by `make check`)" % path)
    return path


def module_info(c, name):
    for entry in c.execute("MODULE", "LIST"):
        d = dict(zip(entry[0::2], entry[1::2]))
        if d[b"name"] == name.encode():
            return d
    return None


def copy_build(c, name, tmp_path):
    """A copy of the loaded build of module `name` under tmp_path."""
    src = module_info(c, name)[b"path"].decode()
    dst = str(tmp_path / ("%s-new.so" % name))
    shutil.copyfile(src, dst)
    return dst


def snapshot(c, dbs=(0,)):
    """{(db, key): (DUMP payload, PEXPIRETIME)} of every key."""
    out = {}
    for db in dbs:
        c.execute("SELECT", db)
        for k in c.execute("KEYS", "*"):
            out[(db, k)] = (c.execute("DUMP", k), c.execute("PEXPIRETIME", k))
    c.execute("SELECT", 0)
    return out


def populate(c):
    """Values of every encoding of the built-in types, some with TTLs."""
    far = 4102444800000  # 2100-01-01, absolute so PEXPIRETIME compares exactly
    big = ["m%d" % i for i in range(300)]
    c.execute("SET", "s:int", "12345")
    c.execute("SET", "s:emb", "short")
    c.execute("SET", "s:raw", "x" * 100)
    c.execute("RPUSH", "l:lp", "a", "b", "c")
    c.execute("RPUSH", "l:ql", *big)
    c.execute("HSET", "h:lp", "f", "v")
    c.execute("HSET", "h:ht", *[x for m in big for x in (m, m)])
    c.execute("HSET", "h:ttl", "f1", "v1", "f2", "v2")
    c.execute("HPEXPIREAT", "h:ttl", far, "FIELDS", 1, "f1")
    c.execute("SADD", "set:int", 1, 2, 3)
    c.execute("SADD", "set:lp", "a", "b")
    c.execute("SADD", "set:ht", *big)
    c.execute("ZADD", "z:lp", 1, "a", 2, "b")
    c.execute("ZADD", "z:sl", *[x for i, m in enumerate(big) for x in (i, m)])
    c.execute("XADD", "x:1", "1-1", "f", "v")
    for k in ("s:int", "l:ql", "h:ht", "set:int", "z:sl", "x:1"):
        c.execute("PEXPIREAT", k, far)


def writer(port, n, prefix, log, stop):
    """Write to keys of its own, of every type, until stop is set (and at
    least n commands); log[(kind, key)] is what each key must hold."""
    from modis_helpers import RespClient
    c = RespClient(port)
    i = 0
    while not stop.is_set() or i < n:
        key = "%s:%d:%d" % (prefix, i % 5, i % 3)
        kind = i % 5
        if kind == 0:
            c.execute("RPUSH", key, i)
            log.setdefault(("list", key), []).append(str(i).encode())
        elif kind == 1:
            c.execute("HSET", key, "f%d" % i, i)
            log.setdefault(("hash", key), {})[b"f%d" % i] = str(i).encode()
        elif kind == 2:
            c.execute("SADD", key, i)
            log.setdefault(("set", key), set()).add(str(i).encode())
        elif kind == 3:
            c.execute("ZADD", key, i, "m%d" % i)
            log.setdefault(("zset", key), {})[b"m%d" % i] = i
        else:
            c.execute("SET", key, i, "EX", 1000)
            log[("string", key)] = str(i).encode()
        i += 1
    c.close()


def wait_written(logs, n=15):
    """Until every writer has written each of its n (at most 15) keys: the
    upgrades run under load."""
    import time
    deadline = time.monotonic() + 10
    while any(len(log) < n for log in logs) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert all(len(log) >= n for log in logs)


def check_written(c, log):
    """Each key a writer wrote holds what its log says."""
    for (kind, key), want in log.items():
        if kind == "list":
            assert c.execute("LRANGE", key, 0, -1) == want
        elif kind == "hash":
            got = c.execute("HGETALL", key)
            assert dict(zip(got[0::2], got[1::2])) == want
        elif kind == "set":
            assert set(c.execute("SMEMBERS", key)) == want
        elif kind == "zset":
            got = c.execute("ZRANGE", key, 0, -1, "WITHSCORES")
            assert {m: int(sc) for m, sc in zip(got[0::2], got[1::2])} == want
        else:
            assert c.execute("GET", key) == want
            assert c.execute("TTL", key) > 0


def test_upgrade_builtin_modules_under_load(start_server, tmp_path):
    srv = start_server(["--appendonly", "yes", "--appendfsync", "always"])
    c = srv.resp()
    populate(c)
    c.execute("SELECT", 5)
    c.execute("SET", "db5key", "v")
    c.execute("SELECT", 0)
    before = snapshot(c, (0, 5))
    waiters = {}
    for n, cmd in enumerate((("BLPOP", "waitq", 0), ("BZPOPMIN", "waitz", 0),
                             ("XREAD", "BLOCK", 0, "STREAMS", "waitx", "$"))):
        waiters[cmd[0]] = srv.resp()
        waiters[cmd[0]].conn.send_command(*cmd)
        wait_blocked(srv.client(), n + 1)
    queued = srv.resp()
    assert queued.execute("MULTI") == "OK"
    assert queued.execute("RPUSH", "queued", "q") == "QUEUED"
    stop, logs, threads = threading.Event(), [], []
    for w in range(3):
        logs.append({})
        t = threading.Thread(target=writer, args=(srv.port, 200, "w%d" % w, logs[w], stop))
        t.start()
        threads.append(t)
    wait_written(logs)
    paths = {}
    for name in ("strings", "lists", "hashes", "sets", "zsets", "streams"):
        paths[name] = copy_build(c, name, tmp_path)
        assert c.execute("MODULE", "UPGRADE", name, paths[name]) == "OK"
    stop.set()
    for t in threads:
        t.join()
    for name, path in paths.items():
        assert module_info(c, name)[b"path"] == path.encode()
    # blocked clients stayed blocked and are served by the new builds
    assert c.execute("LPUSH", "waitq", "x") == 1
    assert waiters["BLPOP"].read() == [b"waitq", b"x"]
    assert c.execute("ZADD", "waitz", 1, "m") == 1
    assert waiters["BZPOPMIN"].read() == [b"waitz", b"m", b"1"]
    c.execute("XADD", "waitx", "5-1", "f", "v")
    assert waiters["XREAD"].read() == [[b"waitx", [[b"5-1", [b"f", b"v"]]]]]
    # a command queued before the upgrade runs the new build at EXEC
    assert queued.execute("EXEC") == [1]
    # modules using the upgraded ones' services keep working
    assert c.execute("GEOADD", "g", 13.361389, 38.115556, "a", 15.087269, 37.502669, "b") == 2
    assert c.execute("GEODIST", "g", "a", "b", "km") == b"166.2742"
    assert c.execute("PFADD", "hll", "a", "b", "c") == 1
    assert c.execute("PFCOUNT", "hll") == 3
    assert c.execute("SETBIT", "bits", 7, 1) == 0
    assert c.execute("BITCOUNT", "bits") == 1
    assert c.execute("SORT", "l:lp", "ALPHA", "DESC") == [b"c", b"b", b"a"]
    assert c.execute("ZUNION", 2, "z:lp", "set:lp") == [b"a", b"b"]
    for k in ("waitq", "waitz", "waitx", "queued", "g", "hll", "bits"):
        c.execute("DEL", k)
    after = snapshot(c, (0, 5))
    for key, val in before.items():
        assert after[key] == val, key
    for log in logs:
        check_written(c, log)
    # the AOF written across the upgrades loads back to the same data set
    digest = c.execute("DEBUG", "DIGEST")
    assert restart(srv).execute("DEBUG", "DIGEST") == digest


def restart(srv, *extra):
    """Restart srv in its own directory (so it loads its AOF)."""
    srv.kill()
    srv.own_dir = False
    srv.extra_args = list(srv.extra_args) + list(extra)
    srv.start()
    return srv.resp()


def wait_rewrite(c):
    import time
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        text = c.execute("INFO", "persistence").decode()
        if "aof_rewrite_in_progress:0" in text and "aof_rewrite_scheduled:0" in text:
            return
        time.sleep(0.05)
    raise AssertionError("the AOF rewrite did not finish")


def load_layout(srv, build="layout_v1"):
    c = srv.resp()
    assert c.execute("MODULE", "LOAD", build_path(build)) == "OK"
    return c


def test_upgrade_same_layout_then_converting(start_server):
    srv = start_server(["--appendonly", "yes"])
    c = load_layout(srv)
    far = 4102444800000
    for i in range(100):
        c.execute("LAY.SET", "k%d" % i, "value-%d" % i)
    c.execute("PEXPIREAT", "k7", far)
    c.execute("SELECT", 3)
    c.execute("LAY.SET", "db3", "three")
    c.execute("SELECT", 0)
    c.execute("CONFIG", "SET", "layout-param", "77")
    waiter = srv.resp()
    waiter.conn.send_command("LAY.POP", "wq", 0)
    wait_blocked(srv.client(), 1)
    assert c.execute("OBJECT", "ENCODING", "k1") == b"layout1"

    assert c.execute("MODULE", "UPGRADE", "layout", build_path("layout_v1b")) == "OK"
    assert c.execute("LAY.VER") == [2, 1]
    assert c.execute("OBJECT", "ENCODING", "k1") == b"layout1"
    assert "kept in place, 0 converted" in srv.log()

    assert c.execute("MODULE", "UPGRADE", "layout", build_path("layout_v2")) == "OK"
    assert c.execute("LAY.VER") == [3, 2]
    assert "0 type(s) kept in place, 1 converted (101 value(s))" in srv.log()
    for i in range(100):
        assert c.execute("OBJECT", "ENCODING", "k%d" % i) == b"layout2"
        assert c.execute("LAY.GET", "k%d" % i) == b"value-%d" % i
    assert c.execute("PEXPIRETIME", "k7") == far
    c.execute("SELECT", 3)
    assert c.execute("LAY.GET", "db3") == b"three"
    c.execute("SELECT", 0)
    assert c.execute("CONFIG", "GET", "layout-param") == [b"layout-param", b"77"]
    info = module_info(c, "layout")
    assert info[b"ver"] == 3
    assert info[b"types"] == [[b"name", b"laytype", b"keys", 101, b"layout", 2]]
    # the client blocked before both upgrades is served by the new build
    assert c.execute("LAY.SET", "wq", "served") == "OK"
    assert waiter.read() == b"served"
    # the new build saves and loads them: DEBUG RELOAD, an AOF rewrite
    assert c.execute("DEBUG", "RELOAD") == "OK"
    assert c.execute("LAY.GET", "k42") == b"value-42"
    assert c.execute("OBJECT", "ENCODING", "k42") == b"layout2"
    assert c.execute("BGREWRITEAOF") == "Background append only file rewriting started"
    wait_rewrite(c)
    # the AOF stays valid: a restart with the new build loads it
    c.execute("LAY.SET", "after", "upgrade")
    c = restart(srv, "--loadmodule", build_path("layout_v2"))
    assert c.execute("LAY.GET", "k99") == b"value-99"
    assert c.execute("LAY.GET", "after") == b"upgrade"
    assert c.execute("LAY.GET", "wq") is None
    assert c.execute("PEXPIRETIME", "k7") == far


def test_upgrade_refusals(start_server, tmp_path):
    srv = start_server()
    c = load_layout(srv)
    c.execute("LAY.SET", "k", "v")
    c.execute("CONFIG", "SET", "layout-param", "9")
    v1 = build_path("layout_v1")
    missing = str(tmp_path / "missing.so")
    cases = [
        ("nosuch", v1, "no such module with that name"),
        ("layout", v1, "%s is the build already loaded (the dynamic loader returns the same "
         "library for the same path or file): install the new build under another path" % v1),
        ("layout", missing, "%s: cannot open shared object file: No such file or directory"
         % missing),
        ("layout", build_path("layout_xtype"),
         "the new build declares type 'laytype2', which the loaded build does not"),
        ("layout", build_path("layout_xrdb"), "type 'laytype' is stored as Redis module type "
         "'laytype-A' by the loaded build but 'laytype-B' by the new one"),
        ("layout", build_path("layout_xsvc"), "the new build does not provide service "
         "'layout.v1'"),
        ("layout", build_path("layout_xinit"),
         "the new build's initialization failed: md_init returned an error"),
        ("layout", build_path("tiny"), "the new build is module 'tiny', not 'layout'"),
    ]
    for name, path, why in cases:
        assert error_of(c, "MODULE", "UPGRADE", name, path) == UP + why
        # the loaded build keeps serving, with its parameter and value
        assert c.execute("LAY.VER") == [1, 1]
        assert c.execute("LAY.GET", "k") == b"v"
        assert c.execute("CONFIG", "GET", "layout-param") == [b"layout-param", b"9"]
        assert module_info(c, "layout")[b"path"] == v1.encode()
    err = error_of(c, "MODULE", "UPGRADE", "layout", build_path("bad_abi"))
    assert err.startswith(UP + "module built for SDK ABI "), err
    assert error_of(c, "MODULE", "UPGRADE", "layout") == \
        "ERR wrong number of arguments for 'module|upgrade' command"
    assert c.execute("LAY.GET", "k") == b"v"


def test_upgrade_conversion_failure_and_unload_hook(start_server):
    srv = start_server()
    c = load_layout(srv)
    c.execute("LAY.SET", "a", "fine")
    c.execute("LAY.SET", "bad", "reject-me")
    err = error_of(c, "MODULE", "UPGRADE", "layout", build_path("layout_xload"))
    assert re.fullmatch(re.escape(UP + "the new build could not load key 'bad': layout: this "
                                  "build refuses the value") + r" at offset \d+", err), err
    assert c.execute("LAY.VER") == [1, 1]
    assert c.execute("OBJECT", "ENCODING", "a") == b"layout1"
    assert c.execute("LAY.GET", "bad") == b"reject-me"
    c.execute("DEL", "bad")
    assert c.execute("MODULE", "UPGRADE", "layout", build_path("layout_xload")) == "OK"
    assert c.execute("LAY.VER") == [4, 2]
    assert c.execute("LAY.GET", "a") == b"fine"
    # a loaded build whose unload hook refuses is not replaced either
    assert c.execute("MODULE", "UNLOAD", "layout", "FLUSHTYPE", "layout") == "OK"
    assert c.execute("MODULE", "LOAD", build_path("layout_xhook")) == "OK"
    c.execute("LAY.SET", "a", "kept")
    assert error_of(c, "MODULE", "UPGRADE", "layout", build_path("layout_v2")) == UP + \
        "the loaded build of 'layout' refused to be replaced: layout: still busy"
    assert c.execute("OBJECT", "ENCODING", "a") == b"layout1"
    assert c.execute("LAY.GET", "a") == b"kept"
    assert error_of(c, "MODULE", "UNLOAD", "layout", "FLUSHTYPE", "layout") == UN + \
        "module 'layout' refused to unload: layout: still busy"
    assert c.execute("LAY.GET", "a") == b"kept"


def test_upgrade_refused_while_clients_hold_module_state(start_server, tmp_path):
    srv = start_server()
    c = srv.resp()
    assert c.execute("MODULE", "LOAD", build_path("sdkblock")) == "OK"
    copy = copy_build(c, "sdkblock", tmp_path)
    held = srv.resp()
    held.conn.send_command("BK.HOLD")
    wait_blocked(srv.client(), 1)
    why = ("module 'sdkblock' has 1 client(s) blocked with callbacks or private data of "
           "the loaded build (md_block_client/md_block_on_keys_ex): retry when they are "
           "served")
    assert error_of(c, "MODULE", "UPGRADE", "sdkblock", copy) == UP + why
    assert c.execute("BK.RELEASE", 7) == 1
    assert held.read() == b"7"
    nxt = srv.resp()
    nxt.conn.send_command("BK.NEXT", "n", 0)
    wait_blocked(srv.client(), 1)
    assert error_of(c, "MODULE", "UPGRADE", "sdkblock", copy) == UP + why
    assert c.execute("BK.ADD", "n", 1) == 1
    assert nxt.read()[0] == 1
    # a client blocked without module state stays blocked across it
    take = srv.resp()
    take.conn.send_command("BK.TAKE", "t", 0)
    wait_blocked(srv.client(), 1)
    assert c.execute("MODULE", "UPGRADE", "sdkblock", copy) == "OK"
    assert c.execute("BK.ADD", "t", 1) == 1
    assert take.read() == 0


def test_upgrade_provider_with_dependent(start_server):
    srv = start_server()
    c = load_layout(srv)
    assert c.execute("MODULE", "LOAD", build_path("uses_layout")) == "OK"
    assert c.execute("USES_LAYOUT.BUILD") == 1
    assert module_info(c, "layout")[b"usedby"] == [b"uses_layout"]
    assert module_info(c, "uses_layout")[b"using"] == [b"layout"]
    # same layout: the dependent re-imports the new build's table
    assert c.execute("MODULE", "UPGRADE", "layout", build_path("layout_v1b")) == "OK"
    assert c.execute("USES_LAYOUT.BUILD") == 2
    assert module_info(c, "layout")[b"usedby"] == [b"uses_layout"]
    # a changed layout is refused while a module uses its service
    assert error_of(c, "MODULE", "UPGRADE", "layout", build_path("layout_v2")) == UP + (
        "module 'uses_layout' uses a service of 'layout' and may hold the loaded build's "
        "table, which cannot serve values of a changed layout: unload 'uses_layout' first")
    assert c.execute("LAY.VER") == [2, 1]
    assert error_of(c, "MODULE", "UNLOAD", "layout") == UN + \
        "module 'layout' is used by module 'uses_layout'"
    assert c.execute("MODULE", "UNLOAD", "uses_layout") == "OK"
    assert c.execute("MODULE", "UPGRADE", "layout", build_path("layout_v2")) == "OK"
    assert c.execute("LAY.VER") == [3, 2]


def test_unload_refusals_and_flushtype(start_server):
    srv = start_server(["--appendonly", "yes"])
    c = load_layout(srv)
    for db, n in ((0, 2), (4, 1)):
        c.execute("SELECT", db)
        for i in range(n):
            c.execute("LAY.SET", "k%d" % i, "v")
    c.execute("SELECT", 0)
    assert error_of(c, "MODULE", "UNLOAD", "layout") == UN + (
        "module 'layout' still has 3 key(s) of type 'laytype' (db0=2,db4=1); "
        "MODULE UNLOAD layout FLUSHTYPE layout deletes them")
    assert error_of(c, "MODULE", "UNLOAD", "strings") == UN + \
        "module 'strings' is used by module 'sort'"
    arity = "ERR wrong number of arguments for 'module|unload' command"
    assert error_of(c, "MODULE", "UNLOAD", "layout", "FLUSHTYPE") == arity
    assert error_of(c, "MODULE", "UNLOAD", "layout", "FLUSH", "layout") == arity
    assert error_of(c, "MODULE", "UNLOAD", "layout", "FLUSHTYPE", "layout", "x") == arity
    assert error_of(c, "MODULE", "UNLOAD", "layout", "FLUSHTYPE", "yes") == UN + (
        "FLUSHTYPE deletes every key of the module's types and needs the module name "
        "repeated as confirmation: MODULE UNLOAD layout FLUSHTYPE layout")
    waiter = srv.resp()
    waiter.conn.send_command("LAY.POP", "wq", 0)
    wait_blocked(srv.client(), 1)
    assert error_of(c, "MODULE", "UNLOAD", "layout", "FLUSHTYPE", "layout") == UN + \
        "module 'layout' has 1 client(s) blocked in its commands"
    assert c.execute("DBSIZE") == 2
    c.execute("FLUSHALL")
    assert error_of(c, "MODULE", "UNLOAD", "layout") == UN + \
        "module 'layout' has 1 client(s) blocked in its commands"
    assert c.execute("LAY.SET", "wq", "x") == "OK"
    assert waiter.read() == b"x"
    for db, n in ((0, 2), (4, 1)):
        c.execute("SELECT", db)
        for i in range(n):
            c.execute("LAY.SET", "k\x00%d" % i, "v")
        c.execute("SET", "other", "kept")
    c.execute("SELECT", 0)
    assert c.execute("MODULE", "UNLOAD", "layout", "FLUSHTYPE", "layout") == "OK"
    assert module_info(c, "layout") is None
    log = srv.log()
    assert "deleted 2 key(s) of type 'laytype' from db 0" in log
    assert "deleted 1 key(s) of type 'laytype' from db 4" in log
    for db in (0, 4):
        c.execute("SELECT", db)
        assert c.execute("KEYS", "*") == [b"other"]
    # the DELs reached the AOF: replayed, they delete the keys again
    c = restart(srv, "--loadmodule", build_path("layout_v1"))
    c.execute("SELECT", 4)
    assert c.execute("KEYS", "*") == [b"other"]


def test_module_list_and_info_fields(start_server):
    srv = start_server()
    c = srv.resp()
    z = module_info(c, "zsets")
    keys = list(z.keys())
    assert keys[:4] == [b"name", b"ver", b"path", b"args"]
    assert keys[4:] == [b"abi", b"types", b"services", b"requires", b"using", b"usedby",
                        b"memory"]
    c.execute("ZADD", "z", 1, "a")
    z = module_info(c, "zsets")
    assert z[b"types"] == [[b"name", b"zset", b"keys", 1, b"layout", 1]]
    assert z[b"services"] == [b"zset.v1@1"]
    assert z[b"usedby"] == [b"geo"]
    assert z[b"using"] == []
    g = module_info(c, "geo")
    assert g[b"using"] == [b"zsets"]
    assert g[b"requires"] == [b"zset.v1@1"]
    assert isinstance(z[b"memory"], int) and z[b"memory"] > 0
    text = c.execute("INFO", "modules").decode()
    line = [l for l in text.split("\r\n") if l.startswith("module:name=zsets,")][0]
    assert line.startswith("module:name=zsets,ver=10000,api=1,filters=0,usedby=[geo],"
                           "using=[],options=[],abi=")
    assert ",types=[zset:1],services=[zset.v1@1],memory=" in line


def test_replica_keeps_the_data_across_an_upgrade(start_server, tmp_path):
    from test_replication import dataset, fill, wait_for
    from test_replication_replica import linked
    v1 = build_path("layout_v1")
    prim = start_server(["--repl-diskless-sync-delay", "0", "--loadmodule", v1])
    rep = start_server(["--loadmodule", v1])
    pc = prim.client()
    fill(pc, 40)
    for i in range(30):
        pc.execute_command("LAY.SET", "lay%d" % i, "v%d" % i)
    assert rep.client().execute_command("REPLICAOF", "127.0.0.1", prim.port) == b"OK"
    wait_for(lambda: linked(prim, rep), what="sync")
    stop, logs, threads = threading.Event(), [{}, {}], []
    for w in range(2):
        t = threading.Thread(target=writer, args=(prim.port, 100, "w%d" % w, logs[w], stop))
        t.start()
        threads.append(t)
    wait_written(logs, 10)
    c = prim.resp()
    assert c.execute("MODULE", "UPGRADE", "lists", copy_build(c, "lists", tmp_path)) == "OK"
    assert c.execute("MODULE", "UPGRADE", "layout", build_path("layout_v2")) == "OK"
    stop.set()
    for t in threads:
        t.join()
    c.execute("LAY.SET", "after", "upgrade")
    wait_for(lambda: linked(prim, rep), what="stream")
    rc = rep.resp()
    assert dataset(rep.client()) == dataset(pc)
    for k in ["lay%d" % i for i in range(30)] + ["after"]:
        assert rc.execute("LAY.GET", k) == c.execute("LAY.GET", k)
    # FLUSHTYPE on the primary: its DELs reach the replica
    assert c.execute("MODULE", "UNLOAD", "layout", "FLUSHTYPE", "layout") == "OK"
    wait_for(lambda: linked(prim, rep), what="stream")
    assert rc.execute("KEYS", "lay*") == []
    assert rc.execute("EXISTS", "after") == 0
    assert dataset(rep.client()) == dataset(pc)
