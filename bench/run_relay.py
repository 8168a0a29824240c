#!/usr/bin/env python3
"""Relay bench: samples remote-written into a relay and forwarded to VictoriaMetrics.

    bench/run_relay.py build/release                       # 10,000 series x 2 h at 15 s (4.8M samples)
    bench/run_relay.py build/release --series 2000 --hours 1
    bench/run_relay.py build/release --relays cairn,vmagent

One VictoriaMetrics (Debian's victoria-metrics) is the receiver for every run. Each relay in turn
gets a fresh data dir, then cairn-ingest-bench (bench/ingest/) remote-writes the same generated
node_exporter-like history into it; the run ends when VictoriaMetrics has inserted every sample
(its own counter vm_rows_inserted_total{type="promremotewrite"}, read before and after). The relays:
  - cairn-store:  Cairn with no remote_write: what ingesting and storing the stream costs alone;
  - cairn:        Cairn storing the stream and forwarding it (remote_write from its WAL);
  - cairn-agent:  Cairn in agent mode (--agent), when the binary has it: WAL only, then forwarded;
  - vmagent:      Debian's vmagent relaying the same stream (-remoteWrite.url).
For each: the relay's CPU seconds (utime+stime from /proc) from the first request until the
receiver has everything, per million samples, and its peak RSS. Cairn's forwarding cost is
`cairn` minus `cairn-store`. Prints the ratios to vmagent last.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from procstat import cpu_seconds, free_port, get, hwm_bytes, metric_sum, stop, wait_ready  # noqa: E402

VM_ROWS = 'vm_rows_inserted_total{type="promremotewrite"}'


def vm_rows(base):
    for line in get(base + "/metrics").splitlines():
        if line.startswith(VM_ROWS + " "):
            return int(float(line.rsplit(" ", 1)[1]))
    return 0


def cairn_config(path, vm_url, forward):
    with open(path, "w") as f:
        f.write("global:\n  scrape_interval: 15s\n")
        if forward:
            f.write("remote_write:\n  - url: %s/api/v1/write\n    name: vm\n" % vm_url)


def agent_supported(cairn):
    out = subprocess.run([cairn, "--help"], capture_output=True, text=True)
    return "--agent" in (out.stdout + out.stderr)


def relay_argv(name, bins, work, port, vm_url):
    data = os.path.join(work, name + "-data")
    listen = "127.0.0.1:%d" % port
    if name == "vmagent":
        return [bins["vmagent"], "-httpListenAddr=" + listen, "-remoteWrite.url=%s/api/v1/write" % vm_url,
                "-remoteWrite.tmpDataPath=" + data, "-loggerLevel=ERROR"], "/api/v1/write", "/-/healthy"
    cfg = os.path.join(work, name + ".yml")
    cairn_config(cfg, vm_url, forward=name != "cairn-store")
    argv = [bins["cairn"], "--config.file=" + cfg, "--storage.tsdb.path=" + data, "--web.listen-address=" + listen]
    if name == "cairn-agent":
        argv = [bins["cairn"], "--agent", "--config.file=" + cfg, "--storage.agent.path=" + data,
                "--web.listen-address=" + listen]
    return argv, "/api/v1/write", "/-/ready"


def run_relay(name, bins, work, vm_base, args, expected):
    port = free_port()
    argv, write_path, ready_path = relay_argv(name, bins, work, port, vm_base)
    base = "http://127.0.0.1:%d" % port
    log = open(os.path.join(work, name + ".log"), "wb")
    proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        wait_ready(base, proc, path=ready_path)
        rows0 = vm_rows(vm_base)
        cpu0, t0 = cpu_seconds(proc.pid), time.time()
        drv = subprocess.run([bins["driver"], "--url=" + base + write_path, "--series=%d" % args.series,
                              "--hours=%g" % args.hours, "--start-ms=%d" % args.start_ms, "--quiet"],
                             capture_output=True, text=True)
        if drv.returncode != 0:
            raise RuntimeError("%s: driver failed: %s" % (name, (drv.stderr or drv.stdout)[-600:]))
        ingest_s = time.time() - t0
        forwarded = 0
        if name != "cairn-store":
            deadline = time.time() + args.timeout
            while True:
                forwarded = vm_rows(vm_base) - rows0
                if forwarded >= expected:
                    break
                if time.time() > deadline:
                    raise RuntimeError("%s: receiver has %d of %d samples after %ds" % (
                        name, forwarded, expected, args.timeout))
                time.sleep(0.2)
        cpu = cpu_seconds(proc.pid) - cpu0
        wall = time.time() - t0
        sent = metric_sum(base, "prometheus_remote_storage_samples_total") if name.startswith("cairn") else None
        return {"name": name, "cpu_s": cpu, "wall_s": wall, "ingest_s": ingest_s, "forwarded": forwarded,
                "hwm": hwm_bytes(proc.pid), "sent": sent}
    finally:
        stop(proc)
        log.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("build")
    ap.add_argument("--series", type=int, default=10000)
    ap.add_argument("--hours", type=float, default=2)
    ap.add_argument("--relays", default="cairn-store,cairn,cairn-agent,vmagent")
    ap.add_argument("--timeout", type=int, default=600, help="seconds to wait for the receiver")
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    bins = {"cairn": os.path.join(args.build, "server", "cairn"),
            "driver": os.path.join(args.build, "bench", "cairn-ingest-bench"),
            "vmagent": shutil.which("vmagent"), "vm": shutil.which("victoria-metrics")}
    for need in ("cairn", "driver", "vm"):
        if not bins[need] or not os.access(bins[need], os.X_OK):
            sys.exit("missing %s (%s)" % (need, bins[need]))
    now_ms = int(time.time() * 1000)
    args.start_ms = now_ms - int(args.hours * 3600 * 1000) - 60000
    expected = args.series * int(args.hours * 3600 // 15)
    work = tempfile.mkdtemp(prefix="relay-bench-")
    vm_port = free_port()
    vm_base = "http://127.0.0.1:%d" % vm_port
    vm_log = open(os.path.join(work, "vm.log"), "wb")
    vm = subprocess.Popen([bins["vm"], "-storageDataPath=" + os.path.join(work, "vm-data"),
                           "-httpListenAddr=127.0.0.1:%d" % vm_port, "-retentionPeriod=1y", "-loggerLevel=ERROR"],
                          stdout=vm_log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    results = []
    try:
        wait_ready(vm_base, vm, path="/health")
        print("%d series x %g h at 15 s = %d samples per relay, forwarded to victoria-metrics" % (
            args.series, args.hours, expected), flush=True)
        for name in args.relays.split(","):
            if name == "vmagent" and not bins["vmagent"]:
                print("vmagent: not installed, skipped", flush=True)
                continue
            if name == "cairn-agent" and not agent_supported(bins["cairn"]):
                print("cairn-agent: this cairn has no --agent, skipped", flush=True)
                continue
            r = run_relay(name, bins, work, vm_base, args, expected)
            results.append(r)
            print("%-12s %6.1f CPU s  %7.3f CPU s per million samples  peak RSS %6.1f MiB  "
                  "ingest %.1f s, all forwarded after %.1f s (%d at the receiver%s)" % (
                      name, r["cpu_s"], r["cpu_s"] / expected * 1e6, r["hwm"] / 2**20, r["ingest_s"], r["wall_s"],
                      r["forwarded"], "" if r["sent"] is None else ", %d sent" % r["sent"]), flush=True)
    finally:
        stop(vm)
        vm_log.close()
        if args.keep:
            print("kept", work)
        else:
            shutil.rmtree(work, ignore_errors=True)
    by = {r["name"]: r for r in results}
    if "vmagent" in by:
        va = by["vmagent"]["cpu_s"]
        for name in ("cairn", "cairn-agent"):
            if name in by:
                print("ratio %s / vmagent CPU: %.2f" % (name, by[name]["cpu_s"] / va))
        if "cairn" in by and "cairn-store" in by:
            fwd = by["cairn"]["cpu_s"] - by["cairn-store"]["cpu_s"]
            print("cairn forwarding alone (cairn - cairn-store): %.1f CPU s, %.3f per million; ratio to vmagent %.2f"
                  % (fwd, fwd / expected * 1e6, fwd / va))


if __name__ == "__main__":
    main()
