"""MEMORY STATS (issue 10): every field Redis 7 replies, in its order and
types, with figures that agree with INFO memory and with each other.
Compared with the reference redis-server by field names and types."""

from modis_helpers import RespClient, parse_info


def stats(port, proto=3):
    c = RespClient(port, proto=proto)
    c.execute("FLUSHALL")
    c.execute("DEBUG", "POPULATE", "1000", "k", "10")
    c.execute("SELECT", "2")
    c.execute("SET", "x", "y", "EX", "100")
    s = c.execute("MEMORY", "STATS")
    info = parse_info(c.execute("INFO", "memory").decode())
    c.execute("FLUSHALL")
    c.close()
    return s, info


def test_fields_as_redis(server, ref_server):
    ours, info = stats(server.port)
    theirs, _ = stats(ref_server.port)
    names = [k for k in ours if not k.startswith((b"module.", b"allocator", b"overhead.db",
                                                  b"db.dict"))]
    ref_names = [k for k in theirs if k != b"overhead.hashtable.slot-to-keys"]
    # Redis 7.4's fields: 7.0 plus the keyspace tables' (overhead.db.*,
    # db.dict.rehashing.count); allocator.* are compared below
    assert [n for n in names] == [n for n in ref_names if not n.startswith(b"allocator")]
    for k in ref_names:
        assert type(ours[k]) is type(theirs[k]), k
    assert set(ours[b"db.0"]) == {b"overhead.hashtable.main", b"overhead.hashtable.expires"}
    assert ours[b"db.2"][b"overhead.hashtable.expires"] > 0
    assert b"db.1" not in ours
    assert ours[b"keys.count"] == 1001
    assert ours[b"startup.allocated"] == int(info["used_memory_startup"])
    assert ours[b"overhead.total"] + ours[b"dataset.bytes"] == ours[b"total.allocated"]
    assert ours[b"peak.allocated"] >= ours[b"total.allocated"]
    assert 0 < ours[b"dataset.percentage"] <= 100
    assert ours[b"keys.bytes-per-key"] == \
        (ours[b"total.allocated"] - ours[b"startup.allocated"]) // 1001
    # RSS is read again by INFO a moment later
    assert abs(ours[b"fragmentation.bytes"] -
               (int(info["used_memory_rss"]) - ours[b"total.allocated"])) < 1 << 20


def test_resp2_flat(server):
    s, _ = stats(server.port, proto=2)
    names = s[::2]
    assert names[:3] == [b"peak.allocated", b"total.allocated", b"startup.allocated"]
    assert b"fragmentation" in names
