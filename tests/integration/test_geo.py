"""Geo commands (modules/geo): GEOADD, GEODIST, GEOHASH, GEOPOS,
GEOSEARCH, GEOSEARCHSTORE, GEORADIUS, GEORADIUSBYMEMBER and the _RO forms.

Exact reply bytes (raw RESP2 and RESP3: 4-decimal distances, coordinates
as Redis's "human" long doubles, nulls), error texts and their order, the
geo index being a plain sorted set (TYPE zset, ZRANGE, ZREM, DUMP and
RESTORE), stores (replacing any type, dropping the TTL, deleting on an
empty result, the source as its own destination), keyspace events and
the change counter, and a randomized cross-check against redis-server 7.0
(the same points give the same scores, hashes, positions, distances and
search results, COUNT ANY and unsorted orders included). Module wiring:
geo.so requires zset.v1 and pins the zsets module."""

import os
import random
import time

import pytest

from modis_helpers import REPO, RawConn, RespClient, error_of

BUILDDIR = os.environ.get("MODIS_BUILDDIR") or REPO
WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value"
PALERMO = (13.361389, 38.115556)
CATANIA = (15.087269, 37.502669)


def sicily(r):
    assert r.geoadd("sicily", PALERMO + ("Palermo",) + CATANIA + ("Catania",)) == 2
    assert r.geoadd("sicily", [13.583333, 37.316667, "Agrigento"]) == 1


def raw_call(server, *args, proto=2):
    c = RawConn(server.port)
    try:
        if proto == 3:
            c.call("HELLO", "3")
        c.send_command(*args)
        return c.read_reply()
    finally:
        c.close()


def changes(r):
    return int(r.info("persistence")["rdb_changes_since_last_save"])


# --------------------------------------------------------------------------
# GEOADD
# --------------------------------------------------------------------------

def test_geoadd_scores_and_zset(r):
    sicily(r)
    assert r.type("sicily") == b"zset"
    assert r.zrange("sicily", 0, -1, withscores=True) == [
        (b"Agrigento", 3479030013248308.0), (b"Palermo", 3479099956230698.0),
        (b"Catania", 3479447370796909.0)]
    assert r.zcard("sicily") == 3
    assert r.zrem("sicily", "Agrigento") == 1
    assert r.geopos("sicily", "Agrigento") == [None]
    assert r.geoadd("corners", [-180, -85.05112878, "sw", 180, 85.05112878, "ne"]) == 2
    assert r.zscore("corners", "sw") == 0.0
    assert r.zscore("corners", "ne") == 13510798882111488.0


def test_geoadd_options(r2):
    r2.execute("GEOADD", "k", "1", "1", "a")
    assert r2.execute("GEOADD", "k", "1", "1", "a") == 0
    assert r2.execute("GEOADD", "k", "CH", "1", "1", "a") == 0
    assert r2.execute("GEOADD", "k", "CH", "1", "2", "a", "3", "3", "b") == 2
    assert r2.execute("GEOADD", "k", "NX", "5", "5", "a", "4", "4", "c") == 1
    assert r2.execute("GEOADD", "k", "NX", "CH", "5", "5", "a", "4", "5", "d") == 1
    assert r2.execute("GEOADD", "k", "XX", "5", "5", "a", "6", "6", "e") == 0
    assert r2.execute("GEOADD", "k", "xx", "ch", "5", "5", "a", "6", "6", "e") == 0
    assert r2.execute("GEOADD", "k", "xx", "ch", "7", "7", "a", "6", "6", "e") == 1
    assert r2.execute("ZSCORE", "k", "e") is None
    assert r2.execute("ZCARD", "k") == 4
    assert r2.execute("GEOADD", "none", "XX", "1", "1", "a") == 0
    assert r2.execute("EXISTS", "none") == 0
    # a member given twice: the last position wins, counted once
    assert r2.execute("GEOADD", "k2", "1", "1", "m", "2", "2", "m") == 1
    assert r2.execute("GEOHASH", "k2", "m") == [b"s037ms06g70"]


def test_geoadd_errors_write_nothing(r2):
    syntax = "ERR syntax error"
    for args in (["1", "2", "m", "3"], ["NX", "XX", "1", "2", "m"],
                 ["NX", "CH", "CH"], ["NX", "1", "2"], ["foo", "1", "2", "m"]):
        assert error_of(r2, "GEOADD", "k", *args) == syntax
    assert error_of(r2, "GEOADD", "k", "1", "2", "ok", "abc", "2", "m") == \
        "ERR value is not a valid float"
    assert error_of(r2, "GEOADD", "k", "1", "2", "ok", "180.5", "2", "m") == \
        "ERR invalid longitude,latitude pair 180.500000,2.000000"
    assert error_of(r2, "GEOADD", "k", "0", "-85.06", "m") == \
        "ERR invalid longitude,latitude pair 0.000000,-85.060000"
    assert error_of(r2, "GEOADD", "k", "inf", "0", "m") == \
        "ERR invalid longitude,latitude pair inf,0.000000"
    assert r2.execute("EXISTS", "k") == 0
    r2.execute("SET", "s", "x")
    assert error_of(r2, "GEOADD", "s", "1", "2", "m") == WRONGTYPE
    # coordinates are checked before the type
    assert error_of(r2, "GEOADD", "s", "1", "200", "m").startswith("ERR invalid")
    assert error_of(r2, "GEOADD") == "ERR wrong number of arguments for 'geoadd' command"


# --------------------------------------------------------------------------
# GEOPOS, GEOHASH, GEODIST
# --------------------------------------------------------------------------

def test_geopos_bytes(r, server):
    sicily(r)
    assert raw_call(server, "GEOPOS", "sicily", "Palermo", "nosuch") == (
        b"*2\r\n*2\r\n$20\r\n13.36138933897018433\r\n$20\r\n38.11555639549629859\r\n"
        b"*-1\r\n")
    assert raw_call(server, "GEOPOS", "sicily", "Palermo", "nosuch", proto=3) == (
        b"*2\r\n*2\r\n,13.36138933897018433\r\n,38.11555639549629859\r\n_\r\n")
    assert raw_call(server, "GEOPOS", "nokey", "a") == b"*1\r\n*-1\r\n"
    assert raw_call(server, "GEOPOS", "sicily") == b"*0\r\n"
    r.geoadd("c", [180, 85.05112878, "ne", 0, 0, "o"])
    assert raw_call(server, "GEOPOS", "c", "ne", "o") == (
        b"*2\r\n*2\r\n$3\r\n180\r\n$19\r\n85.0511287799999991\r\n"
        b"*2\r\n$19\r\n0.00000268220901489\r\n$19\r\n0.00000126736058093\r\n")


def test_geohash(r2):
    r2.execute("GEOADD", "k", *PALERMO, "Palermo", *CATANIA, "Catania")
    r2.execute("GEOADD", "k", "-180", "-85.05112878", "sw", "-122.4194", "37.7749", "sf")
    assert r2.execute("GEOHASH", "k", "Palermo", "Catania", "x", "sw", "sf") == [
        b"sqc8b49rny0", b"sqdtr74hyu0", None, b"00bh0hbj200", b"9q8yyk8ytp0"]
    assert r2.execute("GEOHASH", "nokey", "a", "b") == [None, None]
    assert r2.execute("GEOHASH", "k") == []


def test_geodist(r2, server):
    r2.execute("GEOADD", "k", *PALERMO, "Palermo", *CATANIA, "Catania")
    assert r2.execute("GEODIST", "k", "Palermo", "Catania") == b"166274.1516"
    assert r2.execute("GEODIST", "k", "Palermo", "Catania", "km") == b"166.2742"
    assert r2.execute("GEODIST", "k", "Palermo", "Catania", "MI") == b"103.3182"
    assert r2.execute("GEODIST", "k", "Palermo", "Catania", "Ft") == b"545518.8700"
    assert r2.execute("GEODIST", "k", "Palermo", "Palermo") == b"0.0000"
    assert r2.execute("GEODIST", "k", "Palermo", "x") is None
    assert r2.execute("GEODIST", "nokey", "a", "b") is None
    assert error_of(r2, "GEODIST", "k", "Palermo", "Catania", "yd") == \
        "ERR unsupported unit provided. please use M, KM, FT, MI"
    assert error_of(r2, "GEODIST", "k", "a", "b", "km", "x") == "ERR syntax error"
    # the unit is checked before the key
    assert error_of(r2, "GEODIST", "nokey", "a", "b", "yd").startswith("ERR unsupported")
    assert raw_call(server, "GEODIST", "k", "Palermo", "Catania", proto=3) == \
        b"$11\r\n166274.1516\r\n"
    assert raw_call(server, "GEODIST", "k", "Palermo", "x", proto=3) == b"_\r\n"


def test_readers_wrongtype(r2):
    r2.execute("RPUSH", "l", "a")
    for args in (["GEODIST", "l", "a", "b"], ["GEOHASH", "l", "a"], ["GEOPOS", "l", "a"],
                 ["GEOSEARCH", "l", "FROMLONLAT", "1", "2", "BYRADIUS", "1", "km"],
                 ["GEOSEARCHSTORE", "d", "l", "FROMLONLAT", "1", "2", "BYRADIUS", "1", "km"],
                 ["GEORADIUS", "l", "1", "2", "3", "km"],
                 ["GEORADIUSBYMEMBER", "l", "m", "3", "km"],
                 ["GEORADIUS_RO", "l", "1", "2", "3", "km"],
                 ["GEORADIUSBYMEMBER_RO", "l", "m", "3", "km"]):
        assert error_of(r2, *args) == WRONGTYPE, args


# --------------------------------------------------------------------------
# Searches
# --------------------------------------------------------------------------

def test_geosearch_replies(r, r2, server):
    sicily(r)
    assert raw_call(server, "GEOSEARCH", "sicily", "FROMLONLAT", "15", "37", "BYRADIUS",
                    "200", "km", "ASC", "WITHCOORD", "WITHDIST", "WITHHASH") == (
        b"*3\r\n"
        b"*4\r\n$7\r\nCatania\r\n$7\r\n56.4413\r\n:3479447370796909\r\n"
        b"*2\r\n$20\r\n15.08726745843887329\r\n$20\r\n37.50266842333162032\r\n"
        b"*4\r\n$9\r\nAgrigento\r\n$8\r\n130.4235\r\n:3479030013248308\r\n"
        b"*2\r\n$19\r\n13.5833314061164856\r\n$20\r\n37.31666804993816555\r\n"
        b"*4\r\n$7\r\nPalermo\r\n$8\r\n190.4424\r\n:3479099956230698\r\n"
        b"*2\r\n$20\r\n13.36138933897018433\r\n$20\r\n38.11555639549629859\r\n")
    assert raw_call(server, "GEOSEARCH", "sicily", "FROMLONLAT", "15", "37", "BYRADIUS",
                    "200", "km", "COUNT", "1", "WITHCOORD", proto=3) == (
        b"*1\r\n*2\r\n$7\r\nCatania\r\n"
        b"*2\r\n,15.08726745843887329\r\n,37.50266842333162032\r\n")
    s = lambda *a: r2.execute("GEOSEARCH", "sicily", *[str(x) for x in a])
    assert s("FROMLONLAT", 15, 37, "BYRADIUS", 200, "km", "DESC") == [
        b"Palermo", b"Agrigento", b"Catania"]
    assert s("FROMLONLAT", 15, 37, "BYRADIUS", 100, "km") == [b"Catania"]
    # Catania is 55 km north of the centre: outside a box 100 km high
    assert s("FROMLONLAT", 15, 37, "BYBOX", 400, 100, "km", "ASC") == [b"Agrigento"]
    assert s("FROMLONLAT", 15, 37, "BYBOX", 100, 400, "km", "ASC") == [b"Catania"]
    assert s("FROMMEMBER", "Palermo", "BYRADIUS", 100, "km", "WITHDIST", "ASC") == [
        [b"Palermo", b"0.0000"], [b"Agrigento", b"90.9778"]]
    assert s("FROMMEMBER", "Palermo", "BYRADIUS", 1, "km", "COUNT", 3, "ANY") == [b"Palermo"]
    assert s("FROMLONLAT", 0, 0, "BYRADIUS", 10, "km") == []
    # COUNT without an order: the closest
    assert s("FROMLONLAT", 15, 37, "BYRADIUS", 500, "km", "COUNT", 2) == [
        b"Catania", b"Agrigento"]
    assert s("FROMLONLAT", 15, 37, "BYRADIUS", 124.27, "mi", "WITHDIST", "COUNT", 1) == [
        [b"Catania", b"35.0711"]]


def test_search_errors(r2):
    r2.execute("GEOADD", "k", *PALERMO, "Palermo")
    e = lambda *a: error_of(r2, *a)
    base = ["GEOSEARCH", "k", "FROMLONLAT", "1", "2"]
    assert e(*base, "BYRADIUS", "-1", "km") == "ERR radius cannot be negative"
    assert e(*base, "BYRADIUS", "x", "km") == "ERR need numeric radius"
    assert e(*base, "BYRADIUS", "1", "yd") == \
        "ERR unsupported unit provided. please use M, KM, FT, MI"
    assert e(*base, "BYBOX", "x", "1", "km") == "ERR need numeric width"
    assert e(*base, "BYBOX", "1", "y", "km") == "ERR need numeric height"
    assert e(*base, "BYBOX", "1", "-1", "km") == "ERR height or width cannot be negative"
    assert e(*base, "BYRADIUS", "1", "km", "COUNT", "0") == "ERR COUNT must be > 0"
    assert e(*base, "BYRADIUS", "1", "km", "COUNT", "x") == \
        "ERR value is not an integer or out of range"
    assert e(*base, "BYRADIUS", "1", "km", "ANY") == \
        "ERR the ANY argument requires COUNT argument"
    assert e(*base, "BYRADIUS", "1", "km", "STORE", "d") == "ERR syntax error"
    assert e(*base, "BYRADIUS", "1", "km", "STOREDIST") == "ERR syntax error"
    assert e(*base, "BYRADIUS", "1", "km", "BYBOX", "1", "1", "km") == "ERR syntax error"
    assert e(*base, "FROMMEMBER", "Palermo", "BYRADIUS", "1", "km") == "ERR syntax error"
    assert e("GEOSEARCH", "k", "BYRADIUS", "1", "km", "ASC", "ASC") == \
        "ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for GEOSEARCH"
    assert e("geosearch", "k", "FROMLONLAT", "1", "2", "ASC", "ASC") == \
        "ERR exactly one of BYRADIUS and BYBOX can be specified for geosearch"
    assert e("GEOSEARCH", "k", "FROMMEMBER", "x", "BYRADIUS", "1", "km") == \
        "ERR could not decode requested zset member"
    assert e("GEOSEARCH", "k", "FROMLONLAT", "1", "90", "BYRADIUS", "1", "km") == \
        "ERR invalid longitude,latitude pair 1.000000,90.000000"
    assert e("GEOSEARCHSTORE", "d", "k", "FROMLONLAT", "1", "2", "BYRADIUS", "1", "km",
             "WITHDIST") == \
        "ERR GEOSEARCHSTORE is not compatible with WITHDIST, WITHHASH and WITHCOORD options"
    assert e("GEORADIUS", "k", "1", "2", "3", "km", "STORE", "d", "WITHHASH") == \
        "ERR STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and " \
        "WITHCOORD options"
    assert e("GEORADIUS", "k", "1", "2", "3", "km", "STORE") == "ERR syntax error"
    assert e("GEORADIUS_RO", "k", "1", "2", "3", "km", "STORE", "d") == "ERR syntax error"
    assert e("GEORADIUSBYMEMBER_RO", "k", "Palermo", "3", "km", "STOREDIST", "d") == \
        "ERR syntax error"
    assert e("GEORADIUSBYMEMBER", "k", "x", "3", "km") == \
        "ERR could not decode requested zset member"
    assert e("GEORADIUS", "k", "1", "2", "3") == \
        "ERR wrong number of arguments for 'georadius' command"
    # a missing source: options are still parsed, the radius of BYMEMBER not
    assert r2.execute("GEORADIUSBYMEMBER", "nokey", "m", "abc", "km") == []
    assert e("GEORADIUS", "nokey", "1", "2", "abc", "km") == "ERR need numeric radius"
    assert r2.execute("GEOSEARCH", "nokey", "FROMMEMBER", "m", "BYRADIUS", "1", "km") == []


def test_georadius_family(r):
    sicily(r)
    assert r.georadius("sicily", 15, 37, 200, unit="km", sort="ASC") == [
        b"Catania", b"Agrigento", b"Palermo"]
    assert r.georadius("sicily", 15, 37, 200, unit="km", withdist=True, count=1) == [
        [b"Catania", 56.4413]]
    assert r.execute_command("GEORADIUS_RO", "sicily", 15, 37, 100, "km") == [b"Catania"]
    assert r.georadiusbymember("sicily", "Palermo", 100, unit="km", sort="DESC") == [
        b"Agrigento", b"Palermo"]
    assert r.execute_command("GEORADIUSBYMEMBER_RO", "sicily", "Catania", 100, "mi",
                             "WITHDIST", "ASC") == [[b"Catania", b"0.0000"],
                                                     [b"Agrigento", b"83.5558"]]


# --------------------------------------------------------------------------
# Stores
# --------------------------------------------------------------------------

def test_stores(r):
    sicily(r)
    assert r.georadius("sicily", 15, 37, 200, unit="km", store="dst") == 3
    assert r.zrange("dst", 0, -1, withscores=True) == r.zrange("sicily", 0, -1,
                                                                withscores=True)
    assert r.georadius("sicily", 15, 37, 200, unit="km", store_dist="dst", sort="ASC",
                       count=2) == 2
    assert r.zrange("dst", 0, -1, withscores=True) == [
        (b"Catania", 56.4412578701582), (b"Agrigento", 130.42348706714702)]
    assert r.georadiusbymember("sicily", "Palermo", 100, unit="km", store="dst") == 2
    assert r.zrange("dst", 0, -1) == [b"Agrigento", b"Palermo"]
    # any type is replaced, its TTL dropped
    r.set("s", "x", ex=100)
    assert r.geosearchstore("s", "sicily", longitude=15, latitude=37, radius=200,
                            unit="km") == 3
    assert r.type("s") == b"zset" and r.ttl("s") == -1
    assert r.geosearchstore("s", "sicily", longitude=15, latitude=37, radius=200,
                            unit="km", storedist=True, sort="DESC", count=1) == 1
    assert r.zrange("s", 0, -1, withscores=True) == [(b"Palermo", 190.44242984775784)]
    # nothing found, or no source: the destination is deleted
    assert r.geosearchstore("s", "sicily", longitude=1, latitude=1, radius=1,
                            unit="km") == 0
    assert r.exists("s") == 0
    r.set("s", "x")
    assert r.geosearchstore("s", "nokey", longitude=1, latitude=1, radius=1, unit="km") == 0
    assert r.exists("s") == 0
    # the source as its own destination
    assert r.geosearchstore("sicily", "sicily", member="Catania", radius=100,
                            unit="mi") == 2
    assert r.zrange("sicily", 0, -1) == [b"Agrigento", b"Catania"]


def test_events_and_changes(r, restore_config):
    restore_config("notify-keyspace-events")
    r.config_set("notify-keyspace-events", "KEA")
    p = r.pubsub()
    p.psubscribe("__keyevent@0__:*")
    p.get_message(timeout=2)
    before = changes(r)
    r.geoadd("g", [1, 1, "a", 2, 2, "b"])
    assert changes(r) == before + 2
    r.geoadd("g", [1, 1, "a"])                      # no change: no event
    r.georadius("g", 1, 1, 500, unit="km", store="d1")
    r.geosearchstore("d2", "g", longitude=1, latitude=1, radius=500, unit="km")
    r.geosearchstore("d2", "g", longitude=50, latitude=1, radius=1, unit="km")
    r.set("__end__", 1)
    events = []
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        m = p.get_message(timeout=1)
        if m and m["type"] == "pmessage":
            ev = (m["channel"].split(b":", 1)[1], m["data"])
            if ev[1] == b"__end__":
                break
            events.append(ev)
    p.close()
    assert events == [(b"zadd", b"g"), (b"georadiusstore", b"d1"),
                      (b"geosearchstore", b"d2"), (b"del", b"d2")]


def test_dump_restore_keeps_geo(r):
    sicily(r)
    payload = r.dump("sicily")
    r.restore("copy", 0, payload)
    assert r.geopos("copy", "Palermo") == r.geopos("sicily", "Palermo")
    assert r.geodist("copy", "Palermo", "Catania") == 166274.1516


def test_skiplist_encoding(r):
    pts = []
    for i in range(300):
        pts += [10 + (i % 20) * 0.01, 40 + (i // 20) * 0.01, "p%d" % i]
    assert r.geoadd("big", pts) == 300
    assert r.object("encoding", "big") == b"skiplist"
    near = r.geosearch("big", longitude=10.05, latitude=40.05, radius=1.5, unit="km",
                       sort="ASC", withdist=True)
    assert near[0][0] == b"p105" and 0 < len(near) < 300
    assert all(float(d) <= 1.5 for _, d in near)
    assert r.geosearch("big", longitude=10.1, latitude=40.07, width=400, height=400,
                       unit="km", count=5, any=True).__len__() == 5


# --------------------------------------------------------------------------
# Cross-check with redis-server 7.0
# --------------------------------------------------------------------------

def test_matches_redis(r, ref, server):
    rnd = random.Random(2026)
    pts = []
    for i in range(400):
        if i % 4 == 0:
            lon, lat = rnd.uniform(-180, 180), rnd.uniform(-85.05, 85.05)
        else:
            lon, lat = rnd.uniform(2, 4), rnd.uniform(48, 50)
        pts += [round(lon, 6), round(lat, 6), "m%d" % i]
    for c in (r, ref):
        c.geoadd("pts", pts)
    assert r.zrange("pts", 0, -1, withscores=True) == ref.zrange("pts", 0, -1,
                                                                  withscores=True)
    members = ["m%d" % i for i in range(0, 400, 7)] + ["none"]
    for cmd in (["GEOPOS", "pts"] + members, ["GEOHASH", "pts"] + members,
                ["GEODIST", "pts", "m1", "m2", "km"], ["GEODIST", "pts", "m0", "m4", "mi"]):
        assert r.execute_command(*cmd) == ref.execute_command(*cmd), cmd
    mine = RespClient(server.port)
    theirs = RespClient(ref.connection_pool.connection_kwargs["port"])
    for _ in range(60):
        lon, lat = rnd.uniform(1, 5), rnd.uniform(47, 51)
        if rnd.random() < 0.2:
            lon, lat = rnd.uniform(-180, 180), rnd.uniform(-85, 85)
        shape = (["BYRADIUS", rnd.choice([0.5, 5, 30, 200, 3000]), "km"]
                 if rnd.random() < 0.5 else
                 ["BYBOX", rnd.choice([1, 10, 60, 500]), rnd.choice([1, 10, 60]), "km"])
        opts = rnd.choice([[], ["ASC"], ["DESC", "WITHDIST"], ["COUNT", 3, "ANY"],
                           ["COUNT", 5, "WITHHASH", "WITHCOORD"]])
        cmd = [str(x) for x in ["GEOSEARCH", "pts", "FROMLONLAT", lon, lat] + shape + opts]
        assert mine.execute(*cmd) == theirs.execute(*cmd), cmd
    mine.close()
    theirs.close()


# --------------------------------------------------------------------------
# Module wiring
# --------------------------------------------------------------------------

def module_path(name):
    path = os.path.join(BUILDDIR, "modules", name, ".libs", name + ".so")
    if not os.path.exists(path):
        pytest.skip("%s not built" % path)
    return path


@pytest.mark.modis_only
def test_command_docs(r2):
    docs = r2.execute("COMMAND", "DOCS", "geosearch")
    d = dict(zip(docs[1][0::2], docs[1][1::2]))
    assert d[b"group"] == b"geo"
    assert d[b"module"] == b"geo"


@pytest.mark.modis_only
def test_requires_the_zsets_module(start_server):
    srv = start_server(conf=None)
    c = RespClient(srv.port)
    assert error_of(c, "MODULE", "LOAD", module_path("geo")) == (
        "ERR Error loading the extension: module 'geo' requires service 'zset.v1' >= 1, "
        "which no loaded module provides")
    assert c.execute("COMMAND", "INFO", "geoadd") == [None]
    assert c.execute("MODULE", "LOAD", module_path("zsets")) == "OK"
    assert c.execute("MODULE", "LOAD", module_path("geo")) == "OK"
    assert c.execute("GEOADD", "g", "1", "2", "m") == 1
    assert c.execute("ZCARD", "g") == 1
    c.execute("FLUSHALL")
    assert error_of(c, "MODULE", "UNLOAD", "zsets") == \
        "ERR Error unloading module: module 'zsets' is used by module 'geo'"
    assert c.execute("ZCARD", "g") == 0
    assert c.execute("MODULE", "UNLOAD", "geo") == "OK"
    assert c.execute("COMMAND", "INFO", "geoadd") == [None]
    assert c.execute("MODULE", "UNLOAD", "zsets") == "OK"
    c.close()
