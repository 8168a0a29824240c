#!/usr/bin/env python3
"""cairn-node-exporter against Debian's prometheus-node-exporter 1.5.0 on this machine.

Both exporters read this machine's /proc and /sys, on 127.0.0.1 with free ports.
Upstream runs with --collector.disable-defaults and exactly the collectors Cairn's
implements (cpu diskstats filesystem loadavg meminfo netdev pressure stat time
uname vmstat); Cairn's runs with its defaults, which are those eleven.

Checked:
  - lib/exporter_diff's differential: for each family both export, type, label
    names, series and stable values; the families the seed's rules and dashboards
    read (deploy/rules/resources.yml) present; `promtool check metrics` finds
    nothing in Cairn's output it does not find in upstream's;
  - values that do not move, compared exactly: boot time, memory totals,
    filesystem sizes and inode totals, uname, the CPU count, disk and network
    device sets, clock sources, per-collector success;
  - push mode into a real cairn: the seed's families arrive by remote write, the
    boot time with the value scraped;
  - a bad --path.procfs: the exporter still answers, the /proc collectors report
    node_scrape_collector_success 0, uname (a syscall) still 1.
Prints `exporter differential node: N families agree, M differ, K only upstream`.
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import exporter_diff, harness  # noqa: E402
from lib.harness import check, log  # noqa: E402

COLLECTORS = ["cpu", "diskstats", "filesystem", "loadavg", "meminfo", "netdev", "pressure", "stat",
              "time", "uname", "vmstat"]
PROC_COLLECTORS = ["cpu", "diskstats", "filesystem", "loadavg", "meminfo", "netdev", "stat", "vmstat"]

# What deploy/rules/resources.yml (the seed's alerts and System Overview panels) reads.
REQUIRED = ["node_cpu_seconds_total", "node_memory_MemAvailable_bytes", "node_memory_MemTotal_bytes",
            "node_filesystem_avail_bytes", "node_filesystem_size_bytes"]

# Families whose every series must carry the same value on both sides (read once
# each, a moment apart): they do not move while the machine runs.
EXACT = ["node_boot_time_seconds", "node_memory_MemTotal_bytes", "node_memory_SwapTotal_bytes",
         "node_memory_Hugepagesize_bytes", "node_filesystem_size_bytes", "node_filesystem_files",
         "node_filesystem_readonly", "node_filesystem_device_error", "node_uname_info", "node_disk_info",
         "node_time_clocksource_available_info", "node_time_clocksource_current_info",
         "node_scrape_collector_success", "node_time_zone_offset_seconds"]

# Counters and gauges that move between scrapes: Cairn's value must lie between
# two upstream scrapes taken before and after it.
STABLE_BETWEEN = ["node_cpu_seconds_total", "node_context_switches_total", "node_forks_total",
                  "node_intr_total", "node_network_receive_bytes_total", "node_network_transmit_bytes_total",
                  "node_disk_reads_completed_total", "node_disk_writes_completed_total",
                  "node_pressure_cpu_waiting_seconds_total", "node_vmstat_pgfault"]

# Differences that are the machine moving, not the exporter: values that change
# between any two reads even when equal in two upstream scrapes a moment apart.
ALLOW = {
    "node_scrape_collector_duration_seconds": "how long each collector took: two programs, two timings",
    "node_time_seconds": "the clock moves between the scrapes",
    "node_memory_MemFree_bytes": "free memory moves between reads",
    "node_memory_MemAvailable_bytes": "available memory moves between reads",
    "node_memory_Active_bytes": "page lists move between reads",
    "node_memory_Active_anon_bytes": "page lists move between reads",
    "node_memory_Active_file_bytes": "page lists move between reads",
    "node_memory_Inactive_bytes": "page lists move between reads",
    "node_memory_Inactive_anon_bytes": "page lists move between reads",
    "node_memory_Inactive_file_bytes": "page lists move between reads",
    "node_memory_AnonPages_bytes": "page lists move between reads",
    "node_memory_Cached_bytes": "page cache moves between reads",
    "node_memory_Committed_AS_bytes": "each exporter's own allocations count",
    "node_memory_Dirty_bytes": "writeback moves between reads",
    "node_memory_Mapped_bytes": "each exporter's own mappings count",
    "node_memory_PageTables_bytes": "each exporter's own page tables count",
    "node_memory_KernelStack_bytes": "threads come and go",
    "node_memory_Slab_bytes": "kernel slabs move between reads",
    "node_memory_SReclaimable_bytes": "kernel slabs move between reads",
    "node_memory_SUnreclaim_bytes": "kernel slabs move between reads",
    "node_memory_KReclaimable_bytes": "kernel slabs move between reads",
    "node_memory_Percpu_bytes": "per-CPU allocations move between reads",
    "node_memory_VmallocUsed_bytes": "vmalloc use moves between reads",
    "node_memory_Shmem_bytes": "shared memory moves between reads",
    "node_memory_Buffers_bytes": "buffers move between reads",
    "node_memory_Writeback_bytes": "writeback moves between reads",
    "node_load1": "load moves between reads",
    "node_load5": "load moves between reads",
    "node_load15": "load moves between reads",
    "node_procs_running": "the scraping exporter itself is running",
    "node_procs_blocked": "moves between reads",
    "node_filesystem_free_bytes": "other tests write to the disk",
    "node_filesystem_avail_bytes": "other tests write to the disk",
    "node_filesystem_files_free": "other tests create files",
    "node_disk_io_now": "I/O in flight moves between reads",
}


def series(fams, name):
    fam = fams.get(name)
    return fam.series() if fam else {}


def start_pair(env, procfs=None):
    up_port, cairn_port = harness.free_port(), harness.free_port()
    upstream = env.spawn("node_exporter_upstream",
                         [env.binary("prometheus-node-exporter"), "--web.listen-address=127.0.0.1:%d" % up_port,
                          "--collector.disable-defaults"] + ["--collector." + c for c in COLLECTORS])
    args = [env.args.exporter, "--web.listen-address=127.0.0.1:%d" % cairn_port]
    if procfs:
        args.append("--path.procfs=" + procfs)
    cairn = env.spawn("cairn_node_exporter", args)
    up_url = "http://127.0.0.1:%d/metrics" % up_port
    cairn_url = "http://127.0.0.1:%d/metrics" % cairn_port
    harness.wait_http_ok(up_url, upstream, timeout=30)
    harness.wait_http_ok(cairn_url, cairn, timeout=30)
    return upstream, cairn, up_url, cairn_url


def check_exact(up, ours):
    agree = 0
    for name in EXACT:
        su, so = series(up, name), series(ours, name)
        if not su:
            continue  # e.g. no clock sources in a container
        check(su == so, "%s: upstream %s, cairn %s" % (name, sorted(su.items())[:4], sorted(so.items())[:4]))
        agree += 1
    for name in ("node_cpu_seconds_total", "node_network_receive_bytes_total", "node_disk_read_bytes_total"):
        key = {"node_cpu_seconds_total": "cpu"}.get(name, "device")
        vu = {dict(labels).get(key) for (_, labels) in series(up, name)}
        vo = {dict(labels).get(key) for (_, labels) in series(ours, name)}
        check(vu == vo, "%s: %s values upstream %s, cairn %s" % (name, key, sorted(vu), sorted(vo)))
    cpus = len({dict(l)["cpu"] for (_, l) in series(ours, "node_cpu_seconds_total")})
    check(cpus == os.cpu_count(), "cairn reports %d CPUs, os.cpu_count() %d" % (cpus, os.cpu_count()))
    log("exact values: %d families equal; %d CPUs" % (agree, cpus))


def check_push(env, exporter, boot_time):
    server = harness.Cairn(env)
    server.start()
    pusher = env.spawn("cairn_node_exporter_push",
                       [exporter, "--web.listen-address=127.0.0.1:%d" % harness.free_port(),
                        "--push.url=%s/api/v1/write" % server.url, "--push.interval=1s",
                        "--push.job=node-push", "--push.instance=host-1:9100"],
                       env=dict(os.environ, ASAN_OPTIONS="detect_leaks=0"))
    deadline = time.time() + 30
    result = []
    while time.time() < deadline and not result:
        check(pusher.alive(), "the pushing exporter exited")
        result = harness.api_get(server.url, "/api/v1/query",
                                 {"query": 'node_boot_time_seconds{job="node-push",instance="host-1:9100"}'})["result"]
        if not result:
            time.sleep(0.5)
    check(result, "pushed node_boot_time_seconds never arrived in cairn")
    check(float(result[0]["value"][1]) == list(boot_time.values())[0],
          "pushed boot time %r, scraped %r" % (result, boot_time))
    names = harness.api_get(server.url, "/api/v1/label/__name__/values", {})
    for fam in REQUIRED:
        check(fam in names, "pushed family %s not in cairn" % fam)
    log("push: %d series names in cairn, node_boot_time_seconds=%s" % (len(names), result[0]["value"][1]))
    pusher.stop()
    server.stop()


def main(env):
    exporter = env.args.exporter
    check(exporter and os.access(exporter, os.X_OK), "--node-exporter: cairn-node-exporter binary missing")
    upstream, cairn, up_url, cairn_url = start_pair(env)

    result = exporter_diff.run_differential("node", up_url, cairn_url, required=REQUIRED,
                                            stable=STABLE_BETWEEN, allow=ALLOW, promtool=env.binary("promtool"))
    check(not result.only_cairn, "families only Cairn exports: %s" % result.only_cairn)

    up = exporter_diff.parse_text(exporter_diff.scrape(up_url))
    ours = exporter_diff.parse_text(exporter_diff.scrape(cairn_url))
    check_exact(up, ours)
    upstream.stop()
    cairn.stop()
    check_push(env, exporter, series(ours, "node_boot_time_seconds"))

    # A procfs that is not there: the exporter answers, the /proc collectors fail.
    bad = env.path("no-proc")
    os.makedirs(bad)
    port = harness.free_port()
    broken = env.spawn("cairn_node_exporter_bad_procfs",
                       [exporter, "--web.listen-address=127.0.0.1:%d" % port, "--path.procfs=" + bad])
    url = "http://127.0.0.1:%d/metrics" % port
    harness.wait_http_ok(url, broken, timeout=30)
    fams = exporter_diff.parse_text(exporter_diff.scrape(url))
    success = {dict(l)["collector"]: v for (_, l), v in series(fams, "node_scrape_collector_success").items()}
    for c in PROC_COLLECTORS + ["pressure"]:
        check(success.get(c) == 0, "with an empty procfs, %s success %r" % (c, success.get(c)))
    check(success.get("uname") == 1, "uname success %r" % success.get("uname"))
    check(broken.alive(), "exporter died on an empty procfs")
    log("empty procfs: %d collectors report failure, the exporter answers" % sum(1 for v in success.values() if v == 0))


if __name__ == "__main__":
    harness.run(main, __doc__, extra_args=[("exporter", "path to cairn-node-exporter"),
                                           ("promtool", "path to promtool")])
