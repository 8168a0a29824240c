#!/usr/bin/env python3
"""What one client can cost: a cardinality flood against --storage.max-series,
a label limit, and a query over --query.max-memory (docs/operating.md, Limits).

One cairn with --storage.max-series=<limit>. A sender (the harness' remote
write 1.0 encoder) first writes STEADY series, then floods --series new
series, one sample each, in requests that also carry the next sample of every
steady series:
  - past the limit every request answers 400 whose body names max_series and
    --storage.max-series, and the steady samples in it are still stored
    (partial acceptance): each steady series answers with one sample per
    request;
  - the head holds exactly <limit> series; the refused samples the 400 bodies
    count add up to cairn_ingest_refused_samples_total{reason="max_series"};
  - RSS (VmRSS of the server) is printed before, at the limit and after; the
    refused part of the flood may not grow it by more than RSS_SLACK_MB.
A series with a label value over --storage.max-label-value-length is refused
alone, counted under its reason. Then a range query that would hold far more
than --query.max-memory fails fast with Prometheus' error shape (errorType
execution) and RSS stays within the budget (printed); a query under the
budget still answers.

CI runs 200,000 new series against a limit of 20,000; the issue's figure by
hand (release build):
    python3 tests/integration/ingest_limits.py --cairn build/release/cairn \\
        --series 1000000 --limit 100000
"""
import json
import os
import re
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import harness  # noqa: E402
from lib import prom_pb  # noqa: E402
from lib import snappy_block  # noqa: E402
from lib.harness import check, log  # noqa: E402

STEADY = 50
SERIES_PER_REQUEST = 2000
MAX_MEMORY = 16 << 20
MAX_LABEL_VALUE = 200
# Growth allowed while only refused series arrive (ASan's quarantine is cut
# to 16 MiB below, so freed request buffers do not read as growth).
RSS_SLACK_MB = 64


def rss_mb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return 0.0


def steady_labels(i):
    return (("__name__", "limits_steady"), ("instance", "steady-%03d" % i), ("job", "limits"))


def flood_labels(i):
    return (("__name__", "limits_flood"), ("instance", "host-%07d" % i), ("job", "limits"),
            ("pod", "pod-%07d" % (i * 7919 % 10_000_000)))


def write(url, series):
    body = snappy_block.compress(prom_pb.encode_write_v1(series))
    return harness.http_request("POST", url + "/api/v1/write", body, harness.WRITE_HEADERS_V1, timeout=120)


def metric_value(url, name, labels):
    text = harness.http_get(url + "/metrics").text()
    want = ",".join('%s="%s"' % kv for kv in sorted(labels.items()))
    for line in text.splitlines():
        if line.startswith(name + "{" + want + "}") or (not labels and line.startswith(name + " ")):
            return float(line.rsplit(" ", 1)[1])
    raise harness.Failure("%s{%s} not on /metrics" % (name, want))


def query_raw(url, path, params):
    q = urllib.parse.urlencode(params)
    return harness.http_request("GET", url + path + "?" + q, timeout=120)


def main(env):
    n_new = int(env.args.series or os.environ.get("CAIRN_FLOOD_SERIES", 200_000))
    limit = int(env.args.limit or os.environ.get("CAIRN_FLOOD_LIMIT", 20_000))
    check(limit > STEADY, "--limit must exceed %d" % STEADY)
    os.environ["ASAN_OPTIONS"] = "detect_leaks=0:quarantine_size_mb=16"
    cairn = harness.Cairn(env, extra_args=[
        "--storage.max-series=%d" % limit,
        "--storage.max-label-value-length=%d" % MAX_LABEL_VALUE,
        "--query.max-memory=%dMB" % (MAX_MEMORY >> 20),
        "--storage.block-cache-size=8MB"])
    cairn.start()
    url, pid = cairn.url, cairn.proc.pid

    # Samples one second apart, ending now: inside the lookback of a query at "now".
    n_requests = (n_new + SERIES_PER_REQUEST - 1) // SERIES_PER_REQUEST
    t0 = int(time.time() * 1000) - (n_requests + 2) * 1000
    r = write(url, [(steady_labels(i), [(t0, prom_pb.pb.float_bits(0.0))]) for i in range(STEADY)])
    check(r.status == 204, "steady series: %r" % r)
    rss_start = rss_mb(pid)

    accepted_new = refused_from_bodies = first_400 = 0
    rss_at_limit = None
    start = time.time()
    for k in range(n_requests):
        t = t0 + (k + 1) * 1000
        first = k * SERIES_PER_REQUEST
        batch = [(flood_labels(i), [(t, prom_pb.pb.float_bits(1.0))])
                 for i in range(first, min(n_new, first + SERIES_PER_REQUEST))]
        batch += [(steady_labels(i), [(t, prom_pb.pb.float_bits(float(k + 1)))]) for i in range(STEADY)]
        r = write(url, batch)
        if r.status == 204:
            accepted_new += len(batch) - STEADY
            continue
        body = r.text()
        check(r.status == 400, "request %d: want 204 or 400, got %r" % (k, r))
        check("--storage.max-series" in body and "max_series: " in body,
              "request %d: the 400 does not name the limit: %s" % (k, body[:300]))
        m = re.search(r"(\d+) samples rejected, (\d+) written", body)
        check(m is not None, "request %d: no counts in %r" % (k, body[:300]))
        refused = int(re.search(r"max_series: (\d+)", body).group(1))
        check(refused == int(m.group(1)), "request %d: only max_series refusals expected: %s" % (k, body[:300]))
        written = int(m.group(2))
        check(written >= STEADY, "request %d: steady samples not all written (%d): %s" % (k, written, body[:300]))
        accepted_new += written - STEADY
        refused_from_bodies += refused
        if rss_at_limit is None:
            first_400 = k
            rss_at_limit = rss_mb(pid)
    took = time.time() - start
    rss_end = rss_mb(pid)
    log("flood: %d new series in %d requests in %.1fs (%.0f series/s); %d accepted, %d refused; first 400 at "
        "request %d" % (n_new, n_requests, took, n_new / took, accepted_new, refused_from_bodies, first_400))
    log("RSS: %.1f MiB before the flood, %.1f MiB at the limit, %.1f MiB after" % (
        rss_start, rss_at_limit or 0, rss_end))

    check(rss_at_limit is not None, "the limit was never reached")
    check(accepted_new == limit - STEADY, "accepted %d new series, want %d" % (accepted_new, limit - STEADY))
    check(refused_from_bodies == n_new - accepted_new, "refused %d, want %d" % (
        refused_from_bodies, n_new - accepted_new))
    head = metric_value(url, "prometheus_tsdb_head_series", {})
    check(head == limit, "head series %d, want %d" % (head, limit))
    counted = metric_value(url, "cairn_ingest_refused_samples_total", {"reason": "max_series"})
    check(counted == refused_from_bodies, "refusal counter %d, the 400 bodies say %d" % (
        counted, refused_from_bodies))
    check(rss_end - rss_at_limit <= RSS_SLACK_MB, "RSS grew %.1f MiB while only refused series arrived" % (
        rss_end - rss_at_limit))

    # The existing series were not affected: one sample per request each.
    now_s = (t0 + (n_requests + 1) * 1000) / 1000.0
    res = harness.api_get(url, "/api/v1/query", {
        "query": "count_over_time(limits_steady[%ds])" % (n_requests + 10), "time": "%.3f" % now_s})
    check(len(res["result"]) == STEADY, "steady series answering: %d" % len(res["result"]))
    for s in res["result"]:
        check(int(float(s["value"][1])) == n_requests + 1, "steady %s has %s samples, want %d" % (
            s["metric"]["instance"], s["value"][1], n_requests + 1))
    log("existing series: all %d have their %d samples" % (STEADY, n_requests + 1))

    # A label value over the limit: that series alone is refused, an existing
    # series in the same request is stored. (The head is full, so it is an
    # existing series that carries the long value's neighbour.)
    long_value = "v" * (MAX_LABEL_VALUE + 1)
    r = write(url, [((("__name__", "limits_steady"), ("instance", long_value), ("job", "limits")),
                     [(t0, prom_pb.pb.float_bits(1.0))]),
                    (steady_labels(0), [(t0 + (n_requests + 1) * 1000, prom_pb.pb.float_bits(9.0))])])
    check(r.status == 400 and "max_label_value_length: 1" in r.text() and "(actual: %d, limit: %d)" % (
        MAX_LABEL_VALUE + 1, MAX_LABEL_VALUE) in r.text(), "label limit: %r" % r)
    check(metric_value(url, "cairn_ingest_refused_samples_total", {"reason": "max_label_value_length"}) == 1,
          "label limit counter")

    # Query memory: every flood series at every 0.1 s of the flood, through
    # the 5m lookback, is ~(limit x steps) points: far over the budget.
    steps = (n_requests + 2) * 10  # a step of 0.1 s; the 5m lookback keeps every point
    need = (limit - STEADY) * min(steps, 3000) * 16
    rss_before_q = rss_mb(pid)
    q0 = time.time()
    r = query_raw(url, "/api/v1/query_range", {"query": "limits_flood", "start": "%.3f" % (t0 / 1000.0),
                                               "end": "%.3f" % now_s, "step": "0.1"})
    q_took = time.time() - q0
    rss_after_q = rss_mb(pid)
    body = json.loads(r.body)
    check(r.status == 422 and body.get("status") == "error" and body.get("errorType") == "execution" and
          "--query.max-memory" in body.get("error", ""), "over-budget query: %r" % r)
    log("query needing ~%d MiB against a %d MiB budget failed in %.2fs: %s" % (
        need >> 20, MAX_MEMORY >> 20, q_took, body["error"]))
    log("RSS around it: %.1f MiB before, %.1f MiB after (+%.1f MiB, budget %d MiB)" % (
        rss_before_q, rss_after_q, rss_after_q - rss_before_q, MAX_MEMORY >> 20))
    check(rss_after_q - rss_before_q <= 2 * (MAX_MEMORY >> 20) + 16,
          "RSS grew %.1f MiB for a query with a %d MiB budget" % (rss_after_q - rss_before_q, MAX_MEMORY >> 20))
    # (The flood's accepted series are older than the 5m lookback at the full size.)
    res = harness.api_get(url, "/api/v1/query", {
        "query": "count(last_over_time(limits_flood[%ds]))" % (n_requests + 10), "time": "%.3f" % now_s})
    check(int(float(res["result"][0]["value"][1])) == limit - STEADY, "a query under the budget: %r" % res)

    cairn.stop()


if __name__ == "__main__":
    harness.run(main, __doc__, extra_args=[("series", "new series to flood with (default 200000)"),
                                           ("limit", "--storage.max-series (default 20000)")])
