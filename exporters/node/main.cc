// cairn-node-exporter: node_exporter 1.5's cpu, diskstats, filesystem,
// loadavg, meminfo, netdev, pressure, stat, time, uname and vmstat collectors
// with upstream's metric names and flags (docs/exporters.md).
#include <cstdio>
#include <map>
#include <memory>
#include <string>

#include "exporters/common/exporter.h"
#include "exporters/node/collector.h"
#include "exporters/node/node_collector.h"
#include "exporters/node/options.h"

namespace {

using cairn::exporters::node::NodeOptions;

// node_exporter 1.5's version collector labels (prometheus/common's
// NewCollector of that era: no "tags").
cairn::exporters::BuildInfo NodeBuildInfo() {
  return {"node_exporter_build_info",
          "A metric with a constant '1' value labeled by version, revision, branch, goversion from which "
          "node_exporter was built, and the goos and goarch for the build.",
          {{"branch", ""},
           {"goarch", cairn::exporters::GoArch()},
           {"goos", "linux"},
           {"goversion", cairn::exporters::CompilerVersion()},
           {"revision", ""},
           {"version", cairn::exporters::CairnVersion()}}};
}

}  // namespace

int main(int argc, char** argv) {
  using cairn::exporters::Exporter;
  Exporter exporter({.name = "node_exporter",
                     .title = "Node Exporter",
                     .description = "Prometheus exporter for machine metrics (Cairn)",
                     .default_listen_address = ":9100",
                     .build_info = NodeBuildInfo()});
  CLI::App& flags = exporter.flags();
  NodeOptions o;

  flags.add_option("--path.procfs", o.paths.procfs, "procfs mountpoint.")->capture_default_str();
  flags.add_option("--path.sysfs", o.paths.sysfs, "sysfs mountpoint.")->capture_default_str();
  flags.add_option("--path.rootfs", o.paths.rootfs, "rootfs mountpoint.")->capture_default_str();
  flags.add_option("--path.udev.data", o.paths.udev_data, "udev data path.")->capture_default_str();

  // --collector.<name> / --no-collector.<name>; every collector is on by
  // default, and --collector.disable-defaults turns off those not named.
  std::map<std::string, bool> enabled;
  std::map<std::string, CLI::Option*> enable_flags;
  for (std::string_view name : cairn::exporters::node::CollectorNames()) {
    std::string n(name);
    enabled[n] = true;
    enable_flags[n] = flags.add_flag("--collector." + n + ",!--no-collector." + n, enabled[n],
                                     "Enable the " + n + " collector (default: enabled).");
  }
  bool disable_defaults = false;
  flags.add_flag("--collector.disable-defaults", disable_defaults, "Set all collectors to disabled by default.");

  flags.add_flag("--collector.cpu.guest,!--no-collector.cpu.guest", o.cpu_guest,
                 "Enables metric node_cpu_guest_seconds_total");
  flags.add_option("--collector.filesystem.mount-points-exclude", o.filesystem_mount_points_exclude,
                   "Regexp of mount points to exclude for filesystem collector.")
      ->capture_default_str();
  flags.add_option("--collector.filesystem.fs-types-exclude", o.filesystem_fs_types_exclude,
                   "Regexp of filesystem types to exclude for filesystem collector.")
      ->capture_default_str();
  auto* disk_exclude = flags.add_option("--collector.diskstats.device-exclude", o.diskstats_device_exclude,
                                        "Regexp of diskstats devices to exclude (mutually exclusive to device-include).")
                           ->capture_default_str();
  flags.add_option("--collector.diskstats.device-include", o.diskstats_device_include,
                   "Regexp of diskstats devices to include (mutually exclusive to device-exclude).");
  auto* net_exclude = flags.add_option("--collector.netdev.device-exclude", o.netdev_device_exclude,
                                       "Regexp of net devices to exclude (mutually exclusive to device-include).")
                          ->capture_default_str();
  flags.add_option("--collector.netdev.device-include", o.netdev_device_include,
                   "Regexp of net devices to include (mutually exclusive to device-exclude).");
  flags.add_flag("--collector.netdev.netlink,!--no-collector.netdev.netlink", o.netdev_netlink,
                 "Use netlink to gather stats instead of /proc/net/dev.");
  flags.add_option("--collector.vmstat.fields", o.vmstat_fields, "Regexp of fields to return for vmstat collector.")
      ->capture_default_str();

  if (auto exit_code = exporter.ParseFlags(argc, argv)) return *exit_code;

  // An include pattern replaces a default exclude; both given explicitly is
  // the error upstream gives.
  if (!o.diskstats_device_include.empty() && disk_exclude->count() == 0) o.diskstats_device_exclude.clear();
  if (!o.netdev_device_include.empty() && net_exclude->count() == 0) o.netdev_device_exclude.clear();
  for (const auto& [name, on] : enabled) {
    bool forced = enable_flags[name]->count() > 0;
    if (on && (forced || !disable_defaults)) o.collectors.insert(name);
  }

  auto collector = cairn::exporters::node::NodeCollector::Make(o);
  if (!collector.ok()) {
    std::fprintf(stderr, "node_exporter: %s\n", collector.status().ToString().c_str());
    return 1;
  }
  std::shared_ptr<cairn::exporters::node::NodeCollector> shared(std::move(collector).value());
  exporter.AddCollector(shared);
  return exporter.Run();
}
