#include "storage/head/series_reclaimer.h"

#include <algorithm>

namespace cairn::storage::head {

SeriesReclaimer::Pin SeriesReclaimer::Enter() {
  for (;;) {
    const uint64_t e = epoch_.load();
    std::atomic<int64_t>* count = &pins_[e & 1];
    count->fetch_add(1);
    // The epoch flipped between the load and the count: that bucket may be
    // the one Reclaim is waiting on; count in the current one instead.
    if (epoch_.load() == e) return Pin(count);
    count->fetch_sub(1, std::memory_order_release);
  }
}

void SeriesReclaimer::Retire(std::unique_ptr<MemSeries> series, Labels labels) {
  std::lock_guard<std::mutex> lock(mu_);
  retired_.push_back({std::move(series), std::move(labels)});
}

std::unique_ptr<MemSeries> SeriesReclaimer::Unretire(const MemSeries* s, Labels* labels) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto* list : {&retired_, &waiting_}) {
    auto it = std::find_if(list->begin(), list->end(), [s](const Retired& r) { return r.series.get() == s; });
    if (it == list->end()) continue;
    std::unique_ptr<MemSeries> out = std::move(it->series);
    *labels = std::move(it->labels);
    list->erase(it);
    return out;
  }
  return nullptr;
}

size_t SeriesReclaimer::FreeWaitingLocked() {
  if (waiting_.empty() || pins_[waiting_parity_].load() != 0) return 0;
  const size_t n = waiting_.size();
  waiting_.clear();
  return n;
}

size_t SeriesReclaimer::Reclaim() {
  std::lock_guard<std::mutex> lock(mu_);
  size_t freed = FreeWaitingLocked();
  // Flip only once the previous batch is gone, so each bucket holds the
  // pins of one epoch; then the new batch may already be free.
  if (waiting_.empty() && !retired_.empty()) {
    waiting_ = std::move(retired_);
    retired_.clear();
    waiting_parity_ = epoch_.fetch_add(1) & 1;
    freed += FreeWaitingLocked();
  }
  return freed;
}

size_t SeriesReclaimer::Pending() const {
  std::lock_guard<std::mutex> lock(mu_);
  return retired_.size() + waiting_.size();
}

}  // namespace cairn::storage::head
