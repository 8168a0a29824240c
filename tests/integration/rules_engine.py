#!/usr/bin/env python3
"""Rule engine end to end: rule_files from prometheus.yml evaluated over remote-written data.

Cairn evaluates a recording rule and two alerting rules every second; the test
checks /api/v1/rules and /api/v1/alerts, the recorded series and ALERTS as
PromQL sees them, then restarts Cairn while an alert with `for: 1h` is pending
and checks that its activeAt was restored from ALERTS_FOR_STATE (shifted by the
downtime) instead of starting afresh.
"""
import datetime
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import harness  # noqa: E402
from lib import protobuf as pb  # noqa: E402
from lib.harness import check, log  # noqa: E402

RULES = """groups:
- name: fast
  interval: 1s
  rules:
  - record: cairn_rt:value:sum
    expr: sum(cairn_rt_value)
  - alert: HighValue
    expr: cairn_rt_value > 10
    labels:
      severity: page
    annotations:
      summary: "{{ $labels.instance }} at {{ $value }}"
  - alert: Slow
    expr: cairn_rt_value > 10
    for: 1h
"""

CONFIG = """global:
  evaluation_interval: 1s
rule_files:
  - rules/*.yml
"""


def parse_time(s):
    s = s.rstrip("Z")
    if "." in s:
        s, frac = s.split(".")
        return datetime.datetime.fromisoformat(s).replace(tzinfo=datetime.timezone.utc).timestamp() + float("0." + frac)
    return datetime.datetime.fromisoformat(s).replace(tzinfo=datetime.timezone.utc).timestamp()


def alerts_by_name(url):
    return {a["labels"]["alertname"]: a for a in harness.api_get(url, "/api/v1/alerts", {})["alerts"]}


def wait_for(what, pred, timeout=20):
    t0 = time.time()
    while time.time() - t0 < timeout:
        v = pred()
        if v:
            return v
        time.sleep(0.2)
    raise harness.Failure("timed out waiting for " + what)


def write_value(url, v):
    now = int(time.time() * 1000)
    r = harness.remote_write(url, [((("__name__", "cairn_rt_value"), ("instance", "a")), [(now, pb.float_bits(v))])])
    check(200 <= r.status < 300, "remote write: %r" % r)


def main(env):
    os.makedirs(env.path("rules"), exist_ok=True)
    with open(env.path("rules", "a.yml"), "w") as f:
        f.write(RULES)
    cairn = harness.Cairn(env, config=CONFIG, extra_args=["--web.external-url=http://cairn.test:9090"])
    cairn.start()
    write_value(cairn.url, 42)

    alerts = wait_for("HighValue firing and Slow pending", lambda: (
        lambda a: a if a.get("HighValue", {}).get("state") == "firing" and "Slow" in a else None)(
        alerts_by_name(cairn.url)))
    high = alerts["HighValue"]
    check(high["labels"] == {"alertname": "HighValue", "instance": "a", "severity": "page"}, "labels %r" % high)
    check(high["annotations"] == {"summary": "a at 42"}, "annotations %r" % high["annotations"])
    check(high["value"] == "4.2e+01", "value %r" % high["value"])
    check(alerts["Slow"]["state"] == "pending", "Slow %r" % alerts["Slow"])

    groups = harness.api_get(cairn.url, "/api/v1/rules", {})["groups"]
    check(len(groups) == 1 and groups[0]["file"] == env.path("rules", "a.yml") and groups[0]["interval"] == 1,
          "groups %r" % groups)
    kinds = [(r["type"], r["name"], r["health"]) for r in groups[0]["rules"]]
    check(kinds == [("recording", "cairn_rt:value:sum", "ok"), ("alerting", "HighValue", "ok"),
                    ("alerting", "Slow", "ok")], "rules %r" % kinds)

    rec = harness.api_get(cairn.url, "/api/v1/query", {"query": "cairn_rt:value:sum"})["result"]
    check(len(rec) == 1 and rec[0]["value"][1] == "42", "recorded %r" % rec)
    # ALERTS is written once `for` state is restored: after the group's second evaluation.
    fired = wait_for("ALERTS", lambda: harness.api_get(
        cairn.url, "/api/v1/query", {"query": 'ALERTS{alertname="HighValue"}'})["result"])
    check(len(fired) == 1 and fired[0]["metric"]["alertstate"] == "firing" and fired[0]["value"][1] == "1",
          "ALERTS %r" % fired)
    metrics = harness.http_get(cairn.url + "/metrics").text()
    check('prometheus_rule_group_rules{rule_group="%s;fast"} 3' % env.path("rules", "a.yml") in metrics,
          "rule metrics missing from /metrics")

    # Restart while Slow is pending: its `for` state comes back from ALERTS_FOR_STATE.
    slow_active = parse_time(alerts["Slow"]["activeAt"])
    time.sleep(4)
    cairn.stop()
    time.sleep(3)
    restart = time.time()
    cairn.start(port=cairn.port)
    write_value(cairn.url, 42)

    def restored():
        a = alerts_by_name(cairn.url).get("Slow")
        if a is None:
            return None
        t = parse_time(a["activeAt"])
        return t if t < restart else None

    t = wait_for("Slow's activeAt restored to before the restart", restored)
    check(t > slow_active + 2, "activeAt %.3f not shifted by the downtime (was %.3f)" % (t, slow_active))
    log("Slow active at %.0f before, %.0f after a restart at %.0f" % (slow_active, t, restart))
    cairn.stop()


if __name__ == "__main__":
    harness.run(main, __doc__)
