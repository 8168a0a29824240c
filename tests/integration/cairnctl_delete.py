#!/usr/bin/env python3
"""Delete frees space: `cairnctl delete`, `clean-tombstones` and `compact`.

Writes --samples samples (remote write 1.0, 2,000 per series every 15 s, so
--samples / 2000 series) into a real cairn, compacts for a baseline, deletes
every other series with `cairnctl delete`, cleans tombstones and compacts
again with `cairnctl compact`: the data directory must shrink by at least
40 %, queries must no longer see the deleted series, and the kept series
must be intact (sample counts through PromQL, exact values of a few series
through remote read). Then, offline: `cairnctl tsdb verify` passes on the
stopped server's data dir, `tsdb inspect` counts the kept samples, and after
one byte of a chunk file is flipped `tsdb verify` exits 1 naming the damage.

The ctest run uses 1M samples (2M took 105 s under ASan on the shared, loaded 2 cores); the
issue's 10M figure comes from running it by hand (bench/README.md):
    python3 tests/integration/cairnctl_delete.py --cairn build/.../cairn \\
        --cairnctl build/.../cairnctl --samples 10000000
"""
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import harness  # noqa: E402
from lib import prom_pb  # noqa: E402
from lib import snappy_block  # noqa: E402
from lib.harness import check, log  # noqa: E402

METRIC = "cairn_delete_test"
PER_SERIES = 2000
STEP_MS = 15_000
SERIES_PER_REQUEST = 50
SPOT_CHECKED = 5


def values_of(i):
    """Series i's values: varied per series so chunks do not compress alike."""
    return [float(((i * 7919 + n * 131) * 2654435761) % 100000) / 8 for n in range(PER_SERIES)]


def labels_of(i):
    return (("__name__", METRIC), ("half", str(i % 2)), ("series", "%06d" % i))


def cairnctl(env, *argv, expect=0):
    cmd = [env.binary("cairnctl")] + list(argv)
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=300,
                       env=dict(os.environ, ASAN_OPTIONS="detect_leaks=0"))
    check(p.returncode == expect, "%s exited %d (want %d)\nstdout: %s\nstderr: %s" % (
        " ".join(cmd), p.returncode, expect, p.stdout[-2000:], p.stderr[-2000:]))
    return p.stdout


def write_all(url, n_series, timestamps):
    body_bytes = 0
    for first in range(0, n_series, SERIES_PER_REQUEST):
        batch = [(labels_of(i), values_of(i)) for i in range(first, min(n_series, first + SERIES_PER_REQUEST))]
        body = snappy_block.compress(prom_pb.encode_write_v1_grid(batch, timestamps))
        body_bytes += len(body)
        r = harness.http_request("POST", url + "/api/v1/write", body, harness.WRITE_HEADERS_V1, timeout=120)
        check(r.status in (200, 204), "remote write: %r" % r)
    return body_bytes


def query(url, expr, t_ms):
    data = harness.api_get(url, "/api/v1/query", {"query": expr, "time": "%.3f" % (t_ms / 1000)})
    return data["result"]


def scalar_of(result):
    check(len(result) == 1, "want one series, got %r" % result[:3])
    return float(result[0]["value"][1])


def main(env):
    env.binary("cairnctl")  # skips (77) when it is not built
    total = int(env.args.samples or 1_000_000)
    n_series = max(2, total // PER_SERIES)
    # Whole minutes, ending a minute ago: inside retention, before "now".
    end = (int(time.time() * 1000) // 60_000 - 1) * 60_000
    start = end - (PER_SERIES - 1) * STEP_MS
    timestamps = [start + k * STEP_MS for k in range(PER_SERIES)]

    cairn = harness.Cairn(env, extra_args=["--web.enable-admin-api"])
    cairn.start()
    url = cairn.url
    t0 = time.time()
    sent = write_all(url, n_series, timestamps)
    wrote_s = time.time() - t0
    log("wrote %d samples in %d series in %.1fs (%.0f samples/s, %d request bytes)" % (
        n_series * PER_SERIES, n_series, wrote_s, n_series * PER_SERIES / wrote_s, sent))

    check(scalar_of(query(url, "count(%s)" % METRIC, end)) == n_series, "series count before delete")
    baseline = json.loads(cairnctl(env, "--url", url, "compact", "--output", "json"))
    before = int(baseline["bytesAfter"])

    out = cairnctl(env, "--url", url, "delete", "--match", '%s{half="0"}' % METRIC)
    deleted = (n_series + 1) // 2
    check(("%d series" % deleted) in out, "delete reports the series it covered: %r" % out)
    kept = n_series - deleted
    # Tombstones already hide the data.
    check(scalar_of(query(url, "count(%s)" % METRIC, end)) == kept, "series count after delete")

    t1 = time.time()
    cairnctl(env, "--url", url, "clean-tombstones")
    clean_s = time.time() - t1
    t2 = time.time()
    compacted = json.loads(cairnctl(env, "--url", url, "compact", "--output", "json"))
    compact_s = time.time() - t2
    after = int(compacted["bytesAfter"])
    fell = 100.0 * (before - after) / before
    log("disk bytes before delete %d, after clean-tombstones + compact %d: %.1f%% less "
        "(clean %.1fs, compact %.1fs)" % (before, after, fell, clean_s, compact_s))
    check(fell >= 40.0, "disk use fell only %.1f%% (%d -> %d bytes)" % (fell, before, after))

    # Deleted data is gone for queries and the index; the rest is intact.
    check(query(url, 'count(%s{half="0"})' % METRIC, end) == [], "deleted series still answer")
    series = harness.api_get(url, "/api/v1/series", {"match[]": '%s{half="0"}' % METRIC,
                                                      "start": "%.3f" % (start / 1000 - 3600),
                                                      "end": "%.3f" % (end / 1000 + 60)})
    check(series == [], "deleted series still in /api/v1/series: %r" % series[:3])
    window = "%ds" % ((end - start) // 1000 + 60)
    counted = scalar_of(query(url, "sum(count_over_time(%s[%s]))" % (METRIC, window), end))
    check(counted == kept * PER_SERIES, "kept samples %d, want %d" % (counted, kept * PER_SERIES))
    for i in range(1, min(n_series, 2 * SPOT_CHECKED), 2):
        got = harness.remote_read(url, [(start - 1, end + 1, [(prom_pb.EQ, "series", "%06d" % i)])])[0]
        check(len(got) == 1, "series %d: %d series read back" % (i, len(got)))
        want = [(t, prom_pb.pb.float_bits(v)) for t, v in zip(timestamps, values_of(i))]
        check(list(got[0][1]) == want, "series %d: samples differ after the clean" % i)
    log("queries: %d deleted series gone, %d kept series with all %d samples" % (
        deleted, kept, kept * PER_SERIES))

    # Offline tools on the stopped server's directory.
    cairn.stop()
    out = cairnctl(env, "tsdb", "verify", cairn.data_dir)
    check("SUCCESS" in out, "tsdb verify on sound data: %r" % out)
    inspect = json.loads(cairnctl(env, "tsdb", "inspect", cairn.data_dir, "--output", "json"))
    check(inspect["series"] == kept, "tsdb inspect series %r, want %d" % (inspect["series"], kept))
    check(inspect["samples_in_chunks"] + inspect["head_samples"] == kept * PER_SERIES,
          "tsdb inspect samples %r" % inspect)
    log("tsdb inspect: %d series, %d samples, %.3f bytes/sample" % (
        inspect["series"], inspect["samples_in_chunks"] + inspect["head_samples"], inspect["bytes_per_sample"]))
    db = os.path.join(cairn.data_dir, "db")
    ssts = [os.path.join(db, f) for f in os.listdir(db) if f.endswith(".sst")]
    biggest = max(ssts, key=os.path.getsize)
    with open(biggest, "r+b") as f:
        f.seek(200)
        b = f.read(1)
        f.seek(200)
        f.write(bytes([b[0] ^ 0x5A]))
    out = cairnctl(env, "tsdb", "verify", cairn.data_dir, expect=1)
    check("DAMAGE" in out and "checksum" in out, "tsdb verify on a flipped byte: %r" % out)
    log("tsdb verify found the flipped byte in %s" % os.path.basename(biggest))


if __name__ == "__main__":
    harness.run(main, __doc__.splitlines()[0],
                extra_args=[("cairnctl", "path to the cairnctl binary"),
                            ("samples", "samples to write (default 1000000)")])
