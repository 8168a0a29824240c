#!/usr/bin/env python3
"""UI render bench (issue 12): 100 series x 10,000 points from the query API to a drawn graph, in Cairn's
UI and in Prometheus 2.42's own UI (/usr/bin/prometheus serves it at /graph: Debian's package serves the
classic UI, jQuery + Rickshaw/SVG, not the React one), in the same chromium.

    bench/run_ui_render.py build/release/server/cairn            # 3 runs each, medians
    bench/run_ui_render.py build/asan/server/cairn --runs 5

Both servers get the same data by remote write (Prometheus with --web.enable-remote-write-receiver):
100 series, 10,001 samples each 15 s apart ending now, written in time slices so Prometheus' head takes
them in order. Each UI opens /graph with the same URL state (g0.expr=<metric>, g0.tab=0,
g0.range_input=2500m, g0.end_input=<last sample>, g0.step_input=15), which executes the range query on
load; web/bench/render_timing.mjs measures, per run, the query_range request (start to response end:
server plus transfer) and the drawing (response end to the first animation frame with every series in the
legend and the plot drawn: uPlot's canvas, Rickshaw's SVG paths). Prints the medians and Cairn's ratio to Prometheus for the whole and for
the drawing alone (target: whole < 0.5).
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
import types
import datetime

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO, "tests", "integration"))
from lib import harness, prom_pb, snappy_block  # noqa: E402

SERIES = 100
POINTS = 10001
STEP_S = 15
METRIC = "ui_bench_value"
SLICE = 100  # points per series per request


def feed(url, timestamps):
    series_labels = [tuple(sorted({"__name__": METRIC, "instance": "host-%03d:9100" % i, "job": "bench"}.items()))
                     for i in range(SERIES)]
    for s0 in range(0, len(timestamps), SLICE):
        ts = timestamps[s0:s0 + SLICE]
        batch = [(labels, [100.0 * i + 50.0 * ((k * 7 + i * 13) % 101) / 101.0 for k in range(s0, s0 + len(ts))])
                 for i, labels in enumerate(series_labels)]
        body = prom_pb.encode_write_v1_grid(batch, ts)
        r = harness.http_request("POST", url + "/api/v1/write", snappy_block.compress(body),
                                 harness.WRITE_HEADERS_V1, timeout=60)
        if not 200 <= r.status < 300:
            raise SystemExit("remote write to %s: %r" % (url, r))


def measure(node, url, ui, runs):
    out = subprocess.run([node, os.path.join(REPO, "web", "bench", "render_timing.mjs"), "--url", url, "--ui", ui,
                          "--series", str(SERIES), "--runs", str(runs)],
                         stdout=subprocess.PIPE, text=True, timeout=900, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])["runs"]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("cairn", help="the cairn binary (built with the UI)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    node = shutil.which("node")
    if not node or not os.path.exists("/usr/bin/chromium") or not shutil.which("prometheus"):
        raise SystemExit("needs node, /usr/bin/chromium and prometheus (scripts/install-deps.sh build peers)")
    env = harness.Env(types.SimpleNamespace(cairn=os.path.abspath(args.cairn), keep=args.keep))
    failed = True
    try:
        cairn = harness.Cairn(env, extra_args=["--query.max-samples=100000000"])
        cairn.start()
        prom = harness.Prometheus(env, harness.CAIRN_CONFIG, extra_args=["--web.enable-remote-write-receiver"])
        prom.start()
        end_ms = int(time.time() * 1000) // (STEP_S * 1000) * (STEP_S * 1000)
        timestamps = [end_ms - (POINTS - 1 - k) * STEP_S * 1000 for k in range(POINTS)]
        t0 = time.time()
        for url in (cairn.url, prom.url):
            feed(url, timestamps)
        print("fed %d series x %d samples to each server in %.1fs" % (SERIES, POINTS, time.time() - t0))
        end_input = datetime.datetime.fromtimestamp(end_ms / 1000, datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
        state = "g0.expr=%s&g0.tab=0&g0.range_input=2500m&g0.end_input=%s&g0.step_input=%d" % (
            METRIC, end_input.replace(" ", "%20"), STEP_S)
        results = {}
        for ui, url in (("cairn", cairn.url), ("prometheus", prom.url)):
            runs = measure(node, "%s/graph?%s" % (url, state), ui, args.runs)
            med = {k: statistics.median(r[k] for r in runs) for k in ("total", "request", "draw")}
            results[ui] = med
            print("%-10s total %7.0f ms = request %6.0f ms + draw %6.0f ms (median of %d; runs: %s)" % (
                ui, med["total"], med["request"], med["draw"], len(runs),
                ", ".join("%.0f" % r["total"] for r in runs)))
        c, p = results["cairn"], results["prometheus"]
        print("ratio cairn/prometheus: total %.2f, draw alone %.2f (target: total < 0.5)" % (
            c["total"] / p["total"], c["draw"] / p["draw"]))
        failed = False
    finally:
        env.cleanup(failed)


if __name__ == "__main__":
    main()
