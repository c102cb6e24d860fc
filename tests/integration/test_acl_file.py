"""Where ACL users come from: the aclfile (loaded at start-up, ACL LOAD all
or nothing with Redis's error texts, ACL SAVE), `user` lines of the config
file (applied after the modules, written back by CONFIG REWRITE), and the
start-up refusals (a missing or bad aclfile, users in both places)."""

import hashlib
import os
import subprocess
import tempfile
import pytest

from modis_helpers import RespClient, Server, default_conf, error_of, free_port, server_binary

pytestmark = pytest.mark.modis_only


def sha(p):
    return hashlib.sha256(p.encode()).hexdigest()


@pytest.fixture
def aclfile():
    d = tempfile.mkdtemp(prefix="modis-acl-")
    path = os.path.join(d, "users.acl")
    yield path
    for name in os.listdir(d):
        os.unlink(os.path.join(d, name))
    os.rmdir(d)


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def test_aclfile_load_and_save(start_server, aclfile):
    write(aclfile, "user default on nopass ~* &* +@all\nuser alice on >pw ~* +get\n")
    srv = start_server(["--aclfile", aclfile])
    c = RespClient(srv.port)
    assert c.execute("ACL", "LIST") == [
        b"user alice on sanitize-payload #%s ~* resetchannels -@all +get" % sha("pw").encode(),
        b"user default on nopass sanitize-payload ~* &* +@all"]
    assert c.execute("CONFIG", "GET", "aclfile") == [b"aclfile", aclfile.encode()]
    assert error_of(c, "CONFIG", "SET", "aclfile", "/tmp/x") == (
        "ERR CONFIG SET failed (possibly related to argument 'aclfile') - can't set immutable "
        "config")
    c.execute("ACL", "SETUSER", "zed", "on", "(~z* +set)")
    assert c.execute("ACL", "SAVE") == "OK"
    with open(aclfile) as f:
        assert f.read() == (
            "user alice on sanitize-payload #%s ~* resetchannels -@all +get\n"
            "user default on nopass sanitize-payload ~* &* +@all\n"
            "user zed on sanitize-payload resetchannels -@all (~z* resetchannels -@all +set)\n"
            % sha("pw"))
    assert not [n for n in os.listdir(os.path.dirname(aclfile)) if ".tmp-" in n]
    c.close()


def test_acl_load_is_all_or_nothing(start_server, aclfile):
    write(aclfile, "user alice on >pw ~* +get\n")
    srv = start_server(["--aclfile", aclfile])
    c = RespClient(srv.port)
    before = c.execute("ACL", "LIST")
    write(aclfile, "user default on nopass ~* &* +@all\nuser bob on foo\nbad line\nuser  x\n"
                   "user carol on +nosuch +nosuch2 badop\nuser bob on\nuser \"a b\"\n"
                   "user z (+get\n")
    f = aclfile
    assert error_of(c, "ACL", "LOAD") == (
        "ERR {f}:2: Syntax error. {f}:3 should start with user keyword followed by the "
        "username. {f}:4: Syntax error. {f}:5: Error in applying operation '+nosuch': Unknown "
        "command or category name in ACL. {f}:5: Error in applying operation '+nosuch2': "
        "Unknown command or category name in ACL. {f}:5: Syntax error. WARNING: Duplicate "
        "user 'bob' found on line 6. {f}:7: Syntax error. {f}:8: Unmatched parenthesis in "
        "selector definition.WARNING: ACL errors detected, no change to the previously active "
        "ACL rules was performed").format(f=f)
    assert c.execute("ACL", "LIST") == before
    os.unlink(aclfile)
    assert error_of(c, "ACL", "LOAD") == (
        "ERR Error loading ACLs, opening file '%s': No such file or directory" % aclfile)
    c.close()


def test_acl_load_moves_clients_to_new_rules(start_server, aclfile):
    write(aclfile, "user keep on >pw ~* +@all &*\nuser drop on >pw ~* +@all\n"
                   "user sub on >pw +@all &a &b\n")
    srv = start_server(["--aclfile", aclfile])
    admin = RespClient(srv.port)
    keep, drop, sub = (RespClient(srv.port) for _ in range(3))
    for conn, name in ((keep, "keep"), (drop, "drop"), (sub, "sub")):
        assert conn.execute("AUTH", name, "pw") == "OK"
    sub.conn.send_command("SUBSCRIBE", "b")
    sub.conn.read_value()
    write(aclfile, "user keep on >pw ~* -@all +get\nuser sub on >pw +@all &a\n")
    assert admin.execute("ACL", "LOAD") == "OK"
    assert drop.conn.is_closed(2.0)
    assert sub.conn.is_closed(2.0)
    assert error_of(keep, "SET", "k", "v") == (
        "NOPERM User keep has no permissions to run the 'set' command")
    assert keep.execute("GET", "k") is None
    # no default user in the file: a fresh default one
    assert admin.execute("ACL", "LIST")[0] == b"user default on nopass sanitize-payload ~* &* +@all"
    for c in (admin, keep):
        c.close()


def start_failure(args, conf=None):
    """Run the server expecting it to refuse to start; return its output."""
    with tempfile.TemporaryDirectory() as d:
        cmd = [server_binary()] + ([conf] if conf else []) + [
            "--port", str(free_port()), "--dir", d, "--save", ""] + args
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=20)
        assert p.returncode == 1
        return p.stdout.decode()


def test_startup_refusals(aclfile):
    out = start_failure(["--aclfile", aclfile])
    assert ("Aborting Redis startup because of ACL errors: Error loading ACLs, opening file "
            "'%s': No such file or directory" % aclfile) in out
    write(aclfile, "user a on badrule\n")
    assert ("Aborting Redis startup because of ACL errors: %s:1: Syntax error. WARNING: ACL "
            "errors detected" % aclfile) in start_failure(["--aclfile", aclfile])
    conf = aclfile + ".conf"
    write(conf, "user x on\naclfile %s\n" % aclfile)
    assert ("Configuring Redis with users defined in redis.conf and at the same setting an ACL "
            "file path is invalid.") in start_failure([], conf)
    write(conf, "user alice on badrule\n")
    out = start_failure([], conf)
    assert "Error in user declaration 'alice': Syntax error" in out
    write(conf, "user alice on\nuser alice off\n")
    assert ("Error in user declaration 'alice': Duplicate user found. A user can only be "
            "defined once in config files") in start_failure([], conf)
    write(conf, "user nosuchcmd on +nosuchcommand\n")
    out = start_failure([], conf)
    assert ("Error loading ACL rule '+nosuchcommand' for the user named 'nosuchcmd': Unknown "
            "command or category name in ACL") in out
    assert "Critical error while loading ACLs. Exiting." in out


def test_users_in_config_and_rewrite(aclfile):
    """`user` lines after the loadmodule lines may name module commands;
    CONFIG REWRITE puts every user back, in place of the file's lines."""
    base = default_conf()
    conf = aclfile + ".conf"
    text = open(base).read() if base else ""
    write(conf, text + "\nuser app on >pw ~app:* +hset +get\nrequirepass topsecret\n")
    srv = Server(conf=conf).start()
    try:
        c = RespClient(srv.port)
        assert c.execute("AUTH", "topsecret") == "OK"
        assert c.execute("ACL", "LIST") == [
            b"user app on sanitize-payload #%s ~app:* resetchannels -@all +hset +get"
            % sha("pw").encode(),
            b"user default on sanitize-payload #%s ~* &* +@all" % sha("topsecret").encode()]
        c.execute("ACL", "SETUSER", "other", "on", "nopass", "+ping")
        assert c.execute("CONFIG", "REWRITE") == "OK"
        lines = open(conf).read().splitlines()
        users = [l for l in lines if l.startswith("user ")]
        assert users == [
            "user app on sanitize-payload #%s ~app:* resetchannels -@all +hset +get" % sha("pw"),
            "user default on sanitize-payload #%s ~* &* +@all" % sha("topsecret"),
            "user other on nopass sanitize-payload resetchannels -@all +ping"]
        # the first user line stays where the file had it
        assert lines.index(users[0]) < lines.index("# Generated by CONFIG REWRITE")
        c.close()
        srv.kill()
        srv2 = Server(conf=conf).start()
        c = RespClient(srv2.port)
        assert c.execute("AUTH", "other", "x") == "OK"
        assert c.execute("PING") == "PONG"
        c.close()
        srv2.stop()
    finally:
        srv.stop()
