#!/usr/bin/env python3
"""Soak: remote-write ingest + instant and range queries + rule-like repeated
queries + periodic kill -9 and restart, for a configurable time.

    bench/run_soak.py --cairn build/release/server/cairn                    # 2 minutes
    bench/run_soak.py --cairn build/release/server/cairn --duration 1h --rate 200000 --qps 10
    bench/run_soak.py --cairn ... --duration 60s --rate 2000 --check        # the ctest variant

One Cairn on a fresh data dir. Threads:
  - writers: remote write 1.0, every series once per timestamp, timestamps
    spaced so that data time follows wall time at --rate samples/s; a request
    that fails because the server is being restarted is sent again after it
    is back (as a sender retries); a 2xx marks its samples acknowledged;
  - queries: --qps instant and range queries (rate, sum by, a raw selector);
  - rules: every --rule-interval, a group of 5 fixed expressions (as a rule
    group evaluates);
  - restarts: every --restart-every, kill -9 and start on the same data dir.
Every --report-every it prints RSS, open descriptors, request and error
counts. An error is a non-2xx answer, or a request failing while the server
is up. At the end: RSS drift (RSS just before each kill -9, at equal uptime,
and at the end, first vs last), the error count, and the acknowledged samples
lost across the restarts: after a last kill -9 and restart, every series'
sample count over the whole run (PromQL) must cover its acknowledged samples,
and --verify-series series are read back sample by sample through remote read.
With --check the exit code is 1 when there were errors or lost samples.
"""
import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "lib"))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))
from procstat import free_port, rss_bytes  # noqa: E402
from lib import prom_pb  # noqa: E402
from lib import snappy_block  # noqa: E402

METRIC = "soak_metric"
WRITE_HEADERS = {"Content-Encoding": "snappy", "Content-Type": "application/x-protobuf",
                 "X-Prometheus-Remote-Write-Version": "0.1.0"}
RULES = ["sum(rate(%s[1m]))" % METRIC, "max by (g) (%s)" % METRIC, "count(%s > 0.5)" % METRIC,
         "avg_over_time(%s{g=\"3\"}[2m])" % METRIC, "topk(5, %s)" % METRIC]


def parse_duration(s):
    units = {"ms": 0.001, "s": 1, "m": 60, "h": 3600}
    for u in ("ms", "s", "m", "h"):
        if s.endswith(u) and s[:-len(u)].replace(".", "", 1).isdigit():
            return float(s[:-len(u)]) * units[u]
    return float(s)


def value(series, t_ms):
    """The value of `series` at `t_ms`: anyone can recompute it to compare."""
    return ((t_ms // 1000) * 7919 + series * 104729) % 1000003 / 1000003.0


class Server:
    def __init__(self, args, work):
        self.binary = args.cairn
        self.data = os.path.join(work, "data")
        self.cfg = os.path.join(work, "cairn.yml")
        with open(self.cfg, "w") as f:
            f.write("global:\n  scrape_interval: 15s\n")
        self.log = open(os.path.join(work, "cairn.log"), "ab")
        self.port = free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        self.proc = None
        self.up = threading.Event()
        self.extra = args.cairn_arg or []

    def start(self):
        env = dict(os.environ)
        env.setdefault("ASAN_OPTIONS", "detect_leaks=0")
        self.proc = subprocess.Popen([self.binary, "--config.file=" + self.cfg, "--storage.tsdb.path=" + self.data,
                                      "--web.listen-address=127.0.0.1:%d" % self.port] + self.extra,
                                     stdout=self.log, stderr=subprocess.STDOUT, env=env)
        deadline = time.time() + 180
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("cairn exited with %s (log: %s)" % (self.proc.returncode, self.log.name))
            try:
                urllib.request.urlopen(self.url + "/-/ready", timeout=5).read()
                self.up.set()
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("cairn not ready")

    def kill9(self):
        self.up.clear()
        self.proc.kill()
        self.proc.wait()

    def stop(self):
        self.up.clear()
        self.proc.terminate()
        try:
            self.proc.wait(60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def fds(self):
        try:
            return len(os.listdir("/proc/%d/fd" % self.proc.pid))
        except OSError:
            return 0

    def rss(self):
        try:
            return rss_bytes(self.proc.pid)
        except OSError:
            return 0


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.requests = {}
        self.errors = {}
        self.retried = 0  # requests cut by a restart, sent again
        self.error_examples = []
        self.acked_samples = 0

    def count(self, kind, ok, example=None):
        with self.lock:
            self.requests[kind] = self.requests.get(kind, 0) + 1
            if not ok:
                self.errors[kind] = self.errors.get(kind, 0) + 1
                if example and len(self.error_examples) < 10:
                    self.error_examples.append(example)


class Soak:
    def __init__(self, args, server):
        self.args = args
        self.server = server
        self.stats = Stats()
        self.stop = threading.Event()
        self.series = args.series
        # Data time follows wall time: one timestamp for all series every step_ms.
        self.step_ms = max(1, int(round(1000.0 * args.series / args.rate)))
        self.t0_ms = int(time.time() * 1000) - 1000
        self.acked = []  # acknowledged timestamps, in order
        self.acked_lock = threading.Lock()
        self.restart_lock = threading.Lock()  # held while the server is down

    def request(self, method, path, body=None, headers=None, timeout=60):
        """(status, body); status None when the connection failed."""
        req = urllib.request.Request(self.server.url + path, data=body, headers=headers or {}, method=method)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()
        except OSError as e:
            return None, str(e).encode()

    def call(self, kind, method, path, body=None, headers=None):
        """One request; a failure because of a restart is retried once the
        server is back (not an error); anything else non-2xx is an error."""
        while not self.stop.is_set():
            self.server.up.wait()
            gen = self.restarts_seen
            status, out = self.request(method, path, body, headers)
            if status is not None and 200 <= status < 300:
                self.stats.count(kind, True)
                return out
            if self.restarts_seen != gen or not self.server.up.is_set():
                with self.stats.lock:
                    self.stats.retried += 1
                continue
            self.stats.count(kind, False, "%s %s: %s %s" % (kind, path[:80], status, out[:200]))
            return None
        return None

    restarts_seen = 0

    def writer(self, wid, nwriters):
        labels = [(("__name__", METRIC), ("g", str(s % 10)), ("s", str(s))) for s in range(self.series)]  # sorted
        per_request = max(1, self.args.timestamps_per_request)
        k = wid
        while not self.stop.is_set():
            first = k * per_request
            ts = [self.t0_ms + (first + i) * self.step_ms for i in range(per_request)]
            wait = (ts[-1] - time.time() * 1000) / 1000.0
            if wait > 0:
                time.sleep(min(wait, 1.0))
                continue
            body = prom_pb.encode_write_v1_grid([(labels[s], [value(s, t) for t in ts]) for s in range(self.series)],
                                                ts)
            if self.call("write", "POST", "/api/v1/write", snappy_block.compress(body), WRITE_HEADERS) is not None:
                with self.acked_lock:
                    self.acked.extend(ts)
                with self.stats.lock:
                    self.stats.acked_samples += len(ts) * self.series
            k += nwriters

    def querier(self):
        rng = random.Random(1)
        while not self.stop.is_set():
            now = time.time()
            if rng.random() < 0.5:
                q = rng.choice(["sum(rate(%s[1m]))" % METRIC, "%s{s=\"%d\"}" % (METRIC, rng.randrange(self.series)),
                                "sum by (g) (%s)" % METRIC])
                self.call("query", "GET", "/api/v1/query?" + urllib.parse.urlencode({"query": q, "time": now}))
            else:
                q = rng.choice(["sum by (g) (rate(%s[1m]))" % METRIC, "max(%s)" % METRIC])
                self.call("query_range", "GET", "/api/v1/query_range?" + urllib.parse.urlencode(
                    {"query": q, "start": now - 300, "end": now, "step": 15}))
            time.sleep(max(0.0, 1.0 / self.args.qps - (time.time() - now)))

    def rules(self):
        while not self.stop.is_set():
            t = time.time()
            for q in RULES:
                self.call("rule", "GET", "/api/v1/query?" + urllib.parse.urlencode({"query": q, "time": t}))
            self.stop.wait(max(0.0, self.args.rule_interval - (time.time() - t)))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cairn", required=True, help="the cairn binary")
    ap.add_argument("--duration", default="2m")
    ap.add_argument("--rate", type=float, default=20000, help="samples/s written")
    ap.add_argument("--series", type=int, default=1000)
    ap.add_argument("--timestamps-per-request", type=int, default=5)
    ap.add_argument("--writers", type=int, default=2)
    ap.add_argument("--qps", type=float, default=5, help="instant + range queries per second")
    ap.add_argument("--rule-interval", type=float, default=1.0, help="seconds between rule-like groups")
    ap.add_argument("--restart-every", default="30s", help="kill -9 and restart this often (0: never)")
    ap.add_argument("--report-every", default="10s")
    ap.add_argument("--verify-series", type=int, default=20, help="series read back sample by sample")
    ap.add_argument("--cairn-arg", action="append", help="an extra cairn flag (repeatable)")
    ap.add_argument("--check", action="store_true", help="exit 1 on errors or lost samples")
    ap.add_argument("--keep", action="store_true", help="keep the work dir")
    args = ap.parse_args()
    duration = parse_duration(args.duration)
    restart_every = parse_duration(args.restart_every)
    report_every = parse_duration(args.report_every)

    work = tempfile.mkdtemp(prefix="cairn-soak-")
    server = Server(args, work)
    server.start()
    soak = Soak(args, server)
    threads = [threading.Thread(target=soak.writer, args=(w, args.writers), daemon=True) for w in range(args.writers)]
    threads += [threading.Thread(target=soak.querier, daemon=True), threading.Thread(target=soak.rules, daemon=True)]
    for t in threads:
        t.start()
    print("soak: %s, %d series, %.0f samples/s (a timestamp every %d ms), %.1f queries/s + %d rule queries every "
          "%.1f s, kill -9 every %s" % (args.duration, args.series, args.rate, soak.step_ms, args.qps, len(RULES),
                                        args.rule_interval, args.restart_every if restart_every else "never"),
          flush=True)
    start = time.time()
    last_report = start
    last_restart = start
    rss_at_kill = []
    restarts = 0
    peak_fds = 0
    prev_samples = 0
    while time.time() - start < duration:
        time.sleep(0.5)
        now = time.time()
        peak_fds = max(peak_fds, server.fds())
        if now - last_report >= report_every:
            with soak.stats.lock:
                reqs = dict(soak.stats.requests)
                errs = sum(soak.stats.errors.values())
                samples = soak.stats.acked_samples
                retried = soak.stats.retried
            print("%6.0fs  rss %6.1f MiB  fds %4d  requests %s  errors %d  retried-after-restart %d  "
                  "samples %d (%.0f/s)  restarts %d" % (
                      now - start, server.rss() / 2 ** 20, server.fds(),
                      " ".join("%s=%d" % kv for kv in sorted(reqs.items())), errs, retried, samples,
                      (samples - prev_samples) / (now - last_report), restarts), flush=True)
            prev_samples = samples
            last_report = now
        if restart_every and now - last_restart >= restart_every and duration - (now - start) > 5:
            rss_at_kill.append(server.rss())
            soak.restarts_seen += 1
            server.kill9()
            t_down = time.time()
            server.start()
            restarts += 1
            print("        kill -9 and restart #%d: ready again after %.2f s" % (restarts, time.time() - t_down),
                  flush=True)
            last_restart = time.time()
    rss_at_kill.append(server.rss())
    soak.stop.set()
    server.up.set()
    for t in threads:
        t.join(timeout=120)
    final_rss = server.rss()

    # The acknowledged samples across one more kill -9.
    soak.restarts_seen += 1
    server.kill9()
    server.start()
    with soak.acked_lock:
        acked = sorted(set(soak.acked))
    lost = 0
    end_s = time.time()
    window = int(end_s - soak.t0_ms / 1000.0) + 60
    st, body = soak.request("GET", "/api/v1/query?" + urllib.parse.urlencode(
        {"query": "count_over_time(%s[%ds])" % (METRIC, window), "time": end_s}), timeout=300)
    counts = {}
    if st == 200:
        for r in json.loads(body)["data"]["result"]:
            counts[int(r["metric"]["s"])] = int(float(r["value"][1]))
    else:
        print("count query failed: %s %s" % (st, body[:200]))
        lost = -1
    if lost == 0:
        for s in range(args.series):
            lost += max(0, len(acked) - counts.get(s, 0))
    # Sample by sample for a few series.
    verify = list(range(0, args.series, max(1, args.series // max(1, args.verify_series))))[:args.verify_series]
    wrong = 0
    for s in verify:
        q = prom_pb.encode_read_request([(soak.t0_ms - 1, int(end_s * 1000) + 1,
                                          [(prom_pb.EQ, "__name__", METRIC), (prom_pb.EQ, "s", str(s))])],
                                        accepted=(prom_pb.SAMPLES,))
        st, body = soak.request("POST", "/api/v1/read", snappy_block.compress(q), {
            "Content-Encoding": "snappy", "Content-Type": "application/x-protobuf",
            "X-Prometheus-Remote-Read-Version": "0.1.0"}, timeout=300)
        got = {}
        if st == 200:
            res = prom_pb.decode_read_response(snappy_block.decompress(body))
            for _, samples in (res[0] if res else []):
                for t, bits in samples:
                    got[t] = bits
        for t in acked:
            if got.get(t) != prom_pb.pb.float_bits(value(s, t)):
                wrong += 1
    server.stop()

    with soak.stats.lock:
        reqs = dict(soak.stats.requests)
        errors = dict(soak.stats.errors)
        examples = list(soak.stats.error_examples)
        retried = soak.stats.retried
    total_errors = sum(errors.values())
    first, last = rss_at_kill[0], rss_at_kill[-1]
    drift = (last - first) / first * 100 if first else 0.0
    print("requests: %s; errors: %s (%d); %d requests cut by a restart and sent again" % (
        " ".join("%s=%d" % kv for kv in sorted(reqs.items())), errors or "none", total_errors, retried))
    for e in examples:
        print("  error:", e)
    print("RSS at equal uptime before each kill -9 and at the end (MiB): %s; drift first->last %+.1f %%; "
          "RSS at the end %.1f MiB; peak descriptors %d" % (
              " ".join("%.1f" % (r / 2 ** 20) for r in rss_at_kill), drift, final_rss / 2 ** 20, peak_fds))
    print("acknowledged: %d samples (%d timestamps x %d series) over %.0f s (%.0f samples/s), %d restarts" % (
        len(acked) * args.series, len(acked), args.series, duration, len(acked) * args.series / duration, restarts))
    print("lost across restarts: %s acknowledged samples (PromQL counts of all series); %d wrong or missing "
          "in %d series read back sample by sample" % (lost if lost >= 0 else "?", wrong, len(verify)))
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print("work dir:", work)
    ok = total_errors == 0 and lost == 0 and wrong == 0 and len(acked) > 0
    print("soak: %s" % ("OK" if ok else "FAILED"))
    if args.check and not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
