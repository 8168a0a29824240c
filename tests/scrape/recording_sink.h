// RecordingSink: a DiscoverySink that keeps every update and failure and
// lets a test wait (bounded) for the next one. Test support.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <vector>

#include "scrape/discovery/discoverer.h"

namespace cairn::scrape::testing {

class RecordingSink final : public discovery::DiscoverySink {
 public:
  void Update(std::vector<discovery::TargetGroup> groups) override {
    std::lock_guard lock(mu_);
    updates_.push_back(std::move(groups));
    cv_.notify_all();
  }
  void RefreshFailed(const Status& status) override {
    std::lock_guard lock(mu_);
    failures_.push_back(status);
    cv_.notify_all();
  }
  // Waits up to 10 s until `done(updates, failures)` holds; returns whether it did.
  bool WaitUntil(const std::function<bool(const std::vector<std::vector<discovery::TargetGroup>>&,
                                          const std::vector<Status>&)>& done) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(10), [&] { return done(updates_, failures_); });
  }
  bool WaitForUpdates(size_t n) {
    return WaitUntil([n](const auto& updates, const auto&) { return updates.size() >= n; });
  }
  std::vector<std::vector<discovery::TargetGroup>> updates() {
    std::lock_guard lock(mu_);
    return updates_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::vector<discovery::TargetGroup>> updates_;
  std::vector<Status> failures_;
};

}  // namespace cairn::scrape::testing
