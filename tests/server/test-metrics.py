#!/usr/bin/python3
# test-metrics.py: /metrics is served on [metrics] listen only (off by
# default; the main listener answers 404), in the Prometheus text format,
# with request latency histograms by route class and process metrics.
# SPDX-License-Identifier: GPL-3.0-or-later
import asyncio
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cs_test  # noqa: E402
from cs_test import check  # noqa: E402

import websockets  # noqa: E402

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (-?[0-9.eE+-]+|\+Inf|NaN)$')
HIST = "causerie_http_request_duration_seconds"


def parse(text):
    samples = {}
    typed = set()
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            typed.add(line.split()[2])
            continue
        if line.startswith("#") or not line:
            continue
        m = SAMPLE.match(line)
        assert m, "not a Prometheus sample: %r" % line
        name = m.group(1)
        family = re.sub(r"_(bucket|sum|count)$", "", name) if name.startswith(HIST) else name
        assert family in typed, "%s comes before its # TYPE" % name
        samples[name + (m.group(2) or "")] = float(m.group(3))
    return samples


def histogram(samples, route_class):
    buckets = []
    for key, value in samples.items():
        m = re.match(r'%s_bucket\{route_class="%s",le="([^"]+)"\}' % (HIST, route_class), key)
        if m:
            buckets.append((float("inf") if m.group(1) == "+Inf" else float(m.group(1)), value))
    buckets.sort()
    count = samples['%s_count{route_class="%s"}' % (HIST, route_class)]
    total = samples['%s_sum{route_class="%s"}' % (HIST, route_class)]
    return buckets, count, total


async def ws_once(port, token):
    async with websockets.connect("ws://127.0.0.1:%d/api/ws" % port,
                                  extra_headers={"Authorization": "Bearer " + token}) as ws:
        await ws.recv()


def main():
    with cs_test.Server("") as s:
        check(s.metrics_port == 0, "without [metrics] listen there is no metrics listener")
        status, _, _ = s.request("GET", "/metrics")
        check(status == 404, "and the main listener answers 404 for /metrics (%d)" % status)

    t0 = time.time()
    with cs_test.Server("[metrics]\nlisten = 127.0.0.1:0\n") as s:
        check(s.metrics_port > 0, "[metrics] listen opens a listener of its own (port %d)" % s.metrics_port)
        status, _, _ = s.request("GET", "/metrics")
        check(status == 404, "the main listener still answers 404 for /metrics (%d)" % status)
        status, headers, _ = s.request("GET", "/metrics", port=s.metrics_port)
        check(status == 200 and headers["Content-Type"].startswith("text/plain; version=0.0.4"),
              "the metrics listener serves /metrics as Prometheus text (%s)" % headers["Content-Type"])
        status, _, _ = s.request("GET", "/healthz", port=s.metrics_port)
        check(status == 404, "and nothing else (%d)" % status)

        s.tenant("acme", "ada@example.com")
        token = s.token("acme", "ada@example.com")
        for _ in range(5):
            s.request("GET", "/healthz")
        for _ in range(3):
            assert s.request("GET", "/api/me", token=token)[0] == 200
        assert s.request("POST", "/api/rooms", {"type": "group", "name": "Metrics"}, token=token)[0] == 201
        assert s.request("GET", "/no/such/thing")[0] == 404
        asyncio.run(ws_once(s.port, token))

        samples = parse(s.metrics())
        check(True, "every line parses as a Prometheus sample after its # TYPE")
        for route_class, at_least in (("health", 5), ("read", 3), ("write", 1), ("slow", 1),
                                      ("other", 1), ("websocket", 1)):
            buckets, count, total = histogram(samples, route_class)
            values = [v for _, v in buckets]
            check(len(buckets) >= 10 and buckets[-1][0] == float("inf") and values == sorted(values)
                  and values[-1] == count and count >= at_least and total > 0,
                  "latency histogram for %s: %d requests, %.2f ms in all, %d buckets, cumulative"
                  % (route_class, count, total * 1000, len(buckets)))

        rss = samples["process_resident_memory_bytes"]
        real_rss = cs_test.rss_kb(s.pid) * 1024
        check(0.5 * real_rss < rss < 2 * real_rss, "process_resident_memory_bytes %.1f MB (/proc says %.1f MB)"
              % (rss / 1e6, real_rss / 1e6))
        fds = samples["process_open_fds"]
        real_fds = cs_test.open_fds(s.pid)
        check(abs(fds - real_fds) <= 3, "process_open_fds %d (/proc says %d)" % (fds, real_fds))
        check(samples["process_max_fds"] >= 1024, "process_max_fds %d" % samples["process_max_fds"])
        cpu = samples["process_cpu_seconds_total"]
        check(0 <= cpu < 600, "process_cpu_seconds_total %.2f" % cpu)
        start = samples["process_start_time_seconds"]
        check(abs(start - t0) < 30, "process_start_time_seconds is when it started (%.1f s off)" % (start - t0))
        check(samples["causerie_http_connections"] >= 1, "causerie_http_connections is there")


main()
