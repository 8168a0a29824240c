#!/usr/bin/env python3
"""The seed's rules (deploy/rules) fire into a real Alertmanager 0.25 routed by deploy/alertmanager.yml.

An evaluator receives remote-written data that breaks some of the seed's thresholds: task-service
down (ServiceDown, critical), node1 at 97% memory (CriticalMemoryUsage, critical, and
HighMemoryUsage, warning, which the critical one inhibits), a pod restart (PodCrashLooping,
warning). It evaluates the rules every second, with every `for` scaled from minutes to seconds,
and sends to prometheus-alertmanager, whose receivers are replaced by webhooks served by this
test (same routes, inhibitions and grouping; group waits scaled to seconds). Then task-service
comes back and ServiceDown must resolve.

The reference evaluator is Debian's Prometheus 2.42; each notification (receiver, status, group
labels, alerts' labels and annotations) is recorded. Then Cairn evaluates the same rules over the
same data and must produce the same notifications. `--reference-only` runs the Prometheus side
alone (Cairn's rule engine and notifier are not wired into the server yet).
"""
import datetime
import http.server
import json
import os
import re
import signal
import struct
import sys
import threading
import time

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import harness  # noqa: E402
from lib.harness import check, log  # noqa: E402

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CLUSTER = "emr-test"


def bits(v):
    return struct.unpack("<Q", struct.pack("<d", v))[0]


class Webhooks:
    """Alertmanager's webhook receiver: records each notification body by URL path."""

    def __init__(self):
        self.lock = threading.Lock()
        self.received = []  # (path, body)
        hooks = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with hooks.lock:
                    hooks.received.append((self.path, json.loads(body)))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def notifications(self):
        with self.lock:
            return list(self.received)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def alertmanager_config(webhook_port):
    """deploy/alertmanager.yml with webhook receivers and second-scale group timers."""
    with open(os.path.join(REPO, "deploy", "alertmanager.yml")) as f:
        cfg = yaml.safe_load(f)
    cfg["global"] = {"resolve_timeout": "5m"}  # no Slack URL file outside deploy/

    def scale(route):
        route["group_wait"] = "1s"
        route["group_interval"] = "2s"
        for child in route.get("routes", []):
            scale(child)

    scale(cfg["route"])
    cfg["receivers"] = [
        {"name": r["name"],
         "webhook_configs": [{"url": "http://127.0.0.1:%d/%s" % (webhook_port, r["name"]), "send_resolved": True}]}
        for r in cfg["receivers"]]
    return yaml.safe_dump(cfg)


def scaled_rule_files(env):
    """Copies of deploy/rules/*.yml with every `for` in minutes turned into the same number of seconds."""
    paths = []
    src = os.path.join(REPO, "deploy", "rules")
    for name in sorted(os.listdir(src)):
        if not name.endswith(".yml"):
            continue
        with open(os.path.join(src, name)) as f:
            text = f.read()
        text = re.sub(r"(\n\s+for: )(\d+)m\n", r"\1\2s\n", text)
        path = env.path("rules-" + name)
        with open(path, "w") as f:
            f.write(text)
        paths.append(path)
    return paths


def evaluator_config(rule_files, am_port):
    return yaml.safe_dump({
        "global": {"scrape_interval": "1h", "evaluation_interval": "1s", "external_labels": {"cluster": CLUSTER}},
        "rule_files": rule_files,
        "alerting": {"alertmanagers": [{"static_configs": [{"targets": ["127.0.0.1:%d" % am_port]}]}]},
    })


def incident_series(now_ms):
    """The last minute of data, every 10s: the incident is already 60s old when evaluation starts."""
    times = [now_ms - 60000 + 10000 * i for i in range(7)]
    node = [("instance", "node1:9100"), ("job", "node")]
    return [
        ([("__name__", "up"), ("instance", "task-service:3001"), ("job", "task-service")],
         [(t, bits(0)) for t in times]),
        ([("__name__", "node_memory_MemTotal_bytes")] + node, [(t, bits(1e9)) for t in times]),
        ([("__name__", "node_memory_MemAvailable_bytes")] + node, [(t, bits(3e7)) for t in times]),
        ([("__name__", "kube_pod_container_status_restarts_total"), ("container", "task-service"),
          ("job", "kube-state-metrics"), ("namespace", "emr"), ("pod", "task-service-7d9f8")],
         [(t, bits(2 if i < 3 else 3)) for i, t in enumerate(times)]),
    ]


def recovery_series(now_ms):
    return [([("__name__", "up"), ("instance", "task-service:3001"), ("job", "task-service")],
             [(now_ms, bits(1))])]


def normalise(notifications):
    """What must match between evaluators: who got what, in which state, with which labels."""
    out = []
    for path, body in notifications:
        alerts = sorted((a["status"], json.dumps(a["labels"], sort_keys=True),
                         json.dumps(a["annotations"], sort_keys=True)) for a in body["alerts"])
        out.append((path, body["status"], json.dumps(body["groupLabels"], sort_keys=True), tuple(alerts)))
    return sorted(set(out))


def wait_for(what, cond, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        got = cond()
        if got:
            return got
        time.sleep(0.2)
    raise harness.Failure("timed out after %ds waiting for %s" % (timeout, what))


def find(notifications, receiver, alertname, status):
    for path, body in notifications:
        for a in body["alerts"]:
            if path == "/" + receiver and a["labels"].get("alertname") == alertname and a["status"] == status:
                return body, a
    return None


def firing_in_api(base_url, alertname):
    data = harness.api_get(base_url, "/api/v1/alerts", {})
    return any(a["labels"].get("alertname") == alertname and a["state"] == "firing" for a in data["alerts"])


def run_scenario(env, name, start_evaluator, afterwards=None):
    """Starts Alertmanager and the webhooks, then the evaluator; returns the notifications.

    `afterwards(url, hooks, am_port)`, if given, runs once the compared notifications are taken,
    with Alertmanager and the webhooks still up."""
    hooks = Webhooks()
    am_port = harness.free_port()
    am_cfg = env.path(name + "-alertmanager.yml")
    with open(am_cfg, "w") as f:
        f.write(alertmanager_config(hooks.port))
    am = env.spawn(name + "-alertmanager", [
        env.binary("prometheus-alertmanager"), "--config.file=" + am_cfg,
        "--storage.path=" + env.path(name + "-am-data"), "--web.listen-address=127.0.0.1:%d" % am_port,
        "--cluster.listen-address="])
    harness.wait_http_ok("http://127.0.0.1:%d/-/ready" % am_port, am, 30)
    try:
        url = start_evaluator(evaluator_config(scaled_rule_files(env), am_port))
        # Alerts that fire before the notifier has discovered the Alertmanager are dropped (and
        # resent only after --rules.alert.resend-delay), so the data comes once it is known.
        wait_for("%s to discover the Alertmanager" % name, lambda: harness.api_get(
            url, "/api/v1/alertmanagers", {})["activeAlertmanagers"], 30)
        r = harness.remote_write(url, incident_series(int(time.time() * 1000)))
        check(r.status in (200, 204), "%s: remote write: %r" % (name, r))

        # Critical alerts page, the warning goes to Slack, HighMemoryUsage is inhibited.
        try:
            n = wait_for("ServiceDown, CriticalMemoryUsage and PodCrashLooping notifications", lambda: (
                find(hooks.notifications(), "pagerduty-critical", "ServiceDown", "firing")
                and find(hooks.notifications(), "pagerduty-critical", "CriticalMemoryUsage", "firing")
                and find(hooks.notifications(), "slack-warnings", "PodCrashLooping", "firing")
                and hooks.notifications()), 30)
        except harness.Failure:
            log("%s: notifications so far: %s" % (name, normalise(hooks.notifications())))
            log("%s: /api/v1/alerts: %s" % (name, harness.api_get(url, "/api/v1/alerts", {})))
            log("%s: alertmanager's alerts: %s" % (name, harness.http_get(
                "http://127.0.0.1:%d/api/v2/alerts" % am_port).text()))
            raise
        body, alert = find(n, "pagerduty-critical", "ServiceDown", "firing")
        check(alert["labels"] == {"alertname": "ServiceDown", "cluster": CLUSTER, "instance": "task-service:3001",
                                  "job": "task-service", "severity": "critical"},
              "%s: ServiceDown labels %r" % (name, alert["labels"]))
        check(alert["annotations"] == {
            "summary": "task-service target task-service:3001 is down in cluster %s" % CLUSTER,
            "description": "Prometheus has failed to scrape task-service:3001 (job task-service) "
                           "for more than 2 minutes."}, "%s: ServiceDown annotations %r" % (name, alert["annotations"]))
        check(body["groupLabels"] == {"alertname": "ServiceDown", "instance": "task-service:3001",
                                      "job": "task-service"}, "%s: grouping %r" % (name, body["groupLabels"]))
        check("/graph?g0.expr=" in alert["generatorURL"], "%s: generatorURL %r" % (name, alert["generatorURL"]))
        _, mem = find(n, "pagerduty-critical", "CriticalMemoryUsage", "firing")
        check(mem["annotations"]["description"] ==
              "Memory usage on node1:9100 is 97% (threshold 95%) for more than 5 minutes.",
              "%s: CriticalMemoryUsage description %r" % (name, mem["annotations"]["description"]))

        wait_for("HighMemoryUsage firing in %s" % name, lambda: firing_in_api(url, "HighMemoryUsage"), 30)
        time.sleep(3)  # a group_wait and a group_interval: an uninhibited alert would have arrived
        check(not any(find(hooks.notifications(), rcv, "HighMemoryUsage", "firing")
                      for rcv in ("slack-warnings", "pagerduty-critical")),
              "%s: HighMemoryUsage was delivered although CriticalMemoryUsage inhibits it" % name)

        # task-service is back: ServiceDown resolves and the resolution is paged too.
        r = harness.remote_write(url, recovery_series(int(time.time() * 1000)))
        check(r.status in (200, 204), "%s: remote write: %r" % (name, r))
        _, resolved = wait_for("the ServiceDown resolution", lambda: find(
            hooks.notifications(), "pagerduty-critical", "ServiceDown", "resolved"), 30)
        check(not resolved["endsAt"].startswith("0001"), "%s: resolved alert without endsAt" % name)
        log("%s: %d notifications" % (name, len(hooks.notifications())))
        got = normalise(hooks.notifications())
        if afterwards is not None:
            afterwards(url, hooks, am_port)
        return got
    finally:
        hooks.close()


# ---- Cairn only: reload and restart keep alert state -------------------------------------------

PROBE_FOR_S = 10
PROBE_RULES = """groups:
  - name: restart-probe
    interval: 1s
    rules:
      - alert: RestartProbe
        expr: vector(1)
        for: %ds
        labels:
          severity: warning
        annotations:
          summary: pending across a restart
""" % PROBE_FOR_S
# Restoring `for` is skipped for rules whose `for` is below the grace period, and an alert whose
# remaining `for` is below it waits for it: 2s keeps the probe's 10s `for` restorable and exact.
CAIRN_FLAGS = ["--rules.alert.for-grace-period=2s", "--web.enable-lifecycle"]


def parse_time(s):
    """RFC 3339 with any fraction (Cairn writes milliseconds, Prometheus nanoseconds) -> Unix seconds."""
    base, _, frac = s.rstrip("Z").partition(".")
    t = datetime.datetime.fromisoformat(base).replace(tzinfo=datetime.timezone.utc).timestamp()
    return t + (float("0." + frac) if frac else 0.0)


def active_alerts(url):
    return {a["labels"]["alertname"]: a for a in harness.api_get(url, "/api/v1/alerts", {})["alerts"]}


def am_firing_received(am_port):
    """Alertmanager's own count of firing alerts posted to it: what the evaluator sent, not what it says."""
    text = harness.http_get("http://127.0.0.1:%d/metrics" % am_port).text()
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
               if line.startswith("alertmanager_alerts_received_total{") and 'status="firing"' in line)


def reload_keeps_firing_alerts(cairn, hooks, am_port, rule_files):
    """SIGHUP adding a group, then /-/reload: the firing alerts never leave `firing`, keep their
    activeAt, and are not posted again (the resend delay, 1m, has not passed since their first post)."""
    before = {n: a for n, a in active_alerts(cairn.url).items() if a["state"] == "firing"}
    check(set(before) == {"CriticalMemoryUsage", "HighMemoryUsage", "PodCrashLooping"},
          "cairn: firing before the reload: %s" % sorted(before))
    received = am_firing_received(am_port)
    probe = cairn.env.path("rules-probe.yml")
    with open(probe, "w") as f:
        f.write(PROBE_RULES)
    with open(cairn.config_path, "w") as f:
        f.write(evaluator_config(rule_files + [probe], am_port))
    os.kill(cairn.proc.pid, signal.SIGHUP)
    wait_for("the probe group loaded by SIGHUP", lambda: any(
        g["name"] == "restart-probe" for g in harness.api_get(cairn.url, "/api/v1/rules", {})["groups"]), 10)
    r = harness.http_request("POST", cairn.url + "/-/reload")
    check(r.status == 200, "cairn: /-/reload: %r" % r)
    deadline = time.time() + 3  # three evaluations of every group
    while time.time() < deadline:
        now = active_alerts(cairn.url)
        for name, a in before.items():
            b = now.get(name)
            check(b is not None and b["state"] == "firing" and b["activeAt"] == a["activeAt"],
                  "cairn: %s after reload: %r (before: %r)" % (name, b, a))
        time.sleep(0.25)
    check(am_firing_received(am_port) == received,
          "cairn: Alertmanager received %s firing alerts after the reload (%s before): unchanged alerts were resent"
          % (am_firing_received(am_port), received))
    log("cairn: reload kept %s firing with their activeAt, nothing resent" % sorted(before))


def restart_restores_pending(cairn, hooks):
    """Restart while RestartProbe is pending: activeAt comes back shifted by the downtime, the alert
    fires PROBE_FOR_S after it and reaches Alertmanager (and its webhook) once."""
    probe = wait_for("RestartProbe pending", lambda: active_alerts(cairn.url).get("RestartProbe"), 10)
    check(probe["state"] == "pending", "cairn: RestartProbe %r" % probe)
    active = parse_time(probe["activeAt"])
    time.sleep(max(0.0, active + 4 - time.time()))  # ALERTS_FOR_STATE written for a few evaluations
    check(active_alerts(cairn.url)["RestartProbe"]["state"] == "pending", "cairn: RestartProbe fired too early")
    down = time.time()
    cairn.stop()
    time.sleep(2)
    cairn.start(port=cairn.port)
    downtime = time.time() - down

    def restored():
        a = active_alerts(cairn.url).get("RestartProbe")
        return a if a is not None and parse_time(a["activeAt"]) < down else None

    a = wait_for("RestartProbe's activeAt restored", restored, 10)
    restored_at = parse_time(a["activeAt"])
    # ALERTS_FOR_STATE keeps whole seconds; the downtime counts from the last evaluation before it.
    # Bounds: activeAt is truncated to the second, the restore runs after the group's second
    # evaluation, and the outage counts from the last evaluation before the stop.
    check(active + downtime - 1.5 <= restored_at <= active + downtime + 4.5,
          "cairn: RestartProbe active at %.3f before a %.1fs outage, restored to %.3f" % (active, downtime, restored_at))
    _, fired = wait_for("RestartProbe's notification", lambda: find(
        hooks.notifications(), "slack-warnings", "RestartProbe", "firing"), PROBE_FOR_S + 10)
    arrived = time.time()
    check(arrived >= restored_at + PROBE_FOR_S - 0.5,
          "cairn: RestartProbe delivered at %.3f, before its restored activeAt %.3f + %ds"
          % (arrived, restored_at, PROBE_FOR_S))
    # startsAt is when it fired (Prometheus sends FiredAt): the first evaluation `for` after activeAt.
    fired_at = parse_time(fired["startsAt"])
    check(restored_at + PROBE_FOR_S <= fired_at <= restored_at + PROBE_FOR_S + 1.5,
          "cairn: RestartProbe fired at %s, restored activeAt %s, for %ds" % (fired["startsAt"], a["activeAt"], PROBE_FOR_S))
    time.sleep(3)  # a group_interval: a second post with another startsAt would show here
    posts = [b for p, b in hooks.notifications() if any(x["labels"]["alertname"] == "RestartProbe" for x in b["alerts"])]
    check(len(posts) == 1, "cairn: RestartProbe notified %d times: %r" % (len(posts), posts))
    log("cairn: RestartProbe active at %.0f, restored to %.0f after %.1fs down, delivered %.1fs later"
        % (active, restored_at, downtime, arrived - restored_at))


def main(env):
    reference_only = env.args.reference_only is not None
    results = {}

    def side(name, start, afterwards=None):
        try:
            results[name] = run_scenario(env, name, start, afterwards)
        except BaseException as e:  # re-raised by main, after both sides ended
            results[name] = e

    prom_holder = {}

    def start_prometheus(config):
        prom = harness.Prometheus(env, config, extra_args=["--web.enable-remote-write-receiver"])
        prom.start()
        prom_holder["p"] = prom
        return prom.url

    cairn_holder = {}

    def start_cairn(config):
        cairn = harness.Cairn(env, config=config, extra_args=CAIRN_FLAGS)
        cairn.start()
        cairn_holder["c"] = cairn
        return cairn.url

    def cairn_afterwards(url, hooks, am_port):
        cairn = cairn_holder["c"]
        reload_keeps_firing_alerts(cairn, hooks, am_port, scaled_rule_files(env))
        restart_restores_pending(cairn, hooks)
        cairn.stop()

    # The two sides have their own Alertmanager and webhooks (one Alertmanager would merge their
    # alerts, which carry the same labels) and run at once, so the test takes as long as the longer.
    threads = [threading.Thread(target=side, args=(
        "prometheus", start_prometheus, lambda *_: prom_holder["p"].stop()))]
    if not reference_only:
        threads.append(threading.Thread(target=side, args=("cairn", start_cairn, cairn_afterwards)))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for name in ("prometheus", "cairn"):
        if isinstance(results.get(name), BaseException):
            log("%s side failed" % name)
            raise results[name]
    for line in results["prometheus"]:
        log("reference: %s" % (line,))
    if reference_only:
        return
    got, want = results["cairn"], results["prometheus"]
    check(got == want, "Cairn's notifications differ from Prometheus':\n  cairn:      %s\n  prometheus: %s"
          % (got, want))


if __name__ == "__main__":
    harness.run(main, __doc__, extra_args=[
        ("prometheus", "path to the prometheus binary"),
        ("prometheus-alertmanager", "path to the prometheus-alertmanager binary"),
        ("reference-only", "any value: run only the Prometheus 2.42 reference side")])
