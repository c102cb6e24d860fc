#!/usr/bin/env bash
# geo.sh - geo throughput, Modis vs redis-server side by side.
#
# Each server gets a geo index of POINTS points spread uniformly over a
# 10 x 10 degree square (lon 8..18, lat 35..45; about one point per
# square kilometre) from a fixed seed; then GEOADD of random points,
# GEOSEARCH BYRADIUS 5 km (about 80 members) unsorted and COUNT 10 ASC,
# GEOSEARCH BYBOX 10 x 10 km, GEORADIUS_RO 2 km WITHDIST and GEOPOS on
# the big index, at pipeline 1 and 16, best of REPEAT runs. Prints ops/s
# and the ratio modis/redis, and the server's cpu microseconds per request
# with the ratio redis/modis (> 1: Modis cheaper); see README.md.
# redis-benchmark's __rand_int__ is zero-padded to 12 digits, so the
# random coordinates are written "13.__rand_int__" (13.000000xxxxxx).
# Usage: tests/bench/geo.sh [-n N] [-r REPEAT] [--points N].
# Environment: MODIS_SERVER, MODIS_CONF, REDIS_SERVER, REDIS_BENCHMARK,
# REDIS_CLI as compare.sh.

set -u
N=200000 REPEAT=3 POINTS=1000000
while [ $# -gt 0 ]; do
    case $1 in
        -n) N=$2; shift ;;
        -r) REPEAT=$2; shift ;;
        --points) POINTS=$2; shift ;;
        -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
. "$(dirname "${BASH_SOURCE[0]}")/side_by_side.sh"
SBS_RANDOM=$POINTS

# load PORT: the big index, over one pipelined connection (the same bytes
# for both servers: fixed seed)
load() {
    python3 - "$1" "$POINTS" <<'PY'
import random, socket, sys
port, n = int(sys.argv[1]), int(sys.argv[2])
def cmd(*args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)
rnd = random.Random(42)
s = socket.create_connection(("127.0.0.1", port))
sent = 0
for i in range(0, n, 1000):
    args = []
    for j in range(i, min(n, i + 1000)):
        args += ["%.6f" % rnd.uniform(8, 18), "%.6f" % rnd.uniform(35, 45), "m:%012d" % j]
    s.sendall(cmd("GEOADD", "big", *args))
    sent += 1
buf, got = b"", 0
while got < sent:
    buf += s.recv(1 << 16)
    got = buf.count(b"\r\n")
s.close()
PY
}

sbs_start
load "${PORT[modis]}"; load "${PORT[redis]}"
for s in modis redis; do
    echo "$s: big $(sbs_cli $s zcard big) points, $(sbs_cli $s object encoding big)," \
         "$(sbs_cli $s geosearch big fromlonlat 13 40 byradius 5 km | wc -l) within 5 km of 13,40"
done
sbs_table <<'TESTS'
GEOADD random point||GEOADD geo 13.__rand_int__ 40.__rand_int__ m:__rand_int__
GEOSEARCH radius 5 km (1M)|50000|GEOSEARCH big FROMLONLAT 13.__rand_int__ 40.__rand_int__ BYRADIUS 5 km
GEOSEARCH 5 km COUNT 10 ASC|50000|GEOSEARCH big FROMLONLAT 13.__rand_int__ 40.__rand_int__ BYRADIUS 5 km COUNT 10 ASC
GEOSEARCH box 10x10 km (1M)|50000|GEOSEARCH big FROMLONLAT 13.__rand_int__ 40.__rand_int__ BYBOX 10 10 km
GEORADIUS_RO 2 km WITHDIST||GEORADIUS_RO big 13.__rand_int__ 40.__rand_int__ 2 km WITHDIST
GEOPOS (1M)||GEOPOS big m:__rand_int__
TESTS
