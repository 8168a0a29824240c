#!/usr/bin/env python3
"""cairnctl's client commands against a real cairn: query (instant, range),
series, labels, label-values, status, health, ready, reload, cardinality, and
the generated bash completion.

Writes known series by remote write, runs each command with --output json and
compares with the HTTP API's own answer to the same request; checks the table
and CSV forms on the same data, and promtool's exit codes (1 for a failed
query, 2 for bad usage).
"""
import csv
import io
import json
import os
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import harness  # noqa: E402
from lib.harness import check, log  # noqa: E402

SERIES = [
    {"__name__": "ctl_requests_total", "job": "api", "instance": "a:1", "code": "200"},
    {"__name__": "ctl_requests_total", "job": "api", "instance": "b:1", "code": "500"},
    {"__name__": "ctl_up", "job": "db", "instance": "d:1", "zone": "eu"},
]


def cairnctl(env, url, *args, want=0):
    argv = [env.args.cairnctl, "--url", url] + list(args)
    p = subprocess.run(argv, capture_output=True, text=True, timeout=60,
                       env=dict(os.environ, ASAN_OPTIONS="detect_leaks=0"))
    check(p.returncode == want, "%s: exit %d, want %d\nstdout: %s\nstderr: %s"
          % (" ".join(args), p.returncode, want, p.stdout[:500], p.stderr[:500]))
    return p


def bits(v):
    return struct.unpack("<Q", struct.pack("<d", v))[0]


def api_form(url, path, params):
    return harness.api_get(url, path, params)


def main(env):
    cairn = harness.Cairn(env, extra_args=["--web.enable-lifecycle"])
    cairn.start()
    url = cairn.url
    now_ms = int(time.time() * 1000)
    t0 = now_ms - 120_000
    series = []
    for i, ls in enumerate(SERIES):
        samples = [(t0 + k * 15_000, bits(i * 100 + k + 0.25)) for k in range(8)]
        series.append((sorted(ls.items()), samples))
    r = harness.remote_write(url, series)
    check(r.status == 204 or r.status == 200, "remote write: %r" % r)
    t_eval = "%.3f" % ((t0 + 7 * 15_000) / 1000)

    # query, instant: JSON equals the API's data.
    p = cairnctl(env, url, "query", "ctl_requests_total", "--time", t_eval, "-o", "json")
    want = api_form(url, "/api/v1/query", [("query", "ctl_requests_total"), ("time", t_eval)])
    check(json.loads(p.stdout) == want, "query json %s != api %s" % (p.stdout, want))
    check(len(want["result"]) == 2, "want 2 series: %s" % want)
    # ... and the table: header, one aligned row per series, labels sorted, Prometheus floats.
    p = cairnctl(env, url, "query", "ctl_requests_total", "--time", t_eval)
    lines = p.stdout.splitlines()
    check(lines[0].split() == ["SERIES", "VALUE", "TIMESTAMP"], "table header %r" % lines[0])
    check(len(lines) == 3, "table rows: %r" % lines)
    row = 'ctl_requests_total{code="200", instance="a:1", job="api"}'
    check(lines[1].startswith(row) and lines[1].split()[-2] == "7.25", "table row %r" % lines[1])
    check(lines[1].index("7.25") == lines[0].index("VALUE"), "columns not aligned: %r" % lines)
    # ... and CSV: one column per label name.
    p = cairnctl(env, url, "query", "ctl_up", "--time", t_eval, "-o", "csv")
    rows = list(csv.reader(io.StringIO(p.stdout)))
    check(rows[0] == ["__name__", "instance", "job", "zone", "value", "timestamp"], "csv header %r" % rows[0])
    check(rows[1][:5] == ["ctl_up", "d:1", "db", "eu", "207.25"], "csv row %r" % rows[1])

    # query, range.
    start, end = "%.3f" % (t0 / 1000), t_eval
    p = cairnctl(env, url, "query", "sum(ctl_requests_total)", "--start", start, "--end", end,
                 "--step", "15s", "-o", "json")
    want = api_form(url, "/api/v1/query_range", [("query", "sum(ctl_requests_total)"), ("start", start),
                                                 ("end", end), ("step", "15")])
    check(json.loads(p.stdout) == want, "range json %s != api %s" % (p.stdout, want))
    check(len(want["result"][0]["values"]) == 8, "8 points: %s" % want)
    p = cairnctl(env, url, "query", "sum(ctl_requests_total)", "--start", start, "--end", end, "--step", "15s")
    check(len(p.stdout.splitlines()) == 9, "range table: %r" % p.stdout)
    # Relative times work (the data is within the last 5 minutes).
    p = cairnctl(env, url, "query", "ctl_up", "--start", "now-5m", "--end", "now", "--step", "1m", "-o", "json")
    check(json.loads(p.stdout)["resultType"] == "matrix", p.stdout)

    # series, labels, label-values.
    for args, path, params in [
        (["series", "--match", "ctl_requests_total", "--match", "ctl_up"], "/api/v1/series",
         [("match[]", "ctl_requests_total"), ("match[]", "ctl_up")]),
        (["labels", "--match", "ctl_up"], "/api/v1/labels", [("match[]", "ctl_up")]),
        (["labels"], "/api/v1/labels", []),
        (["label-values", "instance"], "/api/v1/label/instance/values", []),
        (["label-values", "job", "--match", "ctl_requests_total"], "/api/v1/label/job/values",
         [("match[]", "ctl_requests_total")]),
    ]:
        p = cairnctl(env, url, *(args + ["-o", "json"]))
        want = api_form(url, path, params)
        check(json.loads(p.stdout) == want, "%s: %s != api %s" % (args, p.stdout, want))
    p = cairnctl(env, url, "series", "-m", "ctl_up")
    check(p.stdout.splitlines() == ["SERIES", 'ctl_up{instance="d:1", job="db", zone="eu"}'], p.stdout)
    p = cairnctl(env, url, "label-values", "job")
    check(p.stdout.splitlines() == ["VALUE", "api", "db"], p.stdout)

    # status: each section equals its endpoint.
    p = cairnctl(env, url, "status", "--flags", "-o", "json")
    got = json.loads(p.stdout)
    check(got["build"] == api_form(url, "/api/v1/status/buildinfo", []), "build %s" % got["build"])
    check(got["flags"] == api_form(url, "/api/v1/status/flags", []), "flags differ")
    check(got["head"]["numSeries"] >= 3, "head %s" % got["head"])
    check(set(got["runtime"]) == set(api_form(url, "/api/v1/status/runtimeinfo", [])), "runtime keys")
    p = cairnctl(env, url, "status")
    check(any(line.split()[:2] == ["head", "numSeries"] for line in p.stdout.splitlines()), p.stdout)

    # cardinality: the API's tsdb status, narrowed by match[], with shares of the head.
    p = cairnctl(env, url, "cardinality", "--match", "ctl_requests_total", "--limit", "3", "-o", "json")
    want = api_form(url, "/api/v1/status/tsdb", [("limit", "3"), ("match[]", "ctl_requests_total")])
    got = json.loads(p.stdout)
    for key in ("seriesCountByMetricName", "labelValueCountByLabelName", "seriesCountByLabelValuePair"):
        check(got[key] == want[key], "cardinality %s: %s != %s" % (key, got[key], want[key]))
    check(got["matchedSeries"] == 2, "matchedSeries %s" % got)
    check(got["seriesCountByMetricName"] == [{"name": "ctl_requests_total", "value": 2}], got)
    # Without match[] the lists are read off the index's postings; they must
    # equal the answer from reading series, asked with a selector of all.
    p = cairnctl(env, url, "cardinality", "--limit", "50", "-o", "json")
    by_index = json.loads(p.stdout)
    by_series = api_form(url, "/api/v1/status/tsdb", [("limit", "50"), ("match[]", '{__name__=~".+"}')])
    for key in ("seriesCountByMetricName", "labelValueCountByLabelName", "memoryInBytesByLabelName",
                "seriesCountByLabelValuePair"):
        check(by_index[key] == by_series[key] and by_index[key], "cardinality %s from the index: %s != %s"
              % (key, by_index[key], by_series[key]))
    check(by_index["headStats"]["numLabelPairs"] == by_series["headStats"]["numLabelPairs"], by_index)
    p = cairnctl(env, url, "cardinality", "--match", "ctl_requests_total", "--sort", "name")
    lines = p.stdout.splitlines()
    head = want["headStats"]["numSeries"]
    check(lines[0].startswith("head series: %d, matched: 2 (" % head), lines[0])
    rows = [line.split() for line in lines[2:]]
    metric = [r for r in rows if r[0] == "metric"]
    check(metric == [["metric", "ctl_requests_total", "2", "%.2f%%" % (200.0 / head)]], "metric rows %s" % metric)
    pairs = [r[1] for r in rows if r[0] == "pair"]
    check(pairs == sorted(pairs) and "code=500" in pairs and "zone=eu" not in pairs, "pair rows %s" % pairs)
    cairnctl(env, url, "cardinality", "--limit", "0", want=2)

    # completion: a bash script generated from the command tree.
    p = cairnctl(env, url, "completion", "bash")
    check('["cairnctl check"]="config rules metrics"' in p.stdout and "complete -o default -F _cairnctl cairnctl" in p.stdout,
          "completion script: %s" % p.stdout[:400])
    comp = subprocess.run(["bash", "-c", p.stdout + '\nCOMP_WORDS=(cairnctl check c); COMP_CWORD=2; _cairnctl; '
                           'echo "${COMPREPLY[@]}"; COMP_WORDS=(cairnctl query up --st); COMP_CWORD=3; _cairnctl; '
                           'echo "${COMPREPLY[@]}"'], capture_output=True, text=True, timeout=30)
    check(comp.stdout.splitlines() == ["config", "--start --step"], "completion answers %r %r" % (comp.stdout, comp.stderr))

    # health, ready, reload.
    check(cairnctl(env, url, "health").stdout.strip() == "Cairn Server is Healthy.", "health")
    check(cairnctl(env, url, "ready").stdout.strip() == "Cairn Server is Ready.", "ready")
    cairnctl(env, url, "reload")

    # Exit codes: a failed query 1 with the API's error, bad usage 2, a dead server 1.
    p = cairnctl(env, url, "query", "sum(", want=1)
    check("bad_data" in p.stderr, "error text: %r" % p.stderr)
    cairnctl(env, url, "query", "up", "--time", "yesterday", want=2)
    cairnctl(env, url, "query", want=2)
    cairnctl(env, url, "nosuchcommand", want=2)
    cairnctl(env, url, "--output", "xml", "labels", want=2)
    p = cairnctl(env, "http://127.0.0.1:%d" % harness.free_port(), "health", "--timeout", "5s", want=1)
    check("connection refused" in p.stderr, "dead server: %r" % p.stderr)
    # --help lists every command and shows examples.
    p = cairnctl(env, url, "--help")
    for cmd in ("query", "series", "labels", "label-values", "status", "health", "ready", "reload", "cardinality",
                "check", "test", "completion"):
        check(cmd in p.stdout, "--help lacks %s" % cmd)
    check("Examples:" in cairnctl(env, url, "query", "--help").stdout, "query --help examples")
    log("cairnctl client commands agree with the HTTP API")


if __name__ == "__main__":
    harness.run(main, __doc__, extra_args=[("cairnctl", "path to the cairnctl binary")])
