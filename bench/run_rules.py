#!/usr/bin/env python3
"""Rule bench: 1,000 recording and alerting rules over the ingest bench's node series, Cairn vs Prometheus 2.42.

    bench/run_rules.py build/release                  # 50k series, 1,000 rules every 15 s, 5 min measured each
    bench/run_rules.py build/release --quick          # same data and rules, 60 s measured each
    bench/run_rules.py build/release --servers cairn --duration 120

The rules (written to <work>/rules.yml, see `rule_file`) come in 72 groups, one per shard of ten hosts
(instance=~"node-0KKK[0-9]:9100"), each with the same 14 rules: recording rules with rate / avg without /
sum by / a ratio of two gauges / a count-join / histogram_quantile over sum by (instance, le), then
alerting rules with `for`, thresholds, a join and templated annotations that read what the group just
recorded. The first 1,000 rules are kept (the last group is cut short).

For each server in turn, with a fresh data dir: start it with the rule file (evaluation_interval 15 s;
Prometheus with --web.enable-remote-write-receiver), load the data with `cairn-ingest-bench` (seed 1,
`--series` series, 15 s apart, from `--past` minutes before the server's start to `--future` minutes
after it, so every [5m] window is full during the measurement; samples in the future only become visible
as time reaches them), wait one interval after the load, then measure `--duration` seconds:
  - CPU: utime+stime of the server process (/proc/<pid>/stat) over the window;
  - evaluations: the delta of sum(prometheus_rule_group_iterations_total) on the server's /metrics;
  - failures (prometheus_rule_evaluation_failures_total) and missed iterations, which must stay 0;
  - the recorded series (equal between servers) and the firing/pending alerts at the end (these differ:
    `for` clocks start when each server first sees the data, and the loads take different times).
Prints CPU seconds per group evaluation for each server and Cairn's ratio to Prometheus (target <= 0.5).
Nothing else runs in the servers during the window, so the CPU is rule evaluation plus each server's
idle background work (Go's GC and runtime, Cairn's head maintenance).
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from procstat import cpu_seconds, free_port, stop, metric_sum, query, wait_ready  # noqa: E402

HOSTS_PER_SHARD = 10
INTERVAL_S = 15


def shard_rules(k):
    sel = 'instance=~"node-0%03d[0-9]:9100"' % k
    lab = '        labels:\n          shard: "%d"\n' % k
    ann = ('        annotations:\n          summary: "{{ $labels.instance }} at {{ $value | humanize }}"\n'
           '          description: "{{ $labels.instance }} (shard %d) is at {{ $value | humanizePercentage }}."\n' % k)
    recs = [
        ("instance:node_cpu_utilisation:rate5m",
         '1 - avg without (cpu, mode) (rate(node_cpu_seconds_total{mode="idle",%s}[5m]))' % sel),
        ("instance_mode:node_cpu_seconds:rate5m", 'sum by (instance, mode) (rate(node_cpu_seconds_total{%s}[5m]))' % sel),
        ("instance:node_memory_utilisation:ratio",
         "1 - node_memory_MemAvailable_bytes{%s} / node_memory_MemTotal_bytes{%s}" % (sel, sel)),
        ("instance:node_load1_per_cpu:ratio",
         'node_load1{%s} / on (instance) count by (instance) (node_cpu_seconds_total{mode="idle",%s})' % (sel, sel)),
        ("instance:node_network_receive_bytes:rate5m",
         'sum by (instance) (rate(node_network_receive_bytes_total{device!="lo",%s}[5m]))' % sel),
        ("instance:node_network_transmit_bytes:rate5m",
         'sum by (instance) (rate(node_network_transmit_bytes_total{device!="lo",%s}[5m]))' % sel),
        ("instance_mountpoint:node_filesystem_avail:ratio",
         "node_filesystem_avail_bytes{%s} / node_filesystem_size_bytes{%s}" % (sel, sel)),
        ("instance:http_request_duration_seconds:p99_5m",
         "histogram_quantile(0.99, sum by (instance, le) (rate(http_request_duration_seconds_bucket{%s}[5m])))" % sel),
        ("instance:http_requests:rate5m", "sum by (instance) (rate(http_request_duration_seconds_count{%s}[5m]))" % sel),
    ]
    alerts = [
        ("HostHighCPU", 'instance:node_cpu_utilisation:rate5m{shard="%d"} > 0.5' % k, "10m"),
        ("HostHighMemory", 'instance:node_memory_utilisation:ratio{shard="%d"} > 0.5' % k, "5m"),
        ("HostDiskFilling", 'instance_mountpoint:node_filesystem_avail:ratio{shard="%d"} < 0.5' % k, "0s"),
        ("HostSlowRequests", 'instance:http_request_duration_seconds:p99_5m{shard="%d"} > 0.5' % k, "5m"),
        ("HostOverloaded",
         'node_load5{%s} > on (instance) (0.5 * count by (instance) (node_cpu_seconds_total{mode="idle",%s}))' % (sel, sel),
         "15m"),
    ]
    out = ["      - record: %s\n        expr: %s\n%s" % (name, expr, lab) for name, expr in recs]
    out += ["      - alert: %s\n        expr: %s\n        for: %s\n%s%s" % (name, expr, for_, lab, ann)
            for name, expr, for_ in alerts]
    return out


def rule_file(count, series):
    hosts = (series + 67) // 68
    shards = (hosts + HOSTS_PER_SHARD - 1) // HOSTS_PER_SHARD
    text, n = ["groups:\n"], 0
    for k in range(shards):
        rules = shard_rules(k)[:count - n]
        if not rules:
            break
        n += len(rules)
        text.append("  - name: shard-%03d\n    rules:\n" % k + "".join(rules))
    if n < count:
        raise SystemExit("%d series give only %d rules" % (series, n))
    return "".join(text), n


def run_server(name, argv, base, work, args, driver):
    log = open(os.path.join(work, name + ".log"), "wb")
    proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        wait_ready(base, proc)
        start_ms = int(time.time() * 1000) - args.past * 60000
        hours = (args.past + args.future) / 60.0
        t = time.time()
        out = subprocess.run([driver, "--url=" + base + "/api/v1/write", "--series=%d" % args.series,
                              "--hours=%.6f" % hours, "--start-ms=%d" % start_ms, "--seed=1", "--quiet"],
                             check=True, capture_output=True, text=True).stdout.strip()
        print("%s: loaded in %.0f s (%s)" % (name, time.time() - t, out), flush=True)
        if time.time() + args.duration + 2 * INTERVAL_S > start_ms / 1000 + hours * 3600:
            raise RuntimeError("the data ends before the window would: raise --future")
        time.sleep(INTERVAL_S)
        it0, cpu0, t0 = metric_sum(base, "prometheus_rule_group_iterations_total"), cpu_seconds(proc.pid), time.time()
        time.sleep(args.duration)
        cpu1, t1 = cpu_seconds(proc.pid), time.time()
        it1 = metric_sum(base, "prometheus_rule_group_iterations_total")
        r = {"server": name, "cpu_s": cpu1 - cpu0, "window_s": t1 - t0, "evals": it1 - it0,
             "failures": metric_sum(base, "prometheus_rule_evaluation_failures_total"),
             "missed": metric_sum(base, "prometheus_rule_group_iterations_missed_total"),
             "last_duration_s": metric_sum(base, "prometheus_rule_group_last_duration_seconds"),
             "recorded": len(query(base, '{__name__=~"instance.*:.+"}')),
             "alerts": {s["metric"]["alertstate"]: int(float(s["value"][1]))
                        for s in query(base, "count by (alertstate) (ALERTS)")}}
        return r
    finally:
        stop(proc)
        log.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("build", help="build dir with server/cairn and bench/cairn-ingest-bench")
    ap.add_argument("--quick", action="store_true", help="60 s measured per server")
    ap.add_argument("--series", type=int, default=50000)
    ap.add_argument("--rules", type=int, default=1000)
    ap.add_argument("--duration", type=int, default=None, help="seconds measured per server (300; 60 with --quick)")
    ap.add_argument("--past", type=int, default=10, help="minutes of data before the server's start")
    ap.add_argument("--future", type=int, default=None, help="minutes of data after it (12; 6 with --quick)")
    ap.add_argument("--servers", default="cairn,prometheus")
    ap.add_argument("--cairn", default=None)
    ap.add_argument("--prometheus", default=shutil.which("prometheus"))
    ap.add_argument("--keep", action="store_true", help="keep the work dir (logs, rules.yml)")
    args = ap.parse_args()
    args.duration = args.duration or (60 if args.quick else 300)
    args.future = args.future or (6 if args.quick else 12)
    cairn = args.cairn or os.path.join(args.build, "server", "cairn")
    driver = os.path.join(args.build, "bench", "cairn-ingest-bench")
    work = tempfile.mkdtemp(prefix="cairn-rules-bench-")
    text, n = rule_file(args.rules, args.series)
    with open(os.path.join(work, "rules.yml"), "w") as f:
        f.write(text)
    with open(os.path.join(work, "prometheus.yml"), "w") as f:
        f.write("global:\n  scrape_interval: 1h\n  evaluation_interval: %ds\nrule_files:\n  - rules.yml\n" % INTERVAL_S)
    print("%d rules in %s; %d series; %d s measured per server" % (n, work, args.series, args.duration), flush=True)
    results = []
    try:
        for name in args.servers.split(","):
            port = free_port()
            base = "http://127.0.0.1:%d" % port
            data = os.path.join(work, name + "-data")
            common = ["--config.file=" + os.path.join(work, "prometheus.yml"), "--storage.tsdb.path=" + data,
                      "--web.listen-address=127.0.0.1:%d" % port]
            if name == "cairn":
                argv = [cairn] + common
            elif name == "prometheus":
                argv = [args.prometheus] + common + ["--web.enable-remote-write-receiver"]
            else:
                raise SystemExit("unknown server " + name)
            r = run_server(name, argv, base, work, args, driver)
            results.append(r)
            print("%s: %s" % (name, json.dumps(r)), flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    print("\n%-12s %10s %8s %10s %18s %9s %6s %9s" % ("server", "CPU s", "evals", "window s", "CPU s per group eval",
                                                    "failures", "missed", "recorded"))
    per = {}
    for r in results:
        per[r["server"]] = r["cpu_s"] / r["evals"] if r["evals"] else float("nan")
        print("%-12s %10.2f %8.0f %10.1f %18.5f %9.0f %6.0f %9d  alerts %s" % (
            r["server"], r["cpu_s"], r["evals"], r["window_s"], per[r["server"]], r["failures"], r["missed"],
            r["recorded"], r["alerts"]))
    if "cairn" in per and "prometheus" in per:
        ratio = per["cairn"] / per["prometheus"]
        print("cairn/prometheus CPU per group evaluation: %.2f (target <= 0.5: %s)" % (ratio, "met" if ratio <= 0.5 else "not met"))
    bad = [r["server"] for r in results if r["failures"] or not r["evals"]]
    if bad:
        print("rule failures or no evaluations on: %s" % ", ".join(bad))
        sys.exit(1)


if __name__ == "__main__":
    main()
