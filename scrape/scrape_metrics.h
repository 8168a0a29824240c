// ScrapeMetrics: the scrape manager's own counters and summaries, under the
// names Prometheus' dashboards read (scrape/metrics.go upstream). The manager
// owns one; pools and loops count into it; server/ renders it on /metrics.
// Thread-safety: every member may be used from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "util/windowed_summary.h"

namespace cairn::scrape {

struct ScrapeMetrics {
  // prometheus_target_scrapes_*_total: per scrape that failed so ...
  std::atomic<uint64_t> exceeded_sample_limit{0};
  std::atomic<uint64_t> exceeded_body_size_limit{0};
  // ... and per sample the storage refused for it.
  std::atomic<uint64_t> sample_duplicate_timestamp{0};
  std::atomic<uint64_t> sample_out_of_order{0};
  std::atomic<uint64_t> sample_out_of_bounds{0};
  // prometheus_target_scrape_pool_*: per scrape over label limits, per sync
  // over target_limit, per reload of a changed job (failed: its new HTTP
  // client could not be built).
  std::atomic<uint64_t> exceeded_label_limits{0};
  std::atomic<uint64_t> exceeded_target_limit{0};
  std::atomic<uint64_t> pool_reloads{0};
  std::atomic<uint64_t> pool_reloads_failed{0};
  // prometheus_target_scrape_pools_total / _failed_total: pool creations.
  std::atomic<uint64_t> pools{0};
  std::atomic<uint64_t> pools_failed{0};

  // prometheus_target_interval_length_seconds{interval}: the time between a
  // target's consecutive scrape starts, by configured interval.
  void ObserveInterval(int64_t interval_ms, double seconds, int64_t now_ms);
  // prometheus_target_sync_length_seconds{scrape_job}: how long a pool's sync took.
  void ObserveSync(const std::string& job, double seconds, int64_t now_ms);

  // Label value → summary; the map is copied, the summaries shared.
  using Summaries = std::map<std::string, std::shared_ptr<WindowedSummary>>;
  Summaries IntervalLengths() const;
  Summaries SyncLengths() const;

 private:
  mutable std::mutex mu_;
  Summaries interval_lengths_;  // by Go duration text ("15s", "1m0s")
  Summaries sync_lengths_;      // by job
};

}  // namespace cairn::scrape
