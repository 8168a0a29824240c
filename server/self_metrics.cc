#include "server/self_metrics.h"

#include "ingest/remote_write.h"
#include "server/build_info.h"
#include "server/metrics/process_collector.h"

namespace cairn::server {
namespace {

// The label limits' reasons, in SelfMetrics::label_limit_refused_ order.
constexpr std::array<std::string_view, 3> kLabelLimitReasons = {
    ingest::kReasonMaxLabelNames, ingest::kReasonMaxLabelNameLength, ingest::kReasonMaxLabelValueLength};

using metrics::MetricSample;

// A gauge or counter family reading one figure of StorageStats.
void AddStorageFamily(metrics::Registry& r, std::string name, std::string help, const char* type,
                      std::function<StorageStats()> stats, std::function<double(const StorageStats&)> pick) {
  r.AddCallback(std::move(name), std::move(help), type,
                [stats = std::move(stats), pick = std::move(pick)](std::vector<MetricSample>* out) {
                  out->push_back({"", {}, pick(stats())});
                });
}

}  // namespace

SelfMetrics::SelfMetrics(const ServerState& state, std::function<StorageStats()> storage_stats) {
  const BuildInfo& b = GetBuildInfo();
  registry_.AddCallback("prometheus_build_info",
                        "A metric with a constant '1' value labeled by version, revision, branch, goversion from "
                        "which prometheus was built, and the goos and goarch for the build.",
                        "gauge", [b](std::vector<MetricSample>* out) {
                          out->push_back({"",
                                          {{"branch", b.branch},
                                           {"goarch", "amd64"},
                                           {"goos", "linux"},
                                           {"goversion", b.compiler},
                                           {"revision", b.revision},
                                           {"tags", "cairn"},
                                           {"version", b.version}},
                                          1});
                        });
  registry_.AddCallback("prometheus_ready", "Whether Prometheus startup was fully completed and the server is ready "
                        "for normal operation.", "gauge",
                        [&state](std::vector<MetricSample>* out) { out->push_back({"", {}, state.ready() ? 1.0 : 0.0}); });
  registry_.AddCallback("prometheus_config_last_reload_successful",
                        "Whether the last configuration reload attempt was successful.", "gauge",
                        [&state](std::vector<MetricSample>* out) {
                          out->push_back({"", {}, state.last_reload_ok() ? 1.0 : 0.0});
                        });
  registry_.AddCallback("prometheus_config_last_reload_success_timestamp_seconds",
                        "Timestamp of the last successful configuration reload.", "gauge",
                        [&state](std::vector<MetricSample>* out) {
                          out->push_back({"", {}, static_cast<double>(state.last_reload_success_ms()) / 1000});
                        });
  auto s = std::move(storage_stats);
  AddStorageFamily(registry_, "prometheus_tsdb_head_series", "Total number of series in the head block.", "gauge", s,
                   [](const StorageStats& st) { return static_cast<double>(st.head_series); });
  AddStorageFamily(registry_, "prometheus_tsdb_head_chunks", "Total number of chunks in the head block.", "gauge", s,
                   [](const StorageStats& st) { return static_cast<double>(st.head_chunks); });
  AddStorageFamily(registry_, "prometheus_tsdb_head_samples_appended_total", "Total number of appended samples.",
                   "counter", s, [](const StorageStats& st) { return static_cast<double>(st.samples_appended_total); });
  AddStorageFamily(registry_, "prometheus_tsdb_head_series_created_total",
                   "Total number of series created in the head", "counter", s,
                   [](const StorageStats& st) { return static_cast<double>(st.series_created_total); });
  AddStorageFamily(registry_, "prometheus_tsdb_out_of_order_samples_total",
                   "Total number of out of order samples ingested.", "counter", s,
                   [](const StorageStats& st) { return static_cast<double>(st.out_of_order_samples_total); });
  AddStorageFamily(registry_, "prometheus_tsdb_head_min_time",
                   "Minimum time bound of the head block. The unit is decided by the library consumer.", "gauge", s,
                   [](const StorageStats& st) { return static_cast<double>(st.min_time_ms); });
  AddStorageFamily(registry_, "prometheus_tsdb_head_max_time",
                   "Maximum timestamp of the head block. The unit is decided by the library consumer.", "gauge", s,
                   [](const StorageStats& st) { return static_cast<double>(st.max_time_ms); });
  AddStorageFamily(registry_, "prometheus_tsdb_head_min_time_seconds", "Minimum time bound of the head block.",
                   "gauge", s, [](const StorageStats& st) { return static_cast<double>(st.min_time_ms) / 1000; });
  AddStorageFamily(registry_, "prometheus_tsdb_head_max_time_seconds", "Maximum timestamp of the head block.",
                   "gauge", s, [](const StorageStats& st) { return static_cast<double>(st.max_time_ms) / 1000; });
  AddStorageFamily(registry_, "prometheus_tsdb_storage_blocks_bytes",
                   "The number of bytes that are currently used for local storage by all blocks.", "gauge", s,
                   [](const StorageStats& st) { return static_cast<double>(st.disk_bytes); });
  registry_.AddCallback("prometheus_tsdb_wal_fsync_duration_seconds", "Duration of write log fsync.", "summary",
                        [s](std::vector<MetricSample>* out) {
                          StorageStats st = s();
                          out->push_back({"_sum", {}, st.wal_fsync_seconds_total});
                          out->push_back({"_count", {}, static_cast<double>(st.wal_fsyncs_total)});
                        });
  registry_.AddCallback("cairn_tsdb_bytes_written_total",
                        "Bytes the storage engine wrote to its files since start, by cause: wal (Cairn's WAL), "
                        "checkpoint (head states, which also go through rocksdb_log and later rocksdb_flush), "
                        "rocksdb_log, rocksdb_flush and rocksdb_compaction.",
                        "counter", [s](std::vector<MetricSample>* out) {
                          for (const auto& [source, bytes] : s().bytes_written) {
                            out->push_back({"", {{"source", source}}, bytes});
                          }
                        });
  http_requests_ = registry_.Add(std::make_unique<metrics::CounterVec>(
      "prometheus_http_requests_total", "Counter of HTTP requests.", std::vector<std::string>{"code", "handler"}));
  http_duration_ = registry_.Add(std::make_unique<metrics::HistogramVec>(
      "prometheus_http_request_duration_seconds", "Histogram of latencies for HTTP requests.",
      std::vector<std::string>{"handler"},
      std::vector<double>{0.1, 0.2, 0.4, 1, 3, 8, 20, 60, 120}));
  rw_rejected_ = registry_.Add(std::make_unique<metrics::CounterVec>(
      "cairn_remote_write_samples_rejected_total", "Samples of remote write requests that were not stored, by reason.",
      std::vector<std::string>{"reason"}));
  registry_.AddCallback(
      "cairn_ingest_refused_samples_total",
      "Samples refused by an ingest limit, by reason: max_series (a new series past --storage.max-series, any "
      "path), max_label_names_per_series, max_label_name_length, max_label_value_length (remote write).",
      "counter", [this, s](std::vector<MetricSample>* out) {
        out->push_back({"", {{"reason", std::string(ingest::kReasonMaxSeries)}},
                        static_cast<double>(s().series_limit_refused_total)});
        for (size_t i = 0; i < kLabelLimitReasons.size(); ++i) {
          out->push_back({"", {{"reason", std::string(kLabelLimitReasons[i])}},
                          static_cast<double>(label_limit_refused_[i].load(std::memory_order_relaxed))});
        }
      });
  metrics::RegisterProcessMetrics(registry_);
}

void SelfMetrics::ObserveRequest(std::string_view handler, int code, double seconds) {
  http_requests_->Inc({std::to_string(code), std::string(handler)});
  http_duration_->Observe({std::string(handler)}, seconds);
}

void SelfMetrics::RemoteWriteRejected(const std::string& reason, int64_t n) {
  rw_rejected_->Add({reason}, static_cast<double>(n));
  for (size_t i = 0; i < kLabelLimitReasons.size(); ++i) {
    if (reason == kLabelLimitReasons[i]) label_limit_refused_[i].fetch_add(n, std::memory_order_relaxed);
  }
}

void SelfMetrics::AddQueryFigures(std::function<QueryFigures()> figures) {
  auto add = [&](std::string name, std::string help, const char* type, int64_t QueryFigures::*field) {
    registry_.AddCallback(std::move(name), std::move(help), type, [figures, field](std::vector<MetricSample>* out) {
      out->push_back({"", {}, static_cast<double>(figures().*field)});
    });
  };
  add("prometheus_engine_queries", "The current number of queries being executed or waiting.", "gauge",
      &QueryFigures::active);
  add("prometheus_engine_queries_concurrent_max", "The max number of concurrent queries.", "gauge",
      &QueryFigures::max_concurrency);
  add("cairn_engine_queries_canceled_total", "Queries canceled because their HTTP client went away.", "counter",
      &QueryFigures::canceled_total);
  add("cairn_engine_queries_waiting", "Queries waiting for a slot under --query.max-concurrency.", "gauge",
      &QueryFigures::waiting);
  registry_.AddCallback(
      "prometheus_engine_query_duration_seconds", "Query timings", "summary",
      [figures](std::vector<MetricSample>* out) {
        const QueryFigures f = figures();
        if (!f.queue_wait) return;
        static const std::vector<double> kRanks = {0.5, 0.9, 0.99};
        const WindowedSummary::Figures w = f.queue_wait(kRanks);
        for (size_t i = 0; i < kRanks.size(); ++i) {
          out->push_back({"", {{"quantile", metrics::FormatMetricValue(kRanks[i])}, {"slice", "queue_time"}},
                          w.quantiles[i]});
        }
        out->push_back({"_sum", {{"slice", "queue_time"}}, w.sum});
        out->push_back({"_count", {{"slice", "queue_time"}}, static_cast<double>(w.count)});
      });
}

void SelfMetrics::AddScrapeFigures(std::function<std::vector<PoolTargets>()> figures) {
  registry_.AddCallback("prometheus_target_scrape_pool_targets", "Current number of targets in this scrape pool.",
                        "gauge", [figures](std::vector<MetricSample>* out) {
                          for (const auto& p : figures()) {
                            out->push_back({"", {{"scrape_job", p.job}}, static_cast<double>(p.active)});
                          }
                        });
  registry_.AddCallback("prometheus_sd_discovered_targets", "Current number of discovered targets.", "gauge",
                        [figures](std::vector<MetricSample>* out) {
                          for (const auto& p : figures()) {
                            out->push_back({"", {{"config", p.job}, {"name", "scrape"}},
                                            static_cast<double>(p.discovered)});
                          }
                        });
}

void SelfMetrics::AddNotifierFigures(std::function<notifier::NotifierFigures()> figures) {
  registry_.AddCallback("prometheus_notifications_latency_seconds", "Latency quantiles for sending alert notifications.",
                        "summary", [figures](std::vector<MetricSample>* out) {
                          for (const auto& am : figures().alertmanagers) {
                            for (const auto& [phi, v] : am.latency.quantiles) {
                              out->push_back({"", {{"alertmanager", am.url}, {"quantile", metrics::FormatMetricValue(phi)}}, v});
                            }
                            out->push_back({"_sum", {{"alertmanager", am.url}}, am.latency.sum});
                            out->push_back({"_count", {{"alertmanager", am.url}}, static_cast<double>(am.latency.count)});
                          }
                        });
  auto per_am = [&](std::string name, std::string help, const char* type,
                    std::function<double(const notifier::AlertmanagerFigures&)> value) {
    registry_.AddCallback(std::move(name), std::move(help), type, [figures, value](std::vector<MetricSample>* out) {
      for (const auto& am : figures().alertmanagers) out->push_back({"", {{"alertmanager", am.url}}, value(am)});
    });
  };
  per_am("prometheus_notifications_errors_total", "Total number of sent alerts affected by errors.", "counter",
         [](const auto& am) { return static_cast<double>(am.errors); });
  per_am("prometheus_notifications_sent_total", "Total number of alerts sent.", "counter",
         [](const auto& am) { return static_cast<double>(am.sent); });
  per_am("prometheus_notifications_dropped_total",
         "Total number of alerts dropped due to errors when sending to Alertmanager.", "counter",
         [](const auto& am) { return static_cast<double>(am.dropped); });
  per_am("prometheus_notifications_queue_length", "The number of alert notifications in the queue.", "gauge",
         [](const auto& am) { return static_cast<double>(am.queue_length); });
  registry_.AddCallback("prometheus_notifications_queue_capacity", "The capacity of the alert notifications queue.",
                        "gauge", [figures](std::vector<MetricSample>* out) {
                          out->push_back({"", {}, static_cast<double>(figures().queue_capacity)});
                        });
  registry_.AddCallback("prometheus_notifications_alertmanagers_discovered",
                        "The number of alertmanagers discovered and active.", "gauge",
                        [figures](std::vector<MetricSample>* out) {
                          out->push_back({"", {}, static_cast<double>(figures().alertmanagers_discovered)});
                        });
}

}  // namespace cairn::server
