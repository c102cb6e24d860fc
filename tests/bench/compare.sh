#!/usr/bin/env bash
# compare.sh - Modis and redis-server side by side (docs/architecture.md §15).
#
# Starts both servers with the same settings, pins each server to one core
# and the client to another, and reports ratios modis/redis from one run:
# ops/s, and the server's own cpu time per request (from /proc/<pid>/stat).
# Run with --help for usage; see tests/bench/README.md.

set -u
set -o pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$SCRIPT_DIR/../.." && pwd)

MODIS_SERVER=${MODIS_SERVER:-$REPO/host/modis-server}
if [ "${MODIS_CONF+set}" = set ]; then MODIS_CONF_FILE=$MODIS_CONF
else MODIS_CONF_FILE=$REPO/modis.conf; fi
REDIS_SERVER=${REDIS_SERVER:-/usr/bin/redis-server}
REDIS_BENCHMARK=${REDIS_BENCHMARK:-/usr/bin/redis-benchmark}
REDIS_CLI=${REDIS_CLI:-/usr/bin/redis-cli}

DEFAULT_TESTS=ping,set,get,incr,lpush,rpush,lpop,rpop,sadd,hset,spop,zadd,zpopmin,lrange_100,mset
KNOWN_TESTS=" ping ping_inline ping_mbulk set get incr lpush rpush lpop rpop sadd hset spop zadd zpopmin lrange_100 lrange_300 lrange_500 lrange_600 mset "
RAND_TESTS=" set get incr sadd hset zadd mset "   # tests whose keys use __rand_int__

usage() {
    cat <<EOF
usage: $0 [options]

Throughput (default mode): redis-benchmark against Modis and redis-server,
interleaved per test, table of ops/s and ratio modis/redis, and of server
cpu microseconds per request and ratio redis/modis (> 1: Modis cheaper),
with geometric means per pipeline depth.
  -t LIST          tests (default $DEFAULT_TESTS)
  -P LIST          pipeline depths (default 1,16)
  -c N             parallel clients (default 50)
  -n N             requests per test at pipeline 1 (default 200000)
  -N N             requests per test at pipeline > 1 (default 1000000)
  -r N             keyspace for randomised keys (default 100000)
  --quick          short run: -n 10000 -N 100000, memory keys 100000
  --repeat K       run each test K times per server, alternating, and keep
                   the best ops/s and the lowest cpu/request of each
                   (default 3)
  --timeout S      limit per redis-benchmark / load run (default 300)
Memory:
  --memory         N small string keys (SET key:%08d xxx), bytes/key
  --memory-hash    N hashes of 10 fields (HSET hash:%08d f0 xxx ... f9 xxx)
  --keys N         N for the memory modes (default 1000000)
  --all            throughput, then both memory modes
Other:
  --keep           keep the temp dir (server logs) on exit
  -h, --help       this text
Environment: MODIS_SERVER (default <repo>/host/modis-server), MODIS_CONF
(default <repo>/modis.conf; set it empty to start without a config file),
REDIS_SERVER, REDIS_BENCHMARK, REDIS_CLI.
Exit status: 0 all ran; 1 some run failed (err/timeout/crash); 2 bad usage
or a server could not be started.
EOF
}

die() { echo "compare.sh: $*" >&2; exit 2; }

# ---------------------------------------------------------------- options
TESTS=$DEFAULT_TESTS PIPELINES=1,16 CLIENTS=50 N1='' N16='' KEYSPACE=100000
REPEAT='' QUICK=0 TIMEOUT=300 DO_TP=0 DO_MEM=0 DO_MEMH=0 MEMKEYS='' KEEP=0
while [ $# -gt 0 ]; do
    case $1 in
        -t) TESTS=${2:?}; shift ;;
        -P) PIPELINES=${2:?}; shift ;;
        -c) CLIENTS=${2:?}; shift ;;
        -n) N1=${2:?}; shift ;;
        -N) N16=${2:?}; shift ;;
        -r) KEYSPACE=${2:?}; shift ;;
        --quick) QUICK=1 ;;
        --repeat) REPEAT=${2:?}; shift ;;
        --timeout) TIMEOUT=${2:?}; shift ;;
        --memory) DO_MEM=1 ;;
        --memory-hash) DO_MEMH=1 ;;
        --keys) MEMKEYS=${2:?}; shift ;;
        --all) DO_TP=1 DO_MEM=1 DO_MEMH=1 ;;
        --keep) KEEP=1 ;;
        -h|--help) usage; exit 0 ;;
        *) usage >&2; exit 2 ;;
    esac
    shift
done
[ $DO_MEM = 0 ] && [ $DO_MEMH = 0 ] && DO_TP=1
if [ $QUICK = 1 ]; then
    : "${N1:=10000}" "${N16:=100000}" "${MEMKEYS:=100000}" "${REPEAT:=3}"
else
    : "${N1:=200000}" "${N16:=1000000}" "${MEMKEYS:=1000000}" "${REPEAT:=3}"
fi
for v in "$REPEAT" "$CLIENTS" "$N1" "$N16" "$KEYSPACE" "$TIMEOUT" "$MEMKEYS"; do
    [[ $v =~ ^[1-9][0-9]*$ ]] || die "not a positive integer: $v"
done
IFS=, read -r -a TEST_LIST <<<"$TESTS"
IFS=, read -r -a PIPE_LIST <<<"$PIPELINES"
for t in "${TEST_LIST[@]}"; do
    [[ $KNOWN_TESTS == *" $t "* ]] || die "unknown test '$t' (known:$KNOWN_TESTS)"
done
for p in "${PIPE_LIST[@]}"; do
    [[ $p =~ ^[1-9][0-9]*$ ]] || die "bad pipeline depth '$p'"
done
# redis-benchmark's "ping" is the pair ping_inline + ping_mbulk: run them
# apart so that each run, and the server cpu it costs, belongs to one row
EXPANDED=()
for t in "${TEST_LIST[@]}"; do
    if [ "$t" = ping ]; then EXPANDED+=(ping_inline ping_mbulk); else EXPANDED+=("$t"); fi
done
TEST_LIST=("${EXPANDED[@]}")
CLK_TCK=$(getconf CLK_TCK 2>/dev/null)
[[ $CLK_TCK =~ ^[1-9][0-9]*$ ]] || die "getconf CLK_TCK gave '$CLK_TCK'"

for b in "$REDIS_SERVER" "$REDIS_BENCHMARK" "$REDIS_CLI"; do
    [ -x "$b" ] || die "not found or not executable: $b"
done
[ -x "$MODIS_SERVER" ] ||
    die "Modis server not found at $MODIS_SERVER (build it first, or set MODIS_SERVER)"
if [ -n "$MODIS_CONF_FILE" ]; then
    [ -r "$MODIS_CONF_FILE" ] ||
        die "config $MODIS_CONF_FILE not readable (set MODIS_CONF= to start without one)"
    MODIS_CONF_FILE=$(cd "$(dirname "$MODIS_CONF_FILE")" && pwd)/$(basename "$MODIS_CONF_FILE")
fi

# ---------------------------------------------------------------- pinning
# The first two CPUs this script may run on: servers on the first, the
# client (redis-benchmark, loaders) on the second.
CPUS=()
if command -v taskset >/dev/null; then
    aff=$(taskset -pc $$ 2>/dev/null | sed 's/.*: *//')
    IFS=, read -r -a parts <<<"$aff"
    for part in "${parts[@]}"; do
        if [[ $part =~ ^([0-9]+)-([0-9]+)$ ]]; then
            for ((i = BASH_REMATCH[1]; i <= BASH_REMATCH[2]; i++)); do CPUS+=("$i"); done
        elif [[ $part =~ ^[0-9]+$ ]]; then CPUS+=("$part"); fi
    done
fi
if [ ${#CPUS[@]} -ge 2 ]; then
    SERVER_PIN=(taskset -c "${CPUS[0]}")
    CLIENT_PIN=(taskset -c "${CPUS[1]}")
    PIN_NOTE="servers pinned to cpu ${CPUS[0]}, client to cpu ${CPUS[1]}"
else
    SERVER_PIN=() CLIENT_PIN=()
    PIN_NOTE="UNPINNED: fewer than 2 usable cpus (or no taskset); server and client share the cpu"
fi

# ---------------------------------------------------------------- servers
TMP=$(mktemp -d "${TMPDIR:-/tmp}/modis-bench.XXXXXX") || die "mktemp failed"
declare -A PID=() PORT=() DIR=() BIN=() CONFARG=() HAS_ECHO=() FLUSH_OK=()
BIN[modis]=$MODIS_SERVER CONFARG[modis]=$MODIS_CONF_FILE
BIN[redis]=$REDIS_SERVER CONFARG[redis]=
SERVERS=(modis redis)
FAILED=0

alive() {   # a zombie (dead, not yet reaped) counts as dead
    local s
    s=$(ps -o stat= -p "$1" 2>/dev/null) && [ -n "$s" ] && [[ $s != Z* ]]
}

stop_server() {
    local name=$1 pid=${PID[$1]:-} i
    [ -n "$pid" ] || return 0
    if alive "$pid"; then
        kill -TERM "$pid" 2>/dev/null
        for ((i = 0; i < 50; i++)); do alive "$pid" || break; sleep 0.1; done
        alive "$pid" && kill -KILL "$pid" 2>/dev/null
    fi
    wait "$pid" 2>/dev/null
    PID[$name]=
}

# shellcheck disable=SC2317  # invoked by the EXIT trap
cleanup() {
    local s
    trap - EXIT INT TERM
    if [ -n "$CHILD" ]; then kill -TERM "$CHILD" 2>/dev/null; wait "$CHILD" 2>/dev/null; fi
    for s in "${SERVERS[@]}"; do stop_server "$s"; done
    if [ $KEEP = 1 ] || [ $FAILED = 1 ]; then
        echo "logs kept in $TMP" >&2
    else
        rm -rf "$TMP"
    fi
}
trap cleanup EXIT
trap 'echo "compare.sh: interrupted" >&2; exit 130' INT
trap 'echo "compare.sh: terminated" >&2; exit 143' TERM

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

log_tail() {
    echo "---- last lines of $1 ----" >&2
    tail -n 15 "$1" >&2
    echo "----" >&2
}

# client IN OUT ERR CMD...: run a client pinned and time-limited, in the
# background so that a signal to this script is handled at once (the trap
# then stops it); returns its exit status (124: timed out)
CHILD=''
client() {
    local in=$1 out=$2 err=$3 rc; shift 3
    timeout "$TIMEOUT" "${CLIENT_PIN[@]}" "$@" <"$in" >"$out" 2>"$err" &
    CHILD=$!
    wait "$CHILD"; rc=$?
    CHILD=''
    return $rc
}

# start_server NAME: start on a free port in a fresh dir; 0 when it answers
# PING. Retries with another port if the chosen one was taken meanwhile.
start_server() {
    local name=$1 try port dir log i args pid reply='' info ipid
    for ((try = 0; try < 5; try++)); do
        port=$((20000 + RANDOM % 40000))
        port_in_use "$port" && continue
        [ "$port" = "${PORT[modis]:-}" ] || [ "$port" = "${PORT[redis]:-}" ] && continue
        dir=$(mktemp -d "$TMP/$name.XXXX")
        log=$dir/server.log
        args=()
        [ -n "${CONFARG[$name]}" ] && args+=("${CONFARG[$name]}")
        args+=(--port "$port" --dir "$dir" --save "" --appendonly no)
        "${SERVER_PIN[@]}" "${BIN[$name]}" "${args[@]}" >"$log" 2>&1 </dev/null &
        pid=$!
        for ((i = 0; i < 100; i++)); do
            alive "$pid" || break
            reply=$(timeout --foreground 2 "$REDIS_CLI" -h 127.0.0.1 -p "$port" ping 2>/dev/null)
            [ "$reply" = PONG ] && break
            sleep 0.1
        done
        if [ "$reply" = PONG ] && alive "$pid"; then
            # if INFO names a process id it must be ours (not a squatter)
            info=$(timeout --foreground 2 "$REDIS_CLI" -h 127.0.0.1 -p "$port" info server 2>/dev/null | tr -d '\r')
            ipid=$(sed -n 's/^process_id://p' <<<"$info")
            if [ -z "$ipid" ] || [ "$ipid" = "$pid" ]; then
                PID[$name]=$pid PORT[$name]=$port DIR[$name]=$dir
                return 0
            fi
        fi
        if alive "$pid"; then kill -KILL "$pid" 2>/dev/null; fi
        wait "$pid" 2>/dev/null
        local st=$?
        # a bind failure means the port was taken: try another one
        if grep -qiE 'address already in use|could not create server' "$log"; then continue; fi
        echo "compare.sh: $name server failed to start (${BIN[$name]} $(printf '%q ' "${args[@]}")- exit status $st)" >&2
        log_tail "$log"
        FAILED=1
        return 1
    done
    echo "compare.sh: $name server: no free port after 5 tries" >&2
    FAILED=1
    return 1
}

# cli NAME ARGS...: one command, human-readable reply ("(error) ..." marks errors)
cli() {
    local name=$1; shift
    timeout --foreground 10 "$REDIS_CLI" -h 127.0.0.1 -p "${PORT[$name]}" --no-raw "$@" 2>&1
}
is_error() {   # reply text from cli, exit status
    [ "$2" != 0 ] || [[ $1 == "(error)"* ]] || [[ $1 == "Could not connect"* ]] ||
        [[ $1 == "Error:"* ]]
}

server_facts() {   # what the loaders and reset need to know
    local name=$1 r rc
    r=$(cli "$name" echo modis-probe); rc=$?
    if ! is_error "$r" "$rc" && [ "$r" = '"modis-probe"' ]; then HAS_ECHO[$name]=1; else HAS_ECHO[$name]=0; fi
    r=$(cli "$name" flushall); rc=$?
    if ! is_error "$r" "$rc" && [ "$r" = OK ]; then FLUSH_OK[$name]=1; else
        FLUSH_OK[$name]=0
        note "$name: FLUSHALL unsupported ($r): the server is restarted instead of flushed"
    fi
    if [ "${HAS_ECHO[$name]}" = 0 ]; then
        command -v python3 >/dev/null ||
            note "$name: no ECHO (redis-cli --pipe needs it) and no python3: loads will fail"
    fi
}

start_all() {
    local s
    for s in "${SERVERS[@]}"; do
        start_server "$s" || exit 2
        server_facts "$s"
    done
}

restart_server() {
    stop_server "$1"
    start_server "$1" || exit 2
    server_facts "$1"
}

# reset NAME: empty keyspace (FLUSHALL, or a fresh server if it has none)
reset() {
    local name=$1 r rc
    if [ "${FLUSH_OK[$name]}" = 1 ]; then
        r=$(cli "$name" flushall); rc=$?
        is_error "$r" "$rc" || return 0
        note "$name: FLUSHALL failed ($r); restarting the server"
    fi
    restart_server "$name"
}

NOTES=()
note() {
    local n
    for n in "${NOTES[@]}"; do [ "$n" = "$1" ] && return; done
    NOTES+=("$1")
}

# ---------------------------------------------------------------- loading
# gen FILE KIND COUNT: RESP command stream, cached; prints commands in it
gen() {
    local file=$TMP/$1 kind=$2 n=$3
    if [ ! -s "$file" ]; then
        case $kind in
        strkeys)   # get prefill: exactly the keys redis-benchmark -r hits
            awk -v n="$n" 'BEGIN { for (i = 0; i < n; i++) {
                k = sprintf("key:%012d", i)
                printf "*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$3\r\nxxx\r\n", length(k), k } }' ;;
        memstr)
            awk -v n="$n" 'BEGIN { for (i = 0; i < n; i++) {
                k = sprintf("key:%08d", i)
                printf "*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$3\r\nxxx\r\n", length(k), k } }' ;;
        memhash)
            awk -v n="$n" 'BEGIN { f = ""
                for (j = 0; j < 10; j++) f = f sprintf("$2\r\nf%d\r\n$3\r\nxxx\r\n", j)
                for (i = 0; i < n; i++) { k = sprintf("hash:%08d", i)
                    printf "*22\r\n$4\r\nHSET\r\n$%d\r\n%s\r\n%s", length(k), k, f } }' ;;
        set|zset)  # spop / zpopmin prefill: n members, 100 per command
            awk -v n="$n" -v kind="$kind" 'BEGIN {
                key = (kind == "set") ? "myset" : "myzset"
                cmd = (kind == "set") ? "SADD" : "ZADD"
                per = (kind == "set") ? 1 : 2
                for (i = 0; i < n; i += 100) {
                    m = (n - i < 100) ? n - i : 100
                    printf "*%d\r\n$4\r\n%s\r\n$%d\r\n%s\r\n", 2 + m * per, cmd, length(key), key
                    for (j = i; j < i + m; j++) {
                        e = sprintf("element:%012d", j)
                        if (per == 2) { s = j ""; printf "$%d\r\n%s\r\n", length(s), s }
                        printf "$%d\r\n%s\r\n", length(e), e } } }' ;;
        esac >"$file" || return 1
    fi
    case $kind in set|zset) echo $(((n + 99) / 100)) ;; *) echo "$n" ;; esac
}

# load NAME FILE EXPECTED: pipe a RESP file into a server; LOAD_MSG on failure
LOAD_MSG=
load() {
    local name=$1 file=$TMP/$2 expect=$3 out rc e r
    if [ "${HAS_ECHO[$name]}" = 1 ]; then
        client "$file" "$TMP/load.out" "$TMP/load.out" \
            "$REDIS_CLI" -h 127.0.0.1 -p "${PORT[$name]}" --pipe; rc=$?
    else
        client "$file" "$TMP/load.out" "$TMP/load.out" \
            python3 "$SCRIPT_DIR/pipe_load.py" 127.0.0.1 "${PORT[$name]}" "$expect"; rc=$?
    fi
    out=$(cat "$TMP/load.out")
    e=$(sed -n 's/.*errors: \([0-9]*\), replies: \([0-9]*\).*/\1/p' <<<"$out" | tail -1)
    r=$(sed -n 's/.*errors: \([0-9]*\), replies: \([0-9]*\).*/\2/p' <<<"$out" | tail -1)
    if [ "$rc" = 0 ] && [ "$e" = 0 ] && [ "$r" = "$expect" ]; then return 0; fi
    [ "$rc" = 124 ] && out="timed out after ${TIMEOUT}s; $out"
    LOAD_MSG=$(tr '\n' ' ' <<<"$out" | cut -c1-200)
    return 1
}

# ---------------------------------------------------------------- throughput
# probe commands per test ('|' separates commands); all must succeed
probe_cmds() {
    case $1 in
    ping|ping_inline|ping_mbulk) echo "PING" ;;
    set) echo "SET __probe:k xxx" ;;
    get) echo "SET __probe:k xxx|GET __probe:k" ;;
    incr) echo "INCR __probe:n" ;;
    lpush) echo "LPUSH __probe:l xxx" ;;
    rpush) echo "RPUSH __probe:l xxx" ;;
    lpop) echo "LPUSH __probe:l xxx|LPOP __probe:l" ;;
    rpop) echo "LPUSH __probe:l xxx|RPOP __probe:l" ;;
    sadd) echo "SADD __probe:s a" ;;
    hset) echo "HSET __probe:h f xxx" ;;
    spop) echo "SADD __probe:s a|SPOP __probe:s" ;;
    zadd) echo "ZADD __probe:z 1 a" ;;
    zpopmin) echo "ZADD __probe:z 1 a|ZPOPMIN __probe:z" ;;
    lrange_*) echo "LPUSH __probe:l xxx|LRANGE __probe:l 0 99" ;;
    mset) echo "MSET __probe:a xxx __probe:b xxx" ;;
    esac
}
# bench_what TEST: what redis-benchmark runs. lrange_K is the command
# redis-benchmark itself sends for it (LRANGE mylist 0 K-1), given as an
# explicit command so that its own untimed LPUSH step (whose server cpu would
# count) is replaced by prefill
bench_what() {
    case $1 in lrange_*) echo "LRANGE mylist 0 $((${1#lrange_} - 1))" ;; *) echo "-t $1" ;; esac
}

# cpu_ticks PID: utime + stime of the process, all threads (fields 14 and 15
# of /proc/PID/stat), in clock ticks; fails when the process is gone
cpu_ticks() {
    local st f
    read -r st 2>/dev/null <"/proc/$1/stat" || return 1
    st=${st##*) }   # the name in () may hold spaces; field 3 follows ") "
    read -r -a f <<<"$st"
    [[ ${f[11]:-} =~ ^[0-9]+$ && ${f[12]:-} =~ ^[0-9]+$ ]] || return 1
    echo $((f[11] + f[12]))
}

declare -A PROBED=()
probe() {   # probe NAME TEST -> 0 supported; else note and 1
    local name=$1 test=$2 cmds c r rc key=$1/$2
    if [ -z "${PROBED[$key]:-}" ]; then
        PROBED[$key]=ok
        IFS='|' read -r -a cmds <<<"$(probe_cmds "$test")"
        for c in "${cmds[@]}"; do
            # shellcheck disable=SC2086  # word splitting of the probe is wanted
            r=$(cli "$name" $c); rc=$?
            if is_error "$r" "$rc"; then
                PROBED[$key]=na
                note "$name $test: n/a: '$c' -> $(head -c 120 <<<"$r")"
                break
            fi
        done
    fi
    [ "${PROBED[$key]}" = ok ]
}

# prefill NAME TEST N: state the test needs so it measures real work
prefill() {
    local name=$1 test=$2 n=$3 cnt out rc
    case $test in
    get)
        cnt=$(gen "strkeys.$KEYSPACE" strkeys "$KEYSPACE") && load "$name" "strkeys.$KEYSPACE" "$cnt" ;;
    lpop|rpop|lrange_*)   # a list "mylist" of N elements
        client /dev/null "$TMP/load.out" "$TMP/load.out" "$REDIS_BENCHMARK" -h 127.0.0.1 \
            -p "${PORT[$name]}" -c "$CLIENTS" -n "$n" -P 16 -t lpush --csv; rc=$?
        [ $rc = 0 ] || LOAD_MSG=$(tr '\n' ' ' <"$TMP/load.out" | cut -c1-200)
        return $rc ;;
    spop)
        cnt=$(gen "set.$n" set "$n") && load "$name" "set.$n" "$cnt" ;;
    zpopmin)
        cnt=$(gen "zset.$n" zset "$n") && load "$name" "zset.$n" "$cnt" ;;
    *) return 0 ;;
    esac
}

# bench NAME TEST P N: fills RES[NAME/TEST] with ops/s or a status word,
# and CPU[NAME/TEST] with the server's cpu ticks over the redis-benchmark
# run (empty unless the run gave ops/s)
declare -A RES=() CPU=()
bench() {
    local name=$1 test=$2 p=$3 n=$4 out rc errf=$TMP/bench.err st line lab rps t0 t1
    local -a rflag=() what=()
    RES[$name/$test]=err CPU[$name/$test]=
    if ! alive "${PID[$name]}"; then restart_server "$name"; fi
    if ! probe "$name" "$test"; then
        RES[$name/$test]=n/a
        return
    fi
    reset "$name"
    if ! prefill "$name" "$test" "$n"; then
        note "$name $test P$p: prefill failed: $LOAD_MSG"
        FAILED=1
        return
    fi
    [[ $RAND_TESTS == *" $test "* ]] && rflag=(-r "$KEYSPACE")
    read -r -a what <<<"$(bench_what "$test")"
    t0=$(cpu_ticks "${PID[$name]}")
    client /dev/null "$TMP/bench.out" "$errf" "$REDIS_BENCHMARK" -h 127.0.0.1 \
        -p "${PORT[$name]}" -c "$CLIENTS" -n "$n" -P "$p" "${rflag[@]}" --csv "${what[@]}"; rc=$?
    t1=$(cpu_ticks "${PID[$name]}")
    out=$(cat "$TMP/bench.out")
    if ! alive "${PID[$name]}"; then
        wait "${PID[$name]}" 2>/dev/null; st=$?
        RES[$name/$test]=CRASH
        cp "${DIR[$name]}/server.log" "$TMP/$name.crash.$test.P$p.log"
        note "$name $test P$p: server died (exit status $st); log: $TMP/$name.crash.$test.P$p.log"
        FAILED=1
        restart_server "$name"
        return
    fi
    if [ $rc = 124 ]; then
        RES[$name/$test]=timeout
        note "$name $test P$p: redis-benchmark timed out after ${TIMEOUT}s"
        FAILED=1
        return
    fi
    if [ $rc != 0 ]; then
        note "$name $test P$p: redis-benchmark exit $rc: $(tr '\n' ' ' <"$errf" | cut -c1-200)"
        FAILED=1
        return
    fi
    # one run, one result row (after the header)
    while IFS= read -r line; do
        line=${line//\"/}
        lab=${line%%,*}; rps=${line#*,}; rps=${rps%%,*}
        [ "$lab" = test ] && continue
        [[ $rps =~ ^[0-9.]+$ ]] && { RES[$name/$test]=$rps; break; }
    done <<<"$out"
    if [ "${RES[$name/$test]}" = err ]; then
        note "$name $test P$p: no result row in the CSV output"
        FAILED=1
    elif [[ $t0 =~ ^[0-9]+$ && $t1 =~ ^[0-9]+$ ]]; then
        CPU[$name/$test]=$((t1 - t0))
    fi
}

# spread BESTS WORSTS LABEL: how far one run can be off on this machine:
# the larger over the two servers of |best - worst| / max(best, worst),
# in percent, from the associative arrays named BESTS and WORSTS
spread() {
    local -n sb=$1 sw=$2
    [ "$REPEAT" -gt 1 ] || { echo -; return; }
    awk -v a="${sb[modis/$3]:-}" -v b="${sw[modis/$3]:-}" \
        -v c="${sb[redis/$3]:-}" -v d="${sw[redis/$3]:-}" '
        function rel(x, y,   m) { m = (x > y) ? x : y; return (x - y < 0 ? y - x : x - y) / m }
        BEGIN {
        s = -1
        if (a ~ /^[0-9.]+$/ && b ~ /^[0-9.]+$/ && a + b > 0) s = rel(a, b)
        if (c ~ /^[0-9.]+$/ && d ~ /^[0-9.]+$/ && c + d > 0 && rel(c, d) > s) s = rel(c, d)
        if (s < 0) print "-"; else printf "%d%%\n", s * 100 + 0.5 }'
}

fmt_ops() { [[ $1 =~ ^[0-9.]+$ ]] && printf '%.0f' "$1" || printf '%s' "$1"; }

# us_per_req TICKS N: server cpu microseconds per request, 2 decimals
us_per_req() { awk -v t="$1" -v n="$2" -v hz="$CLK_TCK" 'BEGIN { printf "%.2f", t * 1e6 / hz / n }'; }

# keep NAME LABEL: fold this repetition's RES into BEST (best ops/s; a
# failure in any repetition wins, so it is never hidden by a good one) and
# its CPU into BESTCPU (fewest ticks); WORST and WORSTCPU for the spreads
declare -A BEST=() WORST=() BESTCPU=() WORSTCPU=()
keep() {
    local key=$1/$2 v=${RES[$1/$2]} b=${BEST[$1/$2]:-} w=${WORST[$1/$2]:-} c=${CPU[$1/$2]:-}
    if [[ $v =~ ^[0-9.]+$ ]] && { [ -z "$w" ] || awk -v v="$v" -v w="$w" 'BEGIN { exit !(v < w) }'; }
    then WORST[$key]=$v; fi
    if [ -z "$b" ]; then BEST[$key]=$v
    elif [[ $b =~ ^[0-9.]+$ ]]; then
        if [[ $v =~ ^[0-9.]+$ ]]; then
            awk -v v="$v" -v b="$b" 'BEGIN { exit !(v > b) }' && BEST[$key]=$v
        else BEST[$key]=$v; fi
    fi
    if [ -n "$c" ]; then
        { [ -z "${BESTCPU[$key]:-}" ] || [ "$c" -lt "${BESTCPU[$key]}" ]; } && BESTCPU[$key]=$c
        { [ -z "${WORSTCPU[$key]:-}" ] || [ "$c" -gt "${WORSTCPU[$key]}" ]; } && WORSTCPU[$key]=$c
    fi
}

# geomean LIST: geometric mean of "a/b" ratios in a blank-separated list
geomean() {
    awk -v list="$1" 'BEGIN { k = split(list, a, " "); s = 0
        for (i = 1; i <= k; i++) { split(a[i], q, "/"); s += log(q[1] / q[2]) }
        printf "%.2f  (%d rows)\n", exp(s / k), k }'
}

TP_FMT='%-12s %4s %12s %12s %6s %6s | %12s %12s %7s %6s\n'
throughput() {
    local p t n m r ratio k s sp cm cr cratio csp ROWS=0 NOISY=0 CROWS=0 CNOISY=0 FEWTICKS=0
    local -A GEO=() CGEO=()
    echo
    echo "throughput: -c $CLIENTS, -n $N1 at P1 / $N16 at P>1, -r $KEYSPACE on keyed tests," \
         "best of $REPEAT"
    echo "server cpu: utime+stime from /proc/<pid>/stat around each redis-benchmark run," \
         "1 tick = $((1000 / CLK_TCK)) ms; lowest of $REPEAT"
    # warm-up, not reported: first connections, page faults, cpu clocks
    for s in "${SERVERS[@]}"; do
        client /dev/null /dev/null /dev/null "$REDIS_BENCHMARK" -h 127.0.0.1 \
            -p "${PORT[$s]}" -c "$CLIENTS" -n 20000 -t ping_mbulk -q
    done
    # shellcheck disable=SC2059  # the format is a constant
    printf "$TP_FMT" test P "modis ops/s" "redis ops/s" ratio spread \
        "modis us/req" "redis us/req" "cpu r/m" spread
    for p in "${PIPE_LIST[@]}"; do
        if [ "$p" = 1 ]; then n=$N1; else n=$N16; fi
        for t in "${TEST_LIST[@]}"; do
            BEST=() WORST=() BESTCPU=() WORSTCPU=()
            for ((k = 0; k < REPEAT; k++)); do
                for s in "${SERVERS[@]}"; do
                    [ "${BEST[$s/$t]:-}" = n/a ] && continue
                    bench "$s" "$t" "$p" "$n"
                    keep "$s" "$t"
                done
            done
            m=${BEST[modis/$t]} r=${BEST[redis/$t]} ratio=- cm=- cr=- cratio=- csp=-
            if [[ $m =~ ^[0-9.]+$ && $r =~ ^[0-9.]+$ ]] && awk -v r="$r" 'BEGIN{exit !(r > 0)}'; then
                ratio=$(awk -v m="$m" -v r="$r" 'BEGIN { printf "%.2f", m / r }')
                GEO[$p]+="$m/$r "
            fi
            # cpu only for a server whose every repetition gave ops/s
            [[ $m =~ ^[0-9.]+$ && -n ${BESTCPU[modis/$t]:-} ]] && cm=$(us_per_req "${BESTCPU[modis/$t]}" "$n")
            [[ $r =~ ^[0-9.]+$ && -n ${BESTCPU[redis/$t]:-} ]] && cr=$(us_per_req "${BESTCPU[redis/$t]}" "$n")
            if [ "$cm" != - ] && [ "$cr" != - ] && [ "${BESTCPU[modis/$t]}" -gt 0 ]; then
                cratio=$(awk -v m="${BESTCPU[modis/$t]}" -v r="${BESTCPU[redis/$t]}" \
                    'BEGIN { printf "%.2f", r / m }')
                CGEO[$p]+="${BESTCPU[redis/$t]}/${BESTCPU[modis/$t]} "
                csp=$(spread BESTCPU WORSTCPU "$t")
                if [ "${BESTCPU[modis/$t]}" -lt 100 ] || [ "${BESTCPU[redis/$t]}" -lt 100 ]; then
                    FEWTICKS=$((FEWTICKS + 1))
                fi
            fi
            sp=$(spread BEST WORST "$t")
            # shellcheck disable=SC2059
            printf "$TP_FMT" "$t" "$p" "$(fmt_ops "$m")" "$(fmt_ops "$r")" "$ratio" "$sp" \
                "$cm" "$cr" "$cratio" "$csp"
            [ "$sp" != - ] && ROWS=$((ROWS + 1)) && [ "${sp%\%}" -gt 20 ] && NOISY=$((NOISY + 1))
            [ "$csp" != - ] && CROWS=$((CROWS + 1)) && [ "${csp%\%}" -gt 10 ] && CNOISY=$((CNOISY + 1))
        done
    done
    echo
    for p in "${PIPE_LIST[@]}"; do
        if [ -z "${GEO[$p]:-}" ]; then
            echo "geomean ratio P$p: - (no test ran on both servers)"
        else
            echo "geomean ratio P$p: $(geomean "${GEO[$p]}")"
        fi
        if [ -z "${CGEO[$p]:-}" ]; then
            echo "geomean cpu ratio redis/modis P$p: - (no cpu figure on both servers)"
        else
            echo "geomean cpu ratio redis/modis P$p: $(geomean "${CGEO[$p]}")"
        fi
    done
    if [ "$NOISY" -gt 0 ]; then
        echo "WARNING: $NOISY of $ROWS rows varied by more than 20% in ops/s between repetitions;" \
             "single-row ratios are unreliable (busy machine?)"
    fi
    if [ "$CNOISY" -gt 0 ]; then
        echo "WARNING: $CNOISY of $CROWS rows varied by more than 10% in server cpu between" \
             "repetitions (busy machine, or too few ticks)"
    fi
    if [ "$FEWTICKS" -gt 0 ]; then
        echo "NOTE: in $FEWTICKS rows a server's cpu is under 100 ticks, so the +-1 tick" \
             "granularity is over 1% of it; raise -n/-N for finer cpu figures"
    fi
}

# ---------------------------------------------------------------- memory
info_field() {   # info_field NAME FIELD
    cli "$1" info memory | tr -d '\r' | sed -n "s/^$2://p"
}

memory() {   # memory string|hash
    local kind=$1 file cnt s base after rss0 rss1 dbs r rc probe what
    local -A BPK=() RSSK=()
    if [ "$kind" = string ]; then
        file=memstr.$MEMKEYS probe="SET __probe:k xxx"
        what="$MEMKEYS string keys (SET key:%08d xxx)"
    else
        file=memhash.$MEMKEYS probe="HSET __probe:h f0 xxx f1 xxx"
        what="$MEMKEYS hashes of 10 fields (HSET hash:%08d f0 xxx .. f9 xxx)"
    fi
    echo
    echo "memory: $what; bytes/key = used_memory delta / keys"
    cnt=$(gen "$file" "mem$([ "$kind" = string ] && echo str || echo hash)" "$MEMKEYS") ||
        { echo "could not generate the load file" >&2; FAILED=1; return; }
    printf '%-6s %14s %14s %10s %14s\n' server "used_mem base" "used_mem after" bytes/key "rss bytes/key"
    for s in "${SERVERS[@]}"; do
        restart_server "$s"   # fresh server: no leftovers from earlier runs
        # shellcheck disable=SC2086
        r=$(cli "$s" $probe); rc=$?
        if is_error "$r" "$rc"; then
            note "$s memory $kind: n/a: '$probe' -> $(head -c 120 <<<"$r")"
            printf '%-6s %14s %14s %10s %14s\n' "$s" n/a n/a n/a n/a
            continue
        fi
        reset "$s"
        base=$(info_field "$s" used_memory) rss0=$(info_field "$s" used_memory_rss)
        if ! load "$s" "$file" "$cnt"; then
            note "$s memory $kind: load failed: $LOAD_MSG"
            FAILED=1
            printf '%-6s %14s %14s %10s %14s\n' "$s" err err err err
            continue
        fi
        sleep 0.5   # let the loader's connection and buffers go away
        after=$(info_field "$s" used_memory) rss1=$(info_field "$s" used_memory_rss)
        dbs=$(cli "$s" dbsize | sed 's/(integer) //')
        if [[ $dbs =~ ^[0-9]+$ ]]; then
            [ "$dbs" = "$MEMKEYS" ] || { note "$s memory $kind: DBSIZE $dbs, expected $MEMKEYS"; FAILED=1; }
        else
            note "$s memory $kind: DBSIZE unavailable ($dbs): key count not verified"
        fi
        if [[ $base =~ ^[0-9]+$ && $after =~ ^[0-9]+$ ]]; then
            BPK[$s]=$(awk -v a="$after" -v b="$base" -v n="$MEMKEYS" 'BEGIN { printf "%.1f", (a - b) / n }')
        else
            BPK[$s]=n/a; note "$s: INFO memory has no used_memory"
        fi
        if [[ $rss0 =~ ^[0-9]+$ && $rss1 =~ ^[0-9]+$ ]]; then
            RSSK[$s]=$(awk -v a="$rss1" -v b="$rss0" -v n="$MEMKEYS" 'BEGIN { printf "%.1f", (a - b) / n }')
        else RSSK[$s]=n/a; fi
        printf '%-6s %14s %14s %10s %14s\n' "$s" "${base:-n/a}" "${after:-n/a}" "${BPK[$s]}" "${RSSK[$s]}"
    done
    if [[ ${BPK[modis]:-} =~ ^[0-9.]+$ && ${BPK[redis]:-} =~ ^[0-9.]+$ ]] &&
        awk -v r="${BPK[redis]}" 'BEGIN{exit !(r > 0)}'; then
        awk -v m="${BPK[modis]}" -v r="${BPK[redis]}" -v k="$kind" \
            'BEGIN { printf "memory ratio modis/redis (%s, used_memory bytes/key): %.2f\n", k, m / r }'
    else
        echo "memory ratio modis/redis ($kind): - (not measured on both servers)"
    fi
}

# ---------------------------------------------------------------- main
echo "modis: $MODIS_SERVER${MODIS_CONF_FILE:+ $MODIS_CONF_FILE}"
echo "redis: $REDIS_SERVER ($("$REDIS_SERVER" --version 2>/dev/null | head -1 | cut -d' ' -f3))"
echo "both:  --port <free> --dir <tmp> --save \"\" --appendonly no"
echo "$PIN_NOTE"
if [ $DO_TP = 1 ] && [ -r /proc/loadavg ]; then
    load1=$(cut -d' ' -f1 /proc/loadavg)
    if awk -v l="$load1" 'BEGIN { exit !(l > 0.5) }'; then
        echo "WARNING: load average $load1 before start: other work on this machine skews the figures"
    fi
fi
start_all
[ $DO_TP = 1 ] && throughput
[ $DO_MEM = 1 ] && memory string
[ $DO_MEMH = 1 ] && memory hash
if [ ${#NOTES[@]} -gt 0 ]; then
    echo
    echo "notes:"
    for n in "${NOTES[@]}"; do echo "  - $n"; done
fi
[ $FAILED = 0 ] || exit 1
exit 0
