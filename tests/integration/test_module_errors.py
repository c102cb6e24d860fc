"""Module load errors (docs/architecture.md §6 and §14), with the deliberately
broken modules of tests/modules/ (built by `make check` into
$MODIS_BUILDDIR/tests/modules/.libs/NAME.so; MODIS_BUILDDIR defaults to the
repository root).

For every broken module: MODULE LOAD replies an error starting with
"ERR Error loading the extension:" that names the cause, the server keeps
serving, and nothing the module registered before failing stays behind
(its commands are unknown to COMMAND INFO, its config parameters are gone,
its type names are free, MODULE LIST is unchanged). `modis-server
--module-info` prints each manifest, or refuses an unusable one with a clear
message and a non-zero exit. A bad module given with --loadmodule stops the
server at start-up with exit status 1 and a log line naming the module and
the cause. The valid modules (tiny, uses_string) cover the positive path
and MODULE UNLOAD refusing to drop a service another module uses.

Each test that loads or unloads modules gets its own server, so a rollback
bug cannot leak into other tests.
"""

import os
import re
import shutil
import subprocess
import tempfile

import pytest

from modis_helpers import (
    REPO, RespClient, Server, default_conf, error_of, free_port,
    server_binary,
)

pytestmark = pytest.mark.modis_only

BUILDDIR = os.environ.get("MODIS_BUILDDIR") or REPO
SRCDIR = os.environ.get("MODIS_SRCDIR") or REPO
LOAD_ERR = "ERR Error loading the extension: "


def _abi():
    """(major, minor) from sdk/modis.h, so the expected texts follow the SDK."""
    with open(os.path.join(SRCDIR, "sdk", "modis.h")) as f:
        text = f.read()
    major = int(re.search(r"#define MD_ABI_MAJOR (\d+)", text).group(1))
    minor = int(re.search(r"#define MD_ABI_MINOR (\d+)", text).group(1))
    return major, minor


ABI_MAJOR, ABI_MINOR = _abi()


def mod_path(name):
    path = os.path.join(BUILDDIR, "tests", "modules", ".libs", name + ".so")
    if not os.path.exists(path):
        pytest.skip("%s not built (the test modules are built by `make check`)" % path)
    return path


def modules(client):
    """MODULE LIST as {name: {field: value}} (RESP2 flat pairs or RESP3 maps)."""
    out = {}
    for entry in client.execute("MODULE", "LIST"):
        d = entry if isinstance(entry, dict) else dict(zip(entry[0::2], entry[1::2]))
        out[d[b"name"]] = d
    return out


def module_paths(client):
    return {name: d[b"path"] for name, d in modules(client).items()}


# ---------------------------------------------------------------------------
# The broken modules: what the error must say and what must not stay behind.
#   words:   lower-case fragments the error text must contain
#   cmds:    commands the module registers before failing (must be unknown)
#   configs: config parameters it registers before failing (must be gone)
#   needs_strings: the failure depends on the strings module being loaded
# ---------------------------------------------------------------------------
BROKEN = {
    "bad_abi": dict(words=["abi", "%d.0" % (ABI_MAJOR + 1), "%d.%d" % (ABI_MAJOR, ABI_MINOR)]),
    "bad_magic": dict(words=["magic", "not a modis module"]),
    "bad_minor": dict(words=["abi", "%d.%d" % (ABI_MAJOR, ABI_MINOR + 1),
                             "%d.%d" % (ABI_MAJOR, ABI_MINOR)]),
    "bad_init": dict(words=["init", "fail"], cmds=["tinyping"], configs=["bad-init-param"]),
    "dup_cmd": dict(words=["command", "'get'", "already exists"],
                    cmds=["dupcmd_first", "dupcmd_second"], needs_strings=True),
    "dup_type": dict(words=["type", "'string'", "already taken"], cmds=["duptype_cmd"],
                     needs_strings=True),
    "undeclared_type": dict(words=["'undeclared_t'", "not declared", "manifest"],
                            cmds=["undecl_cmd"]),
    "missing_type": dict(words=["'missing_t'", "manifest", "not registered"],
                         cmds=["missing_cmd"]),
    "needs_nosuch": dict(words=["'nosuch.v1'", "requires", "no loaded module provides"]),
    # The boundary: the server exports no symbol, so a module that binds to
    # one of the host's (its global state `srv`) cannot load.
    "bad_rdbdecl": dict(words=["type 'badrdb'", "'bad name'", "9 characters"]),
    "host_symbol": dict(words=["symbol 'srv'", "does not provide", "sdk api table"],
                        cmds=["hostsym.peek"]),
}
# Refused from the manifest alone: --module-info fails on these too.
BAD_MANIFEST = {"bad_abi", "bad_magic", "bad_minor", "bad_rdbdecl"}
# Valid manifests, for --module-info: name -> lines it must print.
GOOD_INFO = {
    "tiny": ["name: tiny", "version: 7", "abi: %d.%d" % (ABI_MAJOR, ABI_MINOR),
             "types: tinytype", "requires:"],
    "uses_string": ["name: uses_string", "requires: string.v1@1"],
    "lazy_string": ["name: lazy_string", "requires: string.v1@1"],
    "bad_init": ["name: bad_init", "types: tinytype"],
    "dup_cmd": ["name: dup_cmd", "types: dupcmdtype"],
    "dup_type": ["name: dup_type", "types: string"],
    "undeclared_type": ["name: undeclared_type"],
    "missing_type": ["name: missing_type", "types: missing_t"],
    "needs_nosuch": ["name: needs_nosuch", "requires: nosuch.v1@1"],
    "abi_old": ["name: abi_old", "abi: %d.0" % ABI_MAJOR, "abi-min: %d.0" % ABI_MAJOR],
    "abi_new": ["name: abi_new", "abi: %d.%d" % (ABI_MAJOR, ABI_MINOR + 1),
                "abi-min: %d.%d" % (ABI_MAJOR, ABI_MINOR)],
    "abi_compat": ["name: abi_compat", "abi: %d.%d" % (ABI_MAJOR, ABI_MINOR),
                   "abi-min: %d.1" % ABI_MAJOR],
}


@pytest.fixture
def srv(start_server):
    """A fresh server with the default configuration, for this test alone."""
    return start_server()


@pytest.fixture
def c(srv):
    client = RespClient(srv.port)
    yield client
    client.close()


def require_strings(client):
    if b"strings" not in modules(client):
        pytest.skip("the strings module is not loaded (no default config?)")


# The default configuration's own users of string.v1, unloaded by the tests
# that need the strings module to have no other dependant.
STRING_USERS = ("bitmaps", "hll")


def unload_string_users(client):
    for name in STRING_USERS:
        if name.encode() in modules(client):
            assert client.execute("MODULE", "UNLOAD", name) == "OK"


def assert_nothing_left(client, name, before_modules, before_count, spec):
    """After a failed load of `name`: server serves, nothing registered."""
    assert client.execute("PING") == "PONG"
    assert module_paths(client) == before_modules
    assert name.encode() not in modules(client)
    assert client.execute("COMMAND", "COUNT") == before_count
    for cmd in spec.get("cmds", []):
        assert client.execute("COMMAND", "INFO", cmd) == [None], cmd
        err = error_of(client, cmd)
        assert err.startswith("ERR unknown command '%s'" % cmd), err
    for param in spec.get("configs", []):
        assert client.execute("CONFIG", "GET", param) == [], param


def assert_strings_intact(client):
    """The strings module's command and type survived a rollback."""
    assert client.execute("SET", "after-error", "v") == "OK"
    assert client.execute("GET", "after-error") == b"v"
    assert client.execute("TYPE", "after-error") == "string"
    (info,) = client.execute("COMMAND", "INFO", "get")
    assert info[0] == b"get" and info[1] == 2


# ---------------------------------------------------------------------------
# Command metadata the host refuses (bad_meta.so CASE): the exact error
# ---------------------------------------------------------------------------
BAD_META = {
    "specs": "key specs give first/last/step 1,2,1, the command declares 1,1,1",
    "specword": "key spec 0: bad word 'index:0'",
    "syntax": "syntax: expected ']' at offset 14",
    "keyarg": "syntax: key argument 'key' but no key specs",
    "history": "history line 'not a version' is not 'version: text'",
    "docflags": "doc flags 'deprecated hidden': only 'deprecated' and 'syscmd' exist",
}


@pytest.mark.parametrize("case", sorted(BAD_META))
def test_load_bad_command_metadata(srv, c, case):
    path = mod_path("bad_meta")
    before_modules = module_paths(c)
    before_count = c.execute("COMMAND", "COUNT")
    err = error_of(c, "MODULE", "LOAD", path, case)
    assert err == LOAD_ERR + "command 'badmeta': " + BAD_META[case]
    assert_nothing_left(c, "bad_meta", before_modules, before_count,
                        {"cmds": ["badmeta_ok", "badmeta"]})


# ---------------------------------------------------------------------------
# MODULE LOAD of each broken module
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(BROKEN))
def test_load_broken_module(srv, c, name):
    spec = BROKEN[name]
    path = mod_path(name)
    if spec.get("needs_strings"):
        require_strings(c)
    before_modules = module_paths(c)
    before_count = c.execute("COMMAND", "COUNT")
    err = error_of(c, "MODULE", "LOAD", path)
    assert err.startswith(LOAD_ERR), err
    for w in spec["words"]:
        assert w in err.lower(), (w, err)
    assert_nothing_left(c, name, before_modules, before_count, spec)
    if b"strings" in modules(c):
        assert_strings_intact(c)
    # A second attempt fails the same way: no half-registered state such as
    # "already loaded" or "command already exists" from the first try.
    assert error_of(c, "MODULE", "LOAD", path) == err
    assert_nothing_left(c, name, before_modules, before_count, spec)
    # The operator finds the path and the cause in the log.
    log = srv.log()
    assert path in log and err[len(LOAD_ERR):] in log, log[-2000:]


def test_load_broken_module_resp3(srv):
    c3 = RespClient(srv.port, proto=3)
    try:
        err = error_of(c3, "MODULE", "LOAD", mod_path("bad_abi"))
        assert err.startswith(LOAD_ERR + "module built for SDK ABI"), err
        assert c3.execute("PING") == "PONG"
    finally:
        c3.close()


def test_loadex_broken_module(srv, c):
    """MODULE LOADEX goes through the same loader and rollback."""
    before_modules = module_paths(c)
    before_count = c.execute("COMMAND", "COUNT")
    err = error_of(c, "MODULE", "LOADEX", mod_path("bad_init"), "ARGS", "a", "b")
    assert err.startswith(LOAD_ERR), err
    assert "init" in err.lower()
    assert_nothing_left(c, "bad_init", before_modules, before_count, BROKEN["bad_init"])


def test_every_broken_module_in_a_row(srv, c):
    """All failures on one server: the host's tables stay consistent."""
    before_modules = module_paths(c)
    before_count = c.execute("COMMAND", "COUNT")
    strings = b"strings" in modules(c)
    for name in sorted(BROKEN):
        if BROKEN[name].get("needs_strings") and not strings:
            continue
        err = error_of(c, "MODULE", "LOAD", mod_path(name))
        assert err.startswith(LOAD_ERR), (name, err)
    for name, spec in BROKEN.items():
        assert_nothing_left(c, name, before_modules, before_count, spec)
    if strings:
        assert_strings_intact(c)


# ---------------------------------------------------------------------------
# Rollback frees names; the valid tiny module
# ---------------------------------------------------------------------------

def test_tiny_module_loads_and_unloads(c):
    path = mod_path("tiny")
    before_modules = module_paths(c)
    before_count = c.execute("COMMAND", "COUNT")
    assert c.execute("MODULE", "LOAD", path) == "OK"
    mods = modules(c)
    assert mods[b"tiny"][b"ver"] == 7
    assert mods[b"tiny"][b"path"] == path.encode()
    assert mods[b"tiny"][b"args"] == []
    assert c.execute("COMMAND", "COUNT") == before_count + 1
    (info,) = c.execute("COMMAND", "INFO", "tinyping")
    assert info[0] == b"tinyping" and info[1] == -1
    assert c.execute("TINYPING") == "TINYPONG"
    assert c.execute("tinyping", "hello") == b"hello"
    err = error_of(c, "MODULE", "LOAD", path)
    assert err.startswith(LOAD_ERR) and "already loaded" in err, err
    assert c.execute("TINYPING") == "TINYPONG"
    assert c.execute("MODULE", "UNLOAD", "tiny") == "OK"
    assert module_paths(c) == before_modules
    assert c.execute("COMMAND", "INFO", "tinyping") == [None]
    assert c.execute("COMMAND", "COUNT") == before_count
    # and again: unload left nothing behind either
    assert c.execute("MODULE", "LOAD", path, "arg1") == "OK"
    assert modules(c)[b"tiny"][b"args"] == [b"arg1"]
    assert c.execute("MODULE", "UNLOAD", "tiny") == "OK"


def test_failed_init_frees_type_and_command_names(c):
    """bad_init registers type 'tinytype' and command TINYPING, then fails;
    tiny registers the same two names, so it loads only if both were freed."""
    err = error_of(c, "MODULE", "LOAD", mod_path("bad_init"))
    assert err.startswith(LOAD_ERR) and "init" in err.lower(), err
    assert c.execute("COMMAND", "INFO", "tinyping") == [None]
    assert c.execute("MODULE", "LOAD", mod_path("tiny")) == "OK"
    assert c.execute("TINYPING") == "TINYPONG"
    assert c.execute("MODULE", "UNLOAD", "tiny") == "OK"


def test_failed_load_keeps_other_modules_registrations(c):
    """A failing module that collides with tiny's names must not remove
    tiny's type or command when it is rolled back."""
    assert c.execute("MODULE", "LOAD", mod_path("tiny")) == "OK"
    count = c.execute("COMMAND", "COUNT")
    err = error_of(c, "MODULE", "LOAD", mod_path("bad_init"))
    assert err.startswith(LOAD_ERR), err
    assert "tinytype" in err and "already taken" in err, err
    assert c.execute("TINYPING") == "TINYPONG"
    assert c.execute("COMMAND", "COUNT") == count
    assert b"tiny" in modules(c) and b"bad_init" not in modules(c)
    # tiny's type slot is still its own: unload works and frees it
    assert c.execute("MODULE", "UNLOAD", "tiny") == "OK"
    assert c.execute("MODULE", "LOAD", mod_path("tiny")) == "OK"
    assert c.execute("MODULE", "UNLOAD", "tiny") == "OK"


# ---------------------------------------------------------------------------
# Services: a module using string.v1 pins the strings module
# ---------------------------------------------------------------------------

def test_uses_string_blocks_unload_of_strings(c):
    require_strings(c)
    unload_string_users(c)
    assert c.execute("MODULE", "LOAD", mod_path("uses_string")) == "OK"
    assert c.execute("SET", "k", "hello") == "OK"
    assert c.execute("USESTR.LEN", "k") == 5
    assert c.execute("USESTR.LEN", "missing") == 0
    c.execute("FLUSHALL")  # no string keys: only the dependency can refuse
    err = error_of(c, "MODULE", "UNLOAD", "strings")
    assert err.startswith("ERR Error unloading module: "), err
    assert "used by" in err and "uses_string" in err, err
    assert b"strings" in modules(c)
    assert_strings_intact(c)
    assert c.execute("USESTR.LEN", "after-error") == 1
    # once the user is gone, strings may go too
    assert c.execute("MODULE", "UNLOAD", "uses_string") == "OK"
    c.execute("FLUSHALL")
    assert c.execute("MODULE", "UNLOAD", "strings") == "OK"
    assert c.execute("COMMAND", "INFO", "get") == [None]
    # and uses_string can no longer load: its requirement is unmet
    err = error_of(c, "MODULE", "LOAD", mod_path("uses_string"))
    assert err.startswith(LOAD_ERR) and "'string.v1'" in err, err


def test_manifest_requirement_blocks_unload(c):
    """lazy_string declares string.v1 in its manifest but imports it only
    when its command first runs: the manifest alone must pin strings."""
    require_strings(c)
    unload_string_users(c)
    assert c.execute("MODULE", "LOAD", mod_path("lazy_string")) == "OK"
    c.execute("FLUSHALL")
    assert error_of(c, "MODULE", "UNLOAD", "strings") == \
        "ERR Error unloading module: module 'strings' is used by module 'lazy_string'"
    # the lazy import later changes nothing; unloading the dependant first
    # frees the provider
    c.execute("SET", "k", "abc")
    assert c.execute("LAZYSTR.LEN", "k") == 3
    c.execute("DEL", "k")
    assert c.execute("MODULE", "UNLOAD", "lazy_string") == "OK"
    names = [m[1] for m in c.execute("MODULE", "LIST")]
    assert b"lazy_string" not in names and b"strings" in names


def test_requirements_order_startup_loading(tmp_path):
    """A config listing uses_string before strings still starts: the
    manifests' requirements decide the load order."""
    conf = default_conf()
    if not conf:
        pytest.skip("no default config")
    with open(conf) as f:
        text = f.read()
    if "strings" not in text:
        pytest.skip("the default config does not load strings")
    own = tmp_path / "order.conf"
    own.write_text("loadmodule %s\n%s" % (mod_path("uses_string"), text))
    srv = Server(conf=str(own)).start()
    try:
        client = RespClient(srv.port)
        try:
            names = list(modules(client))
            assert names.index(b"strings") < names.index(b"uses_string"), names
            assert client.execute("SET", "k", "abc") == "OK"
            assert client.execute("USESTR.LEN", "k") == 3
        finally:
            client.close()
    finally:
        srv.stop()


# ---------------------------------------------------------------------------
# modis-server --module-info
# ---------------------------------------------------------------------------

def module_info(path):
    return subprocess.run([server_binary(), "--module-info", path], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=20, universal_newlines=True)


@pytest.mark.parametrize("name", sorted(BAD_MANIFEST))
def test_module_info_refuses_bad_manifest(name):
    path = mod_path(name)
    p = module_info(path)
    assert p.returncode != 0, p.stdout
    assert p.stdout == "", p.stdout
    assert path in p.stderr, p.stderr
    for w in BROKEN[name]["words"]:
        assert w in p.stderr.lower(), (w, p.stderr)


@pytest.mark.parametrize("name", sorted(GOOD_INFO))
def test_module_info_prints_manifest(name):
    p = module_info(mod_path(name))
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    for want in GOOD_INFO[name]:
        assert any(l.strip() == want.strip() or l.startswith(want + " ") for l in lines), \
            (want, p.stdout)
    for field in ("name:", "version:", "abi:", "abi-min:", "types:", "rdb-types:",
                  "rdb-module-types:", "provides:", "requires:"):
        assert any(l.startswith(field) for l in lines), (field, p.stdout)


def test_module_info_not_a_module(tmp_path):
    junk = tmp_path / "junk.so"
    junk.write_bytes(b"not an ELF file\n" * 4)
    for path in (str(junk), str(tmp_path / "missing.so")):
        p = module_info(path)
        assert p.returncode != 0
        assert path in p.stderr, p.stderr


# ---------------------------------------------------------------------------
# --loadmodule of a bad module at start-up
# ---------------------------------------------------------------------------

def run_until_exit(extra_args, conf=None, timeout=20):
    """Start the server in the foreground and wait for it to exit; returns
    (exit status, output). The server must not come up."""
    srv = Server(extra_args, conf=default_conf() if conf is None else conf)
    srv.dir = tempfile.mkdtemp(prefix="modis-it-")
    srv.port = free_port()
    try:
        p = subprocess.run(srv.command_line(), stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                           cwd=srv.dir, timeout=timeout, universal_newlines=True)
    except subprocess.TimeoutExpired:
        pytest.fail("server with %r did not exit (it should refuse to start)" % (extra_args,))
    finally:
        shutil.rmtree(srv.dir, ignore_errors=True)
    return p.returncode, p.stdout


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_startup_with_broken_module_exits(name):
    path = mod_path(name)
    spec = BROKEN[name]
    conf = None
    if not spec.get("needs_strings"):
        conf = ""  # no default modules: the failure is the module's own
    status, out = run_until_exit(["--loadmodule", path], conf=conf)
    assert status == 1, out
    lines = [l for l in out.splitlines() if path in l and "failed to load" in l]
    assert lines, out
    for w in spec["words"]:
        assert w in lines[-1].lower(), (w, lines[-1])
    assert "Ready to accept connections" not in out, out


def test_startup_with_missing_requirement_exits():
    """uses_string without strings (no default config): exits 1 naming the
    unmet service."""
    path = mod_path("uses_string")
    status, out = run_until_exit(["--loadmodule", path], conf="")
    assert status == 1, out
    assert any(path in l and "string.v1" in l for l in out.splitlines()), out


def test_startup_with_good_module(tmp_path):
    srv = Server(["--loadmodule", mod_path("tiny"), "x", "y"]).start()
    try:
        client = RespClient(srv.port)
        try:
            assert client.execute("TINYPING") == "TINYPONG"
            assert modules(client)[b"tiny"][b"args"] == [b"x", b"y"]
        finally:
            client.close()
    finally:
        srv.stop()


# ---------------------------------------------------------------------------
# The ABI rule: a module needs a minor (abi_minor_min), the host refuses
# only a newer one; both directions
# ---------------------------------------------------------------------------

def test_module_built_with_an_older_sdk_loads(c):
    """abi_old: a 1.0 manifest, the 1.0 command stride, a short ops table
    whose bytes past its size (a trap in aux_save) the host never reads."""
    assert c.execute("MODULE", "LOAD", mod_path("abi_old")) == "OK"
    assert c.execute("ABIOLD.PING") == "OLDPONG"
    (info,) = c.execute("COMMAND", "INFO", "abiold.ping")
    assert info[0] == b"abiold.ping" and info[1] == 1
    assert c.execute("MODULE", "UNLOAD", "abi_old") == "OK"


def test_module_built_with_a_newer_sdk_that_needs_ours_loads(c):
    """abi_new: built one minor ahead but needing only ours; its tables are
    longer than the host's; MD_API_HAS-style checks see the host's size."""
    assert c.execute("MODULE", "LOAD", mod_path("abi_new")) == "OK"
    assert c.execute("ABINEW.HAS") == [1, 0]
    assert c.execute("MODULE", "UNLOAD", "abi_new") == "OK"


def test_module_that_runs_on_older_hosts(c):
    """abi_compat lowers its requirement to 1.1 and checks MD_API_HAS before
    a 1.2 entry: here it finds it (tests/unit/test_abi.c runs it with a
    1.1-sized table, where it does not)."""
    assert c.execute("MODULE", "LOAD", mod_path("abi_compat")) == "OK"
    assert c.execute("COMPAT.HAS") == 1
    assert c.execute("MODULE", "UNLOAD", "abi_compat") == "OK"


# ---------------------------------------------------------------------------
# The boundary: no host symbol is visible to modules
# ---------------------------------------------------------------------------

def test_server_exports_no_symbol():
    """Only the C library's copy-relocated stdio objects (name@GLIBC) may be
    defined in the server's dynamic symbol table."""
    nm = shutil.which("nm")
    if not nm:
        pytest.skip("nm is not installed")
    out = subprocess.run([nm, "-D", "--defined-only", server_binary()], stdout=subprocess.PIPE,
                         universal_newlines=True, timeout=20).stdout
    names = [line.split()[-1] for line in out.splitlines() if line.strip()]
    assert [n for n in names if "@" not in n] == [], names


def test_module_info_names_the_host_symbol():
    path = mod_path("host_symbol")
    p = module_info(path)
    assert p.returncode != 0
    assert path in p.stderr and "undefined symbol: srv" in p.stderr, p.stderr
