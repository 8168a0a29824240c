// Group: rules evaluated in order at one timestamp on the group's own
// schedule (Prometheus' rules.Group).
//
// Each evaluation appends every rule's result, the ALERTS series and
// staleness markers for series a rule produced last time and not this time,
// in one Appender commit per rule. Iterations are aligned by a hash of the
// group's name and file (EvalTimestamp), so a group evaluates at the same
// offset within its interval across restarts; iterations missed because an
// evaluation overran are counted, not caught up.
//
// Thread-safety: Eval, RestoreForState, CopyState and the run loop belong to
// one thread at a time (the group's own once Start()ed); the getters and
// Figures() may be called from any thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "rules/alerting_rule.h"
#include "rules/manager_options.h"
#include "rules/rule.h"

namespace cairn::rules {

// Sums of evaluation durations over every group of a manager, kept across
// reloads (the _sum/_count of Prometheus' two summaries).
struct DurationTotals {
  std::mutex mu;
  double rule_seconds_sum = 0;   // prometheus_rule_evaluation_duration_seconds
  int64_t rule_count = 0;
  double group_seconds_sum = 0;  // prometheus_rule_group_duration_seconds
  int64_t group_count = 0;
};

// The per-group self-metrics, labelled rule_group="<file>;<name>".
struct GroupFigures {
  std::string key;  // GroupKey(file, name)
  double iterations_missed_total = 0;
  double iterations_total = 0;
  double evaluations_total = 0;
  double evaluation_failures_total = 0;
  double last_duration_seconds = 0;
  double last_evaluation_timestamp_seconds = 0;
  double interval_seconds = 0;
  double rules = 0;
  double last_evaluation_samples = 0;
};

// "<file>;<name>", Prometheus' GroupKey.
std::string GroupKey(const std::string& file, const std::string& name);

struct GroupOptions {
  std::string name;
  std::string file;
  int64_t interval_ms = 60'000;
  int limit = 0;
  std::optional<int64_t> query_offset_ms;  // unset: ManagerOptions::query_offset_ms
  std::vector<std::shared_ptr<Rule>> rules;
  // Restore `for` state from ALERTS_FOR_STATE after the second evaluation
  // (true for groups loaded at startup).
  bool should_restore = false;
  std::shared_ptr<const ManagerOptions> opts;         // required
  std::shared_ptr<DurationTotals> totals;             // may be null
};

class Group {
 public:
  explicit Group(GroupOptions o);
  ~Group();  // stops the run loop if running
  Group(const Group&) = delete;
  Group& operator=(const Group&) = delete;

  const std::string& name() const { return o_.name; }
  const std::string& file() const { return o_.file; }
  int64_t interval_ms() const { return o_.interval_ms; }
  int limit() const { return o_.limit; }
  // The offset in effect: the group's own, else the manager's.
  int64_t query_offset_ms() const;
  const std::vector<std::shared_ptr<Rule>>& rules() const { return o_.rules; }
  // The alerting rules, highest state first, then by name (as the API lists them).
  std::vector<std::shared_ptr<AlertingRule>> AlertingRules() const;

  // Prometheus' EvalTimestamp: the latest slot <= now_ms of this group's
  // schedule, whose phase within the interval is hash(name, file) % interval.
  int64_t EvalTimestamp(int64_t now_ms) const;

  // Evaluates every rule once at `ts_ms`, appends results and staleness
  // markers, sends alerts, and writes pending stale markers of removed rules.
  void Eval(int64_t ts_ms);
  // One scheduled iteration as the run loop does it: Eval plus the group's
  // duration, last-evaluation and iteration figures.
  void EvalIteration(int64_t ts_ms);

  // Prometheus' RestoreForState: for alerts active now, take active_at from
  // the last ALERTS_FOR_STATE sample within --rules.alert.for-outage-tolerance,
  // shifted by the downtime, and give at least --rules.alert.for-grace-period
  // before firing. Marks every alerting rule restored.
  void RestoreForState(int64_t now_ms);

  // Takes over evaluation state from the group this one replaces on reload:
  // previous series and alerts of rules with the same name and labels;
  // series of rules that no longer exist become stale at the next Eval.
  void CopyState(Group& from);
  // True when both groups have the same definition (then a reload keeps the
  // running one).
  bool Equals(const Group& other) const;
  // Writes staleness markers at `ts_ms` for every series the group produced
  // in its last evaluation (a group removed by a reload).
  void MarkAllStale(int64_t ts_ms);

  // Starts the evaluation thread; the first evaluation is at the next slot.
  // Idempotent.
  void Start();
  // Stops evaluating and waits for the thread; writes no stale markers.
  void Stop();
  // For a group a reload removed: stops evaluating, then (on the group's
  // thread) waits two intervals and writes MarkAllStale, as Prometheus does,
  // unless Stop() comes first (the manager shutting down).
  void Retire();

  // Wall clock of the last iteration's start, its duration, its slot.
  int64_t last_evaluation_ms() const;
  double evaluation_seconds() const;
  int64_t last_eval_timestamp_ms() const;
  GroupFigures Figures() const;

 private:
  void Run();
  void RunRetired();
  void EvalRule(size_t i, int64_t ts_ms, int64_t offset_ms, double* samples);
  void CleanupStaleSeries(int64_t ts_ms);
  void AppendStale(storage::Appender& app, const storage::Labels& l, int64_t t_ms);
  bool WaitUntil(int64_t t_ms);  // false when stopped meanwhile
  uint64_t Hash() const;

  GroupOptions o_;
  QueryFunc query_;
  // Per rule: the series it appended in its last successful evaluation.
  std::vector<std::unordered_map<storage::Labels, bool, storage::LabelsHash>> series_in_previous_eval_;
  std::vector<storage::Labels> stale_series_;

  mutable std::mutex mu_;  // guards the figures below
  int64_t last_evaluation_ms_ = 0;
  double evaluation_seconds_ = 0;
  int64_t last_eval_timestamp_ms_ = 0;
  GroupFigures figures_;

  std::mutex run_mu_;
  std::condition_variable run_cv_;
  bool stopping_ = false;
  bool retiring_ = false;
  std::thread thread_;
};

}  // namespace cairn::rules
