#!/usr/bin/env bash
# hashes.sh - hash command throughput, Modis vs redis-server side by side.
#
# Both servers start with the same settings (Modis with modis.conf), the
# server pinned to one cpu and redis-benchmark to another. Each server gets
# a small hash (10 fields, listpack) and a large one (LARGE fields,
# hashtable); then HGET and HGETALL on both, and HSET into a growing hash,
# at pipeline 1 and 16, best of REPEAT runs, alternating servers. Prints
# ops/s and the ratio modis/redis, and the server's cpu microseconds per
# request (utime+stime from /proc/<pid>/stat around each run, lowest of
# REPEAT) with the ratio redis/modis (> 1: Modis cheaper); see README.md.
# Usage: tests/bench/hashes.sh [-n N]
# [-r REPEAT] [--large FIELDS]. Environment: MODIS_SERVER, MODIS_CONF,
# REDIS_SERVER, REDIS_BENCHMARK, REDIS_CLI as compare.sh.

set -u
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$SCRIPT_DIR/../.." && pwd)
MODIS_SERVER=${MODIS_SERVER:-$REPO/host/modis-server}
MODIS_CONF=${MODIS_CONF-$REPO/modis.conf}
REDIS_SERVER=${REDIS_SERVER:-/usr/bin/redis-server}
REDIS_BENCHMARK=${REDIS_BENCHMARK:-/usr/bin/redis-benchmark}
REDIS_CLI=${REDIS_CLI:-/usr/bin/redis-cli}
N=200000 REPEAT=3 LARGE=1000
while [ $# -gt 0 ]; do
    case $1 in
        -n) N=$2; shift ;;
        -r) REPEAT=$2; shift ;;
        --large) LARGE=$2; shift ;;
        -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
    shift
done

PIN_S=() PIN_C=()
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
    PIN_S=(taskset -c 0) PIN_C=(taskset -c 1)
fi
TMP=$(mktemp -d "${TMPDIR:-/tmp}/modis-hbench.XXXXXX")
declare -A PORT PID
cleanup() {
    for s in modis redis; do
        [ -n "${PID[$s]:-}" ] && kill "${PID[$s]}" 2>/dev/null && wait "${PID[$s]}" 2>/dev/null
    done
    rm -rf "$TMP"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }

start() {
    local name=$1 port
    port=$(free_port)
    mkdir -p "$TMP/$name"
    if [ "$name" = modis ]; then
        "${PIN_S[@]}" "$MODIS_SERVER" ${MODIS_CONF:+"$MODIS_CONF"} --port "$port" --dir "$TMP/$name" \
            --save "" --appendonly no >"$TMP/$name.log" 2>&1 &
    else
        "${PIN_S[@]}" "$REDIS_SERVER" --port "$port" --dir "$TMP/$name" \
            --save "" --appendonly no >"$TMP/$name.log" 2>&1 &
    fi
    PID[$name]=$! PORT[$name]=$port
    for _ in $(seq 50); do
        "$REDIS_CLI" -p "$port" ping >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    echo "$name did not start" >&2; exit 2
}

load() {
    local port=$1
    {
        printf 'HSET small'; for i in $(seq 0 9); do printf ' f%d value-%d' "$i" "$i"; done; echo
        for ((i = 0; i < LARGE; i += 100)); do
            printf 'HSET large'
            for ((j = i; j < i + 100 && j < LARGE; j++)); do printf ' field:%d value-%d' "$j" "$j"; done
            echo
        done
    } | "$REDIS_CLI" -p "$port" >/dev/null
}

CLK_TCK=$(getconf CLK_TCK)

# cpu_ticks PID: utime + stime of the process, all threads (fields 14 and 15
# of /proc/PID/stat), in clock ticks
cpu_ticks() {
    local st f
    read -r st <"/proc/$1/stat" || return 1
    st=${st##*) }   # the name in () may hold spaces; field 3 follows ") "
    read -r -a f <<<"$st"
    echo $((f[11] + f[12]))
}

# bench NAME P CMD...: "OPS TICKS": best ops/s and fewest server cpu ticks
# of REPEAT runs (TICKS is - when no run could be measured)
bench() {
    local name=$1 p=$2 best=0 ops low=- t0 t1; shift 2
    for _ in $(seq "$REPEAT"); do
        t0=$(cpu_ticks "${PID[$name]}")
        ops=$("${PIN_C[@]}" "$REDIS_BENCHMARK" -p "${PORT[$name]}" -c 50 -n "$N" -P "$p" \
              -r 100000 -q "$@" 2>/dev/null | tr '\r' '\n' | grep -o '[0-9.]* requests per second' |
              tail -1 | cut -d' ' -f1)
        t1=$(cpu_ticks "${PID[$name]}")
        ops=${ops%.*}
        [ -n "$ops" ] || continue
        [ "$ops" -gt "$best" ] && best=$ops
        if [ -n "$t0" ] && [ -n "$t1" ] && { [ "$low" = - ] || [ $((t1 - t0)) -lt "$low" ]; }; then
            low=$((t1 - t0))
        fi
    done
    echo "$best $low"
}

# us_per_req TICKS: server cpu microseconds per request, or - unmeasured
us_per_req() {
    if [ "$1" = - ]; then echo -; return; fi
    awk -v t="$1" -v n="$N" -v hz="$CLK_TCK" 'BEGIN { printf "%.2f", t * 1e6 / hz / n }'
}

start modis; start redis
load "${PORT[modis]}"; load "${PORT[redis]}"
echo "modis: $("$REDIS_CLI" -p "${PORT[modis]}" object encoding small)/$("$REDIS_CLI" -p "${PORT[modis]}" object encoding large)" \
     "redis: $("$REDIS_CLI" -p "${PORT[redis]}" object encoding small)/$("$REDIS_CLI" -p "${PORT[redis]}" object encoding large)"
echo "server cpu: utime+stime from /proc/<pid>/stat, 1 tick = $((1000 / CLK_TCK)) ms, lowest of $REPEAT"
FMT='%-28s %3s %12s %12s %6s | %12s %12s %7s\n'
# shellcheck disable=SC2059  # the format is a constant
printf "$FMT" test P "modis ops/s" "redis ops/s" ratio "modis us/req" "redis us/req" "cpu r/m"
while IFS='|' read -r label cmd; do
    for p in 1 16; do
        # shellcheck disable=SC2086  # word splitting of the command is wanted
        read -r m mt <<<"$(bench modis "$p" $cmd)"
        # shellcheck disable=SC2086
        read -r r rt <<<"$(bench redis "$p" $cmd)"
        ratio=$(awk -v m="$m" -v r="$r" 'BEGIN { if (r > 0) printf "%.2f", m / r; else print "-" }')
        cratio=$(awk -v m="$mt" -v r="$rt" 'BEGIN { if (m ~ /^[0-9]+$/ && r ~ /^[0-9]+$/ && m > 0)
            printf "%.2f", r / m; else print "-" }')
        # shellcheck disable=SC2059
        printf "$FMT" "$label" "$p" "$m" "$r" "$ratio" "$(us_per_req "$mt")" "$(us_per_req "$rt")" "$cratio"
    done
done <<'TESTS'
HGET small (listpack)|HGET small f7
HGETALL small (listpack)|HGETALL small
HGET large (hashtable)|HGET large field:777
HGETALL large (hashtable)|HGETALL large
HSET growing hash|HSET grow field:__rand_int__ xxx
TESTS
