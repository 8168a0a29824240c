#!/usr/bin/env python3
"""Scrape bench: Cairn and Prometheus 2.42 scrape the same 1,000 node_exporter-like targets in turn.

    bench/run_scrape.py build/release                  # 1,000 targets x 1,000 series, 15 s, 5 min each
    bench/run_scrape.py build/release --quick          # smoke run: 200 targets, 60 s each
    bench/run_scrape.py build/release --targets 500 --duration 600 --servers cairn

One `scrape-bench-targets` process (bench/scrape/) serves every target on one port as
/metrics/<i>, values changing on every scrape. Each server in turn gets a fresh data dir and the
same prometheus.yml (job `bench`, one static group per target setting __metrics_path__ and
instance), is warmed up until every target was scraped and one more interval passed (series
creation is not what is measured), then measured for --duration seconds:
  - CPU: utime+stime of the server process (/proc/<pid>/stat) over the window;
  - samples: what the server itself counted, sum_over_time(scrape_samples_scraped) over the window;
  - RSS (VmRSS) at the end, per head series (prometheus_tsdb_head_series on its /metrics).
Prints one line per server and Cairn's ratios to Prometheus.
"""
import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from procstat import cpu_seconds, free_port, stop, metric_sum, query, rss_bytes, scalar, wait_ready  # noqa: E402


def config(targets_port, targets, interval_s):
    out = ["global:", "  scrape_interval: %ds" % interval_s, "  scrape_timeout: %ds" % min(10, interval_s),
           "scrape_configs:", "  - job_name: bench", "    static_configs:"]
    for i in range(targets):
        out.append('      - targets: ["127.0.0.1:%d"]' % targets_port)
        out.append('        labels: {__metrics_path__: "/metrics/%d", instance: "node-%04d:9100"}' % (i, i))
    return "\n".join(out) + "\n"


def run_server(name, argv, base, work, targets, interval_s, duration_s):
    log = open(os.path.join(work, name + ".log"), "wb")
    proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        wait_ready(base, proc)
        print("%s: ready, warming up" % name, flush=True)
        deadline = time.time() + 10 * interval_s + 60
        while scalar(base, 'count(up{job="bench"} == 1)') < targets:
            if time.time() > deadline:
                raise RuntimeError("%s: not every target is up: %r" % (name, query(base, 'count by (up) (up)')))
            time.sleep(1)
        time.sleep(interval_s)
        cpu0, t0 = cpu_seconds(proc.pid), time.time()
        time.sleep(duration_s)
        cpu1, t1 = cpu_seconds(proc.pid), time.time()
        rss = rss_bytes(proc.pid)
        window = int(t1 - t0)
        samples = scalar(base, 'sum(sum_over_time(scrape_samples_scraped{job="bench"}[%ds]))' % window, t1)
        series = metric_sum(base, "prometheus_tsdb_head_series")
        failed = scalar(base, 'count(up{job="bench"} == 0)', t1)
        return {"server": name, "cpu_s": cpu1 - cpu0, "window_s": t1 - t0, "samples": samples, "series": series,
                "rss": rss, "targets_down": failed}
    finally:
        stop(proc)
        log.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("build", help="release build dir (server/cairn, bench/scrape-bench-targets)")
    ap.add_argument("--quick", action="store_true", help="smoke run: 200 targets, 60 s measured per server")
    ap.add_argument("--targets", type=int)
    ap.add_argument("--series", type=int, default=1000, help="series per target (1000)")
    ap.add_argument("--interval", type=int, default=15, help="scrape interval, seconds (15)")
    ap.add_argument("--duration", type=int, help="measured seconds per server (300; --quick: 60)")
    ap.add_argument("--servers", default="cairn,prometheus")
    ap.add_argument("--cairn", help="cairn binary (default: <build>/server/cairn)")
    ap.add_argument("--targets-server", help="scrape-bench-targets binary (default: <build>/bench/...)")
    ap.add_argument("--keep", action="store_true", help="keep the temp dir (logs, data dirs)")
    args = ap.parse_args()
    targets = args.targets or (200 if args.quick else 1000)
    duration = args.duration or (60 if args.quick else 300)
    build = os.path.abspath(args.build)
    target_bin = args.targets_server or os.path.join(build, "bench", "scrape-bench-targets")
    bins = {"cairn": args.cairn or os.path.join(build, "server", "cairn"), "prometheus": shutil.which("prometheus")}
    if not os.access(target_bin, os.X_OK):
        sys.exit("no %s: cmake --build %s --target scrape-bench-targets" % (target_bin, args.build))

    work = tempfile.mkdtemp(prefix="cairn-scrape-bench-")
    port_file = os.path.join(work, "targets.port")
    tlog = open(os.path.join(work, "targets.log"), "wb")
    tproc = subprocess.Popen([target_bin, "--listen", "127.0.0.1:0", "--targets", str(targets), "--series",
                              str(args.series), "--port-file", port_file], stdout=tlog, stderr=subprocess.STDOUT)
    results = []
    try:
        for _ in range(100):
            if os.path.exists(port_file) and open(port_file).read().strip():
                break
            time.sleep(0.1)
        tport = int(open(port_file).read())
        cfg_path = os.path.join(work, "prometheus.yml")
        with open(cfg_path, "w") as f:
            f.write(config(tport, targets, args.interval))
        print("%d targets x %d series every %ds on port %d; %ds measured per server" % (
            targets, args.series, args.interval, tport, duration), flush=True)
        for name in args.servers.split(","):
            binary = bins.get(name)
            if not binary or not os.access(binary, os.X_OK):
                print("%s: no binary, skipped" % name, flush=True)
                continue
            port = free_port()
            data = os.path.join(work, name + "-data")
            argv = [binary, "--config.file=" + cfg_path, "--storage.tsdb.path=" + data,
                    "--web.listen-address=127.0.0.1:%d" % port]
            r = run_server(name, argv, "http://127.0.0.1:%d" % port, work, targets, args.interval, duration)
            results.append(r)
            print("%-10s  %.1f CPU s over %.0f s, %.0f samples -> %.3f CPU s per million samples; "
                  "RSS %.1f MiB for %.0f series -> %.0f bytes per series; %d targets down" % (
                      name, r["cpu_s"], r["window_s"], r["samples"], r["cpu_s"] / max(r["samples"], 1) * 1e6,
                      r["rss"] / 2**20, r["series"], r["rss"] / max(r["series"], 1), r["targets_down"]), flush=True)
    finally:
        tproc.send_signal(signal.SIGTERM)
        tproc.wait(30)
        tlog.close()
        if args.keep:
            print("kept", work)
        else:
            shutil.rmtree(work, ignore_errors=True)
    by = {r["server"]: r for r in results}
    if "cairn" in by and "prometheus" in by:
        c, p = by["cairn"], by["prometheus"]
        cpu = (c["cpu_s"] / c["samples"]) / (p["cpu_s"] / p["samples"])
        mem = (c["rss"] / c["series"]) / (p["rss"] / p["series"])
        print("cairn/prometheus: CPU per sample %.2f (target <= 0.33), RSS per series %.2f" % (cpu, mem))


if __name__ == "__main__":
    main()
