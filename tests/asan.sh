#!/bin/sh
# The AddressSanitizer + UBSan pass (configure --enable-asan), called by
# tests/run-all.sh after the regular run: the unit suites and the
# integration tests that unload modules, loaded with references into
# them, and exercise the client limits, against a server built with the
# sanitizers. A read of freed memory, a leak in a unit suite or undefined
# behaviour fails the test that triggered it.
#
# The build is a VPATH build in build-asan/obj of a clean copy of the
# sources in build-asan/src (automake refuses a VPATH build from a source
# directory that is configured in place, as the regular build is). The
# copy keeps the files' times, so a second run rebuilds only what changed.
# Each suite's log stays under build-asan/obj (tests/run-all.sh counts them).
# Usage: tests/asan.sh  (from anywhere)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
dir=$top/build-asan
src=$dir/src
obj=$dir/obj
mkdir -p "$src" "$obj"

# The integration files of this pass (tests/integration/): also the
# operator's toolbox, whose slow log copies arguments, tracking tables and
# eviction pool copy keys and pause lists hold client ids; and MODULE
# UPGRADE, which swaps callbacks and commands under references to them.
IT_FILES="test_unload_safety.py test_modules.py test_module_errors.py test_client_limits.py test_debug.py
test_toolbox.py test_tracking.py test_client_pause.py test_eviction.py test_scripting.py
test_module_upgrade.py test_functions.py"

copy_sources() {
    if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
        (cd "$top" && git ls-files -co --exclude-standard -z) |
            (cd "$top" && tar --null --ignore-failed-read -T - -cf - 2>/dev/null) |
            tar -C "$src" -xf -
    else
        (cd "$top" && tar --exclude=./build-asan -cf - .) | tar -C "$src" -xf -
        if [ -f "$src/Makefile" ]; then make -C "$src" distclean >/dev/null 2>&1; fi
    fi
}

copy_sources || exit 1
if [ ! -x "$src/configure" ]; then (cd "$src" && autoreconf -fi >/dev/null 2>&1) || exit 1; fi
if [ ! -f "$obj/Makefile" ]; then
    (cd "$obj" && "$src/configure" --enable-asan >/dev/null) || exit 1
fi
make -C "$obj" -j2 >/dev/null 2>&1 || make -C "$obj" || exit 1
units=$(make -s -C "$obj" print-unit-tests)
find "$obj/tests" -name '*.log' -delete 2>/dev/null
# Unit suites: leaks count too. Servers: a report of any other kind (the
# helpers look for one in every server log, tests/integration/modis_helpers.py);
# the server does not free its dataset at exit, so no leak check there.
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
status=0
ASAN_OPTIONS=detect_leaks=1 make -C "$obj" -j2 check TESTS="$units" >/dev/null 2>&1 || status=1
ASAN_OPTIONS=detect_leaks=0 MODIS_IT_FILES=$IT_FILES \
    make -C "$obj" check TESTS=tests/integration/run.sh >/dev/null 2>&1 || status=1
exit $status
