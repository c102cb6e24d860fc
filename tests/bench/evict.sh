#!/usr/bin/env bash
# evict.sh - eviction quality, Modis vs redis-server side by side: the hit
# ratio of a cache-aside load (GET, and SET on a miss) over Zipf-distributed
# keys (zipf_hits.py: same seeded sequence for both servers) when the data
# may use a fixed memory budget, under allkeys-lru and allkeys-lfu.
# Each server gets maxmemory = its own used_memory when empty + BUDGET
# (the same budget for the data on both), maxmemory-samples 5 and the
# default LFU settings. Prints the hit ratio per server and policy, the
# keys evicted, and the ratio modis/redis of the hit ratios.
# Usage: tests/bench/evict.sh [--budget BYTES] [--keys K] [--requests N]
#                             [--skew S] [--value BYTES]
# Environment: MODIS_SERVER, MODIS_CONF, REDIS_SERVER, REDIS_CLI as
# compare.sh.

set -u
BUDGET=8000000 KEYS=100000 REQUESTS=400000 SKEW=0.99 VALUE=200
while [ $# -gt 0 ]; do
    case $1 in
        --budget) BUDGET=$2; shift ;;
        --keys) KEYS=$2; shift ;;
        --requests) REQUESTS=$2; shift ;;
        --skew) SKEW=$2; shift ;;
        --value) VALUE=$2; shift ;;
        -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
N=0 REPEAT=1
. "$(dirname "${BASH_SOURCE[0]}")/side_by_side.sh"

# run NAME POLICY: one load against an emptied server; prints its line
run() {
    local name=$1 policy=$2 base
    sbs_cli "$name" CONFIG SET maxmemory 0 >/dev/null
    sbs_cli "$name" FLUSHALL >/dev/null
    sbs_cli "$name" CONFIG RESETSTAT >/dev/null
    base=$(sbs_cli "$name" info memory | tr -d '\r' | awk -F: '$1 == "used_memory" { print $2 }')
    sbs_cli "$name" CONFIG SET maxmemory-policy "$policy" >/dev/null
    sbs_cli "$name" CONFIG SET maxmemory $((base + BUDGET)) >/dev/null
    "${PIN_C[@]}" /usr/bin/python3 "$SBS_DIR/zipf_hits.py" "${PORT[$name]}" --keys "$KEYS" \
        --requests "$REQUESTS" --skew "$SKEW" --value "$VALUE"
}

field() { echo "$1" | tr ' ' '\n' | awk -F= -v k="$2" '$1 == k { print $2 }'; }

sbs_start
echo "Zipf s=$SKEW over $KEYS keys, $REQUESTS requests (first fifth warms up)," \
     "values of $VALUE bytes, data budget $BUDGET bytes"
printf '%-14s %12s %12s %12s %12s %7s\n' policy "modis hits" "redis hits" "modis evict" \
    "redis evict" ratio
for policy in allkeys-lru allkeys-lfu; do
    m=$(run modis "$policy") || exit 1
    r=$(run redis "$policy") || exit 1
    mh=$(field "$m" ratio) rh=$(field "$r" ratio)
    printf '%-14s %12s %12s %12s %12s %7s\n' "$policy" "$mh" "$rh" "$(field "$m" evicted)" \
        "$(field "$r" evicted)" "$(awk -v m="$mh" -v r="$rh" 'BEGIN { printf "%.3f", m / r }')"
done
