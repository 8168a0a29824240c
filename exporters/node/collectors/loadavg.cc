// loadavg: node_load1, node_load5, node_load15 from /proc/loadavg.
#include <string>

#include "exporters/node/collector.h"
#include "exporters/node/file_reader.h"
#include "exporters/node/proc_parsers.h"

namespace cairn::exporters::node {
namespace {

class LoadavgCollector final : public Collector {
 public:
  explicit LoadavgCollector(const NodeOptions& o) : path_(o.paths.Proc("loadavg")) {}

  Status Update(MetricSink& sink) override {
    CAIRN_RETURN_IF_ERROR(ReadFileInto(path_, buf_));
    auto loads = ParseLoadavg(buf_);
    if (!loads.ok()) return loads.status().WithContext("couldn't get load");
    sink.Single("node_load1", "1m load average.", prometheus::MetricType::Gauge, (*loads)[0]);
    sink.Single("node_load5", "5m load average.", prometheus::MetricType::Gauge, (*loads)[1]);
    sink.Single("node_load15", "15m load average.", prometheus::MetricType::Gauge, (*loads)[2]);
    return Status::OK();
  }

 private:
  std::string path_;
  std::string buf_;
};

}  // namespace

Result<std::unique_ptr<Collector>> MakeLoadavgCollector(const NodeOptions& options) {
  return std::unique_ptr<Collector>(new LoadavgCollector(options));
}

}  // namespace cairn::exporters::node
