#!/bin/sh
# The out-of-tree module path, end to end: stage `make install` of the
# build tree, build sdk/examples/counterset with its own plain Makefile
# against the staged SDK only (pkg-config), drive its type callbacks
# through a stub API table (callbacks.c; the RDB bytes also go through
# redis-check-rdb when installed), print its manifest with
# `modis-server --module-info`, then start the built server with the
# default modis.conf, `MODULE LOAD` the module at run time and exercise it
# (test_counterset.py), and check that its values survive restarts,
# DEBUG RELOAD, DUMP/RESTORE and AOF rewrites (test_counterset_persist.py).
# One "ok - ..." / "FAIL - ..." line per check, then
# "N passed, M failed"; exit status 1 on any failure.
#
# Environment (set by `make check`): MODIS_BUILDDIR, MODIS_SRCDIR.
set -u
top=${MODIS_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${MODIS_BUILDDIR:-$top}
py=/usr/bin/python3
[ -x "$py" ] || py=python3

tmp=$(mktemp -d "${TMPDIR:-/tmp}/modis-sdk-test.XXXXXX") || exit 1
server_pid=
cleanup() {
    if [ -n "$server_pid" ]; then
        kill "$server_pid" 2>/dev/null
        wait "$server_pid" 2>/dev/null
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

. "$top/tests/checks.sh"

# 1. Stage the install. The parent `make check` may have passed its
#    jobserver and command-line variables down: start a clean make.
stage=$tmp/stage
if env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C "$build" install DESTDIR="$stage" \
        > "$tmp/install.log" 2>&1; then
    ok "make install DESTDIR=<tmp> from the build tree"
else
    fail "make install DESTDIR=<tmp> from the build tree"
    show "$tmp/install.log"
    finish
fi
pc=$(find "$stage" -name modis-sdk.pc -path '*/pkgconfig/*' | head -n 1)
hdr=$(find "$stage" -name modis.h -path '*/include/modis/*' | head -n 1)
check "modis-sdk.pc installed into <libdir>/pkgconfig" test -n "$pc"
check "modis.h installed into <includedir>/modis" test -n "$hdr"
[ -n "$pc" ] && [ -n "$hdr" ] || finish

# 2. pkg-config sees only the staged SDK; the sysroot maps the .pc's
#    configured paths (prefix, includedir) into the staging directory.
PKG_CONFIG_PATH=$(dirname "$pc")
PKG_CONFIG_LIBDIR=$PKG_CONFIG_PATH
PKG_CONFIG_SYSROOT_DIR=$stage
export PKG_CONFIG_PATH PKG_CONFIG_LIBDIR PKG_CONFIG_SYSROOT_DIR
cflags=$(pkg-config --cflags modis-sdk 2>"$tmp/pc.err")
case "$cflags" in
*"-I$(dirname "$hdr")"*) ok "pkg-config --cflags modis-sdk points at the staged header" ;;
*) fail "pkg-config --cflags modis-sdk points at the staged header (got: $cflags)"; show "$tmp/pc.err" ;;
esac
case "$cflags" in
*-fvisibility=hidden*) ok "pkg-config --cflags carries -fvisibility=hidden" ;;
*) fail "pkg-config --cflags carries -fvisibility=hidden (got: $cflags)" ;;
esac
# (pkgconf prefixes variables with the sysroot, pkg-config 0.29 does not.)
prefix=$(pkg-config --variable=prefix modis-sdk)
prefix=${prefix#"$stage"}
moddir=$(pkg-config --variable=moduledir modis-sdk)
moddir=${moddir#"$stage"}
case "$moddir" in
"$prefix"/*/modules) ok "pkg-config --variable=moduledir is under the prefix ($moddir)" ;;
*) fail "pkg-config --variable=moduledir is under the prefix (got '$moddir', prefix '$prefix')" ;;
esac
check "the server's modules are staged in moduledir" test -f "$stage$moddir/strings.so"

# 3. Build the example outside the source tree with its own Makefile:
#    a copy of its sources, so only the staged modis.h can be found.
src=$tmp/src
out=$tmp/build
mkdir -p "$src" "$out"
cp "$top"/sdk/examples/counterset/*.c "$top"/sdk/examples/counterset/*.h \
   "$top"/sdk/examples/counterset/Makefile "$src"/
if env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C "$src" O="$out" > "$tmp/build.log" 2>&1; then
    ok "the example builds with its plain Makefile (pkg-config only)"
else
    fail "the example builds with its plain Makefile (pkg-config only)"
    show "$tmp/build.log"
    finish
fi
so=$out/counterset.so
check "the Makefile's nm check passed" grep -q 'exports md_init md_manifest only' "$tmp/build.log"
check "the build compiled against the staged header" grep -q -- "-I$(dirname "$hdr")" "$tmp/build.log"
if grep -q 'warning:' "$tmp/build.log"; then
    fail "the example compiles without warnings"
    grep 'warning:' "$tmp/build.log" | head -n 5
else
    ok "the example compiles without warnings"
fi
syms=$(nm -D --defined-only "$so" | awk '{print $3}' | sort | tr '\n' ' ')
check "only md_init and md_manifest are exported (nm: $syms)" test "$syms" = "md_init md_manifest "
undef=$(nm -D --undefined-only "$so" | awk '{print $NF}' | grep -v '@' | grep -v -E '^(_ITM_|__gmon_start__|__cxa_finalize)' | tr '\n' ' ')
check "no undefined symbol outside libc (host symbols: '$undef')" test -z "$undef"
# `make install` as a packager runs it: DESTDIR, no sysroot.
if env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u PKG_CONFIG_SYSROOT_DIR \
        make -C "$src" O="$out" install DESTDIR="$tmp/modinst" \
        > "$tmp/modinst.log" 2>&1 && [ -f "$tmp/modinst$moddir/counterset.so" ]; then
    ok "make install puts counterset.so in the SDK's moduledir"
else
    fail "make install puts counterset.so in the SDK's moduledir"
    show "$tmp/modinst.log"
fi

# 4. The type callbacks driven directly (every rejection path of rdb_load,
#    byte-exact RDB fields, AOF rewrite), through a stub API table; the
#    harness is built from the staged SDK.
if cc -std=gnu11 -Wall -Wextra -Wno-unused-parameter $cflags -o "$tmp/callbacks" \
        "$top/tests/sdk/callbacks.c" -ldl > "$tmp/cc.log" 2>&1; then
    ok "callbacks harness compiles against the staged modis.h"
    "$tmp/callbacks" "$so" "$tmp/cs.rdb" > "$tmp/callbacks.out" 2>&1
    rc=$?
    cat "$tmp/callbacks.out"
    grep -E '^(ok|FAIL) - ' "$tmp/callbacks.out" >> "$results"
    check "callbacks harness exits 0 (status $rc)" test "$rc" -eq 0
    if command -v redis-check-rdb > /dev/null 2>&1 && [ -f "$tmp/cs.rdb" ]; then
        if redis-check-rdb "$tmp/cs.rdb" > "$tmp/check-rdb.log" 2>&1 &&
                grep -q 'RDB looks OK' "$tmp/check-rdb.log"; then
            ok "redis-check-rdb accepts the module's RDB value (MODULE_2 framing)"
        else
            fail "redis-check-rdb accepts the module's RDB value (MODULE_2 framing)"
            show "$tmp/check-rdb.log"
        fi
    else
        echo "skip - redis-check-rdb not installed"
    fi
else
    fail "callbacks harness compiles against the staged modis.h"
    show "$tmp/cc.log"
fi

# 5. The manifest, printed without running module code.
server=$build/host/modis-server
minor=$(sed -n 's/^#define MD_ABI_MINOR \([0-9]*\)$/\1/p' "$top/sdk/modis.h")
expected="name: counterset
version: 10000
abi: 1.$minor
abi-min: 1.$minor
description: countset: bounded top-k counters (CS.INCR, CS.GET, CS.TOP, CS.WAIT, CS.INCRFROM)
types: countset
rdb-types:
rdb-module-types: countset-@1
provides:
requires:"
info=$("$server" --module-info "$so" 2>&1)
rc=$?
if [ "$rc" -eq 0 ] && [ "$info" = "$expected" ]; then
    ok "modis-server --module-info prints the manifest"
else
    fail "modis-server --module-info prints the manifest (status $rc)"
    printf '%s\n' "$info" | sed 's/^/    | /'
fi
"$server" --module-info "$tmp/cs.rdb" > /dev/null 2>&1
check "modis-server --module-info fails on a non-module" test $? -ne 0

# 6. The built server with the default modis.conf; MODULE LOAD at run
#    time over a socket.
port=$("$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$tmp/run"
"$server" "$build/modis.conf" --port "$port" --bind 127.0.0.1 --dir "$tmp/run" \
    --save "" --appendonly no --daemonize no --logfile "" \
    --enable-debug-command yes --enable-module-command yes \
    > "$tmp/run/server.log" 2>&1 &
server_pid=$!
ready=0
for _ in $(seq 1 100); do
    if "$py" -c "import socket,sys; s=socket.create_connection(('127.0.0.1',$port),1); s.sendall(b'PING\r\n'); sys.exit(0 if s.recv(7)==b'+PONG\r\n' else 1)" 2>/dev/null; then
        ready=1
        break
    fi
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
done
if [ "$ready" -eq 1 ]; then
    ok "modis-server starts with the default modis.conf (port $port)"
    "$py" "$top/tests/sdk/test_counterset.py" "$port" "$so" > "$tmp/server.out" 2>&1
    rc=$?
    cat "$tmp/server.out"
    grep -E '^(ok|FAIL) - ' "$tmp/server.out" >> "$results"
    check "server checks exit 0 (status $rc)" test "$rc" -eq 0
    check "the server log records the load" grep -q "Module 'counterset' loaded from $so" "$tmp/run/server.log"
    check "the server is still running" kill -0 "$server_pid"
else
    fail "modis-server starts with the default modis.conf (port $port)"
    show "$tmp/run/server.log"
fi

# 7. Persistence of the module's values: SAVE + restart, DEBUG RELOAD,
#    DUMP/RESTORE, BGREWRITEAOF with and without preamble + restart, each
#    on servers started with --loadmodule.
MODIS_SERVER=$server MODIS_CONF=$build/modis.conf \
    "$py" "$top/tests/sdk/test_counterset_persist.py" "$so" > "$tmp/persist.out" 2>&1
rc=$?
cat "$tmp/persist.out"
grep -E '^(ok|FAIL) - ' "$tmp/persist.out" >> "$results"
check "persistence checks exit 0 (status $rc)" test "$rc" -eq 0
finish
