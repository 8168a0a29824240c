#!/usr/bin/env python3
"""Cairn's notifier against Debian's prometheus-alertmanager 0.25.

Alertmanager runs on a free port with a webhook receiver served by this test
(group_wait/group_interval 1s, send_resolved). Cairn is started with an
`alerting` section naming it (plus a second target that relabeling drops):
/api/v1/alertmanagers and the prometheus_notifications_* metrics must show it.
Then a rule file of that prometheus.yml makes Cairn's rule engine fire an alert
over a remote-written series and later resolve it (the series goes to 0); the
webhook must record the firing notification and then the resolved one, with
the alert's labels, the external label, the alert_relabel_configs' label, the
annotations and the generatorURL built from --web.external-url, and the
notifier's counters must show the posts.
"""
import json
import os
import sys
import threading
import time
import http.server

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import harness  # noqa: E402
from lib import protobuf as pb  # noqa: E402
from lib.harness import check, log  # noqa: E402


class Webhook:
    """Records the JSON bodies Alertmanager posts."""

    def __init__(self):
        self.notifications = []
        self.lock = threading.Lock()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with outer.lock:
                    outer.notifications.append(json.loads(body))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, status, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            with self.lock:
                for n in self.notifications:
                    if n.get("status") == status:
                        return n
            time.sleep(0.2)
        raise harness.Failure("no %s notification within %ds; got %r" % (status, timeout, self.notifications))

    def stop(self):
        self.server.shutdown()


AM_CONFIG = """route:
  receiver: hook
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: hook
    webhook_configs:
      - url: http://127.0.0.1:%d/hook
        send_resolved: true
"""

RULES = """groups:
  - name: notifier
    interval: 1s
    rules:
      - alert: CairnNotifierTest
        expr: cairn_notifier_test_down == 1
        labels:
          severity: page
        annotations:
          summary: "{{ $labels.instance }} is down"
          description: it has been down for 5m
"""

CAIRN_CONFIG = """global:
  scrape_interval: 15s
  evaluation_interval: 15s
  external_labels:
    cluster: integration
rule_files: [%s]
alerting:
  alert_relabel_configs:
    - target_label: relabeled
      replacement: "yes"
  alertmanagers:
    - static_configs:
        - targets: ["127.0.0.1:%d", "127.0.0.1:1"]
      relabel_configs:
        - source_labels: [__address__]
          regex: "127.0.0.1:1"
          action: drop
      timeout: 5s
"""


def wait_api(url, pred, timeout=20):
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        r = harness.http_get(url)
        if r.status == 200:
            last = json.loads(r.body)
            if pred(last):
                return last
        time.sleep(0.3)
    raise harness.Failure("%s never satisfied the check; last answer %r" % (url, last))


def write_down(url, value):
    r = harness.remote_write(url, [([("__name__", "cairn_notifier_test_down"), ("instance", "db-1")],
                                    [(int(time.time() * 1000), pb.float_bits(value))])])
    check(200 <= r.status < 300, "remote write: %r" % r)


def main(env):
    am_bin = env.binary("prometheus-alertmanager")
    hook = Webhook()
    try:
        am_port = harness.free_port()
        am_cfg = env.path("alertmanager.yml")
        with open(am_cfg, "w") as f:
            f.write(AM_CONFIG % hook.port)
        os.makedirs(env.path("am-data"))
        am = env.spawn("alertmanager", [am_bin, "--config.file=" + am_cfg, "--storage.path=" + env.path("am-data"),
                                        "--web.listen-address=127.0.0.1:%d" % am_port, "--cluster.listen-address="])
        harness.wait_http_ok("http://127.0.0.1:%d/-/ready" % am_port, am, 30)
        am_url = "http://127.0.0.1:%d/api/v2/alerts" % am_port

        rules = env.path("notifier-rules.yml")
        with open(rules, "w") as f:
            f.write(RULES)
        cairn = harness.Cairn(env, config=CAIRN_CONFIG % (json.dumps(rules), am_port),
                              extra_args=["--web.external-url=http://cairn:9090"])
        cairn.start()
        log("cairn up; waiting for Alertmanager discovery")
        data = wait_api(cairn.url + "/api/v1/alertmanagers",
                        lambda d: d["data"]["activeAlertmanagers"] != [])["data"]
        check(data["activeAlertmanagers"] == [{"url": am_url}], "active: %r" % data)
        check(data["droppedAlertmanagers"] == [{"url": "http://127.0.0.1:1/api/v2/alerts"}], "dropped: %r" % data)
        metrics = harness.http_get(cairn.url + "/metrics").text()
        for line in ("prometheus_notifications_alertmanagers_discovered 1",
                     "prometheus_notifications_queue_capacity 10000",
                     'prometheus_notifications_sent_total{alertmanager="%s"} 0' % am_url):
            check(line in metrics, "/metrics lacks %r" % line)

        log("firing")
        write_down(cairn.url, 1)
        firing = hook.wait_for("firing")
        check(len(firing["alerts"]) == 1, "firing: %r" % firing)
        alert = firing["alerts"][0]
        want_labels = {"alertname": "CairnNotifierTest", "severity": "page", "instance": "db-1",
                       "cluster": "integration", "relabeled": "yes"}
        check(alert["labels"] == want_labels, "firing labels %r" % alert["labels"])
        check(alert["annotations"] == {"summary": "db-1 is down", "description": "it has been down for 5m"},
              "annotations %r" % alert["annotations"])
        check(alert["status"] == "firing", "alert status %r" % alert)
        check(alert["generatorURL"] == "http://cairn:9090/graph?g0.expr=cairn_notifier_test_down+%3D%3D+1&g0.tab=1",
              "url %r" % alert)
        check(firing["groupLabels"] == {"alertname": "CairnNotifierTest"}, "grouping %r" % firing["groupLabels"])
        active = [a for a in harness.api_get(cairn.url, "/api/v1/alerts", {})["alerts"]
                  if a["labels"]["alertname"] == "CairnNotifierTest"]
        check(len(active) == 1 and active[0]["state"] == "firing", "/api/v1/alerts: %r" % active)
        check(alert["startsAt"][:19] == active[0]["activeAt"][:19],
              "startsAt %r, activeAt %r" % (alert["startsAt"], active[0]["activeAt"]))

        log("resolving")
        write_down(cairn.url, 0)
        resolved = hook.wait_for("resolved")
        alert = resolved["alerts"][0]
        check(alert["labels"] == want_labels, "resolved labels %r" % alert["labels"])
        check(alert["status"] == "resolved", "resolved alert %r" % alert)
        check(not alert["endsAt"].startswith("0001"), "resolved endsAt %r" % alert["endsAt"])
        metrics = harness.http_get(cairn.url + "/metrics").text()
        sent = [line for line in metrics.splitlines()
                if line.startswith('prometheus_notifications_sent_total{alertmanager="%s"}' % am_url)]
        check(len(sent) == 1 and float(sent[0].rsplit(" ", 1)[1]) >= 2,
              "sent_total after a firing and a resolved post: %r" % sent)
        cairn.stop()
    finally:
        hook.stop()


if __name__ == "__main__":
    harness.run(main, __doc__)
