"""Every directive of Redis 7.4's redis.conf (tests/fixtures/redis74-defaults.conf).

The fixture holds each directive at its default; Modis loads it unchanged
(with the data-type modules' loadmodule lines added) and answers CONFIG GET
of every directive as redis-server 7.0 given the same file. Directives 7.0
does not know (marked `#@documented`) are left out of 7.0's copy and
checked against their documented default. The renamed directives
(slave-*, *-ziplist-*, lua-time-limit, slaveof) work as aliases in a
file and in CONFIG GET/SET, as in Redis.
"""

import os

import pytest

from modis_helpers import REDIS_BIN, RespClient, Server, default_conf, error_of

pytestmark = pytest.mark.modis_only  # each test runs both servers itself

FIXTURE = os.path.join(os.path.dirname(__file__), "..", "fixtures", "redis74-defaults.conf")
# Given on both command lines by the test servers, or naming files of the run.
OVERRIDDEN = {"port", "dir", "user"}


def parse_fixture():
    """[(mark, line)] of the fixture's directives; mark is None or
    ("documented", version)."""
    out, mark = [], None
    with open(FIXTURE) as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("#@"):
                kind, what = line[2:].split(None, 1)
                mark = (kind, what)
            elif line and not line.startswith("#"):
                out.append((mark, line))
                mark = None
    return out


def loadmodule_lines():
    with open(default_conf()) as f:
        return [l.rstrip("\n") for l in f if l.startswith("loadmodule ")]


def write(tmp_path, name, lines):
    p = tmp_path / name
    p.write_text("\n".join(lines) + "\n")
    return str(p)


def test_fixture_covers_every_modis_directive(r):
    """Every directive Modis lists (CONFIG GET *) is in the fixture (but one
    redis.conf does not have either)."""
    names = {line.split()[0] for _, line in parse_fixture()}
    aliases = {"slave-read-only", "slave-serve-stale-data", "repl-ping-slave-period",
               "min-slaves-to-write", "min-slaves-max-lag", "lua-time-limit", "slaveof",
               "hash-max-ziplist-entries", "hash-max-ziplist-value", "list-max-ziplist-size",
               "zset-max-ziplist-entries", "zset-max-ziplist-value",
               "cluster-slave-validity-factor", "cluster-slave-no-failover",
               "slave-priority", "slave-announce-ip", "slave-announce-port",
               "slave-lazy-flush", "slave-ignore-maxmemory"}
    not_in_redis_conf = {"aof-disable-auto-gc"}
    listed = set(r.config_get("*")) - aliases - not_in_redis_conf
    # Debugging knobs are listed only when named exactly, as in Redis.
    assert "active-expire-enabled" not in listed
    assert r.config_get("active-expire-enabled") == {"active-expire-enabled": "yes"}
    assert sorted(listed - names) == []


def test_every_directive_at_default_matches_redis(tmp_path, r):
    if not os.path.exists(REDIS_BIN):
        pytest.skip("reference %s is not installed" % REDIS_BIN)
    entries = parse_fixture()
    mine = write(tmp_path, "modis.conf", [l for _, l in entries] + loadmodule_lines())
    theirs = write(tmp_path, "redis.conf",
                   [l for m, l in entries if not (m and m[0] == "documented")])
    names = sorted({l.split()[0] for _, l in entries} - OVERRIDDEN)
    documented = {l.split()[0]: l.split(None, 1)[1].strip('"')
                  for m, l in entries if m and m[0] == "documented"}
    assert len(names) > 160
    with Server(conf=mine).start() as m, Server(conf=theirs, binary=REDIS_BIN).start() as rs:
        mc, rc = m.client(decode_responses=True), rs.client(decode_responses=True)
        diffs = []
        for n in names:
            want = {n: documented[n]} if n in documented else rc.config_get(n)
            got = mc.config_get(n)
            if got != want:
                diffs.append((n, got, want))
        assert diffs == []
        # The whole listing too: same names, same values (the 7.4-only
        # directives and the hidden ones aside).
        mine_all, theirs_all = mc.config_get("*"), rc.config_get("*")
        for n in set(documented) | {"port", "dir", "logfile", "pidfile"}:
            mine_all.pop(n, None)
            theirs_all.pop(n, None)
        only_theirs = {k: v for k, v in theirs_all.items() if k not in mine_all}
        assert set(only_theirs) == set()
        assert {k: v for k, v in mine_all.items() if k in theirs_all} == \
            {k: v for k, v in theirs_all.items() if k in mine_all}


# Old names in a file: each line sets the parameter its new name shows.
ALIAS_LINES = [
    ("slave-read-only no", "replica-read-only", "no"),
    # (yes: a replica that does not serve stale data does not answer the
    # PING the test servers start with)
    ("slave-serve-stale-data yes", "replica-serve-stale-data", "yes"),
    ("repl-ping-slave-period 7", "repl-ping-replica-period", "7"),
    ("min-slaves-to-write 0", "min-replicas-to-write", "0"),
    ("min-slaves-max-lag 9", "min-replicas-max-lag", "9"),
    ("lua-time-limit 6000", "busy-reply-threshold", "6000"),
    ("hash-max-ziplist-entries 99", "hash-max-listpack-entries", "99"),
    ("hash-max-ziplist-value 33", "hash-max-listpack-value", "33"),
    ("list-max-ziplist-size -3", "list-max-listpack-size", "-3"),
    ("zset-max-ziplist-entries 77", "zset-max-listpack-entries", "77"),
    ("zset-max-ziplist-value 55", "zset-max-listpack-value", "55"),
    ("cluster-slave-validity-factor 4", "cluster-replica-validity-factor", "4"),
    ("cluster-slave-no-failover yes", "cluster-replica-no-failover", "yes"),
    ("set-max-intset-entries 300", "set-max-intset-entries", "300"),
    ("slaveof 127.0.0.1 1", "replicaof", "127.0.0.1 1"),
]


def test_renamed_directives_in_a_file_as_redis(tmp_path):
    if not os.path.exists(REDIS_BIN):
        pytest.skip("reference %s is not installed" % REDIS_BIN)
    lines = [l for l, _, _ in ALIAS_LINES]
    mine = write(tmp_path, "modis.conf", lines + loadmodule_lines())
    theirs = write(tmp_path, "redis.conf", lines)
    with Server(conf=mine).start() as m, Server(conf=theirs, binary=REDIS_BIN).start() as rs:
        mc, rc = m.client(decode_responses=True), rs.client(decode_responses=True)
        for line, new, value in ALIAS_LINES:
            old = line.split()[0]
            assert mc.config_get(new) == {new: value} == rc.config_get(new), line
            assert mc.config_get(old) == {old: value} == rc.config_get(old), line
        for cmd in (("CONFIG", "SET", "slaveof", "no one"),
                    ("CONFIG", "SET", "replicaof", "127.0.0.1 2")):
            assert error_of(RespClient(m.port), *cmd) == error_of(RespClient(rs.port), *cmd)
        for old, value in (("slave-read-only", "yes"), ("lua-time-limit", "100"),
                           ("zset-max-ziplist-entries", "5"),
                           ("cluster-slave-validity-factor", "3")):
            assert mc.config_set(old, value) == rc.config_set(old, value)
            assert mc.config_get(old) == rc.config_get(old)


BAD_SETS = [("cluster-announce-hostname", "a b"), ("cluster-announce-hostname", "x" * 300),
            ("cluster-preferred-endpoint-type", "dns"), ("cluster-port", "1"),
            ("cluster-node-timeout", "-1"), ("cluster-announce-port", "70000"),
            ("cluster-link-sendbuf-limit", "1x"), ("shutdown-timeout", "-1"),
            ("cluster-config-file", "x"), ("cluster-enabled", "yes"),
            ("propagation-error-behavior", "sometimes"), ("rdb-del-sync-files", "maybe")]


def test_config_set_errors_as_redis(r2, ref):
    theirs = RespClient(ref.connection_pool.connection_kwargs["port"])
    for name, value in BAD_SETS:
        assert error_of(r2, "CONFIG", "SET", name, value) == \
            error_of(theirs, "CONFIG", "SET", name, value), (name, value)


def test_max_new_connections_per_cycle(r, restore_config):
    restore_config("max-new-connections-per-cycle", "max-new-tls-connections-per-cycle")
    assert r.config_set("max-new-connections-per-cycle", "1")
    # One connection per event-loop turn still lets a burst in, in turns.
    port = r.connection_pool.connection_kwargs["port"]
    clients = [RespClient(port) for _ in range(20)]
    assert [c.execute("PING") for c in clients] == ["PONG"] * 20
    for name, value in (("max-new-connections-per-cycle", "0"),
                        ("max-new-tls-connections-per-cycle", "1001")):
        assert error_of(clients[0], "CONFIG", "SET", name, value) == \
            "ERR CONFIG SET failed (possibly related to argument '%s') - argument must be " \
            "between 1 and 1000 inclusive" % name
    for c in clients:
        c.close()


def test_modis_refuses_what_it_does_not_do(r2):
    for name, value, why in (
            ("locale-collate", "no_such_locale", "Invalid locale name"),):
        assert error_of(r2, "CONFIG", "SET", name, value) == \
            "ERR CONFIG SET failed (possibly related to argument '%s') - %s" % (name, why)
