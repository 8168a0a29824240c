#include "scrape/scrape_metrics.h"

#include "util/duration.h"

namespace cairn::scrape {
namespace {

std::shared_ptr<WindowedSummary> SummaryFor(ScrapeMetrics::Summaries& m, const std::string& key) {
  auto& s = m[key];
  if (!s) s = std::make_shared<WindowedSummary>();
  return s;
}

}  // namespace

void ScrapeMetrics::ObserveInterval(int64_t interval_ms, double seconds, int64_t now_ms) {
  std::shared_ptr<WindowedSummary> s;
  {
    std::lock_guard lock(mu_);
    s = SummaryFor(interval_lengths_, FormatGoDurationMs(interval_ms));
  }
  s->Observe(seconds, now_ms);
}

void ScrapeMetrics::ObserveSync(const std::string& job, double seconds, int64_t now_ms) {
  std::shared_ptr<WindowedSummary> s;
  {
    std::lock_guard lock(mu_);
    s = SummaryFor(sync_lengths_, job);
  }
  s->Observe(seconds, now_ms);
}

ScrapeMetrics::Summaries ScrapeMetrics::IntervalLengths() const {
  std::lock_guard lock(mu_);
  return interval_lengths_;
}

ScrapeMetrics::Summaries ScrapeMetrics::SyncLengths() const {
  std::lock_guard lock(mu_);
  return sync_lengths_;
}

}  // namespace cairn::scrape
