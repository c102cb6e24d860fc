#!/bin/sh
# Run the pytest integration suite against the built server.
top=${MODIS_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${MODIS_BUILDDIR:-$top}
export MODIS_SERVER=${MODIS_SERVER:-$build/host/modis-server}
export MODIS_CONF=${MODIS_CONF-$build/modis.conf}
exec /usr/bin/python3 -m pytest -q -p no:cacheprovider "$top/tests/integration"
