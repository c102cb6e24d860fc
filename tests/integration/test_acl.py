"""ACL: users and every rule kind, AUTH/HELLO, the checks of calls (commands,
first arguments, keys by their read/write flags in every module, channels),
MULTI/EXEC and blocked clients checked again, clients dropped when their
user goes or loses a channel, ACL LOG, DRYRUN, CAT, GENPASS, CLIENT LIST's
user= and CLIENT KILL USER, requirepass. Replies are Redis 7.4's bytes
(tests/diff/scripts/acl.txt compares the rest with redis-server).

Every test runs on the module's own server; the `acl` fixture puts the
default user, the log and the ACL parameters back afterwards.
"""

import hashlib
import os
import threading
import time

import pytest

from modis_helpers import RawConn, ReplyError, RespClient, Server, error_of

pytestmark = pytest.mark.modis_only


@pytest.fixture(scope="module")
def acl_srv():
    srv = Server().start()
    yield srv
    srv.stop()


def reset_acl(srv):
    c = RespClient(srv.port)
    try:
        for name in c.execute("ACL", "USERS"):
            if name != b"default":
                c.execute("ACL", "DELUSER", name)
        c.execute("ACL", "SETUSER", "default", "reset", "on", "nopass", "~*", "&*", "+@all")
        c.execute("ACL", "LOG", "RESET")
        c.execute("CONFIG", "SET", "acl-pubsub-default", "resetchannels", "acllog-max-len", "128")
        c.execute("FLUSHALL")
        c.execute("CONFIG", "RESETSTAT")
    finally:
        c.close()


@pytest.fixture
def acl(acl_srv):
    """An admin connection (the default user) on a clean ACL state."""
    reset_acl(acl_srv)
    c = RespClient(acl_srv.port)
    yield c
    c.close()
    if not acl_srv.alive():
        pytest.fail("server died:\n%s" % acl_srv.log(tail=60))
    reset_acl(acl_srv)


def connect(srv, user=None, password="pw", proto=2):
    c = RespClient(srv.port, proto=proto)
    if user:
        assert c.execute("AUTH", user, password) == "OK"
    return c


def sha(p):
    return hashlib.sha256(p.encode()).hexdigest()


def wait_for(pred, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(0.02)
    return False


# ---------------------------------------------------------------- users

def test_default_user(acl):
    assert acl.execute("ACL", "WHOAMI") == b"default"
    assert acl.execute("ACL", "LIST") == [b"user default on nopass sanitize-payload ~* &* +@all"]
    assert acl.execute("ACL", "USERS") == [b"default"]
    assert acl.execute("ACL", "GETUSER", "default") == [
        b"flags", [b"on", b"nopass", b"sanitize-payload"], b"passwords", [],
        b"commands", b"+@all", b"keys", b"~*", b"channels", b"&*", b"selectors", []]


def test_every_rule_kind_shown_back(acl_srv, acl):
    assert acl.execute("ACL", "SETUSER", "u", "on", ">p1", "#" + sha("p2"), "~k:*",
                       "%R~r:*", "%W~w:*", "%RW~rw:*", "&news.*", "-@all", "+@hash",
                       "+get", "-hdel", "+client|id", "+select|0", "skip-sanitize-payload",
                       "(~s:* +set &x)") == "OK"
    line = ("user u on skip-sanitize-payload #%s #%s ~k:* %%R~r:* %%W~w:* ~rw:* "
            "resetchannels &news.* -@all +@hash +get -hdel +client|id +select|0 "
            "(~s:* resetchannels &x -@all +set)" % (sha("p1"), sha("p2")))
    assert acl.execute("ACL", "LIST")[1] == line.encode()
    u = acl.execute("ACL", "GETUSER", "u")
    assert u[0:4] == [b"flags", [b"on", b"skip-sanitize-payload"], b"passwords",
                      [sha("p1").encode(), sha("p2").encode()]]
    assert u[4:10] == [b"commands", b"-@all +@hash +get -hdel +client|id +select|0",
                       b"keys", b"~k:* %R~r:* %W~w:* ~rw:*", b"channels", b"&news.*"]
    assert u[10:] == [b"selectors", [[b"commands", b"-@all +set", b"keys", b"~s:*",
                                      b"channels", b"&x"]]]
    # RESP3: a map, flags as a set
    c3 = RespClient(acl_srv.port, proto=3)
    m = c3.execute("ACL", "GETUSER", "u")
    assert m[b"flags"] == {b"on", b"skip-sanitize-payload"}
    assert m[b"selectors"] == [{b"commands": b"-@all +set", b"keys": b"~s:*",
                                b"channels": b"&x"}]
    c3.close()


def test_rule_order_and_replacement(acl):
    acl.execute("ACL", "SETUSER", "o", "+@all", "-get", "-@string", "+get", "-config|get",
                "-config")
    assert acl.execute("ACL", "GETUSER", "o")[5] == b"+@all -@string +get -config"
    acl.execute("ACL", "SETUSER", "o", "nocommands", "+config|get", "+config|set")
    assert acl.execute("ACL", "GETUSER", "o")[5] == b"-@all +config|get +config|set"
    acl.execute("ACL", "SETUSER", "o", "allcommands")
    assert acl.execute("ACL", "GETUSER", "o")[5] == b"+@all"


@pytest.mark.parametrize("rule,why", [
    ("foo", "Syntax error"),
    ("+nosuch", "Unknown command or category name in ACL"),
    ("+@nosuch", "Unknown command or category name in ACL"),
    ("-select|0", "Unknown command or category name in ACL"),
    ("+config|get|x", "Allowing first-arg of a subcommand is not supported"),
    ("+select|", "Syntax error"),
    ("%X~k", "Syntax error"),
    ("~a b", "Syntax error"),
    ("<never", "The password you are trying to remove from the user does not exist"),
    ("#ABC", "The password hash must be exactly 64 characters and contain only lowercase "
             "hexadecimal characters"),
])
def test_bad_rule_changes_nothing(acl, rule, why):
    acl.execute("ACL", "SETUSER", "v", "on", ">pw", "~a*", "+get")
    before = acl.execute("ACL", "LIST")
    err = error_of(acl, "ACL", "SETUSER", "v", "-get", ">other", rule, "+set")
    assert err == "ERR Error in ACL SETUSER modifier '%s': %s" % (rule, why)
    assert acl.execute("ACL", "LIST") == before
    # a new user is not created either
    error_of(acl, "ACL", "SETUSER", "neverborn", "on", rule)
    assert acl.execute("ACL", "GETUSER", "neverborn") is None


def test_patterns_after_all(acl):
    assert error_of(acl, "ACL", "SETUSER", "x", "allkeys", "~a") == (
        "ERR Error in ACL SETUSER modifier '~a': Adding a pattern after the * pattern (or the "
        "'allkeys' flag) is not valid and does not have any effect. Try 'resetkeys' to start "
        "with an empty list of patterns")
    assert error_of(acl, "ACL", "SETUSER", "x", "&*", "&a") == (
        "ERR Error in ACL SETUSER modifier '&a': Adding a pattern after the * pattern (or the "
        "'allchannels' flag) is not valid and does not have any effect. Try 'resetchannels' to "
        "start with an empty list of channels")
    assert error_of(acl, "ACL", "SETUSER", "x", "(+get", "~a") == (
        "ERR Unmatched parenthesis in acl selector starting at '(+get'.")
    assert error_of(acl, "ACL", "SETUSER", "a b") == (
        "ERR Usernames can't contain spaces or null characters")


def test_deluser_and_reset(acl):
    acl.execute("ACL", "SETUSER", "d1", "on", ">pw", "+@all", "~*")
    acl.execute("ACL", "SETUSER", "d2")
    assert error_of(acl, "ACL", "DELUSER", "d1", "default") == (
        "ERR The 'default' user cannot be removed")
    assert acl.execute("ACL", "USERS") == [b"d1", b"d2", b"default"]
    acl.execute("ACL", "SETUSER", "d1", "reset")
    assert acl.execute("ACL", "LIST")[0] == b"user d1 off sanitize-payload resetchannels -@all"
    assert acl.execute("ACL", "DELUSER", "d1", "d2", "nosuch") == 2
    assert acl.execute("ACL", "USERS") == [b"default"]


# ---------------------------------------------------------------- authentication

def test_auth_forms(acl_srv, acl):
    acl.execute("ACL", "SETUSER", "alice", "on", ">a1", ">a2", "+@all", "~*")
    acl.execute("ACL", "SETUSER", "off", "off", ">pw", "+@all")
    acl.execute("ACL", "SETUSER", "free", "on", "nopass", "+acl|whoami")
    c = connect(acl_srv)
    wrong = "WRONGPASS invalid username-password pair or user is disabled."
    assert error_of(c, "AUTH", "alice", "nope") == wrong
    assert error_of(c, "AUTH", "nosuch", "a1") == wrong
    assert error_of(c, "AUTH", "off", "pw") == wrong
    assert error_of(c, "AUTH", "a", "b", "c") == "ERR syntax error"
    assert error_of(c, "AUTH", "pw") == (
        "ERR AUTH <password> called without any password configured for the default user. "
        "Are you sure your configuration is correct?")
    assert c.execute("AUTH", "alice", "a2") == "OK"
    assert c.execute("ACL", "WHOAMI") == b"alice"
    assert c.execute("AUTH", "free", "anything") == "OK"
    assert c.execute("ACL", "WHOAMI") == b"free"
    assert c.execute("RESET") == "RESET"
    assert c.execute("ACL", "WHOAMI") == b"default"
    # passwords removed by hash or by text
    acl.execute("ACL", "SETUSER", "alice", "!" + sha("a1"), "<a2", ">a3")
    assert error_of(c, "AUTH", "alice", "a1") == wrong
    assert c.execute("AUTH", "alice", "a3") == "OK"
    c.close()


def test_hello_auth(acl_srv, acl):
    acl.execute("ACL", "SETUSER", "h", "on", ">pw", "+@all", "~*")
    c = RespClient(acl_srv.port)
    assert error_of(c, "HELLO", "3", "AUTH", "h", "bad") == (
        "WRONGPASS invalid username-password pair or user is disabled.")
    reply = c.execute("HELLO", "3", "AUTH", "h", "pw", "SETNAME", "me")
    assert reply[b"proto"] == 3
    assert c.execute("ACL", "WHOAMI") == b"h"
    c.close()


def test_requirepass_is_the_default_users_password(acl_srv, acl):
    before = connect(acl_srv)
    acl.execute("CONFIG", "SET", "requirepass", "s3cret")
    try:
        assert acl.execute("CONFIG", "GET", "requirepass") == [b"requirepass", b"s3cret"]
        assert acl.execute("ACL", "LIST") == [
            b"user default on sanitize-payload #%s ~* &* +@all" % sha("s3cret").encode()]
        # connections made before keep working, as in Redis
        assert before.execute("PING") == "PONG"
        c = RespClient(acl_srv.port)
        assert error_of(c, "PING") == "NOAUTH Authentication required."
        assert error_of(c, "HELLO", "3") == (
            "NOAUTH HELLO must be called with the client already authenticated, otherwise the "
            "HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client "
            "and select the RESP protocol version at the same time")
        assert c.execute("AUTH", "s3cret") == "OK"
        assert c.execute("PING") == "PONG"
        c.close()
        # ACL SETUSER does not change the requirepass value
        acl.execute("ACL", "SETUSER", "default", ">other")
        assert acl.execute("CONFIG", "GET", "requirepass") == [b"requirepass", b"s3cret"]
    finally:
        acl.execute("CONFIG", "SET", "requirepass", "")
    assert acl.execute("ACL", "LIST") == [b"user default on nopass sanitize-payload ~* &* +@all"]
    before.close()


def test_wrong_passwords_are_logged_as_one_grouped_entry(acl_srv, acl):
    acl.execute("ACL", "SETUSER", "target", "on", ">right", "+@all")
    c = RespClient(acl_srv.port)
    for _ in range(25):
        error_of(c, "AUTH", "target", "guess")
    c.close()
    log = acl.execute("ACL", "LOG")
    assert len(log) == 1
    e = dict(zip(log[0][0::2], log[0][1::2]))
    assert e[b"count"] == 25 and e[b"reason"] == b"auth" and e[b"object"] == b"AUTH"
    assert e[b"username"] == b"target" and e[b"context"] == b"toplevel"
    info = acl.execute("INFO", "stats").decode()
    assert "acl_access_denied_auth:25\r\n" in info


# ---------------------------------------------------------------- command rules

def test_command_denials(acl_srv, acl):
    acl.execute("ACL", "SETUSER", "c", "on", ">pw", "~*", "-@all", "+@string", "-append",
                "+client|id", "+select|0", "+@hash")
    c = connect(acl_srv, "c")
    assert c.execute("SET", "k", "v") == "OK"
    assert error_of(c, "APPEND", "k", "v") == (
        "NOPERM User c has no permissions to run the 'append' command")
    assert isinstance(c.execute("CLIENT", "ID"), int)
    assert error_of(c, "CLIENT", "LIST") == (
        "NOPERM User c has no permissions to run the 'client|list' command")
    assert c.execute("SELECT", "0") == "OK"
    assert error_of(c, "SELECT", "1") == (
        "NOPERM User c has no permissions to run the 'select' command")
    assert c.execute("HSET", "h", "f", "v") == 1
    assert error_of(c, "LPUSH", "l", "x") == (
        "NOPERM User c has no permissions to run the 'lpush' command")
    # unknown command and arity come before the ACL check; AUTH never needs rights
    assert error_of(c, "NOSUCH").startswith("ERR unknown command 'NOSUCH'")
    assert error_of(c, "LPUSH", "l") == "ERR wrong number of arguments for 'lpush' command"
    assert c.execute("AUTH", "c", "pw") == "OK"
    c.close()


def test_categories_cover_module_commands(acl):
    hashes = acl.execute("ACL", "CAT", "hash")
    for name in (b"hset", b"hget", b"hgetall", b"hexpire"):
        assert name in hashes
    assert b"setbit" in acl.execute("ACL", "CAT", "bitmap")
    assert b"pfadd" in acl.execute("ACL", "CAT", "hyperloglog")
    assert b"blpop" in acl.execute("ACL", "CAT", "blocking")
    assert b"config|get" in acl.execute("ACL", "CAT", "admin")
    cats = acl.execute("ACL", "CAT")
    assert cats[:3] == [b"keyspace", b"read", b"write"] and len(cats) == 21
    assert error_of(acl, "ACL", "CAT", "nope") == "ERR Unknown category 'nope'"


def test_module_loaded_later(acl_srv, acl):
    """A module's commands carry their categories; +@all covers commands
    loaded later, a category only those present when it was applied."""
    builddir = os.environ.get("MODIS_BUILDDIR", os.path.join(os.path.dirname(__file__), "..", ".."))
    path = os.path.join(builddir, "tests", "modules", ".libs", "tiny.so")
    if not os.path.exists(path):
        pytest.skip("tiny.so not built")
    acl.execute("ACL", "SETUSER", "all", "on", "nopass", "+@all")
    acl.execute("ACL", "SETUSER", "conn", "on", "nopass", "-@all", "+@connection")
    acl.execute("MODULE", "LOAD", os.path.abspath(path))
    try:
        assert acl.execute("ACL", "DRYRUN", "all", "tinyping") == "OK"
        assert acl.execute("ACL", "DRYRUN", "conn", "tinyping") == (
            b"User conn has no permissions to run the 'tinyping' command")
        acl.execute("ACL", "SETUSER", "conn2", "on", "nopass", "-@all", "+@connection")
        assert acl.execute("ACL", "DRYRUN", "conn2", "tinyping") == "OK"
        assert b"tinyping" in acl.execute("ACL", "CAT", "connection")
        assert b"tinyping" in acl.execute("ACL", "CAT", "fast")
    finally:
        acl.execute("MODULE", "UNLOAD", "tiny")


# ---------------------------------------------------------------- keys, per module

# (command, the key that needs read, the key that needs write); {rw} is
# a key both read and written (SETBIT and PFMERGE read what they update,
# so a write-only pattern does not do, as in Redis)
KEY_CASES = [
    (["GET", "{r}"], "{r}", None),
    (["SET", "{w}", "v"], None, "{w}"),
    (["APPEND", "{w}", "v"], None, "{w}"),
    (["COPY", "{r}", "{w}"], "{r}", "{w}"),
    (["RENAME", "{w}", "{w2}"], None, "{w}"),
    (["HSET", "{w}", "f", "v"], None, "{w}"),
    (["HGET", "{r}", "f"], "{r}", None),
    (["LPUSH", "{w}", "x"], None, "{w}"),
    (["LRANGE", "{r}", "0", "-1"], "{r}", None),
    (["LMOVE", "{r}", "{w}", "LEFT", "RIGHT"], None, "{w}"),
    (["SETBIT", "{rw}", "0", "1"], "{rw}", "{rw}"),
    (["GETBIT", "{r}", "0"], "{r}", None),
    (["BITOP", "AND", "{w}", "{r}"], "{r}", "{w}"),
    (["PFADD", "{w}", "a"], None, "{w}"),
    (["PFCOUNT", "{r}"], "{r}", None),
    (["PFMERGE", "{rw}", "{r}"], "{r}", "{rw}"),
]


def fill(args, r, w, rw="rw:1"):
    return [a.replace("{rw}", rw).replace("{r}", r).replace("{w2}", w + "2").replace("{w}", w)
            for a in args]


@pytest.mark.parametrize("args,rkey,wkey", KEY_CASES, ids=[" ".join(c[0][:2]) for c in KEY_CASES])
def test_key_permissions_follow_key_spec_flags(acl_srv, acl, args, rkey, wkey):
    acl.execute("ACL", "SETUSER", "k", "on", ">pw", "+@all", "resetkeys", "%R~r:*",
                "%W~w:*", "~rw:*")
    c = connect(acl_srv, "k")
    denied = "NOPERM No permissions to access a key"
    # allowed: read keys under r:, written keys under w: (or rw: for both)
    ok = fill(args, "r:1", "w:1")
    if "RENAME" not in args and "LMOVE" not in args:
        reply = c.pipeline(ok)[0]
        assert not (isinstance(reply, ReplyError) and reply.text.startswith("NOPERM")), reply
    assert acl.execute("ACL", "DRYRUN", "k", *fill(args, "rw:1", "rw:2", "rw:3")) == "OK"
    # a read key under w: or a written key under r: is refused
    if rkey:
        assert error_of(c, *fill(args, "w:1", "w:1", "w:1")) == denied
        assert acl.execute("ACL", "DRYRUN", "k", *fill(args, "w:9", "w:1", "w:9")) == (
            b"User k has no permissions to access the 'w:9' key")
    if wkey:
        assert error_of(c, *fill(args, "r:1", "r:1", "r:1")) == denied
    c.close()


def test_key_denial_in_selectors(acl):
    acl.execute("ACL", "SETUSER", "s", "on", "nopass", "-@all", "+get", "~a*",
                "(+set ~b*)", "(+get ~c*)")
    assert acl.execute("ACL", "DRYRUN", "s", "get", "a1") == "OK"
    assert acl.execute("ACL", "DRYRUN", "s", "get", "c1") == "OK"
    assert acl.execute("ACL", "DRYRUN", "s", "set", "b1", "v") == "OK"
    assert acl.execute("ACL", "DRYRUN", "s", "set", "a1", "v") == (
        b"User s has no permissions to access the 'a1' key")
    assert acl.execute("ACL", "DRYRUN", "s", "hset", "a1", "f", "v") == (
        b"User s has no permissions to run the 'hset' command")
    # the latest refused argument is the one reported
    assert acl.execute("ACL", "DRYRUN", "s", "mget", "a1", "x", "y") == (
        b"User s has no permissions to run the 'mget' command")


# ---------------------------------------------------------------- channels

def test_channel_permissions(acl_srv, acl):
    acl.execute("ACL", "SETUSER", "p", "on", ">pw", "+@all", "resetchannels", "&news.*",
                "&exact")
    c = connect(acl_srv, "p")
    denied = "NOPERM No permissions to access a channel"
    assert c.execute("PUBLISH", "news.1", "m") == 0
    assert error_of(c, "PUBLISH", "sport", "m") == denied
    assert error_of(c, "SPUBLISH", "sport", "m") == denied
    assert error_of(c, "SUBSCRIBE", "news.1", "sport") == denied
    assert error_of(c, "PSUBSCRIBE", "news.a*") == denied       # patterns match literally
    assert error_of(c, "SSUBSCRIBE", "sport") == denied
    c.conn.send_command("PSUBSCRIBE", "news.*")
    assert c.conn.read_value() == [b"psubscribe", b"news.*", 1]
    c.close()
    acl.execute("CONFIG", "SET", "acl-pubsub-default", "allchannels")
    acl.execute("ACL", "SETUSER", "p2", "on", ">pw", "+@all")
    assert acl.execute("ACL", "GETUSER", "p2")[9] == b"&*"


def test_subscribers_dropped_when_channels_are_revoked(acl_srv, acl):
    acl.execute("ACL", "SETUSER", "sub", "on", ">pw", "+@all", "&a", "&b")
    keeps = connect(acl_srv, "sub")
    loses = connect(acl_srv, "sub")
    keeps.conn.send_command("SUBSCRIBE", "a")
    keeps.conn.read_value()
    loses.conn.send_command("SUBSCRIBE", "b")
    loses.conn.read_value()
    plain = connect(acl_srv, "sub")     # no subscription: kept
    assert acl.execute("ACL", "SETUSER", "sub", "resetchannels", "&a") == "OK"
    assert loses.conn.is_closed(2.0)
    assert not keeps.conn.is_closed(0.3)
    assert plain.execute("PING") == "PONG"
    # widening never drops anyone
    acl.execute("ACL", "SETUSER", "sub", "&c")
    assert not keeps.conn.is_closed(0.3)
    for c in (keeps, loses, plain):
        c.close()


# ---------------------------------------------------------------- users going away

def test_deleted_users_clients_are_closed(acl_srv, acl):
    acl.execute("ACL", "SETUSER", "gone", "on", ">pw", "+@all", "~*")
    victim = connect(acl_srv, "gone")
    me = connect(acl_srv, "gone")
    other = connect(acl_srv)
    assert me.execute("ACL", "DELUSER", "gone") == 1      # the reply still arrives
    assert me.conn.is_closed(2.0)
    assert victim.conn.is_closed(2.0)
    assert other.execute("PING") == "PONG"
    other.close()


def test_client_list_user_and_kill_user(acl_srv, acl):
    acl.execute("ACL", "SETUSER", "kk", "on", ">pw", "+@all")
    a = connect(acl_srv, "kk")
    b = connect(acl_srv, "kk")
    my_id = a.execute("CLIENT", "ID")
    assert b" user=kk " in a.execute("CLIENT", "INFO")
    listed = [line for line in acl.execute("CLIENT", "LIST").split(b"\n")
              if line.startswith(b"id=%d " % my_id)]
    assert b" user=kk " in listed[0]
    assert error_of(acl, "CLIENT", "KILL", "USER", "nobody") == "ERR No such user 'nobody'"
    assert acl.execute("CLIENT", "KILL", "USER", "kk") == 2
    assert a.conn.is_closed(2.0) and b.conn.is_closed(2.0)
    assert acl.execute("CLIENT", "KILL", "USER", "default", "SKIPME", "yes") >= 0


# ---------------------------------------------------------------- MULTI, blocking

def test_exec_checks_queued_commands_again(acl_srv, acl):
    acl.execute("ACL", "SETUSER", "m", "on", ">pw", "+@all", "~a:*", "~b:*")
    c = connect(acl_srv, "m")
    acl.execute("SET", "a:1", "A")
    acl.execute("SET", "b:1", "B")
    assert c.execute("MULTI") == "OK"
    assert c.execute("GET", "a:1") == "QUEUED"
    assert c.execute("GET", "b:1") == "QUEUED"
    acl.execute("ACL", "SETUSER", "m", "resetkeys", "~a:*")
    reply = c.execute("EXEC")
    assert reply[0] == b"A"
    assert reply[1] == ReplyError(
        "NOPERM ACLs rules changed between the moment the transaction was accumulated and the "
        "EXEC call. This command is no longer allowed for the following reason: no permission "
        "to touch the specified keys")
    # refused when queued: the transaction aborts
    c.execute("MULTI")
    assert error_of(c, "GET", "b:1") == "NOPERM No permissions to access a key"
    assert error_of(c, "EXEC") == "EXECABORT Transaction discarded because of previous errors."
    log = acl.execute("ACL", "LOG", "1")
    e = dict(zip(log[0][0::2], log[0][1::2]))
    assert e[b"context"] == b"multi" and e[b"object"] == b"b:1"
    c.close()


def test_blocked_client_checked_again_when_served(acl_srv, acl):
    acl.execute("ACL", "SETUSER", "bl", "on", ">pw", "+@all", "~q:*")
    c = connect(acl_srv, "bl")
    out = []
    t = threading.Thread(target=lambda: out.append(c.pipeline(["BLPOP", "q:1", "0"])[0]))
    t.start()
    assert wait_for(lambda: b"blocked_clients:1" in acl.execute("INFO", "clients"))
    acl.execute("ACL", "SETUSER", "bl", "resetkeys", "~other:*")
    acl.execute("LPUSH", "q:1", "x")
    t.join(5)
    assert out == [ReplyError("NOPERM No permissions to access a key")]
    assert acl.execute("LLEN", "q:1") == 1          # nothing was popped
    c.close()


# ---------------------------------------------------------------- ACL LOG

def test_log_entries(acl_srv, acl):
    acl.execute("ACL", "SETUSER", "lg", "on", ">pw", "-@all", "+get", "+publish", "~k*",
                "&c*")
    c = connect(acl_srv, "lg")
    t0 = int(time.time() * 1000)
    error_of(c, "SET", "k", "v")
    error_of(c, "GET", "x")
    error_of(c, "GET", "x")
    error_of(c, "PUBLISH", "nope", "m")
    c.close()
    entries = [dict(zip(e[0::2], e[1::2])) for e in acl.execute("ACL", "LOG")]
    assert [(e[b"reason"], e[b"object"], e[b"count"]) for e in entries] == [
        (b"channel", b"nope", 1), (b"key", b"x", 2), (b"command", b"set", 1)]
    for e in entries:
        assert list(e) == [b"count", b"reason", b"context", b"object", b"username",
                           b"age-seconds", b"client-info", b"entry-id", b"timestamp-created",
                           b"timestamp-last-updated"]
        assert e[b"username"] == b"lg" and e[b"context"] == b"toplevel"
        assert b" user=lg " in e[b"client-info"]
        assert t0 - 1000 <= e[b"timestamp-created"] <= e[b"timestamp-last-updated"]
        assert 0 <= float(e[b"age-seconds"]) < 10
    assert [e[b"entry-id"] for e in entries] == sorted(
        [e[b"entry-id"] for e in entries], reverse=True)
    assert b"cmd=get " in entries[1][b"client-info"]
    assert len(acl.execute("ACL", "LOG", "2")) == 2
    assert acl.execute("ACL", "LOG", "-1") == []
    stats = acl.execute("INFO", "stats").decode()
    assert "acl_access_denied_cmd:" in stats and "acl_access_denied_channel:" in stats
    # acllog-max-len trims, 0 keeps nothing (counters still count)
    acl.execute("CONFIG", "SET", "acllog-max-len", "1")
    error_of(connect(acl_srv, "lg"), "SET", "k2", "v")
    assert len(acl.execute("ACL", "LOG")) == 1
    acl.execute("CONFIG", "SET", "acllog-max-len", "0")
    error_of(connect(acl_srv, "lg"), "HSET", "k", "f", "v")
    assert acl.execute("ACL", "LOG") == []
    assert acl.execute("ACL", "LOG", "RESET") == "OK"


def test_log_entry_ids_keep_growing_after_reset(acl_srv, acl):
    acl.execute("ACL", "SETUSER", "lg", "on", ">pw", "-@all")
    c = connect(acl_srv, "lg")
    error_of(c, "GET", "a")
    first = dict(zip(*[iter(acl.execute("ACL", "LOG")[0])] * 2))[b"entry-id"]
    acl.execute("ACL", "LOG", "RESET")
    error_of(c, "SET", "a", "b")
    second = dict(zip(*[iter(acl.execute("ACL", "LOG")[0])] * 2))[b"entry-id"]
    assert second == first + 1
    c.close()


# ---------------------------------------------------------------- misc subcommands

def test_genpass(acl):
    for bits, chars in ((None, 64), (1, 1), (5, 2), (128, 32), (4096, 1024)):
        p = acl.execute("ACL", "GENPASS", *([] if bits is None else [bits]))
        assert len(p) == chars and all(ch in b"0123456789abcdef" for ch in p)
    assert acl.execute("ACL", "GENPASS") != acl.execute("ACL", "GENPASS")
    assert error_of(acl, "ACL", "GENPASS", "0") == (
        "ERR ACL GENPASS argument must be the number of bits for the output password, a "
        "positive number up to 4096")


def test_dryrun(acl):
    acl.execute("ACL", "SETUSER", "dr", "on", "nopass", "-@all", "+config|get")
    assert acl.execute("ACL", "DRYRUN", "dr", "config", "get", "x") == "OK"
    assert acl.execute("ACL", "DRYRUN", "dr", "config", "set", "x", "y") == (
        b"User dr has no permissions to run the 'config|set' command")
    assert error_of(acl, "ACL", "DRYRUN", "nobody", "get", "x") == "ERR User 'nobody' not found"
    assert error_of(acl, "ACL", "DRYRUN", "dr", "nosuch") == "ERR Command 'nosuch' not found"
    assert error_of(acl, "ACL", "DRYRUN", "dr", "get") == (
        "ERR wrong number of arguments for 'get' command")
    assert acl.execute("ACL", "LOG") == []           # a dry run logs nothing


def test_load_save_without_aclfile(acl):
    text = ("ERR This Redis instance is not configured to use an ACL file. You may want to "
            "specify users via the ACL SETUSER command and then issue a CONFIG REWRITE "
            "(assuming you have a Redis configuration file set) in order to store users in "
            "the Redis configuration.")
    assert error_of(acl, "ACL", "LOAD") == text
    assert error_of(acl, "ACL", "SAVE") == text
