#!/usr/bin/env bash
# streams.sh - stream throughput and memory, Modis vs redis-server side by
# side.
#
# Each server gets a stream "big" of ENTRIES entries with IDs 1-1 .. N-1
# and 5 fields each (compressed against the node's master fields) — its
# used_memory before and after gives bytes per entry — and a consumer
# group "g" on it. Then XADD with 5 fields, XRANGE of 100 entries from a
# random ID, XREADGROUP ">" COUNT 10 (the group rewound before each run)
# and XACK of random IDs, at pipeline 1 and 16, best of REPEAT runs.
# Prints ops/s and the ratio modis/redis, and the server's cpu
# microseconds per request with the ratio redis/modis; see README.md.
# Usage: tests/bench/streams.sh [-n N] [-r REPEAT] [--entries N].
# Environment: MODIS_SERVER, MODIS_CONF, REDIS_SERVER, REDIS_BENCHMARK,
# REDIS_CLI as compare.sh.

set -u
N=200000 REPEAT=3 ENTRIES=1000000
while [ $# -gt 0 ]; do
    case $1 in
        -n) N=$2; shift ;;
        -r) REPEAT=$2; shift ;;
        --entries) ENTRIES=$2; shift ;;
        -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
. "$(dirname "${BASH_SOURCE[0]}")/side_by_side.sh"
SBS_RANDOM=$ENTRIES

# load PORT KEY COUNT: KEY gets COUNT entries i-1 with five fields, over
# one pipelined connection (the same bytes for both servers)
load() {
    python3 - "$1" "$2" "$3" <<'PY'
import socket, sys
port, key, n = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
def cmd(*args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)
s = socket.create_connection(("127.0.0.1", port))
batch, sent = [], 0
for i in range(1, n + 1):
    batch.append(cmd("XADD", key, "%d-1" % i, "sensor", "s%d" % (i % 100), "temp",
                     str(20 + i % 15), "hum", str(i % 90), "ts", str(1700000000 + i),
                     "ok", "yes"))
    if len(batch) == 1000 or i == n:
        s.sendall(b"".join(batch))
        sent += len(batch)
        batch = []
buf = b""
while buf.count(b"\r\n") < sent:
    buf += s.recv(1 << 16)
s.close()
PY
}

used_memory() { sbs_cli "$1" info memory | tr -d '\r' | awk -F: '$1 == "used_memory" { print $2 }'; }

# rewind NAME: the group starts over (outside the measured window)
rewind() { sbs_cli "$1" xgroup setid big g 0 >/dev/null; }

sbs_start
for s in modis redis; do
    before=$(used_memory $s)
    load "${PORT[$s]}" big "$ENTRIES"
    after=$(used_memory $s)
    sbs_cli $s xgroup create big g 0 >/dev/null
    echo "$s: big $(sbs_cli $s xlen big) entries, $(( (after - before) / ENTRIES )) bytes/entry"
    eval "mem_$s=\$(( after - before ))"
done
# shellcheck disable=SC2154  # set by the eval above
echo "memory per entry modis/redis: $(awk -v m="$mem_modis" -v r="$mem_redis" 'BEGIN { printf "%.2f", m / r }')"
set -f  # "*" in XADD is an argument, not a glob
sbs_table <<'TESTS'
XADD 5 fields||XADD bench * f1 v1 f2 v2 f3 v3 f4 v4 f5 v5
XRANGE 100 (1M)|50000|XRANGE big __rand_int__ + COUNT 100
XREADGROUP > COUNT 10 (1M)|50000|XREADGROUP GROUP g c COUNT 10 STREAMS big >|rewind
XACK random id (1M)||XACK big g __rand_int__-1
TESTS
