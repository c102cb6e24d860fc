"""Module management (Modis only: every data type is a loadable module).
MODULE LIST shows the loaded modules; MODULE LOAD of a missing file or of a
shared object that is not a Modis module fails with an ERR reply naming the
cause and leaves nothing half-registered; MODULE UNLOAD refuses while keys of
the module's types exist.  Texts of Modis-only errors are checked loosely
(prefix + cause); texts Redis also has are checked exactly."""

import glob
import os

import pytest

from modis_helpers import error_of

pytestmark = pytest.mark.modis_only


def modules(client):
    """MODULE LIST as {name: {field: value}} (RESP2 flat pairs or RESP3 maps)."""
    out = {}
    for entry in client.execute("MODULE", "LIST"):
        d = entry if isinstance(entry, dict) else dict(zip(entry[0::2], entry[1::2]))
        out[d[b"name"]] = d
    return out


def some_shared_library():
    for pattern in ("/lib/x86_64-linux-gnu/libm.so.6", "/usr/lib/x86_64-linux-gnu/libm.so.6",
                    "/lib/*/libm.so.6", "/usr/lib/*/libm.so.6", "/lib*/libm.so.6"):
        hits = glob.glob(pattern)
        if hits:
            return hits[0]
    pytest.skip("no libm.so.6 found to use as a non-module shared object")


def assert_still_serving(client, before):
    assert client.execute("PING") == "PONG"
    assert client.execute("SET", "after-error", "1") == "OK"
    assert client.execute("GET", "after-error") == b"1"
    assert set(modules(client)) == set(before)


def test_module_list_shows_strings(r2):
    mods = modules(r2)
    assert b"strings" in mods
    s = mods[b"strings"]
    assert {b"name", b"ver", b"path", b"args"} <= set(s)
    assert isinstance(s[b"ver"], int)
    assert isinstance(s[b"args"], list)
    assert s[b"path"].endswith(b".so")


def test_module_list_resp3(r3):
    mods = r3.execute("MODULE", "LIST")
    assert all(isinstance(m, dict) for m in mods)
    assert b"strings" in [m[b"name"] for m in mods]


def test_module_load_missing_file(r2, tmp_path):
    before = modules(r2)
    path = str(tmp_path / "no-such-module.so")
    err = error_of(r2, "MODULE", "LOAD", path)
    assert err.startswith("ERR"), err
    low = err.lower()
    assert path in err or "no such file" in low or "not found" in low or "cannot open" in low, err
    assert_still_serving(r2, before)


def test_module_load_not_a_module(r2):
    before = modules(r2)
    lib = some_shared_library()
    err = error_of(r2, "MODULE", "LOAD", lib)
    assert err.startswith("ERR"), err
    low = err.lower()
    assert any(w in low for w in ("not a modis module", "not a module", "manifest", "symbol",
                                  "onload", "entry point", "init")), err
    assert_still_serving(r2, before)


def test_module_load_garbage_file(r2, tmp_path):
    before = modules(r2)
    junk = tmp_path / "junk.so"
    junk.write_bytes(b"this is not an ELF file\n" * 10)
    err = error_of(r2, "MODULE", "LOAD", str(junk))
    assert err.startswith("ERR"), err
    assert_still_serving(r2, before)
    err = error_of(r2, "MODULE", "LOAD", str(tmp_path))  # a directory
    assert err.startswith("ERR"), err
    assert_still_serving(r2, before)


def test_module_load_twice_is_refused(r2):
    before = modules(r2)
    path = before[b"strings"][b"path"]
    if not os.path.isabs(path.decode()):
        pytest.skip("MODULE LIST path is not absolute: %r" % path)
    err = error_of(r2, "MODULE", "LOAD", path)
    assert err.startswith("ERR"), err
    low = err.lower()
    assert any(w in low for w in ("already", "duplicate", "exists", "loaded")), err
    assert_still_serving(r2, before)
    # the loaded copy still works
    assert r2.execute("SET", "k", "v") == "OK"
    assert r2.execute("GET", "k") == b"v"


def test_module_unload_with_keys_refused(r, r2):
    before = modules(r2)
    r.set("s1", "v")
    r.set("s2", "12345")
    err = error_of(r2, "MODULE", "UNLOAD", "strings")
    assert err.startswith("ERR"), err
    assert "key" in err.lower(), err
    # nothing changed
    assert set(modules(r2)) == set(before)
    assert r.get("s1") == b"v"
    assert r.incr("s2") == 12346
    assert r2.execute("TYPE", "s1") == "string"


def test_module_unload_unknown(r2):
    assert error_of(r2, "MODULE", "UNLOAD", "nosuchmodule") == \
        "ERR Error unloading module: no such module with that name"


def test_module_command_errors(r2):
    assert error_of(r2, "MODULE", "FOO") == "ERR unknown subcommand 'FOO'. Try MODULE HELP."
    assert error_of(r2, "MODULE", "LOAD") == "ERR wrong number of arguments for 'module|load' command"
    assert error_of(r2, "MODULE", "UNLOAD") == "ERR wrong number of arguments for 'module|unload' command"
