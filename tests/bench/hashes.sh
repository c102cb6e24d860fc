#!/usr/bin/env bash
# hashes.sh - hash command throughput, Modis vs redis-server side by side.
#
# Each server gets a small hash (10 fields, listpack) and a large one
# (LARGE fields, hashtable); then HGET and HGETALL on both, and HSET into a
# growing hash, at pipeline 1 and 16, best of REPEAT runs, alternating
# servers. Prints ops/s and the ratio modis/redis, and the server's cpu
# microseconds per request with the ratio redis/modis (> 1: Modis
# cheaper); see README.md and side_by_side.sh.
# Usage: tests/bench/hashes.sh [-n N] [-r REPEAT] [--large FIELDS].
# Environment: MODIS_SERVER, MODIS_CONF, REDIS_SERVER, REDIS_BENCHMARK,
# REDIS_CLI as compare.sh.

set -u
N=200000 REPEAT=3 LARGE=1000
while [ $# -gt 0 ]; do
    case $1 in
        -n) N=$2; shift ;;
        -r) REPEAT=$2; shift ;;
        --large) LARGE=$2; shift ;;
        -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
. "$(dirname "${BASH_SOURCE[0]}")/side_by_side.sh"

load() {
    {
        printf 'HSET small'; for i in $(seq 0 9); do printf ' f%d value-%d' "$i" "$i"; done; echo
        for ((i = 0; i < LARGE; i += 100)); do
            printf 'HSET large'
            for ((j = i; j < i + 100 && j < LARGE; j++)); do printf ' field:%d value-%d' "$j" "$j"; done
            echo
        done
    } | sbs_cli "$1" >/dev/null
}

sbs_start
load modis; load redis
echo "modis: $(sbs_cli modis object encoding small)/$(sbs_cli modis object encoding large)" \
     "redis: $(sbs_cli redis object encoding small)/$(sbs_cli redis object encoding large)"
sbs_table <<'TESTS'
HGET small (listpack)||HGET small f7
HGETALL small (listpack)||HGETALL small
HGET large (hashtable)||HGET large field:777
HGETALL large (hashtable)||HGETALL large
HSET growing hash||HSET grow field:__rand_int__ xxx
TESTS
