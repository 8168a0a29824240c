#!/usr/bin/env python3
"""cairnctl import/export throughput, with VictoriaMetrics' vmctl side by side.

    bench/run_cairnctl.py build/release                # 2000 series x 1000 samples (2M)
    SERIES=500 POINTS=400 bench/run_cairnctl.py build/release

1. Writes SERIES x POINTS samples as OpenMetrics text (seconds, ms precision,
   the format `promtool tsdb create-blocks-from openmetrics` reads).
2. cairnctl import of that file into a fresh cairn by remote write.
3. cairnctl export of everything back out (remote read, XOR chunks decoded)
   to OpenMetrics text.
4. The same data for VictoriaMetrics: vmctl 1.79 reads Prometheus TSDB blocks
   (it has no text importer), so promtool turns the file into blocks first
   (timed on its own) and `vmctl prometheus` imports them into a fresh
   victoria-metrics.
Prints samples/s of each and the ratios. Needs <build>/server/cairn and
<build>/tools/cairnctl/cairnctl; the VictoriaMetrics side is skipped without
victoria-metrics, vmctl or promtool.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "integration"))
from lib import harness  # noqa: E402


def timed(argv, capture=True, **kw):
    t0 = time.time()
    p = subprocess.run(argv, capture_output=capture, text=True, **kw)
    dt = time.time() - t0
    if p.returncode != 0:
        sys.exit("%s failed (%d): %s" % (" ".join(argv[:3]), p.returncode, ((p.stderr or p.stdout) or "")[-800:]))
    return dt, p


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    build = sys.argv[1]
    series, points = int(os.environ.get("SERIES", 2000)), int(os.environ.get("POINTS", 1000))
    total = series * points
    tmp = tempfile.mkdtemp(prefix="cairnctl-bench-")
    procs = []
    try:
        data = os.path.join(tmp, "data.om")
        start_s = int(time.time()) - points * 15 - 600
        with open(data, "w") as f:
            for s in range(series):
                name = "bench_metric_%d" % (s % 20)
                ls = 'instance="host-%d:9100",job="node",mode="m%d"' % (s, s % 8)
                f.write("".join("%s{%s} %d.%d %d.%03d\n" % (name, ls, s + k, k % 10, start_s + k * 15, s % 1000)
                                for k in range(points)))
            f.write("# EOF\n")
        size = os.path.getsize(data)
        print("data: %d series x %d samples = %d samples, %.1f MB of OpenMetrics text" % (series, points, total, size / 1e6))

        class Args:
            cairn = os.path.join(build, "server", "cairn")
            keep = False
        env = harness.Env(Args)
        env.tmp = tmp
        cairn = harness.Cairn(env)
        cairn.start()
        procs.append(cairn)
        ctl = os.path.join(build, "tools", "cairnctl", "cairnctl")
        imp, _ = timed([ctl, "--url", cairn.url, "import", data, "--batch-size", "20000", "--concurrency", "4"])
        print("cairnctl import:   %.2fs  %10.0f samples/s" % (imp, total / imp))
        out = os.path.join(tmp, "export.om")
        exp, _ = timed([ctl, "--url", cairn.url, "export", "--match", '{__name__=~".+"}', "--start", "0", "--file", out])
        with open(out) as f:
            exported = sum(1 for line in f if not line.startswith("#"))
        if exported != total:
            sys.exit("export wrote %d samples, imported %d" % (exported, total))
        print("cairnctl export:   %.2fs  %10.0f samples/s" % (exp, total / exp))

        vm, vmctl, promtool = (shutil.which(b) for b in ("victoria-metrics", "vmctl", "promtool"))
        if not (vm and vmctl and promtool):
            print("VictoriaMetrics side skipped: victoria-metrics, vmctl or promtool missing")
            return
        blocks = os.path.join(tmp, "blocks")
        blk, _ = timed([promtool, "tsdb", "create-blocks-from", "openmetrics", data, blocks])
        print("promtool create-blocks-from openmetrics: %.2fs  %10.0f samples/s" % (blk, total / blk))
        port = harness.free_port()
        vmp = env.spawn("victoria-metrics", [vm, "-storageDataPath=" + os.path.join(tmp, "vm"),
                                             "-httpListenAddr=127.0.0.1:%d" % port, "-retentionPeriod=100y"])
        procs.append(vmp)
        harness.wait_http_ok("http://127.0.0.1:%d/health" % port, vmp, 60)
        # vmctl insists on a terminal (its progress bars), so it gets a pseudo-terminal.
        master, slave = os.openpty()
        vmi, p = timed([vmctl, "prometheus", "--prom-snapshot", blocks, "--vm-addr", "http://127.0.0.1:%d" % port,
                        "--vm-concurrency", "4", "-s", "--vm-disable-progress-bar"],
                       stdin=slave, stdout=slave, stderr=slave, capture=False)
        os.close(slave)
        os.close(master)
        print("vmctl prometheus (blocks -> VictoriaMetrics): %.2fs  %10.0f samples/s" % (vmi, total / vmi))
        print("ratio cairnctl import / vmctl import: %.2f" % (vmi / imp))
        print("ratio cairnctl import / (promtool blocks + vmctl): %.2f" % ((blk + vmi) / imp))
    finally:
        for p in reversed(procs):
            try:
                p.stop() if hasattr(p, "stop") else None
            except Exception:
                pass
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
