#!/usr/bin/env python3
"""Debian's promtool (2.42) `query instant|range|series|labels` against Cairn (COMPAT.md §8).

The same known series are remote-written into Cairn and into a Prometheus 2.42
with its remote-write receiver enabled. Every promtool command runs against both
servers: the exit code must be 0, the output must hold the values computed here
from the written data, and Cairn's output must equal Prometheus' output line for
line (instant vectors compared as sorted lines, their order being undefined).
Both output formats (`-o promql`, `-o json`) are used. An unparsable query must
make promtool fail against both.
"""
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import harness  # noqa: E402
from lib import protobuf as pb  # noqa: E402
from lib.harness import check, log  # noqa: E402

STEP_S = 15
N = 40
SERIES = [
    ({"__name__": "pt_requests_total", "job": "web", "instance": "a:1", "code": "200"}, lambda i: 10.0 * i),
    ({"__name__": "pt_requests_total", "job": "web", "instance": "a:1", "code": "404"}, lambda i: 2.0 * i),
    ({"__name__": "pt_requests_total", "job": "api", "instance": "b:1", "code": "500"}, lambda i: 0.5 * i),
    ({"__name__": "pt_temperature", "job": "db", "instance": "c:1"}, lambda i: 20.0 + (i % 4) / 4),
]


def promtool(binary, *args):
    p = subprocess.run([binary, "query"] + list(args), capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


def main(env):
    tool = env.binary("promtool")
    prom_bin = env.binary("prometheus")
    cairn = harness.Cairn(env)
    cairn.start()
    prom = harness.Prometheus(env, "global:\n  scrape_interval: 1h\n",
                              extra_args=["--web.enable-remote-write-receiver"])
    prom.binary = prom_bin
    prom.start()
    t0 = (int(time.time()) // 60) * 60 - 900
    batch = [(tuple(sorted(ls.items())), [((t0 + i * STEP_S) * 1000, pb.float_bits(f(i))) for i in range(N)])
             for ls, f in SERIES]
    for srv in (cairn, prom):
        r = harness.remote_write(srv.url, batch)
        check(200 <= r.status < 300, "remote write to %s: %r" % (srv.url, r))

    t_at = t0 + 20 * STEP_S  # sample i=20
    cases = [
        # (name, args, expected lines (None = only compared with Prometheus), sort lines before comparing)
        ("instant vector", ["instant", "--time=%d" % t_at, "{url}", 'pt_requests_total{job="web"}'],
         ['pt_requests_total{code="200", instance="a:1", job="web"} => 200 @[%d]' % t_at,
          'pt_requests_total{code="404", instance="a:1", job="web"} => 40 @[%d]' % t_at], True),
        ("instant sum", ["instant", "--time=%d.250" % t_at, "{url}", "sum by (job) (pt_requests_total)"],
         ['{job="api"} => 10 @[%d.25]' % t_at, '{job="web"} => 240 @[%d.25]' % t_at], True),
        ("instant scalar", ["instant", "--time=%d" % t_at, "{url}", "scalar(pt_temperature) * 2"],
         ["scalar: 40 @[%d]" % t_at], False),
        # Range windows end off sample timestamps: 2.42's windows are closed, 3.x's left-open.
        ("instant rate", ["instant", "--time=%d" % (t_at + 7), "{url}", 'rate(pt_requests_total{code="500"}[1m])'],
         None, True),
        ("instant json", ["instant", "-o", "json", "--time=%d" % t_at, "{url}", "pt_temperature"], None, False),
        ("instant empty", ["instant", "--time=%d" % t_at, "{url}", "pt_temperature > 100"], [], False),
        ("range", ["range", "--start=%d" % (t0 + 300), "--end=%d" % (t0 + 390), "--step=30s", "{url}",
                   "pt_temperature"],
         ['pt_temperature{instance="c:1", job="db"} =>'] +
         ["%s @[%d]" % (v, t0 + 300 + 30 * k) for k, v in enumerate(["20", "20.5", "20", "20.5"])], False),
        ("range rate", ["range", "--start=%d" % (t0 + 127), "--end=%d" % (t0 + 487), "--step=1m", "{url}",
                        "sum(rate(pt_requests_total[1m]))"], None, False),
        ("range json", ["range", "-o", "json", "--start=%d" % (t0 + 100), "--end=%d" % (t0 + 200),
                        "--step=20s", "{url}", "pt_requests_total"], None, False),
        ("series", ["series", "--match=pt_requests_total", "--start=%d" % t0, "--end=%d" % (t0 + 600), "{url}"],
         ['{__name__="pt_requests_total", code="200", instance="a:1", job="web"}',
          '{__name__="pt_requests_total", code="404", instance="a:1", job="web"}',
          '{__name__="pt_requests_total", code="500", instance="b:1", job="api"}'], False),
        ("series two matchers", ["series", '--match={job="db"}', '--match=pt_requests_total{code="500"}', "{url}"],
         ['{__name__="pt_requests_total", code="500", instance="b:1", job="api"}',
          '{__name__="pt_temperature", instance="c:1", job="db"}'], False),
        ("series json", ["series", "-o", "json", '--match={__name__=~"pt_.*"}', "{url}"], None, False),
        ("labels", ["labels", "{url}", "job"], ["api", "db", "web"], False),
        ("labels match", ["labels", "--match=pt_requests_total", "{url}", "code"], ["200", "404", "500"], False),
        ("labels __name__", ["labels", "{url}", "__name__"], ["pt_requests_total", "pt_temperature"], False),
        ("labels json", ["labels", "-o", "json", "{url}", "instance"], ["[\"a:1\",\"b:1\",\"c:1\"]"], False),
    ]
    for name, args, want, sort_lines in cases:
        out = {}
        for srv in (prom, cairn):
            a = [x.replace("{url}", srv.url) for x in args]
            code, stdout, stderr = promtool(tool, *a)
            check(code == 0, "promtool query %s against %s: exit %d: %s" % (" ".join(a), srv.url, code, stderr))
            lines = [ln for ln in stdout.splitlines() if ln.strip()]
            out[srv] = sorted(lines) if sort_lines else lines
        if "-o" in args:  # JSON output: compare parsed, whitespace-independent
            check(json.loads(out[cairn][0]) == json.loads(out[prom][0]) if out[cairn] and out[prom] else
                  out[cairn] == out[prom], "%s: cairn %r, prometheus %r" % (name, out[cairn], out[prom]))
        else:
            check(out[cairn] == out[prom], "%s: cairn printed %r, prometheus %r" % (name, out[cairn], out[prom]))
        if want is not None:
            check(out[cairn] == (sorted(want) if sort_lines else want),
                  "%s: promtool printed %r, want %r" % (name, out[cairn], want))
        log("%-20s %d lines, same as prometheus" % (name, len(out[cairn])))
    for srv in (prom, cairn):
        code, _, stderr = promtool(tool, "instant", srv.url, "sum(pt_requests_total")
        check(code != 0 and "bad_data" in stderr, "bad query against %s: exit %d, %r" % (srv.url, code, stderr))
    log("%d promtool commands agree with prometheus 2.42" % (2 * len(cases)))
    check(prom.stop() == 0, "prometheus did not stop cleanly")
    cairn.stop()


if __name__ == "__main__":
    harness.run(main, __doc__, extra_args=[("prometheus", "path to the prometheus binary"),
                                           ("promtool", "path to the promtool binary")])
