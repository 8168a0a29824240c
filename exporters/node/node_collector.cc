#include "exporters/node/node_collector.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "exporters/node/metric_sink.h"

namespace cairn::exporters::node {

Result<std::unique_ptr<NodeCollector>> NodeCollector::Make(const NodeOptions& options) {
  std::unique_ptr<NodeCollector> nc(new NodeCollector());
  for (const std::string& name : options.collectors) {  // std::set: sorted
    auto c = MakeCollector(name, options);
    if (!c.ok()) return c.status().WithContext("collector " + name);
    nc->collectors_.push_back({name, std::move(c).value()});
  }
  nc->error_log_ = [](const std::string& msg) { std::fprintf(stderr, "%s\n", msg.c_str()); };
  return nc;
}

std::vector<prometheus::MetricFamily> NodeCollector::Collect() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<prometheus::MetricFamily> out;
  out.reserve(128);
  MetricSink sink(out);
  std::vector<std::pair<double, bool>> results;
  results.reserve(collectors_.size());
  for (const Named& n : collectors_) {
    auto begin = std::chrono::steady_clock::now();
    Status s = n.collector->Update(sink);
    std::chrono::duration<double> took = std::chrono::steady_clock::now() - begin;
    if (!s.ok() && s.code() != StatusCode::kUnavailable && error_log_) {
      error_log_("level=error msg=\"collector failed\" name=" + n.name +
                 " duration_seconds=" + std::to_string(took.count()) + " err=\"" + s.ToString() + "\"");
    }
    results.emplace_back(took.count(), s.ok());
  }
  using T = prometheus::MetricType;
  sink.Family("node_scrape_collector_duration_seconds", "node_exporter: Duration of a collector scrape.", T::Gauge);
  for (size_t i = 0; i < collectors_.size(); ++i) sink.Add(results[i].first, {{"collector", collectors_[i].name}});
  sink.Family("node_scrape_collector_success", "node_exporter: Whether a collector succeeded.", T::Gauge);
  for (size_t i = 0; i < collectors_.size(); ++i) {
    sink.Add(results[i].second ? 1 : 0, {{"collector", collectors_[i].name}});
  }
  // Upstream prints no HELP/TYPE for a family without samples (netdev with
  // every device filtered out, a machine without clock sources).
  out.erase(std::remove_if(out.begin(), out.end(), [](const auto& f) { return f.metric.empty(); }), out.end());
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return out;
}

}  // namespace cairn::exporters::node
