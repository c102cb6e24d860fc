#!/usr/bin/env bash
# sets.sh - set command throughput and memory, Modis vs redis-server side
# by side (same settings, the server pinned to one cpu and redis-benchmark
# to another; see README.md and side_by_side.sh).
#
# Throughput, at pipeline 1 and 16, best of REPEAT runs, alternating
# servers: redis-benchmark's own sadd and spop tests (spop pops from a set
# of N members refilled before each run), SISMEMBER on a 10,000-member
# hashtable (hits) and on a small intset, SRANDMEMBER on the large set, and
# SINTER of two 10,000-member sets that share half their members (N/50
# requests: each reply holds 5,000 members). Prints ops/s and the ratio
# modis/redis, and the server's cpu microseconds per request with the ratio
# redis/modis (> 1: Modis cheaper).
# Memory: one set of MEMBERS string members ("member:%08d"), and one of
# MEMBERS integers, loaded through redis-cli --pipe into an empty server:
# bytes per member from used_memory, and the ratio modis/redis.
# Usage: tests/bench/sets.sh [-n N] [-r REPEAT] [--members M] [--no-memory]
# Environment: MODIS_SERVER, MODIS_CONF, REDIS_SERVER, REDIS_BENCHMARK,
# REDIS_CLI as compare.sh.

set -u
N=200000 REPEAT=3 MEMBERS=1000000 MEMORY=1
while [ $# -gt 0 ]; do
    case $1 in
        -n) N=$2; shift ;;
        -r) REPEAT=$2; shift ;;
        --members) MEMBERS=$2; shift ;;
        --no-memory) MEMORY=0 ;;
        -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
SBS_RANDOM=10000   # __rand_int__ below 10,000: SISMEMBER hits, SADD's set grows to 10k
. "$(dirname "${BASH_SOURCE[0]}")/side_by_side.sh"

# sadd_lines KEY FIRST COUNT FORMAT: SADD commands of 1000 members each
sadd_lines() {
    awk -v key="$1" -v first="$2" -v n="$3" -v fmt="$4" 'BEGIN {
        for (i = 0; i < n; i += 1000) {
            line = "SADD " key
            for (j = i; j < i + 1000 && j < n; j++) line = line " " sprintf(fmt, first + j)
            print line
        }
    }'
}

# The data the read tests use: "big" and "other" (10,000 members each, the
# second half of big is the first half of other; redis-benchmark's
# __rand_int__ is 12 digits), and a small intset.
load() {
    {
        sadd_lines big 0 10000 "m:%012d"
        sadd_lines other 5000 10000 "m:%012d"
        echo "SADD small 1 2 3 4 5 6 7 8 9 10"
    } | sbs_cli "$1" >/dev/null
}

# Before each spop run: myset (what redis-benchmark's spop test pops from)
# refilled to N members, so every SPOP pops one.
refill_spop() {
    { echo "DEL myset"; sadd_lines myset 0 "$N" "element:%d"; } | sbs_cli "$1" >/dev/null
}

# Before each sadd run: an empty myset, as redis-benchmark expects.
empty_myset() { sbs_cli "$1" DEL myset >/dev/null; }

sbs_start
load modis; load redis
for s in modis redis; do
    echo "$s: big=$(sbs_cli $s object encoding big) other=$(sbs_cli $s object encoding other)" \
         "small=$(sbs_cli $s object encoding small)"
done
sbs_table <<TESTS
sadd (redis-benchmark)||-t sadd|empty_myset
spop (redis-benchmark)||-t spop|refill_spop
SISMEMBER big (hashtable)||SISMEMBER big m:__rand_int__
SISMEMBER small (intset)||SISMEMBER small 7
SRANDMEMBER big 10||SRANDMEMBER big 10
SINTER big other (5000)|$((N / 50))|SINTER big other
TESTS
[ "$MEMORY" = 1 ] || exit 0

# memory NAME KEY FORMAT: bytes per member of one set of MEMBERS members
memory() {
    local name=$1 before after
    sbs_cli "$name" FLUSHALL >/dev/null
    before=$(sbs_cli "$name" info memory | tr -d '\r' | awk -F: '$1 == "used_memory" { print $2 }')
    sadd_lines "$2" 0 "$MEMBERS" "$3" | sbs_cli "$name" --pipe >/dev/null
    after=$(sbs_cli "$name" info memory | tr -d '\r' | awk -F: '$1 == "used_memory" { print $2 }')
    [ "$(sbs_cli "$name" scard "$2")" = "$MEMBERS" ] || { echo "$name: load failed" >&2; exit 1; }
    awk -v a="$after" -v b="$before" -v n="$MEMBERS" 'BEGIN { printf "%.1f", (a - b) / n }'
}

echo
echo "memory: one set of $MEMBERS members, (used_memory after - before) / members"
printf '%-32s %12s %12s %6s\n' set "modis B/mem" "redis B/mem" ratio
for spec in "strings|member:%08d" "integers|%d"; do
    label=${spec%%|*} fmt=${spec#*|}
    m=$(memory modis s "$fmt")
    r=$(memory redis s "$fmt")
    printf '%-32s %12s %12s %6s\n' "$label ($(sbs_cli modis object encoding s))" "$m" "$r" \
        "$(awk -v m="$m" -v r="$r" 'BEGIN { printf "%.2f", m / r }')"
done
