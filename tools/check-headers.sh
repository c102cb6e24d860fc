#!/bin/sh
# check-headers.sh — every header of host/ and persist/ compiles alone
# (docs/architecture.md §16: no catch-all header; each .h brings what it
# needs). Run by make check; prints "N passed, M failed".
# Usage: tools/check-headers.sh  (CC and CFLAGS from the environment)
top=$(cd "$(dirname "$0")/.." && pwd)
cc=${CC:-cc}
tmp=$(mktemp -d /tmp/modis-headers.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0
for h in "$top"/host/*.h "$top"/persist/*.h; do
    rel=${h#"$top"/}
    printf '#include "%s"\n' "$rel" > "$tmp/h.c"
    if $cc -std=gnu11 -Wall -Wextra -Werror -fsyntax-only -I"$top" -I"$top/host" \
        "$tmp/h.c" 2> "$tmp/err"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL: $rel does not compile alone:"
        sed 's/^/  /' "$tmp/err"
    fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
