// The scrape manager's and discovery's self-metrics on /metrics, with
// Prometheus' names, help texts, types and labels (scrape/metrics.go,
// discovery/metrics.go, discovery/metrics_refresh.go upstream).
#include <limits>

#include "scrape/manager.h"
#include "server/self_metrics.h"
#include "util/clock.h"

namespace cairn::server {
namespace {

using metrics::MetricSample;

// client_golang's default objectives for these summaries.
const std::vector<double> kTargetQuantiles = {0.01, 0.05, 0.5, 0.9, 0.99};
const std::vector<double> kRefreshQuantiles = {0.5, 0.9, 0.99};

std::string QuantileText(double q) { return metrics::FormatMetricValue(q); }

void EmitSummary(std::vector<MetricSample>* out, const metrics::LabelPairs& labels, const WindowedSummary& s,
                 const std::vector<double>& ranks, int64_t now_ms) {
  const WindowedSummary::Figures f = s.Snapshot(ranks, now_ms);
  for (size_t i = 0; i < ranks.size(); ++i) {
    metrics::LabelPairs l = labels;
    l.emplace_back("quantile", QuantileText(ranks[i]));
    out->push_back({"", std::move(l), f.quantiles[i]});
  }
  out->push_back({"_sum", labels, f.sum});
  out->push_back({"_count", labels, static_cast<double>(f.count)});
}

}  // namespace

void SelfMetrics::AddScrapeManagerMetrics(const scrape::Manager& scrapes, const Clock& clock) {
  const scrape::ScrapeMetrics& m = scrapes.metrics();
  auto counter = [&](std::string name, std::string help, const std::atomic<uint64_t>& value) {
    registry_.AddCallback(std::move(name), std::move(help), "counter", [&value](std::vector<MetricSample>* out) {
      out->push_back({"", {}, static_cast<double>(value.load(std::memory_order_relaxed))});
    });
  };
  registry_.AddCallback("prometheus_target_interval_length_seconds", "Actual intervals between scrapes.", "summary",
                        [&m, &clock](std::vector<MetricSample>* out) {
                          for (const auto& [interval, s] : m.IntervalLengths()) {
                            EmitSummary(out, {{"interval", interval}}, *s, kTargetQuantiles, clock.NowMs());
                          }
                        });
  registry_.AddCallback("prometheus_target_sync_length_seconds", "Actual interval to sync the scrape pool.", "summary",
                        [&m, &clock](std::vector<MetricSample>* out) {
                          for (const auto& [job, s] : m.SyncLengths()) {
                            EmitSummary(out, {{"scrape_job", job}}, *s, kTargetQuantiles, clock.NowMs());
                          }
                        });
  registry_.AddCallback("prometheus_target_metadata_cache_bytes",
                        "The number of bytes that are currently used for storing metric metadata in the cache",
                        "gauge", [&scrapes](std::vector<MetricSample>* out) {
                          for (const auto& [job, c] : scrapes.MetadataCacheSizes()) {
                            out->push_back({"", {{"scrape_job", job}}, static_cast<double>(c.bytes)});
                          }
                        });
  registry_.AddCallback("prometheus_target_metadata_cache_entries",
                        "Total number of metric metadata entries in the cache", "gauge",
                        [&scrapes](std::vector<MetricSample>* out) {
                          for (const auto& [job, c] : scrapes.MetadataCacheSizes()) {
                            out->push_back({"", {{"scrape_job", job}}, static_cast<double>(c.entries)});
                          }
                        });
  counter("prometheus_target_scrape_pool_exceeded_label_limits_total",
          "Total number of times scrape pools hit the label limits, during sync or config reload.",
          m.exceeded_label_limits);
  counter("prometheus_target_scrape_pool_exceeded_target_limit_total",
          "Total number of times scrape pools hit the target limit, during sync or config reload.",
          m.exceeded_target_limit);
  counter("prometheus_target_scrape_pool_reloads_failed_total", "Total number of failed scrape pool reloads.",
          m.pool_reloads_failed);
  counter("prometheus_target_scrape_pool_reloads_total", "Total number of scrape pool reloads.", m.pool_reloads);
  counter("prometheus_target_scrape_pools_failed_total", "Total number of scrape pool creations that failed.",
          m.pools_failed);
  counter("prometheus_target_scrape_pools_total", "Total number of scrape pool creation attempts.", m.pools);
  counter("prometheus_target_scrapes_exceeded_body_size_limit_total",
          "Total number of scrapes that hit the body size limit", m.exceeded_body_size_limit);
  counter("prometheus_target_scrapes_exceeded_sample_limit_total",
          "Total number of scrapes that hit the sample limit and were rejected.", m.exceeded_sample_limit);
  counter("prometheus_target_scrapes_sample_duplicate_timestamp_total",
          "Total number of samples rejected due to duplicate timestamps but different values.",
          m.sample_duplicate_timestamp);
  // Cairn's storage accepts out-of-order and old samples (shared/DESIGN.md,
  // Head), so these two count what it refuses as such: nothing, ever. They
  // are kept because Prometheus' dashboards plot them.
  counter("prometheus_target_scrapes_sample_out_of_bounds_total",
          "Total number of samples rejected due to timestamp falling outside of the time bounds.",
          m.sample_out_of_bounds);
  counter("prometheus_target_scrapes_sample_out_of_order_total",
          "Total number of samples rejected due to not being out of the expected order.", m.sample_out_of_order);

  registry_.AddCallback("prometheus_sd_received_updates_total",
                        "Total number of update events received from the SD providers.", "counter",
                        [&scrapes](std::vector<MetricSample>* out) {
                          out->push_back({"", {{"name", "scrape"}},
                                          static_cast<double>(scrapes.DiscoveryFigures().received_updates)});
                        });
  registry_.AddCallback("prometheus_sd_updates_total", "Total number of update events sent to the SD consumers.",
                        "counter", [&scrapes](std::vector<MetricSample>* out) {
                          out->push_back({"", {{"name", "scrape"}},
                                          static_cast<double>(scrapes.DiscoveryFigures().sent_updates)});
                        });
  // Every sd config is checked when prometheus.yml is parsed, and a file
  // with a bad one is refused whole: no configuration runs failed, so this
  // is 0 by construction, not by omission.
  registry_.AddCallback("prometheus_sd_failed_configs",
                        "Current number of service discovery configurations that failed to load.", "gauge",
                        [](std::vector<MetricSample>* out) { out->push_back({"", {{"name", "scrape"}}, 0}); });
  registry_.AddCallback("prometheus_sd_refresh_failures_total",
                        "Number of refresh failures for the given SD mechanism.", "counter",
                        [&scrapes](std::vector<MetricSample>* out) {
                          for (const auto& r : scrapes.DiscoveryFigures().refreshes) {
                            out->push_back({"", {{"config", r.config}, {"mechanism", r.mechanism}},
                                            static_cast<double>(r.failures)});
                          }
                        });
  registry_.AddCallback("prometheus_sd_refresh_duration_seconds",
                        "The duration of a refresh in seconds for the given SD mechanism.", "summary",
                        [&scrapes, &clock](std::vector<MetricSample>* out) {
                          for (const auto& r : scrapes.DiscoveryFigures().refreshes) {
                            EmitSummary(out, {{"config", r.config}, {"mechanism", r.mechanism}}, *r.duration,
                                        kRefreshQuantiles, clock.NowMs());
                          }
                        });
}

}  // namespace cairn::server
