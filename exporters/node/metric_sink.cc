#include "exporters/node/metric_sink.h"

#include <algorithm>
#include <cassert>

namespace cairn::exporters::node {

void MetricSink::Family(std::string_view name, std::string_view help, prometheus::MetricType type) {
  prometheus::MetricFamily& f = out_.emplace_back();
  f.name.assign(name);
  f.help.assign(help);
  f.type = type;
}

void MetricSink::Add(double value, LabelPairs labels) {
  assert(!out_.empty() && "MetricSink::Add before Family");
  prometheus::MetricFamily& f = out_.back();
  prometheus::ClientMetric& m = f.metric.emplace_back();
  m.label.reserve(labels.size());
  for (const auto& [name, val] : labels) m.label.push_back({std::string(name), std::string(val)});
  // client_golang prints a metric's labels sorted by name; so do we.
  std::sort(m.label.begin(), m.label.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  switch (f.type) {
    case prometheus::MetricType::Counter: m.counter.value = value; break;
    case prometheus::MetricType::Gauge: m.gauge.value = value; break;
    default: m.untyped.value = value; break;
  }
}

}  // namespace cairn::exporters::node
