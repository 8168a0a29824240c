#include "util/windowed_summary.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace cairn {

void WindowedSummary::Observe(double v, int64_t now_ms) {
  std::lock_guard lock(mu_);
  sum_ += v;
  ++count_;
  window_.emplace_back(now_ms, v);
  while (window_.size() > max_samples_) window_.pop_front();
}

WindowedSummary::Figures WindowedSummary::Snapshot(const std::vector<double>& ranks, int64_t now_ms) const {
  std::lock_guard lock(mu_);
  while (!window_.empty() && window_.front().first <= now_ms - max_age_ms_) window_.pop_front();
  std::vector<double> values;
  values.reserve(window_.size());
  for (const auto& [t, v] : window_) values.push_back(v);
  std::sort(values.begin(), values.end());
  Figures f;
  f.sum = sum_;
  f.count = count_;
  for (double q : ranks) {
    if (values.empty()) {
      f.quantiles.push_back(std::numeric_limits<double>::quiet_NaN());
      continue;
    }
    const double rank = std::ceil(q * static_cast<double>(values.size()));
    const size_t i = rank < 1 ? 0 : std::min(values.size() - 1, static_cast<size_t>(rank) - 1);
    f.quantiles.push_back(values[i]);
  }
  return f;
}

}  // namespace cairn
