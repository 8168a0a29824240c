// The remote-write queues' self-metrics on /metrics, with Prometheus 2.42's
// names, help texts, types and labels (storage/remote/queue_manager.go,
// storage/remote/write.go, tsdb/wlog/watcher.go upstream), so the standard
// remote-write dashboards read them unchanged.
#include <algorithm>

#include "server/self_metrics.h"

namespace cairn::server {
namespace {

using metrics::MetricSample;
using Figures = remote::QueueFigures;

metrics::LabelPairs QueueLabels(const Figures& f) { return {{"remote_name", f.remote_name}, {"url", f.url}}; }

}  // namespace

void SelfMetrics::AddRemoteWriteFigures(std::function<std::vector<Figures>()> figures,
                                        std::function<uint64_t()> dropped_segments) {
  auto per_queue = [&](std::string name, std::string help, const char* type, double (*value)(const Figures&)) {
    registry_.AddCallback(std::move(name), std::move(help), type, [figures, value](std::vector<MetricSample>* out) {
      for (const Figures& f : figures()) out->push_back({"", QueueLabels(f), value(f)});
    });
  };
  per_queue("prometheus_remote_storage_samples_total", "Total number of samples sent to remote storage.", "counter",
            [](const Figures& f) { return static_cast<double>(f.samples_total); });
  per_queue("prometheus_remote_storage_samples_failed_total",
            "Total number of samples which failed on send to remote storage, non-recoverable errors.", "counter",
            [](const Figures& f) { return static_cast<double>(f.samples_failed_total); });
  per_queue("prometheus_remote_storage_samples_retried_total",
            "Total number of samples which failed on send to remote storage but were retried because the send error "
            "was recoverable.",
            "counter", [](const Figures& f) { return static_cast<double>(f.samples_retried_total); });
  per_queue("prometheus_remote_storage_samples_dropped_total",
            "Total number of samples which were dropped after being read from the WAL before being sent via remote "
            "write, either via relabelling or unintentionally because of an unknown reference ID.",
            "counter", [](const Figures& f) { return static_cast<double>(f.samples_dropped_total); });
  per_queue("prometheus_remote_storage_samples_pending",
            "The number of samples pending in the queues shards to be sent to the remote storage.", "gauge",
            [](const Figures& f) { return static_cast<double>(f.samples_pending); });
  per_queue("prometheus_remote_storage_enqueue_retries_total",
            "Total number of times enqueue has failed because a shards queue was full.", "counter",
            [](const Figures& f) { return static_cast<double>(f.enqueue_retries_total); });
  per_queue("prometheus_remote_storage_shards", "The number of shards used for parallel sending to the remote storage.",
            "gauge", [](const Figures& f) { return static_cast<double>(f.shards); });
  per_queue("prometheus_remote_storage_shards_desired",
            "The number of shards that the queues shard calculation wants to run based on the rate of samples in vs. "
            "samples out.",
            "gauge", [](const Figures& f) { return static_cast<double>(f.shards_desired); });
  per_queue("prometheus_remote_storage_shards_min", "The minimum number of shards that the queue is allowed to run.",
            "gauge", [](const Figures& f) { return static_cast<double>(f.shards_min); });
  per_queue("prometheus_remote_storage_shards_max", "The maximum number of shards that the queue is allowed to run.",
            "gauge", [](const Figures& f) { return static_cast<double>(f.shards_max); });
  per_queue("prometheus_remote_storage_shard_capacity",
            "The capacity of each shard of the queue used for parallel sending to the remote storage.", "gauge",
            [](const Figures& f) { return static_cast<double>(f.shard_capacity); });
  per_queue("prometheus_remote_storage_max_samples_per_send",
            "The maximum number of samples to be sent, in a single request, to the remote storage.", "gauge",
            [](const Figures& f) { return static_cast<double>(f.max_samples_per_send); });
  per_queue("prometheus_remote_storage_queue_highest_sent_timestamp_seconds",
            "Timestamp from a WAL sample, the highest timestamp successfully sent by this queue, in seconds since "
            "epoch.",
            "gauge", [](const Figures& f) { return f.highest_sent_timestamp_seconds; });
  per_queue("prometheus_remote_storage_metadata_total", "Total number of metadata entries sent to remote storage.",
            "counter", [](const Figures& f) { return static_cast<double>(f.metadata_total); });
  per_queue("prometheus_remote_storage_metadata_failed_total",
            "Total number of metadata entries which failed on send to remote storage, non-recoverable errors.",
            "counter", [](const Figures& f) { return static_cast<double>(f.metadata_failed_total); });
  per_queue("prometheus_remote_storage_metadata_retried_total",
            "Total number of metadata entries which failed on send to remote storage but were retried because the "
            "send error was recoverable.",
            "counter", [](const Figures& f) { return static_cast<double>(f.metadata_retried_total); });
  per_queue("prometheus_remote_storage_metadata_bytes_total",
            "The total number of bytes of metadata sent by the queue after compression.", "counter",
            [](const Figures& f) { return static_cast<double>(f.metadata_bytes_total); });
  per_queue("prometheus_remote_storage_bytes_total",
            "The total number of bytes of data (not metadata) sent by the queue after compression.", "counter",
            [](const Figures& f) { return static_cast<double>(f.bytes_total); });
  registry_.AddCallback("prometheus_remote_storage_sent_batch_duration_seconds",
                        "Duration of send calls to the remote storage.", "histogram",
                        [figures](std::vector<MetricSample>* out) {
                          for (const Figures& f : figures()) {
                            for (size_t i = 0; i < f.duration_bounds.size(); ++i) {
                              metrics::LabelPairs l = QueueLabels(f);
                              l.emplace_back("le", metrics::FormatMetricValue(f.duration_bounds[i]));
                              out->push_back({"_bucket", std::move(l), static_cast<double>(f.duration_buckets[i])});
                            }
                            metrics::LabelPairs inf = QueueLabels(f);
                            inf.emplace_back("le", "+Inf");
                            out->push_back({"_bucket", std::move(inf), static_cast<double>(f.duration_count)});
                            out->push_back({"_sum", QueueLabels(f), f.duration_sum});
                            out->push_back({"_count", QueueLabels(f), static_cast<double>(f.duration_count)});
                          }
                        });
  // Process-wide figures (no queue labels upstream).
  registry_.AddCallback("prometheus_remote_storage_samples_in_total",
                        "Samples in to remote storage, compare to samples out for queue managers.", "counter",
                        [figures](std::vector<MetricSample>* out) {
                          double in = 0;
                          for (const Figures& f : figures()) in = std::max(in, static_cast<double>(f.samples_in_total));
                          out->push_back({"", {}, in});
                        });
  registry_.AddCallback("prometheus_remote_storage_highest_timestamp_in_seconds",
                        "Highest timestamp that has come into the remote storage via the Appender interface, in "
                        "seconds since epoch.",
                        "gauge", [figures](std::vector<MetricSample>* out) {
                          double hi = 0;
                          for (const Figures& f : figures()) hi = std::max(hi, f.highest_timestamp_seconds);
                          out->push_back({"", {}, hi});
                        });
  registry_.AddCallback("prometheus_wal_watcher_current_segment",
                        "Current segment the WAL watcher is reading records from.", "gauge",
                        [figures](std::vector<MetricSample>* out) {
                          for (const Figures& f : figures()) {
                            out->push_back({"", {{"consumer", f.remote_name}}, static_cast<double>(f.wal_segment)});
                          }
                        });
  registry_.AddCallback("prometheus_wal_watcher_records_read_total",
                        "Number of records read by the WAL watcher from the WAL.", "counter",
                        [figures](std::vector<MetricSample>* out) {
                          for (const Figures& f : figures()) {
                            out->push_back({"", {{"consumer", f.remote_name}, {"type", "series"}},
                                            static_cast<double>(f.wal_series_records_total)});
                            out->push_back({"", {{"consumer", f.remote_name}, {"type", "samples"}},
                                            static_cast<double>(f.wal_sample_records_total)});
                          }
                        });
  registry_.AddCallback("cairn_remote_storage_wal_segments_skipped_total",
                        "WAL segments a remote-write queue skipped unread or partly read: deleted past "
                        "--storage.remote.max-wal-retention-size, or damaged.",
                        "counter", [figures](std::vector<MetricSample>* out) {
                          for (const Figures& f : figures()) {
                            out->push_back({"", QueueLabels(f), static_cast<double>(f.wal_segments_skipped_total)});
                          }
                        });
  registry_.AddCallback("cairn_storage_wal_segments_dropped_unread_total",
                        "WAL segments deleted while a remote-write queue still needed them, because the kept WAL "
                        "passed --storage.remote.max-wal-retention-size.",
                        "counter", [dropped_segments](std::vector<MetricSample>* out) {
                          out->push_back({"", {}, static_cast<double>(dropped_segments())});
                        });
}

void SelfMetrics::AddRemoteReadFigures(std::function<std::vector<remote::ReadFigures>()> figures) {
  auto labels = [](const remote::ReadFigures& f) { return metrics::LabelPairs{{"remote_name", f.remote_name}, {"url", f.url}}; };
  registry_.AddCallback("prometheus_remote_storage_read_queries_total", "The total number of remote read queries.",
                        "counter", [figures, labels](std::vector<MetricSample>* out) {
                          for (const remote::ReadFigures& f : figures()) {
                            for (const auto& [code, n] : f.answered_by_code) {
                              metrics::LabelPairs l = labels(f);
                              l.emplace_back("code", std::to_string(code));
                              out->push_back({"", std::move(l), static_cast<double>(n)});
                            }
                          }
                        });
  registry_.AddCallback("prometheus_remote_storage_remote_read_queries",
                        "The number of in-flight remote read queries.", "gauge",
                        [figures, labels](std::vector<MetricSample>* out) {
                          for (const remote::ReadFigures& f : figures()) {
                            out->push_back({"", labels(f), static_cast<double>(f.in_flight)});
                          }
                        });
  registry_.AddCallback("prometheus_remote_storage_read_request_duration_seconds",
                        "Histogram of the latency for remote read requests.", "histogram",
                        [figures, labels](std::vector<MetricSample>* out) {
                          const auto& bounds = remote::ReadMetrics::DurationBounds();
                          for (const remote::ReadFigures& f : figures()) {
                            for (size_t i = 0; i < bounds.size(); ++i) {
                              metrics::LabelPairs l = labels(f);
                              l.emplace_back("le", metrics::FormatMetricValue(bounds[i]));
                              out->push_back({"_bucket", std::move(l), static_cast<double>(f.duration_buckets[i])});
                            }
                            metrics::LabelPairs inf = labels(f);
                            inf.emplace_back("le", "+Inf");
                            out->push_back({"_bucket", std::move(inf), static_cast<double>(f.duration_count)});
                            out->push_back({"_sum", labels(f), f.duration_sum});
                            out->push_back({"_count", labels(f), static_cast<double>(f.duration_count)});
                          }
                        });
}

}  // namespace cairn::server
