#!/usr/bin/env python3
"""Cairn as a remote_read client (issue 11).

Data lives in three places: Prometheus 2.42 (fed by remote write through
--web.enable-remote-write-receiver), a second Cairn "B" (fed by remote write)
and the reading Cairn "A" itself. A's prometheus.yml has
`remote_read: [{url: <prometheus>, read_recent: true}, {url: <B>}]` (B with
read_recent false, the default) and the same `external_labels` as both remotes,
so filter_external_labels (the default) sends `replica="r1"` to them and
strips it from their answers.

Shown:
  - PromQL through A over data only Prometheus holds (instant queries, a range
    query, rate / sum / max_over_time / arithmetic) is identical to
    Prometheus' own answer; likewise over data only B holds, at times before
    A's own data begins;
  - read_recent false: B is not asked for times A's own data covers;
  - a series held by A and Prometheus both is answered once (deduplicated);
  - /api/v1/series, /api/v1/labels and /api/v1/label/src/values include the
    remote series;
  - Prometheus stopped: the same queries answer A's local data (and B's) with
    a warning naming the failed remote; the metadata endpoints likewise.
"""
import json
import urllib.parse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import harness  # noqa: E402
from lib import protobuf as pb  # noqa: E402
from lib.harness import check, log  # noqa: E402

STEP_S = 15
POINTS = 200  # 50 minutes
EXTERNAL = "  external_labels:\n    replica: r1\n"


def series(name, src, inst, values, ts):
    return ((("__name__", name), ("instance", inst), ("job", "rr"), ("src", src)),
            [(t, pb.float_bits(v)) for t, v in zip(ts, values)])


def dataset(src, ts, offset):
    out = []
    for inst in ("a", "b"):
        out.append(series("rr_gauge", src, inst, [offset + i * 1.25 + (7 if inst == "b" else 0) + (i % 7) * 0.1
                                                  for i in range(len(ts))], ts))
        out.append(series("rr_counter_total", src, inst, [i * 10.0 + (i % 5) for i in range(len(ts))], ts))
    return out


def api(base, path, params):
    r = harness.http_get(base + path + "?" + urllib.parse.urlencode(params), timeout=30)
    check(r.status == 200, "GET %s %s on %s: %r" % (path, params, base, r))
    env = json.loads(r.body)
    check(env.get("status") == "success", "GET %s: %r" % (path, env))
    return env


def canonical(data):
    """resultType and the result sorted by metric, for exact comparison."""
    result = sorted(data["result"], key=lambda s: json.dumps(s["metric"], sort_keys=True))
    return json.dumps({"resultType": data["resultType"], "result": result}, sort_keys=True)


def main(env):
    now_s = int(time.time())
    start_s = now_s - 3300  # 55 minutes ago
    ts = [(start_s + i * STEP_S) * 1000 for i in range(POINTS)]

    prom = harness.Prometheus(env, "global:\n  scrape_interval: 1h\n" + EXTERNAL,
                              extra_args=["--web.enable-remote-write-receiver"])
    prom.start()
    b = harness.Cairn(env, "cairn-b", "global:\n  scrape_interval: 1h\n" + EXTERNAL)
    b.start()
    r = harness.remote_write(prom.url, dataset("prom", ts, 100.0) +
                             [series("rr_shared", "both", "a", [float(i) for i in range(POINTS)], ts)])
    check(200 <= r.status < 300, "remote write to prometheus: %r" % r)
    r = harness.remote_write(b.url, dataset("cairn", ts, 500.0))
    check(200 <= r.status < 300, "remote write to cairn B: %r" % r)

    a = harness.Cairn(env, "cairn-a", """global:
  scrape_interval: 1h
  evaluation_interval: 15s
%sremote_read:
  - url: %s/api/v1/read
    name: prom
    read_recent: true
  - url: %s/api/v1/read
    name: cairn-b
    remote_timeout: 10s
""" % (EXTERNAL, prom.url, b.url))
    a.start()
    # A's own data: the last 10 minutes (read_recent false for B starts there).
    local_from = POINTS - 40
    local_ts = ts[local_from:]
    r = harness.remote_write(a.url, [series("rr_local", "local", "a", [i * 3.0 for i in range(len(local_ts))],
                                            local_ts),
                                     series("rr_shared", "both", "a", [float(i) for i in range(local_from, POINTS)],
                                            local_ts)])
    check(200 <= r.status < 300, "remote write to cairn A: %r" % r)

    compared = 0

    def same(expr, remote, times, rng):
        nonlocal compared
        for t in times:
            want = api(remote.url, "/api/v1/query", [("query", expr), ("time", str(t))])
            got = api(a.url, "/api/v1/query", [("query", expr), ("time", str(t))])
            check(want["data"]["result"], "%s at %d: the remote itself answers nothing" % (expr, t))
            check(canonical(got["data"]) == canonical(want["data"]),
                  "%s at %d through A:\n  %s\nremote's own:\n  %s" % (expr, t, canonical(got["data"]),
                                                                    canonical(want["data"])))
            check(not got.get("warnings"), "%s: unexpected warnings %r" % (expr, got.get("warnings")))
            compared += 1
        params = [("query", expr), ("start", str(rng[0])), ("end", str(rng[1])), ("step", "60")]
        want = api(remote.url, "/api/v1/query_range", params)
        got = api(a.url, "/api/v1/query_range", params)
        check(canonical(got["data"]) == canonical(want["data"]),
              "range %s through A differs from the remote's own answer" % expr)
        compared += 1

    exprs = ['rr_gauge{src="%s"}', 'rate(rr_counter_total{src="%s"}[5m])', 'sum by (instance) (rr_gauge{src="%s"})',
             'max_over_time(rr_gauge{src="%s"}[10m])', 'rr_gauge{src="%s"} * 2 - on(instance) rr_counter_total{src="%s"}',
             'count(rr_gauge{src="%s"})']
    # Off the 15 s grid, so 2.42's closed and 3.x's open range starts agree.
    old_times = [start_s + 40 * STEP_S + 7, start_s + 100 * STEP_S + 7]
    old_range = (start_s + 20 * STEP_S + 7, start_s + 140 * STEP_S + 7)
    for e in exprs:
        expr = e.replace("%s", "prom")
        same(expr, prom, old_times + [start_s + (POINTS - 3) * STEP_S + 7], old_range)
        same(e.replace("%s", "cairn"), b, old_times, old_range)
    log("A's answers equal the remotes' own: %d queries" % compared)

    # read_recent false: B is not asked where A's own data (plus 2 evaluation
    # intervals) begins; Prometheus (read_recent true) still is.
    recent = ts[POINTS - 5] // 1000 + 7
    got = api(a.url, "/api/v1/query", [("query", 'rr_gauge{src="cairn"}'), ("time", str(recent))])
    check(got["data"]["result"] == [], "B asked for recent data: %r" % got["data"]["result"])
    check(api(b.url, "/api/v1/query", [("query", 'rr_gauge{src="cairn"}'), ("time", str(recent))])["data"]["result"],
          "B holds no recent data itself")
    got = api(a.url, "/api/v1/query", [("query", 'rr_gauge{src="prom"}'), ("time", str(recent))])
    check(len(got["data"]["result"]) == 2, "prometheus' recent data: %r" % got["data"]["result"])

    # Held by A and by Prometheus: one series, A's samples and Prometheus' older ones.
    got = api(a.url, "/api/v1/query_range", [("query", "rr_shared"), ("start", str(start_s + 7)),
                                             ("end", str(start_s + (POINTS - 1) * STEP_S + 7)), ("step", "15")])
    check(len(got["data"]["result"]) == 1, "rr_shared series: %r" % [s["metric"] for s in got["data"]["result"]])
    values = got["data"]["result"][0]["values"]
    check(len(values) == POINTS and all(float(v) == i for i, (_, v) in enumerate(values)),
          "rr_shared values %r ..." % values[:3])

    # Metadata endpoints see the remote series (external label stripped).
    win = [("start", str(start_s)), ("end", str(now_s))]
    srs = api(a.url, "/api/v1/series", [("match[]", "rr_gauge")] + win)["data"]
    check(sorted((s["src"], s["instance"]) for s in srs) ==
          [("cairn", "a"), ("cairn", "b"), ("prom", "a"), ("prom", "b")], "series %r" % srs)
    check(all("replica" not in s for s in srs), "external label not stripped: %r" % srs)
    vals = api(a.url, "/api/v1/label/src/values", win)["data"]
    check(vals == ["both", "cairn", "local", "prom"], "src values %r" % vals)
    names = api(a.url, "/api/v1/labels", win)["data"]
    check(names == ["__name__", "instance", "job", "src"], "label names %r" % names)

    # Prometheus down: local and B's data, with a warning, not an error.
    check(prom.stop() == 0, "prometheus exit code")
    t_local = ts[POINTS - 2] // 1000 + 7
    got = api(a.url, "/api/v1/query", [("query", "rr_local"), ("time", str(t_local))])
    check(len(got["data"]["result"]) == 1 and float(got["data"]["result"][0]["value"][1]) == 38 * 3.0,
          "local data with prometheus down: %r" % got["data"])
    warnings = got.get("warnings") or []
    check(any("remote_read" in w and prom.url in w for w in warnings), "warnings %r" % warnings)
    log("with prometheus stopped: %r" % warnings)
    got = api(a.url, "/api/v1/query", [("query", 'rr_gauge{src="cairn"}'), ("time", str(old_times[0]))])
    check(len(got["data"]["result"]) == 2 and got.get("warnings"), "B's data with prometheus down: %r" % got)
    got = api(a.url, "/api/v1/query_range", [("query", 'rate(rr_counter_total[5m])'), ("start", str(old_range[0])),
                                             ("end", str(old_range[1])), ("step", "60")])
    check({s["metric"]["src"] for s in got["data"]["result"]} == {"cairn"} and got.get("warnings"),
          "range with prometheus down: %r" % [s["metric"] for s in got["data"]["result"]])
    got = api(a.url, "/api/v1/series", [("match[]", "rr_gauge")] + win)
    check(len(got["data"]) == 2 and got.get("warnings"), "series with prometheus down: %r" % got)
    got = api(a.url, "/api/v1/label/src/values", win)
    check(got["data"] == ["both", "cairn", "local"] and got.get("warnings"), "values with prometheus down: %r" % got)

    # 2.42's client metrics: answers by code, none in flight, one duration
    # observation per answer; the requests to the stopped Prometheus got no
    # answer and are not counted.
    text = harness.http_get(a.url + "/metrics").text()
    for name, url in (("prom", prom.url), ("cairn-b", b.url)):
        labels = 'remote_name="%s",url="%s/api/v1/read"' % (name, url)
        answered = sum(float(l.rsplit(" ", 1)[1]) for l in text.splitlines()
                       if l.startswith("prometheus_remote_storage_read_queries_total{") and labels in l)
        ok = [l for l in text.splitlines()
              if l.startswith("prometheus_remote_storage_read_queries_total{") and labels in l and 'code="200"' in l]
        in_flight = [l for l in text.splitlines()
                     if l.startswith("prometheus_remote_storage_remote_read_queries{") and labels in l]
        count = [l for l in text.splitlines()
                 if l.startswith("prometheus_remote_storage_read_request_duration_seconds_count{") and labels in l]
        check(ok and float(ok[0].rsplit(" ", 1)[1]) > 0, "%s: no code=\"200\" answers counted" % name)
        check(in_flight and float(in_flight[0].rsplit(" ", 1)[1]) == 0, "%s in flight: %r" % (name, in_flight))
        check(count and float(count[0].rsplit(" ", 1)[1]) == answered,
              "%s: %r duration observations for %g answers" % (name, count, answered))
        log("remote read metrics of %s: %g answers counted" % (name, answered))
    a.stop()
    b.stop()


if __name__ == "__main__":
    harness.run(main, __doc__)
