#include "server/metrics/histogram_vec.h"

#include <algorithm>

namespace cairn::server::metrics {

void HistogramVec::Observe(const std::vector<std::string>& label_values, double v) {
  std::lock_guard<std::mutex> lock(mu_);
  Child& c = children_[label_values];
  if (c.counts.empty()) c.counts.resize(bounds_.size(), 0);
  auto it = std::lower_bound(bounds_.begin(), bounds_.end(), v);
  if (it != bounds_.end()) ++c.counts[it - bounds_.begin()];
  ++c.count;
  c.sum += v;
}

void HistogramVec::Collect(std::vector<MetricSample>* out) const {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [values, c] : children_) {
    LabelPairs base;
    for (size_t i = 0; i < label_names_.size() && i < values.size(); ++i) {
      base.emplace_back(label_names_[i], values[i]);
    }
    uint64_t cumulative = 0;
    for (size_t b = 0; b < bounds_.size(); ++b) {
      cumulative += c.counts[b];
      LabelPairs l = base;
      l.emplace_back("le", FormatMetricValue(bounds_[b]));
      out->push_back({"_bucket", std::move(l), static_cast<double>(cumulative)});
    }
    LabelPairs inf = base;
    inf.emplace_back("le", "+Inf");
    out->push_back({"_bucket", std::move(inf), static_cast<double>(c.count)});
    out->push_back({"_sum", base, c.sum});
    out->push_back({"_count", base, static_cast<double>(c.count)});
  }
}

}  // namespace cairn::server::metrics
