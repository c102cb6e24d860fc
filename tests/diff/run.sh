#!/bin/sh
# Differential run: every script against modis-server and redis-server.
top=${MODIS_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${MODIS_BUILDDIR:-$top}
# 30 s a reply: redis-server's DEBUG STRINGMATCH-TEST alone takes 5 s, and
# make check runs this next to the integration suite.
exec /usr/bin/python3 "$top/tests/diff/run.py" --skip-if-no-redis --timeout 30 \
	--modis "$build/host/modis-server" --modis-conf "$build/modis.conf" "$@"
