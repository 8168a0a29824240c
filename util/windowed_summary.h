// WindowedSummary: a Prometheus summary's figures for one series — quantiles
// over the observations of the last `max_age_ms` (client_golang's MaxAge,
// 10 minutes by default) and the all-time sum and count. Quantiles are exact
// over the newest `max_samples` observations in the window, which for the
// figures Cairn reports this way (scrape intervals, sync and refresh
// durations: a few per second at most) is the whole window.
// Thread-safety: Observe and Snapshot may be called from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <vector>

namespace cairn {

class WindowedSummary {
 public:
  explicit WindowedSummary(int64_t max_age_ms = 600000, size_t max_samples = 2048)
      : max_age_ms_(max_age_ms), max_samples_(max_samples) {}

  void Observe(double v, int64_t now_ms);

  struct Figures {
    std::vector<double> quantiles;  // one per asked rank; NaN when the window is empty
    double sum = 0;
    uint64_t count = 0;
  };
  // `ranks` in [0, 1]; a quantile is the observation at rank ceil(q*n) of the
  // window's sorted values (client_golang's targeted quantiles without error).
  Figures Snapshot(const std::vector<double>& ranks, int64_t now_ms) const;

 private:
  const int64_t max_age_ms_;
  const size_t max_samples_;
  mutable std::mutex mu_;
  mutable std::deque<std::pair<int64_t, double>> window_;  // (time, value), oldest first
  double sum_ = 0;
  uint64_t count_ = 0;
};

}  // namespace cairn
