#!/usr/bin/env bash
# tls.sh - GET/SET (and PING) over TLS, Modis vs redis-server side by side:
# both servers listen on a TLS port with the same certificate (made here
# with the openssl command, a throw-away CA) and redis-benchmark --tls
# runs against each, at pipeline 1 and 16, best of REPEAT runs. GET reads
# 100000 keys written beforehand. Prints ops/s with the ratio modis/redis
# and the server's cpu microseconds per request with the ratio
# redis/modis; see README.md.
# Usage: tests/bench/tls.sh [-n N] [-r REPEAT].
# Environment: MODIS_SERVER, MODIS_CONF, REDIS_SERVER, REDIS_BENCHMARK,
# REDIS_CLI as compare.sh.

set -u
N=200000 REPEAT=3
while [ $# -gt 0 ]; do
    case $1 in
        -n) N=$2; shift ;;
        -r) REPEAT=$2; shift ;;
        -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
command -v openssl >/dev/null || { echo "tls.sh needs the openssl command" >&2; exit 2; }
. "$(dirname "${BASH_SOURCE[0]}")/side_by_side.sh"

SBS_TLS_DIR=$SBS_TMP/pki
mkdir -p "$SBS_TLS_DIR"
(
    cd "$SBS_TLS_DIR" || exit 2
    openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=bench CA" \
        -keyout ca.key -out ca.crt
    openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout server.key -out server.csr
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >server.ext
    openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 1 \
        -extfile server.ext -out server.crt
) >/dev/null 2>&1 || { echo "could not make the test certificates" >&2; exit 2; }

sbs_start
for s in modis redis; do
    "$REDIS_BENCHMARK" -p "${PORT[$s]}" -c 50 -n 300000 -r 100000 -t set -q >/dev/null 2>&1
    echo "$s: $(sbs_cli $s dbsize) keys; TLS on port ${BPORT[$s]}"
done
sbs_table <<'TESTS'
SET over TLS||-t set
GET over TLS||-t get
PING over TLS||-t ping_mbulk
TESTS
