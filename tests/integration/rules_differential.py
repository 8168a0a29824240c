#!/usr/bin/env python3
"""Rule engine differential: Cairn, vmalert 1.79 (over Cairn's query API) and Prometheus 2.42 evaluate the same rules.

The rule files are deploy/rules (every `for` scaled from minutes to seconds, as alerting.py does) plus
extra recording rules (aggregation, rate, histogram_quantile by route, label_replace, an info-metric join
with group_left) and one extra alert with a templated label. Every group is evaluated every second.

Data: ~340 series (node_exporter-like nodes, HTTP histograms and counters, postgres_exporter,
kube-state-metrics restarts, blackbox probes, up) sampled every 2 s from 16 minutes before a start time
S to 40 s after it. The whole set is remote-written at once into Cairn ("cairn") and into Prometheus 2.42
before S: samples in the future only become visible as evaluation reaches them, so every evaluator sees
the same data whatever the write's timing. Thresholds are crossed only at or after S:
- gauges (up, probe_success, memory, filesystem, connection counts) change value at fixed times;
- counters whose rates must cross a threshold take one step (a burst): a rate over [5m] then changes
  once, when the step enters the window (or leaves it, for the CPU idle counters stepped 290 s before S),
  and stays constant otherwise, because every counter has a constant slope and samples cover each window.
So recorded values are piecewise constant and alerts change state at a handful of instants.

Evaluators:
- cairn: rule_files in its prometheus.yml, over its own copy of the data;
- Prometheus 2.42 (--web.enable-remote-write-receiver): the same prometheus.yml over its own copy;
- vmalert: the same files, -datasource.url = cairn (so it evaluates through Cairn's query API, reading
  cairn's own recorded series where a rule uses one), -remoteWrite.url = a second Cairn ("sink") that
  stores vmalert's recorded series and ALERTS.
Cairn's and Prometheus' groups evaluate at the same instants (same group hash -> same offset); vmalert
evaluates at whole seconds. The data's samples sit 437 ms after whole (even) seconds, so no window edge
of any evaluator falls on a sample (3.x left-open vs 2.42 closed windows cannot differ).

Comparison rule (per peer, over the window S-3 s .. S+25 s): every sample of a recorded series or of
ALERTS on one side must be matched by a sample of the same series with the same value (1e-9 relative)
on the other side at most one evaluation interval (1 s) away; a series agrees when all its samples do.
The one-interval tolerance absorbs vmalert's different evaluation instants and its reading of cairn's
recordings up to one interval late. Prints
  rules differential: N series agree, M differ   (vs vmalert and vs Prometheus)
  alerts differential: N agree, M differ         (ALERTS series, per alertstate)
and fails on any difference or when too few series or alert states were compared.
"""
import json
import os
import re
import struct
import sys
import threading
import http.server
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import harness  # noqa: E402
from lib.harness import check, log  # noqa: E402

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
STEP_MS = 2000          # data spacing
PHASE_MS = 437          # data samples sit this far after an even second
INTERVAL_MS = 1000      # every group's evaluation interval
HISTORY_S = 330         # covers a [5m] window at every compared evaluation
LONG_HISTORY_S = 960    # the same for [15m] (kube_pod_container_status_restarts_total)
FUTURE_S = 40
LEAD_S = 12             # S is this far after every evaluator runs: time to build and write the data
WINDOW = (-3, 25)       # compared evaluation times, seconds relative to S

EXTRA_RULES = """groups:
  - name: extra
    rules:
      - record: job:up:count
        expr: count by (job) (up)
      - record: instance_mode:node_cpu_seconds:rate5m
        expr: sum by (instance, mode) (rate(node_cpu_seconds_total[5m]))
      - record: job_route:http_request_duration_seconds:p90_5m
        expr: histogram_quantile(0.9, sum by (job, route, le) (rate(http_request_duration_seconds_bucket[5m])))
      - record: service:http_requests:rate5m
        expr: label_replace(sum by (job) (rate(http_requests_total[5m])), "service", "$1", "job", "(.*)-service")
      - record: nodename:node_memory_available:ratio
        expr: |
          (node_memory_MemAvailable_bytes / on (instance) node_memory_MemTotal_bytes)
            * on (instance) group_left (nodename) node_uname_info
      - record: datname:pg_stat_database_blks_read:rate5m
        expr: sum by (datname) (rate(pg_stat_database_blks_read[5m]))
      - alert: NodeMemoryLow
        expr: nodename:node_memory_available:ratio < 0.2
        for: 3s
        labels:
          severity: warning
          node: "{{ $labels.nodename }}"
        annotations:
          summary: "{{ $labels.nodename }} has {{ $value | humanizePercentage }} memory available"
"""


def bits(v):
    return struct.unpack("<Q", struct.pack("<d", v))[0]


# ---- the data set ------------------------------------------------------------------------------
# Each series is (labels, f) where f(r) is its value at r seconds relative to S.

def gauge(normal, changes=()):
    """A gauge at `normal`, except `value` while start <= r < end for each (start, end, value)."""
    def f(r):
        for start, end, value in changes:
            if start <= r < end:
                return value
        return normal
    return f


def counter(slope, steps=(), base=1000.0):
    """A counter growing by `slope` per second plus `delta` from each (at, delta) step on."""
    def f(r):
        return base + slope * (r + LONG_HISTORY_S) + sum(d for at, d in steps if r >= at)
    return f


def data_set():
    s = []

    def add(name, labels, f):
        s.append(([("__name__", name)] + sorted(labels.items()), f))

    # up and blackbox probes.
    targets = [("task-service", "task-service:300%d" % i) for i in (1, 2, 3)] + \
              [("api-gateway", "api-gateway:300%d" % i) for i in (1, 2)] + \
              [("user-service", "user-service:300%d" % i) for i in (1, 2)] + \
              [("postgres", "pg0:9187"), ("redis", "redis:9121")]
    for job, inst in targets:
        changes = ()
        if inst == "task-service:3001":
            changes = ((2, 20, 0.0),)       # ServiceDown: pending, firing after 2 s, resolved
        elif inst == "user-service:3002":
            changes = ((4, 5, 0.0),)        # down for one sample: pending only
        add("up", {"job": job, "instance": inst}, gauge(1.0, changes))
    for i, url in enumerate(["https://emr.example/health", "https://emr.example/login",
                             "https://api.emr.example/v1/ping", "https://status.emr.example"]):
        add("probe_success", {"job": "blackbox", "instance": url}, gauge(1.0, ((4, 12, 0.0),) if i == 1 else ()))

    # kube-state-metrics restarts: one pod restarts at S+10, one restarted 895 s before S
    # (PodCrashLooping until that step leaves the [15m] window at ~S+5).
    for i in range(12):
        steps = ((10, 1.0),) if i == 3 else (((-895, 1.0),) if i == 7 else ())
        add("kube_pod_container_status_restarts_total",
            {"job": "kube-state-metrics", "namespace": "emr", "pod": "svc%d-7d9f8" % i, "container": "svc%d" % i},
            counter(0.0, steps, base=float(i % 3)))

    # Nodes.
    for n in range(16):
        inst = "node%d:9100" % n
        node = {"job": "node", "instance": inst}
        add("node_uname_info", dict(node, nodename="node%d" % n, release="6.1.0-%d-amd64" % (n % 3)), gauge(1.0))
        for cpu in ("0", "1"):
            if n == 5:      # idle rate 0.02/s after the history step leaves the window at S+10
                idle = counter(0.02, ((-290, 0.88 * 298),))
            elif n == 6:    # 0.12/s after it: only HighCPUUsage
                idle = counter(0.12, ((-290, 0.78 * 298),))
            else:
                idle = counter(0.9)
            add("node_cpu_seconds_total", dict(node, cpu=cpu, mode="idle"), idle)
            add("node_cpu_seconds_total", dict(node, cpu=cpu, mode="user"), counter(0.07 + 0.001 * n))
        total = 16e9
        avail = {1: ((1, 22, 0.03 * total),), 2: ((1, 22, 0.10 * total),)}.get(n, ())
        add("node_memory_MemTotal_bytes", node, gauge(total))
        add("node_memory_MemAvailable_bytes", node, gauge(0.5 * total + 4096 * n, avail))
        root = {3: ((6, 22, 0.10),), 4: ((6, 22, 0.03),)}.get(n, ())
        size = 100e9
        for device, fstype, mount, f_avail in (("/dev/sda1", "ext4", "/", gauge(0.6, root)),
                                               ("tmpfs", "tmpfs", "/run", gauge(0.01))):
            labels = dict(node, device=device, fstype=fstype, mountpoint=mount)
            add("node_filesystem_size_bytes", labels, gauge(size))
            add("node_filesystem_avail_bytes", labels, (lambda fa: lambda r: fa(r) * size)(f_avail))

    # HTTP: per-second request rates by bucket; a burst of slow requests at S+5 (api-gateway 1-2.5 s,
    # task-service 0.5-1 s) and of 5xx at S+3 (api-gateway 2.3%, user-service 0.75%).
    les = ["0.1", "0.25", "0.5", "1", "2.5", "5", "+Inf"]
    cumulative = [7.0, 9.0, 9.8, 9.95, 10.0, 10.0, 10.0]
    for job in ("api-gateway", "task-service", "user-service"):
        for route in ("/api/tasks", "/api/users"):
            for le, c in zip(les, cumulative):
                burst = ()
                if job == "api-gateway" and le in ("2.5", "5", "+Inf"):
                    burst = ((5, 2000.0),)
                elif job == "task-service" and le in ("1", "2.5", "5", "+Inf"):
                    burst = ((5, 600.0),)
                add("http_request_duration_seconds_bucket",
                    {"job": job, "route": route, "method": "GET", "le": le}, counter(c, burst))
        for status, slope in (("200", 100.0), ("404", 2.0), ("500", 0.1)):
            burst = ()
            if status == "500":
                burst = {"api-gateway": ((3, 700.0),), "user-service": ((3, 200.0),)}.get(job, ())
            add("http_requests_total", {"job": job, "status": status}, counter(slope, burst))

    # postgres_exporter.
    for p in ("pg0:9187", "pg1:9187"):
        add("pg_settings_max_connections", {"job": "postgres", "instance": p}, gauge(100.0))
        for db in ("app", "analytics"):
            labels = {"job": "postgres", "instance": p, "datname": db}
            busy = 60.0 if db == "app" else 35.0
            add("pg_stat_database_numbackends", labels,
                gauge(20.0, ((7, 22, busy),) if p == "pg1:9187" else ()))
            slow = ((9, 3000.0),) if (p, db) == ("pg0:9187", "analytics") else ()
            add("pg_stat_statements_total_time_seconds", labels, counter(0.5, slow))
            add("pg_stat_statements_calls", labels, counter(10.0))
            add("pg_stat_database_blks_hit", labels, counter(500.0))
            add("pg_stat_database_blks_read", labels, counter(5.0 + (db == "app")))
            add("pg_stat_database_xact_commit", labels, counter(40.0))
            add("pg_stat_database_xact_rollback", labels, counter(0.5))
            add("pg_stat_database_deadlocks", labels,
                counter(0.0, ((12, 8.0),) if (p, db) == ("pg0:9187", "app") else ()))
    return s


def samples(data, s_ms):
    """The data set as remote-write series: every STEP_MS from S - HISTORY_S (LONG_HISTORY_S for
    series read over [15m]) to S + FUTURE_S."""
    out = []
    for labels, f in data:
        history = LONG_HISTORY_S if labels[0][1] == "kube_pod_container_status_restarts_total" else HISTORY_S
        offsets = range(-history * 1000 + PHASE_MS, FUTURE_S * 1000, STEP_MS)
        out.append((labels, [(s_ms + o, bits(f(o / 1000.0))) for o in offsets]))
    return out


# ---- rules and evaluators ----------------------------------------------------------------------

def rule_files(env):
    """deploy/rules with `for` scaled from minutes to seconds, plus the extra file."""
    paths = []
    src = os.path.join(REPO, "deploy", "rules")
    for name in sorted(os.listdir(src)):
        if name.endswith(".yml"):
            with open(os.path.join(src, name)) as f:
                text = re.sub(r"(\n\s+for: )(\d+)m\n", r"\1\2s\n", f.read())
            paths.append(env.path("rules-" + name))
            with open(paths[-1], "w") as f:
                f.write(text)
    paths.append(env.path("rules-extra.yml"))
    with open(paths[-1], "w") as f:
        f.write(EXTRA_RULES)
    return paths


def evaluator_config(files):
    lines = ["global:", "  scrape_interval: 1h", "  evaluation_interval: 1s", "rule_files:"]
    return "\n".join(lines + ["  - " + p for p in files]) + "\n"


class NullNotifier:
    """vmalert 1.79 insists on -notifier.url; this answers its POSTs with 200 and keeps nothing."""

    def __init__(self):
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


# ---- comparison --------------------------------------------------------------------------------

def key(metric, drop=()):
    return json.dumps({k: v for k, v in metric.items() if k not in drop}, sort_keys=True)


def raw_samples(url, selector, s_ms, drop=()):
    """{series key: {ts_ms: value}} for every raw sample of `selector` in the compared window (+- 2 s)."""
    lo, hi = s_ms + (WINDOW[0] - 2) * 1000, s_ms + (WINDOW[1] + 2) * 1000
    secs = (hi - lo) // 1000
    res = harness.api_get(url, "/api/v1/query", {"query": "%s[%ds]" % (selector, secs), "time": "%.3f" % (hi / 1000)})
    out = {}
    for series in res["result"]:
        pts = out.setdefault(key(series["metric"], drop), {})
        for t, v in series["values"]:
            pts[int(round(float(t) * 1000))] = float(v)
    return out


def close_enough(a, b):
    return a == b or abs(a - b) <= 1e-9 * max(abs(a), abs(b))


def unmatched(mine, theirs, lo, hi):
    """Samples of `mine` in [lo, hi] with no sample of equal value in `theirs` within one interval."""
    bad = []
    for t, v in sorted(mine.items()):
        if lo <= t <= hi and not any(abs(t - u) <= INTERVAL_MS and close_enough(v, w) for u, w in theirs.items()):
            bad.append((t, v))
    return bad


def compare(what, cairn, peer, s_ms):
    """Per-series verdicts of `cairn` vs `peer`; returns (agree, differ, compared samples, cairn samples
    with a peer sample at the very same timestamp)."""
    lo, hi = s_ms + WINDOW[0] * 1000, s_ms + WINDOW[1] * 1000
    agree, differ, n, same_ts = 0, [], 0, 0
    for k in sorted(set(cairn) | set(peer)):
        mine, theirs = cairn.get(k, {}), peer.get(k, {})
        # The peer's samples are checked one interval inside the window, so that a peer sample matched
        # by a cairn sample just outside the window is not counted against it.
        bad_c = unmatched(mine, theirs, lo, hi)
        bad_p = unmatched(theirs, mine, lo + INTERVAL_MS, hi - INTERVAL_MS)
        in_window = sum(1 for t in mine if lo <= t <= hi) + sum(1 for t in theirs if lo <= t <= hi)
        if in_window == 0:
            continue
        n += in_window
        same_ts += sum(1 for t in mine if lo <= t <= hi and t in theirs)
        if bad_c or bad_p:
            differ.append(k)
            log("%s: %s differs: cairn-only %s, peer-only %s" % (
                what, k, [((t - s_ms) / 1000, v) for t, v in bad_c[:5]],
                [((t - s_ms) / 1000, v) for t, v in bad_p[:5]]))
        else:
            agree += 1
    return agree, differ, n, same_ts


def main(env):
    vmalert_bin = env.binary("vmalert")
    files = rule_files(env)
    config = evaluator_config(files)

    cairn = harness.Cairn(env, config=config)
    cairn.start()
    sink = harness.Cairn(env, name="sink", config="global:\n  scrape_interval: 1h\n")
    sink.start()
    prom = harness.Prometheus(env, config, extra_args=["--web.enable-remote-write-receiver"])
    prom.start()

    null = NullNotifier()
    vm_port = harness.free_port()
    vm = env.spawn("vmalert", [vmalert_bin] + ["-rule=" + p for p in files] + [
        "-datasource.url=" + cairn.url, "-remoteWrite.url=" + sink.url, "-remoteWrite.flushInterval=200ms",
        "-notifier.url=http://127.0.0.1:%d" % null.port, "-evaluationInterval=1s",
        "-httpListenAddr=127.0.0.1:%d" % vm_port])
    harness.wait_http_ok("http://127.0.0.1:%d/-/healthy" % vm_port, vm, 30)
    s_ms = (int(time.time()) + LEAD_S) * 1000
    data = data_set()
    body = samples(data, s_ms)
    log("%d series, %d samples; S = %d" % (len(body), sum(len(p) for _, p in body), s_ms))
    for url in (cairn.url, prom.url):
        for i in range(0, len(body), 60):
            r = harness.remote_write(url, body[i:i + 60])
            check(r.status in (200, 204), "remote write to %s: %r" % (url, r))

    check(time.time() * 1000 < s_ms + WINDOW[0] * 1000,
          "the data was written too late (%.1f s after S-3 s): raise LEAD_S" %
          (time.time() - (s_ms / 1000 + WINDOW[0])))

    wait = s_ms / 1000 + WINDOW[1] + 3 - time.time()
    log("evaluating for %.0f s" % wait)
    time.sleep(max(0, wait))

    # Every evaluator's health: no rule failed (vmalert 1.79 answers /api/v1/rules in Prometheus' shape).
    for name, url in (("cairn", cairn.url), ("prometheus", prom.url), ("vmalert", "http://127.0.0.1:%d" % vm_port)):
        for g in harness.api_get(url, "/api/v1/rules", {})["groups"]:
            for r in g["rules"]:
                check(r["health"] == "ok", "%s: rule %s in %s: %s %s" % (
                    name, r["name"], g["name"], r["health"], r.get("lastError")))

    recorded = '{__name__=~".+:.+"}'
    rc = raw_samples(cairn.url, recorded, s_ms)
    rp = raw_samples(prom.url, recorded, s_ms)
    rv = raw_samples(sink.url, recorded, s_ms)
    # vmalert's ALERTS carry its `alertgroup` label (the group's name); Prometheus' do not.
    ac = raw_samples(cairn.url, "ALERTS", s_ms)
    ap = raw_samples(prom.url, "ALERTS", s_ms)
    av = raw_samples(sink.url, "ALERTS", s_ms, drop=("alertgroup",))

    totals = {}
    for what, c, p in (("rules vs vmalert", rc, rv), ("rules vs prometheus", rc, rp),
                       ("alerts vs vmalert", ac, av), ("alerts vs prometheus", ac, ap)):
        agree, differ, n, same_ts = compare(what, c, p, s_ms)
        totals[what] = (agree, len(differ), n)
        log("%s: %d series agree, %d differ (%d samples compared, %d of cairn's at the peer's very timestamps)"
            % (what, agree, len(differ), n, same_ts))
    ra = sum(totals[w][0] for w in ("rules vs vmalert", "rules vs prometheus"))
    rd = sum(totals[w][1] for w in ("rules vs vmalert", "rules vs prometheus"))
    aa = sum(totals[w][0] for w in ("alerts vs vmalert", "alerts vs prometheus"))
    ad = sum(totals[w][1] for w in ("alerts vs vmalert", "alerts vs prometheus"))
    log("rules differential: %d series agree, %d differ" % (ra, rd))
    log("alerts differential: %d agree, %d differ" % (aa, ad))

    # Per alert series (labels without alertstate): the states it went through in the window.
    states = {}
    for k in ac:
        m = json.loads(k)
        states.setdefault(key(m, ("alertstate",)), set()).add(m["alertstate"])
    firing = sorted({json.loads(k)["alertname"] for k, s in states.items() if "firing" in s})
    pending_only = sorted(k for k, s in states.items() if s == {"pending"})
    log("cairn: %d alert series, firing: %s; only pending: %s" % (len(states), firing, pending_only))
    check(rd == 0 and ad == 0, "rule results differ (see above)")
    # The data is built to exercise every kind of outcome; a quiet run proves nothing.
    check(len(rc) >= 100, "only %d recorded series in cairn" % len(rc))
    check(len(firing) >= 15 and pending_only, "too few alerts fired (%s) or none stayed pending" % firing)
    vm.stop()
    null.close()
    prom.stop()
    cairn.stop()
    sink.stop()


if __name__ == "__main__":
    harness.run(main, __doc__, extra_args=[
        ("prometheus", "path to the prometheus binary"),
        ("vmalert", "path to the vmalert binary")])
