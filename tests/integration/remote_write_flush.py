#!/usr/bin/env python3
"""The remote_write queues' flush on shutdown (--storage.remote.flush-deadline).

Cairn A forwards to Cairn B through a queue whose batches would wait five
minutes (batch_send_deadline: 5m, max_samples_per_send larger than what is
written), so nothing leaves A while it runs. Then:
- SIGTERM to A: it sends what its WAL holds before exiting (exit 0, within
  seconds), and B holds every sample written into A, values equal;
- with B down, A restarted with --storage.remote.flush-deadline=2s is sent
  more samples and SIGTERM'd: it gives up after the deadline (exits in well
  under the 1m default), and after B and A come back (a short
  batch_send_deadline now, same queue name) the samples it could not send
  arrive from A's saved WAL position.
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import harness  # noqa: E402
from lib import protobuf as pb  # noqa: E402
from lib.harness import check, log  # noqa: E402

SERIES = 20
POINTS = 50


def write(url, start_ms, first_point):
    """POINTS samples of each series, from point `first_point` on; returns them."""
    expected = {}
    batch = []
    for s in range(SERIES):
        labels = (("__name__", "flush_gauge"), ("instance", "i%d" % s), ("job", "flush"))
        pts = [(start_ms + i * 1000, s * 1000 + i * 0.5) for i in range(first_point, first_point + POINTS)]
        expected[frozenset(dict(labels).items())] = pts
        batch.append((labels, [(t, pb.float_bits(v)) for t, v in pts]))
    r = harness.remote_write(url, batch)
    check(200 <= r.status < 300, "remote write into A: %r" % r)
    return expected


def stored(url, at_s):
    data = harness.api_get(url, "/api/v1/query", [("query", "flush_gauge[10m]"), ("time", "%.3f" % at_s)])
    return {frozenset(r["metric"].items()): [(int(round(float(t) * 1000)), float(v)) for t, v in r["values"]]
            for r in data["result"]}


def main(env):
    b = harness.Cairn(env, name="receiver")
    b.start()
    b_port = b.port
    # The name keeps the queue's saved position when queue_config changes.
    config = """remote_write:
  - url: %s/api/v1/write
    name: to-b
    queue_config: {batch_send_deadline: %s, max_samples_per_send: 100000, capacity: 100000}
"""
    a = harness.Cairn(env, name="sender", config=config % (b.url, "5m"))
    a.start()
    now_ms = int(time.time() * 1000)
    start_ms = now_ms - now_ms % 1000 - 4 * 60 * 1000
    at_s = start_ms / 1000 + 2 * POINTS + 1
    expected = write(a.url, start_ms, 0)
    time.sleep(1.5)  # the queue has read the WAL; its batch waits for the deadline
    check(stored(b.url, at_s) == {}, "samples reached B before A stopped: batch_send_deadline not in force?")
    t0 = time.time()
    a.stop()
    took = time.time() - t0
    got = stored(b.url, at_s)
    check(got == expected, "after A's SIGTERM B holds %d of %d series, %d of %d samples" %
          (len(got), len(expected), sum(map(len, got.values())), sum(map(len, expected.values()))))
    log("flush on SIGTERM: %d samples sent, A exited in %.1fs" % (sum(map(len, got.values())), took))

    # Receiver down: the deadline bounds the shutdown; nothing is lost.
    b.stop()
    a.extra_args = ["--storage.remote.flush-deadline=2s"]
    a.start()
    later = write(a.url, start_ms, POINTS)
    time.sleep(1.0)
    t0 = time.time()
    a.stop()
    took = time.time() - t0
    check(took < 20, "A took %.1fs to stop with a 2s flush deadline and its receiver down" % took)
    log("receiver down: A exited %.1fs after SIGTERM (flush deadline 2s)" % took)
    b.start(port=b_port)
    with open(a.config_path, "w") as f:
        f.write(config % (b.url, "200ms"))
    a.start()
    want = {k: expected[k] + later[k] for k in expected}
    for _ in range(100):
        got = stored(b.url, at_s)
        if got == want:
            break
        time.sleep(0.2)
    check(got == want, "after the restart B holds %d of %d samples" %
          (sum(map(len, got.values())), sum(map(len, want.values()))))
    log("samples unsent at the deadline arrived after the restart: %d in all" % sum(map(len, got.values())))
    a.stop()
    b.stop()


if __name__ == "__main__":
    harness.run(main, __doc__)
