#!/usr/bin/env python3
"""Dense blocks through remote read: Prometheus 2.42 and the raw protocol.

Cairn takes 20 h of one-minute samples by remote write (oldest first), then a
clean restart compacts the complete 6 h windows into dense blocks
(`cairnctl tsdb inspect` must list some). Remote read must then return every
sample bit for bit — NaN payloads, the stale marker, ±Inf, -0.0, denormals and
huge counters included — as SAMPLES and as STREAMED_XOR_CHUNKS (dense blocks
transcoded to XOR chunks of at most 120 samples), and a Prometheus with
`remote_read` over Cairn must answer a range query across the blocks with the
exact values.
"""
import os
import re
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import harness  # noqa: E402
from lib import prom_pb  # noqa: E402
from lib import protobuf as pb  # noqa: E402
from lib.harness import check, log  # noqa: E402

STEP_MS = 60_000
HOURS = 20
SPECIAL_BITS = [0x7FF8000000000001, 0xFFF8000000000ABC, 0x7FF0000000000002, 0x7FF0000000000000,
                0xFFF0000000000000, 0x8000000000000000, 0x0000000000000001, 0x000FFFFFFFFFFFFF,
                pb.float_bits(1.8e308), pb.float_bits(18446744073709551615.0)]


def value_bits(i):
    if i % 37 == 0:
        return SPECIAL_BITS[(i // 37) % len(SPECIAL_BITS)]
    return pb.float_bits(round(100 + (i % 500) * 0.25 - (i % 7) * 0.01, 2))


def cairnctl(env, *argv):
    out = subprocess.run([env.binary("cairnctl")] + list(argv), capture_output=True, text=True, timeout=120)
    check(out.returncode == 0, "cairnctl %s: exit %d: %s" % (argv[0], out.returncode, out.stderr[-500:]))
    return out.stdout


def main(env):
    env.binary("cairnctl")  # skips (77) when it is not built
    cairn = harness.Cairn(env)
    cairn.start()
    end_ms = int(time.time() * 1000) // STEP_MS * STEP_MS - STEP_MS
    start_ms = end_ms - HOURS * 3600 * 1000
    ts = list(range(start_ms, end_ms + 1, STEP_MS))
    want = [(t, value_bits(i)) for i, t in enumerate(ts)]
    labels = (("__name__", "cairn_dense_gauge"), ("job", "dense"))
    for i in range(0, len(want), 200):
        r = harness.remote_write(cairn.url, [(labels, want[i:i + 200])])
        check(200 <= r.status < 300, "remote write: %r" % r)
    cairn.stop()  # a clean stop compacts the complete windows

    out = cairnctl(env, "tsdb", "inspect", cairn.data_dir)
    dense = sum(int(m.group(1)) for m in re.finditer(r"^chunks_\d{8}\s+\S+\s+\S+\s+\d+\s+\d+\s+(\d+)", out, re.M))
    check(dense >= 2, "tsdb inspect lists %d dense blocks, want >= 2:\n%s" % (dense, out))
    log("%d samples over %d h; %d dense blocks after the clean stop" % (len(want), HOURS, dense))

    cairn.start()
    matchers = [(prom_pb.EQ, "__name__", "cairn_dense_gauge")]
    for kind in (prom_pb.SAMPLES, prom_pb.STREAMED_XOR_CHUNKS):
        got = harness.remote_read(cairn.url, [(start_ms - 1, end_ms + 1, matchers)], response_type=kind)[0]
        check(len(got) == 1, "remote read (%d): %d series" % (kind, len(got)))
        samples = list(got[0][1])
        diff = next((k for k, (g, w) in enumerate(zip(samples, want)) if g != w), None)
        check(samples == want, "remote read (%d): %d samples, want %d; first difference at %r"
              % (kind, len(samples), len(want), diff))
    # A window starting inside a block (4 h after the oldest sample, so its
    # block began more than 2 h before) comes back cut exactly.
    lo, hi = start_ms + 4 * 3600 * 1000 + 30_000, start_ms + 9 * 3600 * 1000
    cut = [s for s in want if lo <= s[0] <= hi]
    got = harness.remote_read(cairn.url, [(lo, hi, matchers)], response_type=prom_pb.STREAMED_XOR_CHUNKS)[0]
    check(list(got[0][1]) == cut, "cut window: %d samples, want %d" % (len(got[0][1]), len(cut)))
    log("remote read: all %d samples bit-exact as SAMPLES and STREAMED_XOR_CHUNKS; cut window %d"
        % (len(want), len(cut)))

    prom = harness.Prometheus(env, """global:
  scrape_interval: 1h
remote_read:
  - url: %s/api/v1/read
    read_recent: true
""" % cairn.url)
    prom.start()
    q_start, q_end = (start_ms + 30 * STEP_MS) // 1000, (start_ms + 14 * 3600 * 1000) // 1000
    d = harness.api_get(prom.url, "/api/v1/query_range",
                        [("query", "cairn_dense_gauge"), ("start", str(q_start)), ("end", str(q_end)),
                         ("step", "600")])
    check(len(d["result"]) == 1, "prometheus range result: %r" % d)
    got_vals = [(int(v[0]), v[1]) for v in d["result"][0]["values"]]
    checked = 0
    for t_s, text in got_vals:
        i = (t_s * 1000 - start_ms) // STEP_MS
        if i % 37 == 0:
            continue  # specials are checked bit for bit above; JSON has no bits
        v = struct.unpack("<d", struct.pack("<Q", value_bits(i)))[0]
        check(float(text) == v, "prometheus at %d: %r, want %r" % (t_s, text, v))
        checked += 1
    check(checked > 50, "prometheus checked only %d values" % checked)
    log("prometheus answered %d checked values across the dense blocks" % checked)
    check(prom.stop() == 0, "prometheus exit code")
    cairn.stop()


if __name__ == "__main__":
    harness.run(main, __doc__.splitlines()[0], extra_args=[("cairnctl", "path to the cairnctl binary")])
