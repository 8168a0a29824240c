#!/usr/bin/env python3
"""PromQL differential test: Cairn against Debian's Prometheus 2.42 on the same data.

Prometheus scrapes itself and a prometheus-node-exporter (a few collectors) every
second and remote-writes into Cairn. After ~30 s it is stopped with SIGTERM (its
queues flush) and restarted on the same storage without scrape configs, so both
servers hold fixed, identical data. Then well over 150 PromQL expressions covering
every function family run against both servers, each as two instant queries and
one range query, at evaluation times safely before the newest sample Cairn holds
and never on a sample timestamp (the millisecond phase is chosen as far as
possible from every scrape's phase), so that 2.42's closed and 3.x's left-open
range windows select the same samples. Results are compared by label set and
value (1e-9 relative, NaN == NaN); errors must have the same errorType.
Every expression also goes through /api/v1/format_query on both (same text), and
the series/labels/label-values endpoints are compared on series present from the
first scrape on. Prints every differing query and `differential: N agree, M
differ`; fails on any difference not in ALLOWED_DIFFERENCES.

Then, on the same pair, seeded random expressions (lib/promql_gen.py,
lib/random_differential.py; README.md "Random expressions"): CI_SEED/CI_COUNT in
ctest, `--seed N --count M` by hand, `--only random` to skip the fixed list.
Prints `random differential: N agree, M differ, K excluded`; fails on any
difference.
"""
import json
import os
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import harness  # noqa: E402
from lib import promql_diff  # noqa: E402
from lib import promql_gen  # noqa: E402
from lib import random_differential  # noqa: E402
from lib.harness import check, log  # noqa: E402

SCRAPE_S = 32
# The random-expression run in CI (ctest); any other seed/count by hand with --seed/--count.
CI_SEED = 1
CI_COUNT = 400
TAIL_MARGIN_S = 3
# Queries whose difference is understood and accepted, each with its reason. Keep empty.
ALLOWED_DIFFERENCES = {
}

C_NODE = "node_cpu_seconds_total"
C_PROM = "prometheus_http_requests_total"
HIST = "prometheus_http_request_duration_seconds_bucket"


def build_queries(t_at, subquery_ranges_safe):
    """t_at: a time (s) on the evaluation phase for @; subquery_ranges_safe: no scrape phase is near
    a whole second, so range selectors evaluated at subquery steps (whole seconds) are safe too."""
    t_cal = int(t_at)
    q = []
    counters = [C_NODE, C_PROM, "process_cpu_seconds_total", "node_network_receive_bytes_total",
                "prometheus_tsdb_head_samples_appended_total", "node_context_switches_total"]
    gauges = ["go_goroutines", "node_memory_MemFree_bytes", "process_resident_memory_bytes",
              "go_memstats_heap_alloc_bytes", "node_load1", "scrape_duration_seconds"]
    # Rate family.
    for f in ("rate", "irate", "increase"):
        for m in counters[:4]:
            q.append("%s(%s[5s])" % (f, m))
        q.append("sum by (job) (%s(%s[10s]))" % (f, counters[4]))
    for f in ("delta", "idelta", "deriv"):
        for m in gauges[:4]:
            q.append("%s(%s[10s])" % (f, m))
    q += ["deriv(%s[15s])" % C_NODE,
          "predict_linear(go_memstats_heap_alloc_bytes[10s], 60)",
          "predict_linear(node_memory_MemFree_bytes[15s], 3600)",
          "predict_linear(%s[10s], -30)" % C_NODE]
    # *_over_time.
    for f in ("avg", "min", "max", "sum", "count", "stddev", "stdvar", "last", "present"):
        q.append("%s_over_time(go_goroutines[10s])" % f)
        q.append("%s_over_time(scrape_duration_seconds[7s])" % f)
    q += ["quantile_over_time(0.5, go_goroutines[10s])",
          "quantile_over_time(0.9, scrape_duration_seconds[10s])",
          "quantile_over_time(0, node_load1[10s])",
          "quantile_over_time(1.5, node_load1[10s])",
          "absent_over_time(go_goroutines[10s])",
          "absent_over_time(nonexistent_metric{job=\"x\"}[10s])",
          "changes(go_goroutines[15s])", "changes(node_memory_MemFree_bytes[15s])",
          "resets(%s[15s])" % C_NODE, "resets(go_memstats_heap_alloc_bytes[15s])"]
    # Aggregations.
    for a in ("sum", "min", "max", "avg", "count", "group", "stddev", "stdvar"):
        q.append("%s(%s)" % (a, C_NODE))
        q.append("%s by (mode) (rate(%s[5s]))" % (a, C_NODE))
        q.append("%s without (handler) (%s)" % (a, C_PROM))
    q += ["topk(3, %s)" % C_NODE, "bottomk(3, %s{mode=~\"idle|user|system\"})" % C_NODE,
          "topk by (mode) (1, %s{mode=~\"idle|user|system\"})" % C_NODE,  # no ties (steal: 0 everywhere)
          "topk(2, process_resident_memory_bytes)",
          "bottomk(1, go_goroutines)",
          "quantile(0.5, %s)" % C_NODE, "quantile by (mode) (0.9, %s)" % C_NODE,
          "quantile(0.25, go_goroutines)",
          "count_values(\"v\", up)", "count_values(\"n\", count by (mode) (%s))" % C_NODE,
          "count by (job) (up)", "sum by (job, instance) (scrape_samples_scraped)",
          "avg without (cpu) (rate(%s[10s]))" % C_NODE,
          "max by (device) (rate(node_network_receive_bytes_total[5s]))"]
    # Binary operators, matching, set operators.
    q += ["%s / on (instance, job) group_left node_load1" % C_NODE,
          "%s / ignoring (mode) group_left sum without (mode) (%s)" % (C_NODE, C_NODE),
          "up * on (instance, job) group_left (version) node_exporter_build_info",
          "sum without (mode) (%s) / on (cpu) group_right sum by (cpu) (%s)" % (C_NODE, C_NODE),
          "rate(%s[10s]) / ignoring (code) group_left sum without (code) (rate(%s[10s]))" % (C_PROM, C_PROM),
          "go_goroutines + on (job) process_open_fds",
          "go_goroutines - ignoring (foo) go_threads",
          "go_goroutines > 5", "go_goroutines > bool 5", "go_goroutines < bool 1e9",
          "%s > 1 < 1e12" % C_NODE, "%s == bool %s" % (C_NODE, C_NODE),
          "up != 0", "go_goroutines >= go_goroutines", "1 < bool 2", "1 + 2 * 3 ^ 2 % 5",
          "-go_goroutines", "go_goroutines % 7", "2 ^ go_threads",
          # (vector atan2 keeps __name__ in 2.42 but drops it in 3.x: only nameless operands here)
          "(node_load1 + 0) atan2 1", "sum(node_load1) atan2 sum(node_load5)",
          "scalar(node_load1) * go_goroutines", "go_goroutines / 0", "-go_goroutines / 0",
          "go_goroutines * 0 / 0",
          "up and on (job) node_load1", "up or vector(0)", "up unless on (job) node_load1",
          "go_goroutines or node_load1", "go_goroutines and go_threads",
          "node_load1 or node_load5 or node_load15",
          "(node_load1 unless node_load5) or up"]
    # Math functions.
    for f in ("abs", "ceil", "floor", "exp", "ln", "log2", "log10", "sqrt", "sgn", "sin", "cos", "tan",
              "atan", "sinh", "cosh", "tanh", "asinh", "deg", "rad"):
        q.append("%s(-node_load1 + 0.5)" % f if f in ("abs", "ceil", "floor", "sgn", "atan", "sinh",
                                                       "cosh", "tanh", "asinh") else "%s(node_load1)" % f)
    q += ["asin(clamp(node_load1 - 0.5, -1, 1))", "acos(clamp(node_load1, -1, 1))",
          "acosh(node_load1 + 1)", "atanh(clamp(node_load1, -0.9, 0.9))", "pi() * 2",
          "ln(-go_goroutines)", "sqrt(-go_goroutines)", "exp(go_goroutines)",
          "round(node_load1)", "round(node_load1, 0.1)", "round(scrape_duration_seconds, 0.001)",
          "round(-go_goroutines / 3)",
          "clamp(node_load1, 0.1, 0.2)", "clamp(go_goroutines, 10, 5)", "clamp_min(node_load1, 0.5)",
          "clamp_max(go_goroutines, 20)"]
    # Labels.
    q += ["label_replace(up, \"host\", \"$1\", \"instance\", \"(.*):.*\")",
          "label_replace(up, \"port\", \"$2\", \"instance\", \"(.*):(.*)\")",
          "label_replace(up, \"job\", \"\", \"job\", \".*\")",
          "label_replace(go_goroutines, \"x\", \"y\", \"nolabel\", \"nomatch\")",
          "label_replace(%s, \"m\", \"${1}_x\", \"mode\", \"(i.*)\")" % C_NODE,
          "label_join(up, \"foo\", \"-\", \"job\", \"instance\")",
          "label_join(up, \"job\", \",\")",
          "label_join(go_goroutines, \"a\", \"\", \"job\", \"job\", \"__name__\")"]
    # Histograms.
    q += ["histogram_quantile(0.9, rate(%s[10s]))" % HIST,
          "histogram_quantile(0.5, sum by (le) (rate(%s[10s])))" % HIST,
          "histogram_quantile(0.99, sum by (le, handler) (rate(%s[15s])))" % HIST,
          "histogram_quantile(0.5, %s)" % HIST,
          "histogram_quantile(1, sum by (le) (%s))" % HIST,
          "histogram_quantile(0, sum by (le) (%s))" % HIST,
          "histogram_quantile(-1, sum by (le) (%s))" % HIST,
          "histogram_quantile(0.75, sum by (le) (rate(prometheus_http_response_size_bytes_bucket[10s])))"]
    # Time functions.
    q += ["time()", "timestamp(up)", "timestamp(go_goroutines offset 3s)",
          "minute()", "hour()", "day_of_week()", "day_of_month()", "days_in_month()", "month()", "year()",
          "minute(timestamp(up))", "hour(vector(%d))" % t_cal, "day_of_week(vector(%d))" % t_cal,
          "month(vector(1e9))", "year(vector(-1e9))", "days_in_month(vector(951782400))",
          "time() - timestamp(up)"]
    # Sorting, absent, scalar/vector, literals.
    q += ["sort(go_goroutines)", "sort_desc(%s)" % C_NODE, "sort(rate(%s[10s]))" % C_NODE,
          "sort_desc(sum by (mode) (%s))" % C_NODE,
          "absent(nonexistent_metric)", "absent(nonexistent_metric{job=\"x\", a=~\"b\"})",
          "absent(up)", "absent(sum(nonexistent_metric))",
          "scalar(up)", "scalar(sum(up))", "vector(1)", "vector(scalar(node_load1))", "42", "-1.5e3",
          "\"a string\"", "NaN", "+Inf", "up", "{__name__=~\"node_load.*\"}",
          "{job=\"prometheus\", __name__=~\"go_gc_duration.*\"}", "go_gc_duration_seconds{quantile=\"1\"}",
          "up{job!=\"node\"}", "%s{mode!~\"idle|iowait\", cpu=\"0\"}" % C_NODE]
    # Subqueries, offset and @.
    q += ["max_over_time(go_goroutines[20s:2s])", "avg_over_time(node_load1[10s:1s])",
          "min_over_time(sum(go_goroutines)[15s:3s])", "deriv(go_memstats_heap_alloc_bytes[20s:2s])",
          "count_over_time(up[12s:4s])", "sum_over_time(node_memory_MemFree_bytes[9s:3s] offset 2s)",
          "go_goroutines offset 5s", "rate(%s[10s] offset 5s)" % C_NODE, "sum(up offset 10s)",
          "go_goroutines offset -2s", "delta(go_goroutines[10s] offset 3s)",
          "go_goroutines @ %.3f" % t_at, "rate(%s[5s] @ %.3f)" % (C_NODE, t_at),
          "go_goroutines @ end()", "max_over_time(go_goroutines[10s] @ start())"]
    # Edge cases: NaN/Inf arithmetic, odd parameters, matching errors, name handling.
    q += ["topk(0, go_goroutines)", "topk(-1, go_goroutines)", "bottomk(2.7, %s{mode=\"idle\"})" % C_NODE,
          "topk(scalar(count(up)), %s{mode=\"user\"})" % C_NODE, "quantile(NaN, go_goroutines)",
          "quantile(-0.5, go_goroutines)", "quantile(2, go_goroutines)",
          "quantile_over_time(NaN, go_goroutines[10s])", "quantile_over_time(-1, go_goroutines[10s])",
          "count_values(\"job\", up)", "count_values(\"le\", %s)" % HIST,
          "count_values(\"v\", scrape_duration_seconds * 1e9)",
          "count_values(\"v\", node_load1 / 3)", "count_values(\"v\", go_goroutines / 0)",
          "sum by (__name__) ({__name__=~\"go_.*\"})", "count without () (up)", "max by (le) (%s)" % HIST,
          "group by (job) ({job=~\".+\"})", "stddev(go_goroutines)", "stdvar by (job) (scrape_duration_seconds)",
          "avg(go_goroutines / 0)", "sum(-go_goroutines / 0)", "max(go_goroutines * 0 / 0)",
          "min(go_goroutines * 0 / 0 or up)", "%s * on (job) %s" % (C_NODE, C_NODE),
          "up * on (job) group_left up", "up + on () group_left sum(up)",
          "go_goroutines == bool on (job) go_threads", "go_goroutines > on (job, instance) go_threads",
          "up / on (job) group_left () count by (job) (up)",
          "timestamp(rate(%s[10s]))" % C_NODE, "timestamp(sum(up))", "timestamp(vector(1))",
          "round(-node_load1, 0.3)", "round(go_goroutines, -10)", "round(node_load1, 0)",
          "-0 * go_goroutines", "sgn(go_goroutines - go_goroutines)", "sqrt(0 * go_goroutines)",
          "ln(0 * go_goroutines)", "clamp_min(go_goroutines / 0, 5)", "clamp_max(-go_goroutines / 0, 5)",
          "scalar(up)", "scalar(vector(2)) ^ 0.5", "absent(up{job=\"nope\"}) * 2",
          "sort(node_load1 * 0 / 0 or %s{mode=\"idle\"})" % C_NODE,
          "label_replace(up, \"__name__\", \"renamed\", \"job\", \"node\")",
          "label_replace(rate(%s[5s]), \"__name__\", \"x_$1\", \"mode\", \"(.*)\")" % C_NODE,
          "label_join(up, \"__name__\", \"_\", \"job\")",
          # (counters that start near zero only with windows inside the data: when a window reaches
          # before the first sample, 2.42 extrapolates to the counter's zero point up to 1.1 intervals,
          # 3.x only up to half an interval)
          "increase(%s[8s])" % C_PROM, "increase(%s[30s])" % C_NODE, "rate(%s[20s])" % C_NODE,
          "irate(go_goroutines[10s])",
          "delta(%s[10s])" % C_NODE, "deriv(up[10s])", "rate(up[10s])",
          "predict_linear(up[10s], 100)", "changes(up[20s])", "resets(up[20s])",
          "stddev_over_time(%s[10s])" % C_NODE, "avg_over_time(%s[10s])" % C_NODE,
          "sum_over_time(go_goroutines[1s])", "count_over_time(go_goroutines[500ms])",
          "last_over_time(node_load1[2s])", "min_over_time(up[10s]) offset 1m",
          "max_over_time(go_goroutines[10s:])", "min_over_time(go_goroutines[10s:3s] @ end())"]
    if subquery_ranges_safe:
        q += ["max_over_time(rate(%s[5s])[20s:2s])" % C_NODE,
              "avg_over_time(irate(%s[5s])[10s:1s])" % C_PROM,
              "rate(sum(%s)[15s:1s])" % C_NODE]
    # The seed stack's dashboards and alert rules (shared/SEED.md), written as their authors would,
    # over node_exporter and Prometheus' own HTTP metrics in place of the services' http_* metrics.
    q += ["100 - (avg by (instance) (rate(%s{mode=\"idle\"}[10s])) * 100)" % C_NODE,
          "100 - (avg by (instance) (rate(%s{mode=\"idle\"}[10s])) * 100) > 0" % C_NODE,
          "(1 - (node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes)) * 100",
          "(1 - (node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes)) * 100 > 1",
          "up == 0", "up{job=\"node\"} == 1", "avg_over_time(up[20s]) < 1",
          "histogram_quantile(0.95, sum(rate(%s[10s])) by (le))" % HIST,
          "histogram_quantile(0.99, sum(rate(%s[10s])) by (le, handler)) > 0.5" % HIST,
          "sum(rate(%s{code=~\"5..\"}[10s])) / sum(rate(%s[10s]))" % (C_PROM, C_PROM),
          "sum by (code) (rate(%s[10s]))" % C_PROM, "sum by (job) (rate(%s[10s]))" % C_PROM,
          "sum(rate(node_network_receive_bytes_total{device!=\"lo\"}[10s])) by (instance)",
          "increase(process_cpu_seconds_total[20s]) > 0", "count by (job) (up == 1)"]
    # Errors must be errors on both sides (bad_data), whatever the evaluation time.
    q += ["rate(go_goroutines)", "sum(", "up[5s]", "foo{", "histogram_quantile(0.5)",
          "label_replace(up, \"x\", \"y\", \"job\", \"(\")",
          "sum(up) by (job) without (x)", "topk(up, up)", "count_values(1, up)", "quantile(\"a\", up)",
          "label_replace(up, \"a\", \"b\", \"c\")", "absent(1)", "vector(\"a\")", "time(1)", "1 and 1",
          "up and bool up", "{}", "{__name__=\"\"}", "1 < 2", "up + on (job) group_left 1",
          "rate(sum(up))", "up[5s] offset 1s", "up @ 1 offset 1s", "up offset 1s @ 1", "-{__name__=\"up\"}",
          "sum(up offset 1h30m)", "up{job=\"node\"} > bool 0 unless up{job=\"x\"}", "up[5s:1s] offset -1s",
          "rate(up[5s:1s])", "sum by (job) (rate(up[1x]))", "max_over_time((up)[10s:])"]
    # (not "1bad" as a label_replace target: 2.42 rejects it, 3.x accepts UTF-8 label names)
    return q


def run_fixed(prom_url, cairn_url, queries, t_mid, t_late, r_start, r_end, step, first_ms):
    """The fixed expression list, formatting and the metadata endpoints. Returns #differences."""
    agree, differ, allowed = 0, 0, 0
    kinds = {"empty": [], "error": [], "data": []}
    t0 = time.time()
    for expr in queries:
        runs = [("instant@%.3f" % t, dict(time_s=t)) for t in (t_mid, t_late)]
        runs.append(("range", dict(start=r_start, end=r_end, step=step)))
        for what, kw in runs:
            try:
                want = promql_diff.run_query(prom_url, expr, **kw)
            except ValueError as e:
                raise harness.Failure("prometheus answered %s %r malformed: %s" % (what, expr, e))
            if want.kind == "error":
                kinds["error"].append(expr)
            elif want.kind in ("vector", "matrix") and not want.data:
                kinds["empty"].append(expr)
            else:
                kinds["data"].append(expr)
            try:
                got = promql_diff.run_query(cairn_url, expr, **kw)
                problems = promql_diff.compare(want, got, ordered=expr.startswith("sort"))
            except ValueError as e:
                problems = ["cairn's answer is malformed: %s" % e]
            if not problems:
                agree += 1
                continue
            reason = ALLOWED_DIFFERENCES.get(expr)
            print("DIFF %s %s%s" % (what, expr, " (allowed: %s)" % reason if reason else ""))
            for p in problems:
                print("    " + p)
            if reason:
                allowed += 1
            else:
                differ += 1
    print("differential: %d agree, %d differ (%d more allowed) over %d expressions in %.1fs" %
          (agree, differ, allowed, len(queries), time.time() - t0), flush=True)
    differ += compare_formatting(prom_url, cairn_url, queries)
    differ += compare_metadata(prom_url, cairn_url, first_ms / 1e3, t_late)
    print("prometheus answers: %d with data, %d empty, %d errors; empty: %s" %
          (len(kinds["data"]), len(kinds["empty"]), len(kinds["error"]), sorted(set(kinds["empty"]))))
    check(len(kinds["data"]) >= 0.85 * (agree + differ + allowed),
          "too few evaluations return data; are the scraped metric names right?")
    return differ


def run_random(prom_url, cairn_url, times, first_ms, last_ms, phases, args):
    """Seeded random expressions (lib/promql_gen.py). Returns #expressions that differ."""
    seed = int(args.seed) if args.seed else CI_SEED
    count = int(args.count) if args.count else CI_COUNT
    model = random_differential.build_model(prom_url, last_ms / 1e3 + 60, first_ms, last_ms, phases)
    log("random expressions: seed %d, count %d, over %d metrics (%d counters present from the start)" %
        (seed, count, len(model.names), len(model.counters)))
    runner = random_differential.Runner(prom_url, cairn_url, model, times, seed, verbose=bool(args.verbose))
    agree, differ, excluded = runner.run(count)
    print("random differential: %d agree, %d differ, %d excluded" % (agree, differ, excluded), flush=True)
    log("random: %.1fs; excluded answers by reason %s; avoided while generating %s; prometheus answers %s" %
        (runner.elapsed, dict(runner.excluded), dict(runner.avoided), dict(runner.answer_kinds)))
    runner.print_signatures()
    for text, message in runner.invalid[:5]:
        print("INVALID %s\n    %s" % (text, message))
    check(not runner.invalid, "the generator wrote %d expressions Prometheus cannot parse" % len(runner.invalid))
    answers = sum(runner.answer_kinds.values())
    check(runner.answer_kinds["data"] >= 0.4 * answers,
          "only %d of %d random answers hold data; does the generator fit the data?" % (runner.answer_kinds["data"],
                                                                                       answers))
    if differ:
        log("random: reproduce with --only random --seed %d --count %d" % (seed, count))
    return differ


def sample_phases(prom_url, t_now):
    """Millisecond phases (timestamp mod 1000) of every scrape Prometheus stored."""
    res = promql_diff.run_query(prom_url, "up[5m]", time_s=t_now)
    check(res.kind == "matrix" and len(res.data) == 2, "prometheus: up[5m] = %r" % res)
    phases, first, last = set(), None, None
    for pts in res.data.values():
        for t, _ in pts:
            phases.add(t % 1000)
        first = pts[0][0] if first is None else max(first, pts[0][0])
        last = pts[-1][0] if last is None else min(last, pts[-1][0])
    return phases, first, last


def best_phase(phases):
    """The millisecond phase in [0, 1000) farthest (circularly) from every scrape phase."""
    def dist(a, b):
        d = abs(a - b) % 1000
        return min(d, 1000 - d)
    return max(range(1000), key=lambda f: (min(dist(f, p) for p in phases), -f))


def post_form(url, params):
    r = harness.http_request("POST", url, urllib.parse.urlencode(params).encode(),
                             {"Content-Type": "application/x-www-form-urlencoded"})
    try:
        env = json.loads(r.body)
    except ValueError:
        env = {"unparsable": r.body[:200]}
    return r.status, env


def compare_formatting(prom_url, cairn_url, queries):
    """/api/v1/format_query must print every expression as Prometheus does. Returns #differences."""
    agree, differ = 0, 0
    for expr in queries:
        want = post_form(prom_url + "/api/v1/format_query", [("query", expr)])
        got = post_form(cairn_url + "/api/v1/format_query", [("query", expr)])
        same = want[0] == got[0] and want[1].get("status") == got[1].get("status")
        same = same and want[1].get("data") == got[1].get("data") and want[1].get("errorType") == got[1].get(
            "errorType")
        if same:
            agree += 1
            continue
        differ += 1
        print("DIFF format_query %s\n    want HTTP %d %r\n    got  HTTP %d %r" % (expr, want[0], want[1],
                                                                                   got[0], got[1]))
    print("format_query: %d agree, %d differ" % (agree, differ))
    return differ


def compare_metadata(prom_url, cairn_url, start, end):
    """Series/label endpoints on series present from the first scrape on. Returns #differences."""
    window = [("start", "%.3f" % start), ("end", "%.3f" % end)]
    calls = [("/api/v1/series", [("match[]", "up")]),
             ("/api/v1/series", [("match[]", '{job="node"}')]),
             ("/api/v1/series", [("match[]", C_NODE), ("match[]", "go_goroutines")]),
             ("/api/v1/labels", [("match[]", '{job="node"}')]),
             ("/api/v1/labels", [("match[]", C_NODE)]),
             ("/api/v1/label/__name__/values", [("match[]", '{job="node"}')]),
             ("/api/v1/label/mode/values", [("match[]", C_NODE)]),
             ("/api/v1/label/job/values", [("match[]", "up")]),
             ("/api/v1/label/le/values", [("match[]", HIST)])]
    differ = 0
    for path, params in calls:
        results = []
        for base in (prom_url, cairn_url):
            q = urllib.parse.urlencode(params + window)
            r = harness.http_get(base + path + "?" + q)
            data = json.loads(r.body).get("data") if r.status == 200 else None
            if path == "/api/v1/series" and isinstance(data, list):
                data = sorted(json.dumps(d, sort_keys=True) for d in data)
            results.append((r.status, data))
        check(results[0][0] == 200 and results[0][1], "prometheus %s %s: %r" % (path, params, results[0]))
        if results[0] != results[1]:
            differ += 1
            print("DIFF %s %s\n    want %s\n    got  %s" % (path, params, promql_diff._short(results[0][1]),
                                                              promql_diff._short(results[1][1])))
    print("metadata endpoints: %d agree, %d differ" % (len(calls) - differ, differ))
    return differ


def compare_metric_metadata(prom_url, cairn_url):
    """/api/v1/metadata: Prometheus' from its scrape targets, Cairn's from the metadata
    Prometheus remote-writes. Returns #differences."""
    calls = [[("metric", m)] for m in ("go_goroutines", "node_cpu_seconds_total", "node_load1",
                                        "prometheus_http_requests_total",
                                        "prometheus_http_request_duration_seconds", "node_memory_MemFree_bytes")]
    calls.append([("metric", "no_such_metric")])
    differ = 0
    for params in calls:
        results = []
        for base in (prom_url, cairn_url):
            r = harness.http_get(base + "/api/v1/metadata?" + urllib.parse.urlencode(params))
            results.append((r.status, json.loads(r.body).get("data") if r.status == 200 else r.body))
        if params[0][1] != "no_such_metric":
            check(results[0][0] == 200 and results[0][1], "prometheus metadata %s: %r" % (params, results[0]))
        if results[0] != results[1]:
            differ += 1
            print("DIFF /api/v1/metadata %s\n    want %s\n    got  %s" % (params, results[0], results[1]))
    print("metric metadata: %d agree, %d differ" % (len(calls) - differ, differ))
    return differ


def main(env):
    prom_bin = env.binary("prometheus")
    cairn = harness.Cairn(env)
    cairn.start()
    node_address, node = env.start_node_exporter(("cpu", "meminfo", "loadavg", "netdev", "stat", "time"))
    prom_port = harness.free_port()
    config = """global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1m
scrape_configs:
  - job_name: prometheus
    static_configs:
      - targets: ['127.0.0.1:%d']
  - job_name: node
    static_configs:
      - targets: ['%s']
remote_write:
  - url: %s/api/v1/write
    queue_config:
      batch_send_deadline: 500ms
      max_shards: 2
      min_backoff: 100ms
      max_backoff: 1s
    metadata_config:
      send_interval: 2s
""" % (prom_port, node_address, cairn.url)
    prom = harness.Prometheus(env, config)
    prom.binary = prom_bin
    prom.port = prom_port
    prom.start()
    time.sleep(SCRAPE_S)
    metadata_differ = compare_metric_metadata(prom.url, cairn.url)
    check(prom.stop() == 0, "prometheus did not stop cleanly")
    node.stop()
    reader = harness.Prometheus(env, "global:\n  scrape_interval: 1h\n", name="prometheus")
    reader.binary = prom_bin
    reader.data_dir = prom.data_dir
    reader.start()

    now = time.time()
    phases, first_ms, last_prom_ms = sample_phases(reader.url, now)
    _, _, last_cairn_ms = sample_phases(cairn.url, now)
    last_ms = min(last_prom_ms, last_cairn_ms)
    phase = best_phase(phases)
    margin = min(min(abs(phase - p) % 1000, 1000 - abs(phase - p) % 1000) for p in phases)
    zero_margin = min(min(p, 1000 - p) for p in phases)
    log("scrape phases (ms) %s; evaluation phase %d ms (>= %d ms from any scrape); data %.3f .. %.3f "
        "(cairn newest %.3f)" % (sorted(phases), phase, margin, first_ms / 1e3, last_prom_ms / 1e3,
                                 last_cairn_ms / 1e3))
    check(margin >= 20, "scrape phases leave no evaluation phase 20 ms away from every sample: %s" % sorted(phases))
    check(last_ms - first_ms >= 25000, "too little data: %d ms" % (last_ms - first_ms))

    def at(sec_ms):  # seconds (float) at whole second sec_ms//1000 plus the chosen phase
        return (sec_ms // 1000) + phase / 1000.0

    t_late = at(last_ms - TAIL_MARGIN_S * 1000 - 1000)
    t_mid = at(first_ms + 16000)
    r_start, r_end, step = at(first_ms + 12000), t_late, 2
    queries = build_queries(t_mid - 4, zero_margin >= 50)
    check(len(queries) >= 150, "only %d queries" % len(queries))
    log("instant at %.3f and %.3f, range %.3f..%.3f step %ds; %d expressions" %
        (t_mid, t_late, r_start, r_end, step, len(queries)))

    # The comparator must see a difference where there is one.
    a = promql_diff.run_query(reader.url, "go_goroutines", time_s=t_late)
    b = promql_diff.run_query(cairn.url, "go_goroutines + 1e-6", time_s=t_late)
    check(promql_diff.compare(a, b), "comparator found no difference between x and x + 1e-6")

    only = env.args.only or "both"
    check(only in ("both", "fixed", "random"), "--only must be fixed or random")
    differ = 0
    if only != "random":
        differ += run_fixed(reader.url, cairn.url, queries, t_mid, t_late, r_start, r_end, step, first_ms)
        differ += metadata_differ
    random_differ = 0
    if only != "fixed":
        times = promql_gen.Times([t_mid, t_late], r_start, r_end, step, (last_ms - 1000) / 1e3)
        random_differ = run_random(reader.url, cairn.url, times, first_ms, last_ms, phases, env.args)
    check(reader.stop() == 0, "prometheus (reader) did not stop cleanly")
    cairn.stop()
    check(differ == 0, "%d answers differ from Prometheus 2.42" % differ)
    check(random_differ == 0, "%d random expressions differ from Prometheus 2.42 (seed %s)" %
          (random_differ, env.args.seed or CI_SEED))


if __name__ == "__main__":
    harness.run(main, __doc__, extra_args=[("prometheus", "path to the prometheus binary"),
                                           ("node_exporter", "path to prometheus-node-exporter"),
                                           ("seed", "random expressions: seed (default %d)" % CI_SEED),
                                           ("count", "random expressions: how many (default %d)" % CI_COUNT),
                                           ("only", "'fixed' or 'random': run only that part"),
                                           ("verbose", "any value: print every excluded answer")])
