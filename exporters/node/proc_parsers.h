// Pure parsers for the /proc and /sys files the node exporter reads. Each takes
// the whole file as text (read with one read by file_reader.h) and returns plain
// structs; none touches the filesystem, so they are unit-tested on fixtures in
// tests/exporters/node/testdata and fuzzed by tests/fuzz/exporters_node_proc_fuzz.
// Behaviour follows prometheus/procfs and node_exporter 1.5's own parsers:
// what they reject we reject (as an error, where Go would sometimes panic),
// what they skip we skip.
// Thread-safety: pure functions.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/status.h"

namespace cairn::exporters::node {

// /proc/stat: one "cpuN" line per CPU (seconds, ticks divided by USER_HZ=100)
// and the system-wide counters. Lines that are absent leave zeros.
struct CpuTimes {
  int64_t cpu = 0;  // N of "cpuN"
  double user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0,
         guest = 0, guest_nice = 0;
};
struct ProcStat {
  std::vector<CpuTimes> cpus;  // in file order; the aggregate "cpu" line is not kept
  uint64_t boot_time = 0, intr = 0, context_switches = 0, forks = 0, procs_running = 0,
           procs_blocked = 0;
};
Result<ProcStat> ParseProcStat(std::string_view text);

// /proc/meminfo as node_exporter names it: "Active(anon):  12 kB" becomes
// {"Active_anon_bytes", 12288}; a line without a unit keeps its bare name
// ("HugePages_Total"). A repeated key keeps its last value (upstream's map).
struct MeminfoField {
  std::string name;
  double value = 0;
};
Result<std::vector<MeminfoField>> ParseMeminfo(std::string_view text);

// /proc/loadavg: the 1, 5 and 15 minute load averages.
Result<std::array<double, 3>> ParseLoadavg(std::string_view text);

// /proc/1/mounts (or /proc/mounts): device, mount point (with fstab(5)'s \040
// and \011 unescaped, as upstream), fs type and options of each line.
struct MountEntry {
  std::string device, mount_point, fs_type, options;
};
Result<std::vector<MountEntry>> ParseMounts(std::string_view text);

// /proc/diskstats: major, minor, name and up to 17 counters. `stat_count` is
// how many counters the kernel printed (11 before 4.18, 15 up to 5.4, 17 on
// newer); lines with fewer than 11 are dropped, as procfs drops them.
struct DiskStats {
  uint32_t major = 0, minor = 0;
  std::string device;
  std::array<uint64_t, 17> stats{};
  int stat_count = 0;
};
Result<std::vector<DiskStats>> ParseDiskstats(std::string_view text);

// /proc/net/dev after its two header lines: device name and its 16 counters in
// the file's order (receive bytes packets errs drop fifo frame compressed
// multicast, transmit bytes packets errs drop fifo colls carrier compressed).
struct NetDevStats {
  std::string device;
  std::array<uint64_t, 16> stats{};
};
Result<std::vector<NetDevStats>> ParseNetDev(std::string_view text);

// /proc/vmstat: "name value" pairs in file order.
struct VmstatField {
  std::string name;
  double value = 0;
};
Result<std::vector<VmstatField>> ParseVmstat(std::string_view text);

// /proc/pressure/{cpu,io,memory}: the "some" and "full" lines (either may be
// missing: cpu has no "full" before Linux 5.13). Unknown lines are skipped.
struct PressureLine {
  double avg10 = 0, avg60 = 0, avg300 = 0;
  uint64_t total_us = 0;  // microseconds stalled since boot
};
struct Pressure {
  std::optional<PressureLine> some, full;
};
Result<Pressure> ParsePressure(std::string_view text);

// A udev data file (/run/udev/data/b<major>:<minor>): its "E:KEY=value"
// device properties, in file order.
std::vector<std::pair<std::string, std::string>> ParseUdevProperties(std::string_view text);

// Whitespace-separated words of a one-line sysfs file such as
// available_clocksource ("tsc hpet acpi_pm\n").
std::vector<std::string> SplitWords(std::string_view text);

}  // namespace cairn::exporters::node
