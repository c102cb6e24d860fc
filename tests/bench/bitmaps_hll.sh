#!/usr/bin/env bash
# bitmaps_hll.sh - bitmap and HyperLogLog throughput, Modis vs redis-server
# side by side.
#
# Each server gets a MB-megabyte bitmap of random bits (128 MB unless
# --bitmap-mb says otherwise) and a HyperLogLog of
# ELEMENTS elements (dense), plus a second one for unions; then SETBIT,
# GETBIT and BITCOUNT (a 1 KB range, and the whole bitmap with fewer
# requests), PFADD of random elements, PFCOUNT (cached, and of two keys,
# computed every time), at pipeline 1 and 16, best of REPEAT runs. Prints
# ops/s and the ratio modis/redis, and the server's cpu microseconds per
# request with the ratio redis/modis (> 1: Modis cheaper); see README.md.
# (redis-benchmark's __rand_int__ is zero-padded, which is not a valid bit
# offset, so SETBIT/GETBIT use fixed offsets in the middle of the bitmap.)
# Usage: tests/bench/bitmaps_hll.sh [-n N] [-r REPEAT] [--elements N]
#        [--bitmap-mb MB].
# Environment: MODIS_SERVER, MODIS_CONF, REDIS_SERVER, REDIS_BENCHMARK,
# REDIS_CLI as compare.sh.

set -u
N=200000 REPEAT=3 ELEMENTS=1000000 BITMAP_MB=128
while [ $# -gt 0 ]; do
    case $1 in
        -n) N=$2; shift ;;
        -r) REPEAT=$2; shift ;;
        --elements) ELEMENTS=$2; shift ;;
        --bitmap-mb) BITMAP_MB=$2; shift ;;
        -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
. "$(dirname "${BASH_SOURCE[0]}")/side_by_side.sh"
SBS_RANDOM=10000000

# load PORT: the bitmap and the two HyperLogLogs, over one pipelined
# connection (the same bytes for both servers: fixed seed)
load() {
    python3 - "$1" "$ELEMENTS" "$BITMAP_MB" <<'PY'
import random, socket, sys
port, n, mb = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
def cmd(*args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)
rnd = random.Random(42)
reqs = [cmd("SET", "bitmap", rnd.randbytes(mb << 20))]
for key, start in (("hll", 0), ("hll2", n // 2)):
    for i in range(start, start + n, 1000):
        reqs.append(cmd("PFADD", key, *("element:%d" % j for j in range(i, min(start + n, i + 1000)))))
s = socket.create_connection(("127.0.0.1", port))
s.sendall(b"".join(reqs))
got, want = 0, len(reqs)
buf = b""
while got < want:
    buf += s.recv(1 << 16)
    got = buf.count(b"\r\n")
s.close()
PY
}

sbs_start
load "${PORT[modis]}"; load "${PORT[redis]}"
for s in modis redis; do
    echo "$s: bitmap $(sbs_cli $s strlen bitmap) bytes, $(sbs_cli $s bitcount bitmap) bits set;" \
         "hll $(sbs_cli $s pfdebug encoding hll) ~$(sbs_cli $s pfcount hll), union ~$(sbs_cli $s pfcount hll hll2)"
done
MID=$((BITMAP_MB << 22))                  # a bit in the middle of the bitmap
WHOLE=$((5000 / BITMAP_MB > 20 ? 5000 / BITMAP_MB : 20))
sbs_table <<TESTS
SETBIT $BITMAP_MB MB bitmap||SETBIT bitmap $MID 1
GETBIT $BITMAP_MB MB bitmap||GETBIT bitmap $((MID + 1))
BITCOUNT 1 KB range||BITCOUNT bitmap 1000 2023
BITCOUNT whole $BITMAP_MB MB|$WHOLE|BITCOUNT bitmap
PFADD random element||PFADD hll __rand_int__
PFCOUNT one key (cached)||PFCOUNT hll2
PFCOUNT two keys (union)|20000|PFCOUNT hll hll2
TESTS
