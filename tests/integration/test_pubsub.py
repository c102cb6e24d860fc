"""Pub/Sub: SUBSCRIBE / UNSUBSCRIBE / PSUBSCRIBE / PUNSUBSCRIBE / PUBLISH,
the sharded SSUBSCRIBE / SUNSUBSCRIBE / SPUBLISH, PUBSUB introspection, the
RESP2 subscribed context, RESP3 push frames, CLIENT LIST / INFO fields and
keyspace notifications delivered to subscribers.  Replies are compared as
exact bytes on raw sockets."""

import threading
import time

import pytest

from modis_helpers import RespClient

CTX_ERR = (b"-ERR Can't execute '%s': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / "
           b"QUIT / RESET are allowed in this context\r\n")


def frame(*items, proto=2):
    """The exact bytes of a Pub/Sub frame: bytes are bulks, ints integers,
    None the null of the protocol; an array in RESP2, a push in RESP3."""
    out = [b"%c%d\r\n" % (ord("*") if proto == 2 else ord(">"), len(items))]
    for it in items:
        if it is None:
            out.append(b"$-1\r\n" if proto == 2 else b"_\r\n")
        elif isinstance(it, int):
            out.append(b":%d\r\n" % it)
        else:
            out.append(b"$%d\r\n%s\r\n" % (len(it), it))
    return b"".join(out)


def subscribe(conn, cmd, *names):
    """Send cmd names... and return the raw bytes of its len(names) replies."""
    conn.send_command(cmd, *names)
    return b"".join(conn.read_reply() for _ in names)


def wait_for(pred, timeout=5.0):
    end = time.time() + timeout
    while time.time() < end:
        if pred():
            return True
        time.sleep(0.02)
    return pred()


# --------------------------------------------------------------------------
# SUBSCRIBE / PUBLISH / UNSUBSCRIBE (RESP2)
# --------------------------------------------------------------------------

def test_subscribe_replies_and_counts(raw):
    assert subscribe(raw, "SUBSCRIBE", "a", "b", "a") == (
        frame(b"subscribe", b"a", 1) + frame(b"subscribe", b"b", 2) +
        frame(b"subscribe", b"a", 2))


def test_publish_delivers_message(server, raw, r):
    subscribe(raw, "SUBSCRIBE", "chan")
    assert r.publish("chan", b"hello\r\nworld") == 1
    assert raw.read_reply() == frame(b"message", b"chan", b"hello\r\nworld")
    assert r.publish("other", "x") == 0
    assert raw.read_available(0.1) == b""


def test_publish_counts_every_receiver(server, r):
    conns = [server.raw() for _ in range(3)]
    try:
        for c in conns:
            subscribe(c, "SUBSCRIBE", "news")
        subscribe(conns[0], "PSUBSCRIBE", "n*", "*s")
        # 3 channel subscribers + 2 matching patterns of the first client
        assert r.publish("news", "m") == 5
        assert conns[0].read_reply() == frame(b"message", b"news", b"m")
        rest = {conns[0].read_reply(), conns[0].read_reply()}
        assert rest == {frame(b"pmessage", b"n*", b"news", b"m"),
                        frame(b"pmessage", b"*s", b"news", b"m")}
        for c in conns[1:]:
            assert c.read_reply() == frame(b"message", b"news", b"m")
    finally:
        for c in conns:
            c.close()


def test_unsubscribe_named(raw, r):
    subscribe(raw, "SUBSCRIBE", "a", "b")
    assert subscribe(raw, "UNSUBSCRIBE", "a", "zz") == (
        frame(b"unsubscribe", b"a", 1) + frame(b"unsubscribe", b"zz", 1))
    assert r.publish("a", "x") == 0
    assert r.publish("b", "x") == 1


def test_unsubscribe_all(raw, r):
    subscribe(raw, "SUBSCRIBE", "a", "b", "c")
    subscribe(raw, "PSUBSCRIBE", "p*")
    raw.send_command("UNSUBSCRIBE")
    got = [raw.read_value() for _ in range(3)]
    assert sorted(g[1] for g in got) == [b"a", b"b", b"c"]
    # each reply counts what is left, patterns included
    assert [g[2] for g in got] == [3, 2, 1]
    assert all(g[0] == b"unsubscribe" for g in got)
    assert raw.call("PUNSUBSCRIBE") == frame(b"punsubscribe", b"p*", 0)
    # no longer in the subscribed context
    assert raw.call("SET", "k", "v") == b"+OK\r\n"


def test_unsubscribe_without_subscriptions_replies_nil(raw):
    assert raw.call("UNSUBSCRIBE") == frame(b"unsubscribe", None, 0)
    assert raw.call("PUNSUBSCRIBE") == frame(b"punsubscribe", None, 0)
    assert raw.call("SUNSUBSCRIBE") == frame(b"sunsubscribe", None, 0)
    # still a normal client
    assert raw.call("PING") == b"+PONG\r\n"


def test_unsubscribe_all_counts_patterns(raw):
    subscribe(raw, "PSUBSCRIBE", "x*")
    assert raw.call("UNSUBSCRIBE") == frame(b"unsubscribe", None, 1)


# --------------------------------------------------------------------------
# patterns
# --------------------------------------------------------------------------

@pytest.mark.parametrize("pattern,channel,match", [
    (b"h?llo", b"hello", True), (b"h?llo", b"hllo", False),
    (b"h*llo", b"heeeello", True), (b"h[ae]llo", b"hallo", True),
    (b"h[ae]llo", b"hillo", False), (b"h[^e]llo", b"hallo", True),
    (b"h[^e]llo", b"hello", False), (b"h[a-b]llo", b"hbllo", True),
    (b"h\\*llo", b"h*llo", True), (b"h\\*llo", b"hxllo", False),
    (b"Hello", b"hello", False),
    # Redis's matcher never matches an empty channel with a non-empty pattern
    (b"*", b"", False), (b"", b"", True),
])
def test_pattern_matching(raw, r, pattern, channel, match):
    subscribe(raw, "PSUBSCRIBE", pattern)
    assert r.publish(channel, "m") == (1 if match else 0)
    if match:
        assert raw.read_reply() == frame(b"pmessage", pattern, channel, b"m")
    assert raw.read_available(0.05) == b""


def test_psubscribe_punsubscribe(raw, r):
    assert subscribe(raw, "PSUBSCRIBE", "a*", "b*", "a*") == (
        frame(b"psubscribe", b"a*", 1) + frame(b"psubscribe", b"b*", 2) +
        frame(b"psubscribe", b"a*", 2))
    assert subscribe(raw, "SUBSCRIBE", "c") == frame(b"subscribe", b"c", 3)
    assert subscribe(raw, "PUNSUBSCRIBE", "a*", "q*") == (
        frame(b"punsubscribe", b"a*", 2) + frame(b"punsubscribe", b"q*", 2))
    assert r.publish("abc", "x") == 0
    assert r.publish("bcd", "x") == 1
    assert raw.read_reply() == frame(b"pmessage", b"b*", b"bcd", b"x")


# --------------------------------------------------------------------------
# the RESP2 subscribed context
# --------------------------------------------------------------------------

def test_subscribed_context_rejects_other_commands(raw):
    subscribe(raw, "SUBSCRIBE", "a")
    assert raw.call("GET", "x") == CTX_ERR % b"get"
    assert raw.call("CLIENT", "ID") == CTX_ERR % b"client|id"
    assert raw.call("PUBLISH", "a", "b") == CTX_ERR % b"publish"
    # unknown commands and arity errors come first, as in Redis
    assert raw.call("NOSUCHCMD").startswith(b"-ERR unknown command 'NOSUCHCMD'")
    assert raw.call("SUBSCRIBE") == (
        b"-ERR wrong number of arguments for 'subscribe' command\r\n")


def test_subscribed_context_after_psubscribe_and_ssubscribe(server):
    for cmd in ("PSUBSCRIBE", "SSUBSCRIBE"):
        c = server.raw()
        try:
            subscribe(c, cmd, "x")
            assert c.call("DBSIZE") == CTX_ERR % b"dbsize"
        finally:
            c.close()


def test_ping_in_subscribed_context(raw):
    subscribe(raw, "SUBSCRIBE", "a")
    assert raw.call("PING") == frame(b"pong", b"")
    assert raw.call("PING", "hi") == frame(b"pong", b"hi")
    assert raw.call("PING", "a", "b") == (
        b"-ERR wrong number of arguments for 'ping' command\r\n")


def test_quit_in_subscribed_context(raw):
    subscribe(raw, "SUBSCRIBE", "a")
    assert raw.call("QUIT") == b"+OK\r\n"
    assert raw.is_closed()


def test_reset_clears_subscriptions(raw, r):
    subscribe(raw, "SUBSCRIBE", "a")
    subscribe(raw, "PSUBSCRIBE", "a*")
    subscribe(raw, "SSUBSCRIBE", "s")
    assert raw.call("RESET") == b"+RESET\r\n"
    assert r.publish("a", "x") == 0
    assert r.execute_command("SPUBLISH", "s", "x") == 0
    assert r.execute_command("PUBSUB", "NUMPAT") == 0
    assert raw.read_available(0.1) == b""
    assert raw.call("GET", "a") == b"$-1\r\n"


def test_disconnect_removes_subscriptions(server, r):
    c = server.raw()
    subscribe(c, "SUBSCRIBE", "gone")
    subscribe(c, "PSUBSCRIBE", "gone*")
    subscribe(c, "SSUBSCRIBE", "sgone")
    c.close()
    assert wait_for(lambda: r.execute_command("PUBSUB", "NUMSUB", "gone") == [b"gone", 0])
    assert r.execute_command("PUBSUB", "NUMPAT") == 0
    assert r.execute_command("PUBSUB", "SHARDNUMSUB", "sgone") == [b"sgone", 0]
    assert r.publish("gone", "x") == 0


# --------------------------------------------------------------------------
# RESP3
# --------------------------------------------------------------------------

def test_resp3_push_frames(server, r):
    c = server.raw()
    try:
        c.call("HELLO", "3")
        assert subscribe(c, "SUBSCRIBE", "a") == frame(b"subscribe", b"a", 1, proto=3)
        assert subscribe(c, "PSUBSCRIBE", "a*") == frame(b"psubscribe", b"a*", 2, proto=3)
        # other commands are allowed while subscribed in RESP3
        assert c.call("SET", "k", "v") == b"+OK\r\n"
        assert c.call("PING") == b"+PONG\r\n"
        assert r.publish("a", "m") == 2
        assert c.read_reply() == frame(b"message", b"a", b"m", proto=3)
        assert c.read_reply() == frame(b"pmessage", b"a*", b"a", b"m", proto=3)
        assert subscribe(c, "UNSUBSCRIBE", "a") == frame(b"unsubscribe", b"a", 1, proto=3)
        assert c.call("PUNSUBSCRIBE") == frame(b"punsubscribe", b"a*", 0, proto=3)
        assert c.call("UNSUBSCRIBE") == frame(b"unsubscribe", None, 0, proto=3)
    finally:
        c.close()


def test_resp3_message_between_replies(server, raw):
    raw.call("HELLO", "3")
    subscribe(raw, "SUBSCRIBE", "self")
    # a client publishing to itself gets the push before the reply
    raw.send_command("PUBLISH", "self", "me")
    assert raw.read_reply() == frame(b"message", b"self", b"me", proto=3)
    assert raw.read_reply() == b":1\r\n"


# --------------------------------------------------------------------------
# sharded channels (standalone)
# --------------------------------------------------------------------------

def test_sharded_pubsub(raw, r):
    assert subscribe(raw, "SSUBSCRIBE", "s1", "s2", "s1") == (
        frame(b"ssubscribe", b"s1", 1) + frame(b"ssubscribe", b"s2", 2) +
        frame(b"ssubscribe", b"s1", 2))
    # shard subscriptions are counted apart from channels and patterns
    assert subscribe(raw, "SUBSCRIBE", "s1") == frame(b"subscribe", b"s1", 1)
    assert r.execute_command("SPUBLISH", "s1", "hi") == 1
    assert raw.read_reply() == frame(b"smessage", b"s1", b"hi")
    assert r.publish("s2", "x") == 0
    assert raw.read_available(0.05) == b""
    assert subscribe(raw, "SUNSUBSCRIBE", "s2", "nope") == (
        frame(b"sunsubscribe", b"s2", 1) + frame(b"sunsubscribe", b"nope", 1))
    assert raw.call("SUNSUBSCRIBE") == frame(b"sunsubscribe", b"s1", 0)
    assert raw.call("UNSUBSCRIBE") == frame(b"unsubscribe", b"s1", 0)


def test_spublish_ignores_patterns(raw, r):
    subscribe(raw, "PSUBSCRIBE", "*")
    assert r.execute_command("SPUBLISH", "s", "x") == 0
    assert raw.read_available(0.05) == b""


# --------------------------------------------------------------------------
# PUBSUB
# --------------------------------------------------------------------------

def test_pubsub_channels_numsub_numpat(server, r):
    a, b = server.raw(), server.raw()
    try:
        subscribe(a, "SUBSCRIBE", "news.tech", "news.art", "sport")
        subscribe(b, "SUBSCRIBE", "news.tech")
        subscribe(a, "PSUBSCRIBE", "n*", "s*")
        subscribe(b, "PSUBSCRIBE", "n*")
        subscribe(b, "SSUBSCRIBE", "shard.a", "shard.b")
        assert sorted(r.execute_command("PUBSUB", "CHANNELS")) == [
            b"news.art", b"news.tech", b"sport"]
        assert sorted(r.execute_command("PUBSUB", "CHANNELS", "news.*")) == [
            b"news.art", b"news.tech"]
        assert r.execute_command("PUBSUB", "CHANNELS", "x*") == []
        assert r.execute_command("PUBSUB", "NUMSUB", "news.tech", "sport", "none") == [
            b"news.tech", 2, b"sport", 1, b"none", 0]
        assert r.execute_command("PUBSUB", "NUMSUB") == []
        # unique patterns
        assert r.execute_command("PUBSUB", "NUMPAT") == 2
        assert sorted(r.execute_command("PUBSUB", "SHARDCHANNELS")) == [
            b"shard.a", b"shard.b"]
        assert r.execute_command("PUBSUB", "SHARDCHANNELS", "*.b") == [b"shard.b"]
        assert r.execute_command("PUBSUB", "SHARDNUMSUB", "shard.a", "news.tech") == [
            b"shard.a", 1, b"news.tech", 0]
    finally:
        a.close()
        b.close()


def test_pubsub_resp3_shapes(server, r3):
    c = server.raw()
    try:
        subscribe(c, "SUBSCRIBE", "x")
        assert r3.execute("PUBSUB", "NUMSUB", "x") == [b"x", 1]
        assert r3.execute("PUBSUB", "CHANNELS") == [b"x"]
    finally:
        c.close()


def test_pubsub_errors(raw):
    assert raw.call("PUBSUB", "CHANNELS", "a", "b") == (
        b"-ERR unknown subcommand or wrong number of arguments for 'CHANNELS'. "
        b"Try PUBSUB HELP.\r\n")
    assert raw.call("PUBSUB", "NUMPAT", "x") == (
        b"-ERR wrong number of arguments for 'pubsub|numpat' command\r\n")
    assert raw.call("PUBSUB", "FOO") == b"-ERR unknown subcommand 'FOO'. Try PUBSUB HELP.\r\n"
    assert raw.call("PUBLISH", "a") == (
        b"-ERR wrong number of arguments for 'publish' command\r\n")
    assert raw.call("PSUBSCRIBE") == (
        b"-ERR wrong number of arguments for 'psubscribe' command\r\n")


def test_pubsub_help(r2):
    assert r2.execute("PUBSUB", "HELP") == [
        "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "CHANNELS [<pattern>]",
        "    Return the currently active channels matching a <pattern> (default: '*').",
        "NUMPAT",
        "    Return number of subscriptions to patterns.",
        "NUMSUB [<channel> ...]",
        "    Return the number of subscribers for the specified channels, excluding",
        "    pattern subscriptions(default: no channels).",
        "SHARDCHANNELS [<pattern>]",
        "    Return the currently active shard level channels matching a <pattern> "
        "(default: '*').",
        "SHARDNUMSUB [<shardchannel> ...]",
        "    Return the number of subscribers for the specified shard level channel(s)",
        "HELP",
        "    Prints this help.",
    ]


def test_command_info_flags(r2):
    info = r2.execute("COMMAND", "INFO", "subscribe", "unsubscribe", "psubscribe",
                      "punsubscribe", "ssubscribe", "sunsubscribe")
    got = [(e[0], e[1], sorted(e[2]), e[3:6]) for e in info]
    sub = sorted(["pubsub", "noscript", "loading", "stale"])
    assert got == [
        (b"subscribe", -2, sub, [0, 0, 0]), (b"unsubscribe", -1, sub, [0, 0, 0]),
        (b"psubscribe", -2, sub, [0, 0, 0]), (b"punsubscribe", -1, sub, [0, 0, 0]),
        (b"ssubscribe", -2, sub, [1, -1, 1]), (b"sunsubscribe", -1, sub, [1, -1, 1])]
    pub = r2.execute("COMMAND", "INFO", "publish")[0]
    assert pub[1] == 3
    assert {"pubsub", "loading", "stale", "fast"} <= set(pub[2])
    numpat = r2.execute("COMMAND", "INFO", "pubsub|numpat")[0]
    assert numpat[:3] == [b"pubsub|numpat", 2, ["pubsub", "loading", "stale"]]


def test_redis_py_pubsub(r):
    p = r.pubsub()
    try:
        p.subscribe("rp")
        assert p.get_message(timeout=2) == {
            "type": "subscribe", "pattern": None, "channel": b"rp", "data": 1}
        p.psubscribe("r*")
        assert p.get_message(timeout=2)["type"] == "psubscribe"
        assert r.publish("rp", "hello") == 2
        m1 = p.get_message(timeout=2)
        m2 = p.get_message(timeout=2)
        assert m1 == {"type": "message", "pattern": None, "channel": b"rp", "data": b"hello"}
        assert m2 == {"type": "pmessage", "pattern": b"r*", "channel": b"rp",
                      "data": b"hello"}
        p.unsubscribe()
        p.punsubscribe()
        assert p.get_message(timeout=2)["type"] == "unsubscribe"
        assert p.get_message(timeout=2) == {
            "type": "punsubscribe", "pattern": None, "channel": b"r*", "data": 0}
    finally:
        p.close()


# --------------------------------------------------------------------------
# CLIENT LIST / INFO, INFO
# --------------------------------------------------------------------------

def client_fields(line):
    return dict(f.split("=", 1) for f in line.strip().split(" "))


def test_client_list_fields(server, raw, r):
    subscribe(raw, "SUBSCRIBE", "a", "b")
    subscribe(raw, "PSUBSCRIBE", "p*")
    subscribe(raw, "SSUBSCRIBE", "s")
    r.client_setname("watcher")
    lines = r.execute_command("CLIENT", "LIST", "TYPE", "pubsub").decode().splitlines()
    assert len(lines) == 1
    f = client_fields(lines[0])
    assert (f["sub"], f["psub"], f["ssub"], f["flags"]) == ("2", "1", "1", "P")
    me = client_fields(r.execute_command("CLIENT", "INFO").decode())
    assert (me["sub"], me["psub"], me["ssub"], me["flags"]) == ("0", "0", "0", "N")
    normal = r.execute_command("CLIENT", "LIST", "TYPE", "normal").decode()
    assert "name=watcher" in normal and "flags=P" not in normal


def test_client_kill_type_pubsub(server, r):
    c = server.raw()
    try:
        subscribe(c, "SUBSCRIBE", "k")
        assert r.execute_command("CLIENT", "KILL", "TYPE", "pubsub") == 1
        assert c.is_closed()
    finally:
        c.close()


def test_info_stats(server, r):
    a = server.raw()
    try:
        subscribe(a, "SUBSCRIBE", "c1", "c2")
        subscribe(a, "PSUBSCRIBE", "p1", "p2", "p3")
        subscribe(a, "SSUBSCRIBE", "s1")
        info = r.info("stats")
        assert (info["pubsub_channels"], info["pubsub_patterns"],
                info["pubsubshard_channels"]) == (2, 3, 1)
    finally:
        a.close()
    assert wait_for(lambda: r.info("stats")["pubsub_channels"] == 0)
    info = r.info("stats")
    assert (info["pubsub_patterns"], info["pubsubshard_channels"]) == (0, 0)


@pytest.mark.modis_only  # pubsub_clients appeared in Redis 7.4
def test_info_pubsub_clients(server, r):
    a, b = server.raw(), server.raw()
    try:
        subscribe(a, "SUBSCRIBE", "x", "y")
        subscribe(b, "SSUBSCRIBE", "z")
        assert r.info("clients")["pubsub_clients"] == 2
        subscribe(b, "SUNSUBSCRIBE", "z")
        assert r.info("clients")["pubsub_clients"] == 1
    finally:
        a.close()
        b.close()


# --------------------------------------------------------------------------
# keyspace notifications
# --------------------------------------------------------------------------

@pytest.fixture
def events(server, restore_config):
    """A RESP2 connection subscribed to every keyspace/keyevent channel
    with notify-keyspace-events KEA; call it to collect the events that
    arrived: a list of (channel, message)."""
    restore_config("notify-keyspace-events")
    c = RespClient(server.port)
    c.execute("CONFIG", "SET", "notify-keyspace-events", "KEA")
    c.conn.send_command("PSUBSCRIBE", "__key*__:*")
    assert c.read() == [b"psubscribe", b"__key*__:*", 1]

    def collect(n, timeout=5.0):
        out = []
        for _ in range(n):
            m = c.read(timeout)
            assert m[0] == b"pmessage" and m[1] == b"__key*__:*"
            out.append((m[2], m[3]))
        assert c.conn.read_available(0.05) == b""
        return out

    yield collect
    c.close()


def ev(db, key, event):
    """The two notifications of one event, keyspace first."""
    return [(b"__keyspace@%d__:%s" % (db, key), event),
            (b"__keyevent@%d__:%s" % (db, event), key)]


def test_keyspace_strings(events, r):
    r.set("foo", "bar")
    r.incrby("n", 5)
    r.expire("foo", 100)
    r.persist("foo")
    r.append("foo", "x")
    assert events(10) == (ev(0, b"foo", b"set") + ev(0, b"n", b"incrby") +
                          ev(0, b"foo", b"expire") + ev(0, b"foo", b"persist") +
                          ev(0, b"foo", b"append"))


def test_keyspace_generic(events, r):
    r.set("a", "1")
    r.rename("a", "b")
    r.delete("b")
    assert events(8) == (ev(0, b"a", b"set") + ev(0, b"a", b"rename_from") +
                         ev(0, b"b", b"rename_to") + ev(0, b"b", b"del"))


def test_keyspace_expired(events, r):
    r.set("e", "1", px=1)
    time.sleep(0.05)
    assert r.get("e") is None
    assert events(6) == (ev(0, b"e", b"set") + ev(0, b"e", b"expire") +
                         ev(0, b"e", b"expired"))


def test_keyspace_expired_by_active_cycle(events, r):
    r.set("ae", "1", px=20)
    # nobody touches the key: the active expire cycle removes it
    assert events(6) == (ev(0, b"ae", b"set") + ev(0, b"ae", b"expire") +
                         ev(0, b"ae", b"expired"))


def test_keyspace_other_db(events, server):
    c = server.client(db=5)
    try:
        c.set("k", "v")
    finally:
        c.close()
    assert events(2) == ev(5, b"k", b"set")


def test_keyspace_hashes(events, r):
    r.execute_command("HSET", "h", "a", "1", "b", "2")
    r.hdel("h", "a")
    r.hdel("h", "b")
    assert events(8) == (ev(0, b"h", b"hset") + ev(0, b"h", b"hdel") + ev(0, b"h", b"hdel") +
                         ev(0, b"h", b"del"))


@pytest.mark.modis_only  # hash field expiry is Redis 7.4
def test_keyspace_hash_field_expiry(events, r):
    r.execute_command("HSET", "h", "a", "1", "b", "2")
    assert r.execute_command("HPEXPIRE", "h", "30", "FIELDS", "1", "a") == [1]
    got = events(6)
    assert got == ev(0, b"h", b"hset") + ev(0, b"h", b"hexpire") + ev(0, b"h", b"hexpired")
    assert r.execute_command("HPEXPIRE", "h", "10", "FIELDS", "1", "b") == [1]
    # the last field expiring deletes the key
    assert events(6) == (ev(0, b"h", b"hexpire") + ev(0, b"h", b"hexpired") +
                         ev(0, b"h", b"del"))


def test_keyspace_lists(events, r):
    r.lpush("l", "x", "y")
    r.rpop("l")
    r.rpop("l")
    assert events(8) == (ev(0, b"l", b"lpush") + ev(0, b"l", b"rpop") +
                         ev(0, b"l", b"rpop") + ev(0, b"l", b"del"))


def test_keyspace_blocking_pop(events, server, r):
    b = server.client(db=0)
    got = []
    t = threading.Thread(target=lambda: got.append(b.blpop("bl", 5)))
    t.start()
    assert wait_for(lambda: r.info("clients")["blocked_clients"] == 1)
    r.rpush("bl", "v")
    t.join()
    b.close()
    assert got == [(b"bl", b"v")]
    assert events(6) == (ev(0, b"bl", b"rpush") + ev(0, b"bl", b"lpop") +
                         ev(0, b"bl", b"del"))


def test_keyspace_classes_filter(server, restore_config, r):
    restore_config("notify-keyspace-events")
    r.config_set("notify-keyspace-events", "E$")
    c = server.raw()
    try:
        subscribe(c, "PSUBSCRIBE", "__key*__:*")
        r.set("s", "1")
        r.execute_command("HSET", "h", "f", "v")
        r.delete("s")
        assert c.read_reply() == frame(b"pmessage", b"__key*__:*", b"__keyevent@0__:set", b"s")
        assert c.read_available(0.1) == b""
    finally:
        c.close()


def test_keyspace_evicted(start_server):
    srv = start_server(["--maxmemory-policy", "allkeys-random",
                        "--notify-keyspace-events", "Ee"])
    c = srv.raw()
    r = srv.client()
    try:
        subscribe(c, "SUBSCRIBE", "__keyevent@0__:evicted")
        for i in range(200):
            r.set("key:%d" % i, "x" * 1000)
        used = r.info("memory")["used_memory"]
        r.config_set("maxmemory", used - 50000)
        r.set("trigger", "1")
        m = c.read_value()
        assert m[:2] == [b"message", b"__keyevent@0__:evicted"]
        assert m[2].startswith(b"key:") or m[2] == b"trigger"
    finally:
        r.config_set("maxmemory", 0)
        r.close()
        c.close()


@pytest.mark.modis_only   # display_text is Redis 7.2's
def test_command_docs_arguments(r2):
    docs = r2.execute("COMMAND", "DOCS", "subscribe", "unsubscribe", "publish")
    args = {docs[i]: dict(zip(docs[i + 1][::2], docs[i + 1][1::2]))[b"arguments"]
            for i in range(0, len(docs), 2)}
    assert args[b"subscribe"] == [
        [b"name", b"channel", b"type", b"string", b"display_text", b"channel",
         b"flags", ["multiple"]]]
    assert args[b"unsubscribe"] == [
        [b"name", b"channel", b"type", b"string", b"display_text", b"channel",
         b"flags", ["optional", "multiple"]]]
    assert args[b"publish"] == [
        [b"name", b"channel", b"type", b"string", b"display_text", b"channel"],
        [b"name", b"message", b"type", b"string", b"display_text", b"message"]]
