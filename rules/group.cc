#include "rules/group.h"

#include <algorithm>
#include <chrono>
#include <map>

#include "rules/manager.h"
#include "storage/sample.h"

namespace cairn::rules {
namespace {

double SecondsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

std::string GroupKey(const std::string& file, const std::string& name) { return file + ";" + name; }

Group::Group(GroupOptions o) : o_(std::move(o)) {
  query_ = EngineQueryFunc(o_.opts->engine, o_.opts->queryable, o_.opts->query_options);
  series_in_previous_eval_.resize(o_.rules.size());
  figures_.key = GroupKey(o_.file, o_.name);
  figures_.interval_seconds = static_cast<double>(o_.interval_ms) / 1000;
  figures_.rules = static_cast<double>(o_.rules.size());
}

Group::~Group() { Stop(); }

int64_t Group::query_offset_ms() const { return o_.query_offset_ms.value_or(o_.opts->query_offset_ms); }

std::vector<std::shared_ptr<AlertingRule>> Group::AlertingRules() const {
  std::vector<std::pair<AlertState, std::shared_ptr<AlertingRule>>> rules;
  for (const auto& r : o_.rules) {
    if (auto a = std::dynamic_pointer_cast<AlertingRule>(r)) rules.emplace_back(a->State(), a);
  }
  std::stable_sort(rules.begin(), rules.end(), [](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first > b.first;
    return a.second->name() < b.second->name();
  });
  std::vector<std::shared_ptr<AlertingRule>> out;
  for (auto& [_, r] : rules) out.push_back(std::move(r));
  return out;
}

uint64_t Group::Hash() const { return storage::Labels{{"name", o_.name}, {"file", o_.file}}.Hash(); }

int64_t Group::EvalTimestamp(int64_t now_ms) const {
  // Prometheus computes this in nanoseconds; so do we, so the phase is the same.
  const int64_t interval_ns = o_.interval_ms * 1'000'000;
  const int64_t offset = static_cast<int64_t>(Hash() % static_cast<uint64_t>(interval_ns));
  const int64_t adj_now = now_ms * 1'000'000 - offset;
  const int64_t base = adj_now - adj_now % interval_ns;
  const int64_t next_ns = base + offset;
  return next_ns >= 0 ? next_ns / 1'000'000 : -((-next_ns + 999'999) / 1'000'000);
}

void Group::Eval(int64_t ts_ms) {
  const int64_t offset = query_offset_ms();
  double samples = 0;
  for (size_t i = 0; i < o_.rules.size(); ++i) EvalRule(i, ts_ms, offset, &samples);
  {
    std::lock_guard<std::mutex> l(mu_);
    figures_.last_evaluation_samples = samples;
  }
  CleanupStaleSeries(ts_ms);
}

void Group::EvalRule(size_t i, int64_t ts_ms, int64_t offset_ms, double* samples) {
  Rule& rule = *o_.rules[i];
  const int64_t start_ms = o_.opts->clock->NowMs();
  const auto t0 = std::chrono::steady_clock::now();
  {
    std::lock_guard<std::mutex> l(mu_);
    figures_.evaluations_total++;
  }
  auto failed = [&](const Status& s) {
    rule.SetHealth(RuleHealth::kBad, s.message());
    std::lock_guard<std::mutex> l(mu_);
    figures_.evaluation_failures_total++;
  };
  auto finish = [&] {
    const double d = SecondsSince(t0);
    rule.SetEvaluation(start_ms, d);
    if (o_.totals) {
      std::lock_guard<std::mutex> l(o_.totals->mu);
      o_.totals->rule_seconds_sum += d;
      o_.totals->rule_count++;
    }
  };

  EvalContext ctx{&query_, ts_ms, offset_ms, o_.limit};
  auto res = rule.Eval(ctx);
  if (!res.ok()) {
    failed(res.status());
    finish();
    return;
  }
  rule.SetHealth(RuleHealth::kGood, "");
  *samples += static_cast<double>(res->size());
  if (auto* ar = dynamic_cast<AlertingRule*>(&rule)) {
    ar->SendAlerts(ts_ms, o_.opts->resend_delay_ms, o_.interval_ms, o_.opts->external_url, o_.opts->sender);
  }

  std::unique_ptr<storage::Appender> app = o_.opts->appendable->NewAppender();
  std::unordered_map<storage::Labels, bool, storage::LabelsHash> returned;
  returned.reserve(res->size());
  for (const promql::Sample& s : *res) {
    auto r = app->Append(0, s.metric, s.t_ms, s.f);
    if (!r.ok()) {
      // The sample is dropped; the rule shows the error until its next evaluation.
      rule.SetHealth(RuleHealth::kBad, r.status().message());
      continue;
    }
    returned.emplace(s.metric, true);
  }
  for (const auto& [lset, _] : series_in_previous_eval_[i]) {
    if (!returned.contains(lset)) AppendStale(*app, lset, ts_ms - offset_ms);
  }
  if (Status s = app->Commit(); !s.ok()) {
    failed(s);
  } else {
    series_in_previous_eval_[i] = std::move(returned);
  }
  finish();
}

void Group::AppendStale(storage::Appender& app, const storage::Labels& l, int64_t t_ms) {
  // Out-of-order or duplicate markers are of no consequence: the series is gone either way.
  (void)app.Append(0, l, t_ms, storage::StaleNaN()).ok();
}

void Group::CleanupStaleSeries(int64_t ts_ms) {
  if (stale_series_.empty()) return;
  std::unique_ptr<storage::Appender> app = o_.opts->appendable->NewAppender();
  const int64_t t = ts_ms - query_offset_ms();
  for (const auto& l : stale_series_) AppendStale(*app, l, t);
  if (app->Commit().ok()) stale_series_.clear();
}

void Group::MarkAllStale(int64_t ts_ms) {
  for (auto& prev : series_in_previous_eval_) {
    for (auto& [l, _] : prev) stale_series_.push_back(l);
    prev.clear();
  }
  CleanupStaleSeries(ts_ms);
}

void Group::EvalIteration(int64_t ts_ms) {
  const int64_t start_ms = o_.opts->clock->NowMs();
  const auto t0 = std::chrono::steady_clock::now();
  {
    std::lock_guard<std::mutex> l(mu_);
    figures_.iterations_total++;
  }
  Eval(ts_ms);
  const double d = SecondsSince(t0);
  if (o_.totals) {
    std::lock_guard<std::mutex> l(o_.totals->mu);
    o_.totals->group_seconds_sum += d;
    o_.totals->group_count++;
  }
  std::lock_guard<std::mutex> l(mu_);
  figures_.last_duration_seconds = d;
  figures_.last_evaluation_timestamp_seconds = static_cast<double>(start_ms) / 1000;
  last_evaluation_ms_ = start_ms;
  evaluation_seconds_ = d;
  last_eval_timestamp_ms_ = ts_ms;
}

void Group::RestoreForState(int64_t now_ms) {
  const ManagerOptions& opts = *o_.opts;
  const int64_t mint = now_ms - opts.for_outage_tolerance_ms;
  auto q = opts.queryable->NewQuerier(mint, now_ms);
  for (const auto& rule : o_.rules) {
    auto* ar = dynamic_cast<AlertingRule*>(rule.get());
    if (ar == nullptr) continue;
    // Rules whose `for` is shorter than the grace period start afresh.
    if (ar->for_ms() < opts.for_grace_period_ms || !q.ok()) {
      ar->SetRestored(true);
      continue;
    }
    storage::SelectHints hints;
    hints.start_ms = mint;
    hints.end_ms = now_ms;
    std::unique_ptr<storage::SeriesSet> set = (*q)->Select(hints, ar->ForStateMatchers());
    while (set->Next()) {
      const storage::Series& series = set->At();
      auto it = series.Iterator();
      bool any = false;
      storage::Sample last;
      while (it->Next()) {
        last = it->At();
        any = true;
      }
      if (!any || !it->status().ok() || storage::IsStaleNaN(last.v)) continue;
      // Prometheus works in whole seconds here.
      const int64_t down_at_ms = last.t_ms / 1000 * 1000;
      int64_t active_at_ms = static_cast<int64_t>(last.v) * 1000;
      const int64_t remaining_ms = ar->for_ms() - (down_at_ms - active_at_ms);
      if (remaining_ms <= 0) {
        // It had fired already; keep the original activation.
      } else if (remaining_ms < opts.for_grace_period_ms) {
        active_at_ms = now_ms + opts.for_grace_period_ms - ar->for_ms();
      } else {
        active_at_ms += now_ms - down_at_ms;
      }
      ar->SetActiveAt(series.labels().WithoutMetricName(), active_at_ms);
    }
    ar->SetRestored(true);
  }
}

void Group::CopyState(Group& from) {
  {
    std::scoped_lock l(mu_, from.mu_);
    evaluation_seconds_ = from.evaluation_seconds_;
    last_evaluation_ms_ = from.last_evaluation_ms_;
  }
  auto key_of = [](const Rule& r) { return r.name() + r.labels().ToString(); };
  std::map<std::string, std::vector<size_t>> from_index;
  for (size_t fi = 0; fi < from.o_.rules.size(); ++fi) from_index[key_of(*from.o_.rules[fi])].push_back(fi);

  for (size_t i = 0; i < o_.rules.size(); ++i) {
    auto& indexes = from_index[key_of(*o_.rules[i])];
    if (indexes.empty()) continue;
    const size_t fi = indexes.front();
    indexes.erase(indexes.begin());
    series_in_previous_eval_[i] = from.series_in_previous_eval_[fi];
    auto* ar = dynamic_cast<AlertingRule*>(o_.rules[i].get());
    auto* far = dynamic_cast<AlertingRule*>(from.o_.rules[fi].get());
    if (ar != nullptr && far != nullptr) ar->CopyAlertsFrom(*far);
  }
  // Series of old rules left without a successor go stale at the next Eval.
  // Like Prometheus, this takes every old rule sharing a name+labels key with
  // an unmatched one.
  stale_series_ = from.stale_series_;
  for (size_t fi = 0; fi < from.o_.rules.size(); ++fi) {
    if (from_index[key_of(*from.o_.rules[fi])].empty()) continue;
    for (const auto& [l, _] : from.series_in_previous_eval_[fi]) stale_series_.push_back(l);
  }
}

bool Group::Equals(const Group& other) const {
  if (o_.name != other.o_.name || o_.file != other.o_.file || o_.interval_ms != other.o_.interval_ms ||
      o_.limit != other.o_.limit || o_.query_offset_ms != other.o_.query_offset_ms ||
      o_.rules.size() != other.o_.rules.size()) {
    return false;
  }
  for (size_t i = 0; i < o_.rules.size(); ++i) {
    if (o_.rules[i]->Definition() != other.o_.rules[i]->Definition()) return false;
  }
  return true;
}

int64_t Group::last_evaluation_ms() const {
  std::lock_guard<std::mutex> l(mu_);
  return last_evaluation_ms_;
}

double Group::evaluation_seconds() const {
  std::lock_guard<std::mutex> l(mu_);
  return evaluation_seconds_;
}

int64_t Group::last_eval_timestamp_ms() const {
  std::lock_guard<std::mutex> l(mu_);
  return last_eval_timestamp_ms_;
}

GroupFigures Group::Figures() const {
  std::lock_guard<std::mutex> l(mu_);
  return figures_;
}

bool Group::WaitUntil(int64_t t_ms) {
  std::unique_lock<std::mutex> l(run_mu_);
  while (!stopping_) {
    const int64_t now = o_.opts->clock->NowMs();
    if (now >= t_ms) return true;
    // Re-reads the clock at least every second, so a clock that is set
    // rather than ticking (tests) is noticed.
    run_cv_.wait_for(l, std::chrono::milliseconds(std::min<int64_t>(t_ms - now, 1000)));
  }
  return false;
}

void Group::Run() {
  const int64_t interval = o_.interval_ms;
  int64_t ts = EvalTimestamp(o_.opts->clock->NowMs()) + interval;
  if (!WaitUntil(ts)) return;
  EvalIteration(ts);
  bool restore = o_.should_restore;
  while (true) {
    if (!WaitUntil(ts + interval)) return;
    // An evaluation that overran skips the slots it covered.
    const int64_t missed = (o_.opts->clock->NowMs() - ts) / interval - 1;
    if (missed > 0) {
      std::lock_guard<std::mutex> l(mu_);
      figures_.iterations_missed_total += static_cast<double>(missed);
      figures_.iterations_total += static_cast<double>(missed);
    }
    ts += (std::max<int64_t>(missed, 0) + 1) * interval;
    EvalIteration(ts);
    if (restore) {
      // After two evaluations the alerts are known; now their `for` state.
      RestoreForState(o_.opts->clock->NowMs());
      restore = false;
    }
  }
}

void Group::RunRetired() {
  const int64_t stopped_ms = o_.opts->clock->NowMs();
  if (WaitUntil(stopped_ms + 2 * o_.interval_ms)) MarkAllStale(stopped_ms);
}

void Group::Start() {
  std::lock_guard<std::mutex> l(run_mu_);
  if (thread_.joinable() || stopping_) return;
  thread_ = std::thread([this] { Run(); });
}

void Group::Stop() {
  {
    std::lock_guard<std::mutex> l(run_mu_);
    stopping_ = true;
  }
  run_cv_.notify_all();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

void Group::Retire() {
  Stop();
  {
    std::lock_guard<std::mutex> l(run_mu_);
    stopping_ = false;
  }
  thread_ = std::thread([this] { RunRetired(); });
}

}  // namespace cairn::rules
