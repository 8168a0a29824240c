#include "scrape/discovery/refresh_loop.h"

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace cairn::scrape::discovery {

bool WaitFor(std::stop_token stop, int64_t ms) {
  std::mutex mu;
  std::condition_variable_any cv;
  std::unique_lock lock(mu);
  // Only a stop request ends the wait early; there is nothing else to notify.
  return !cv.wait_for(lock, stop, std::chrono::milliseconds(ms), [] { return false; }) &&
         !stop.stop_requested();
}

void RunRefreshLoop(std::stop_token stop, std::string_view mechanism, int64_t interval_ms, const RefreshFn& refresh,
                    DiscoverySink& sink) {
  do {
    const auto started = std::chrono::steady_clock::now();
    RefreshResult r = refresh(stop);
    if (stop.stop_requested()) return;
    sink.Refreshed(mechanism, std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(),
                   !r.errors.empty());
    for (const Status& e : r.errors) sink.RefreshFailed(e);
    if (!r.groups.empty() || r.errors.empty()) sink.Update(std::move(r.groups));
  } while (WaitFor(stop, interval_ms));
}

}  // namespace cairn::scrape::discovery
