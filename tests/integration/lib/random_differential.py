"""Random-expression mode of the PromQL differential (see query_differential.py).

Builds a DataModel of the data both servers hold from Prometheus' own answer,
generates seeded expressions (lib/promql_gen.py), runs each as two instant
queries and one range query on both servers and compares the answers with
lib/promql_diff.py. A differing answer is *excluded* (counted per reason, not
failed) only when the difference is one Prometheus 3.x legitimately has against
2.42 and the answers show it:
  - topk/bottomk tie: a topk/bottomk argument has equal values at a step, so
    which series is kept is unspecified;
  - stddev/stdvar over NaN/Inf: a stddev/stdvar argument has a NaN or ±Inf
    value (3.x answers NaN for a group whose first value is one, 2.42 0);
  - count_values of values differing in the last bits: the answers agree once
    numeric label values are rounded to 12 digits;
  - cancellation: same series and timestamps, every differing value is within
    CANCEL_TOL of the expression's magnitude (sums that cancel to the last bits;
    3.x sums with Kahan compensation).
Everything else is a difference.
"""
import collections
import math
import re
import time

from . import promql_diff
from . import promql_gen

CANCEL_TOL = 2e-14


def build_model(prom_url, t_now, data_start_ms, data_end_ms, phases):
    """A DataModel from every raw sample Prometheus holds."""
    res = promql_diff.run_query(prom_url, '{__name__=~".+"}[15m]', time_s=t_now, timeout=120)
    if res.kind != "matrix" or not res.data:
        raise RuntimeError("prometheus returned no raw data: %r" % res)
    series, first, max_abs = collections.defaultdict(list), {}, {}
    for key, pts in res.data.items():
        labels = dict(key)
        name = labels.pop("__name__")
        series[name].append(labels)
        first[name] = max(first.get(name, 0), pts[0][0])
        finite = [abs(v) for _, v in pts if math.isfinite(v)]
        max_abs[name] = max([max_abs.get(name, 0.0)] + finite)
    return promql_gen.DataModel(dict(series), first, max_abs, data_start_ms, data_end_ms, phases)


def query_runs(times):
    runs = [("instant@%.3f" % t, dict(time_s=t)) for t in times.instants]
    runs.append(("range %.3f..%.3f step %ds" % (times.r_start, times.r_end, times.step_s),
                 dict(start=times.r_start, end=times.r_end, step=times.step_s)))
    return runs


def _has_ties(res):
    """Whether any step of an answer holds two equal values (NaN equal to NaN)."""
    if res.kind == "vector":
        vals = [v for _, v in res.data.values()]
        return _dup([vals])
    if res.kind == "matrix":
        by_t = collections.defaultdict(list)
        for pts in res.data.values():
            for t, v in pts:
                by_t[t].append(v)
        return _dup(by_t.values())
    return False


def _has_non_finite(res):
    if res.kind == "vector":
        return any(not math.isfinite(v) for _, v in res.data.values())
    if res.kind == "matrix":
        return any(not math.isfinite(v) for pts in res.data.values() for _, v in pts)
    return False


def _dup(groups):
    for vals in groups:
        keys = ["NaN" if math.isnan(v) else v for v in vals]
        if len(keys) != len(set(keys)):
            return True
    return False


def _round_labels(key):
    out = []
    for name, value in key:
        try:
            f = float(value)
            if math.isfinite(f):
                value = "%.12g" % f
        except ValueError:
            pass
        out.append((name, value))
    return tuple(out)


def _same_rounded_labels(want, got):
    """Whether the answers agree once numeric label values are rounded to 12 digits: count_values
    turns values into labels, so two sums that differ in their last bits give different series."""
    if want.kind != got.kind or want.kind not in ("vector", "matrix"):
        return False
    def rounded(res):
        out = {}
        for k, v in res.data.items():
            rk = _round_labels(k)
            if rk in out:
                return None
            out[rk] = v
        return out
    w, g = rounded(want), rounded(got)
    if w is None or g is None:
        return False
    return not promql_diff.compare(promql_diff.Result(want.kind, w, want.order),
                                   promql_diff.Result(got.kind, g, got.order))


def _only_cancellation(want, got, scale):
    """Same series and timestamps, and every differing value is tiny against the scale."""
    if want.kind != got.kind or want.kind not in ("vector", "matrix", "scalar") or not math.isfinite(scale):
        return False
    if want.kind == "scalar":
        pairs = [(want.data[1], got.data[1])] if want.data[0] == got.data[0] else None
    else:
        if set(want.data) != set(got.data):
            return False
        pairs = []
        for k, w in want.data.items():
            g = got.data[k]
            w, g = ([w], [g]) if want.kind == "vector" else (w, g)
            if [p[0] for p in w] != [p[0] for p in g]:
                return False
            pairs += [(a[1], b[1]) for a, b in zip(w, g)]
    if pairs is None:
        return False
    tol = CANCEL_TOL * max(scale, 1.0)
    for a, b in pairs:
        if promql_diff.values_equal(a, b):
            continue
        if not (math.isfinite(a) and math.isfinite(b) and abs(a - b) <= tol):
            return False
    return True


def signature(want, got, problems):
    """A coarse kind of difference, to group many differing expressions into few causes."""
    def side(r):
        if r is None:
            return "malformed"
        if r.kind == "error":
            return "error(%s: %s)" % (r.error, re.sub(r'"[^"]*"|\{[^}]*\}|[0-9.]+', "_", r.message or "")[:80])
        return r.kind if r.data else "empty " + r.kind
    if want is None or got is None or want.kind != got.kind or "error" in (want.kind, got.kind):
        return "prometheus %s, cairn %s" % (side(want), side(got))
    first = problems[0] if problems else ""
    for kind in ("missing series", "extra series", "timestamps", "sort order", "timestamp", "string"):
        if kind in first:
            return "%s: %s" % (want.kind, kind)
    return "%s: values differ" % want.kind


class Runner:
    def __init__(self, prom_url, cairn_url, model, times, seed, verbose=False):
        self.prom, self.cairn = prom_url, cairn_url
        self.model, self.times, self.seed = model, times, seed
        self.runs = query_runs(times)
        self.verbose = verbose
        self.excluded = collections.Counter()
        self.answer_kinds = collections.Counter()
        self.invalid = []  # (expr, message): Prometheus could not parse it, a generator bug
        self.differences = []  # (index, expr, run name)
        self.signatures = collections.OrderedDict()  # signature -> [count, first (index, expr, run)]

    def classify(self, gen, kw, want, got, problems):
        """None for a real difference, else the exclusion reason."""
        for reason, arg in gen.probes:
            try:
                probe = promql_diff.run_query(self.prom, arg, **kw)
            except ValueError:
                continue
            test = _has_ties if reason == "topk/bottomk tie" else _has_non_finite
            if test(probe):
                return reason
        # Prometheus 3.x checks one-to-one and group_left/right matches before
        # a comparison filters pairs out (upstream operators.test); 2.42 only
        # among the pairs it keeps, so it answers where 3.x (and Cairn) fail.
        if (got.kind == "error" and want.kind != "error"
                and "multiple matches for labels" in (getattr(got, "message", "") or "")):
            return "2.42 checks matches after comparison filters"
        if _only_cancellation(want, got, gen.scale):
            return "cancellation"
        if "count_values" in gen.text and _same_rounded_labels(want, got):
            return "count_values of values differing in the last bits"
        return None

    def compare_one(self, gen, kw):
        """(status, want, got, problems): status 'agree', 'differ' or an exclusion reason."""
        want = promql_diff.run_query(self.prom, gen.text, **kw)
        try:
            got = promql_diff.run_query(self.cairn, gen.text, **kw)
            problems = promql_diff.compare(want, got, ordered=gen.ordered)
        except ValueError as e:
            return "differ", want, None, ["cairn's answer is malformed: %s" % e]
        if not problems:
            return "agree", want, got, []
        reason = self.classify(gen, kw, want, got, problems)
        return (reason or "differ"), want, got, problems

    def run(self, count, shrink_limit=5):
        gen = promql_gen.Generator(self.model, self.times, self.seed)
        agree = differ = excluded = 0
        t0 = time.time()
        for i in range(count):
            g = gen.expression()
            statuses = []
            for what, kw in self.runs:
                status, want, got, problems = self.compare_one(g, kw)
                self.answer_kinds["error " + str(want.error) if want.kind == "error" else
                                  "empty" if want.kind in ("vector", "matrix") and not want.data else "data"] += 1
                if want.kind == "error" and want.error == "bad_data":
                    self.invalid.append((g.text, want.message))
                statuses.append(status)
                if status == "agree":
                    continue
                if status != "differ":
                    self.excluded[status] += 1
                    if self.verbose:
                        print("EXCLUDED (%s) seed %d #%d %s: %s" % (status, self.seed, i, what, g.text))
                    continue
                print("DIFF seed %d expression #%d %s\n    expr %s\n    prometheus %r\n    cairn      %r" %
                      (self.seed, i, what, g.text, want, got))
                for p in problems:
                    print("    " + p)
                if len(self.differences) < shrink_limit:
                    small = self.shrink(g, kw)
                    if small and small != g.text:
                        print("    smallest differing subexpression: %s" % small)
                self.differences.append((i, g.text, what))
                sig = signature(want, got, problems)
                entry = self.signatures.setdefault(sig, [0, (i, g.text, what)])
                entry[0] += 1
            if "differ" in statuses:
                differ += 1
            elif all(s == "agree" for s in statuses):
                agree += 1
            else:
                excluded += 1
        self.elapsed = time.time() - t0
        self.avoided = gen.avoided
        return agree, differ, excluded

    def print_signatures(self):
        for sig, (n, (i, text, what)) in self.signatures.items():
            print("difference kind: %s: %d answers; first #%d %s: %s" % (sig, n, i, what, text))

    def shrink(self, g, kw):
        """The shortest instant-vector subexpression that differs on its own (no exclusion applies)."""
        for text in sorted(set(g.subexprs), key=len):
            if text == g.text:
                break
            sub = promql_gen.Generated(text, False, [p for p in g.probes if p[1] in text], g.scale, [])
            try:
                status = self.compare_one(sub, kw)[0]
            except ValueError:
                continue
            if status == "differ":
                return text
        return None
