// Discoverer: one service-discovery provider (static, file, http, dns), as
// Prometheus' discovery.Discoverer. It runs on a thread of its own that the
// discovery Manager starts, and reports to a DiscoverySink:
//  - Update(groups): each group replaces the provider's group with the same
//    source; a group without targets removes that source. The first update
//    carries every group the provider knows.
//  - RefreshFailed(status): a refresh failed; the provider's last groups stay
//    (Prometheus keeps them too), so a flapping source does not drop targets.
//  - Refreshed(mechanism, seconds, failed): a polling provider finished one
//    refresh (prometheus_sd_refresh_duration_seconds / _failures_total).
// Thread-safety: Run is called once, from one thread; the sink's methods may
// be called from that thread only, and must not block for long.
#pragma once

#include <stop_token>
#include <string_view>
#include <vector>

#include "scrape/discovery/target_group.h"
#include "util/status.h"

namespace cairn::scrape::discovery {

class DiscoverySink {
 public:
  virtual ~DiscoverySink() = default;
  virtual void Update(std::vector<TargetGroup> groups) = 0;
  virtual void RefreshFailed(const Status& status) = 0;
  virtual void Refreshed(std::string_view mechanism, double seconds, bool failed) {}
};

// What one refresh of a polling discoverer produced: groups to send, and the
// errors of the parts (files, names) whose previous groups stay as they were.
struct RefreshResult {
  std::vector<TargetGroup> groups;
  std::vector<Status> errors;
};

class Discoverer {
 public:
  virtual ~Discoverer() = default;
  // Discovers until `stop` is requested, then returns promptly. `sink` must
  // outlive the call.
  virtual void Run(std::stop_token stop, DiscoverySink& sink) = 0;
};

}  // namespace cairn::scrape::discovery
