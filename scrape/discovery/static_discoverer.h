// static_configs: target groups written into the scrape config. Prometheus
// numbers them "0", "1", ... across all static_configs of a job (their
// `source`) and serves them through one provider.
// Thread-safety: StaticDiscoverer holds immutable groups.
#pragma once

#include <vector>

#include <yaml-cpp/yaml.h>

#include "scrape/discovery/discoverer.h"

namespace cairn::scrape::discovery {

// Parses the value of `static_configs` (a list of {targets, labels}); sources
// are the indexes. A null entry is "empty or null section in static_configs".
Result<std::vector<TargetGroup>> ParseStaticConfigs(const YAML::Node& list);

class StaticDiscoverer final : public Discoverer {
 public:
  explicit StaticDiscoverer(std::vector<TargetGroup> groups) : groups_(std::move(groups)) {}
  // Sends the groups once and returns.
  void Run(std::stop_token stop, DiscoverySink& sink) override;

 private:
  const std::vector<TargetGroup> groups_;
};

}  // namespace cairn::scrape::discovery
