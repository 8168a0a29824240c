"""Differential comparison of PromQL query results between two API v1 servers.

Runs the same instant or range query against a reference server (Prometheus)
and a server under test (Cairn) through /api/v1/query and /api/v1/query_range,
normalises both JSON results and compares them:
  - resultType must match;
  - vectors/matrices: the same label sets (order-independent, except that the
    value sequence of sort()/sort_desc() results must match), the same
    timestamps (milliseconds) and values equal within a relative tolerance;
  - NaN equals NaN, +Inf/-Inf only themselves;
  - an error on one side must be an error on the other (same errorType).
Only the Python standard library is used.
"""
import json
import math
import urllib.parse

from . import harness

REL_TOL = 1e-9


def parse_value(s):
    if not isinstance(s, str):
        raise ValueError("sample value is not a JSON string: %r" % (s,))
    return float(s)  # accepts "NaN", "+Inf", "-Inf"


def values_equal(a, b, rel_tol=REL_TOL):
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if a == b:
        return True
    if math.isinf(a) or math.isinf(b):
        return False
    return abs(a - b) <= rel_tol * max(abs(a), abs(b))


def ts_ms(t):
    if not isinstance(t, (int, float)) or isinstance(t, bool):
        raise ValueError("timestamp is not a JSON number: %r" % (t,))
    return int(round(t * 1000))


def label_key(metric):
    if not isinstance(metric, dict):
        raise ValueError("metric is not an object: %r" % (metric,))
    return tuple(sorted(metric.items()))


def fmt_labels(key):
    return "{" + ", ".join('%s="%s"' % kv for kv in key) + "}"


class Result:
    """A normalised query answer: kind is 'error' or a resultType."""

    def __init__(self, kind, data=None, order=None, error=None, message=None):
        self.kind = kind
        self.message = message  # an error's text (not compared: the wording differs between versions)
        self.data = data      # vector: {key: (ms, v)}; matrix: {key: [(ms, v)]}; scalar/string: (ms, v)
        self.order = order    # vector: values in response order
        self.error = error

    def __repr__(self):
        if self.kind == "error":
            return "error(%s: %s)" % (self.error, self.message)
        return "%s(%s)" % (self.kind, _short(self.data))


def _short(data, limit=400):
    s = repr(data)
    return s if len(s) <= limit else s[:limit] + "..."


def normalise(body, status):
    """Turns an API response into a Result; raises ValueError on a malformed body."""
    env = json.loads(body)
    if env.get("status") == "error":
        if status < 400:
            raise ValueError("error envelope with HTTP %d" % status)
        return Result("error", error=env.get("errorType"), message=env.get("error"))
    if status != 200 or env.get("status") != "success":
        raise ValueError("HTTP %d status %r" % (status, env.get("status")))
    data = env.get("data")
    rtype = data.get("resultType")
    res = data.get("result")
    if rtype in ("scalar", "string"):
        t, v = res
        return Result(rtype, (ts_ms(t), parse_value(v) if rtype == "scalar" else v))
    if not isinstance(res, list):
        raise ValueError("result is not a list: %r" % (res,))
    if rtype == "vector":
        out, order = {}, []
        for s in res:
            k = label_key(s["metric"])
            if k in out:
                raise ValueError("duplicate series %s" % fmt_labels(k))
            t, v = s["value"]
            out[k] = (ts_ms(t), parse_value(v))
            order.append(out[k][1])
        return Result("vector", out, order)
    if rtype == "matrix":
        out = {}
        for s in res:
            k = label_key(s["metric"])
            if k in out:
                raise ValueError("duplicate series %s" % fmt_labels(k))
            pts = [(ts_ms(t), parse_value(v)) for t, v in s["values"]]
            if [p[0] for p in pts] != sorted(set(p[0] for p in pts)):
                raise ValueError("points of %s not strictly increasing" % fmt_labels(k))
            out[k] = pts
        return Result("matrix", out)
    raise ValueError("unknown resultType %r" % (rtype,))


def run_query(base_url, expr, time_s=None, start=None, end=None, step=None, timeout=30):
    """POSTs a form-encoded instant (time_s) or range (start/end/step) query."""
    if time_s is not None:
        path, params = "/api/v1/query", [("query", expr), ("time", "%.3f" % time_s)]
    else:
        path = "/api/v1/query_range"
        params = [("query", expr), ("start", "%.3f" % start), ("end", "%.3f" % end), ("step", str(step))]
    r = harness.http_request("POST", base_url + path, urllib.parse.urlencode(params).encode(),
                             {"Content-Type": "application/x-www-form-urlencoded"}, timeout=timeout)
    return normalise(r.body, r.status)


def _cmp_vals(what, a, b, problems):
    if not values_equal(a, b):
        problems.append("%s: want %r, got %r" % (what, a, b))


def compare(want, got, ordered=False, max_problems=5):
    """Returns a list of human-readable differences (empty = agree)."""
    if want.kind != got.kind:
        return ["want %r, got %r" % (want, got)]
    if want.kind == "error":
        return [] if want.error == got.error else ["errorType: want %s, got %s" % (want.error, got.error)]
    problems = []
    if want.kind in ("scalar", "string"):
        if want.data[0] != got.data[0]:
            problems.append("timestamp: want %d, got %d" % (want.data[0], got.data[0]))
        if want.kind == "scalar":
            _cmp_vals("value", want.data[1], got.data[1], problems)
        elif want.data[1] != got.data[1]:
            problems.append("string: want %r, got %r" % (want.data[1], got.data[1]))
        return problems
    missing = sorted(set(want.data) - set(got.data))
    extra = sorted(set(got.data) - set(want.data))
    for k in missing[:max_problems]:
        problems.append("missing series %s = %s" % (fmt_labels(k), _short(want.data[k], 120)))
    for k in extra[:max_problems]:
        problems.append("extra series %s = %s" % (fmt_labels(k), _short(got.data[k], 120)))
    for k in sorted(set(want.data) & set(got.data)):
        if len(problems) >= max_problems:
            break
        w, g = want.data[k], got.data[k]
        if want.kind == "vector":
            if w[0] != g[0]:
                problems.append("%s: timestamp want %d, got %d" % (fmt_labels(k), w[0], g[0]))
            _cmp_vals(fmt_labels(k), w[1], g[1], problems)
            continue
        wt, gt = [p[0] for p in w], [p[0] for p in g]
        if wt != gt:
            problems.append("%s: timestamps want %s, got %s" % (fmt_labels(k), _short(wt, 150), _short(gt, 150)))
            continue
        for (t, a), (_, b) in zip(w, g):
            _cmp_vals("%s @%d" % (fmt_labels(k), t), a, b, problems)
    if ordered and want.kind == "vector" and not problems:
        for i, (a, b) in enumerate(zip(want.order, got.order)):
            if not values_equal(a, b):
                problems.append("sort order differs at position %d: want %r, got %r" % (i, a, b))
                break
    return problems[:max_problems]
