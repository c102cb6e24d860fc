#!/usr/bin/env bash
# zsets.sh - sorted set throughput and memory, Modis vs redis-server side
# by side.
#
# Each server gets a sorted set of MEMBERS members "m:%012d" with random
# scores (skiplist) — its used_memory before and after gives bytes per
# member — and a set to pop from. Then ZADD of random members (as
# redis-benchmark's zadd test), ZPOPMIN, ZRANGE 0 99 WITHSCORES, ZRANK and
# ZSCORE on the big set, at pipeline 1 and 16, best of REPEAT runs. Prints
# ops/s and the ratio modis/redis, and the server's cpu microseconds per
# request with the ratio redis/modis (> 1: Modis cheaper); see README.md.
# Usage: tests/bench/zsets.sh [-n N] [-r REPEAT] [--members N].
# Environment: MODIS_SERVER, MODIS_CONF, REDIS_SERVER, REDIS_BENCHMARK,
# REDIS_CLI as compare.sh.

set -u
N=200000 REPEAT=3 MEMBERS=1000000
while [ $# -gt 0 ]; do
    case $1 in
        -n) N=$2; shift ;;
        -r) REPEAT=$2; shift ;;
        --members) MEMBERS=$2; shift ;;
        -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
. "$(dirname "${BASH_SOURCE[0]}")/side_by_side.sh"
SBS_RANDOM=$MEMBERS

# load PORT KEY COUNT: KEY gets COUNT members m:%012d with scores from a
# fixed seed, over one pipelined connection (the same bytes for both)
load() {
    python3 - "$1" "$2" "$3" <<'PY'
import random, socket, sys
port, key, n = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
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
        args += ["%.3f" % (rnd.random() * 1e6), "m:%012d" % j]
    s.sendall(cmd("ZADD", key, *args))
    sent += 1
buf, got = b"", 0
while got < sent:
    buf += s.recv(1 << 16)
    got = buf.count(b"\r\n")
s.close()
PY
}

used_memory() { sbs_cli "$1" info memory | tr -d '\r' | awk -F: '$1 == "used_memory" { print $2 }'; }

sbs_start
for s in modis redis; do
    before=$(used_memory $s)
    load "${PORT[$s]}" big "$MEMBERS"
    after=$(used_memory $s)
    load "${PORT[$s]}" pops $((N * REPEAT * 2 + 1000))
    echo "$s: big $(sbs_cli $s zcard big) members, $(sbs_cli $s object encoding big)," \
         "$(( (after - before) / MEMBERS )) bytes/member"
    eval "mem_$s=\$(( after - before ))"
done
# shellcheck disable=SC2154  # set by the eval above
echo "memory per member modis/redis: $(awk -v m="$mem_modis" -v r="$mem_redis" 'BEGIN { printf "%.2f", m / r }')"
sbs_table <<'TESTS'
ZADD random member||ZADD myzset __rand_int__ element:__rand_int__
ZPOPMIN||ZPOPMIN pops
ZRANGE 0 99 WITHSCORES (1M)|50000|ZRANGE big 0 99 WITHSCORES
ZRANK (1M)||ZRANK big m:__rand_int__
ZSCORE (1M)||ZSCORE big m:__rand_int__
ZRANGEBYSCORE LIMIT 10 (1M)||ZRANGEBYSCORE big __rand_int__ +inf LIMIT 0 10
TESTS
