#!/usr/bin/env python3
"""Metadata API: /api/v1/series, /labels, /label/<name>/values (COMPAT.md §1.2, §1.4, §8).

Writes a known set of series via remote write, then checks the JSON envelopes
for GET and POST (form-encoded), sorting, empty results as [], match[] errors
(400 bad_data), limit truncation with its warning, and that promtool's
`query series` and `query labels` work against Cairn.
"""
import json
import os
import subprocess
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import harness  # noqa: E402
from lib import protobuf as pb  # noqa: E402
from lib.harness import check, log  # noqa: E402

SERIES = [
    {"__name__": "cairn_meta_requests_total", "job": "api", "instance": "a:1", "code": "200"},
    {"__name__": "cairn_meta_requests_total", "job": "api", "instance": "a:1", "code": "500"},
    {"__name__": "cairn_meta_requests_total", "job": "api", "instance": "b:1", "code": "200"},
    {"__name__": "cairn_meta_requests_total", "job": "web", "instance": "c:1", "code": "404"},
    {"__name__": "cairn_meta_up", "job": "api", "instance": "a:1"},
    {"__name__": "cairn_meta_up", "job": "db", "instance": "d:1", "zone": "eu"},
]
TRUNCATED = "results truncated due to limit"


def key(ls):
    return tuple(sorted(ls.items()))


class Api:
    def __init__(self, base):
        self.base = base
        self.calls = 0

    def call(self, method, path, params, want_status=200):
        """params: list of (k, v). Returns the decoded envelope after checking it."""
        self.calls += 1
        q = urllib.parse.urlencode(params)
        if method == "GET":
            r = harness.http_request("GET", self.base + path + ("?" + q if q else ""))
        else:
            r = harness.http_request("POST", self.base + path, q.encode(),
                                     {"Content-Type": "application/x-www-form-urlencoded"})
        what = "%s %s %s" % (method, path, params)
        check(r.status == want_status, "%s: HTTP %d, want %d: %s" % (what, r.status, want_status, r.text()[:300]))
        ctype = r.headers.get("content-type", "")
        check(ctype.startswith("application/json"), "%s: content type %r" % (what, ctype))
        try:
            env = json.loads(r.body)
        except ValueError:
            raise harness.Failure("%s: body is not JSON: %r" % (what, r.body[:200]))
        if want_status == 200:
            check(env.get("status") == "success", "%s: status %r" % (what, env.get("status")))
            check("data" in env and env["data"] is not None, "%s: data missing or null" % what)
            check("errorType" not in env and "error" not in env, "%s: error fields on success" % what)
            for k in ("warnings", "infos"):
                if k in env:
                    check(isinstance(env[k], list) and env[k] and all(isinstance(w, str) for w in env[k]),
                          "%s: %s must be a non-empty list of strings when present: %r" % (what, k, env[k]))
        else:
            check(env.get("status") == "error", "%s: status %r on HTTP %d" % (what, env.get("status"), want_status))
            check(isinstance(env.get("error"), str) and env["error"], "%s: no error message" % what)
        return env


def check_series(api, method, match, want, extra=()):
    env = api.call(method, "/api/v1/series", [("match[]", m) for m in match] + list(extra))
    data = env["data"]
    check(isinstance(data, list), "series data not a list: %r" % data)
    got = sorted(key(d) for d in data)
    check(len(got) == len(set(got)), "series: duplicates in %r" % data)
    check(got == sorted(key(w) for w in want), "series %s %s: got %s, want %s" % (method, match, got, want))
    check("warnings" not in env, "series: unexpected warnings %r" % env.get("warnings"))
    return len(data)


def main(env):
    cairn = harness.Cairn(env)
    cairn.start()
    base = (int(time.time()) - 600) * 1000
    batch = [(tuple(sorted(s.items())), [(base + i * 15000, pb.float_bits(i)) for i in range(10)]) for s in SERIES]
    r = harness.remote_write(cairn.url, batch)
    check(200 <= r.status < 300, "remote write: %r" % r)
    api = Api(cairn.url)
    reqs = [s for s in SERIES if s["__name__"] == "cairn_meta_requests_total"]
    n = 0

    for method in ("GET", "POST"):
        # /series
        n += check_series(api, method, ["cairn_meta_requests_total"], reqs)
        n += check_series(api, method, ['cairn_meta_requests_total{job="api",code="200"}'],
                          [s for s in reqs if s["job"] == "api" and s["code"] == "200"])
        n += check_series(api, method, ['{__name__=~"cairn_meta_.*", job="db"}', 'cairn_meta_up{job="api"}'],
                          [s for s in SERIES if s["__name__"] == "cairn_meta_up"])
        n += check_series(api, method, ['cairn_meta_requests_total{code!="200"}'],
                          [s for s in reqs if s["code"] != "200"])
        n += check_series(api, method, ["cairn_meta_requests_total"], reqs,
                          [("start", str(base // 1000 - 60)), ("end", str(base // 1000 + 3600))])
        n += check_series(api, method, ["cairn_meta_no_such_metric"], [])

        env_ = api.call(method, "/api/v1/series", [("match[]", "cairn_meta_requests_total"), ("limit", "2")])
        check(len(env_["data"]) == 2, "series limit=2 returned %d" % len(env_["data"]))
        check(TRUNCATED in env_.get("warnings", []), "series limit: warnings %r" % env_.get("warnings"))
        env_ = api.call(method, "/api/v1/series", [("match[]", "cairn_meta_requests_total"), ("limit", "4")])
        check(len(env_["data"]) == 4 and "warnings" not in env_, "series limit=4 (exact): %r" % env_)

        # /labels
        env_ = api.call(method, "/api/v1/labels", [("match[]", '{__name__=~"cairn_meta_.*"}')])
        check(env_["data"] == ["__name__", "code", "instance", "job", "zone"], "labels: %r" % env_["data"])
        env_ = api.call(method, "/api/v1/labels", [("match[]", "cairn_meta_requests_total")])
        check(env_["data"] == ["__name__", "code", "instance", "job"], "labels match[]: %r" % env_["data"])
        env_ = api.call(method, "/api/v1/labels", [])
        check(set(["__name__", "code", "instance", "job", "zone"]) <= set(env_["data"])
              and env_["data"] == sorted(env_["data"]), "labels (all): %r" % env_["data"])
        env_ = api.call(method, "/api/v1/labels", [("match[]", '{__name__=~"cairn_meta_.*"}'), ("limit", "2")])
        check(env_["data"] == ["__name__", "code"], "labels limit=2: %r" % env_["data"])
        check(TRUNCATED in env_.get("warnings", []), "labels limit: warnings %r" % env_.get("warnings"))
        env_ = api.call(method, "/api/v1/labels", [("match[]", "cairn_meta_no_such_metric")])
        check(env_["data"] == [], "labels of nothing must be []: %r" % env_["data"])

        # errors
        for params, what in (([], "no match[]"),
                             ([("match[]", '{job=""}')], "empty matcher"),
                             ([("match[]", '{job=~".*"}')], "matches empty"),
                             ([("match[]", "cairn_meta_up{")], "bad selector"),
                             ([("match[]", "cairn_meta_up"), ("limit", "abc")], "bad limit"),
                             ([("match[]", "cairn_meta_up"), ("start", "yesterday")], "bad start")):
            env_ = api.call(method, "/api/v1/series", params, want_status=400)
            check(env_.get("errorType") == "bad_data", "series %s: errorType %r" % (what, env_.get("errorType")))
        env_ = api.call(method, "/api/v1/series", [], want_status=400)
        check("no match[] parameter provided" in env_["error"], "no match[] message: %r" % env_["error"])
        env_ = api.call(method, "/api/v1/series", [("match[]", '{job=""}')], want_status=400)
        check("match[] must contain at least one non-empty matcher" in env_["error"],
              "empty matcher message: %r" % env_["error"])
        env_ = api.call(method, "/api/v1/labels", [("match[]", "cairn_meta_up{")], want_status=400)
        check(env_.get("errorType") == "bad_data", "labels bad match[]: %r" % env_)

    # /label/<name>/values (GET only upstream)
    vals = api.call("GET", "/api/v1/label/job/values", [])["data"]
    check({"api", "db", "web"} <= set(vals) and vals == sorted(vals), "job values: %r" % vals)
    vals = api.call("GET", "/api/v1/label/job/values", [("match[]", "cairn_meta_up")])["data"]
    check(vals == ["api", "db"], "job values for cairn_meta_up: %r" % vals)
    vals = api.call("GET", "/api/v1/label/code/values", [("match[]", "cairn_meta_requests_total")])["data"]
    check(vals == ["200", "404", "500"], "code values: %r" % vals)
    names = api.call("GET", "/api/v1/label/__name__/values", [])["data"]
    check({"cairn_meta_requests_total", "cairn_meta_up"} <= set(names) and names == sorted(names),
          "__name__ values: %r" % names)
    env_ = api.call("GET", "/api/v1/label/code/values", [("match[]", "cairn_meta_requests_total"), ("limit", "1")])
    check(env_["data"] == ["200"] and TRUNCATED in env_.get("warnings", []), "values limit=1: %r" % env_)
    env_ = api.call("GET", "/api/v1/label/no_such_label/values", [])
    check(env_["data"] == [], "values of unknown label must be []: %r" % env_["data"])
    env_ = api.call("GET", "/api/v1/label/job/values", [("match[]", "{")], want_status=400)
    check(env_.get("errorType") == "bad_data", "values bad match[]: %r" % env_)

    # promtool against Cairn
    promtool = env.binary("promtool")
    out = subprocess.run([promtool, "query", "series", cairn.url, "--match=cairn_meta_up"],
                         capture_output=True, text=True, timeout=60)
    check(out.returncode == 0, "promtool query series: rc %d: %s" % (out.returncode, out.stderr))
    lines = sorted(l.strip() for l in out.stdout.splitlines() if l.strip())
    want = sorted("{" + ", ".join('%s="%s"' % kv for kv in sorted(s.items())) + "}"
                  for s in SERIES if s["__name__"] == "cairn_meta_up")
    check(lines == want, "promtool query series printed %r, want %r" % (lines, want))
    out = subprocess.run([promtool, "query", "labels", cairn.url, "job", "--match=cairn_meta_requests_total"],
                         capture_output=True, text=True, timeout=60)
    check(out.returncode == 0, "promtool query labels: rc %d: %s" % (out.returncode, out.stderr))
    lines = [l.strip() for l in out.stdout.splitlines() if l.strip()]
    check(lines == ["api", "web"], "promtool query labels printed %r" % lines)
    print("metadata API calls %d (series returned %d), promtool series %d, promtool labels %d"
          % (api.calls, n, len(want), len(lines)))
    cairn.stop()


if __name__ == "__main__":
    harness.run(main, __doc__)
