// LatencySummary: the φ-quantiles of the observations of the last ten
// minutes, plus the running sum and count — what a client_golang Summary
// with the default MaxAge reports, computed exactly over a bounded window
// instead of with its streaming estimator. At most `max_observations` of the
// newest are kept; the notifier observes one value per POST, so a window
// rarely holds more than a few hundred.
// Thread-safety: all methods may be called from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>
#include <utility>
#include <vector>

namespace cairn::notifier {

class LatencySummary {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  explicit LatencySummary(std::chrono::seconds max_age = std::chrono::minutes(10), size_t max_observations = 10000)
      : max_age_(max_age), max_observations_(max_observations) {}

  void Observe(double seconds, TimePoint now = std::chrono::steady_clock::now());

  struct Snapshot {
    std::vector<std::pair<double, double>> quantiles;  // (φ, value); NaN when the window is empty
    double sum = 0;
    uint64_t count = 0;
  };
  // Quantiles 0.5, 0.9 and 0.99 (upstream's objectives for the notifier).
  Snapshot Collect(TimePoint now = std::chrono::steady_clock::now()) const;

 private:
  void ExpireLocked(TimePoint now) const;

  const std::chrono::seconds max_age_;
  const size_t max_observations_;
  mutable std::mutex mu_;
  mutable std::deque<std::pair<TimePoint, double>> window_;
  double sum_ = 0;
  uint64_t count_ = 0;
};

}  // namespace cairn::notifier
