#!/usr/bin/env python3
"""Prometheus 2.42 remote-writes to Cairn; nothing it stored may be missing.

Prometheus scrapes itself every second and remote_writes to Cairn with a short
batch_send_deadline. After ~20 s it is stopped with SIGTERM (it flushes its
queues), then restarted on the same storage without scraping or remote_write,
and everything it stored is read back through its own /api/v1/read
(STREAMED_XOR_CHUNKS) and compared with what Cairn serves through remote read.
Only samples newer than the newest one Cairn holds may be missing (still in the
send queue at shutdown); anything else missing, or any value that differs, fails.
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import harness  # noqa: E402
from lib import prom_pb  # noqa: E402
from lib.harness import check, log  # noqa: E402

RUN_S = 20
TAIL_SLACK_MS = 2000  # two scrape intervals
NEG_ZERO = 0x8000000000000000


def metric_value(text, name):
    total = 0.0
    found = False
    for line in text.splitlines():
        if line.startswith(name + "{") or line.startswith(name + " "):
            total += float(line.rsplit(" ", 1)[1])
            found = True
    return total if found else None


def as_map(series_list):
    out = {}
    for labels, samples in series_list:
        check(labels not in out, "series %s returned twice" % (labels,))
        out[labels] = dict(samples)
        check(len(out[labels]) == len(samples), "%s: duplicate timestamps" % (labels,))
    return out


def main(env):
    cairn = harness.Cairn(env)
    cairn.start()
    prom_port = harness.free_port()
    config = """global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1m
scrape_configs:
  - job_name: prometheus
    static_configs:
      - targets: ['127.0.0.1:%d']
remote_write:
  - url: %s/api/v1/write
    queue_config:
      batch_send_deadline: 500ms
      max_shards: 2
      min_backoff: 100ms
      max_backoff: 1s
""" % (prom_port, cairn.url)
    prom = harness.Prometheus(env, config)
    prom.port = prom_port
    t_start = int(time.time() * 1000) - 60000
    prom.start()
    time.sleep(RUN_S)
    metrics = harness.http_get(prom.url + "/metrics").text()
    sent = metric_value(metrics, "prometheus_remote_storage_samples_total")
    if sent is None:  # newer name
        sent = metric_value(metrics, "prometheus_remote_storage_samples_sent_total")
    failed = metric_value(metrics, "prometheus_remote_storage_samples_failed_total") or 0
    retried = metric_value(metrics, "prometheus_remote_storage_samples_retried_total") or 0
    log("prometheus after %ds: samples sent %s, failed %s, retried %s" % (RUN_S, sent, failed, retried))
    check(sent and sent > 0, "prometheus sent no samples")
    check(failed == 0, "prometheus reports %s samples failed (non-retryable 4xx from cairn?)" % failed)
    check(prom.stop() == 0, "prometheus did not stop cleanly")

    # Reopen Prometheus' storage read-only in spirit: no scrapes, no remote_write.
    reader = harness.Prometheus(env, "global:\n  scrape_interval: 1h\n", name="prometheus")
    reader.data_dir = prom.data_dir
    reader.start()
    t_end = int(time.time() * 1000) + 60000
    query = [(t_start, t_end, [(prom_pb.RE, "__name__", ".+")])]
    want = as_map(harness.remote_read(reader.url, query, prom_pb.STREAMED_XOR_CHUNKS).get(0, []))
    got = as_map(harness.remote_read(cairn.url, query, prom_pb.SAMPLES).get(0, []))
    check(reader.stop() == 0, "prometheus (reader) did not stop cleanly")

    n_want = sum(len(s) for s in want.values())
    n_got = sum(len(s) for s in got.values())
    check(got, "cairn holds no series")
    newest = max(max(s) for s in got.values() if s)
    cutoff = newest - TAIL_SLACK_MS
    missing_tail = 0
    for labels, samples in want.items():
        have = got.get(labels)
        if have is None:
            check(min(samples) > cutoff, "series %s (first sample %d, cutoff %d) missing in cairn"
                  % (labels, min(samples), cutoff))
            missing_tail += len(samples)
            continue
        for t, bits in samples.items():
            if t not in have:
                check(t > cutoff, "%s @%d missing in cairn (newest in cairn %d)" % (labels, t, newest))
                missing_tail += 1
                continue
            ok = have[t] == bits or (bits == NEG_ZERO and have[t] == 0)
            check(ok, "%s @%d: cairn %016x, prometheus %016x" % (labels, t, have[t], bits))
    for labels, samples in got.items():
        check(labels in want, "cairn has series prometheus never stored: %s" % (labels,))
        extra = set(samples) - set(want[labels])
        check(not extra, "%s: cairn has samples prometheus never stored: %s" % (labels, sorted(extra)[:5]))
    log("prometheus stored %d series / %d samples; cairn holds %d series / %d samples; "
        "%d newest samples were still queued at shutdown" % (len(want), n_want, len(got), n_got, missing_tail))
    check(missing_tail <= 2 * len(want), "too many samples missing at the tail: %d" % missing_tail)
    print("prometheus stored %d samples, cairn received %d" % (n_want, n_got))
    cairn.stop()


if __name__ == "__main__":
    harness.run(main, __doc__, extra_args=[("prometheus", "path to the prometheus binary")])
