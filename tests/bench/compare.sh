#!/usr/bin/env bash
# compare.sh - Modis and redis-server side by side (DESIGN.md section 8).
#
# Starts both servers with the same settings, pins each server to one core
# and the client to another, and reports ratios modis/redis from one run.
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
interleaved per test, table of ops/s and ratio modis/redis, geometric mean.
  -t LIST          tests (default $DEFAULT_TESTS)
  -P LIST          pipeline depths (default 1,16)
  -c N             parallel clients (default 50)
  -n N             requests per test at pipeline 1 (default 200000)
  -N N             requests per test at pipeline > 1 (default 1000000)
  -r N             keyspace for randomised keys (default 100000)
  --quick          short run: -n 10000 -N 100000, memory keys 100000
  --repeat K       run each test K times per server, alternating, and keep
                   the best ops/s of each (default 3)
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
labels() {   # rows a test produces in redis-benchmark's CSV
    case $1 in ping) echo "ping_inline ping_mbulk" ;; *) echo "$1" ;; esac
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
    lpop|rpop)
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

# bench NAME TEST P N: fills RES[label] with ops/s or a status word
declare -A RES=()
bench() {
    local name=$1 test=$2 p=$3 n=$4 l out rc errf=$TMP/bench.err st line lab rps
    local -a rflag=()
    for l in $(labels "$test"); do RES[$name/$l]=err; done
    if ! alive "${PID[$name]}"; then restart_server "$name"; fi
    if ! probe "$name" "$test"; then
        for l in $(labels "$test"); do RES[$name/$l]=n/a; done
        return
    fi
    reset "$name"
    if ! prefill "$name" "$test" "$n"; then
        note "$name $test P$p: prefill failed: $LOAD_MSG"
        FAILED=1
        return
    fi
    [[ $RAND_TESTS == *" $test "* ]] && rflag=(-r "$KEYSPACE")
    client /dev/null "$TMP/bench.out" "$errf" "$REDIS_BENCHMARK" -h 127.0.0.1 \
        -p "${PORT[$name]}" -c "$CLIENTS" -n "$n" -P "$p" "${rflag[@]}" -t "$test" --csv; rc=$?
    out=$(cat "$TMP/bench.out")
    if ! alive "${PID[$name]}"; then
        wait "${PID[$name]}" 2>/dev/null; st=$?
        for l in $(labels "$test"); do RES[$name/$l]=CRASH; done
        cp "${DIR[$name]}/server.log" "$TMP/$name.crash.$test.P$p.log"
        note "$name $test P$p: server died (exit status $st); log: $TMP/$name.crash.$test.P$p.log"
        FAILED=1
        restart_server "$name"
        return
    fi
    if [ $rc = 124 ]; then
        for l in $(labels "$test"); do RES[$name/$l]=timeout; done
        note "$name $test P$p: redis-benchmark timed out after ${TIMEOUT}s"
        FAILED=1
        return
    fi
    if [ $rc != 0 ]; then
        note "$name $test P$p: redis-benchmark exit $rc: $(tr '\n' ' ' <"$errf" | cut -c1-200)"
        FAILED=1
        return
    fi
    while IFS= read -r line; do
        line=${line//\"/}
        lab=${line%%,*}; rps=${line#*,}; rps=${rps%%,*}
        [[ $lab == *needed* || $lab == test ]] && continue
        lab=${lab%% *}; lab=${lab,,}
        [[ $rps =~ ^[0-9.]+$ ]] && RES[$name/$lab]=$rps
    done <<<"$out"
    for l in $(labels "$test"); do
        [ "${RES[$name/$l]}" = err ] && { note "$name $test P$p: no '$l' row in the CSV output"; FAILED=1; }
    done
}

# spread LABEL: worst (best-worst)/best of the two servers over the
# repetitions, in percent: how far one run can be off on this machine
spread() {
    [ "$REPEAT" -gt 1 ] || { echo -; return; }
    awk -v a="${BEST[modis/$1]}" -v b="${WORST[modis/$1]:-}" \
        -v c="${BEST[redis/$1]}" -v d="${WORST[redis/$1]:-}" 'BEGIN {
        s = -1
        if (a ~ /^[0-9.]+$/ && b != "" && a > 0) s = (a - b) / a
        if (c ~ /^[0-9.]+$/ && d != "" && c > 0 && (c - d) / c > s) s = (c - d) / c
        if (s < 0) print "-"; else printf "%d%%\n", s * 100 + 0.5 }'
}

fmt_ops() { [[ $1 =~ ^[0-9.]+$ ]] && printf '%.0f' "$1" || printf '%s' "$1"; }

# keep NAME LABEL: fold this repetition's RES into BEST (best ops/s; a
# failure in any repetition wins, so it is never hidden by a good one)
declare -A BEST=() WORST=()
keep() {
    local key=$1/$2 v=${RES[$1/$2]} b=${BEST[$1/$2]:-} w=${WORST[$1/$2]:-}
    if [[ $v =~ ^[0-9.]+$ ]] && { [ -z "$w" ] || awk -v v="$v" -v w="$w" 'BEGIN { exit !(v < w) }'; }
    then WORST[$key]=$v; fi
    if [ -z "$b" ]; then BEST[$key]=$v
    elif [[ $b =~ ^[0-9.]+$ ]]; then
        if [[ $v =~ ^[0-9.]+$ ]]; then
            awk -v v="$v" -v b="$b" 'BEGIN { exit !(v > b) }' && BEST[$key]=$v
        else BEST[$key]=$v; fi
    fi
}

throughput() {
    local p t n l m r ratio k s sp ROWS=0 NOISY=0
    local -A GEO=()
    echo
    echo "throughput: -c $CLIENTS, -n $N1 at P1 / $N16 at P>1, -r $KEYSPACE on keyed tests," \
         "best of $REPEAT"
    # warm-up, not reported: first connections, page faults, cpu clocks
    for s in "${SERVERS[@]}"; do
        client /dev/null /dev/null /dev/null "$REDIS_BENCHMARK" -h 127.0.0.1 \
            -p "${PORT[$s]}" -c "$CLIENTS" -n 20000 -t ping_mbulk -q
    done
    printf '%-12s %4s %13s %13s %7s %7s\n' test P "modis ops/s" "redis ops/s" ratio spread
    for p in "${PIPE_LIST[@]}"; do
        if [ "$p" = 1 ]; then n=$N1; else n=$N16; fi
        for t in "${TEST_LIST[@]}"; do
            BEST=() WORST=()
            for ((k = 0; k < REPEAT; k++)); do
                for s in "${SERVERS[@]}"; do
                    [ "${BEST[$s/$(labels "$t" | cut -d' ' -f1)]:-}" = n/a ] && continue
                    bench "$s" "$t" "$p" "$n"
                    for l in $(labels "$t"); do keep "$s" "$l"; done
                done
            done
            for l in $(labels "$t"); do
                m=${BEST[modis/$l]} r=${BEST[redis/$l]}
                if [[ $m =~ ^[0-9.]+$ && $r =~ ^[0-9.]+$ ]] && awk -v r="$r" 'BEGIN{exit !(r > 0)}'; then
                    ratio=$(awk -v m="$m" -v r="$r" 'BEGIN { printf "%.2f", m / r }')
                    GEO[$p]+="$m/$r "
                else
                    ratio=-
                fi
                sp=$(spread "$l")
                printf '%-12s %4s %13s %13s %7s %7s\n' "$l" "$p" "$(fmt_ops "$m")" \
                    "$(fmt_ops "$r")" "$ratio" "$sp"
                [ "$sp" != - ] && ROWS=$((ROWS + 1)) && [ "${sp%\%}" -gt 20 ] && NOISY=$((NOISY + 1))
            done
        done
    done
    echo
    for p in "${PIPE_LIST[@]}"; do
        if [ -z "${GEO[$p]:-}" ]; then
            echo "geomean ratio P$p: - (no test ran on both servers)"
            continue
        fi
        awk -v p="$p" -v list="${GEO[$p]}" 'BEGIN {
            k = split(list, a, " "); s = 0
            for (i = 1; i <= k; i++) { split(a[i], q, "/"); s += log(q[1] / q[2]) }
            printf "geomean ratio P%s: %.2f  (%d rows)\n", p, exp(s / k), k }'
    done
    if [ "$NOISY" -gt 0 ]; then
        echo "WARNING: $NOISY of $ROWS rows varied by more than 20% between repetitions;" \
             "single-row ratios are unreliable (busy machine?)"
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
