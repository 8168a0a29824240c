// Manager: runs the discovery providers of every job and hands the scrape
// manager the merged current target groups per job, as Prometheus'
// discovery.Manager. Groups are kept per (job, provider), keyed by source;
// a group without targets removes its source. Updates are coalesced: the
// sync callback runs at most once per tick (5s by default, `updatert` in
// Prometheus) and only when something changed since the last sync.
//
// How the scrape manager subscribes:
//
//   discovery::Manager sd([&](const discovery::TargetGroupsByJob& jobs) {
//     scrape_manager.Sync(jobs);  // every configured job, even with no groups
//   });
//   sd.ApplyConfig({{"node", node_sd}, {"api", api_sd}});  // on (re)load
//
// Each sync carries the full state of every job, so the receiver replaces
// its target sets rather than patching them.
// Thread-safety: ApplyConfig, StartProvider, AllGroups and RefreshFailures
// may be called from any thread. The sync callback runs on the Manager's own
// sender thread, never concurrently with itself, and must not call back into
// ApplyConfig or the destructor.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "scrape/discovery/discoverer.h"
#include "scrape/discovery/sd_configs.h"
#include "scrape/discovery/ticker.h"
#include "util/windowed_summary.h"

namespace cairn::scrape::discovery {

// Job (scrape pool) name → its current groups, in provider order.
using TargetGroupsByJob = std::map<std::string, std::vector<TargetGroup>>;
using SyncFn = std::function<void(const TargetGroupsByJob&)>;

struct ManagerOptions {
  // The coalescing interval (Prometheus' updatert). Ignored when `ticker` is
  // set.
  int64_t update_interval_ms = 5000;
  // Decides when syncs happen; tests pass a ManualTicker. Not owned; must
  // outlive the Manager.
  Ticker* ticker = nullptr;
  DiscovererOptions discoverer;
};

// What the discovery manager reports on /metrics (prometheus_sd_*{name="scrape"}).
struct ManagerFigures {
  uint64_t received_updates = 0;  // updates received from providers
  uint64_t sent_updates = 0;      // syncs handed to the scrape manager
  struct Refresh {                // per polling mechanism and job
    std::string mechanism, config;
    uint64_t failures = 0;
    std::shared_ptr<WindowedSummary> duration;
  };
  std::vector<Refresh> refreshes;  // only those that refreshed at least once
};

class Manager {
 public:
  // Starts the sender thread. `on_sync` is called as described above.
  explicit Manager(SyncFn on_sync, ManagerOptions options = {});
  // Stops every provider and the sender; no sync runs afterwards.
  ~Manager();
  Manager(const Manager&) = delete;
  Manager& operator=(const Manager&) = delete;

  // Makes `jobs` the configured jobs. A job whose SdConfigs equal the ones it
  // ran with keeps its providers and groups; other jobs' providers are
  // stopped (their groups dropped) and new ones started. Jobs left out
  // disappear. Triggers a sync.
  void ApplyConfig(const std::map<std::string, SdConfigs>& jobs);

  // Runs `discoverer` as one more provider of `job` until the job is
  // reconfigured or the Manager ends (Prometheus' StartCustomProvider).
  void StartProvider(const std::string& job, std::unique_ptr<Discoverer> discoverer);

  // The groups the next sync would carry.
  TargetGroupsByJob AllGroups() const;

  ManagerFigures Figures() const;

 private:
  class ProviderSink;
  struct Provider;

  // Stops and joins providers; the Manager's mutex must not be held.
  static void StopProviders(std::vector<std::unique_ptr<Provider>> providers);
  // Caller holds mu_.
  void StartLocked(const std::string& job, std::unique_ptr<Discoverer> discoverer);
  void Update(uint64_t provider_id, std::vector<TargetGroup> groups);
  void RefreshFailed(uint64_t provider_id, const Status& status);
  void Refreshed(uint64_t provider_id, std::string_view mechanism, double seconds, bool failed);
  void SendLoop(std::stop_token stop);

  const SyncFn on_sync_;
  std::unique_ptr<Ticker> own_ticker_;
  Ticker* ticker_;
  const DiscovererOptions discoverer_options_;

  mutable std::mutex mu_;
  std::map<std::string, SdConfigs> configs_;             // by job, as last applied
  std::map<uint64_t, std::unique_ptr<Provider>> providers_;  // by provider id, in start order
  uint64_t next_provider_id_ = 0;
  uint64_t received_updates_ = 0;
  uint64_t sent_updates_ = 0;
  std::map<std::pair<std::string, std::string>, ManagerFigures::Refresh> refreshes_;  // by (mechanism, job)
  bool triggered_ = false;                            // changed since the last sync

  std::jthread sender_;  // last: stops first
};

}  // namespace cairn::scrape::discovery
