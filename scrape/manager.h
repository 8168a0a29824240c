// Manager: every scrape pool of the server and the discovery that feeds
// them (Prometheus' scrape.Manager). ApplyConfig on start and on each reload:
// a job whose config is unchanged keeps its pool and targets untouched, a
// changed one is reloaded, a removed one stopped quietly, a new one created;
// discovery then syncs every job's target groups into its pool. Fetches,
// parsing and appends run on the Manager's own small thread pool.
//
//   scrape::Manager scrapes(db, &metadata_store, SystemClock::Default(), {});
//   CAIRN_RETURN_IF_ERROR(scrapes.ApplyConfig(jobs));
//   ... scrapes.ActiveTargets() for /api/v1/targets ...
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "scrape/discovery/manager.h"
#include "scrape/scrape_config.h"
#include "scrape/scrape_metrics.h"
#include "scrape/scrape_pool.h"

namespace cairn::scrape {

struct ManagerOptions {
  int threads = 2;             // scrape I/O, parsing and appends
  bool extra_metrics = false;  // --enable-feature=extra-scrape-metrics
  // --storage.max-series is set: each scrape also reports
  // scrape_samples_refused_by_series_limit (samples of new series the
  // storage refused).
  bool series_limit = false;
  uint64_t offset_seed = 0;    // Prometheus seeds target offsets with external labels and hostname
  discovery::ManagerOptions discovery;
};

class Manager {
 public:
  Manager(storage::Appendable& storage, ingest::MetadataSink* metadata, const Clock& clock,
          ManagerOptions options = {});
  ~Manager();  // Stop()
  Manager(const Manager&) = delete;
  Manager& operator=(const Manager&) = delete;

  // Makes `jobs` the scrape configuration. Fails (and changes nothing) when
  // a job's HTTP client cannot be built, e.g. an unreadable CA file.
  Status ApplyConfig(const std::vector<std::shared_ptr<const ScrapeConfig>>& jobs);
  // Stops discovery and every pool quietly (no stale markers, as upstream at
  // shutdown) and joins the threads.
  void Stop();

  std::vector<std::string> PoolNames() const;  // sorted
  std::vector<TargetView> ActiveTargets() const;
  std::vector<TargetView> DroppedTargets() const;
  std::map<std::string, size_t> DroppedTargetCounts() const;
  std::vector<ScrapePool::TargetMetadata> TargetsMetadata() const;
  // The manager's own counters and summaries (scrape/scrape_metrics.h).
  const ScrapeMetrics& metrics() const { return metrics_; }
  // prometheus_target_metadata_cache_entries/_bytes by job.
  std::map<std::string, ScrapePool::MetadataCacheSize> MetadataCacheSizes() const;
  // prometheus_sd_*{name="scrape"}: the discovery manager's figures.
  discovery::ManagerFigures DiscoveryFigures() const;

 private:
  void SyncGroups(const discovery::TargetGroupsByJob& jobs);

  storage::Appendable& storage_;
  ingest::MetadataSink* metadata_;
  const Clock& clock_;
  const ManagerOptions options_;
  ScrapeMetrics metrics_;  // before the pools and loops that count into it
  boost::asio::io_context ioc_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::vector<std::thread> threads_;

  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<ScrapePool>> pools_;
  bool stopped_ = false;
  std::unique_ptr<discovery::Manager> discovery_;  // after pools_: destroyed (stopped) first
};

}  // namespace cairn::scrape
