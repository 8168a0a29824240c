#include "exporters/node/collector.h"

#include <utility>

namespace cairn::exporters::node {
namespace {
using Factory = Result<std::unique_ptr<Collector>> (*)(const NodeOptions&);
struct Entry {
  std::string_view name;
  Factory make;
};
constexpr Entry kCollectors[] = {
    {"cpu", MakeCpuCollector},           {"diskstats", MakeDiskstatsCollector},
    {"filesystem", MakeFilesystemCollector}, {"loadavg", MakeLoadavgCollector},
    {"meminfo", MakeMeminfoCollector},   {"netdev", MakeNetdevCollector},
    {"pressure", MakePressureCollector}, {"stat", MakeStatCollector},
    {"time", MakeTimeCollector},         {"uname", MakeUnameCollector},
    {"vmstat", MakeVmstatCollector},
};
}  // namespace

const std::vector<std::string_view>& CollectorNames() {
  static const std::vector<std::string_view> names = [] {
    std::vector<std::string_view> v;
    for (const Entry& e : kCollectors) v.push_back(e.name);
    return v;
  }();
  return names;
}

Result<std::unique_ptr<Collector>> MakeCollector(std::string_view name, const NodeOptions& options) {
  for (const Entry& e : kCollectors) {
    if (e.name == name) return e.make(options);
  }
  return Status::NotFound("missing collector: " + std::string(name));
}

}  // namespace cairn::exporters::node
