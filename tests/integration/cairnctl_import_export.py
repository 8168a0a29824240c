#!/usr/bin/env python3
"""cairnctl export/import round trip and import's line handling, on real cairns.

1. Server A holds the ingest bench's data set in the shape its small run
   loads (lib/node_history.py: the same node_exporter-like catalog and
   value kinds; 4 instances x 68 series x 30 min at 15 s = 32 640 samples
   rather than the bench's 2000 series x 1 h, to stay within CI's time), plus
   150 series x 120 samples of edge cases (irregular millisecond timestamps,
   values of every magnitude and sign, +Inf, label values with quotes and
   backslashes, a day-old series written after newer data: old and
   out-of-order samples).
2. `cairnctl export` A to OpenMetrics text and to JSON lines; `cairnctl
   import` each into a fresh server (B, C); every series and every sample
   (value bits) read back through remote read equals A's.
2b. `cairnctl import --data-dir` writes the same export offline into a
   stopped server's data directory, then a series 36 h old whose lines run
   backwards in time (old and out of order); a cairn started on it serves
   every sample identically. A
   directory a running server holds is refused, naming its PID.
3. `export --to-remote-write` copies a selector into a fresh server D.
4. A bad line stops an import with its line number (exit 1); with
   --skip-bad-lines it is reported and the rest lands. CSV with a column
   mapping lands as the API shows it.
5. In a pseudo-terminal the progress bar is drawn and ends at 100 %; SIGINT
   in the middle of an import stops it cleanly (exit 130, "interrupted
   after N of M lines").
"""
import json
import math
import os
import pty
import random
import select
import signal
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import harness  # noqa: E402
from lib import node_history  # noqa: E402
from lib import prom_pb  # noqa: E402
from lib.harness import check, log  # noqa: E402

ENV = dict(os.environ, ASAN_OPTIONS="detect_leaks=0")


def bits(v):
    return struct.unpack("<Q", struct.pack("<d", v))[0]


def cairnctl(env, *args, want=0, stdin=None):
    p = subprocess.run([env.args.cairnctl] + list(args), capture_output=True, text=True, timeout=120, env=ENV,
                       input=stdin)
    check(p.returncode == want, "cairnctl %s: exit %d, want %d\nstdout: %s\nstderr: %s"
          % (" ".join(args), p.returncode, want, p.stdout[:400], p.stderr[-800:]))
    return p


def make_data(now_ms):
    rnd = random.Random(7)
    series = []
    for i in range(150):
        labels = [("__name__", "rt_metric_%d" % (i % 7)), ("instance", "host-%03d:9100" % i),
                  ("job", "node" if i % 2 else "api"), ("path", "/a b/\"q\"\\%d" % (i % 3))]
        t = now_ms - 3_600_000 - rnd.randint(0, 999)
        samples = []
        for k in range(120):
            t += 15_000 + rnd.randint(-500, 500)
            v = rnd.choice([rnd.random() * 10 ** rnd.randint(-9, 12), -rnd.random(), float(k), 1e-7, 0.0])
            samples.append((t, bits(v)))
        if i == 5:
            samples[-1] = (samples[-1][0], bits(float("inf")))
        series.append((labels, samples))
    # Old and out of order: a day back, written after the newer data above.
    old = [(now_ms - 86_400_000 + k * 60_000 + 1, bits(k * 0.5)) for k in range(30)]
    return series, [([("__name__", "rt_old"), ("job", "backfill")], old)]


def write_all(url, series, chunk=50):
    for i in range(0, len(series), chunk):
        r = harness.remote_write(url, series[i:i + chunk])
        check(r.status in (200, 204), "remote write: %r" % r)


def read_everything(url, start_ms, end_ms):
    res = harness.remote_read(url, [(start_ms, end_ms, [(prom_pb.RE, "__name__", ".+")])])
    return {tuple(labels): [(t, b) for t, b in samples] for labels, samples in res[0]}


def compare(name, want, got):
    check(set(want) == set(got), "%s: series differ: missing %s, extra %s"
          % (name, sorted(set(want) - set(got))[:3], sorted(set(got) - set(want))[:3]))
    n = 0
    for k, samples in want.items():
        check(got[k] == samples, "%s: samples of %s differ: %s vs %s" % (name, k, samples[:3], got[k][:3]))
        n += len(samples)
    log("%s: %d series, %d samples identical" % (name, len(want), n))
    return n


def run_pty(argv, interrupt_when=None, timeout=60):
    """Runs argv with stderr/stdout on a pseudo-terminal; returns (exit code, everything drawn).
    With interrupt_when, sends SIGINT once the output drawn so far contains it."""
    master, slave = pty.openpty()
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=slave, stderr=slave, env=ENV, close_fds=True)
    os.close(slave)
    out = b""
    t0 = time.time()
    sent = False
    while True:
        if interrupt_when is not None and not sent and interrupt_when in out:
            p.send_signal(signal.SIGINT)
            sent = True
        r, _, _ = select.select([master], [], [], 0.05)
        if r:
            try:
                data = os.read(master, 65536)
            except OSError:
                data = b""
            if not data and p.poll() is not None:
                break
            out += data
        elif p.poll() is not None:
            break
        check(time.time() - t0 < timeout, "pty run timed out: %r" % out[-300:])
    os.close(master)
    return p.wait(), out.decode("utf-8", "replace")


def main(env):
    servers = {}
    for name in ("a", "b", "c", "d"):
        servers[name] = harness.Cairn(env, name="cairn-" + name)
        servers[name].start()
    a, b, c, d = (servers[k].url for k in "abcd")
    now_ms = int(time.time() * 1000)
    series, old = make_data(now_ms)
    node = node_history.generate(4 * 68, 120, now_ms - 3_600_000)
    write_all(a, node, chunk=40)
    write_all(a, series)
    write_all(a, old)
    start_ms, end_ms = now_ms - 2 * 86_400_000, now_ms + 86_400_000
    want = read_everything(a, start_ms, end_ms)
    check(len(want) == 4 * 68 + 151, "server A holds %d series" % len(want))

    # 2. Round trips through both text formats.
    om, jl = env.path("all.om"), env.path("all.jsonl")
    rng = ["--start", str(start_ms / 1000), "--end", str(end_ms / 1000)]
    t0 = time.time()
    cairnctl(env, "--url", a, "export", "--match", '{__name__=~".+"}', "--file", om, *rng)
    cairnctl(env, "--url", a, "export", "--match", "{job=~\"node|api\"}", "--match", "rt_old", "--format", "jsonl",
             "--file", jl, *rng)
    with open(om) as f:
        text = f.read()
    check(text.endswith("# EOF\n") and 'rt_metric_0{instance="host-000:9100",job="api",path="/a b/\\"q\\"\\\\0"}'
          in text, "export text: %r" % text[:300])
    p = cairnctl(env, "--url", b, "import", om, "--batch-size", "5000", "--concurrency", "3")
    check("import: done, " in p.stderr, "import summary: %r" % p.stderr[-300:])
    cairnctl(env, "--url", c, "import", "--format", "jsonl", jl)
    n = compare("openmetrics round trip", want, read_everything(b, start_ms, end_ms))
    compare("jsonl round trip", want, read_everything(c, start_ms, end_ms))
    log("export + import of %d samples twice took %.1fs" % (n, time.time() - t0))

    # 2b. Offline, into a stopped server's directory; refused while a server runs on it.
    p = cairnctl(env, "import", "--data-dir", servers["b"].data_dir, om, want=1)
    check("is in use by process %d" % servers["b"].proc.pid in p.stderr, "running server's dir: %r" % p.stderr)
    e = harness.Cairn(env, name="cairn-e")
    t0 = time.time()
    p = cairnctl(env, "import", "--data-dir", e.data_dir, om, "--batch-size", "3000")
    check("written to " + e.data_dir in p.stderr, "offline import summary: %r" % p.stderr[-300:])
    ooo = [(now_ms - 36 * 3_600_000 + k * 1_000, bits(k * 0.25)) for k in range(60)]
    text = "".join('rt_ooo{job="backfill"} %r %d.%03d\n' % (k * 0.25, t // 1000, t % 1000)
                   for k, (t, _) in reversed(list(enumerate(ooo))))
    cairnctl(env, "import", "--data-dir", e.data_dir, "--batch-size", "7", "-", stdin=text)
    want_e = dict(want)
    want_e[(("__name__", "rt_ooo"), ("job", "backfill"))] = ooo
    e.start()
    compare("offline import (--data-dir), served by a cairn started on it", want_e,
            read_everything(e.url, start_ms, end_ms))
    log("offline import + start took %.1fs" % (time.time() - t0))
    e.stop()

    # 3. Straight into another server.
    cairnctl(env, "--url", a, "export", "--match", "rt_metric_3", "--to-remote-write", d + "/api/v1/write", *rng)
    got = read_everything(d, start_ms, end_ms)
    compare("export --to-remote-write", {k: v for k, v in want.items() if ("__name__", "rt_metric_3") in k}, got)

    # 4. Bad lines, CSV.
    bad = "ok_a 1 1700000000\nok_b 2 1700000001\nbroken{ 3 1700000002\nok_c 4 1700000003\n"
    p = cairnctl(env, "--url", d, "import", "-", stdin=bad, want=1)
    check("line 3: " in p.stderr and "stopped at line 3" in p.stderr, "fatal bad line: %r" % p.stderr)
    p = cairnctl(env, "--url", d, "import", "--skip-bad-lines", "-", stdin=bad)
    check("skipped line 3: " in p.stderr and "1 bad lines skipped" in p.stderr, "skipped bad line: %r" % p.stderr)
    data = harness.api_get(d, "/api/v1/query", [("query", "ok_c"), ("time", "1700000003")])
    check(data["result"] and data["result"][0]["value"] == [1700000003, "4"], "ok_c after the bad line: %s" % data)
    csv = "web-1,0.25,100,2026-01-02T03:04:05Z\nweb-2,0.75,,2026-01-02T03:04:05Z\n"
    cairnctl(env, "--url", d, "import", "--format", "csv", "--csv-columns",
             "1:label:host,2:metric:cpu_ratio,3:metric:mem_bytes,4:time:rfc3339", "-", stdin=csv)
    data = harness.api_get(d, "/api/v1/query", [("query", "cpu_ratio"), ("time", "2026-01-02T03:04:05Z")])
    got = sorted((r["metric"]["host"], r["value"][1]) for r in data["result"])
    check(got == [("web-1", "0.25"), ("web-2", "0.75")], "csv import: %s" % data)
    data = harness.api_get(d, "/api/v1/query", [("query", "mem_bytes"), ("time", "2026-01-02T03:04:05Z")])
    check(len(data["result"]) == 1, "empty csv cell is no sample: %s" % data)
    cairnctl(env, "--url", d, "import", "--format", "csv", "--csv-columns", "1:metric:x", "-", stdin="", want=2)

    # 5. The progress bar on a terminal, and Ctrl-C.
    big = env.path("big.om")
    with open(big, "w") as f:
        for i in range(100_000):
            f.write('pty_metric{i="%d"} %d %d.%03d\n' % (i % 1000, i, 1_700_000_000 + i // 1000, i % 1000))
    code, drawn = run_pty([env.args.cairnctl, "--url", servers["b"].url, "import", big, "--batch-size", "2000"])
    check(code == 0, "pty import exit %d: %r" % (code, drawn[-500:]))
    check(drawn.count("\r") >= 2 and "import [" in drawn and "lines/s" in drawn, "no bar drawn: %r" % drawn[:300])
    check("[####################] 100% 100000/100000 lines" in drawn, "bar does not end at 100%%: %r" % drawn[-400:])
    code, drawn = run_pty([env.args.cairnctl, "--url", servers["c"].url, "import", big, "--batch-size", "200",
                           "--concurrency", "1"], interrupt_when=b"import [")
    check(code == 130, "SIGINT exit %d: %r" % (code, drawn[-500:]))
    check("import: interrupted after " in drawn and " of 100000 lines (" in drawn, "interrupt report: %r" % drawn[-400:])
    log("progress bar drawn to 100%%; Ctrl-C said: %s" % [ln for ln in drawn.splitlines() if "interrupted" in ln][-1]
        .split("\r")[-1].strip())


if __name__ == "__main__":
    harness.run(main, __doc__, extra_args=[("cairnctl", "path to the cairnctl binary")])
