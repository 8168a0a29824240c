#!/usr/bin/env python3
"""Side-by-side PromQL range-query latency: runs the same queries against several
Prometheus-compatible servers and prints median latency, Cairn's ratios, series
counts and per-query memory figures.

  query_bench.py --end=UNIX_S --server=cairn,http://127.0.0.1:P,PID [--server=...]
                 [--ranges=1h,6h] [--step=60] [--reps=7] [--warmup=1] [--tsv=FILE]

Each query x range is run against every server in turn (warm-up first, then --reps
timed runs), so a change in the machine's load hits all servers alike. Latency is
the wall time from sending the request to having read the whole response body on a
keep-alive connection (what `curl -w %{time_total}` reports, minus connecting).

Memory: while a request runs, a thread samples the server's resident set
(/proc/PID/statm) every ~2 ms; "peak RSS growth" is the highest sample minus the
sample taken just before the request (max over the timed runs). For servers that
answer `stats=all` (Cairn, Prometheus) the engine's peakSamples is recorded too.
"""
import argparse
import http.client
import json
import os
import re
import statistics
import sys
import threading
import time
import urllib.parse

# (name, PromQL). Names are short labels for the table.
QUERIES = [
    ("selector", 'node_load1'),
    ("selector-regex", 'node_filesystem_avail_bytes{mountpoint=~"/.*",fstype!="tmpfs"}'),
    ("rate-all", 'rate(node_cpu_seconds_total[5m])'),
    ("sum-by-rate", 'sum by (instance) (rate(node_cpu_seconds_total{mode!="idle"}[5m]))'),
    ("hist-quantile",
     'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))'),
    ("hist-quantile-inst",
     'histogram_quantile(0.9, rate(http_request_duration_seconds_bucket[5m]))'),
    ("topk", 'topk(10, rate(node_network_receive_bytes_total[5m]))'),
    ("binop", '1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes'),
    ("binop-on",
     'node_filesystem_avail_bytes / on (instance, device, mountpoint) node_filesystem_size_bytes'),
    ("avg-over-time", 'avg_over_time(node_load5[15m])'),
    ("max-over-time", 'max_over_time(node_memory_MemFree_bytes[10m])'),
    ("subquery", 'max_over_time(rate(node_network_transmit_bytes_total[5m])[30m:1m])'),
]

PAGE = os.sysconf("SC_PAGE_SIZE")
SUCCESS = re.compile(rb'"status"\s*:\s*"success"')
PEAK = re.compile(rb'"peakSamples"\s*:\s*(\d+)')


def rss_bytes(pid):
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * PAGE
    except OSError:
        return 0


def hwm_bytes(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


class RssSampler:
    """Samples a process' RSS on a thread until stopped; keeps the maximum."""

    def __init__(self, pid):
        self.pid = pid
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_bytes(self.pid))
            self._stop.wait(0.002)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_bytes(self.pid))


class Server:
    def __init__(self, spec):
        parts = spec.split(",")
        if len(parts) != 3:
            raise SystemExit(f"--server wants name,url,pid; got {spec!r}")
        self.name, url, pid = parts
        u = urllib.parse.urlsplit(url)
        self.host, self.port = u.hostname, u.port
        self.pid = int(pid)
        self.conn = None

    def get(self, path, timeout):
        """GET path; returns (status, body bytes, seconds). Reconnects once on a
        dropped keep-alive connection."""
        for attempt in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
                self.conn.connect()
            try:
                t0 = time.perf_counter()
                self.conn.request("GET", path, headers={"Accept-Encoding": "identity"})
                resp = self.conn.getresponse()
                body = resp.read()
                return resp.status, body, time.perf_counter() - t0
            except (http.client.HTTPException, ConnectionError, OSError):
                self.conn.close()
                self.conn = None
                if attempt == 1:
                    raise
        raise AssertionError("unreachable")


def run_query(server, query, start, end, step, timeout, extra):
    params = {"query": query, "start": f"{start:.3f}", "end": f"{end:.3f}", "step": str(step),
              "stats": "all"}
    params.update(extra)
    path = "/api/v1/query_range?" + urllib.parse.urlencode(params)
    before = rss_bytes(server.pid)
    with RssSampler(server.pid) as sampler:
        status, body, secs = server.get(path, timeout)
    growth = max(0, sampler.peak - before)
    # Large answers (hundreds of MB for 6 h of every CPU series) take longer to
    # json.loads than to compute; read only what is needed from successful bodies.
    if status == 200 and SUCCESS.search(body[:200]):
        series = body.count(b'"metric":')
        m = PEAK.search(body, max(0, len(body) - 4096))
        return {"ok": True, "secs": secs, "series": series,
                "points": body.count(b'"],[') + series, "rss_growth": growth,
                "peak_samples": int(m.group(1)) if m else None, "bytes": len(body)}
    try:
        doc = json.loads(body)
    except ValueError:
        return {"ok": False, "error": f"HTTP {status}: {body[:200]!r}", "secs": secs}
    return {"ok": False, "error": f"HTTP {status}: {str(doc.get('error', ''))[:200]}", "secs": secs}


def parse_range(text):
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    return int(float(text[:-1]) * units[text[-1]])


def fmt_ms(v):
    return "-" if v is None else f"{v * 1000:.0f}" if v >= 0.01 else f"{v * 1000:.1f}"


def fmt_mb(v):
    if v is None:
        return "-"
    return f"{v / 1048576:.1f}" if v < 10 * 1048576 else f"{v / 1048576:.0f}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--server", action="append", required=True, help="name,url,pid")
    ap.add_argument("--end", type=float, required=True, help="end of every range, unix seconds")
    ap.add_argument("--ranges", default="1h,6h")
    ap.add_argument("--step", type=int, default=60)
    ap.add_argument("--reps", type=int, default=7)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=300)
    ap.add_argument("--only", default="", help="comma-separated query names to run")
    ap.add_argument("--tsv", default="", help="write one row per timed run here")
    args = ap.parse_args()

    servers = [Server(s) for s in args.server]
    # VictoriaMetrics: nocache=1 disables its rollup result cache for this request,
    # so a repeated query is computed again like on the other servers.
    extra = {"victoriametrics": {"nocache": "1"}}
    queries = [q for q in QUERIES if not args.only or q[0] in args.only.split(",")]
    ranges = args.ranges.split(",")
    tsv = open(args.tsv, "w") if args.tsv else None
    if tsv:
        tsv.write("query\trange\tserver\trep\tseconds\tseries\tpoints\trss_growth\tpeak_samples\tbytes\n")
    hwm_start = {s.name: hwm_bytes(s.pid) for s in servers}

    rows = []  # (qname, range, {server: summary})
    for qname, query in queries:
        for rng in ranges:
            seconds = parse_range(rng)
            start = args.end - seconds
            per = {}
            for s in servers:
                runs, err = [], None
                for i in range(args.warmup + args.reps):
                    r = run_query(s, query, start, args.end, args.step, args.timeout,
                                  extra.get(s.name, {}))
                    if not r["ok"]:
                        err = r["error"]
                        break
                    if i >= args.warmup:
                        runs.append(r)
                        if tsv:
                            tsv.write(f"{qname}\t{rng}\t{s.name}\t{i - args.warmup}\t{r['secs']:.6f}\t"
                                      f"{r['series']}\t{r['points']}\t{r['rss_growth']}\t"
                                      f"{r['peak_samples'] if r['peak_samples'] is not None else ''}\t"
                                      f"{r['bytes']}\n")
                if err:
                    per[s.name] = {"error": err}
                    print(f"  {qname} {rng} {s.name}: ERROR {err}", file=sys.stderr)
                    continue
                per[s.name] = {
                    "median": statistics.median(r["secs"] for r in runs),
                    "series": runs[0]["series"],
                    "points": runs[0]["points"],
                    "rss_growth": max(r["rss_growth"] for r in runs),
                    "peak_samples": runs[0]["peak_samples"],
                }
                print(f"  {qname:18} {rng:3} {s.name:15} median {fmt_ms(per[s.name]['median']):>7} ms"
                      f"  series {per[s.name]['series']}", file=sys.stderr, flush=True)
            rows.append((qname, rng, per))
    if tsv:
        tsv.close()

    names = [s.name for s in servers]
    short = {"cairn": "cairn", "prometheus": "prom", "victoriametrics": "vm"}
    peers = [n for n in names if n != "cairn"]
    have_cairn = "cairn" in names

    print(f"\nMedian latency, ms ({args.reps} runs after {args.warmup} warm-up; step {args.step}s; "
          f"range ends at {args.end:.0f})")
    head = f"{'query':19}{'range':>6}" + "".join(f"{short.get(n, n):>9}" for n in names)
    if have_cairn:
        head += "".join(f"{'c/' + short.get(p, p):>9}" for p in peers) + "  target"
    print(head)
    met = total = 0
    for qname, rng, per in rows:
        line = f"{qname:19}{rng:>6}"
        for n in names:
            line += f"{('ERR' if 'error' in per[n] else fmt_ms(per[n]['median'])):>9}"
        if have_cairn:
            best = None
            for p in peers:
                if "error" in per["cairn"] or "error" in per[p]:
                    line += f"{'-':>9}"
                    continue
                ratio = per["cairn"]["median"] / per[p]["median"]
                line += f"{ratio:>9.2f}"
                best = per[p]["median"] if best is None else min(best, per[p]["median"])
            if best is not None and "error" not in per["cairn"]:
                total += 1
                ok = per["cairn"]["median"] <= 0.5 * best
                met += ok
                line += "  " + ("met" if ok else "missed")
        print(line)
    if have_cairn and total:
        print(f"target (Cairn median <= half the faster peer's): met for {met} of {total}")

    print("\nSeries returned (mismatches marked)")
    print(f"{'query':19}{'range':>6}" + "".join(f"{short.get(n, n):>9}" for n in names))
    mismatches = 0
    for qname, rng, per in rows:
        counts = [per[n].get("series") for n in names]
        seen = {c for c in counts if c is not None}
        mark = "  MISMATCH" if len(seen) > 1 else ""
        mismatches += bool(mark)
        print(f"{qname:19}{rng:>6}" + "".join(f"{('ERR' if c is None else c):>9}" for c in counts) + mark)
    print(f"series-count mismatches: {mismatches}")

    print("\nPer-query peak RSS growth, MiB (max over timed runs; ~2 ms sampling) and engine peakSamples")
    print(f"{'query':19}{'range':>6}" + "".join(f"{short.get(n, n):>9}" for n in names)
          + "".join(f"{'pk:' + short.get(n, n):>12}" for n in names if n != "victoriametrics"))
    for qname, rng, per in rows:
        line = f"{qname:19}{rng:>6}"
        line += "".join(f"{fmt_mb(per[n].get('rss_growth')):>9}" for n in names)
        line += "".join(f"{str(per[n].get('peak_samples', '-')):>12}" for n in names
                        if n != "victoriametrics")
        print(line)
    print("\nServer peak RSS (VmHWM) before -> after the queries, MiB: " + ", ".join(
        f"{n} {fmt_mb(hwm_start[n])} -> {fmt_mb(hwm_bytes(s.pid))}" for n, s in zip(names, servers)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
