#include "notifier/latency_summary.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace cairn::notifier {

void LatencySummary::Observe(double seconds, TimePoint now) {
  std::lock_guard<std::mutex> lock(mu_);
  sum_ += seconds;
  ++count_;
  window_.emplace_back(now, seconds);
  if (window_.size() > max_observations_) window_.pop_front();
  ExpireLocked(now);
}

void LatencySummary::ExpireLocked(TimePoint now) const {
  while (!window_.empty() && now - window_.front().first > max_age_) window_.pop_front();
}

LatencySummary::Snapshot LatencySummary::Collect(TimePoint now) const {
  std::vector<double> values;
  Snapshot s;
  {
    std::lock_guard<std::mutex> lock(mu_);
    ExpireLocked(now);
    values.reserve(window_.size());
    for (const auto& [t, v] : window_) values.push_back(v);
    s.sum = sum_;
    s.count = count_;
  }
  std::sort(values.begin(), values.end());
  for (double phi : {0.5, 0.9, 0.99}) {
    double v = std::numeric_limits<double>::quiet_NaN();
    if (!values.empty()) {
      // The observation of rank ceil(φ·n), as a quantile of the window.
      size_t rank = static_cast<size_t>(std::ceil(phi * static_cast<double>(values.size())));
      v = values[std::min(values.size(), std::max<size_t>(rank, 1)) - 1];
    }
    s.quantiles.emplace_back(phi, v);
  }
  return s;
}

}  // namespace cairn::notifier
