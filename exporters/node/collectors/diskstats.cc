// diskstats: /proc/diskstats per block device (minus the device filter), with
// node_disk_info and, when udev has data for the device
// (/run/udev/data/b<major>:<minor>), node_disk_filesystem_info,
// node_disk_device_mapper_info and the ATA gauges. Sectors are 512 bytes and
// times are milliseconds, whatever the device, as the kernel documents.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "exporters/node/collector.h"
#include "exporters/node/device_filter.h"
#include "exporters/node/file_reader.h"
#include "exporters/node/proc_parsers.h"
#include "util/go_strconv.h"

namespace cairn::exporters::node {
namespace {

constexpr double kSecondsPerTick = 1.0 / 1000.0;
constexpr double kSectorBytes = 512.0;

struct StatFamily {
  const char* name;
  const char* help;
  prometheus::MetricType type;
  double scale;  // 1, kSectorBytes or kSecondsPerTick
};
using T = prometheus::MetricType;
// In /proc/diskstats column order.
const StatFamily kStatFamilies[17] = {
    {"node_disk_reads_completed_total", "The total number of reads completed successfully.", T::Counter, 1},
    {"node_disk_reads_merged_total", "The total number of reads merged.", T::Counter, 1},
    {"node_disk_read_bytes_total", "The total number of bytes read successfully.", T::Counter, kSectorBytes},
    {"node_disk_read_time_seconds_total", "The total number of seconds spent by all reads.", T::Counter,
     kSecondsPerTick},
    {"node_disk_writes_completed_total", "The total number of writes completed successfully.", T::Counter, 1},
    {"node_disk_writes_merged_total", "The number of writes merged.", T::Counter, 1},
    {"node_disk_written_bytes_total", "The total number of bytes written successfully.", T::Counter, kSectorBytes},
    {"node_disk_write_time_seconds_total", "This is the total number of seconds spent by all writes.", T::Counter,
     kSecondsPerTick},
    {"node_disk_io_now", "The number of I/Os currently in progress.", T::Gauge, 1},
    {"node_disk_io_time_seconds_total", "Total seconds spent doing I/Os.", T::Counter, kSecondsPerTick},
    {"node_disk_io_time_weighted_seconds_total", "The weighted # of seconds spent doing I/Os.", T::Counter,
     kSecondsPerTick},
    {"node_disk_discards_completed_total", "The total number of discards completed successfully.", T::Counter, 1},
    {"node_disk_discards_merged_total", "The total number of discards merged.", T::Counter, 1},
    // Upstream reports discarded sectors as a count, not bytes.
    {"node_disk_discarded_sectors_total", "The total number of sectors discarded successfully.", T::Counter, 1},
    {"node_disk_discard_time_seconds_total", "This is the total number of seconds spent by all discards.",
     T::Counter, kSecondsPerTick},
    {"node_disk_flush_requests_total", "The total number of flush requests completed successfully", T::Counter, 1},
    {"node_disk_flush_requests_time_seconds_total",
     "This is the total number of seconds spent by all flush requests.", T::Counter, kSecondsPerTick},
};

const struct {
  const char* property;
  const char* name;
  const char* help;
} kAtaGauges[] = {
    {"ID_ATA_WRITE_CACHE", "node_disk_ata_write_cache", "ATA disk has a write cache."},
    {"ID_ATA_WRITE_CACHE_ENABLED", "node_disk_ata_write_cache_enabled", "ATA disk has its write cache enabled."},
    {"ID_ATA_ROTATION_RATE_RPM", "node_disk_ata_rotation_rate_rpm", "ATA disk rotation rate in RPMs (0 for SSDs)."},
};

using Udev = std::vector<std::pair<std::string, std::string>>;
const std::string& Prop(const Udev& u, std::string_view key) {
  static const std::string kEmpty;
  for (const auto& [k, v] : u) {
    if (k == key) return v;
  }
  return kEmpty;
}
bool HasProp(const Udev& u, std::string_view key) {
  for (const auto& kv : u) {
    if (kv.first == key) return true;
  }
  return false;
}

class DiskstatsCollector final : public Collector {
 public:
  DiskstatsCollector(const NodeOptions& o, DeviceFilter filter)
      : path_(o.paths.Proc("diskstats")), paths_(o.paths), filter_(std::move(filter)) {}

  Status Update(MetricSink& sink) override {
    CAIRN_RETURN_IF_ERROR(ReadFileInto(path_, buf_));
    auto parsed = ParseDiskstats(buf_);
    if (!parsed.ok()) return parsed.status().WithContext("couldn't get diskstats");
    std::vector<DiskStats> disks;
    std::vector<Udev> udev;
    for (DiskStats& d : *parsed) {
      if (filter_.Ignored(d.device)) continue;
      std::string file = "b" + std::to_string(d.major) + ":" + std::to_string(d.minor);
      // No udev data (containers, no udevd) leaves the info labels empty, as upstream.
      udev.push_back(ReadFileInto(paths_.Udev(file), udev_buf_).ok() ? ParseUdevProperties(udev_buf_) : Udev{});
      disks.push_back(std::move(d));
    }

    sink.Family("node_disk_info", "Info of /sys/block/<block_device>.", T::Gauge);
    for (size_t i = 0; i < disks.size(); ++i) {
      const Udev& u = udev[i];
      sink.Add(1, {{"device", disks[i].device},
                   {"major", std::to_string(disks[i].major)},
                   {"minor", std::to_string(disks[i].minor)},
                   {"path", Prop(u, "ID_PATH")},
                   {"wwn", Prop(u, "ID_WWN")},
                   {"model", Prop(u, "ID_MODEL")},
                   {"serial", Prop(u, "ID_SERIAL_SHORT")},
                   {"revision", Prop(u, "ID_REVISION")}});
    }
    for (int f = 0; f < 17; ++f) {
      bool any = false;
      for (const DiskStats& d : disks) any |= f < d.stat_count;
      if (!any) continue;  // an older kernel without discard or flush columns
      const StatFamily& fam = kStatFamilies[f];
      sink.Family(fam.name, fam.help, fam.type);
      for (const DiskStats& d : disks) {
        if (f < d.stat_count) sink.Add(double(d.stats[f]) * fam.scale, {{"device", d.device}});
      }
    }
    UdevFamilies(sink, disks, udev);
    return Status::OK();
  }

 private:
  static void UdevFamilies(MetricSink& sink, const std::vector<DiskStats>& disks, const std::vector<Udev>& udev) {
    bool any_fs = false, any_dm = false;
    for (const Udev& u : udev) {
      any_fs |= !Prop(u, "ID_FS_TYPE").empty();
      any_dm |= !Prop(u, "DM_NAME").empty();
    }
    if (any_fs) {
      sink.Family("node_disk_filesystem_info", "Info about disk filesystem.", T::Gauge);
      for (size_t i = 0; i < disks.size(); ++i) {
        const Udev& u = udev[i];
        if (Prop(u, "ID_FS_TYPE").empty()) continue;
        sink.Add(1, {{"device", disks[i].device},
                     {"type", Prop(u, "ID_FS_TYPE")},
                     {"usage", Prop(u, "ID_FS_USAGE")},
                     {"uuid", Prop(u, "ID_FS_UUID")},
                     {"version", Prop(u, "ID_FS_VERSION")}});
      }
    }
    if (any_dm) {
      sink.Family("node_disk_device_mapper_info", "Info about disk device mapper.", T::Gauge);
      for (size_t i = 0; i < disks.size(); ++i) {
        const Udev& u = udev[i];
        if (Prop(u, "DM_NAME").empty()) continue;
        sink.Add(1, {{"device", disks[i].device},
                     {"name", Prop(u, "DM_NAME")},
                     {"uuid", Prop(u, "DM_UUID")},
                     {"vg_name", Prop(u, "DM_VG_NAME")},
                     {"lv_name", Prop(u, "DM_LV_NAME")},
                     {"lv_layer", Prop(u, "DM_LV_LAYER")}});
      }
    }
    for (const auto& g : kAtaGauges) {
      bool started = false;
      for (size_t i = 0; i < disks.size(); ++i) {
        const Udev& u = udev[i];
        if (Prop(u, "ID_ATA").empty() || !HasProp(u, g.property)) continue;
        GoFloat v = GoParseFloat(Prop(u, g.property));
        if (v.error != GoNumError::kNone) continue;  // upstream logs and skips
        if (!started) sink.Family(g.name, g.help, T::Gauge);
        started = true;
        sink.Add(v.value, {{"device", disks[i].device}});
      }
    }
  }

  std::string path_;
  Paths paths_;
  DeviceFilter filter_;
  std::string buf_, udev_buf_;
};

}  // namespace

Result<std::unique_ptr<Collector>> MakeDiskstatsCollector(const NodeOptions& options) {
  auto filter = DeviceFilter::Make("collector.diskstats", options.diskstats_device_exclude,
                                   options.diskstats_device_include);
  if (!filter.ok()) return filter.status();
  return std::unique_ptr<Collector>(new DiskstatsCollector(options, std::move(filter).value()));
}

}  // namespace cairn::exporters::node
