// filesystem: statfs(2) of each mount in /proc/1/mounts (falling back to
// /proc/mounts when PID 1's is hidden), minus the mount points and fs types
// the exclude flags match. A mount whose statfs fails reports only
// node_filesystem_device_error 1, as upstream.
//
// Not done as upstream: the 5 s "stuck mount" watchdog (a hung NFS statfs
// blocks this scrape instead of being skipped on later scrapes). Also, the
// same (device, mountpoint, fstype) seen twice is reported once even when its
// options differ, where upstream's dedup key includes the options and could
// print a duplicate series.
#include <sys/statfs.h>

#include <memory>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "exporters/node/collector.h"
#include "exporters/node/device_filter.h"
#include "exporters/node/file_reader.h"
#include "exporters/node/proc_parsers.h"

namespace cairn::exporters::node {
namespace {

struct FsStats {
  std::string device, mount_point, fs_type;
  bool device_error = false;
  double size = 0, free = 0, avail = 0, files = 0, files_free = 0, readonly = 0;
};

bool HasOption(std::string_view options, std::string_view opt) {
  size_t start = 0;
  while (start <= options.size()) {
    size_t comma = options.find(',', start);
    if (comma == std::string_view::npos) comma = options.size();
    if (options.substr(start, comma - start) == opt) return true;
    start = comma + 1;
  }
  return false;
}

class FilesystemCollector final : public Collector {
 public:
  FilesystemCollector(const NodeOptions& o, std::shared_ptr<const RE2> mount_points,
                      std::shared_ptr<const RE2> fs_types)
      : paths_(o.paths), mount_points_(std::move(mount_points)), fs_types_(std::move(fs_types)) {}

  Status Update(MetricSink& sink) override {
    Status s = ReadFileInto(paths_.Proc("1/mounts"), buf_);
    if (s.code() == StatusCode::kNotFound) s = ReadFileInto(paths_.Proc("mounts"), buf_);
    CAIRN_RETURN_IF_ERROR(s);
    auto mounts = ParseMounts(buf_);
    if (!mounts.ok()) return mounts.status();

    std::vector<FsStats> stats;
    std::set<std::tuple<std::string, std::string, std::string>> seen;
    for (MountEntry& m : *mounts) {
      std::string mount_point = paths_.StripRootfs(m.mount_point);
      if (Matches(*mount_points_, mount_point) || Matches(*fs_types_, m.fs_type)) continue;
      if (!seen.emplace(m.device, mount_point, m.fs_type).second) continue;
      FsStats st{m.device, mount_point, m.fs_type};
      struct statfs buf {};
      if (::statfs(paths_.Rootfs(mount_point).c_str(), &buf) != 0) {
        st.device_error = true;
      } else {
        double bsize = double(buf.f_bsize);
        st.size = double(buf.f_blocks) * bsize;
        st.free = double(buf.f_bfree) * bsize;
        st.avail = double(buf.f_bavail) * bsize;
        st.files = double(buf.f_files);
        st.files_free = double(buf.f_ffree);
        st.readonly = HasOption(m.options, "ro") ? 1 : 0;
      }
      stats.push_back(std::move(st));
    }

    using T = prometheus::MetricType;
    auto add = [&sink](const FsStats& s, double v) {
      sink.Add(v, {{"device", s.device}, {"fstype", s.fs_type}, {"mountpoint", s.mount_point}});
    };
    sink.Family("node_filesystem_device_error",
                "Whether an error occurred while getting statistics for the given device.", T::Gauge);
    for (const FsStats& s : stats) add(s, s.device_error ? 1 : 0);
    const struct {
      const char* name;
      const char* help;
      double FsStats::*field;
    } kFamilies[] = {
        {"node_filesystem_size_bytes", "Filesystem size in bytes.", &FsStats::size},
        {"node_filesystem_free_bytes", "Filesystem free space in bytes.", &FsStats::free},
        {"node_filesystem_avail_bytes", "Filesystem space available to non-root users in bytes.", &FsStats::avail},
        {"node_filesystem_files", "Filesystem total file nodes.", &FsStats::files},
        {"node_filesystem_files_free", "Filesystem total free file nodes.", &FsStats::files_free},
        {"node_filesystem_readonly", "Filesystem read-only status.", &FsStats::readonly},
    };
    for (const auto& f : kFamilies) {
      sink.Family(f.name, f.help, T::Gauge);
      for (const FsStats& s : stats) {
        if (!s.device_error) add(s, s.*(f.field));
      }
    }
    return Status::OK();
  }

 private:
  Paths paths_;
  std::shared_ptr<const RE2> mount_points_, fs_types_;
  std::string buf_;
};

}  // namespace

Result<std::unique_ptr<Collector>> MakeFilesystemCollector(const NodeOptions& options) {
  auto mp = CompileFlagRegex("collector.filesystem.mount-points-exclude", options.filesystem_mount_points_exclude);
  if (!mp.ok()) return mp.status();
  auto ft = CompileFlagRegex("collector.filesystem.fs-types-exclude", options.filesystem_fs_types_exclude);
  if (!ft.ok()) return ft.status();
  return std::unique_ptr<Collector>(new FilesystemCollector(options, *mp, *ft));
}

}  // namespace cairn::exporters::node
