#include "remote/read_metrics.h"

#include <algorithm>

namespace cairn::remote {

const std::vector<double>& ReadMetrics::DurationBounds() {
  static const std::vector<double> b = {.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 25, 60};
  return b;
}

void ReadMetrics::Endpoint::Answered(int code, double seconds) {
  const auto& b = DurationBounds();
  std::lock_guard<std::mutex> lock(mu_);
  by_code_[code]++;
  if (buckets_.empty()) buckets_.assign(b.size() + 1, 0);
  buckets_[static_cast<size_t>(std::lower_bound(b.begin(), b.end(), seconds) - b.begin())]++;
  sum_ += seconds;
  count_++;
}

ReadMetrics::Endpoint* ReadMetrics::For(const std::string& remote_name, const std::string& url) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& slot = endpoints_[{remote_name, url}];
  if (!slot) slot = std::make_unique<Endpoint>();
  return slot.get();
}

std::vector<ReadFigures> ReadMetrics::Figures() const {
  std::vector<ReadFigures> out;
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [key, e] : endpoints_) {
    ReadFigures f;
    f.remote_name = key.first;
    f.url = key.second;
    f.in_flight = e->in_flight_.load();
    std::lock_guard<std::mutex> el(e->mu_);
    f.answered_by_code = e->by_code_;
    f.duration_buckets.assign(DurationBounds().size(), 0);
    uint64_t cumulative = 0;
    for (size_t i = 0; i < f.duration_buckets.size(); ++i) {
      if (i < e->buckets_.size()) cumulative += e->buckets_[i];
      f.duration_buckets[i] = cumulative;
    }
    f.duration_sum = e->sum_;
    f.duration_count = e->count_;
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace cairn::remote
