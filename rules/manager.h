// Manager: loads rule files into groups, runs them, and swaps them on reload
// keeping the state of what did not change (Prometheus' rules.Manager).
//
//   ManagerOptions o; o.engine = &engine; o.queryable = &db; o.appendable = &db;
//   Manager m(o);
//   if (Status s = m.Update(60'000, {"/etc/cairn/rules/a.yml"}); !s.ok()) ...;
//   m.Start();      // groups begin evaluating on their schedules
//   ...
//   m.Stop();
//
// Thread-safety: every method is safe from any thread; Update, Start and
// Stop serialise on one mutex.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "rules/group.h"
#include "rules/manager_options.h"
#include "rules/rule_file.h"

namespace cairn::rules {

// The instant-query function rules evaluate through: `engine` over
// `queryable` with `query_options`, scalars as one unlabelled sample.
QueryFunc EngineQueryFunc(const promql::Engine* engine, storage::Queryable* queryable,
                          promql::QueryOptions query_options);

// Builds groups from parsed rule files (Prometheus' LoadGroups): a group's
// interval defaults to `default_interval_ms`, group labels are merged under
// rule labels. `should_restore` = restore `for` state (startup).
Result<std::vector<std::shared_ptr<Group>>> GroupsFromFiles(std::shared_ptr<const ManagerOptions> opts,
                                                            std::shared_ptr<DurationTotals> totals,
                                                            int64_t default_interval_ms,
                                                            const std::vector<RuleFile>& files, bool should_restore);

// Reads and parses `files` (paths, globs already expanded) and builds groups.
// Errors: every file's parse errors, one per line.
Result<std::vector<std::shared_ptr<Group>>> LoadGroups(const ManagerOptions& opts, int64_t default_interval_ms,
                                                       const std::vector<std::string>& files,
                                                       bool should_restore = true);

// Self-metrics of the rule engine for /metrics.
struct ManagerFigures {
  double rule_evaluation_seconds_sum = 0;
  int64_t rule_evaluation_count = 0;
  double group_duration_seconds_sum = 0;
  int64_t group_duration_count = 0;
  std::vector<GroupFigures> groups;  // sorted by key
};

class Manager {
 public:
  explicit Manager(ManagerOptions opts);
  ~Manager();  // Stop()

  // Loads `files` and replaces the running groups: a group equal to the
  // running one with the same file and name keeps running untouched; a
  // changed one takes over its predecessor's state (CopyState); a removed
  // one stops and its series go stale after two intervals. On a load error
  // nothing changes and the error is returned.
  Status Update(int64_t default_interval_ms, const std::vector<std::string>& files,
                const storage::Labels& external_labels, const std::string& external_url);

  // Starts evaluating (groups loaded before and after). Idempotent.
  void Start();
  // Stops every group and waits for them; no stale markers are written.
  void Stop();

  // The groups, sorted by file then name.
  std::vector<std::shared_ptr<Group>> RuleGroups() const;
  ManagerFigures Figures() const;

 private:
  ManagerOptions opts_;
  std::shared_ptr<DurationTotals> totals_ = std::make_shared<DurationTotals>();
  mutable std::mutex mu_;
  std::vector<std::shared_ptr<Group>> groups_;
  std::vector<std::shared_ptr<Group>> retired_;  // removed groups waiting to mark their series stale
  bool started_ = false;
  bool stopped_ = false;
  bool restored_ = false;
};

}  // namespace cairn::rules
