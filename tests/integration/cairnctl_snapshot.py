#!/usr/bin/env python3
"""Snapshots under load: `cairnctl snapshot create|list|remove`.

Six writer threads remote-write distinct batches without pause; meanwhile
`cairnctl snapshot create` runs. A fresh cairn opened on a copy of the
snapshot (`--storage.tsdb.path=<copy>`) must hold every sample of every
request acknowledged before the snapshot command started, bit for bit (read
back through remote read), and nothing that was never sent. Then `snapshot
list` shows it, `snapshot remove` removes it, and removing it again fails.
"""
import os
import shutil
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import harness  # noqa: E402
from lib import prom_pb  # noqa: E402
from lib.harness import check, log  # noqa: E402

WRITERS = 6
SERIES_PER_WRITER = 10
SAMPLES_PER_REQUEST = 10
WRITE_BEFORE_S = 2.0
WRITE_AFTER_S = 1.0
METRIC = "cairn_snapshot_test"


def value_bits(w, i, n):
    x = ((w * 1000003 + i * 7919 + n * 131) * 2654435761) % (1 << 32)
    return prom_pb.pb.float_bits(x / 7.3 - 1e5)


def labels_of(w, i):
    return (("__name__", METRIC), ("series", "%02d" % i), ("writer", str(w)))


def request_series(base, w, k):
    out = []
    for i in range(SERIES_PER_WRITER):
        samples = [(base + (k * SAMPLES_PER_REQUEST + j) * 1000, value_bits(w, i, k * SAMPLES_PER_REQUEST + j))
                   for j in range(SAMPLES_PER_REQUEST)]
        out.append((labels_of(w, i), samples))
    return out


def cairnctl(env, *argv, expect=0):
    cmd = [env.binary("cairnctl")] + list(argv)
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120,
                       env=dict(os.environ, ASAN_OPTIONS="detect_leaks=0"))
    check(p.returncode == expect, "%s exited %d (want %d)\nstdout: %s\nstderr: %s" % (
        " ".join(cmd), p.returncode, expect, p.stdout[-2000:], p.stderr[-2000:]))
    return p.stdout


def main(env):
    env.binary("cairnctl")  # skips (77) when it is not built
    cairn = harness.Cairn(env, extra_args=["--web.enable-admin-api"])
    cairn.start()
    base = (int(time.time() * 1000) // 1000 - 6 * 3600) * 1000

    stop = threading.Event()
    acked = {w: [] for w in range(WRITERS)}  # (k, monotonic time the 2xx arrived)
    errors = []

    def writer(w):
        k = 0
        while not stop.is_set():
            try:
                r = harness.remote_write(cairn.url, request_series(base, w, k))
            except OSError as e:
                errors.append("writer %d: %s" % (w, e))
                return
            if r.status // 100 != 2:
                errors.append("writer %d request %d: %r" % (w, k, r))
                return
            acked[w].append((k, time.monotonic()))
            k += 1

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(WRITERS)]
    for t in threads:
        t.start()
    time.sleep(WRITE_BEFORE_S)
    began = time.monotonic()
    name = cairnctl(env, "--url", cairn.url, "snapshot", "create").strip()
    took = time.monotonic() - began
    time.sleep(WRITE_AFTER_S)
    stop.set()
    for t in threads:
        t.join()
    check(not errors, "; ".join(errors[:3]))
    before = {w: [k for k, at in acked[w] if at < began] for w in range(WRITERS)}
    n_before = sum(len(v) for v in before.values())
    n_total = sum(len(v) for v in acked.values())
    log("snapshot %s took %.2fs; %d requests acknowledged before it began, %d in all" % (
        name, took, n_before, n_total))
    check(n_before > 0 and n_total > n_before, "writes must run before and during the snapshot")

    snap_dir = os.path.join(cairn.data_dir, "snapshots", name)
    check(os.path.isdir(snap_dir), "snapshot dir %s missing" % snap_dir)
    fresh = harness.Cairn(env, name="fresh")
    shutil.rmtree(fresh.data_dir)
    shutil.copytree(snap_dir, fresh.data_dir, symlinks=True)
    fresh.start()
    got = harness.remote_read(fresh.url, [(base - 1, base + 10 ** 9, [(prom_pb.EQ, "__name__", METRIC)])])[0]
    stored = {}
    for labels, samples in got:
        lab = dict(labels)
        stored[(int(lab["writer"]), int(lab["series"]))] = dict(samples)
    missing = 0
    for w, ks in before.items():
        for k in ks:
            for labels, samples in request_series(base, w, k):
                have = stored.get((w, int(labels[1][1])), {})
                missing += sum(1 for t, bits in samples if have.get(t) != bits)
    check(missing == 0, "%d samples acknowledged before the snapshot are missing or differ" % missing)
    sent = {}
    for w in range(WRITERS):
        for k, _ in acked[w]:
            for labels, samples in request_series(base, w, k):
                sent.setdefault((w, int(labels[1][1])), {}).update(samples)
    extra = sum(1 for key, s in stored.items() for t, bits in s.items() if sent.get(key, {}).get(t) != bits)
    check(extra == 0, "%d samples in the snapshot were never acknowledged" % extra)
    n_samples = sum(len(s) for s in stored.values())
    log("fresh server on the snapshot: all %d acknowledged-before samples there (%d in it)" % (
        n_before * SERIES_PER_WRITER * SAMPLES_PER_REQUEST, n_samples))
    fresh.stop()

    listed = cairnctl(env, "--url", cairn.url, "snapshot", "list", "--output", "csv")
    check(name in listed, "snapshot list: %r" % listed)
    cairnctl(env, "--url", cairn.url, "snapshot", "remove", name)
    check(not os.path.exists(snap_dir), "snapshot dir still there after remove")
    check(name not in cairnctl(env, "--url", cairn.url, "snapshot", "list", "--output", "csv"), "listed after remove")
    cairnctl(env, "--url", cairn.url, "snapshot", "remove", name, expect=1)
    cairnctl(env, "--url", cairn.url, "snapshot", "remove", "../db", expect=1)
    check(os.path.isdir(os.path.join(cairn.data_dir, "db")), "a bad name reached outside snapshots/")
    cairn.stop()


if __name__ == "__main__":
    harness.run(main, __doc__.splitlines()[0], extra_args=[("cairnctl", "path to the cairnctl binary")])
