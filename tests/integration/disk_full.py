#!/usr/bin/env python3
"""Disk full on a real small file system: Cairn's data dir on a 96 MiB tmpfs
mounted by the test (as root, or in a private user and mount namespace via
`unshare -rm`; exit 77 when neither works), --storage.min-free-disk-space=16MB.
A filler file leaves 28 MiB; remote write goes on until the disk is full
(under the guard), then:
  - writes answer 503 (what senders retry), none 500;
  - queries keep answering;
  - a snapshot (admin API) either succeeds or fails leaving no partial one;
  - once the filler is deleted, writes resume by themselves (no restart), a
    snapshot succeeds;
  - every acknowledged (2xx) sample reads back, before and after a restart.
"""
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import harness  # noqa: E402
from lib import prom_pb  # noqa: E402
from lib import protobuf as pb  # noqa: E402
from lib.harness import check, log  # noqa: E402

METRIC = "disk_full_test"
SERIES = 100
PER_REQUEST = 50  # samples per series per request
NAMESPACE_MARK = "CAIRN_DISK_FULL_IN_NAMESPACE"


def mount_tmpfs(path, size):
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%s" % size, "tmpfs", path],
                       capture_output=True, text=True)
    return r.returncode == 0


def reexec_in_namespace():
    """Runs this test again in new user + mount namespaces (as their root)."""
    if os.environ.get(NAMESPACE_MARK):
        return None
    env = dict(os.environ, **{NAMESPACE_MARK: "1"})
    try:
        r = subprocess.run(["unshare", "-rm", "--propagation", "private", sys.executable] + sys.argv, env=env)
    except OSError:
        return None
    return r.returncode


def request(base, k):
    """Request k: SERIES series x PER_REQUEST samples, timestamps unique per request."""
    t0 = base + k * PER_REQUEST * 1000
    series = []
    for s in range(SERIES):
        labels = (("__name__", METRIC), ("s", str(s)))
        series.append((labels, [(t0 + i * 1000, pb.float_bits(k * 1e6 + s * 1e3 + i + 0.5))
                                for i in range(PER_REQUEST)]))
    return series


def read_all(url, base):
    got = harness.remote_read(url, [(base - 1, base + 10 ** 10, [(prom_pb.EQ, "__name__", METRIC)])])
    out = {}
    for labels, samples in got.get(0, []):
        s = dict(labels)["s"]
        for t, bits in samples:
            out[(s, t)] = bits
    return out


def check_acked(url, base, acked, when):
    got = read_all(url, base)
    missing = [k for k in acked if k not in got]
    changed = [k for k, v in acked.items() if k in got and got[k] != v]
    log("%s: %d acknowledged samples, %d read back, %d missing, %d changed" % (
        when, len(acked), len(got), len(missing), len(changed)))
    check(not missing, "%s: acknowledged samples lost, e.g. %r" % (when, missing[:3]))
    check(not changed, "%s: acknowledged samples changed, e.g. %r" % (when, changed[:3]))


def snapshot(url):
    return harness.http_request("POST", url + "/api/v1/admin/tsdb/snapshot", b"", {}, timeout=60)


def snapshot_dirs(data_dir):
    d = os.path.join(data_dir, "snapshots")
    return sorted(os.listdir(d)) if os.path.isdir(d) else []


def main(env):
    mnt = env.path("small-fs")
    os.makedirs(mnt)
    if not mount_tmpfs(mnt, "96m"):
        code = reexec_in_namespace()
        if code is None:
            raise harness.Skip("cannot mount a tmpfs (not root, and no unshare -rm)")
        if code == harness.SKIP:
            raise harness.Skip("cannot mount a tmpfs, even in a user namespace")
        check(code == 0, "the test in a user and mount namespace failed (exit %d)" % code)
        return
    try:
        run_on(env, mnt)
    finally:
        subprocess.run(["umount", "-l", mnt])


def run_on(env, mnt):
    cairn = harness.Cairn(env, extra_args=["--web.enable-admin-api", "--storage.min-free-disk-space=16MB"])
    cairn.data_dir = os.path.join(mnt, "data")
    os.makedirs(cairn.data_dir)
    cairn.start()
    url = cairn.url
    base = (int(time.time()) - 3 * 86400) * 1000  # in the past: no request is too new

    # Leave a few MiB free.
    st = os.statvfs(mnt)
    filler = os.path.join(mnt, "filler")
    with open(filler, "wb") as f:
        f.write(b"\0" * max(0, st.f_bavail * st.f_frsize - (28 << 20)))
    log("tmpfs: %d MiB free after the filler" % (os.statvfs(mnt).f_bavail * os.statvfs(mnt).f_frsize >> 20))

    acked = {}
    statuses = {}
    failed = []  # requests refused while full, retried after
    k = 0
    first_refusal = None
    t_start = time.time()
    while time.time() - t_start < 60:
        series = request(base, k)
        r = harness.remote_write(url, series, timeout=30)
        statuses[r.status] = statuses.get(r.status, 0) + 1
        if 200 <= r.status < 300:
            for labels, samples in series:
                for t, bits in samples:
                    acked[(labels[1][1], t)] = bits
        else:
            check(r.status == 503, "a write on a full disk answered %d, not 503: %s" % (r.status, r.text()[:200]))
            failed.append(k)
            if first_refusal is None:
                first_refusal = k
                log("first 503 at request %d: %s" % (k, r.text().strip()[:200]))
            if len(failed) >= 10:
                break
        k += 1
    log("while filling: statuses %r, %d requests" % (statuses, k))
    check(first_refusal is not None, "the disk never filled (%d requests acknowledged)" % k)

    # Full: reads work, writes keep refusing with 503, snapshots fail cleanly.
    r = harness.http_get(url + "/api/v1/query?query=count(%s)" % METRIC)
    check(r.status == 200, "query on a full disk: %r" % r)
    check_acked(url, base, acked, "disk full")
    before = snapshot_dirs(cairn.data_dir)
    r = snapshot(url)
    log("snapshot on a full disk: %d %s" % (r.status, r.text().strip()[:160]))
    after = snapshot_dirs(cairn.data_dir)
    if r.status != 200:
        check(after == before, "a failed snapshot left %r" % sorted(set(after) - set(before)))
    # (The snapshot's checkpoint may have freed WAL segments: writes can go
    # through again before the filler goes, which is right too.)

    # Space back: the refused requests go through without a restart.
    os.remove(filler)
    t_free = time.time()
    pending = list(failed)
    while pending and time.time() - t_free < 30:
        series = request(base, pending[0])
        r = harness.remote_write(url, series, timeout=30)
        if 200 <= r.status < 300:
            for labels, samples in series:
                for t, bits in samples:
                    acked[(labels[1][1], t)] = bits
            pending.pop(0)
        else:
            check(r.status == 503, "after freeing space a write answered %d" % r.status)
            time.sleep(0.2)
    check(not pending, "writes did not resume within 30 s of freeing space")
    log("writes resumed %.2f s after the filler was deleted" % (time.time() - t_free))
    for j in range(5):  # and new ones
        series = request(base, k + j)
        r = harness.remote_write(url, series, timeout=30)
        check(200 <= r.status < 300, "a new write after recovery answered %d" % r.status)
        for labels, samples in series:
            for t, bits in samples:
                acked[(labels[1][1], t)] = bits
    r = snapshot(url)
    check(r.status == 200, "snapshot after recovery: %d %s" % (r.status, r.text()[:200]))
    check_acked(url, base, acked, "after recovery")
    cairn.stop()
    cairn.start()
    check_acked(cairn.url, base, acked, "after a restart")
    cairn.stop()


if __name__ == "__main__":
    harness.run(main, __doc__)
