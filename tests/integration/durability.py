#!/usr/bin/env python3
"""Durability: every acknowledged remote-write sample survives `kill -9`.

Several writer threads send remote_write 1.0 batches of distinct samples; the
test records which requests got a 2xx, kills Cairn with SIGKILL mid-stream,
restarts it on the same data dir and reads everything back through remote read,
both as SAMPLES and as STREAMED_XOR_CHUNKS (frames CRC-checked, XOR chunks
decoded here). Every acknowledged sample must be there exactly once with the
same value bits; anything else read back must be a sample that was sent.
"""
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import harness  # noqa: E402
from lib import prom_pb  # noqa: E402
from lib.harness import check, log  # noqa: E402

WRITERS = 6
SERIES_PER_WRITER = 10
SAMPLES_PER_SERIES = 10  # per request
KILL_AFTER_S = 4.0
KILL_AFTER_ACKED = 300  # requests, whichever comes first
MAX_REQUESTS_PER_WRITER = 400
METRIC = "cairn_durability_test"

STALE = 0x7FF0000000000002
NAN = 0x7FF8000000000001
NEG_ZERO = 0x8000000000000000


def value_bits(w, i, n):
    """Deterministic value for writer w, series i, sample n (incl. special values)."""
    if n % 97 == 5:
        return STALE
    if n % 89 == 7:
        return NAN
    if n % 83 == 3:
        return NEG_ZERO
    x = ((w * 1000003 + i * 7919 + n * 131) * 2654435761) % (1 << 32)
    return prom_pb.pb.float_bits(x / 7.3 - 1e5)


def labels_of(w, i):
    return (("__name__", METRIC), ("series", "%02d" % i), ("writer", str(w)))


def request_series(base, w, k):
    out = []
    for i in range(SERIES_PER_WRITER):
        samples = []
        for j in range(SAMPLES_PER_SERIES):
            n = k * SAMPLES_PER_SERIES + j
            samples.append((base + n * 1000, value_bits(w, i, n)))
        out.append((labels_of(w, i), samples))
    return out


class Writer(threading.Thread):
    def __init__(self, url, base, w, stop, counter):
        super().__init__(daemon=True)
        self.url, self.base, self.w, self.stop, self.counter = url, base, w, stop, counter
        self.acked = []      # request numbers that got 2xx
        self.unknown = []    # sent but not acknowledged (error / non-2xx)
        self.statuses = {}

    def run(self):
        for k in range(MAX_REQUESTS_PER_WRITER):
            if self.stop.is_set():
                return
            try:
                r = harness.remote_write(self.url, request_series(self.base, self.w, k), timeout=20)
                self.statuses[r.status] = self.statuses.get(r.status, 0) + 1
                if 200 <= r.status < 300:
                    self.acked.append(k)
                    with self.counter["lock"]:
                        self.counter["n"] += 1
                    continue
                self.unknown.append(k)
            except OSError as e:
                self.statuses[type(e).__name__] = self.statuses.get(type(e).__name__, 0) + 1
                self.unknown.append(k)
            return  # after any failure (the server is being killed) this writer stops


def expected_samples(writers):
    """{labels: {t: bits}} for acknowledged samples, and the same for every sample sent."""
    acked, sent = {}, {}
    for wr in writers:
        for k in wr.acked + wr.unknown:
            for labels, samples in request_series(wr.base, wr.w, k):
                sent.setdefault(labels, {}).update(samples)
                if k in wr.acked:
                    acked.setdefault(labels, {}).update(samples)
    return acked, sent


def same_bits(kind, have, want):
    # SAMPLES responses are proto3 messages: upstream Prometheus omits a double equal to
    # 0 (which -0.0 is), so the reader sees +0.0. Chunks must carry -0.0 exactly.
    return have == want or (kind == "SAMPLES" and want == NEG_ZERO and have == 0)


def verify(kind, got, acked, sent):
    """got: [(labels, samples)] from one remote read query."""
    seen_series = set()
    read_back = 0
    extra = 0
    for labels, samples in got:
        check(labels not in seen_series, "%s: series %s returned twice" % (kind, labels))
        seen_series.add(labels)
        check(labels in sent, "%s: unexpected series %s" % (kind, labels))
        ts = [t for t, _ in samples]
        check(all(a < b for a, b in zip(ts, ts[1:])),
              "%s: %s timestamps not strictly increasing (duplicates or disorder)" % (kind, labels))
        want_acked = acked.get(labels, {})
        want_sent = sent[labels]
        have = dict(samples)
        for t, bits in want_acked.items():
            check(t in have, "%s: acknowledged sample %s @%d missing" % (kind, labels, t))
            check(same_bits(kind, have[t], bits), "%s: %s @%d value bits %016x, want %016x"
                  % (kind, labels, t, have[t], bits))
            read_back += 1
        for t, bits in samples:
            check(t in want_sent, "%s: %s @%d was never sent" % (kind, labels, t))
            check(same_bits(kind, bits, want_sent[t]), "%s: %s @%d has bits %016x, sent %016x"
                  % (kind, labels, t, bits, want_sent[t]))
            if t not in want_acked:
                extra += 1
    for labels in acked:
        check(labels in seen_series, "%s: acknowledged series %s missing" % (kind, labels))
    return read_back, extra


def main(env):
    cairn = harness.Cairn(env)
    cairn.start()
    base = (int(time.time()) - 1800) * 1000  # 30 min ago, whole seconds
    stop = threading.Event()
    counter = {"n": 0, "lock": threading.Lock()}
    writers = [Writer(cairn.url, base, w, stop, counter) for w in range(WRITERS)]
    t0 = time.time()
    for wr in writers:
        wr.start()
    while time.time() - t0 < KILL_AFTER_S and counter["n"] < KILL_AFTER_ACKED:
        time.sleep(0.02)
    cairn.kill9()
    killed_at = time.time() - t0
    stop.set()
    for wr in writers:
        wr.join(30)
        check(not wr.is_alive(), "writer %d hung" % wr.w)
    acked_reqs = sum(len(wr.acked) for wr in writers)
    unknown_reqs = sum(len(wr.unknown) for wr in writers)
    statuses = {}
    for wr in writers:
        for s, n in wr.statuses.items():
            statuses[s] = statuses.get(s, 0) + n
    log("killed cairn (SIGKILL) after %.2fs: %d requests acknowledged, %d in flight/failed, "
        "outcomes %s" % (killed_at, acked_reqs, unknown_reqs, statuses))
    check(acked_reqs > 0, "no request was acknowledged before the kill")
    for wr in writers:
        check(not [s for s in wr.statuses if isinstance(s, int) and s >= 500],
              "writer %d got 5xx: %s" % (wr.w, wr.statuses))

    acked, sent = expected_samples(writers)
    n_acked = sum(len(v) for v in acked.values())

    restart_s = cairn.start()
    log("restarted on the same data dir, ready after %.2fs" % restart_s)

    query = [(base - 1000, base + 10 ** 8, [(prom_pb.EQ, "__name__", METRIC)])]
    t1 = time.time()
    got = harness.remote_read(cairn.url, query, prom_pb.SAMPLES)
    n_back, extra = verify("SAMPLES", got.get(0, []), acked, sent)
    log("SAMPLES: acknowledged %d, read back %d (+%d unacknowledged samples that landed), %.2fs"
        % (n_acked, n_back, extra, time.time() - t1))
    check(n_back == n_acked, "SAMPLES: read back %d of %d acknowledged" % (n_back, n_acked))

    t1 = time.time()
    got = harness.remote_read(cairn.url, query, prom_pb.STREAMED_XOR_CHUNKS)
    n_back2, extra2 = verify("STREAMED_XOR_CHUNKS", got.get(0, []), acked, sent)
    log("STREAMED_XOR_CHUNKS: acknowledged %d, read back %d (+%d unacknowledged), %.2fs"
        % (n_acked, n_back2, extra2, time.time() - t1))
    check(n_back2 == n_acked and extra2 == extra,
          "STREAMED_XOR_CHUNKS disagrees with SAMPLES (%d/%d vs %d/%d)" % (n_back2, extra2, n_back, extra))
    # A clean stop and start (checkpointed state instead of WAL replay) serves the same data.
    cairn.stop()
    restart_s = cairn.start()
    got = harness.remote_read(cairn.url, query, prom_pb.STREAMED_XOR_CHUNKS)
    n_back3, extra3 = verify("STREAMED_XOR_CHUNKS after clean restart", got.get(0, []), acked, sent)
    log("after a clean restart (ready in %.2fs): read back %d (+%d)" % (restart_s, n_back3, extra3))
    check(n_back3 == n_acked and extra3 == extra, "clean restart changed the data (%d/%d vs %d/%d)"
          % (n_back3, extra3, n_back, extra))
    print("acknowledged %d, read back %d" % (n_acked, n_back))
    cairn.stop()


if __name__ == "__main__":
    harness.run(main, __doc__)
