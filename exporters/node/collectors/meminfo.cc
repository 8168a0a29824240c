// meminfo: one gauge per /proc/meminfo line, named as upstream derives it
// (node_memory_<Key>_bytes for kB lines, node_memory_<Key> for counts).
#include <string>

#include "exporters/node/collector.h"
#include "exporters/node/file_reader.h"
#include "exporters/node/proc_parsers.h"

namespace cairn::exporters::node {
namespace {

class MeminfoCollector final : public Collector {
 public:
  explicit MeminfoCollector(const NodeOptions& o) : path_(o.paths.Proc("meminfo")) {}

  Status Update(MetricSink& sink) override {
    CAIRN_RETURN_IF_ERROR(ReadFileInto(path_, buf_));
    auto fields = ParseMeminfo(buf_);
    if (!fields.ok()) return fields.status().WithContext("couldn't get meminfo");
    std::string name, help;
    for (const MeminfoField& f : *fields) {
      name.assign("node_memory_").append(f.name);
      help.assign("Memory information field ").append(f.name).append(".");
      // Upstream types a field ending in _total as a counter; none does today.
      bool counter = f.name.size() >= 6 && f.name.compare(f.name.size() - 6, 6, "_total") == 0;
      sink.Single(name, help, counter ? prometheus::MetricType::Counter : prometheus::MetricType::Gauge,
                  f.value);
    }
    return Status::OK();
  }

 private:
  std::string path_;
  std::string buf_;
};

}  // namespace

Result<std::unique_ptr<Collector>> MakeMeminfoCollector(const NodeOptions& options) {
  return std::unique_ptr<Collector>(new MeminfoCollector(options));
}

}  // namespace cairn::exporters::node
