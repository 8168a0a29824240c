#include "server/metrics/counter_vec.h"

namespace cairn::server::metrics {

void CounterVec::Add(const std::vector<std::string>& label_values, double delta) {
  std::lock_guard<std::mutex> lock(mu_);
  values_[label_values] += delta;
}

double CounterVec::Value(const std::vector<std::string>& label_values) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = values_.find(label_values);
  return it == values_.end() ? 0 : it->second;
}

void CounterVec::Collect(std::vector<MetricSample>* out) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (values_.empty() && label_names_.empty()) {
    out->push_back({"", {}, 0});
    return;
  }
  for (const auto& [values, v] : values_) {
    MetricSample s;
    for (size_t i = 0; i < label_names_.size() && i < values.size(); ++i) {
      s.labels.emplace_back(label_names_[i], values[i]);
    }
    s.value = v;
    out->push_back(std::move(s));
  }
}

}  // namespace cairn::server::metrics
