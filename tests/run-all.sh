#!/bin/sh
# Build and run every test suite (unit, integration, differential), print
# each suite's own summary, then one closing line: "N passed, M failed".
# Usage: tests/run-all.sh  (from the top of the source tree)
set -u
cd "$(dirname "$0")/.."
[ -x configure ] || autoreconf -fi || exit 1
[ -f Makefile ] || ./configure || exit 1
make -j2 >/dev/null || make || exit 1
find tests persist tools -name '*.log' -delete 2>/dev/null
rm -f test-suite.log
make -j2 check >/dev/null 2>&1
status=$?
passed=0
failed=0
for log in $(find tests persist tools -name '*.log' ! -name test-suite.log | sort); do
    echo "=== ${log%.log}"
    tail -n 30 "$log" | grep -E '^[0-9]+%: Checks|passed|failed|error|^FAIL|Failures' | tail -n 5
    # Check: "100%: Checks: 76, Failures: 0, Errors: 0"
    line=$(grep -E '^[0-9]+%: Checks: ' "$log" | tail -n 1)
    if [ -n "$line" ]; then
        n=$(echo "$line" | sed -E 's/.*Checks: ([0-9]+), Failures: ([0-9]+), Errors: ([0-9]+).*/\1 \2 \3/')
        set -- $n
        passed=$((passed + $1 - $2 - $3))
        failed=$((failed + $2 + $3))
        continue
    fi
    # pytest: "231 passed, 2 failed, 11 skipped in 12.3s"; diff: "N passed, M failed"
    line=$(grep -E '[0-9]+ (passed|failed)' "$log" | tail -n 1)
    p=$(echo "$line" | grep -oE '[0-9]+ passed' | grep -oE '[0-9]+' || true)
    f=$(echo "$line" | grep -oE '[0-9]+ (failed|error|errors)' | grep -oE '[0-9]+' | paste -sd+ - | bc 2>/dev/null || true)
    passed=$((passed + ${p:-0}))
    failed=$((failed + ${f:-0}))
done
if [ "$status" -ne 0 ]; then
    echo "make check failed; see test-suite.log:"
    grep -E '^(FAIL|ERROR)' test-suite.log 2>/dev/null
    [ "$failed" -eq 0 ] && failed=1
fi
echo "$passed passed, $failed failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
