// The server's own metrics on /metrics, with the names Prometheus dashboards
// expect (COMPAT.md §9): build info, readiness, config reloads, TSDB head
// figures, query engine load, HTTP requests, remote-write rejections, the
// notifier's queues and sends, and process_* metrics.
// Thread-safety: the instruments are safe from any thread; Render() too.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>
#include <memory>
#include <string>
#include <string_view>

#include "notifier/manager.h"
#include "remote/queue_manager.h"
#include "remote/read_metrics.h"
#include "server/metrics/counter_vec.h"
#include "server/metrics/histogram_vec.h"
#include "server/metrics/registry.h"
#include "server/server_state.h"
#include "util/windowed_summary.h"

namespace cairn {
class Clock;
namespace scrape {
class Manager;
}  // namespace scrape
}  // namespace cairn

namespace cairn::server {

// Storage figures sampled at each scrape (storage::DB's stats, or what the
// in-memory storage can tell).
struct StorageStats {
  int64_t head_series = 0;
  int64_t head_chunks = 0;
  int64_t samples_appended_total = 0;
  int64_t series_created_total = 0;
  int64_t out_of_order_samples_total = 0;
  int64_t duplicate_samples_total = 0;
  int64_t wal_fsyncs_total = 0;
  double wal_fsync_seconds_total = 0;
  int64_t min_time_ms = 0;
  int64_t max_time_ms = 0;
  int64_t disk_bytes = 0;
  int64_t series_limit_refused_total = 0;  // appends refused by --storage.max-series
  // Bytes the engine wrote, by cause (storage::DBStats): wal, checkpoint,
  // rocksdb_log, rocksdb_flush, rocksdb_compaction.
  std::vector<std::pair<std::string, double>> bytes_written;
};

// Query figures sampled at each scrape (the QueryExecutor and QueryRunner).
struct QueryFigures {
  int64_t active = 0;           // running or waiting for a slot
  int64_t max_concurrency = 0;  // --query.max-concurrency
  int64_t canceled_total = 0;   // ended because the client went away
  int64_t waiting = 0;          // waiting for a slot
  std::function<WindowedSummary::Figures(const std::vector<double>&)> queue_wait;  // seconds; may be empty
};

class SelfMetrics {
 public:
  // `state` must outlive this; `storage_stats` is called at every scrape.
  SelfMetrics(const ServerState& state, std::function<StorageStats()> storage_stats);

  // prometheus_http_requests_total{handler,code} and
  // prometheus_http_request_duration_seconds{handler}.
  void ObserveRequest(std::string_view handler, int code, double seconds);
  // cairn_remote_write_samples_rejected_total{reason}, and for the label
  // limits' reasons cairn_ingest_refused_samples_total{reason} too.
  void RemoteWriteRejected(const std::string& reason, int64_t n);
  // Registers prometheus_engine_queries, prometheus_engine_queries_concurrent_max,
  // prometheus_engine_query_duration_seconds{slice="queue_time"},
  // cairn_engine_queries_waiting and cairn_engine_queries_canceled_total,
  // read from `figures` at each scrape. Call once, before serving.
  void AddQueryFigures(std::function<QueryFigures()> figures);

  // Registers prometheus_target_scrape_pool_targets{scrape_job} and
  // prometheus_sd_discovered_targets{config,name="scrape"}, read from
  // `figures` (targets per job: active, and active plus dropped) at each
  // scrape. Call once, before serving.
  struct PoolTargets {
    std::string job;
    int64_t active = 0;
    int64_t discovered = 0;
  };
  void AddScrapeFigures(std::function<std::vector<PoolTargets>()> figures);

  // Registers a family read from `collect` at each scrape (parts that keep
  // their own figures, like the rule manager). Call before serving.
  void AddFamily(std::string name, std::string help, const char* type,
                 std::function<void(std::vector<metrics::MetricSample>*)> collect) {
    registry_.AddCallback(std::move(name), std::move(help), type, std::move(collect));
  }

  // Registers the scrape manager's own prometheus_target_* counters and
  // summaries and the discovery manager's prometheus_sd_* figures
  // (server/self_metrics_scrape.cc). `scrapes` and `clock` must outlive this.
  // Call once, before serving.
  void AddScrapeManagerMetrics(const scrape::Manager& scrapes, const Clock& clock);

  // Registers the prometheus_notifications_* families (latency summary,
  // sent/errors/dropped counters and queue length per alertmanager, queue
  // capacity, alertmanagers discovered), read from `figures` at each scrape.
  // Call once, before serving.
  void AddNotifierFigures(std::function<notifier::NotifierFigures()> figures);

  // Registers the prometheus_remote_storage_* families (per queue, labelled
  // remote_name and url, as upstream), prometheus_wal_watcher_* and
  // cairn_remote_storage_wal_segments_dropped_unread_total, read from
  // `figures` and `dropped_segments` at each scrape
  // (server/self_metrics_remote.cc). Call once, before serving.
  void AddRemoteWriteFigures(std::function<std::vector<remote::QueueFigures>()> figures,
                             std::function<uint64_t()> dropped_segments);
  // The remote_read clients' families (remote/read_metrics.h).
  void AddRemoteReadFigures(std::function<std::vector<remote::ReadFigures>()> figures);

  std::string Render() const { return registry_.Render(); }

 private:
  metrics::Registry registry_;
  metrics::CounterVec* http_requests_;
  metrics::HistogramVec* http_duration_;
  metrics::CounterVec* rw_rejected_;
  // Samples refused by the label limits, by kLabelLimitReasons' index;
  // max_series refusals come from StorageStats.
  std::array<std::atomic<int64_t>, 3> label_limit_refused_{};
};

}  // namespace cairn::server
