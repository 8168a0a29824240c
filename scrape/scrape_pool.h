// ScrapePool: the targets of one job (Prometheus' scrapePool). Sync turns
// the job's discovered target groups into targets (scrape/target.h): new
// targets get a ScrapeLoop, vanished ones are stopped with end-of-run stale
// markers, unchanged ones keep their loop and state. Reload swaps the config:
// every loop restarts with it, quietly (no stale markers), keeping each
// target's cache so staleness carries across. target_limit fails the whole
// pool ("target_limit exceeded (number of targets: N, limit: L)") without
// scraping, as upstream.
// Thread-safety: every method may be called from any thread.
#pragma once

#include <boost/asio/any_io_executor.hpp>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "scrape/discovery/target_group.h"
#include "scrape/scrape_config.h"
#include "scrape/scrape_loop.h"

namespace cairn::scrape {

// One target as /api/v1/targets shows it.
struct TargetView {
  std::string pool;
  storage::Labels discovered;
  storage::Labels labels;  // public labels; empty for a dropped target
  std::string url;
  int64_t interval_ms = 0, timeout_ms = 0;
  TargetHealth health;
};

class ScrapePool {
 public:
  // Fails when the config's HTTP client cannot be set up (TLS files).
  static Result<std::unique_ptr<ScrapePool>> Create(boost::asio::any_io_executor executor,
                                                    std::shared_ptr<const ScrapeConfig> config, LoopDeps deps);
  ~ScrapePool();  // stops quietly

  void Sync(const std::vector<discovery::TargetGroup>& groups);
  Status Reload(std::shared_ptr<const ScrapeConfig> config);
  void Stop();  // quietly

  const std::string& name() const { return name_; }
  std::shared_ptr<const ScrapeConfig> config() const;
  std::vector<TargetView> ActiveTargets() const;
  std::vector<TargetView> DroppedTargets() const;  // at most keep_dropped_targets
  size_t DroppedCount() const;
  // (target public labels, family, metadata) of every active target.
  struct TargetMetadata {
    storage::Labels target;
    std::string family;
    storage::Metadata md;
  };
  std::vector<TargetMetadata> Metadata() const;
  // prometheus_target_metadata_cache_entries/_bytes of this pool: families
  // cached over its targets, and their type, help and unit bytes.
  struct MetadataCacheSize {
    uint64_t entries = 0;
    uint64_t bytes = 0;
  };
  MetadataCacheSize MetadataCache() const;
  // Errors of the last sync (invalid targets), for logging.
  std::vector<std::string> sync_errors() const;

 private:
  ScrapePool(boost::asio::any_io_executor executor, std::shared_ptr<const ScrapeConfig> config,
             std::shared_ptr<const http::Client> client, LoopDeps deps);
  struct Alive;
  std::shared_ptr<ScrapeLoop> NewLoop(std::shared_ptr<Target> target, std::shared_ptr<ScrapeCache> cache);

  const std::string name_;
  boost::asio::any_io_executor executor_;
  LoopDeps deps_;
  const std::shared_ptr<Alive> alive_;
  mutable std::mutex mu_;
  std::shared_ptr<const ScrapeConfig> config_;
  std::shared_ptr<const http::Client> client_;
  std::map<uint64_t, std::shared_ptr<ScrapeLoop>> loops_;  // by target hash
  std::vector<discovery::TargetGroup> last_groups_;
  static uint64_t CarryKey(const Target& t);
  std::map<uint64_t, std::shared_ptr<ScrapeCache>> carried_caches_;  // by CarryKey, over a reload
  std::vector<TargetView> dropped_;
  size_t dropped_count_ = 0;
  std::vector<std::string> sync_errors_;
  std::string limit_error_;  // target_limit exceeded
  bool stopped_ = false;
};

}  // namespace cairn::scrape
