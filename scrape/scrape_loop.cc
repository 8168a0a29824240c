#include "scrape/scrape_loop.h"

#include <boost/asio/post.hpp>

#include <algorithm>

#include "scrape/http/body_decoder.h"
#include "storage/sample.h"

namespace cairn::scrape {

namespace asio = boost::asio;
namespace expo = ingest::exposition;
using SteadyClock = std::chrono::steady_clock;

namespace {
// Prometheus' --scrape.timestamp-tolerance default.
constexpr int64_t kTimestampToleranceMs = 2;

// One scrape into the manager's counters: which limit failed it (fetch's
// body_size_limit, the append's sample or label limits) and the samples the
// storage refused.
void CountOutcome(ScrapeMetrics& m, const Status& fetch, const AppendResult& res) {
  if (fetch.code() == StatusCode::kResourceExhausted &&
      fetch.message().find(http::kBodySizeLimitExceeded) != std::string::npos) {
    m.exceeded_body_size_limit.fetch_add(1, std::memory_order_relaxed);
  }
  if (res.sample_limit_exceeded) m.exceeded_sample_limit.fetch_add(1, std::memory_order_relaxed);
  if (res.label_limits_exceeded) m.exceeded_label_limits.fetch_add(1, std::memory_order_relaxed);
  if (res.duplicate_timestamps > 0) {
    m.sample_duplicate_timestamp.fetch_add(static_cast<uint64_t>(res.duplicate_timestamps),
                                           std::memory_order_relaxed);
  }
}
}  // namespace

ScrapeLoop::ScrapeLoop(asio::any_io_executor executor, std::shared_ptr<Target> target,
                       std::shared_ptr<const ScrapeConfig> config, std::shared_ptr<const http::Client> client,
                       LoopDeps deps, std::function<bool()> still_wanted, std::shared_ptr<ScrapeCache> cache)
    : strand_(asio::make_strand(executor)),
      timer_(strand_),
      target_(std::move(target)),
      config_(std::move(config)),
      client_(std::move(client)),
      deps_(deps),
      still_wanted_(std::move(still_wanted)),
      fetcher_(std::make_unique<http::TargetFetcher>(executor, client_)),
      cache_(cache ? cache : std::make_shared<ScrapeCache>()),
      carried_(cache != nullptr) {
  accept_ = expo::ScrapeAcceptHeader(config_->scrape_protocols).value_or("*/*");
}

ScrapeLoop::~ScrapeLoop() = default;

void ScrapeLoop::Start() {
  asio::post(strand_, [self = shared_from_this()] {
    if (self->stopped_) return;
    const int64_t offset = self->target_->OffsetMs(self->deps_.clock->NowMs(), self->deps_.offset_seed);
    self->next_tick_ = SteadyClock::now() + std::chrono::milliseconds(offset);
    self->timer_.expires_at(self->next_tick_);
    self->timer_.async_wait([self](const boost::system::error_code& ec) {
      if (!ec) self->ScrapeOnce();
    });
  });
}

void ScrapeLoop::ScheduleNext() {
  if (stopped_) return;
  const auto interval = std::chrono::milliseconds(target_->interval_ms());
  next_tick_ += interval;
  // A scrape that overran its interval skips the ticks it missed, as Go's ticker drops them.
  const auto now = SteadyClock::now();
  while (next_tick_ <= now) next_tick_ += interval;
  timer_.expires_at(next_tick_);
  timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    if (!ec) self->ScrapeOnce();
  });
}

void ScrapeLoop::ScrapeOnce() {
  if (stopped_) return;
  int64_t scrape_ms = deps_.clock->NowMs();
  const int64_t interval = target_->interval_ms();
  if (aligned_ms_ == 0) {
    aligned_ms_ = scrape_ms;
  } else {
    while (scrape_ms - aligned_ms_ >= interval) aligned_ms_ += interval;
    const int64_t tolerance = std::min<int64_t>(interval / 100, kTimestampToleranceMs);
    if (scrape_ms - aligned_ms_ <= tolerance) scrape_ms = aligned_ms_;
  }
  const auto start = SteadyClock::now();
  if (deps_.metrics && last_start_ != SteadyClock::time_point{}) {
    deps_.metrics->ObserveInterval(interval, std::chrono::duration<double>(start - last_start_).count(),
                                   deps_.clock->NowMs());
  }
  last_start_ = start;
  if (!forced_error_.ok()) {
    OnFetched(scrape_ms, SteadyClock::now(), forced_error_);
    return;
  }
  http::FetchRequest req;
  req.url = target_->url();
  req.accept = accept_;
  req.enable_compression = config_->enable_compression;
  req.timeout = std::chrono::milliseconds(target_->timeout_ms());
  req.body_size_limit_bytes = config_->body_size_limit_bytes;
  const auto started = SteadyClock::now();
  fetcher_->AsyncFetch(std::move(req), [self = shared_from_this(), scrape_ms, started](Result<http::FetchResult> r) {
    asio::post(self->strand_, [self, scrape_ms, started, r = std::move(r)]() mutable {
      self->OnFetched(scrape_ms, started, std::move(r));
    });
  });
}

void ScrapeLoop::OnFetched(int64_t scrape_ms, SteadyClock::time_point started, Result<http::FetchResult> r) {
  if (stopped_) return;  // the target went away meanwhile
  Status scrape_err;
  expo::Format format = expo::Format::kPrometheusText;
  std::string body;
  if (!r.ok()) {
    scrape_err = r.status();
  } else {
    auto sel = expo::SelectScrapeFormat(r->content_type, config_->fallback_scrape_protocol);
    if (!sel.ok()) {
      scrape_err = sel.status();
    } else {
      format = sel->format;
      body = std::move(r->body);
    }
  }
  std::lock_guard cache_lock(cache_->mutex());
  std::unique_ptr<storage::Appender> app = deps_.storage->NewAppender();
  AppendResult res;
  if (scrape_err.ok()) {
    res = AppendScrape(*app, *cache_, target_->public_labels(), config_->samples, format, body, scrape_ms,
                       deps_.metadata);
    if (!res.error.ok()) {
      // Nothing of a scrape that fails half-way is kept; the previous
      // scrape's series go stale instead.
      app->Rollback();
      app = deps_.storage->NewAppender();
      AppendScrape(*app, *cache_, target_->public_labels(), config_->samples, format, {}, scrape_ms);
      scrape_err = res.error;
    }
  } else {
    AppendScrape(*app, *cache_, target_->public_labels(), config_->samples, format, {}, scrape_ms);
  }
  if (deps_.metrics) CountOutcome(*deps_.metrics, r.ok() ? Status::OK() : r.status(), res);
  const double duration_s = std::chrono::duration<double>(SteadyClock::now() - started).count();
  AppendReport(*app, scrape_ms, duration_s, res, scrape_err, scrape_err.ok() ? static_cast<int64_t>(body.size()) : 0,
               /*stale=*/false);
  Status committed = app->Commit();
  if (scrape_err.ok() && !committed.ok()) scrape_err = committed;

  TargetHealth h;
  h.health = scrape_err.ok() ? Health::kUp : Health::kDown;
  h.last_error = scrape_err.ok() ? "" : scrape_err.message();
  h.last_scrape_ms = scrape_ms;
  h.last_duration_seconds = duration_s;
  h.last_samples = res.total;
  target_->SetHealth(std::move(h));
  last_scrape_ms_ = scrape_ms;
  scrapes_.fetch_add(1);
  ScheduleNext();
}

void ScrapeLoop::AppendReport(storage::Appender& app, int64_t t_ms, double duration_s, const AppendResult& res,
                              const Status& err, int64_t body_bytes, bool stale) {
  auto put = [&](const char* name, double v) {
    auto [it, inserted] = report_series_.try_emplace(name);
    ReportSeries& rs = it->second;
    if (inserted) rs.labels = target_->public_labels().With(storage::kMetricName, name);
    auto r = app.Append(rs.ref, rs.labels, t_ms, stale ? storage::StaleNaN() : v);
    if (r.ok()) rs.ref = *r;
  };
  put("up", err.ok() ? 1 : 0);
  put("scrape_duration_seconds", duration_s);
  put("scrape_samples_scraped", static_cast<double>(res.total));
  put("scrape_samples_post_metric_relabeling", static_cast<double>(res.added));
  put("scrape_series_added", static_cast<double>(res.series_added));
  if (deps_.series_limit) {
    put("scrape_samples_refused_by_series_limit", static_cast<double>(res.series_limit_refused));
  }
  if (deps_.extra_metrics) {
    put("scrape_timeout_seconds", static_cast<double>(target_->timeout_ms()) / 1000.0);
    put("scrape_sample_limit", static_cast<double>(config_->samples.sample_limit));
    put("scrape_body_size_bytes", static_cast<double>(body_bytes));
  }
}

void ScrapeLoop::SetForcedError(Status err) {
  asio::post(strand_, [self = shared_from_this(), err = std::move(err)] { self->forced_error_ = err; });
}

void ScrapeLoop::Stop(StopMode mode) {
  asio::post(strand_, [self = shared_from_this(), mode] {
    if (self->stopped_) return;
    self->stopped_ = true;
    self->timer_.cancel();
    self->fetcher_->Close();
    if (mode != StopMode::kEndOfRun || (self->last_scrape_ms_ == 0 && !self->carried_)) return;
    // The stale time is when the next scrape would have been; the markers
    // are written a further interval and 10% later, so that a target that
    // comes back meanwhile is seen first.
    const auto interval = std::chrono::milliseconds(self->target_->interval_ms());
    self->timer_.expires_at(self->next_tick_);
    self->timer_.async_wait([self, interval](const boost::system::error_code& ec) {
      if (ec) return;
      const int64_t stale_ms = self->deps_.clock->NowMs();
      self->timer_.expires_after(interval + interval / 10);
      self->timer_.async_wait([self, stale_ms](const boost::system::error_code& ec2) {
        if (ec2) return;
        if (self->still_wanted_ && self->still_wanted_()) return;
        std::lock_guard cache_lock(self->cache_->mutex());
        std::unique_ptr<storage::Appender> app = self->deps_.storage->NewAppender();
        AppendScrape(*app, *self->cache_, self->target_->public_labels(), self->config_->samples,
                     expo::Format::kPrometheusText, {}, stale_ms);
        self->AppendReport(*app, stale_ms, 0, AppendResult{}, Status::OK(), 0, /*stale=*/true);
        (void)app->Commit();
      });
    });
  });
}

}  // namespace cairn::scrape
