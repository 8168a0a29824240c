#!/usr/bin/env python3
"""Power cut: every acknowledged remote-write sample survives losing power.

Like durability.py (six remote-write writers of distinct samples, special
values included), but instead of `kill -9` the server cuts its own power:
cairn_power_cut_server is cairn on the fault-injecting file system of the
storage tests (tests/storage/fault_fs.h). On SIGUSR1 it stops every write and
sync from reaching the disk, puts every file back to what was fsynced —
unsynced bytes and directory entries gone, as after a real power cut — and
exits. The real cairn binary then restarts on what is left and every
acknowledged sample must read back through remote read, with the same value
bits; anything else read back must be a sample that was sent.

--teeth: the same run with the WAL's syncs made no-ops in the fault file
system; then acknowledged samples must be missing (the test can fail).
"""
import os
import signal
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import harness  # noqa: E402
from lib import prom_pb  # noqa: E402
from lib.harness import check, log  # noqa: E402
import durability  # noqa: E402  (its writers, expected samples and checks)

CUT_AFTER_S = 4.0
CUT_AFTER_ACKED = 300  # requests, whichever comes first


def main(env):
    server = env.args.power_cut_server
    if not server or not os.access(server, os.X_OK):
        log("SKIP: --power-cut-server binary missing (build cairn_power_cut_server)")
        sys.exit(77)
    teeth = bool(env.args.teeth)
    if teeth:
        os.environ["CAIRN_POWER_CUT_IGNORE_SYNCS"] = "/wal/"
    cairn = harness.Cairn(env)
    cairn.binary = server
    cairn.start()
    base = (int(time.time()) - 1800) * 1000
    stop = threading.Event()
    counter = {"n": 0, "lock": threading.Lock()}
    writers = [durability.Writer(cairn.url, base, w, stop, counter) for w in range(durability.WRITERS)]
    t0 = time.time()
    for wr in writers:
        wr.start()
    while time.time() - t0 < CUT_AFTER_S and counter["n"] < CUT_AFTER_ACKED:
        time.sleep(0.02)
    os.kill(cairn.proc.pid, signal.SIGUSR1)
    code = cairn.proc.proc.wait(60)
    cut_at = time.time() - t0
    stop.set()
    for wr in writers:
        wr.join(30)
        check(not wr.is_alive(), "writer %d hung" % wr.w)
    check(code == 0, "the power-cut server exited with %s:\n%s" % (code, cairn.proc.tail()))
    acked_reqs = sum(len(wr.acked) for wr in writers)
    unknown_reqs = sum(len(wr.unknown) for wr in writers)
    log("power cut after %.2fs: %d requests acknowledged, %d in flight/failed" % (cut_at, acked_reqs, unknown_reqs))
    check(acked_reqs > 0, "no request was acknowledged before the cut")
    acked, sent = durability.expected_samples(writers)
    n_acked = sum(len(v) for v in acked.values())

    os.environ.pop("CAIRN_POWER_CUT_IGNORE_SYNCS", None)
    cairn.binary = env.args.cairn
    restart_s = cairn.start()
    log("real cairn restarted on what survived, ready after %.2fs" % restart_s)
    query = [(base - 1000, base + 10 ** 8, [(prom_pb.EQ, "__name__", durability.METRIC)])]
    for kind in (prom_pb.SAMPLES, prom_pb.STREAMED_XOR_CHUNKS):
        name = "SAMPLES" if kind == prom_pb.SAMPLES else "STREAMED_XOR_CHUNKS"
        got = harness.remote_read(cairn.url, query, kind)
        if teeth:
            n_back = sum(len(samples) for _, samples in got.get(0, []))
            log("%s with WAL syncs ignored: acknowledged %d, read back %d" % (name, n_acked, n_back))
            check(n_back < n_acked, "%s: nothing lost although the WAL was never synced" % name)
            continue
        n_back, extra = durability.verify(name, got.get(0, []), acked, sent)
        log("%s: acknowledged %d, read back %d (+%d unacknowledged that landed)" % (name, n_acked, n_back, extra))
        check(n_back == n_acked, "%s: read back %d of %d acknowledged" % (name, n_back, n_acked))
    print("power cut%s: acknowledged %d samples, read back %d" % (" (WAL syncs ignored)" if teeth else "", n_acked, n_back))
    cairn.stop()


if __name__ == "__main__":
    harness.run(main, __doc__, extra_args=[("power-cut-server", "path to cairn_power_cut_server"),
                                           ("teeth", "any value: ignore WAL syncs and expect losses")])
