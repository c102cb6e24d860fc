#!/usr/bin/env bash
# replication.sh - replication, Modis vs redis-server side by side, each
# server replicating from one of its own kind:
#  - full sync time: a primary holding KEYS keys (DEBUG POPULATE), a
#    replica started with replicaof, the time until its link is up
#    (disk-based sync, repl-diskless-sync no, and diskless with delay 0);
#  - SET throughput (redis-benchmark -t set -c 50, at -P 1 and -P 16, best
#    of REPEAT) on a primary with two online replicas.
# Prints seconds and ops/s per server and the ratios modis/redis (sync
# time: < 1 is faster; throughput: > 1 is faster).
# Usage: tests/bench/replication.sh [-k KEYS] [-n N] [-r REPEAT]
# Environment: MODIS_SERVER, MODIS_CONF, REDIS_SERVER, REDIS_BENCHMARK,
# REDIS_CLI as compare.sh.

set -u
KEYS=1000000 N=200000 REPEAT=3
while [ $# -gt 0 ]; do
    case $1 in
        -k) KEYS=$2; shift ;;
        -n) N=$2; shift ;;
        -r) REPEAT=$2; shift ;;
        -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
MODIS_SERVER=${MODIS_SERVER:-$REPO/host/modis-server}
MODIS_CONF=${MODIS_CONF-$REPO/modis.conf}
REDIS_SERVER=${REDIS_SERVER:-/usr/bin/redis-server}
REDIS_BENCHMARK=${REDIS_BENCHMARK:-/usr/bin/redis-benchmark}
REDIS_CLI=${REDIS_CLI:-/usr/bin/redis-cli}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/modis-repl-bench.XXXXXX")
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
    wait 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start KIND NAME [args...]: a server in $TMP/NAME; prints its port
start() {
    local kind=$1 name=$2 port
    shift 2
    port=$(free_port)
    mkdir -p "$TMP/$name"
    if [ "$kind" = modis ]; then
        "$MODIS_SERVER" ${MODIS_CONF:+"$MODIS_CONF"} --port "$port" --dir "$TMP/$name" \
            --save "" --appendonly no --bind 127.0.0.1 --enable-debug-command yes "$@" \
            >"$TMP/$name.log" 2>&1 &
    else
        "$REDIS_SERVER" --port "$port" --dir "$TMP/$name" --save "" --appendonly no \
            --bind 127.0.0.1 --enable-debug-command yes "$@" >"$TMP/$name.log" 2>&1 &
    fi
    PIDS+=($!)
    for _ in $(seq 100); do
        "$REDIS_CLI" -p "$port" ping >/dev/null 2>&1 && break
        sleep 0.05
    done
    echo "$port"
}

link_up() { "$REDIS_CLI" -p "$1" info replication | grep -q '^master_link_status:up'; }

# sync_time KIND DISKLESS: seconds for a replica of KIND to sync KEYS keys
sync_time() {
    local kind=$1 diskless=$2 p r t0 t1
    p=$(start "$kind" "p-$kind-$diskless" --repl-diskless-sync "$diskless" \
        --repl-diskless-sync-delay 0)
    "$REDIS_CLI" -p "$p" debug populate "$KEYS" >/dev/null
    t0=$(date +%s.%N)
    r=$(start "$kind" "r-$kind-$diskless" --replicaof 127.0.0.1 "$p")
    until link_up "$r"; do sleep 0.01; done
    t1=$(date +%s.%N)
    "$REDIS_CLI" -p "$r" shutdown nosave >/dev/null 2>&1
    "$REDIS_CLI" -p "$p" shutdown nosave >/dev/null 2>&1
    echo "$t1 - $t0" | bc
}

# set_ops KIND PIPELINE: best SET ops/s on a primary with two replicas
set_ops() {
    local kind=$1 pipe=$2 p r1 r2 best=0 v
    p=$(start "$kind" "sp-$kind-$pipe")
    r1=$(start "$kind" "sr1-$kind-$pipe" --replicaof 127.0.0.1 "$p")
    r2=$(start "$kind" "sr2-$kind-$pipe" --replicaof 127.0.0.1 "$p")
    until link_up "$r1" && link_up "$r2"; do sleep 0.05; done
    for _ in $(seq "$REPEAT"); do
        v=$("$REDIS_BENCHMARK" -p "$p" -t set -n "$N" -c 50 -P "$pipe" -r 100000 --csv -q \
            | tail -1 | cut -d, -f2 | tr -d '"')
        best=$(echo "if ($v > $best) $v else $best" | bc)
    done
    for x in "$r1" "$r2" "$p"; do "$REDIS_CLI" -p "$x" shutdown nosave >/dev/null 2>&1; done
    echo "$best"
}

printf "%-34s %14s %14s %8s\n" test modis redis ratio
for d in no yes; do
    m=$(sync_time modis "$d") r=$(sync_time redis "$d")
    printf "%-34s %13.2fs %13.2fs %8.2f\n" "full sync $KEYS keys (diskless $d)" "$m" "$r" \
        "$(echo "$m / $r" | bc -l)"
done
for pipe in 1 16; do
    m=$(set_ops modis "$pipe") r=$(set_ops redis "$pipe")
    printf "%-34s %14.0f %14.0f %8.2f\n" "SET, 2 replicas, -P $pipe" "$m" "$r" \
        "$(echo "$m / $r" | bc -l)"
done
