#!/usr/bin/env python3
"""Prometheus 2.42 reads from Cairn through remote_read.

The test writes known series into Cairn (remote write, timestamps in the past
hour). A Prometheus with no local data and
`remote_read: [{url: <cairn>/api/v1/read, read_recent: true}]` must then answer
/api/v1/query and /api/v1/query_range over that data with the exact values.
"""
import math
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import harness  # noqa: E402
from lib import protobuf as pb  # noqa: E402
from lib.harness import check, log  # noqa: E402

STEP_S = 15
POINTS = 200  # 50 minutes of samples
COUNTER_INC = 10.0


def gauge_value(inst, i):
    return i * 1.5 + (1000 if inst == "b" else 0)


def main(env):
    cairn = harness.Cairn(env)
    cairn.start()
    start_s = int(time.time()) - 3300  # 55 min ago
    ts = [(start_s + i * STEP_S) * 1000 for i in range(POINTS)]
    batch = []
    for inst in ("a", "b"):
        batch.append(((("__name__", "cairn_reader_gauge"), ("instance", inst), ("job", "reader")),
                      [(t, pb.float_bits(gauge_value(inst, i))) for i, t in enumerate(ts)]))
    batch.append(((("__name__", "cairn_reader_counter_total"), ("instance", "a"), ("job", "reader")),
                  [(t, pb.float_bits(i * COUNTER_INC)) for i, t in enumerate(ts)]))
    r = harness.remote_write(cairn.url, batch)
    check(200 <= r.status < 300, "remote write: %r" % r)

    config = """global:
  scrape_interval: 1h
  evaluation_interval: 1h
remote_read:
  - url: %s/api/v1/read
    read_recent: true
""" % cairn.url
    prom = harness.Prometheus(env, config)
    prom.start()
    checks = 0

    def query(expr, at):
        return harness.api_get(prom.url, "/api/v1/query", [("query", expr), ("time", "%.3f" % at)])

    # Instant queries at a time 7 s after sample k.
    k = 120
    at = start_s + k * STEP_S + 7
    d = query("cairn_reader_gauge", at)
    check(d["resultType"] == "vector", "resultType %r" % d["resultType"])
    got = {s["metric"]["instance"]: s for s in d["result"]}
    check(sorted(got) == ["a", "b"], "instant vector instances %r" % sorted(got))
    for inst, s in got.items():
        check(s["metric"] == {"__name__": "cairn_reader_gauge", "instance": inst, "job": "reader"},
              "metric %r" % s["metric"])
        check(float(s["value"][1]) == gauge_value(inst, k), "%s value %r, want %r"
              % (inst, s["value"], gauge_value(inst, k)))
        check(abs(s["value"][0] - at) < 1e-6, "timestamp %r" % s["value"][0])
        checks += 1

    d = query('sum by (job) (cairn_reader_gauge{instance=~"a|b"})', at)
    check(len(d["result"]) == 1 and float(d["result"][0]["value"][1]) ==
          gauge_value("a", k) + gauge_value("b", k), "sum: %r" % d["result"])
    checks += 1

    d = query("rate(cairn_reader_counter_total[5m])", at)
    check(len(d["result"]) == 1, "rate result %r" % d["result"])
    rate = float(d["result"][0]["value"][1])
    check(math.isclose(rate, COUNTER_INC / STEP_S, rel_tol=1e-9), "rate %r, want %r" % (rate, COUNTER_INC / STEP_S))
    checks += 1

    d = query('cairn_reader_gauge{instance="c"}', at)
    check(d["result"] == [], "no-match selector: %r" % d["result"])
    d = query("cairn_reader_gauge", start_s - 600)  # before any data
    check(d["result"] == [], "before the data: %r" % d["result"])
    checks += 2

    # Range query: every step picks the latest sample at or before it (within 5m).
    q_start = start_s + 10 * STEP_S + 3
    q_end = start_s + (POINTS - 1) * STEP_S + 200
    step = 60
    d = harness.api_get(prom.url, "/api/v1/query_range",
                        [("query", 'cairn_reader_gauge{instance="b"}'), ("start", str(q_start)),
                         ("end", str(q_end)), ("step", str(step))])
    check(d["resultType"] == "matrix" and len(d["result"]) == 1, "range result %r" % d)
    values = d["result"][0]["values"]
    want = []
    t = q_start
    while t <= q_end:
        i = min((t - start_s) // STEP_S, POINTS - 1)
        want.append((t, gauge_value("b", i)))
        t += step
    got = [(int(round(v[0])), float(v[1])) for v in values]
    diff = next(((g, w) for g, w in zip(got, want) if g != w), (len(got), len(want)))
    check(got == want, "range values differ: first (got, want) %r" % (diff,))
    checks += len(want)

    d = harness.api_get(prom.url, "/api/v1/query_range",
                        [("query", "rate(cairn_reader_counter_total[2m])"), ("start", str(q_start + 300)),
                         ("end", str(q_start + 1500)), ("step", "30")])
    rates = [float(v[1]) for v in d["result"][0]["values"]]
    check(len(rates) == 41 and all(math.isclose(x, COUNTER_INC / STEP_S, rel_tol=1e-9) for x in rates),
          "range rate values %r" % rates[:5])
    checks += len(rates)
    print("prometheus answered %d checked values from cairn via remote_read" % checks)
    check(prom.stop() == 0, "prometheus exit code")
    cairn.stop()


if __name__ == "__main__":
    harness.run(main, __doc__, extra_args=[("prometheus", "path to the prometheus binary")])
