"""DUMP and RESTORE (host/cmd_dump.c) and, through them, the RDB encoders and
decoders of the strings, hashes, lists and sets modules, checked against a
real redis-server:

- round trips inside the target for every encoding of every type, with the
  payload footer checked (RDB version 10, or 12 for hash field TTLs, and the
  CRC64);
- every RESTORE error, in Redis's order and with its texts;
- TTL, ABSTTL, REPLACE, IDLETIME and FREQ, observed through PTTL,
  PEXPIRETIME and OBJECT IDLETIME / OBJECT FREQ; WATCH and blocked clients;
- cross-server: payloads DUMPed by /usr/bin/redis-server (7.0) RESTOREd
  into the target and the other way round, comparing contents and OBJECT
  ENCODING, and the payload bytes of both servers for the same commands;
- the RDB fixtures (tests/fixtures/rdb): redis-server 7.0 loads
  redis-7.0.rdb and the old-*.rdb files, every string/hash/list/set key is
  DUMPed from it and RESTOREd here, and compared with the *.expected.jsonl
  files; the legacy encodings of the old files (zipmap, ziplist, linked
  list, quicklist of ziplists, intsets of every width) are also fed to
  RESTORE directly.

Where the target differs from Redis 7.0 on purpose, the test says why:
small lists and sets are "listpack" (Redis >= 7.2 behaviour; Redis 7.0
refuses the RDB 11 payload of a listpack set, as it refuses Redis 7.2's);
payloads of RDB versions 11 and 12 are accepted (Redis 7.4 reads them); a
value must end exactly at the footer (Redis reads truncated values into the footer and
ignores trailing bytes)."""

import base64
import json
import os
import shutil
import struct
import time

import pytest

from modis_helpers import REPO, RespClient, error_of, start_reference
from rdb_bytes import crc64, make_payload
from rdb_reader import values as rdb_values

FIXTURES = os.path.join(REPO, "tests", "fixtures", "rdb")

NOT_INT = "ERR value is not an integer or out of range"
SYNTAX = "ERR syntax error"
BUSYKEY = "BUSYKEY Target key name already exists."
BAD_TTL = "ERR Invalid TTL value, must be >= 0"
BAD_IDLE = "ERR Invalid IDLETIME value, must be >= 0"
BAD_FREQ = "ERR Invalid FREQ value, must be >= 0 and <= 255"
BAD_PAYLOAD = "ERR DUMP payload version or checksum are wrong"
BAD_DATA = "ERR Bad data format"
FAR_FUTURE_MS = 4102444800000  # 2100-01-01
INTSET_1_2 = b"\x02\x00\x00\x00\x02\x00\x00\x00\x01\x00\x02\x00"  # intset {1, 2}


# --------------------------------------------------------------------------
# Payload helpers
# --------------------------------------------------------------------------

def footer_version(payload):
    return struct.unpack("<H", payload[-10:-8])[0]


def check_footer(payload, version):
    assert footer_version(payload) == version
    assert struct.unpack("<Q", payload[-8:])[0] == crc64(payload[:-8])


def contents(c, key):
    """(type, value) of a key, read with ordinary commands; hashes as sorted
    (field, value) pairs."""
    t = c.type(key).decode()
    if t == "string":
        return t, c.get(key)
    if t == "hash":
        return t, sorted(c.hgetall(key).items())
    if t == "list":
        return t, c.lrange(key, 0, -1)
    if t == "set":
        return t, sorted(c.smembers(key))
    raise AssertionError("unexpected type %s" % t)


def encoding(c, key):
    return c.object("encoding", key).decode()


def redis_version(c):
    return tuple(int(x) for x in c.info("server")["redis_version"].split("."))


def native_encoding(c, type_name, enc):
    """The encoding a server reports for what Redis >= 7.2 calls `enc`:
    before 7.2 every list was a quicklist and every set that was not an
    intset a hashtable."""
    if enc == "listpack" and redis_version(c) < (7, 2):
        return {"list": "quicklist", "set": "hashtable"}.get(type_name, enc)
    return enc


def same_payload_expected(c, type_name, enc):
    """Do the target and server c write the same bytes for a value that
    Redis >= 7.2 encodes as `enc`? Only when c encodes it the same way
    (a Redis 7.0 hashtable set is written as type 2, a listpack set as 20
    here)."""
    return native_encoding(c, type_name, enc) == enc or type_name == "list"


def order_free(c, name):
    """Does server c write the value of ENCODINGS[name] in hash-seed order
    (a hashtable of several members)? Redis 7.0 keeps the listpack sets of
    that table as such hashtables."""
    if name in ORDER_FREE:
        return True
    return name.startswith("set-listpack") and redis_version(c) < (7, 2)


def pseudo_random_bytes(n):
    """Deterministic incompressible bytes (LZF gains nothing on them)."""
    out = bytearray()
    x = 0x12345678
    while len(out) < n:
        x = (x * 6364136223846793005 + 1442695040888963407) & (2**64 - 1)
        out += (x >> 24).to_bytes(5, "little")
    return bytes(out[:n])


# Every encoding of strings, hashes and lists: name -> (commands building
# key "k", the encoding Redis >= 7.2 gives it[, the encoding of the same
# value after RESTORE when that differs]).
ENCODINGS = {
    "string-int": ([("SET", "k", "12345")], "int"),
    "string-int-min": ([("SET", "k", "-9223372036854775808")], "int"),
    "string-int-over-32-bits": ([("SET", "k", "4294967296")], "int"),
    "string-leading-zero": ([("SET", "k", "0123")], "embstr"),
    "string-empty": ([("SET", "k", "")], "embstr"),
    "string-binary": ([("SET", "k", b"\x00\xff\r\n\x80")], "embstr"),
    "string-embstr": ([("SET", "k", "hello world")], "embstr"),
    "string-embstr-44": ([("SET", "k", "a" * 44)], "embstr"),
    "string-raw-lzf": ([("SET", "k", "abcdefghij" * 10)], "raw"),
    "string-raw-incompressible": ([("SET", "k", pseudo_random_bytes(300))], "raw"),
    # APPEND makes a raw string; loading makes a short one embstr again.
    "string-raw-append": ([("SET", "k", "x"), ("APPEND", "k", "yz")], "raw", "embstr"),
    "string-incrbyfloat": ([("SET", "k", "1.5"), ("INCRBYFLOAT", "k", "1")], "embstr"),
    "string-big-lzf": ([("SET", "k", "0123456789" * 100000)], "raw"),
    "string-big-incompressible": ([("SET", "k", pseudo_random_bytes(700000))], "raw"),
    "hash-listpack": ([("HSET", "k", "a", "1", "b", "2", "c", "hello")], "listpack"),
    "hash-listpack-ints": ([("HSET", "k", "1", "-1", "2", "100000", "3", "9999999999",
                             "-5", "0")], "listpack"),
    "hash-listpack-after-hdel": ([("HSET", "k", "a", "1", "b", "2", "c", "3"),
                                  ("HDEL", "k", "b")], "listpack"),
    "hash-hashtable-long-value": ([("HSET", "k", "a", "x" * 100)], "hashtable"),
    "hash-hashtable-many-fields": ([("HSET", "k", *[x for i in range(600)
                                                    for x in ("f%d" % i, "v%d" % i)])],
                                   "hashtable"),
    "hash-hashtable-lzf-values": ([("HSET", "k", *[x for i in range(20)
                                                   for x in ("f%d" % i, "ab" * 40)])],
                                  "hashtable"),
    "list-listpack": ([("RPUSH", "k", "a", "b", "1", "-2", "123456789012", "")],
                      "listpack"),
    "list-listpack-200": ([("RPUSH", "k", *["e%d" % i for i in range(200)])], "listpack"),
    "list-listpack-after-pops": ([("LPUSH", "k", *["e%d" % i for i in range(300)]),
                                  ("LPOP", "k", "50"), ("RPOP", "k", "10"),
                                  ("LINSERT", "k", "BEFORE", "e100", "zz")], "listpack"),
    "list-quicklist": ([("RPUSH", "k", *["x%04d" % i + "y" * 995 for i in range(50)])],
                       "quicklist"),
    "list-quicklist-big-element": ([("RPUSH", "k", "a", "y" * 10000, "b")], "quicklist"),
    "list-quicklist-lzf-element": ([("RPUSH", "k", *["ab" * 3000 for _ in range(5)])],
                                   "quicklist"),
    "list-big": ([("RPUSH", "k", *["elem%d" % i for i in range(20000)])], "quicklist"),
    "set-intset": ([("SADD", "k", "3", "1", "-5", "2")], "intset"),
    "set-intset-64bit": ([("SADD", "k", "1", "9999999999", "-9223372036854775808")],
                         "intset"),
    "set-intset-lzf": ([("SADD", "k", *[str(i) for i in range(100)])], "intset"),
    "set-listpack": ([("SADD", "k", "a", "b", "1", "-2", "")], "listpack"),
    "set-listpack-128": ([("SADD", "k", *["m%d" % i for i in range(128)])], "listpack"),
    "set-listpack-after-srem": ([("SADD", "k", "a", "b", "c", "7"), ("SREM", "k", "b")],
                                "listpack"),
    "set-hashtable-one-long": ([("SADD", "k", "x" * 65)], "hashtable"),
    "set-hashtable-many": ([("SADD", "k", *["m%d" % i for i in range(200)])], "hashtable"),
    "set-hashtable-ints": ([("SADD", "k", *[str(i) for i in range(600)])], "hashtable"),
}

# Hashtable hashes with more than one field: Redis's dict iterates in an
# order that depends on a per-process random hash seed, so even two Redis
# processes write the fields of the same hash in different orders. Their
# payloads have the same length and the same fields, not the same bytes.
ORDER_FREE = {"hash-hashtable-many-fields", "hash-hashtable-lzf-values",
              "set-hashtable-many", "set-hashtable-ints"}


def restored_encoding(c, name, type_name):
    spec = ENCODINGS[name]
    return native_encoding(c, type_name, spec[2] if len(spec) > 2 else spec[1])


def build(c, name, key="k"):
    for cmd in ENCODINGS[name][0]:
        c.execute_command(cmd[0], key, *cmd[2:])


# --------------------------------------------------------------------------
# Round trips in the target
# --------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(ENCODINGS))
def test_round_trip(r, name):
    build(r, name)
    t, value = contents(r, "k")
    enc = native_encoding(r, t, ENCODINGS[name][1])
    assert encoding(r, "k") == enc
    p = r.dump("k")
    check_footer(p, 11 if p[0] == 20 else 10)  # a listpack set needs RDB 11
    assert r.restore("k2", 0, p) == b"OK"
    assert contents(r, "k2") == (t, value)
    assert encoding(r, "k2") == restored_encoding(r, name, t)
    assert r.pttl("k2") == -1
    if not order_free(r, name):
        assert r.dump("k2") == p
    # The payload is the same after REPLACE over a key of another type.
    r.set("k3", "old")
    assert r.restore("k3", 0, p, replace=True) == b"OK"
    assert contents(r, "k3") == (t, value)


def test_dump_missing_key_and_arity(r, r2):
    assert r.dump("missing") is None
    assert r2.execute("DUMP", "missing") is None
    assert error_of(r2, "DUMP") == "ERR wrong number of arguments for 'dump' command"
    assert error_of(r2, "DUMP", "a", "b") == "ERR wrong number of arguments for 'dump' command"
    for args in (("RESTORE",), ("RESTORE", "k"), ("RESTORE", "k", "0")):
        assert error_of(r2, *args) == "ERR wrong number of arguments for 'restore' command"


def test_dump_of_expired_key_is_nil(r):
    r.set("k", "v", px=30)
    time.sleep(0.1)
    assert r.dump("k") is None


def test_payload_layout(r):
    """The exact bytes: type 0, length-prefixed string, version 10, CRC64."""
    r.set("s", "hello")
    assert r.dump("s") == b"\x00\x05hello\n\x00cr\xdfve4 \n"
    r.set("n", "300")
    assert r.dump("n")[:4] == b"\x00\xc1\x2c\x01"  # INT16 encoding
    r.set("big", "a" * 100)
    assert r.dump("big")[:2] == b"\x00\xc3"          # LZF


def test_string_compression_follows_rdbcompression(r, restore_config):
    restore_config("rdbcompression")
    r.set("k", "a" * 100)
    r.config_set("rdbcompression", "no")
    p = r.dump("k")
    assert p[:3] == b"\x00\x40\x64" and p[3:103] == b"a" * 100  # 14-bit length 100
    assert r.restore("k2", 0, p) == b"OK" and r.get("k2") == b"a" * 100


# --------------------------------------------------------------------------
# Hash field TTLs: RDB version 12 payloads (Redis 7.4)
# --------------------------------------------------------------------------

@pytest.mark.modis_only
@pytest.mark.parametrize("fields,enc,type_byte", [
    (3, "listpackex", 25),    # RDB_TYPE_HASH_LISTPACK_EX
    (600, "hashtable", 24),   # RDB_TYPE_HASH_METADATA
])
def test_hash_field_ttl_payload(r, fields, enc, type_byte):
    r.execute_command("HSET", "k", *[x for i in range(fields) for x in ("f%d" % i, "v%d" % i)])
    assert r.execute_command("HPEXPIREAT", "k", FAR_FUTURE_MS, "FIELDS", 2, "f1", "f2") == [1, 1]
    assert r.execute_command("HPEXPIREAT", "k", FAR_FUTURE_MS + 5, "FIELDS", 1, "f0") == [1]
    assert encoding(r, "k") == enc
    p = r.dump("k")
    assert p[0] == type_byte
    check_footer(p, 12)
    assert r.restore("k2", 0, p) == b"OK"
    assert encoding(r, "k2") == enc
    assert contents(r, "k2") == contents(r, "k")
    names = ["f%d" % i for i in range(min(fields, 4))]
    expect = [FAR_FUTURE_MS + 5, FAR_FUTURE_MS, FAR_FUTURE_MS] + [-1] * (len(names) - 3)
    assert r.execute_command("HPEXPIRETIME", "k2", "FIELDS", len(names), *names) == expect
    if type_byte == 25:
        assert r.dump("k2") == p


@pytest.mark.modis_only
def test_hash_field_ttl_payload_refused_by_redis_70(r, ref):
    """Redis 7.0 knows RDB versions up to 10: a version 12 payload fails its
    footer check, while the same hash without field TTLs restores."""
    if redis_version(ref) >= (7, 4):
        pytest.skip("the reference server reads version 12")
    r.hset("k", mapping={"a": "1", "b": "2"})
    plain = r.dump("k")
    r.execute_command("HPEXPIREAT", "k", FAR_FUTURE_MS, "FIELDS", 1, "a")
    with pytest.raises(Exception) as ei:
        ref.restore("k", 0, r.dump("k"))
    assert str(ei.value) == "DUMP payload version or checksum are wrong"
    assert ref.restore("k", 0, plain) == b"OK"
    assert ref.hgetall("k") == {b"a": b"1", b"b": b"2"}


@pytest.mark.modis_only
def test_restored_field_ttls_expire_actively(r):
    """RESTORE registers the key for active field expiry: the hash goes away
    when its last field expires, without anybody reading it."""
    r.hset("k", mapping={"a": "1"})
    at = int(time.time() * 1000) + 400
    r.execute_command("HPEXPIREAT", "k", at, "FIELDS", 1, "a")
    p = r.dump("k")
    r.delete("k")
    assert r.restore("k", 0, p) == b"OK"
    assert r.dbsize() == 1
    deadline = time.time() + 5
    while r.dbsize() and time.time() < deadline:
        time.sleep(0.05)
    assert r.dbsize() == 0


# --------------------------------------------------------------------------
# RESTORE errors, in Redis's order
# --------------------------------------------------------------------------

def test_restore_option_errors(r, r2):
    r.set("s", "hello")
    p = r.dump("s")
    cases = [
        (("s", "0", p, "IDLETIME", "-1"), BAD_IDLE),
        (("s", "0", p, "IDLETIME", "x"), NOT_INT),
        (("s", "0", p, "IDLETIME"), SYNTAX),
        (("s", "0", p, "FREQ", "256"), BAD_FREQ),
        (("s", "0", p, "FREQ", "-1"), BAD_FREQ),
        (("s", "0", p, "FREQ", "1.5"), NOT_INT),
        (("s", "0", p, "FREQ"), SYNTAX),
        (("s", "0", p, "IDLETIME", "1", "FREQ", "2"), SYNTAX),
        (("s", "0", p, "FREQ", "2", "IDLETIME", "1"), SYNTAX),
        (("s", "0", p, "REPLACE", "bogus"), SYNTAX),
        (("s", "0", p, "ABSTTLX"), SYNTAX),
        # Options are checked before anything else ...
        (("missing", "x", b"junk", "bogus"), SYNTAX),
        # ... then the key, then the TTL, then the payload.
        (("s", "-1", b"junk"), BUSYKEY),
        (("s", "x", b"junk"), BUSYKEY),
        (("s", "0", p), BUSYKEY),
        (("missing", "-1", b"junk"), BAD_TTL),
        (("missing", "x", b"junk"), NOT_INT),
        (("missing", "99999999999999999999", p), NOT_INT),
        (("missing", "0", b"junk"), BAD_PAYLOAD),
        (("s", "-1", b"junk", "REPLACE"), BAD_TTL),
        (("s", "0", b"junk", "REPLACE"), BAD_PAYLOAD),
    ]
    for args, err in cases:
        assert error_of(r2, "RESTORE", *args) == err, args
    assert r.get("s") == b"hello"
    assert r.exists("missing") == 0


def test_restore_idletime_and_freq_repeat_and_case(r):
    r.set("s", "hello")
    p = r.dump("s")
    assert r.execute_command("RESTORE", "a", "0", p, "idletime", "5", "IdleTime", "7",
                             "replace", "Replace", "absttl") == b"OK"
    assert r.execute_command("RESTORE", "b", "0", p, "freq", "5", "FREQ", "255") == b"OK"
    assert r.get("a") == r.get("b") == b"hello"


def test_restore_footer_errors(r, r2):
    r.set("s", "hello")
    p = r.dump("s")
    body = p[:-10]
    bad_crc = p[:-1] + bytes([p[-1] ^ 1])
    flipped_body = bytes([p[0]]) + b"\x05jello" + p[7:]
    # (A leading 0x00 byte does not change a CRC64 that starts from 0, so
    # p[1:] would pass the footer check: cut bytes elsewhere.)
    for payload in (b"", b"short", p[:9], p[:-1], p[2:], bad_crc, flipped_body,
                    make_payload(body, 13), make_payload(body, 0xFFFF)):
        assert error_of(r2, "RESTORE", "k", "0", payload) == BAD_PAYLOAD, payload
    assert r.exists("k") == 0


def test_restore_bad_data(r, r2, restore_config):
    """Payloads with a good footer whose value is not valid: never loaded,
    never a crash, nothing created. The target validates every payload
    completely; Redis does so with sanitize-dump-payload yes (without it,
    Redis 7.0 restores the hash with a duplicate field below)."""
    restore_config("sanitize-dump-payload")
    r.config_set("sanitize-dump-payload", "yes")
    r.hset("h", mapping={"a": "1", "b": "2"})
    hp = r.dump("h")
    r.rpush("l", "x", "y")
    lp = r.dump("l")
    bodies = [
        b"",                              # no type byte
        b"\x63",                          # type 99: no such RDB type
        b"\xff",                          # an opcode, not a value type
        b"\x00",                          # string without its length
        b"\x00\xc3\x05\x0a\x00\x00",      # LZF blob shorter than its length
        b"\x00\xc3\x02\x0a\x00a",          # LZF blob of the wrong decompressed size
        b"\x00\xc5",                      # unknown special string encoding
        b"\x10\x02ab",                    # hash listpack that is no listpack
        hp[:2] + bytes([hp[2] ^ 0x40]) + hp[3:-10],  # listpack with a wrong size
        b"\x12\x01\x02\x02ab",            # list: packed node that is no listpack
        b"\x12\x01\x07" + lp[3:-10],      # list: node container 7
        b"\x12\x00",                      # list with no nodes: empty
        b"\x04\x00",                      # hash with no fields: empty
        b"\x04\x01\x01a",                 # hash field without its value
        b"\x04\x02\x01a\x011\x01a\x012",  # duplicate hash field
        b"\x01\x02\x01a",                 # linked list: second element missing
        b"\x02\x00",                      # set with no members: empty
        b"\x02\x02\x01a",                  # set: second member missing
        b"\x02\x02\x01a\x01a",              # duplicate set member
        b"\x02\x03\xc0\x05\x015\x01x",      # duplicate (integer-encoded and plain)
        b"\x0b\x0c\x02\x00\x00\x00\x02\x00\x00\x00\x02\x00\x01\x00",  # intset 2, 1
        b"\x0b\x0c\x02\x00\x00\x00\x02\x00\x00\x00\x01\x00\x01\x00",  # intset 1, 1
        b"\x0b\x0c\x03\x00\x00\x00\x02\x00\x00\x00\x01\x00\x02\x00",  # encoding 3
        b"\x0b\x0c\x02\x00\x00\x00\x03\x00\x00\x00\x01\x00\x02\x00",  # length 3, 2 there
        b"\x0b\x08\x02\x00\x00\x00\x00\x00\x00\x00",  # empty intset
        b"\x0b\x0b" + INTSET_1_2[:-1],      # intset cut short
        b"\x14\x07\x07\x00\x00\x00\x00\x00\xff",  # set listpack with no members: empty
        b"\x0b\x03abc",                   # intset shorter than its header
        b"\x14\x02ab",                    # set listpack that is no listpack
        b"\x14\x0b\x0b\x00\x00\x00\x02\x00\x01\x01\x01\x01\xff",  # listpack 1, 1
    ]
    for body in bodies:
        assert error_of(r2, "RESTORE", "k", "0", make_payload(body)) == BAD_DATA, body
    assert r.exists("k") == 0


def test_restore_type_nobody_claims(r, r2):
    """A set, sorted set or stream payload when no loaded module claims the
    type byte (and a Redis-module value, which no module claims here)."""
    missing = []
    for cmd, body in (("sadd", b"\x02\x01\x01a"), ("zadd", b"\x03\x01\x01a\x011"),
                      ("xadd", b"\x15\x00")):
        if r2.execute("COMMAND", "INFO", cmd) == [None]:
            missing.append(body)
    for body in missing + [b"\x07\x00\x00\x00\x00\x00\x00\x00\x00\x02"]:
        assert error_of(r2, "RESTORE", "k", "0", make_payload(body)) == BAD_DATA, body
    assert r.exists("k") == 0


@pytest.mark.modis_only
def test_restore_value_must_end_at_footer(r, r2):
    """Stricter than Redis on purpose: Redis 7.x ignores bytes between the
    value and the footer, and reads a truncated value on into the footer
    (RESTORE of "\\x00\\x05abc" + footer gives "abc\\n\\x00" there). Both are
    "Bad data format" here."""
    r.set("s", "hello")
    body = r.dump("s")[:-10]
    for bad in (body + b"\x00", body + b"garbage", body[:-1], b"\x00\x05abc"):
        assert error_of(r2, "RESTORE", "k", "0", make_payload(bad)) == BAD_DATA
    assert r.exists("k") == 0


@pytest.mark.modis_only
def test_restore_accepts_versions_up_to_12(r):
    """Redis 7.4 writes version 12 and reads 11 and 12 (7.0 refuses them)."""
    r.set("s", "hello")
    body = r.dump("s")[:-10]
    for v in (1, 9, 10, 11, 12):
        assert r.restore("k%d" % v, 0, make_payload(body, v)) == b"OK"
        assert r.get("k%d" % v) == b"hello"


# --------------------------------------------------------------------------
# TTL, ABSTTL, REPLACE
# --------------------------------------------------------------------------

def test_restore_ttl(r):
    r.set("s", "hello")
    p = r.dump("s")
    assert r.restore("rel", 100000, p) == b"OK"
    assert 99000 < r.pttl("rel") <= 100000
    assert r.restore("abs", FAR_FUTURE_MS, p, absttl=True) == b"OK"
    assert r.execute_command("PEXPIRETIME", "abs") == FAR_FUTURE_MS
    assert r.restore("zero", 0, p, absttl=True) == b"OK"
    assert r.pttl("zero") == -1
    assert r.restore("max", 2**63 - 1, p, absttl=True) == b"OK"
    assert r.execute_command("PEXPIRETIME", "max") == 2**63 - 1


def test_restore_ttl_in_the_past(r):
    """A TTL already passed replies OK and creates nothing; with REPLACE the
    old key is deleted."""
    r.set("s", "hello")
    p = r.dump("s")
    assert r.restore("k", 1, p, absttl=True) == b"OK"
    assert r.exists("k") == 0
    r.set("old", "v")
    assert r.restore("old", 1, p, absttl=True, replace=True) == b"OK"
    assert r.exists("old") == 0
    # A relative TTL that overflows the clock wraps into the past, as in Redis.
    assert r.restore("k", 2**63 - 1, p) == b"OK"
    assert r.exists("k") == 0
    assert r.dbsize() == 1


def test_restore_replace(r):
    r.set("k", "v", ex=1000)
    r.rpush("l", "a", "b")
    p = r.dump("l")
    assert r.restore("k", 0, p, replace=True) == b"OK"
    assert r.type("k") == b"list" and r.lrange("k", 0, -1) == [b"a", b"b"]
    assert r.ttl("k") == -1  # the old TTL is gone with the old key
    assert r.restore("k", 5000, p, replace=True) == b"OK"
    assert 4000 < r.pttl("k") <= 5000


def test_restore_over_expired_key_is_not_busy(r):
    r.set("s", "hello")
    p = r.dump("s")
    r.set("k", "old", px=30)
    time.sleep(0.1)
    assert r.restore("k", 0, p) == b"OK"
    assert r.get("k") == b"hello"


# --------------------------------------------------------------------------
# IDLETIME / FREQ through OBJECT
# --------------------------------------------------------------------------

def test_restore_idletime(r):
    r.set("s", "hello")
    p = r.dump("s")
    assert r.restore("k", 0, p, idletime=1000) == b"OK"
    assert 1000 <= r.object("idletime", "k") <= 1001
    # FREQ is checked but has no effect under an LRU policy.
    assert r.restore("f", 0, p, frequency=200) == b"OK"
    assert r.object("idletime", "f") <= 1
    with pytest.raises(Exception) as ei:
        r.object("freq", "f")
    assert "An LFU maxmemory policy is not selected" in str(ei.value)


def test_restore_freq(r, restore_config):
    restore_config("maxmemory-policy")
    r.config_set("maxmemory-policy", "allkeys-lfu")
    r.set("s", "hello")
    p = r.dump("s")
    assert r.restore("k", 0, p, frequency=200) == b"OK"
    assert r.object("freq", "k") == 200
    assert r.restore("z", 0, p, frequency=0) == b"OK"
    assert r.object("freq", "z") == 0
    # Without FREQ, or with IDLETIME (ignored under LFU): the initial 5.
    assert r.restore("n", 0, p) == b"OK"
    assert r.object("freq", "n") == 5
    assert r.restore("i", 0, p, idletime=1000) == b"OK"
    assert r.object("freq", "i") == 5
    with pytest.raises(Exception) as ei:
        r.object("idletime", "i")
    assert "An LFU maxmemory policy is selected" in str(ei.value)


# --------------------------------------------------------------------------
# Side effects: WATCH, blocked clients, dirty counter, config
# --------------------------------------------------------------------------

def test_restore_touches_watched_key(server, r):
    r.set("s", "hello")
    p = r.dump("s")
    c = server.client(decode_responses=False)
    try:
        pipe = c.pipeline()
        pipe.watch("k")
        pipe.multi()
        pipe.get("k")
        r.restore("k", 0, p)
        with pytest.raises(Exception) as ei:
            pipe.execute()
        assert "Watched variable changed" in str(ei.value)
    finally:
        c.close()


def test_restore_wakes_blocked_client(server, r):
    r.rpush("l", "job")
    p = r.dump("l")
    r.delete("l")
    c = RespClient(server.port)
    try:
        c.conn.send_command("BLPOP", "q", "5")
        time.sleep(0.1)
        assert r.restore("q", 0, p) == b"OK"
        assert c.read() == [b"q", b"job"]
        assert r.exists("q") == 0
    finally:
        c.close()


def test_restore_counts_as_change(r):
    r.set("s", "hello")
    p = r.dump("s")
    before = r.info("persistence")["rdb_changes_since_last_save"]
    r.restore("k", 0, p)
    assert r.info("persistence")["rdb_changes_since_last_save"] == before + 1


def test_sanitize_dump_payload_config(r, ref, restore_config):
    restore_config("sanitize-dump-payload")
    for v in ("yes", "clients", "no"):
        assert r.config_set("sanitize-dump-payload", v) is True
        assert r.config_get("sanitize-dump-payload") == {"sanitize-dump-payload": v}
    errs = []
    for c in (r, ref):
        with pytest.raises(Exception) as ei:
            c.config_set("sanitize-dump-payload", "maybe")
        errs.append(str(ei.value))
    assert errs[0] == errs[1]
    assert r.config_get("lazyfree-lazy-server-del") == ref.config_get("lazyfree-lazy-server-del")


def test_command_metadata(r2):
    info = r2.execute("COMMAND", "INFO", "dump", "restore", "restore-asking")
    got = [(i[0], i[1], sorted(i[2]), i[3], i[4], i[5], sorted(i[6])) for i in info]
    assert got == [
        (b"dump", 2, ["readonly"], 1, 1, 1, ["@keyspace", "@read", "@slow"]),
        (b"restore", -4, ["denyoom", "write"], 1, 1, 1,
         ["@dangerous", "@keyspace", "@slow", "@write"]),
        (b"restore-asking", -4, ["asking", "denyoom", "write"], 1, 1, 1,
         ["@dangerous", "@keyspace", "@slow", "@write"]),
    ]
    assert r2.execute("COMMAND", "GETKEYS", "RESTORE", "k", "0", "x", "REPLACE") == [b"k"]
    assert r2.execute("COMMAND", "GETKEYS", "DUMP", "k") == [b"k"]


@pytest.mark.modis_only
def test_command_docs_arguments(r2):
    docs = r2.execute("COMMAND", "DOCS", "restore")
    flat = []

    def walk(x):
        if isinstance(x, list):
            for y in x:
                walk(y)
        else:
            flat.append(x)
    walk(docs)
    for word in (b"ttl", b"serialized-value", b"REPLACE", b"ABSTTL", b"IDLETIME", b"FREQ"):
        assert word in flat, word


# --------------------------------------------------------------------------
# Cross-server: the reference redis-server and the target
# --------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(ENCODINGS))
def test_redis_payload_restores_here(r, ref, name):
    build(ref, name)
    p = ref.dump("k")
    assert r.restore("k", 0, p) == b"OK"
    t, value = contents(ref, "k")
    assert contents(r, "k") == (t, value)
    assert encoding(r, "k") == restored_encoding(r, name, t)
    assert encoding(ref, "k") == native_encoding(ref, t, ENCODINGS[name][1])
    if name not in ORDER_FREE and same_payload_expected(ref, t, ENCODINGS[name][1]):
        assert r.dump("k") == p


@pytest.mark.parametrize("name", sorted(ENCODINGS))
def test_payload_restores_in_redis(r, ref, name):
    """Redis restores our payloads, except that Redis 7.0 refuses RDB 11
    (the listpack set, type 20, which Redis 7.2 introduced) as Redis 7.0
    refuses a Redis 7.2 payload of it."""
    build(r, name)
    p = r.dump("k")
    if p[0] == 20 and redis_version(ref) < (7, 2):
        with pytest.raises(Exception, match="DUMP payload version or checksum are wrong"):
            ref.restore("k", 0, p)
        return
    assert ref.restore("k", 0, p) == b"OK"
    t, value = contents(r, "k")
    assert contents(ref, "k") == (t, value)
    assert encoding(ref, "k") == restored_encoding(ref, name, t)


@pytest.mark.parametrize("name", sorted(ENCODINGS))
def test_payload_bytes_equal_redis(r, ref, name):
    """The same commands give the same DUMP bytes on both servers: same
    type bytes, same listpacks and quicklist nodes, same string encodings,
    same footer version (10). Hashtable hashes and sets with several
    members are the exception: Redis writes dict order, which depends on its random hash
    seed; for them the lengths are equal and each side restores the other's
    payload to the same fields (test_redis_payload_restores_here)."""
    build(r, name)
    build(ref, name)
    mine, theirs = r.dump("k"), ref.dump("k")
    t, enc = contents(r, "k")[0], ENCODINGS[name][1]
    if t == "set" and native_encoding(r, t, enc) != native_encoding(ref, t, enc):
        assert (mine[0], theirs[0]) == (20, 2)  # listpack set vs Redis 7.0's hashtable
    elif order_free(ref, name):
        assert len(mine) == len(theirs)
        assert mine[0] == theirs[0] and mine[0] in (2, 4)
    else:
        assert mine == theirs


def test_linsert_split_node_bytes_equal_redis(r, ref, restore_config):
    restore_config("list-max-listpack-size")
    dumps = []
    for c in (r, ref):
        c.config_set("list-max-listpack-size", 4)
        c.rpush("k", "e1", "e2", "e3", "e4")
        c.linsert("k", "AFTER", "e2", "mid")
        dumps.append(c.dump("k"))
        c.config_set("list-max-listpack-size", -2)
    assert r.lrange("k", 0, -1) == ref.lrange("k", 0, -1)
    assert dumps[0] == dumps[1]


def test_compressed_quicklist_bytes_equal_redis(r, ref, restore_config):
    """list-compress-depth: Redis writes compressed nodes as LZF blobs; the
    same bytes come out here, with rdbcompression on and off."""
    restore_config("list-max-listpack-size", "list-compress-depth", "rdbcompression")
    elems = ["element-number-%04d-aaaaaaaaaaaa" % i for i in range(16)]
    for rdbcompression in ("yes", "no"):
        dumps = []
        for c in (r, ref):
            c.delete("k")
            c.config_set("list-max-listpack-size", 4)
            c.config_set("list-compress-depth", 1)
            c.config_set("rdbcompression", rdbcompression)
            c.rpush("k", *elems)
            dumps.append(c.dump("k"))
            c.config_set("list-max-listpack-size", -2)
            c.config_set("list-compress-depth", 0)
            c.config_set("rdbcompression", "yes")
        assert dumps[0] == dumps[1], rdbcompression
        assert r.restore("k2", 0, dumps[1], replace=True) == b"OK"
        assert r.lrange("k2", 0, -1) == [e.encode() for e in elems]


def test_restore_with_options_matches_redis(r, ref, restore_config):
    """IDLETIME, REPLACE and ABSTTL read back the same on both servers."""
    ref.set("s", "hello")
    p = ref.dump("s")
    for c in (r, ref):
        c.set("k", "old")
        assert c.restore("k", FAR_FUTURE_MS, p, replace=True, absttl=True, idletime=500) == b"OK"
    for c in (r, ref):
        assert 500 <= c.object("idletime", "k") <= 501
        assert c.execute_command("PEXPIRETIME", "k") == FAR_FUTURE_MS
        assert c.get("k") == b"hello"


# --------------------------------------------------------------------------
# RDB fixtures written by real Redis servers
# --------------------------------------------------------------------------

def _fixture(name):
    path = os.path.join(FIXTURES, name)
    assert os.path.exists(path), "fixture %s is missing from the repository" % path
    return path


def _expected(path):
    out = {}
    with open(path) as f:
        for line in f:
            d = json.loads(line)
            out[d["key"].encode()] = d
    return out


def _from_json(v):
    if isinstance(v, dict):
        return base64.b64decode(v["base64"])
    return v.encode()


def _expected_contents(d):
    t, v = d["type"], d["value"]
    if t == "string":
        return t, _from_json(v)
    if t == "hash":
        return t, sorted((_from_json(f), _from_json(x)) for f, x in v)
    if t == "list":
        return t, [_from_json(x) for x in v]
    if t == "set":
        return t, sorted(_from_json(x) for x in v)
    raise AssertionError(t)


def _redis_on_rdb(tmp_path, rdb):
    """redis-server started on a copy of the RDB file `rdb`."""
    d = tmp_path / "redis-data"
    d.mkdir()
    shutil.copy(rdb, d / "dump.rdb")
    os.chmod(d / "dump.rdb", 0o644)
    return start_reference(["--dir", str(d), "--dbfilename", "dump.rdb"])


OUR_TYPES = ("string", "hash", "list", "set")


def newer_encoding_ok(type_name, theirs, mine):
    """Is `mine` what the target gives a value Redis 7.0 holds as `theirs`:
    the same, or the listpack Redis >= 7.2 uses for small lists and sets."""
    return mine == theirs or (type_name, theirs, mine) in (
        ("list", "quicklist", "listpack"), ("set", "hashtable", "listpack"))


def same_bytes_expected(c, key, type_name, theirs, mine):
    """Should both servers DUMP this key to the same bytes? When both hold
    it in the same encoding and, for a hashtable, in an order that does not
    depend on a hash seed (one member), or for lists (a quicklist of one
    node is what a listpack list is written as)."""
    if type_name == "list":
        return True
    if mine != theirs:
        return False
    if theirs != "hashtable":
        return True
    return (c.hlen(key) if type_name == "hash" else c.scard(key)) == 1


def _check_rdb_via_redis(r, tmp_path, rdb_name):
    """Load rdb_name into redis-server, move every string/hash/list/set key over
    with DUMP + RESTORE (ABSTTL with its expire time), compare with the
    .expected.jsonl file. Returns how many keys were checked."""
    rdb = _fixture(rdb_name)
    expected = _expected(rdb[:-len(".rdb")] + ".expected.jsonl")
    srv = _redis_on_rdb(tmp_path, rdb)
    try:
        ref = srv.client(decode_responses=False)
        keys = sorted(ref.keys("*"))
        assert set(keys) == set(expected)  # redis-server loaded the whole file
        checked = 0
        for key in keys:
            d = expected[key]
            if d["type"] not in OUR_TYPES:
                continue
            p = ref.dump(key)
            at = ref.execute_command("PEXPIRETIME", key)
            assert at == d["pexpiretime"]
            assert r.restore(key, max(at, 0), p, absttl=True) == b"OK", key
            assert contents(r, key) == _expected_contents(d), key
            assert r.execute_command("PEXPIRETIME", key) == d["pexpiretime"], key
            enc = encoding(ref, key)
            mine = encoding(r, key)
            assert newer_encoding_ok(d["type"], enc, mine), (key, enc, mine)
            if same_bytes_expected(ref, key, d["type"], enc, mine):
                assert r.dump(key) == p, key
            checked += 1
        ref.close()
        return checked
    finally:
        srv.stop()


def test_fixture_redis_70_rdb(r, tmp_path):
    assert _check_rdb_via_redis(r, tmp_path, "redis-7.0.rdb") == 611
    assert r.dbsize() == 611


@pytest.mark.parametrize("rdb_name,count", [
    ("old-encodings.rdb", 11),
    ("old-hash-ziplist.rdb", 1),
    ("old-hash-zipmap.rdb", 1),
    ("old-list-quicklist.rdb", 2),
])
def test_fixture_old_rdb_via_redis(r, tmp_path, rdb_name, count):
    assert _check_rdb_via_redis(r, tmp_path, rdb_name) == count


# Legacy value encodings, fed to RESTORE as they sit in the old files.

LEGACY = [("old-encodings.rdb", {0: 3, 1: 1, 2: 1, 4: 1, 10: 1, 11: 3, 13: 1}),
          ("old-hash-ziplist.rdb", {13: 1}),
          ("old-hash-zipmap.rdb", {9: 1}),
          ("old-list-quicklist.rdb", {0: 1, 14: 1})]


@pytest.mark.parametrize("rdb_name,types", LEGACY)
def test_fixture_legacy_encodings_restore_directly(r, ref, rdb_name, types):
    """Zipmap (9), ziplist (10, 13), linked-list (1), plain hash (4),
    quicklist-of-ziplists (14), plain set (2) and intset (11) payloads, with
    the footer version of the file that holds them: both servers restore
    them to the expected values, with the same encoding (or the listpack
    Redis 7.2 would use) and, where the encodings agree, the same DUMP
    bytes afterwards."""
    path = _fixture(rdb_name)
    expected = _expected(path[:-len(".rdb")] + ".expected.jsonl")
    version, values = rdb_values(path)
    seen = {}
    for key, t, raw, expire in values:
        if expected[key]["type"] not in OUR_TYPES:
            continue
        assert expire == -1 and expected[key]["pexpiretime"] == -1
        seen[t] = seen.get(t, 0) + 1
        p = make_payload(bytes([t]) + raw, version)
        for c in (r, ref):
            assert c.restore(key, 0, p) == b"OK", (key, t)
            assert contents(c, key) == _expected_contents(expected[key]), (key, t)
        enc, mine, t_name = encoding(ref, key), encoding(r, key), expected[key]["type"]
        assert newer_encoding_ok(t_name, enc, mine), key
        if same_bytes_expected(ref, key, t_name, enc, mine):
            assert r.dump(key) == ref.dump(key), key
    assert seen == types
