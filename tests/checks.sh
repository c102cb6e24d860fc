# checks.sh - the "ok - / FAIL - " lines and closing count of the shell
# test scripts (tests/sdk/run.sh, tests/packaging/run.sh), sourced once
# they have made their temporary directory $tmp. Every line also goes to
# $tmp/results, which finish() counts: it prints "N passed, M failed" and
# exits 0 only when something passed and nothing failed.
results=$tmp/results
: > "$results"
ok() { echo "ok - $*" | tee -a "$results"; }
fail() { echo "FAIL - $*" | tee -a "$results"; }
# check DESCRIPTION COMMAND...: run COMMAND, ok when it succeeds.
check() {
    d=$1
    shift
    if "$@"; then ok "$d"; else fail "$d"; fi
}
finish() {
    p=$(grep -c '^ok - ' "$results")
    f=$(grep -c '^FAIL - ' "$results")
    echo "$p passed, $f failed"
    [ "$f" -eq 0 ] && [ "$p" -gt 0 ]
    exit $?
}
# Show a log after a failed step.
show() { sed 's/^/    | /' "$1" | tail -n 30; }
