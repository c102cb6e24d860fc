# bench_lib.sh - the parts the per-type benchmark scripts (hashes.sh,
# sets.sh) share: starting Modis and redis-server side by side with the
# same settings (the server pinned to cpu 0, the client to cpu 1), the
# server's cpu ticks from /proc/<pid>/stat, best-of-REPEAT redis-benchmark
# runs and the table rows (ops/s and ratio modis/redis, server cpu us per
# request and ratio redis/modis). Sourced, not run. The caller sets N and
# REPEAT before calling bench; see README.md.

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[1]}")" && pwd)
REPO=$(cd "$SCRIPT_DIR/../.." && pwd)
MODIS_SERVER=${MODIS_SERVER:-$REPO/host/modis-server}
MODIS_CONF=${MODIS_CONF-$REPO/modis.conf}
REDIS_SERVER=${REDIS_SERVER:-/usr/bin/redis-server}
REDIS_BENCHMARK=${REDIS_BENCHMARK:-/usr/bin/redis-benchmark}
REDIS_CLI=${REDIS_CLI:-/usr/bin/redis-cli}

PIN_S=() PIN_C=()
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
    PIN_S=(taskset -c 0) PIN_C=(taskset -c 1)
fi
TMP=$(mktemp -d "${TMPDIR:-/tmp}/modis-bench.XXXXXX")
declare -A PORT PID
cleanup() {
    for s in modis redis; do
        [ -n "${PID[$s]:-}" ] && kill "${PID[$s]}" 2>/dev/null && wait "${PID[$s]}" 2>/dev/null
    done
    rm -rf "$TMP"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }

# start NAME: start "modis" or "redis" on a free port in a temp dir
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

# cli NAME ARGS...: redis-cli against server NAME
cli() { local name=$1; shift; "$REDIS_CLI" -p "${PORT[$name]}" "$@"; }

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
# of REPEAT runs of N requests (TICKS is - when no run could be measured).
# When the function PREP is set (BENCH_PREP=fn), fn NAME runs before each
# repetition, outside the measured window.
bench() {
    local name=$1 p=$2 best=0 ops low=- t0 t1; shift 2
    for _ in $(seq "$REPEAT"); do
        [ -n "${BENCH_PREP:-}" ] && "$BENCH_PREP" "$name"
        t0=$(cpu_ticks "${PID[$name]}")
        ops=$("${PIN_C[@]}" "$REDIS_BENCHMARK" -p "${PORT[$name]}" -c 50 -n "$N" -P "$p" \
              -r "${BENCH_RANGE:-100000}" -q "$@" 2>/dev/null | tr '\r' '\n' |
              grep -o '[0-9.]* requests per second' | tail -1 | cut -d' ' -f1)
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

ROW_FMT='%-28s %3s %12s %12s %6s | %12s %12s %7s\n'

# table_header: the column names, after a line on how cpu is measured
table_header() {
    echo "server cpu: utime+stime from /proc/<pid>/stat, 1 tick = $((1000 / CLK_TCK)) ms, lowest of $REPEAT"
    # shellcheck disable=SC2059  # the format is a constant
    printf "$ROW_FMT" test P "modis ops/s" "redis ops/s" ratio "modis us/req" "redis us/req" "cpu r/m"
}

# bench_row LABEL P CMD...: run CMD on both servers, print one table row
bench_row() {
    local label=$1 p=$2 m mt r rt ratio cratio; shift 2
    read -r m mt <<<"$(bench modis "$p" "$@")"
    read -r r rt <<<"$(bench redis "$p" "$@")"
    ratio=$(awk -v m="$m" -v r="$r" 'BEGIN { if (r > 0) printf "%.2f", m / r; else print "-" }')
    cratio=$(awk -v m="$mt" -v r="$rt" 'BEGIN { if (m ~ /^[0-9]+$/ && r ~ /^[0-9]+$/ && m > 0)
        printf "%.2f", r / m; else print "-" }')
    # shellcheck disable=SC2059
    printf "$ROW_FMT" "$label" "$p" "$m" "$r" "$ratio" "$(us_per_req "$mt")" "$(us_per_req "$rt")" "$cratio"
}
