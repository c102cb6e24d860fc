#!/usr/bin/env bash
# scripting.sh - Lua scripting throughput, Modis vs redis-server side by
# side: EVALSHA of a cached 3-command script (SET, INCR, GET) and EVAL of
# a one-command script (redis-benchmark's own form: the body is sent and
# hashed every time, the cache finds it), at pipeline 1 and 16, best of
# REPEAT runs. Prints ops/s and the ratio modis/redis, and the server's
# cpu microseconds per request with the ratio redis/modis (> 1: Modis
# cheaper); see README.md. The bodies have no spaces: the table splits
# commands on whitespace. FCALL runs the same 3 commands as a function of
# a library loaded with FUNCTION LOAD.
# Usage: tests/bench/scripting.sh [-n N] [-r REPEAT].
# Environment: MODIS_SERVER, MODIS_CONF, REDIS_SERVER, REDIS_BENCHMARK,
# REDIS_CLI as compare.sh.

set -u
N=200000 REPEAT=3
while [ $# -gt 0 ]; do
    case $1 in
        -n) N=$2; shift ;;
        -r) REPEAT=$2; shift ;;
        -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
. "$(dirname "${BASH_SOURCE[0]}")/side_by_side.sh"

THREE="redis.call('set',KEYS[1],ARGV[1]);redis.call('incr',KEYS[2]);return(redis.call('get',KEYS[1]))"
ONE="return(redis.call('incr',KEYS[1]))"

sbs_start
for s in modis redis; do
    sha=$(sbs_cli $s script load "$THREE")
    sbs_cli $s function load replace "#!lua name=bench
redis.register_function('three', function(keys, args) redis.call('set', keys[1], args[1]) redis.call('incr', keys[2]) return redis.call('get', keys[1]) end)" >/dev/null
done
sbs_table <<TESTS
EVALSHA 3 commands||EVALSHA $sha 2 k:__rand_int__ n v
EVAL 1 command||EVAL $ONE 1 counter
FCALL 3 commands||FCALL three 2 k:__rand_int__ n v
TESTS
