// NodeCollector: the node exporter's prometheus::Collectable. Runs each
// enabled collector once per scrape and adds upstream's per-collector
// node_scrape_collector_duration_seconds and node_scrape_collector_success.
// Unlike upstream, collectors run one after another on the scraping thread:
// they are all cheap file reads, and no goroutine-per-collector means no
// thread start per scrape.
// Thread-safety: Collect() may be called from several threads; scrapes are
// serialized by an internal mutex (collectors keep buffers between scrapes).
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include "exporters/node/collector.h"
#include "exporters/node/options.h"
#include "util/status.h"

namespace cairn::exporters::node {

class NodeCollector final : public prometheus::Collectable {
 public:
  // Builds the collectors options.collectors names; an error names the first
  // that cannot be built (bad regexp, unknown name).
  static Result<std::unique_ptr<NodeCollector>> Make(const NodeOptions& options);

  // Where a collector's failure is reported (default: stderr, like upstream's
  // error log line). "No data" (Unavailable) is not reported.
  void SetErrorLog(std::function<void(const std::string&)> log) { error_log_ = std::move(log); }

  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  struct Named {
    std::string name;
    std::unique_ptr<Collector> collector;
  };
  NodeCollector() = default;

  std::vector<Named> collectors_;  // sorted by name
  std::function<void(const std::string&)> error_log_;
  mutable std::mutex mu_;
};

}  // namespace cairn::exporters::node
