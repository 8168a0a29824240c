#!/usr/bin/env python3
"""Agent mode (`cairn --agent`) against a normal Cairn scraping the same way.

Two scrape targets served by the test answer the same exposition sequence:
their n-th scrape gets values n (a counter), n*0.5 (a gauge) and n series
labels that never change. An agent Cairn scrapes one every second and
remote-writes to receiver Cairn B; a normal Cairn C scrapes the other (both
relabel `instance` to the same name, so the label sets can be equal). Then:
- B's series under job="node" equal C's, label set for label set, and for
  the test's series and `up`/`scrape_samples_scraped` the n-th value in B
  equals the n-th in C (values of the same scrapes); the metadata of the
  test's families reaches B (metadata_config.send) as C stores it;
- both also scrape Debian's prometheus-node-exporter (job="node-exporter",
  collectors cpu, meminfo, loadavg): B's series of that job equal C's, label
  set for label set (values differ: the two scrape at different moments);
- the agent's WAL does not grow without bound: after several truncations
  (--storage.agent.wal-truncate-frequency=2s) its oldest segments are gone
  and at most a few remain, while prometheus_agent_* counts the appends;
- the agent refuses /api/v1/query, /api/v1/series and /api/v1/status/tsdb with
  the answer Prometheus 2.42's agent gives (compared with a live 2.42 agent
  when Debian's prometheus is installed), serves /metrics, /-/healthy,
  /-/ready, /api/v1/targets and /api/v1/status/config, answers /federate and
  /api/v1/read with 2.42's 500 "unsupported operation with WAL-only
  storage", and refuses a config
  with rule_files (2.42's message) and a server-only flag (exit 3).
"""
import json
import os
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import harness  # noqa: E402
from lib import prom_pb  # noqa: E402
from lib import snappy_block  # noqa: E402
from lib.harness import check, log  # noqa: E402

RUN_S = 15
SCRAPE = """
  - job_name: node
    scrape_interval: 1s
    static_configs:
      - targets: ['%s']
    relabel_configs:
      - {target_label: instance, replacement: node-1}
"""
NODE_EXPORTER_JOB = """
  - job_name: node-exporter
    scrape_interval: 1s
    static_configs:
      - targets: ['%s']
    relabel_configs:
      - {target_label: instance, replacement: node-1}
"""


def start_node_exporter(env):
    """Debian's node exporter on a free port: its address, or None when it is not installed."""
    try:
        return env.start_node_exporter()[0]
    except harness.Skip:
        return None


def counting_target():
    """A target whose n-th scrape answers the n-th exposition."""
    state = {"n": 0}
    lock = threading.Lock()

    def text(_port):
        with lock:
            state["n"] += 1
            n = state["n"]
        return ("# TYPE demo_requests_total counter\ndemo_requests_total{path=\"/\"} %d\n"
                "# TYPE demo_temperature gauge\ndemo_temperature{room=\"a\"} %g\n"
                "demo_temperature{room=\"b\"} %g\n" % (n, n * 0.5, -n))
    return harness.ExpositionServer(text)


def raw_samples(url, match):
    """Every series matching `match` with its samples' values, oldest first."""
    data = harness.api_get(url, "/api/v1/query", [("query", match + "[10m]"), ("time", "%.3f" % time.time())])
    return {json.dumps(r["metric"], sort_keys=True): [float(v) for _, v in r["values"]] for r in data["result"]}


def metric(url, name):
    total = 0.0
    found = False
    for line in harness.http_get(url + "/metrics").text().splitlines():
        if line.startswith(name + " ") or line.startswith(name + "{"):
            total += float(line.rsplit(" ", 1)[1])
            found = True
    check(found, "%s not in %s/metrics" % (name, url))
    return total


def segments(agent):
    wal = os.path.join(agent.data_dir, "wal")
    return sorted(int(f) for f in os.listdir(wal) if f.isdigit())


def refusals(url):
    out = {}
    for path in ("/api/v1/query?query=up", "/api/v1/series?match[]=up", "/api/v1/status/tsdb"):
        r = harness.http_get(url + path)
        out[path] = (r.status, json.loads(r.body))
    return out


def check_startup_refusals(env, target):
    """rule_files is refused in agent mode; so is a server-only flag."""
    rules = env.path("rules.yml")
    with open(rules, "w") as f:
        f.write("groups: []\n")
    cfg = env.path("agent-rules.yml")
    with open(cfg, "w") as f:
        f.write("rule_files: ['%s']\nscrape_configs:%s" % (rules, SCRAPE % target))
    binary = env.args.cairn
    envv = dict(os.environ, ASAN_OPTIONS="detect_leaks=0")
    p = subprocess.run([binary, "--agent", "--config.file=" + cfg, "--storage.agent.path=" + env.path("x"),
                        "--web.listen-address=127.0.0.1:%d" % harness.free_port()],
                       capture_output=True, text=True, timeout=60, env=envv)
    check(p.returncode == 1 and "field rule_files is not allowed in agent mode" in p.stderr,
          "rule_files in agent mode: exit %d, %r" % (p.returncode, p.stderr))
    p = subprocess.run([binary, "--enable-feature=agent", "--config.file=" + cfg, "--storage.tsdb.path=" + env.path("y")],
                       capture_output=True, text=True, timeout=60, env=envv)
    check(p.returncode == 3 and
          'The following flag(s) can not be used in agent mode: ["--storage.tsdb.path"]' in p.stderr,
          "server flag in agent mode: exit %d, %r" % (p.returncode, p.stderr))


def main(env):
    t_agent, t_normal, t_prom = counting_target(), counting_target(), counting_target()
    try:
        check_startup_refusals(env, t_agent.addr)
        node = start_node_exporter(env)
        node_job = NODE_EXPORTER_JOB % node if node else ""
        b = harness.Cairn(env, name="receiver")
        b.start()
        c = harness.Cairn(env, name="normal", config="scrape_configs:" + SCRAPE % t_normal.addr + node_job)
        agent = harness.Cairn(env, name="agent", agent=True,
                              extra_args=["--storage.agent.wal-truncate-frequency=2s",
                                          "--storage.agent.retention.min-time=1s"],
                              config=("scrape_configs:" + SCRAPE % t_agent.addr + node_job +
                                      "remote_write:\n  - url: %s/api/v1/write\n"
                                      "    queue_config: {batch_send_deadline: 200ms}\n"
                                      "    metadata_config: {send_interval: 2s}\n" % b.url))
        c.start()
        agent.start()
        started = time.time()

        # What 2.42's agent answers where a server reads stored data.
        want = {p: (422, {"status": "error", "errorType": "execution",
                          "error": "unavailable with Prometheus Agent"}) for p in refusals(agent.url)}
        try:
            prom = harness.Prometheus(env, "scrape_configs:" + SCRAPE % t_prom.addr, name="prom-agent", agent=True)
            prom.start()
            want = refusals(prom.url)
            prom.stop()
            log("Prometheus 2.42 agent's refusals read live")
        except harness.Skip:
            log("no Debian prometheus: comparing with the answer read from 2.42's web/api/v1/api.go")
        got = refusals(agent.url)
        check(got == want, "agent refusals differ:\n cairn %r\n 2.42  %r" % (got, want))
        for path in ("/metrics", "/-/healthy", "/-/ready", "/api/v1/status/config", "/api/v1/status/flags"):
            r = harness.http_get(agent.url + path)
            check(r.status == 200, "agent %s: %r" % (path, r))
        for _ in range(100):
            targets = harness.api_get(agent.url, "/api/v1/targets", [])["activeTargets"]
            if targets:
                break
            time.sleep(0.1)
        check(len(targets) == (2 if node else 1) and all(t["labels"]["instance"] == "node-1" for t in targets),
              "agent targets: %r" % targets)
        r = harness.http_get(agent.url + "/federate?match[]=up")
        check(r.status == 500 and b"unsupported operation with WAL-only storage" in r.body,
              "agent /federate: %r" % r)
        read = prom_pb.encode_read_request([(0, int(time.time() * 1000), [(0, "__name__", "up")])],
                                           accepted=(prom_pb.SAMPLES,))
        r = harness.http_request("POST", agent.url + "/api/v1/read", snappy_block.compress(read),
                                 {"Content-Encoding": "snappy", "Content-Type": "application/x-protobuf",
                                  "X-Prometheus-Remote-Read-Version": "0.1.0"})
        check(r.status == 500 and r.body == b"unsupported operation with WAL-only storage\n",
              "agent /api/v1/read: %r" % r)

        first_segments = segments(agent)
        time.sleep(max(0, RUN_S - (time.time() - started)))
        # Both keep scraping; the n-th scrapes compare, whichever side is ahead.

        want_series = raw_samples(c.url, '{job="node"}')
        got_series = raw_samples(b.url, '{job="node"}')
        check(set(got_series) == set(want_series),
              "label sets differ:\n only via agent %s\n only in normal %s" %
              (sorted(set(got_series) - set(want_series)), sorted(set(want_series) - set(got_series))))
        compared = 0
        for key, want_vals in want_series.items():
            name = json.loads(key)["__name__"]
            if not (name.startswith("demo_") or name in ("up", "scrape_samples_scraped")):
                continue
            got_vals = got_series[key]
            n = min(len(got_vals), len(want_vals))
            check(n >= 6, "%s: only %d/%d samples" % (key, len(got_vals), len(want_vals)))
            check(got_vals[:n] == want_vals[:n], "%s values differ:\n agent %r\n normal %r" %
                  (key, got_vals[:n], want_vals[:n]))
            compared += n
        log("agent vs normal: %d series with equal label sets, %d values of the same scrapes equal" %
            (len(want_series), compared))

        if node:
            want_node = set(raw_samples(c.url, '{job="node-exporter"}'))
            got_node = set(raw_samples(b.url, '{job="node-exporter"}'))
            check(len(want_node) > 20 and got_node == want_node,
                  "node exporter's series differ:\n only via agent %s\n only in normal %s" %
                  (sorted(got_node - want_node)[:10], sorted(want_node - got_node)[:10]))
            log("node exporter through the agent: %d series, label sets equal to a normal Cairn's" % len(want_node))
        else:
            log("no Debian prometheus-node-exporter: its part skipped")

        # Metadata (metadata_config.send) reached B as the normal Cairn scraped it.
        want_md = {k: v for k, v in harness.api_get(c.url, "/api/v1/metadata", []).items() if k.startswith("demo_")}
        got_md = {k: v for k, v in harness.api_get(b.url, "/api/v1/metadata", []).items() if k.startswith("demo_")}
        check(want_md and got_md == want_md, "metadata via agent %r, normal %r" % (got_md, want_md))
        check(metric(agent.url, "prometheus_remote_storage_metadata_total") > 0, "no metadata counted as sent")

        # The WAL: truncated as sent.
        creations = metric(agent.url, "prometheus_agent_checkpoint_creations_total")
        appended = metric(agent.url, "prometheus_agent_samples_appended_total")
        active = metric(agent.url, "prometheus_agent_active_series")
        now_segments = segments(agent)
        check(creations >= 3, "only %d truncations in %ds" % (creations, RUN_S))
        check(now_segments[0] > first_segments[-1] and len(now_segments) <= 3,
              "WAL not truncated: segments %r at start, %r now" % (first_segments, now_segments))
        check(appended >= compared, "prometheus_agent_samples_appended_total %g" % appended)
        sent = metric(agent.url, "prometheus_remote_storage_samples_total")
        check(sent >= compared, "prometheus_remote_storage_samples_total %g" % sent)
        log("agent WAL: %d truncations, segments %r -> %r, %d samples appended and %d sent, %d active series" %
            (creations, first_segments, now_segments, appended, sent, active))
        agent.stop()
        c.stop()
        b.stop()
    finally:
        for t in (t_agent, t_normal, t_prom):
            try:
                t.stop()
            except Exception:
                pass


if __name__ == "__main__":
    harness.run(main, __doc__)
