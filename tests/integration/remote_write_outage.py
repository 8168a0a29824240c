#!/usr/bin/env python3
"""A receiver outage, and a kill -9 of the sender during it, lose nothing.

A writer remote-writes 20 series into Cairn every 100 ms and keeps what
Cairn acknowledged. Cairn forwards through `remote_write` to a receiver
served by this test, which records every sample of every request it accepts
(so a sample received twice is seen). The receiver is stopped for --outage
seconds (default 60, the issue's figure; env CAIRN_RW_OUTAGE_S) while
the writer goes on; halfway through, Cairn is kill -9'd and restarted on the
same data directory. After the receiver returns, every acknowledged sample
must arrive with its value, none twice. Prints
`forwarding: N sent, 0 lost, D duplicated`.
"""
import collections
import http.server
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import harness  # noqa: E402
from lib import prom_pb  # noqa: E402
from lib import protobuf as pb  # noqa: E402
from lib import snappy_block  # noqa: E402
from lib.harness import check, log  # noqa: E402

SERIES = 20
TICK_S = 0.1


class Receiver:
    """A remote-write 1.0 receiver that counts every (series, t, value bits) it accepts."""

    def __init__(self, port):
        self.port = port
        self.lock = threading.Lock()
        self.seen = collections.Counter()
        self.server = None

    def start(self):
        rx = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                raw = snappy_block.decompress(body)
                got = []
                for ts in pb.fields(raw).get(1, []):
                    labels, samples = prom_pb.decode_timeseries(ts)
                    key = tuple(sorted(dict(labels).items()))
                    got.extend((key, t, bits) for t, bits in samples)
                with rx.lock:
                    rx.seen.update(got)
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def snapshot(self):
        with self.lock:
            return collections.Counter(self.seen)


def main(env):
    outage_s = float(env.args.outage or os.environ.get("CAIRN_RW_OUTAGE_S", "60"))
    rx = Receiver(harness.free_port())
    rx.start()
    config = """global:
  scrape_interval: 15s
remote_write:
  - url: http://127.0.0.1:%d/receive
    name: outage
    queue_config: {batch_send_deadline: 500ms, min_backoff: 100ms, max_backoff: 1s}
""" % rx.port
    cairn = harness.Cairn(env, config=config)
    cairn.start()

    acked = {}  # (labels, t) -> value bits
    stop = threading.Event()
    attempts = [0, 0]

    def writer():
        i = 0
        while not stop.is_set():
            t = int(time.time() * 1000)
            v = float(i)
            batch = [((("__name__", "outage_gauge"), ("instance", "i%d" % s), ("job", "outage")),
                      [(t, pb.float_bits(v + s))]) for s in range(SERIES)]
            attempts[0] += 1
            try:
                r = harness.remote_write(cairn.url, batch, timeout=2)
                if 200 <= r.status < 300:
                    for labels, samples in batch:
                        acked[(tuple(sorted(labels)), samples[0][0])] = samples[0][1]
                else:
                    attempts[1] += 1
            except OSError:
                attempts[1] += 1
            i += 1
            time.sleep(TICK_S)

    w = threading.Thread(target=writer)
    w.start()
    try:
        time.sleep(3)
        log("receiver down for %.0f s" % outage_s)
        rx.stop()
        time.sleep(outage_s / 2)
        log("kill -9 cairn, restart")
        cairn.kill9()
        cairn.start(port=cairn.port)
        time.sleep(outage_s / 2)
        rx.start()
        log("receiver back")
        time.sleep(3)
    finally:
        stop.set()
        w.join()
    log("writer: %d requests, %d not acknowledged (Cairn restarting)" % (attempts[0], attempts[1]))
    deadline = time.time() + 40
    while time.time() < deadline:
        seen = rx.snapshot()
        if all(((k, t, bits) in seen) for (k, t), bits in acked.items()):
            break
        time.sleep(0.5)
    time.sleep(2)  # anything sent twice would show now
    seen = rx.snapshot()
    lost = [(k, t) for (k, t), bits in acked.items() if (k, t, bits) not in seen]
    dup = sum(n - 1 for n in seen.values() if n > 1)
    log("forwarding: %d sent, %d lost, %d duplicated" % (len(acked), len(lost), dup))
    check(len(acked) > SERIES * 10, "too few acknowledged samples: %d" % len(acked))
    check(not lost, "%d acknowledged samples never arrived, e.g. %s" % (len(lost), lost[:3]))
    check(dup == 0, "%d samples arrived more than once" % dup)
    text = harness.http_get(cairn.url + "/metrics").text()
    check("prometheus_remote_storage_samples_retried_total" in text, "retried counter missing")


if __name__ == "__main__":
    harness.run(main, __doc__, extra_args=[("outage", "seconds the receiver is down (default 15)")])
