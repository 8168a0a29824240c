// The node exporter's collectors: one per upstream collector name, each reading
// its /proc or /sys files into a MetricSink. A collector keeps its read buffers
// between scrapes; NodeCollector (node_collector.h) serializes scrapes, so a
// collector is only ever called from one thread at a time.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "exporters/node/metric_sink.h"
#include "exporters/node/options.h"
#include "util/status.h"

namespace cairn::exporters::node {

class Collector {
 public:
  virtual ~Collector() = default;
  // Adds this scrape's families. A non-OK Status makes
  // node_scrape_collector_success 0; samples added before it still count, as
  // upstream's channel keeps them. Unavailable means "no data" (pressure on a
  // kernel without PSI): not logged as an error, but still success 0.
  virtual Status Update(MetricSink& sink) = 0;
};

// The collectors this exporter has, in upstream's names, sorted.
const std::vector<std::string_view>& CollectorNames();

// Builds the collector `name` for `options`; InvalidArgument for a bad regex
// or conflicting flags, NotFound for a name CollectorNames() lacks.
Result<std::unique_ptr<Collector>> MakeCollector(std::string_view name, const NodeOptions& options);

// One factory per collector, in collectors/<name>.cc.
Result<std::unique_ptr<Collector>> MakeCpuCollector(const NodeOptions& options);
Result<std::unique_ptr<Collector>> MakeDiskstatsCollector(const NodeOptions& options);
Result<std::unique_ptr<Collector>> MakeFilesystemCollector(const NodeOptions& options);
Result<std::unique_ptr<Collector>> MakeLoadavgCollector(const NodeOptions& options);
Result<std::unique_ptr<Collector>> MakeMeminfoCollector(const NodeOptions& options);
Result<std::unique_ptr<Collector>> MakeNetdevCollector(const NodeOptions& options);
Result<std::unique_ptr<Collector>> MakePressureCollector(const NodeOptions& options);
Result<std::unique_ptr<Collector>> MakeStatCollector(const NodeOptions& options);
Result<std::unique_ptr<Collector>> MakeTimeCollector(const NodeOptions& options);
Result<std::unique_ptr<Collector>> MakeUnameCollector(const NodeOptions& options);
Result<std::unique_ptr<Collector>> MakeVmstatCollector(const NodeOptions& options);

}  // namespace cairn::exporters::node
