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
. "$(dirname "${BASH_SOURCE[0]}")/bench_lib.sh"
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

start modis; start redis
load "${PORT[modis]}"; load "${PORT[redis]}"
echo "modis: $("$REDIS_CLI" -p "${PORT[modis]}" object encoding small)/$("$REDIS_CLI" -p "${PORT[modis]}" object encoding large)" \
     "redis: $("$REDIS_CLI" -p "${PORT[redis]}" object encoding small)/$("$REDIS_CLI" -p "${PORT[redis]}" object encoding large)"
table_header
while IFS='|' read -r label cmd; do
    for p in 1 16; do
        # shellcheck disable=SC2086  # word splitting of the command is wanted
        bench_row "$label" "$p" $cmd
    done
done <<'TESTS'
HGET small (listpack)|HGET small f7
HGETALL small (listpack)|HGETALL small
HGET large (hashtable)|HGET large field:777
HGETALL large (hashtable)|HGETALL large
HSET growing hash|HSET grow field:__rand_int__ xxx
TESTS
