"""Eviction under each maxmemory-policy (issue 10): the right kind of keys
go, used_memory stays near maxmemory, random eviction spreads over every
db, LRU keeps recently read keys and LFU frequently read ones. Each test
runs on Modis and on the reference redis-server, maxmemory set relative to
each server's own used_memory."""

import time

import pytest

from modis_helpers import RespClient, error_of, parse_info

VALUE = "v" * 400


@pytest.fixture(params=["modis", "redis"])
def c(request, server, ref_server):
    srv = server if request.param == "modis" else ref_server
    c = RespClient(srv.port)
    c.execute("FLUSHALL")
    c.execute("CONFIG", "RESETSTAT")
    c.execute("CONFIG", "SET", "maxmemory-samples", "10")
    yield c
    c.execute("CONFIG", "SET", "maxmemory", "0")
    c.execute("CONFIG", "SET", "maxmemory-policy", "noeviction")
    c.execute("CONFIG", "SET", "maxmemory-samples", "5")
    c.execute("CONFIG", "SET", "lfu-decay-time", "1")
    c.execute("FLUSHALL")
    c.close()


def used(c):
    return int(parse_info(c.execute("INFO", "memory").decode())["used_memory"])


def evicted(c):
    return int(parse_info(c.execute("INFO", "stats").decode())["evicted_keys"])


def fill(c, prefix, n, ttl=None, db=0):
    c.execute("SELECT", str(db))
    for i in range(n):
        if ttl:
            c.execute("SET", "%s%d" % (prefix, i), VALUE, "EX", str(ttl + i))
        else:
            c.execute("SET", "%s%d" % (prefix, i), VALUE)
    c.execute("SELECT", "0")


def squeeze(c, policy, extra=300):
    """maxmemory a little above what is used now, then write `extra` more
    keys: eviction must make room for them."""
    c.execute("CONFIG", "SET", "maxmemory-policy", policy)
    limit = used(c) + 20000
    c.execute("CONFIG", "SET", "maxmemory", str(limit))
    for i in range(extra):
        c.execute("SET", "new%d" % i, VALUE)
    assert used(c) <= limit + 100000
    return limit


def count(c, prefix, n, db=0):
    c.execute("SELECT", str(db))
    k = sum(c.execute("EXISTS", "%s%d" % (prefix, i)) for i in range(n))
    c.execute("SELECT", "0")
    return k


def test_noeviction_refuses_writes(c):
    fill(c, "k", 200)
    c.execute("CONFIG", "SET", "maxmemory-policy", "noeviction")
    c.execute("CONFIG", "SET", "maxmemory", str(used(c) - 10000))
    assert error_of(c, "SET", "x", VALUE) == \
        "OOM command not allowed when used memory > 'maxmemory'."
    assert c.execute("GET", "k1") == VALUE.encode()
    assert c.execute("DEL", "k1") == 1  # not denyoom
    assert evicted(c) == 0


@pytest.mark.parametrize("policy", ["volatile-lru", "volatile-lfu", "volatile-random",
                                    "volatile-ttl"])
def test_volatile_policies_take_only_keys_with_ttl(c, policy):
    fill(c, "p", 300)
    fill(c, "t", 600, ttl=1000)
    squeeze(c, policy)
    assert evicted(c) > 0
    assert count(c, "p", 300) == 300
    assert count(c, "t", 600) < 600


def test_volatile_policy_without_candidates_is_oom(c):
    fill(c, "p", 300)
    c.execute("CONFIG", "SET", "maxmemory-policy", "volatile-lru")
    c.execute("CONFIG", "SET", "maxmemory", str(used(c) - 10000))
    assert error_of(c, "SET", "x", VALUE) == \
        "OOM command not allowed when used memory > 'maxmemory'."


def test_volatile_ttl_takes_the_nearest_expiry(c):
    fill(c, "t", 600, ttl=1000)   # t0 expires first, t599 last
    squeeze(c, "volatile-ttl", extra=200)
    gone = [i for i in range(600) if not c.execute("EXISTS", "t%d" % i)]
    assert gone and sum(gone) / len(gone) < 200


@pytest.mark.parametrize("policy", ["allkeys-random", "volatile-random"])
def test_random_eviction_spreads_over_every_db(c, policy):
    for db in range(3):
        fill(c, "r", 300, ttl=1000, db=db)
    squeeze(c, policy, extra=400)
    left = [count(c, "r", 300, db=db) for db in range(3)]
    assert all(n < 300 for n in left), left


def test_allkeys_lru_keeps_recently_read_keys(c):
    fill(c, "k", 800)
    time.sleep(1.1)  # the LRU clock counts seconds, in Redis as in Modis
    hot = range(0, 800, 8)  # 100 keys read just before the squeeze
    for _ in range(2):
        for i in hot:
            c.execute("GET", "k%d" % i)
    squeeze(c, "allkeys-lru", extra=400)
    kept_hot = sum(c.execute("EXISTS", "k%d" % i) for i in hot)
    kept_all = count(c, "k", 800)
    assert kept_all < 800
    assert kept_hot / 100 > kept_all / 800 + 0.2


def test_allkeys_lfu_keeps_frequently_read_keys(c):
    c.execute("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu")
    # no decay: a minute boundary between the reads and the squeeze would
    # take one from every counter and tie the hot keys read least with the cold
    c.execute("CONFIG", "SET", "lfu-decay-time", "0")
    fill(c, "k", 800)
    hot = range(3, 800, 8)
    for _ in range(20):
        for i in hot:
            c.execute("GET", "k%d" % i)
    assert c.execute("OBJECT", "FREQ", "k3") > c.execute("OBJECT", "FREQ", "k4")
    squeeze(c, "allkeys-lfu", extra=400)
    kept_hot = sum(c.execute("EXISTS", "k%d" % i) for i in hot)
    assert kept_hot >= 95
    assert count(c, "k", 800) < 800


def test_object_freq_needs_an_lfu_policy(c):
    c.execute("SET", "k", "v")
    c.execute("CONFIG", "SET", "maxmemory-policy", "allkeys-lru")
    assert error_of(c, "OBJECT", "FREQ", "k") == (
        "ERR An LFU maxmemory policy is not selected, access frequency not tracked. "
        "Please note that when switching between policies at runtime LRU and LFU data "
        "will take some time to adjust.")
    c.execute("CONFIG", "SET", "maxmemory-policy", "volatile-lfu")
    assert isinstance(c.execute("OBJECT", "FREQ", "k"), int)


def test_tenacity_and_samples_config_as_redis(server, ref_server):
    got = []
    for srv in (server, ref_server):
        r = RespClient(srv.port)
        got.append([
            r.execute("CONFIG", "SET", "maxmemory-eviction-tenacity", "100"),
            r.execute("CONFIG", "GET", "maxmemory-eviction-tenacity"),
            error_of(r, "CONFIG", "SET", "maxmemory-eviction-tenacity", "101"),
            r.execute("CONFIG", "SET", "maxmemory-eviction-tenacity", "10"),
            error_of(r, "CONFIG", "SET", "maxmemory-policy", "lru"),
            error_of(r, "CONFIG", "SET", "lfu-log-factor", "-1"),
            sorted(zip(*[iter(r.execute("CONFIG", "GET", "lfu-*"))] * 2)),
        ])
        r.close()
    assert got[0] == got[1]
