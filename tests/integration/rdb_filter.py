"""Keep only some types of keys in an RDB file, for loading the fixture
files into a server whose modules do not cover every type they hold.

The reader walks Redis's RDB structure (aux fields, SELECTDB, RESIZEDB,
expiry and LRU/LFU opcodes, function and slot-info records) and skips
values by their encoding — strings, the counted collections, the blob
encodings, quicklists and the three stream layouts — without decoding
them; the kept records are copied byte for byte and the file gets a new
CRC64. Module values and module aux records are not supported (none of
the fixtures hold any)."""

import struct

from rdb_bytes import crc64

TYPE_NAMES = {0: "string", 1: "list", 10: "list", 14: "list", 18: "list",
              2: "set", 11: "set", 20: "set",
              3: "zset", 5: "zset", 12: "zset", 17: "zset",
              4: "hash", 9: "hash", 13: "hash", 16: "hash", 22: "hash", 23: "hash",
              24: "hash", 25: "hash",
              15: "stream", 19: "stream", 21: "stream"}


class Reader:
    def __init__(self, data):
        self.d = data
        self.pos = 0

    def raw(self, n):
        b = self.d[self.pos:self.pos + n]
        if len(b) != n:
            raise ValueError("truncated RDB at %d" % self.pos)
        self.pos += n
        return b

    def byte(self):
        return self.raw(1)[0]

    def length(self):
        """(value, special): special is the encoding of an encoded string."""
        b = self.byte()
        kind = b >> 6
        if kind == 0:
            return b & 0x3F, None
        if kind == 1:
            return (b & 0x3F) << 8 | self.byte(), None
        if kind == 3:
            return None, b & 0x3F
        if b == 0x80:
            return struct.unpack(">I", self.raw(4))[0], None
        if b == 0x81:
            return struct.unpack(">Q", self.raw(8))[0], None
        raise ValueError("bad length byte %#x at %d" % (b, self.pos - 1))

    def num(self):
        n, special = self.length()
        if special is not None:
            raise ValueError("expected a length at %d" % self.pos)
        return n

    def skip_string(self):
        n, special = self.length()
        if special is None:
            self.raw(n)
        elif special in (0, 1, 2):
            self.raw(1 << special)
        elif special == 3:          # LZF: compressed length, original length, bytes
            clen = self.num()
            self.num()
            self.raw(clen)
        else:
            raise ValueError("bad string encoding %d" % special)

    def skip_ascii_double(self):
        n = self.byte()
        if n < 253:
            self.raw(n)

    def skip_stream(self, t):
        for _ in range(self.num()):            # listpacks: node key, listpack
            self.skip_string()
            self.skip_string()
        for _ in range(3 if t == 15 else 8):   # length, last id (+ first, deleted, added)
            self.num()
        for _ in range(self.num()):            # consumer groups
            self.skip_string()
            self.num()
            self.num()
            if t >= 19:
                self.num()                     # entries read
            for _ in range(self.num()):        # PEL: id, delivery time, count
                self.raw(16 + 8)
                self.num()
            for _ in range(self.num()):        # consumers
                self.skip_string()
                self.raw(8 if t < 21 else 16)  # seen (and active) time
                for _ in range(self.num()):
                    self.raw(16)

    def skip_value(self, t):
        if t in (0, 9, 10, 11, 12, 13, 16, 17, 20):
            self.skip_string()
        elif t in (1, 2, 14):
            for _ in range(self.num()):
                self.skip_string()
        elif t == 18:
            for _ in range(self.num()):
                self.num()
                self.skip_string()
        elif t == 4:
            for _ in range(2 * self.num()):
                self.skip_string()
        elif t in (3, 5):
            for _ in range(self.num()):
                self.skip_string()
                if t == 3:
                    self.skip_ascii_double()
                else:
                    self.raw(8)
        elif t in (22, 24):
            if t == 24:
                self.raw(8)
            for _ in range(self.num()):
                self.num()
                self.skip_string()
                self.skip_string()
        elif t in (23, 25):
            if t == 25:
                self.raw(8)
            self.skip_string()
        elif t in (15, 19, 21):
            self.skip_stream(t)
        else:
            raise ValueError("unsupported value type %d" % t)


def filter_rdb(data, keep):
    """The RDB file `data` with only the keys whose type name is in `keep`
    (RESIZEDB records dropped, the CRC64 recomputed)."""
    rd = Reader(data)
    out = bytearray(rd.raw(9))
    pending = b""                   # expiry / LRU / LFU opcodes of the next key
    while True:
        start = rd.pos
        op = rd.byte()
        if op == 0xFF:
            out += b"\xff"
            break
        if op == 0xFA:              # aux field
            rd.skip_string()
            rd.skip_string()
            out += data[start:rd.pos]
        elif op == 0xFE:            # SELECTDB
            rd.num()
            out += data[start:rd.pos]
        elif op == 0xFB:            # RESIZEDB: sizes no longer right, dropped
            rd.num()
            rd.num()
        elif op == 0xF4:            # SLOT_INFO
            rd.num()
            rd.num()
            rd.num()
        elif op == 0xF5:            # FUNCTION2
            rd.skip_string()
            out += data[start:rd.pos]
        elif op in (0xFC, 0xFD, 0xF8, 0xF9):
            if op == 0xFC:
                rd.raw(8)
            elif op == 0xFD:
                rd.raw(4)
            elif op == 0xF8:
                rd.num()
            else:
                rd.raw(1)
            pending += data[start:rd.pos]
        elif op in TYPE_NAMES:
            rd.skip_string()        # the key
            rd.skip_value(op)
            if TYPE_NAMES[op] in keep:
                out += pending + data[start:rd.pos]
            pending = b""
        else:
            raise ValueError("unsupported opcode %#x at %d" % (op, start))
    if int(data[5:9]) >= 5:             # files of RDB 5 on end with a CRC64
        out += struct.pack("<Q", crc64(bytes(out)))
    return bytes(out)
