#!/usr/bin/env python3
"""Cairn forwards what it ingests through remote_write to real receivers.

Cairn A receives 60 series by remote write (timestamps in the last ten
minutes, values exact in binary) and has three `remote_write` queues:
Debian's VictoriaMetrics (remote write 1.0), Prometheus 2.42 with
`--web.enable-remote-write-receiver` (1.0) and a second Cairn
(`protobuf_message: io.prometheus.write.v2.Request`). `global.external_labels`
puts cluster="a" on everything sent; the VictoriaMetrics queue's
write_relabel_configs drops one metric. Afterwards every receiver holds every
series A holds (plus cluster="a"; minus the dropped metric for VM) with every
sample and value, compared through each server's /api/v1/query with a range
selector (raw samples), and A's prometheus_remote_storage_* metrics add up.
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import harness  # noqa: E402
from lib import protobuf as pb  # noqa: E402
from lib.harness import check, log  # noqa: E402

SERIES = 60
POINTS = 120  # one every 5 s: the last 10 minutes
STEP_MS = 5000


def value(s, i):
    return s * 1000 + i * 0.25


def raw_samples(base_url, at_s):
    """{frozenset(labels): [(t_ms, value)]} from an instant query with a range selector."""
    data = harness.api_get(base_url, "/api/v1/query",
                           [("query", '{__name__=~"fwd_.*"}[15m]'), ("time", "%.3f" % at_s)])
    check(data["resultType"] == "matrix", "resultType %r" % data["resultType"])
    out = {}
    for r in data["result"]:
        out[frozenset(r["metric"].items())] = [(int(round(float(t) * 1000)), float(v)) for t, v in r["values"]]
    return out


def metric_value(text, name, **labels):
    total = None
    for line in text.splitlines():
        if not line.startswith(name + "{") and not line.startswith(name + " "):
            continue
        if all('%s="%s"' % kv in line for kv in labels.items()):
            total = (total or 0) + float(line.rsplit(" ", 1)[1])
    return total


def main(env):
    vm_bin = env.binary("victoria-metrics")
    env.binary("prometheus")
    vm_port = harness.free_port()
    vm = env.spawn("victoria-metrics", [vm_bin, "-storageDataPath=" + env.path("vm"),
                                        "-httpListenAddr=127.0.0.1:%d" % vm_port, "-retentionPeriod=100y",
                                        "-search.latencyOffset=0s", "-search.disableCache"])
    vm_url = "http://127.0.0.1:%d" % vm_port
    harness.wait_http_ok(vm_url + "/health", vm, 60)
    prom = harness.Prometheus(env, "global:\n  scrape_interval: 1h\n",
                              extra_args=["--web.enable-remote-write-receiver"])
    prom.start()
    b = harness.Cairn(env, name="cairn-b")
    b.start()

    config = """global:
  scrape_interval: 15s
  external_labels:
    cluster: a
remote_write:
  - url: %(vm)s/api/v1/write
    name: vm
    queue_config: {batch_send_deadline: 500ms, max_samples_per_send: 1000}
    write_relabel_configs:
      - source_labels: [__name__]
        regex: fwd_dropped_for_vm
        action: drop
  - url: %(prom)s/api/v1/write
    name: prometheus
    queue_config: {batch_send_deadline: 500ms, max_samples_per_send: 1000}
  - url: %(b)s/api/v1/write
    name: cairn-b
    protobuf_message: io.prometheus.write.v2.Request
    queue_config: {batch_send_deadline: 500ms, max_samples_per_send: 1000}
""" % {"vm": vm_url, "prom": prom.url, "b": b.url}
    a = harness.Cairn(env, name="cairn-a", config=config)
    a.start()

    now_ms = int(time.time() * 1000)
    start_ms = now_ms - now_ms % 1000 - POINTS * STEP_MS
    names = ["fwd_gauge_%d" % (s % 5) for s in range(SERIES - 1)] + ["fwd_dropped_for_vm"]
    expected = {}
    # Ten requests in time order, each 12 points of every series.
    for chunk in range(10):
        batch = []
        for s in range(SERIES):
            labels = (("__name__", names[s]), ("instance", "i%d" % s), ("job", "fwd"))
            pts = [(start_ms + i * STEP_MS, value(s, i)) for i in range(chunk * 12, chunk * 12 + 12)]
            expected.setdefault(frozenset(dict(labels).items()), []).extend(pts)
            batch.append((labels, [(t, pb.float_bits(v)) for t, v in pts]))
        r = harness.remote_write(a.url, batch)
        check(200 <= r.status < 300, "remote write into A: %r" % r)
    total = sum(len(v) for v in expected.values())
    log("ingested %d samples of %d series into A" % (total, len(expected)))

    at_s = start_ms / 1000 + POINTS * STEP_MS / 1000 + 1
    own = raw_samples(a.url, at_s)
    check(own == expected, "A's own data differs from what was written")

    def with_cluster(d, drop=None):
        out = {}
        for k, v in d.items():
            if drop and ("__name__", drop) in k:
                continue
            out[frozenset(set(k) | {("cluster", "a")})] = v
        return out

    receivers = [("VictoriaMetrics", vm_url, with_cluster(expected, "fwd_dropped_for_vm")),
                 ("Prometheus 2.42", prom.url, with_cluster(expected)),
                 ("Cairn B (2.0)", b.url, with_cluster(expected))]
    deadline = time.time() + 40
    for name, url, want in receivers:
        got = {}
        while time.time() < deadline:
            got = raw_samples(url, at_s)
            if got == want:
                break
            time.sleep(0.5)
        missing = sum(len(v) for k, v in want.items()) - sum(len(got.get(k, [])) for k in want)
        check(set(got) == set(want), "%s: series differ: %d got, %d want; e.g. extra %s missing %s" % (
            name, len(got), len(want), list(set(got) - set(want))[:2], list(set(want) - set(got))[:2]))
        for k in want:
            check(got[k] == want[k], "%s: samples of %s differ (%d got, %d want, %d missing overall)" % (
                name, sorted(k), len(got[k]), len(want[k]), missing))
        log("%s: %d series, %d samples, all equal" % (name, len(want), sum(len(v) for v in want.values())))

    text = harness.http_get(a.url + "/metrics").text()
    for q, n in (("vm", total - POINTS), ("prometheus", total), ("cairn-b", total)):
        url = {"vm": vm_url, "prometheus": prom.url, "cairn-b": b.url}[q] + "/api/v1/write"
        sent = metric_value(text, "prometheus_remote_storage_samples_total", remote_name=q, url=url)
        check(sent == n, "queue %s: samples_total %s, want %d" % (q, sent, n))
        failed = metric_value(text, "prometheus_remote_storage_samples_failed_total", remote_name=q)
        check(failed == 0, "queue %s: samples_failed_total %s" % (q, failed))
        check(metric_value(text, "prometheus_remote_storage_samples_pending", remote_name=q) == 0,
              "queue %s: samples pending" % q)
        hi = metric_value(text, "prometheus_remote_storage_queue_highest_sent_timestamp_seconds", remote_name=q)
        check(abs(hi - (start_ms + (POINTS - 1) * STEP_MS) / 1000) < 1e-6, "queue %s: highest sent %s" % (q, hi))
    dropped = metric_value(text, "prometheus_remote_storage_samples_dropped_total", remote_name="vm")
    check(dropped == POINTS, "vm queue: samples_dropped_total %s, want %d" % (dropped, POINTS))
    check(metric_value(text, "prometheus_remote_storage_shards", remote_name="vm") >= 1, "shards gauge")
    log("forwarded %d samples to each receiver (VictoriaMetrics %d after relabeling)" % (total, total - POINTS))


if __name__ == "__main__":
    harness.run(main, __doc__)
