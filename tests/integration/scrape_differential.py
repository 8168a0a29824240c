#!/usr/bin/env python3
"""Scrape differential: Cairn and Debian's Prometheus 2.42 scrape the same targets
from the same prometheus.yml, and must end up holding the same series.

Targets, all on 127.0.0.1 and started here: Debian's prometheus-node-exporter (a few
collectors), Prometheus' own /metrics, Cairn's own /metrics, and an "app" exposition
served by this test whose content it changes in phases:
  1. series a{x="1"}, b, a histogram and a sample whose `job` label clashes with the
     target's (kept as exported_job);
  2. b vanishes (both servers must write a stale marker for it);
  3. the app target stops answering (up=0, every series of it stale).
The config uses relabel_configs (a label added to every target, one target dropped)
and metric_relabel_configs (node exporter's go_* series dropped).

Compared afterwards on both servers:
  - the series of every job at one instant, by label set (the stable ones: node,
    app before it stopped), `le`/`quantile` compared in 3.x's normalised float form;
  - `up` of every target, same labels and value;
  - per app series, the sample count over a window both scraped throughout: equal
    within one scrape;
  - the stale markers: b answers just before it vanished and not after; the app's
    series answer before the target stopped and not after; up{job="app"} is 0.
  - /api/v1/targets: the same active targets (labels, health) and dropped target.
Prints `scrape differential: N series agree, M differ` and fails on any difference.
"""
import json
import os
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import harness  # noqa: E402
from lib.harness import check, log  # noqa: E402

INTERVAL_S = 1

APP_PHASE1 = """# HELP a A gauge.
# TYPE a gauge
a{x="1"} %(v)d
# TYPE b counter
b_total %(v)d
# HELP req_seconds Request latency.
# TYPE req_seconds histogram
req_seconds_bucket{le="0.1"} 1
req_seconds_bucket{le="1"} 3
req_seconds_bucket{le="+Inf"} 4
req_seconds_sum 2.5
req_seconds_count 4
clash{job="inner"} 1
"""
APP_PHASE2 = """# HELP a A gauge.
# TYPE a gauge
a{x="1"} %(v)d
clash{job="inner"} 1
"""


class App:
    """The app target: an exposition whose content the test switches."""

    def __init__(self):
        self.phase = 1
        self.value = 0
        self.server = harness.ExpositionServer(self.exposition)
        self.port = self.server.port

    def exposition(self, _port):
        self.value += 1
        return (APP_PHASE1 if self.phase == 1 else APP_PHASE2) % {"v": self.value}

    def stop(self):
        self.server.stop()


def config(node_port, app_port, prom_port, cairn_port, dead_port):
    return """global:
  scrape_interval: %(i)ds
  scrape_timeout: 900ms
scrape_configs:
  - job_name: node
    static_configs:
      - targets: ["127.0.0.1:%(node)d"]
        labels: {tier: system}
    relabel_configs:
      - target_label: env
        replacement: test
    metric_relabel_configs:
      - source_labels: [__name__]
        regex: "go_.*"
        action: drop
  - job_name: app
    static_configs:
      - targets: ["127.0.0.1:%(app)d", "127.0.0.1:%(dead)d"]
    relabel_configs:
      - source_labels: [__address__]
        regex: "127.0.0.1:%(dead)d"
        action: drop
      - target_label: env
        replacement: test
  - job_name: self
    static_configs:
      - targets: ["127.0.0.1:%(prom)d", "127.0.0.1:%(cairn)d"]
    metric_relabel_configs:
      - source_labels: [__name__]
        regex: "up|scrape_.*|a|b_total|clash"
        action: keep
""" % {"i": INTERVAL_S, "node": node_port, "app": app_port, "prom": prom_port, "cairn": cairn_port,
       "dead": dead_port}


def query(url, q, t):
    return harness.api_get(url, "/api/v1/query", {"query": q, "time": "%.3f" % t})


def series_set(url, q, t):
    r = query(url, q, t)
    return {json.dumps(harness.normalised_labels(s["metric"]), sort_keys=True): float(s["value"][1]) for s in r["result"]}


def main(env):
    node_address, _ = env.start_node_exporter()
    node_port = int(node_address.rsplit(":", 1)[1])
    app = App()
    dead_port = harness.free_port()

    cairn = harness.Cairn(env)
    prom = harness.Prometheus(env, "")
    cairn_port = harness.free_port()  # both configs name both servers' ports
    cfg = config(node_port, app.port, prom.port, cairn_port, dead_port)
    for path in (cairn.config_path, prom.config_path):
        with open(path, "w") as f:
            f.write(cfg)
    cairn.start(port=cairn_port)
    prom.start()
    # The windows compared below start once both have scraped the app: each server
    # picks its own first-scrape offset, and a loaded machine delays either start.
    deadline = time.time() + 30
    while not all(series_set(url, 'a{job="app"}', time.time()) for url in (cairn.url, prom.url)):
        check(time.time() < deadline, "no scrape of the app by both servers within 30 s")
        time.sleep(0.2)
    t_start = time.time()
    log("cairn on %d, prometheus on %d, node exporter on %d, app on %d" % (cairn.port, prom.port, node_port,
                                                                          app.port))

    time.sleep(8)
    t_phase2 = time.time()
    app.phase = 2
    log("phase 2: b_total and the histogram vanish")
    time.sleep(6)
    t_stop = time.time()
    app.stop()
    log("app stopped")
    time.sleep(5)
    t_end = time.time()

    agree = differ = 0
    problems = []

    def compare(what, a, b):
        nonlocal agree, differ
        for k in sorted(set(a) | set(b)):
            if k in a and k in b:
                agree += 1
            else:
                differ += 1
                problems.append("%s: %s only in %s" % (what, k, "cairn" if k in a else "prometheus"))

    # Series of each job at one instant while everything ran.
    t_mid = t_phase2 - 1.5
    for q in ('{job="node"}', '{job="app"}', 'up', '{job="self",__name__=~"up|scrape_.*"}'):
        compare(q, set(series_set(cairn.url, q, t_mid)), set(series_set(prom.url, q, t_mid)))
    # up values at the end.
    up_c, up_p = series_set(cairn.url, "up", t_end), series_set(prom.url, "up", t_end)
    check(up_c == up_p, "up differs at the end: cairn %r, prometheus %r" % (up_c, up_p))
    check(any(json.loads(k).get("job") == "app" and v == 0 for k, v in up_c.items()), "app's up is not 0: %r" % up_c)
    # Sample counts over a window both scraped throughout.
    w_end = t_phase2 - 1
    w = int(w_end - t_start - 2)
    check(w >= 3, "window too short: %d s" % w)
    for q in ('a{job="app"}', 'b_total{job="app"}', 'clash{job="app"}', 'node_load1'):
        cq = "count_over_time(%s[%ds])" % (q, w)
        c = series_set(cairn.url, cq, w_end)
        p = series_set(prom.url, cq, w_end)
        check(set(c) == set(p), "%s: series differ: %r vs %r" % (cq, c, p))
        for k in c:
            check(abs(c[k] - p[k]) <= 1, "%s %s: cairn %d samples, prometheus %d" % (cq, k, c[k], p[k]))
    # Staleness: b_total before and after it vanished, the app's a before and after the stop.
    for name, t_gone in (('b_total{job="app"}', t_phase2), ('req_seconds_count{job="app"}', t_phase2),
                         ('a{job="app"}', t_stop)):
        for url, who in ((cairn.url, "cairn"), (prom.url, "prometheus")):
            before = series_set(url, name, t_gone - 1.5)
            after = series_set(url, name, t_gone + 2.5)
            check(len(before) == 1, "%s: %s missing before it vanished: %r" % (who, name, before))
            check(len(after) == 0, "%s: %s still answers after it vanished (no stale marker): %r" % (who, name,
                                                                                                    after))
    # Targets API: active targets and their labels, the dropped target.
    tc = harness.api_get(cairn.url, "/api/v1/targets", {})
    tp = harness.api_get(prom.url, "/api/v1/targets", {})
    lab = lambda ts: sorted(json.dumps(t["labels"], sort_keys=True) for t in ts)  # noqa: E731
    check(lab(tc["activeTargets"]) == lab(tp["activeTargets"]),
          "active targets differ: %r vs %r" % (lab(tc["activeTargets"]), lab(tp["activeTargets"])))
    check(len(tc["droppedTargets"]) == 1 and tc["droppedTargetCounts"].get("app") == 1,
          "dropped targets: %r" % tc["droppedTargets"])
    health = {t["labels"]["instance"]: t["health"] for t in tc["activeTargets"]}
    check(health.get("127.0.0.1:%d" % app.port) == "down", "app target health: %r" % health)
    check(health.get("127.0.0.1:%d" % node_port) == "up", "node target health: %r" % health)
    pools = harness.api_get(cairn.url, "/api/v1/scrape_pools", {})
    check(pools == {"scrapePools": ["app", "node", "self"]}, "scrape pools: %r" % pools)
    md = harness.api_get(cairn.url, "/api/v1/targets/metadata", {"metric": "a"})
    check(md and md[0]["type"] == "gauge" and md[0]["help"] == "A gauge.", "targets/metadata: %r" % md)

    metrics = harness.http_get(cairn.url + "/metrics").text()
    for line in ('prometheus_target_scrape_pool_targets{scrape_job="app"} 1',
                 'prometheus_sd_discovered_targets{config="app",name="scrape"} 2'):
        check(line in metrics, "/metrics lacks %r" % line)

    for p in problems:
        log("differ: " + p)
    print("scrape differential: %d series agree, %d differ" % (agree, differ), flush=True)
    check(differ == 0, "%d series differ" % differ)


if __name__ == "__main__":
    harness.run(main, __doc__, extra_args=[("node_exporter", "path to prometheus-node-exporter")])
