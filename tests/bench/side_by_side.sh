# side_by_side.sh - shared by the per-type benchmark scripts (hashes.sh,
# bitmaps_hll.sh, sets.sh): sourced, not run. Starts Modis and
# redis-server with the same settings (Modis with modis.conf), the servers pinned to one cpu and
# redis-benchmark to another when there are two; runs redis-benchmark
# against both, alternating, best ops/s and lowest server cpu of REPEAT
# runs; prints the table (see README.md).
#
# The sourcing script sets N and REPEAT, then calls sbs_start, loads its
# data through sbs_cli, and feeds sbs_table lines "label|requests|command"
# (requests empty: N), or "label|requests|command|prep" where prep names a
# function run as `prep NAME` before each run on server NAME, outside the
# measured window (to refill what the command consumes). With SBS_TLS_DIR
# set (a directory holding ca.crt, server.crt and server.key), both servers
# also listen with TLS on a port of their own (tls-auth-clients no) and
# redis-benchmark runs over TLS there; sbs_cli keeps the plain port.
# Environment: MODIS_SERVER, MODIS_CONF, REDIS_SERVER, REDIS_BENCHMARK,
# REDIS_CLI as compare.sh.

SBS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SBS_REPO=$(cd "$SBS_DIR/../.." && pwd)
MODIS_SERVER=${MODIS_SERVER:-$SBS_REPO/host/modis-server}
MODIS_CONF=${MODIS_CONF-$SBS_REPO/modis.conf}
REDIS_SERVER=${REDIS_SERVER:-/usr/bin/redis-server}
REDIS_BENCHMARK=${REDIS_BENCHMARK:-/usr/bin/redis-benchmark}
REDIS_CLI=${REDIS_CLI:-/usr/bin/redis-cli}

PIN_S=() PIN_C=()
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
    PIN_S=(taskset -c 0) PIN_C=(taskset -c 1)
fi
SBS_TMP=$(mktemp -d "${TMPDIR:-/tmp}/modis-sbs.XXXXXX")
declare -A PORT PID BPORT
sbs_cleanup() {
    for s in modis redis; do
        [ -n "${PID[$s]:-}" ] && kill "${PID[$s]}" 2>/dev/null && wait "${PID[$s]}" 2>/dev/null
    done
    rm -rf "$SBS_TMP"
}
trap sbs_cleanup EXIT

sbs_free_port() {
    python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'
}

# sbs_start_one NAME: start "modis" or "redis" on a free port (and a TLS
# one with SBS_TLS_DIR)
sbs_start_one() {
    local name=$1 port tls=()
    port=$(sbs_free_port)
    BPORT[$name]=$port
    if [ -n "${SBS_TLS_DIR:-}" ]; then
        BPORT[$name]=$(sbs_free_port)
        tls=(--tls-port "${BPORT[$name]}" --tls-cert-file "$SBS_TLS_DIR/server.crt"
             --tls-key-file "$SBS_TLS_DIR/server.key" --tls-ca-cert-file "$SBS_TLS_DIR/ca.crt"
             --tls-auth-clients no)
    fi
    mkdir -p "$SBS_TMP/$name"
    if [ "$name" = modis ]; then
        "${PIN_S[@]}" "$MODIS_SERVER" ${MODIS_CONF:+"$MODIS_CONF"} --port "$port" \
            --dir "$SBS_TMP/$name" --save "" --appendonly no "${tls[@]}" \
            >"$SBS_TMP/$name.log" 2>&1 &
    else
        "${PIN_S[@]}" "$REDIS_SERVER" --port "$port" --dir "$SBS_TMP/$name" \
            --save "" --appendonly no "${tls[@]}" >"$SBS_TMP/$name.log" 2>&1 &
    fi
    PID[$name]=$! PORT[$name]=$port
    for _ in $(seq 50); do
        "$REDIS_CLI" -p "$port" ping >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    echo "$name did not start; log:" >&2
    tail -n 20 "$SBS_TMP/$name.log" >&2
    exit 2
}

sbs_start() { sbs_start_one modis; sbs_start_one redis; }

# sbs_cli NAME ARGS...: redis-cli against one server
sbs_cli() { local name=$1; shift; "$REDIS_CLI" -p "${PORT[$name]}" "$@"; }

CLK_TCK=$(getconf CLK_TCK)

# sbs_cpu_ticks PID: utime + stime of the process, all threads (fields 14
# and 15 of /proc/PID/stat), in clock ticks
sbs_cpu_ticks() {
    local st f
    read -r st <"/proc/$1/stat" || return 1
    st=${st##*) }   # the name in () may hold spaces; field 3 follows ") "
    read -r -a f <<<"$st"
    echo $((f[11] + f[12]))
}

# sbs_bench NAME P REQUESTS CMD...: "OPS TICKS": best ops/s and fewest
# server cpu ticks of REPEAT runs (TICKS is - when no run was measured);
# SBS_PREP, when set, is run as `$SBS_PREP NAME` before each run
sbs_bench() {
    local name=$1 p=$2 n=$3 best=0 ops low=- t0 t1 tls=(); shift 3
    [ -n "${SBS_TLS_DIR:-}" ] && tls=(--tls --cacert "$SBS_TLS_DIR/ca.crt")
    for _ in $(seq "$REPEAT"); do
        [ -n "${SBS_PREP:-}" ] && "$SBS_PREP" "$name"
        t0=$(sbs_cpu_ticks "${PID[$name]}")
        ops=$("${PIN_C[@]}" "$REDIS_BENCHMARK" "${tls[@]}" -p "${BPORT[$name]}" -c 50 -n "$n" -P "$p" \
              -r "${SBS_RANDOM:-100000}" -q "$@" 2>/dev/null | tr '\r' '\n' |
              grep -o '[0-9.]* requests per second' | tail -1 | cut -d' ' -f1)
        t1=$(sbs_cpu_ticks "${PID[$name]}")
        ops=${ops%.*}
        [ -n "$ops" ] || continue
        [ "$ops" -gt "$best" ] && best=$ops
        if [ -n "$t0" ] && [ -n "$t1" ] && { [ "$low" = - ] || [ $((t1 - t0)) -lt "$low" ]; }; then
            low=$((t1 - t0))
        fi
    done
    echo "$best $low"
}

# sbs_us_per_req TICKS REQUESTS: server cpu microseconds per request
sbs_us_per_req() {
    if [ "$1" = - ]; then echo -; return; fi
    awk -v t="$1" -v n="$2" -v hz="$CLK_TCK" 'BEGIN { printf "%.2f", t * 1e6 / hz / n }'
}

# sbs_table: read "label|requests|command[|prep]" lines, run each at P1
# and P16 on both servers, print one row per (label, P)
sbs_table() {
    local FMT='%-30s %3s %12s %12s %6s | %12s %12s %7s\n' label n cmd prep p m mt r rt ratio cratio
    echo "server cpu: utime+stime from /proc/<pid>/stat, 1 tick = $((1000 / CLK_TCK)) ms," \
         "lowest of $REPEAT"
    # shellcheck disable=SC2059  # the format is a constant
    printf "$FMT" test P "modis ops/s" "redis ops/s" ratio "modis us/req" "redis us/req" "cpu r/m"
    while IFS='|' read -r label n cmd prep; do
        n=${n:-$N}
        for p in 1 16; do
            # shellcheck disable=SC2086  # word splitting of the command is wanted
            read -r m mt <<<"$(SBS_PREP=$prep sbs_bench modis "$p" "$n" $cmd)"
            # shellcheck disable=SC2086
            read -r r rt <<<"$(SBS_PREP=$prep sbs_bench redis "$p" "$n" $cmd)"
            ratio=$(awk -v m="$m" -v r="$r" 'BEGIN { if (r > 0) printf "%.2f", m / r; else print "-" }')
            cratio=$(awk -v m="$mt" -v r="$rt" 'BEGIN { if (m ~ /^[0-9]+$/ && r ~ /^[0-9]+$/ && m > 0)
                printf "%.2f", r / m; else print "-" }')
            # shellcheck disable=SC2059
            printf "$FMT" "$label" "$p" "$m" "$r" "$ratio" "$(sbs_us_per_req "$mt" "$n")" \
                "$(sbs_us_per_req "$rt" "$n")" "$cratio"
        done
    done
}
