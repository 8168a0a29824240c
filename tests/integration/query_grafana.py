#!/usr/bin/env python3
"""Grafana's Prometheus data source call sequence replayed against Cairn (COMPAT.md §1, §2).

Known series are remote-written, then the requests Grafana sends are replayed with
its methods, encodings and headers, and every response shape is asserted:
health check (POST form query=1+1&time=4, then GET status/buildinfo: all strings,
semver version >= 2.24.0, no `features`), exemplar probe (query=test with
millisecond start/end: success and []), label browser (label/__name__/values with
start/end, labels with match[], label/<n>/values?match[]=, series with
{__name__!=""} and limit=40000), metadata, panels (POST query_range with float
seconds start/end/step aligned to step, instant queries) with exact values, errors
(bad PromQL -> 400 bad_data JSON envelope, >11,000 points -> 400, end < start -> 400),
and X-Grafana-* / X-Dashboard-UID / X-Panel-Id headers plus unknown params tolerated.
"""
import gzip
import json
import os
import re
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import harness  # noqa: E402
from lib import protobuf as pb  # noqa: E402
from lib.harness import check, log  # noqa: E402

STEP_S = 15
N = 40
# name, labels, value at sample i
SERIES = [
    ({"__name__": "grafana_requests_total", "job": "web", "instance": "a:1", "code": "200"}, lambda i: 10.0 * i),
    ({"__name__": "grafana_requests_total", "job": "web", "instance": "a:1", "code": "404"}, lambda i: 2.0 * i),
    ({"__name__": "grafana_requests_total", "job": "api", "instance": "b:1", "code": "500"}, lambda i: 1.0 * i),
    ({"__name__": "grafana_temperature", "job": "db", "instance": "c:1"}, lambda i: float(i % 5)),
]
GRAFANA_HEADERS = {
    "X-Grafana-Org-Id": "1",
    "X-Dashboard-UID": "cairn-dash",
    "X-Panel-Id": "7",
    "X-Grafana-From-Expr": "now-1h",
    "X-Grafana-To-Expr": "now",
    "X-Datasource-Uid": "cairn-ds",
    "User-Agent": "Grafana/10.4.0",
    "Accept-Encoding": "gzip",  # Go's transport adds it and inflates transparently
}
TS_RE = re.compile(r"-?\d+(\.\d{3})?$")


class Client:
    def __init__(self, base):
        self.base = base
        self.calls = 0
        self.gzipped = 0

    def send(self, method, path, params, want_status=200, headers=None):
        """Sends like Grafana (POST = form body) and returns the checked envelope."""
        self.calls += 1
        q = urllib.parse.urlencode(params)
        h = dict(GRAFANA_HEADERS)
        h.update(headers or {})
        if method == "GET":
            r = harness.http_request("GET", self.base + path + ("?" + q if q else ""), headers=h)
        else:
            h["Content-Type"] = "application/x-www-form-urlencoded"
            r = harness.http_request("POST", self.base + path, q.encode(), h)
        what = "%s %s %s" % (method, path, params)
        check(r.status == want_status, "%s: HTTP %d, want %d: %s" % (what, r.status, want_status, r.text()[:300]))
        body = r.body
        if r.headers.get("content-encoding", "") == "gzip":
            self.gzipped += 1
            try:
                body = gzip.decompress(body)
            except OSError as e:
                raise harness.Failure("%s: bad gzip body: %s" % (what, e))
        else:
            check(not r.headers.get("content-encoding"), "%s: content encoding %r" % (
                what, r.headers.get("content-encoding")))
        ctype = r.headers.get("content-type", "")
        check(ctype.startswith("application/json"), "%s: content type %r" % (what, ctype))
        try:
            env = json.loads(body)
        except ValueError:
            raise harness.Failure("%s: body is not JSON: %r" % (what, body[:200]))
        check(isinstance(env, dict), "%s: envelope is not an object" % what)
        for k in ("warnings", "infos"):
            if k in env:
                check(isinstance(env[k], list) and all(isinstance(w, str) for w in env[k]),
                      "%s: %s must be a list of strings: %r" % (what, k, env[k]))
        if want_status == 200:
            check(env.get("status") == "success", "%s: status %r" % (what, env.get("status")))
            check("data" in env and env["data"] is not None, "%s: data missing or null" % what)
            check("errorType" not in env and "error" not in env, "%s: error fields on success" % what)
        else:
            check(env.get("status") == "error", "%s: status %r on HTTP %d" % (what, env.get("status"), want_status))
            check(isinstance(env.get("errorType"), str), "%s: no errorType" % what)
            check(isinstance(env.get("error"), str) and env["error"], "%s: no error message" % what)
        return env


def check_ts(what, t):
    check(isinstance(t, (int, float)) and not isinstance(t, bool), "%s: timestamp %r not a number" % (what, t))
    check(TS_RE.match(json.dumps(t)), "%s: timestamp %s not seconds[.mmm]" % (what, json.dumps(t)))


def query_data(env, what, rtype):
    data = env["data"]
    check(data.get("resultType") == rtype, "%s: resultType %r, want %s" % (what, data.get("resultType"), rtype))
    check("result" in data and data["result"] is not None, "%s: result missing or null" % what)
    return data["result"]


def close(a, b):
    return a == b or abs(a - b) <= 1e-9 * max(abs(a), abs(b))


def semver_at_least(version, want):
    m = re.match(r"v?(\d+)\.(\d+)\.(\d+)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$", version)
    check(m, "buildinfo version %r is not semver" % version)
    return tuple(int(x) for x in m.groups()) >= want


def main(env):
    cairn = harness.Cairn(env)
    cairn.start()
    t0 = (int(time.time()) // 60) * 60 - 900  # every sample at least 5 min in the past
    batch = [(tuple(sorted(ls.items())), [((t0 + i * STEP_S) * 1000, pb.float_bits(f(i))) for i in range(N)])
             for ls, f in SERIES]
    r = harness.remote_write(cairn.url, batch)
    check(200 <= r.status < 300, "remote write: %r" % r)
    c = Client(cairn.url)

    # Health check ("Save & test"): POST form, then buildinfo.
    res = query_data(c.send("POST", "/api/v1/query", [("query", "1+1"), ("time", "4")]), "health", "scalar")
    check(isinstance(res, list) and len(res) == 2, "health: scalar %r" % res)
    check_ts("health", res[0])
    check(res == [4, "2"], "health: want [4, \"2\"], got %r" % res)
    bi = c.send("GET", "/api/v1/status/buildinfo", [])["data"]
    for k in ("version", "revision", "branch", "buildUser", "buildDate", "goVersion"):
        check(isinstance(bi.get(k), str), "buildinfo.%s missing or not a string: %r" % (k, bi))
    check(not bi.get("features"), "buildinfo has features (Grafana would treat cairn as Mimir): %r" % bi)
    check(semver_at_least(bi["version"], (2, 24, 0)), "buildinfo version %r < 2.24.0" % bi["version"])
    log("health check ok; buildinfo version %s" % bi["version"])

    # Data source init: exemplar probe with millisecond start/end.
    now_ms = int(time.time() * 1000)
    for method in ("GET", "POST"):
        ex = c.send(method, "/api/v1/query_exemplars",
                    [("query", "test"), ("start", str(now_ms - 3600000)), ("end", str(now_ms))])["data"]
        check(ex == [], "query_exemplars?query=test: want [], got %r" % ex)

    # Label browser / metric browser / autocomplete.
    start, end = str(t0 - 3600), str(t0 + 3600)
    names = c.send("GET", "/api/v1/label/__name__/values", [("start", start), ("end", end)])["data"]
    check(names == sorted(names) and {"grafana_requests_total", "grafana_temperature"} <= set(names),
          "label/__name__/values: %r" % names)
    labels = c.send("POST", "/api/v1/labels", [("match[]", "grafana_requests_total"),
                                               ("start", start), ("end", end)])["data"]
    check(labels == ["__name__", "code", "instance", "job"], "labels?match[]: %r" % labels)
    jobs = c.send("GET", "/api/v1/label/job/values", [("match[]", "grafana_requests_total"),
                                                      ("start", start), ("end", end)])["data"]
    check(jobs == ["api", "web"], "label/job/values?match[]: %r" % jobs)
    codes = c.send("GET", "/api/v1/label/code/values", [("match[]", '{job="web"}')])["data"]
    check(codes == ["200", "404"], "label/code/values?match[]: %r" % codes)
    series = c.send("POST", "/api/v1/series", [("match[]", '{__name__!=""}'), ("start", start),
                                               ("end", end), ("limit", "40000")])
    check("warnings" not in series, "series: unexpected warnings %r" % series.get("warnings"))
    got = sorted(json.dumps(s, sort_keys=True) for s in series["data"])
    want = sorted(json.dumps(ls, sort_keys=True) for ls, _ in SERIES)
    check(got == want, "series {__name__!=\"\"}: got %s, want %s" % (got, want))

    # Metadata (cached by Grafana for a day): a map of metric -> list of {type, help, unit}.
    for params in ([], [("limit", "10")], [("metric", "grafana_requests_total")]):
        md = c.send("GET", "/api/v1/metadata", params)["data"]
        check(isinstance(md, dict), "metadata %s: data is not an object: %r" % (params, md))
        for metric, entries in md.items():
            check(isinstance(entries, list) and entries, "metadata[%s]: %r" % (metric, entries))
            for e in entries:
                check(isinstance(e, dict) and all(isinstance(e.get(k), str) for k in ("type", "help", "unit")),
                      "metadata[%s] entry %r" % (metric, e))

    # Panels: POST query_range with float seconds aligned to the step, plus Grafana's extra params.
    step = 30
    qs, qe = t0 + 120, t0 + 570
    env_r = c.send("POST", "/api/v1/query_range",
                   [("query", "sum by (job) (rate(grafana_requests_total[1m]))"), ("start", "%d.000" % qs),
                    ("end", "%d.000" % qe), ("step", "%d.0" % step), ("timeout", "60s"),
                    ("customParam", "x"), ("maxDataPoints", "1200")])
    res = query_data(env_r, "panel query_range", "matrix")
    want_rate = {"web": 12.0 / STEP_S, "api": 1.0 / STEP_S}
    check(sorted(s["metric"].get("job") for s in res) == sorted(want_rate), "panel: series %r" % res)
    check([s["metric"] for s in res] == sorted((s["metric"] for s in res), key=lambda m: m["job"]),
          "panel: matrix not sorted by labels")
    n_points = 0
    for s in res:
        check(set(s["metric"]) == {"job"} and "values" in s, "panel series %r" % s)
        ts = [p[0] for p in s["values"]]
        check(ts == list(range(qs, qe + 1, step)), "panel %s timestamps %r" % (s["metric"], ts))
        for t, v in s["values"]:
            check_ts("panel", t)
            check(isinstance(v, str) and close(float(v), want_rate[s["metric"]["job"]]),
                  "panel %s @%s = %r, want %r" % (s["metric"], t, v, want_rate[s["metric"]["job"]]))
            n_points += 1
    env_i = c.send("POST", "/api/v1/query", [("query", 'grafana_requests_total{code=~"200|500"}'),
                                             ("time", "%d.500" % (t0 + 20 * STEP_S))])
    res = query_data(env_i, "panel instant", "vector")
    got = {s["metric"]["code"]: (s["value"][0], s["value"][1]) for s in res}
    check(got == {"200": (t0 + 300.5, "200"), "500": (t0 + 300.5, "20")}, "panel instant: %r" % res)
    check(all(s["metric"].get("__name__") == "grafana_requests_total" for s in res), "instant keeps __name__")
    res = query_data(c.send("POST", "/api/v1/query", [("query", "grafana_temperature * 2 > 100"),
                                                      ("time", str(t0 + 300))]), "empty instant", "vector")
    check(res == [], "empty vector must be []: %r" % res)
    res = query_data(c.send("POST", "/api/v1/query_range",
                            [("query", "nothing_here"), ("start", str(qs)), ("end", str(qe)),
                             ("step", "60")]), "empty range", "matrix")
    check(res == [], "empty matrix must be []: %r" % res)
    # GET works too (Grafana's "GET" http method setting).
    res = query_data(c.send("GET", "/api/v1/query", [("query", "count(grafana_requests_total)"),
                                                     ("time", str(t0 + 300))]), "GET instant", "vector")
    check(len(res) == 1 and res[0]["value"] == [t0 + 300, "3"] and res[0]["metric"] == {},
          "GET count(): %r" % res)

    # Errors: a JSON envelope with 400 bad_data, which Grafana shows as the panel error.
    for method in ("POST", "GET"):
        e = c.send(method, "/api/v1/query", [("query", "sum(rate(grafana_requests_total[5m])"),
                                             ("time", str(t0))], want_status=400)
        check(e["errorType"] == "bad_data", "bad query errorType %r" % e["errorType"])
        # Prometheus' wording, which Grafana shows verbatim.
        check(e["error"] == 'invalid parameter "query": 1:37: parse error: unclosed left parenthesis',
              "bad query error %r" % e["error"])
        e = c.send(method, "/api/v1/query_range", [("query", "up"), ("start", str(t0)),
                                                   ("end", str(t0 + 200000)), ("step", "1")], want_status=400)
        check(e["errorType"] == "bad_data" and "11,000" in e["error"], "too many points: %r" % e)
        e = c.send(method, "/api/v1/query_range", [("query", "up"), ("start", str(t0 + 10)),
                                                   ("end", str(t0)), ("step", "15")], want_status=400)
        check(e["errorType"] == "bad_data" and
              e["error"] == 'invalid parameter "end": end timestamp must not be before start time',
              "end before start: %r" % e)
        e = c.send(method, "/api/v1/query_range", [("query", "up"), ("start", str(t0)),
                                                   ("end", str(t0 + 10)), ("step", "0")], want_status=400)
        check(e["errorType"] == "bad_data" and
              e["error"] == 'invalid parameter "step": zero or negative query resolution step widths are not '
              'accepted. Try a positive integer', "zero step: %r" % e)
    log("%d Grafana requests answered with the expected shapes (%d gzipped); panel returned %d points" %
        (c.calls, c.gzipped, n_points))
    cairn.stop()


if __name__ == "__main__":
    harness.run(main, __doc__)
