"""Redis's RDB byte format, written by hand for the tests: CRC64 (Jones),
DUMP payload footers, lengths, plain strings, module type ids and the
opcode-tagged fields of module-type values and aux records, and whole
files. Everything here is what Redis itself writes (rdb.c,
RedisModule_Save*), so redis-check-rdb accepts the files built with it.
"""

import struct


def _crc64_table():
    poly = 0x95AC9329AC4BC9B5  # Jones polynomial, reflected (Redis's crc64)
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ poly if c & 1 else c >> 1
        table.append(c)
    return table


CRC_TABLE = _crc64_table()


def crc64(data):
    crc = 0
    for b in data:
        crc = CRC_TABLE[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc


def make_payload(body, version=10):
    """body (type byte + value) + footer: version LE16, CRC64 LE."""
    b = bytes(body) + struct.pack("<H", version)
    return b + struct.pack("<Q", crc64(b))


def length(n):
    """Redis's length encoding: 6-bit, 14-bit, 32-bit or 64-bit."""
    if n < 64:
        return bytes([n])
    if n < 16384:
        return bytes([0x40 | n >> 8, n & 0xFF])
    if n <= 0xFFFFFFFF:
        return b"\x80" + struct.pack(">I", n)
    return b"\x81" + struct.pack(">Q", n)


def string(s):
    """A plain RDB string (what Redis writes for strings that are not
    small canonical integers and not compressed)."""
    s = s.encode() if isinstance(s, str) else bytes(s)
    return length(len(s)) + s


MODULE_CHARSET = ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                  "0123456789-_")


def module_id(name, encver):
    """The 64-bit module type id: 9 name characters, 6 bits each, then the
    10-bit encoding version."""
    assert len(name) == 9
    i = 0
    for ch in name:
        i = i << 6 | MODULE_CHARSET.index(ch)
    return i << 10 | encver


# Fields of a module-type value (RedisModule_Save*): opcode, then value.
def f_uint(n):
    return length(2) + length(n)


def f_sint(n):
    return length(1) + length(n & 0xFFFFFFFFFFFFFFFF)


def f_float(x):
    return length(3) + struct.pack("<f", x)


def f_double(x):
    return length(4) + struct.pack("<d", x)


def f_string(s):
    return length(5) + string(s)


EOF_FIELD = length(0)


def module_value(name, encver, fields):
    """A module-type value after its type byte and key: id, fields, EOF."""
    return length(module_id(name, encver)) + b"".join(fields) + EOF_FIELD


def module_key(key, name, encver, fields):
    """Type byte 7 (RDB_TYPE_MODULE_2), the key, the value."""
    return b"\x07" + string(key) + module_value(name, encver, fields)


def module_aux(name, encver, when, fields):
    """RDB_OPCODE_MODULE_AUX, id, UINT when, fields, EOF."""
    return (b"\xf7" + length(module_id(name, encver)) + length(2) + length(when) +
            b"".join(fields) + EOF_FIELD)


AUX_BEFORE, AUX_AFTER = 1, 2


def rdb_file(*records, after=(), version=10, db=0):
    """A whole file: header, a redis-ver aux field, the module aux records
    among `records` (bytes starting with b"\\xf7"), SELECTDB db, the other
    records (keys), the records of `after`, EOF and the CRC64."""
    before = [r for r in records if r[:1] == b"\xf7"]
    keys = [r for r in records if r[:1] != b"\xf7"]
    body = (b"REDIS%04d" % version + b"\xfa" + string("redis-ver") + string("7.0.15") +
            b"".join(before) + b"\xfe" + length(db) + b"".join(keys) + b"".join(after) +
            b"\xff")
    return body + struct.pack("<Q", crc64(body))
