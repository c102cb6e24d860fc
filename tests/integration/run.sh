#!/bin/sh
# Run the pytest integration suite against the built server; with
# MODIS_IT_FILES (file names of tests/integration/) only those files.
top=${MODIS_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${MODIS_BUILDDIR:-$top}
export MODIS_SERVER=${MODIS_SERVER:-$build/host/modis-server}
export MODIS_CONF=${MODIS_CONF-$build/modis.conf}
set -- "$top/tests/integration"
if [ -n "${MODIS_IT_FILES:-}" ]; then
    set --
    for f in $MODIS_IT_FILES; do set -- "$@" "$top/tests/integration/$f"; done
fi
exec /usr/bin/python3 -m pytest -q -p no:cacheprovider "$@"
