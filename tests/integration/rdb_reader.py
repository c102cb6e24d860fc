"""Reading Redis RDB files in the tests: just enough of the format to find
where every value starts and ends (each type byte Redis 7.0 and 7.4 write,
and the old encodings), so a test can feed a value to RESTORE as it sits in
a file, or keep only the keys of some types in a copy of a file (for the
fixtures, which hold types whose modules are not loaded yet).

The writing side is rdb_bytes.py."""

import struct

from rdb_bytes import crc64

# Value types whose payload is one RDB string (a blob).
BLOB_TYPES = (9, 10, 11, 12, 13, 16, 17, 20)
STREAM_TYPES = (15, 19, 21)


class Reader:
    """A cursor over RDB bytes."""

    def __init__(self, data):
        self.b, self.p = data, 0

    def read(self, n):
        if self.p + n > len(self.b):
            raise ValueError("truncated RDB")
        v = self.b[self.p:self.p + n]
        self.p += n
        return v

    def length(self):
        """(value, is_special_encoding) of a length field."""
        b = self.read(1)[0]
        kind = b >> 6
        if kind == 0:
            return b & 0x3F, False
        if kind == 1:
            return ((b & 0x3F) << 8) | self.read(1)[0], False
        if kind == 2:
            return struct.unpack(">I" if b == 0x80 else ">Q",
                                 self.read(4 if b == 0x80 else 8))[0], False
        return b & 0x3F, True

    def string(self):
        """The bytes of a string (integer encodings as decimal), or None for
        an LZF string (skipped)."""
        n, enc = self.length()
        if not enc:
            return self.read(n)
        if n in (0, 1, 2):
            fmt = ("<b", "<h", "<i")[n]
            return str(struct.unpack(fmt, self.read(struct.calcsize(fmt)))[0]).encode()
        clen, _ = self.length()
        self.length()
        self.read(clen)
        return None

    def _skip_stream(self, t):
        nodes, _ = self.length()
        for _ in range(nodes):
            self.string()
            self.string()
        for _ in range(3 + (5 if t >= 19 else 0)):   # length, last id [, first id,
            self.length()                             # max deleted id, entries added]
        groups, _ = self.length()
        for _ in range(groups):
            self.string()
            for _ in range(2 + (1 if t >= 19 else 0)):  # last id [, entries read]
                self.length()
            pel, _ = self.length()
            for _ in range(pel):
                self.read(16 + 8)                     # id, delivery time
                self.length()                         # delivery count
            consumers, _ = self.length()
            for _ in range(consumers):
                self.string()
                self.read(16 if t == 21 else 8)       # seen [and active] time
                cpel, _ = self.length()
                self.read(16 * cpel)

    def skip_value(self, t):
        if t == 0:
            self.string()
        elif t in (1, 2, 4, 14):          # n strings (2n for a hash)
            n, _ = self.length()
            for _ in range(2 * n if t == 4 else n):
                self.string()
        elif t == 3:                      # zset, text scores
            n, _ = self.length()
            for _ in range(n):
                self.string()
                k = self.read(1)[0]
                if k < 253:
                    self.read(k)
        elif t == 5:                      # zset, binary scores
            n, _ = self.length()
            for _ in range(n):
                self.string()
                self.read(8)
        elif t in BLOB_TYPES:
            self.string()
        elif t == 18:
            n, _ = self.length()
            for _ in range(n):
                self.length()
                self.string()
        elif t in STREAM_TYPES:
            self._skip_stream(t)
        else:
            raise ValueError("type %d" % t)


def records(data):
    """Walk an RDB file: yields (kind, start, end, info) for every record,
    kind "header", "aux", "select", "resize", "key" (info: (key, type,
    value start)) or "eof"; a key record starts at its expire / idle / freq
    opcodes."""
    rd = Reader(data)
    assert rd.read(5) == b"REDIS"
    rd.read(4)
    yield "header", 0, 9, None
    pending = None
    while True:
        start = rd.p if pending is None else pending
        t = rd.read(1)[0]
        if t == 0xFF:
            yield "eof", start, len(data), None
            return
        if t == 0xFA:
            rd.string()
            rd.string()
            yield "aux", start, rd.p, None
        elif t == 0xFE:
            rd.length()
            yield "select", start, rd.p, None
        elif t == 0xFB:
            rd.length()
            rd.length()
            yield "resize", start, rd.p, None
        elif t in (0xFC, 0xFD, 0xF8, 0xF9):
            rd.read({0xFC: 8, 0xFD: 4, 0xF9: 1}.get(t, 0))
            if t == 0xF8:
                rd.length()
            pending = start
            continue
        else:
            key = rd.string()
            vstart = rd.p
            rd.skip_value(t)
            yield "key", start, rd.p, (key, t, vstart)
        pending = None


def version_of(data):
    return int(data[5:9])


def values(path):
    """(rdb version, [(key, type byte, raw value bytes, expire ms or -1)])."""
    with open(path, "rb") as f:
        data = f.read()
    out = []
    for kind, start, end, info in records(data):
        if kind != "key":
            continue
        key, t, vstart = info
        expire = -1
        if data[start] == 0xFC:
            expire = struct.unpack("<q", data[start + 1:start + 9])[0]
        elif data[start] == 0xFD:
            expire = struct.unpack("<i", data[start + 1:start + 5])[0] * 1000
        out.append((key, t, data[vstart:end], expire))
    return version_of(data), out


def keep_types(path, types):
    """The bytes of the RDB file at `path` with only the keys whose type
    byte is in `types` (RESIZEDB hints left as they were), and a new
    checksum."""
    with open(path, "rb") as f:
        data = f.read()
    out = bytearray()
    for kind, start, end, info in records(data):
        if kind == "eof":
            out += b"\xff"
            break
        if kind != "key" or info[1] in types:
            out += data[start:end]
    return bytes(out) + struct.pack("<Q", crc64(bytes(out)))
