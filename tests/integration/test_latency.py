"""LATENCY (issue 10): the latency monitor's events (latency-monitor-
threshold), latency-tracking's per-command histograms, INFO latencystats.
Durations differ between runs and servers, so the replies' shapes and the
counts are compared with the reference redis-server, the figures against
what was done (DEBUG SLEEP)."""

import pytest

from modis_helpers import RespClient, error_of, parse_info


@pytest.fixture(params=["modis", "redis"])
def c(request, server, ref_server):
    srv = server if request.param == "modis" else ref_server
    c = RespClient(srv.port)
    c.execute("LATENCY", "RESET")
    c.execute("CONFIG", "RESETSTAT")
    yield c
    c.execute("CONFIG", "SET", "latency-monitor-threshold", "0")
    c.execute("CONFIG", "SET", "latency-tracking", "yes")
    c.execute("CONFIG", "SET", "latency-tracking-info-percentiles", "50 99 99.9")
    c.execute("LATENCY", "RESET")
    c.close()


def pairs_of(reply):
    """A RESP2 map (flat array of pairs) as a dict."""
    return dict(zip(reply[::2], reply[1::2])) if isinstance(reply, list) else reply


def test_monitor_events(c):
    assert c.execute("LATENCY", "LATEST") == []
    assert c.execute("DEBUG", "SLEEP", "0.03") == "OK"   # threshold 0: not recorded
    assert c.execute("LATENCY", "LATEST") == []
    c.execute("CONFIG", "SET", "latency-monitor-threshold", "20")
    c.execute("DEBUG", "SLEEP", "0.05")
    c.execute("PING")                                     # fast and quick: nothing
    latest = c.execute("LATENCY", "LATEST")
    assert len(latest) == 1
    name, ts, last, top = latest[0]
    assert name == b"command" and 50 <= last < 1000 and top == last and ts > 0
    hist = c.execute("LATENCY", "HISTORY", "command")
    assert len(hist) == 1 and hist[0] == [ts, last]
    assert c.execute("LATENCY", "HISTORY", "nosuch") == []
    graph = c.execute("LATENCY", "GRAPH", "command").decode()
    assert graph.startswith("command - high %d ms, low %d ms (all time high %d ms)\n"
                            % (last, last, top))
    assert graph.splitlines()[1] == "-" * 80
    assert error_of(c, "LATENCY", "GRAPH", "nosuch") == \
        "ERR No samples available for event 'nosuch'"
    assert b"command" in c.execute("LATENCY", "DOCTOR")
    assert c.execute("LATENCY", "RESET", "nosuch") == 0
    assert c.execute("LATENCY", "RESET", "command", "command") == 1
    assert c.execute("LATENCY", "LATEST") == []


def test_histogram_and_latencystats(c):
    for i in range(20):
        c.execute("SET", "k", str(i))
    c.execute("GET", "k")
    h = pairs_of(c.execute("LATENCY", "HISTOGRAM", "set", "nosuch", "config|set"))
    assert set(h) <= {b"set", b"config|set"} and b"set" in h
    entry = pairs_of(h[b"set"])
    calls = entry[b"calls"]
    assert calls == 20
    pairs = list(pairs_of(entry[b"histogram_usec"]).items())
    keys = [k for k, _ in pairs]
    counts = [v for _, v in pairs]
    assert keys == sorted(keys) and counts == sorted(counts) and counts[-1] == 20
    allh = c.execute("LATENCY", "HISTOGRAM")
    assert len(pairs_of(allh)) >= 2
    info = c.execute("INFO", "latencystats").decode()
    line = [l for l in info.splitlines() if l.startswith("latency_percentiles_usec_set:")][0]
    vals = dict(kv.split("=") for kv in line.split(":", 1)[1].split(","))
    assert list(vals) == ["p50", "p99", "p99.9"]
    assert float(vals["p50"]) <= float(vals["p99"]) <= float(vals["p99.9"])
    c.execute("CONFIG", "SET", "latency-tracking-info-percentiles", "0 100 12.5")
    line = [l for l in c.execute("INFO", "latencystats").decode().splitlines()
            if l.startswith("latency_percentiles_usec_set:")][0]
    assert [kv.split("=")[0] for kv in line.split(":", 1)[1].split(",")] == ["p0", "p100", "p12.5"]
    c.execute("CONFIG", "SET", "latency-tracking", "no")
    assert c.execute("INFO", "latencystats") == b"# Latencystats\r\n"
    c.execute("CONFIG", "SET", "latency-tracking", "yes")
    c.execute("CONFIG", "RESETSTAT")
    assert c.execute("LATENCY", "HISTOGRAM", "set") in ({}, [])


def test_config_errors_as_redis(server, ref_server):
    got = []
    for srv in (server, ref_server):
        r = RespClient(srv.port)
        got.append([
            error_of(r, "CONFIG", "SET", "latency-tracking-info-percentiles", "101"),
            error_of(r, "CONFIG", "SET", "latency-tracking-info-percentiles", "-1"),
            error_of(r, "CONFIG", "SET", "latency-tracking-info-percentiles", "50 x"),
            r.execute("CONFIG", "SET", "latency-tracking-info-percentiles", "99.90 50.5 7"),
            r.execute("CONFIG", "GET", "latency-tracking-info-percentiles"),
            r.execute("CONFIG", "SET", "latency-tracking-info-percentiles", ""),
            r.execute("CONFIG", "GET", "latency-tracking-info-percentiles"),
            r.execute("CONFIG", "SET", "latency-tracking-info-percentiles", "50 99 99.9"),
            error_of(r, "CONFIG", "SET", "latency-monitor-threshold", "-1"),
            error_of(r, "CONFIG", "SET", "latency-tracking", "maybe"),
        ])
        r.close()
    assert got[0] == got[1]
