#include "scrape/discovery/ticker.h"

#include "scrape/discovery/refresh_loop.h"

namespace cairn::scrape::discovery {

bool IntervalTicker::WaitTick(std::stop_token stop) { return WaitFor(stop, interval_ms_); }

bool ManualTicker::WaitTick(std::stop_token stop) {
  std::unique_lock lock(mu_);
  waiting_ = true;
  cv_.notify_all();
  const bool ticked = cv_.wait(lock, stop, [&] { return pending_ > 0; });
  waiting_ = false;
  if (!ticked) return false;
  --pending_;
  cv_.notify_all();
  return true;
}

void ManualTicker::Tick() {
  std::unique_lock lock(mu_);
  ++pending_;
  cv_.notify_all();
  // Taken, and the receiver is back waiting for the next one.
  cv_.wait(lock, [&] { return pending_ == 0 && waiting_; });
}

}  // namespace cairn::scrape::discovery
