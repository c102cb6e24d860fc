#!/bin/sh
# Differential run: every script against modis-server and redis-server.
top=${MODIS_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${MODIS_BUILDDIR:-$top}
exec /usr/bin/python3 "$top/tests/diff/run.py" --skip-if-no-redis \
	--modis "$build/host/modis-server" --modis-conf "$build/modis.conf" "$@"
