"""Module configuration parameters as Redis has them: the old names Redis 7
keeps as aliases (hash-max-ziplist-entries/-value for hash-max-listpack-*,
list-max-ziplist-size for list-max-listpack-size) in CONFIG GET/SET, the
config file and the command line; module parameters set from the config
file or command line although the modules load after the file is read
(lines naming an unknown parameter wait for the `loadmodule`s and are only
then an error, with Redis's FATAL CONFIG FILE ERROR report); CONFIG
REWRITE writing module parameters (under their own names) and, as Redis,
one `loadmodule` line per loaded module.

Everything not marked modis_only also passes against redis-server
(MODIS_SERVER=/usr/bin/redis-server MODIS_CONF=), where these parameters
are built in."""

import pytest

from modis_helpers import Server, default_conf, error_of

ENTRIES_RANGE = "argument must be between 0 and 9223372036854775807 inclusive"


def config_map(c, *patterns):
    """CONFIG GET as a dict of str -> str (RESP2 flat array)."""
    flat = c.execute("CONFIG", "GET", *patterns)
    return {k.decode(): v.decode() for k, v in zip(flat[::2], flat[1::2])}


def conf_with(tmp_path, before="", after="", name="test.conf"):
    """A config file: `before`, the default config (its loadmodule lines),
    then `after`."""
    base = default_conf()
    text = before + (open(base).read() if base else "") + "\n" + after
    path = tmp_path / name
    path.write_text(text)
    return path


def fatal_report(conf, extra_args=()):
    """Start a server that must refuse its configuration; returns the last
    three lines of its FATAL CONFIG FILE ERROR report."""
    srv = Server(list(extra_args), conf=str(conf))
    with pytest.raises(RuntimeError):
        srv.start(timeout=10)
    try:
        assert srv.proc.returncode == 1
        lines = srv.log().splitlines()
        at = max(i for i, line in enumerate(lines) if "FATAL CONFIG FILE ERROR" in line)
        return lines[at + 1:at + 4]
    finally:
        srv.stop()


# --------------------------------------------------------------------------
# Aliases
# --------------------------------------------------------------------------

def test_alias_config_get(r2, restore_config):
    restore_config("hash-max-listpack-entries", "hash-max-listpack-value",
                   "list-max-listpack-size")
    # a pattern lists the parameter under both names (Redis 7)
    assert config_map(r2, "hash-max-*") == {
        "hash-max-listpack-entries": "512", "hash-max-ziplist-entries": "512",
        "hash-max-listpack-value": "64", "hash-max-ziplist-value": "64"}
    assert config_map(r2, "list-max-*") == {
        "list-max-listpack-size": "-2", "list-max-ziplist-size": "-2"}
    # a plain name is echoed as typed, once
    assert r2.execute("CONFIG", "GET", "HASH-MAX-ZIPLIST-ENTRIES") == \
        [b"HASH-MAX-ZIPLIST-ENTRIES", b"512"]
    assert r2.execute("CONFIG", "GET", "hash-max-ziplist-value",
                      "hash-max-ziplist-value") == [b"hash-max-ziplist-value", b"64"]
    assert config_map(r2, "hash-max-ziplist-entries", "hash-max-listpack-entries") == {
        "hash-max-ziplist-entries": "512", "hash-max-listpack-entries": "512"}
    every = config_map(r2, "*")
    for name in ("hash-max-ziplist-entries", "hash-max-listpack-entries",
                 "list-max-ziplist-size", "list-max-listpack-size"):
        assert name in every, name


def test_alias_config_set(r, r2, restore_config):
    restore_config("hash-max-listpack-entries", "hash-max-listpack-value",
                   "list-max-listpack-size")
    assert r2.execute("CONFIG", "SET", "hash-max-ziplist-entries", "3") == "OK"
    assert config_map(r2, "hash-max-listpack-entries") == {"hash-max-listpack-entries": "3"}
    assert r2.execute("CONFIG", "SET", "list-max-ziplist-size", "5") == "OK"
    assert config_map(r2, "list-max-listpack-size") == {"list-max-listpack-size": "5"}
    # the value is the one the encoding rules use
    r.hset("h", mapping={"a": 1, "b": 2, "c": 3})
    assert r.object("encoding", "h") == b"listpack"
    r.hset("h", "d", 4)
    assert r.object("encoding", "h") == b"hashtable"
    # hash-max-listpack-value is a memory value (units); errors name the
    # alias as typed
    assert r2.execute("CONFIG", "SET", "hash-max-ziplist-value", "1kb") == "OK"
    assert config_map(r2, "hash-max-listpack-value") == {"hash-max-listpack-value": "1024"}
    assert error_of(r2, "CONFIG", "SET", "hash-max-ziplist-value", "abc") == \
        "ERR CONFIG SET failed (possibly related to argument 'hash-max-ziplist-value') - " \
        "argument must be a memory value"
    assert error_of(r2, "CONFIG", "SET", "hash-max-listpack-entries", "1kb") == \
        "ERR CONFIG SET failed (possibly related to argument 'hash-max-listpack-entries') - " \
        "argument couldn't be parsed into an integer"
    assert error_of(r2, "CONFIG", "SET", "hash-max-ziplist-entries", "-1") == \
        "ERR CONFIG SET failed (possibly related to argument 'hash-max-ziplist-entries') - " \
        + ENTRIES_RANGE
    assert error_of(r2, "CONFIG", "SET", "list-max-ziplist-size", "2147483648") == \
        "ERR CONFIG SET failed (possibly related to argument 'list-max-ziplist-size') - " \
        "argument must be between -2147483648 and 2147483647 inclusive"
    # an alias and its parameter in one command: both applied, in order
    # (Redis 7.4); the same name twice is a duplicate
    assert r2.execute("CONFIG", "SET", "hash-max-ziplist-entries", "7",
                      "hash-max-listpack-entries", "8") == "OK"
    assert config_map(r2, "hash-max-ziplist-entries") == {"hash-max-ziplist-entries": "8"}
    assert error_of(r2, "CONFIG", "SET", "hash-max-ziplist-entries", "1",
                    "HASH-MAX-ZIPLIST-ENTRIES", "2") == \
        "ERR CONFIG SET failed (possibly related to argument 'HASH-MAX-ZIPLIST-ENTRIES') - " \
        "duplicate parameter"
    # a failure rolls back both names' changes
    assert error_of(r2, "CONFIG", "SET", "hash-max-ziplist-entries", "20",
                    "hash-max-listpack-entries", "30", "hash-max-ziplist-value", "x") == \
        "ERR CONFIG SET failed (possibly related to argument 'hash-max-ziplist-value') - " \
        "argument must be a memory value"
    assert config_map(r2, "hash-max-listpack-entries") == {"hash-max-listpack-entries": "8"}


def test_aliases_in_config_file_and_command_line(tmp_path, start_server):
    conf = conf_with(tmp_path, after="hash-max-ziplist-entries 3\nhash-max-ziplist-value 10\n")
    srv = start_server(["--list-max-ziplist-size", "4"], conf=str(conf))
    c = srv.resp()
    try:
        assert config_map(c, "hash-max-listpack-*") == {
            "hash-max-listpack-entries": "3", "hash-max-listpack-value": "10"}
        assert config_map(c, "list-max-listpack-size") == {"list-max-listpack-size": "4"}
    finally:
        c.close()


@pytest.mark.modis_only
def test_aliases_go_with_their_module(r2):
    """MODULE UNLOAD removes a parameter and its alias; loading the module
    again registers both."""
    mods = {m[1]: m[5] for m in r2.execute("MODULE", "LIST")}
    if b"lists" not in mods:
        pytest.skip("the lists module is not loaded")
    if b"sort" in mods:     # requires list.v1: goes first, comes back last
        assert r2.execute("MODULE", "UNLOAD", "sort") == "OK"
    assert r2.execute("MODULE", "UNLOAD", "lists") == "OK"
    try:
        assert r2.execute("CONFIG", "GET", "list-max-ziplist-size") == []
        assert r2.execute("CONFIG", "GET", "list-max-*") == []
    finally:
        assert r2.execute("MODULE", "LOAD", mods[b"lists"]) == "OK"
        if b"sort" in mods:
            assert r2.execute("MODULE", "LOAD", mods[b"sort"]) == "OK"
    assert config_map(r2, "list-max-*") == {
        "list-max-listpack-size": "-2", "list-max-ziplist-size": "-2"}


# --------------------------------------------------------------------------
# Module parameters in the config file and on the command line
# --------------------------------------------------------------------------

def test_module_params_before_loadmodule_lines(tmp_path, start_server):
    """The parameters come before the loadmodule lines in the file, and on
    the command line: they apply once the modules are loaded."""
    conf = conf_with(tmp_path, before="hash-max-listpack-entries 2\nlist-compress-depth 1\n")
    srv = start_server(["--hash-max-listpack-value", "11", "--list-compress-depth", "2"],
                       conf=str(conf))
    c = srv.resp()
    try:
        # the command line comes after the file: its value wins
        assert config_map(c, "hash-max-listpack-entries", "hash-max-listpack-value",
                          "list-compress-depth") == {
            "hash-max-listpack-entries": "2", "hash-max-listpack-value": "11",
            "list-compress-depth": "2"}
        c.execute("HSET", "h", "a", "1", "b", "2")
        assert c.execute("OBJECT", "ENCODING", "h") == b"listpack"
        c.execute("HSET", "h", "c", "3")
        assert c.execute("OBJECT", "ENCODING", "h") == b"hashtable"
    finally:
        c.close()


def test_unknown_directive_still_fatal(tmp_path):
    conf = conf_with(tmp_path, after="no-such-parameter 5\n")
    report = fatal_report(conf)
    assert report[1:] == [">>> 'no-such-parameter 5'",
                          "Bad directive or wrong number of arguments"]
    assert report[0].startswith("Reading the configuration file, at line ")


def test_bad_module_param_value_fatal(tmp_path):
    conf = conf_with(tmp_path, before="hash-max-listpack-entries abc\n")
    assert fatal_report(conf) == [
        "Reading the configuration file, at line 1",
        ">>> 'hash-max-listpack-entries abc'",
        "argument couldn't be parsed into an integer"]
    conf = conf_with(tmp_path, name="t2.conf")
    report = fatal_report(conf, ["--list-max-ziplist-size", "x1"])
    assert report[1:] == [">>> 'list-max-ziplist-size \"x1\"'",
                          "argument couldn't be parsed into an integer"]


@pytest.mark.modis_only
def test_module_param_without_its_module_fatal(tmp_path):
    """A parameter of a module that is not loaded stays unknown: the
    report names its line once the loadmodule lines are done, and the
    module it belongs to."""
    conf = tmp_path / "nolists.conf"
    text = open(default_conf()).read() if default_conf() else ""
    # without lists, and without sort, which requires it
    kept = [line for line in text.splitlines()
            if "lists.so" not in line and "sort.so" not in line]
    conf.write_text("\n".join(kept) + "\nlist-compress-depth 3\n")
    report = fatal_report(conf)
    assert report == ["Reading the configuration file, at line %d" % (len(kept) + 1),
                      ">>> 'list-compress-depth 3'",
                      "Bad directive or wrong number of arguments: 'list-compress-depth' is a "
                      "parameter of the 'lists' module, which is not loaded (add its loadmodule "
                      "line)"]


# --------------------------------------------------------------------------
# CONFIG REWRITE
# --------------------------------------------------------------------------

def test_rewrite_module_params(tmp_path, start_server):
    conf = conf_with(tmp_path, after="# keep me\nhash-max-ziplist-value 20\n")
    srv = start_server(conf=str(conf))
    c = srv.resp()
    try:
        assert c.execute("CONFIG", "SET", "hash-max-listpack-entries", "100",
                         "list-max-ziplist-size", "9") == "OK"
        assert c.execute("CONFIG", "REWRITE") == "OK"
    finally:
        c.close()
    lines = conf.read_text().splitlines()
    assert "# keep me" in lines
    # a line naming an alias is rewritten in place under the parameter's name
    assert "hash-max-listpack-value 20" in lines
    assert "hash-max-ziplist-value 20" not in lines
    assert "hash-max-listpack-entries 100" in lines
    assert "list-max-listpack-size 9" in lines
    assert not any(line.startswith("list-max-ziplist-size") for line in lines)
    srv.kill()
    srv2 = start_server(conf=str(conf))
    c = srv2.resp()
    try:
        assert config_map(c, "hash-max-listpack-*", "list-max-listpack-size") == {
            "hash-max-listpack-entries": "100", "hash-max-listpack-value": "20",
            "list-max-listpack-size": "9"}
    finally:
        c.close()


@pytest.mark.modis_only
def test_rewrite_lists_loaded_modules(tmp_path, start_server):
    """A module loaded with MODULE LOAD gets its loadmodule line (after the
    parameters, where Redis appends them: the module's parameters before it
    are applied once it loads), so the rewritten file starts again; the
    file's own loadmodule lines stay."""
    base = default_conf()
    if not base or "lists.so" not in open(base).read():
        pytest.skip("the default config does not load the lists module")
    lists_line = [line for line in open(base).read().splitlines() if "lists.so" in line][0]
    lists_path = lists_line.split()[1]
    conf = tmp_path / "nolists.conf"
    conf.write_text("\n".join(line for line in open(base).read().splitlines()
                              if "lists.so" not in line and "sort.so" not in line) + "\n")
    srv = start_server(conf=str(conf))
    c = srv.resp()
    try:
        assert c.execute("MODULE", "LOAD", lists_path, "x y") == "OK"
        assert c.execute("CONFIG", "SET", "list-compress-depth", "2") == "OK"
        assert c.execute("CONFIG", "REWRITE") == "OK"
    finally:
        c.close()
    lines = conf.read_text().splitlines()
    assert 'loadmodule %s "x y"' % lists_path in lines
    assert lines.index('loadmodule %s "x y"' % lists_path) > lines.index("list-compress-depth 2")
    for line in open(base).read().splitlines():
        if line.startswith("loadmodule") and "lists.so" not in line and "sort.so" not in line:
            assert line in lines
    srv.kill()
    srv2 = start_server(conf=str(conf))
    c = srv2.resp()
    try:
        assert config_map(c, "list-compress-depth") == {"list-compress-depth": "2"}
        names = [m[1] for m in c.execute("MODULE", "LIST")]
        assert b"lists" in names
    finally:
        c.close()
