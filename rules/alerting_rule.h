// AlertingRule: turns each element of its expression's result into an alert
// and keeps the alerts' state across evaluations (Prometheus' rules.AlertingRule).
//
// State machine per alert (keyed by its label set): a new element starts
// pending; it fires once it has been active for `for`; when its element
// disappears it turns inactive (resolved) unless it was firing within
// `keep_firing_for`; resolved alerts are kept 15 minutes so that their
// resolution is sent. Labels and annotations are expanded through
// rules/template with $labels, $value, $externalLabels and $externalURL.
// Each evaluation yields ALERTS{alertstate="pending"|"firing"} = 1 and
// ALERTS_FOR_STATE = activeAt in Unix seconds for every active alert, once the
// rule's `for` state has been restored (see Group::RestoreForState).
// Thread-safety: as Rule; the alert map is behind a mutex.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "rules/notifier.h"
#include "rules/rule.h"
#include "rules/template/expander.h"
#include "storage/matcher.h"

namespace cairn::rules {

enum class AlertState { kInactive, kPending, kFiring };
// "inactive", "pending", "firing".
const char* AlertStateName(AlertState s);

// Times are Unix milliseconds; 0 means "not set" (Go's zero time.Time).
struct Alert {
  storage::Labels labels;
  storage::Labels annotations;
  AlertState state = AlertState::kPending;
  double value = 0;
  int64_t active_at_ms = 0;
  int64_t fired_at_ms = 0;
  int64_t resolved_at_ms = 0;
  int64_t last_sent_ms = 0;
  int64_t valid_until_ms = 0;
  int64_t keep_firing_since_ms = 0;
};

struct AlertingRuleOptions {
  int64_t for_ms = 0;
  int64_t keep_firing_for_ms = 0;
  storage::Labels labels;       // may hold templates
  storage::Labels annotations;  // may hold templates
  storage::Labels external_labels;
  std::string external_url;
  // False until the group restored `for` state from ALERTS_FOR_STATE; no
  // ALERTS series are written before that.
  bool restored = true;
};

class AlertingRule final : public Rule {
 public:
  AlertingRule(std::string name, promql::ExprPtr expr, AlertingRuleOptions opts);

  // Errors: the query's error; "vector contains metrics with the same
  // labelset after applying alert labels"; "exceeded limit of L with N
  // alerts" (which also drops every alert).
  Result<promql::Vector> Eval(const EvalContext& ctx) override;
  std::string Definition() const override;

  int64_t for_ms() const { return opts_.for_ms; }
  int64_t keep_firing_for_ms() const { return opts_.keep_firing_for_ms; }
  const storage::Labels& annotations() const { return opts_.annotations; }

  // The highest state of any alert; kInactive when there is none.
  AlertState State() const;
  // State() as the API writes it: "unknown" before the first evaluation.
  std::string StateText() const;
  // Copies of the alerts not yet resolved, in no particular order.
  std::vector<Alert> ActiveAlerts() const;
  // Copies of every alert kept, resolved ones included.
  std::vector<Alert> AllAlerts() const;

  // Prometheus' sendAlerts: every alert that needs sending at `ts_ms` (firing
  // and never sent or last sent more than `resend_delay_ms` ago, or resolved
  // since the last send) is stamped as sent, valid until
  // ts + 4 * max(resend_delay, interval), and handed to `sender` in one call.
  void SendAlerts(int64_t ts_ms, int64_t resend_delay_ms, int64_t interval_ms, const std::string& external_url,
                  AlertSender* sender);

  // For restoring `for` state: the matchers selecting this rule's
  // ALERTS_FOR_STATE series (rule labels holding "{{" are left out).
  storage::Matchers ForStateMatchers() const;
  // Restores active_at of the alert whose labels (without __name__) equal
  // `labels`; returns false when there is no such alert.
  bool SetActiveAt(const storage::Labels& labels, int64_t active_at_ms);
  bool restored() const;
  void SetRestored(bool restored);
  // Takes over the alerts of `from` (Group::CopyState on reload).
  void CopyAlertsFrom(const AlertingRule& from);

 private:
  storage::Labels AlertSeriesLabels(const Alert& a, std::string_view metric, bool with_state) const;

  const AlertingRuleOptions opts_;
  // opts_.labels' and opts_.annotations' values, parsed once, in the same order.
  const std::vector<tmpl::ParsedTemplate> label_templates_;
  const std::vector<tmpl::ParsedTemplate> annotation_templates_;
  mutable std::mutex alerts_mu_;
  bool restored_;
  std::unordered_map<storage::Labels, Alert, storage::LabelsHash> active_;
};

}  // namespace cairn::rules
