// ScrapeLoop: scrapes one target every interval, as Prometheus' scrapeLoop:
// the first scrape waits for the target's hash-spread offset, then one scrape
// per tick; each fetch's body is appended (scrape/scrape_append.h) with the
// scrape time aligned to the tick when within 2 ms (Prometheus'
// AlignScrapeTimestamps, which keeps timestamp deltas at zero and chunks
// small), followed by the report series up, scrape_duration_seconds,
// scrape_samples_scraped, scrape_samples_post_metric_relabeling and
// scrape_series_added (plus scrape_timeout_seconds, scrape_sample_limit and
// scrape_body_size_bytes with extra-scrape-metrics), committed together.
//
// Stopping: Stop(kEndOfRun) is for a target that went away: one interval
// later (two ticks plus 10%, as upstream) the series of its last scrape and
// its report series get stale markers, unless the pool has an equal target
// running again by then. Stop(kQuiet) writes nothing: for shutdown, a removed
// job and a reload that replaces the loop, as Prometheus does.
//
// Thread-safety: Start/Stop from any thread; the work runs on a strand of
// the executor given. The loop keeps itself alive while work is pending.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "ingest/metadata_sink.h"
#include "scrape/http/target_fetcher.h"
#include "scrape/scrape_cache.h"
#include "scrape/scrape_config.h"
#include "scrape/scrape_metrics.h"
#include "scrape/target.h"
#include "storage/appender.h"
#include "util/clock.h"

namespace cairn::scrape {

struct LoopDeps {
  storage::Appendable* storage = nullptr;
  ingest::MetadataSink* metadata = nullptr;  // may be null
  const Clock* clock = nullptr;
  bool extra_metrics = false;  // --enable-feature=extra-scrape-metrics
  bool series_limit = false;   // ManagerOptions::series_limit
  uint64_t offset_seed = 0;    // spreads targets of the same hash differently per server
  ScrapeMetrics* metrics = nullptr;  // may be null; outlives the loops
};

class ScrapeLoop : public std::enable_shared_from_this<ScrapeLoop> {
 public:
  enum class StopMode { kQuiet, kEndOfRun };

  // `cache` carries a replaced loop's state over a reload (null: a new one);
  // such a loop counts as having scraped, so that Stop(kEndOfRun) before its
  // own first scrape still marks the old loop's series stale.
  // `still_wanted` is asked before end-of-run stale markers are written: true
  // when an equal target is being scraped again, so they must not be.
  ScrapeLoop(boost::asio::any_io_executor executor, std::shared_ptr<Target> target,
             std::shared_ptr<const ScrapeConfig> config, std::shared_ptr<const http::Client> client, LoopDeps deps,
             std::function<bool()> still_wanted = nullptr, std::shared_ptr<ScrapeCache> cache = nullptr);
  ~ScrapeLoop();

  void Start();
  void Stop(StopMode mode);
  // A pool-wide failure (target_limit exceeded): while set, scrapes fail with
  // it without fetching; OK clears it.
  void SetForcedError(Status err);

  const std::shared_ptr<Target>& target() const { return target_; }
  // The families this target exposed recently (/api/v1/targets/metadata).
  std::map<std::string, storage::Metadata> Metadata() const { return cache_->metadata(); }
  const std::shared_ptr<ScrapeCache>& cache() const { return cache_; }
  // Scrapes done so far (for tests).
  uint64_t scrapes() const { return scrapes_.load(); }

 private:
  void ScheduleNext();
  void ScrapeOnce();
  void OnFetched(int64_t scrape_ms, std::chrono::steady_clock::time_point started, Result<http::FetchResult> r);
  void AppendReport(storage::Appender& app, int64_t t_ms, double duration_s, const AppendResult& res,
                    const Status& err, int64_t body_bytes, bool stale);

  boost::asio::strand<boost::asio::any_io_executor> strand_;
  boost::asio::steady_timer timer_;
  std::shared_ptr<Target> target_;
  std::shared_ptr<const ScrapeConfig> config_;
  std::shared_ptr<const http::Client> client_;
  LoopDeps deps_;
  std::function<bool()> still_wanted_;
  std::unique_ptr<http::TargetFetcher> fetcher_;
  std::string accept_;
  std::shared_ptr<ScrapeCache> cache_;
  // up, scrape_duration_seconds, ...: labels built once, appended by ref.
  struct ReportSeries {
    storage::Labels labels;
    storage::SeriesRef ref = 0;
  };
  std::map<std::string, ReportSeries> report_series_;
  bool stopped_ = false;
  Status forced_error_;  // on the strand
  std::chrono::steady_clock::time_point next_tick_;
  std::chrono::steady_clock::time_point last_start_;  // of the previous scrape, for interval_length
  int64_t aligned_ms_ = 0;      // the tick's scrape time, for alignment
  int64_t last_scrape_ms_ = 0;  // 0 until the first scrape
  const bool carried_;          // took over a replaced loop's cache
  std::atomic<uint64_t> scrapes_{0};
};

}  // namespace cairn::scrape
