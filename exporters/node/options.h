// NodeOptions: everything the node exporter's flags configure about what is
// collected and from where. Defaults are those of Debian's
// prometheus-node-exporter 1.5.0 (the reference the differential test runs),
// which differ from upstream 1.5's in two places: the mount points it skips
// (Debian adds run, mnt and media) and netdev skipping "lo".
// Thread-safety: a plain value.
#pragma once

#include <set>
#include <string>
#include <string_view>

namespace cairn::exporters::node {

inline constexpr const char* kDefaultMountPointsExclude =
    "^/(dev|proc|run|sys|mnt|media|var/lib/docker/.+|var/lib/containers/storage/.+)($|/)";
inline constexpr const char* kDefaultFsTypesExclude =
    "^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|iso9660|"
    "mqueue|nsfs|overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|sysfs|tracefs)$";
inline constexpr const char* kDefaultDiskstatsDeviceExclude =
    "^(ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\\d+n\\d+p)\\d+$";
inline constexpr const char* kDefaultNetdevDeviceExclude = "^lo$";
inline constexpr const char* kDefaultVmstatFields = "^(oom_kill|pgpg|pswp|pg.*fault).*";

// Where the host's filesystems are mounted (--path.*). Joined like Go's
// filepath.Join, so "/host/proc" + "stat" is "/host/proc/stat".
struct Paths {
  std::string procfs = "/proc";
  std::string sysfs = "/sys";
  std::string rootfs = "/";
  std::string udev_data = "/run/udev/data";

  std::string Proc(std::string_view rel) const { return Join(procfs, rel); }
  std::string Sys(std::string_view rel) const { return Join(sysfs, rel); }
  std::string Rootfs(std::string_view rel) const { return Join(rootfs, rel); }
  std::string Udev(std::string_view rel) const { return Join(udev_data, rel); }
  // A mount point as the host sees it: --path.rootfs stripped from the front.
  std::string StripRootfs(const std::string& mount_point) const;

  static std::string Join(std::string_view base, std::string_view rel);
};

struct NodeOptions {
  Paths paths;
  // The collectors to run, by upstream name ("cpu", "meminfo", ...).
  std::set<std::string> collectors;

  bool cpu_guest = true;  // node_cpu_guest_seconds_total
  std::string filesystem_mount_points_exclude = kDefaultMountPointsExclude;
  std::string filesystem_fs_types_exclude = kDefaultFsTypesExclude;
  // Include and exclude are mutually exclusive, as upstream; an include given
  // without an explicit exclude replaces the default exclude.
  std::string diskstats_device_exclude = kDefaultDiskstatsDeviceExclude;
  std::string diskstats_device_include;
  std::string netdev_device_exclude = kDefaultNetdevDeviceExclude;
  std::string netdev_device_include;
  // Upstream reads link stats over netlink by default, which adds
  // receive_nohandler; we read the same counter from sysfs. false = the
  // /proc/net/dev-only family set upstream gives with --no-collector.netdev.netlink.
  bool netdev_netlink = true;
  std::string vmstat_fields = kDefaultVmstatFields;
};

}  // namespace cairn::exporters::node
