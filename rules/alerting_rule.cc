#include "rules/alerting_rule.h"

#include <algorithm>
#include <cmath>

#include "promql/parser/parser.h"
#include "promql/printer.h"
#include "rules/template/expander.h"

namespace cairn::rules {
namespace {

constexpr std::string_view kAlertMetricName = "ALERTS";
constexpr std::string_view kAlertForStateMetricName = "ALERTS_FOR_STATE";
constexpr std::string_view kAlertNameLabel = "alertname";
constexpr std::string_view kAlertStateLabel = "alertstate";
// How long a resolved alert is kept so that its resolution is (re)sent.
constexpr int64_t kResolvedRetentionMs = 15 * 60 * 1000;

// Sets `name` to `value` in a sorted label vector; an empty value removes it
// (labels.Builder.Set).
void SetLabel(std::vector<storage::Label>& ls, std::string_view name, std::string_view value) {
  auto it = std::lower_bound(ls.begin(), ls.end(), name,
                             [](const storage::Label& l, std::string_view n) { return l.name < n; });
  if (it != ls.end() && it->name == name) {
    if (value.empty()) {
      ls.erase(it);
    } else {
      it->value = value;
    }
  } else if (!value.empty()) {
    ls.insert(it, storage::Label{std::string(name), std::string(value)});
  }
}

}  // namespace

const char* AlertStateName(AlertState s) {
  switch (s) {
    case AlertState::kPending:
      return "pending";
    case AlertState::kFiring:
      return "firing";
    case AlertState::kInactive:
      break;
  }
  return "inactive";
}

namespace {

std::vector<tmpl::ParsedTemplate> ParseAll(const std::string& template_name, const storage::Labels& texts) {
  std::vector<tmpl::ParsedTemplate> out;
  out.reserve(texts.size());
  for (const auto& l : texts) out.emplace_back(template_name, l.value);
  return out;
}

}  // namespace

AlertingRule::AlertingRule(std::string name, promql::ExprPtr expr, AlertingRuleOptions opts)
    : Rule(std::move(name), std::move(expr), opts.labels),
      opts_(std::move(opts)),
      label_templates_(ParseAll("__alert_" + this->name(), opts_.labels)),
      annotation_templates_(ParseAll("__alert_" + this->name(), opts_.annotations)),
      restored_(opts_.restored) {}

Result<promql::Vector> AlertingRule::Eval(const EvalContext& ctx) {
  const int64_t ts = ctx.ts_ms;
  auto res = (*ctx.query)(expr(), ts - ctx.query_offset_ms);
  if (!res.ok()) return res.status();

  // Templates may run queries of their own, at the evaluation time.
  tmpl::QueryFn template_query = [&ctx](const std::string& q) -> Result<std::vector<tmpl::QuerySample>> {
    auto e = promql::parser::ParseExpr(q);
    if (!e.ok()) return e.status();
    auto v = (*ctx.query)(**e, ctx.ts_ms);
    if (!v.ok()) return v.status();
    std::vector<tmpl::QuerySample> out;
    out.reserve(v->size());
    for (auto& s : *v) out.push_back({std::move(s.metric), s.f});
    return out;
  };
  std::unordered_map<storage::Labels, Alert, storage::LabelsHash> alerts;
  alerts.reserve(res->size());
  for (const promql::Sample& smpl : *res) {
    tmpl::ExpandData data;
    data.labels = smpl.metric;
    data.value = smpl.f;
    data.external_labels = opts_.external_labels;
    data.external_url = opts_.external_url;
    auto expand = [&](const tmpl::ParsedTemplate& t) {
      auto r = t.Expand(data, template_query, ts);
      if (!r.ok()) return "<error expanding template: " + r.status().message() + ">";
      return std::move(r).value();
    };

    std::vector<storage::Label> lbs = smpl.metric.WithoutMetricName().vec();
    size_t i = 0;
    for (const auto& l : opts_.labels) SetLabel(lbs, l.name, expand(label_templates_[i++]));
    SetLabel(lbs, kAlertNameLabel, name());
    std::vector<storage::Label> anns;
    anns.reserve(opts_.annotations.size());
    i = 0;
    for (const auto& a : opts_.annotations) anns.push_back({a.name, expand(annotation_templates_[i++])});

    Alert a;
    a.labels = storage::Labels::FromSorted(std::move(lbs));
    a.annotations = storage::Labels::FromSorted(std::move(anns));
    a.active_at_ms = ts;
    a.state = AlertState::kPending;
    a.value = smpl.f;
    storage::Labels key = a.labels;
    if (!alerts.emplace(std::move(key), std::move(a)).second) {
      return Status::Execution("vector contains metrics with the same labelset after applying alert labels");
    }
  }

  std::lock_guard<std::mutex> lock(alerts_mu_);
  for (auto& [key, a] : alerts) {
    auto it = active_.find(key);
    if (it != active_.end() && it->second.state != AlertState::kInactive) {
      it->second.value = a.value;
      it->second.annotations = std::move(a.annotations);
      continue;
    }
    active_[key] = std::move(a);
  }

  promql::Vector vec;
  int64_t num_active_pending = 0;
  for (auto it = active_.begin(); it != active_.end();) {
    Alert& a = it->second;
    if (!alerts.contains(it->first)) {
      bool keep_firing = false;
      if (a.state == AlertState::kFiring && opts_.keep_firing_for_ms > 0) {
        if (a.keep_firing_since_ms == 0) a.keep_firing_since_ms = ts;
        keep_firing = ts - a.keep_firing_since_ms < opts_.keep_firing_for_ms;
      }
      // Pending alerts are dropped at once; resolved ones after the retention.
      if (a.state == AlertState::kPending ||
          (a.resolved_at_ms != 0 && ts - a.resolved_at_ms > kResolvedRetentionMs)) {
        it = active_.erase(it);
        continue;
      }
      if (a.state != AlertState::kInactive && !keep_firing) {
        a.state = AlertState::kInactive;
        a.resolved_at_ms = ts;
      }
      if (!keep_firing) {
        ++it;
        continue;
      }
    } else {
      a.keep_firing_since_ms = 0;
    }
    ++num_active_pending;

    if (a.state == AlertState::kPending && ts - a.active_at_ms >= opts_.for_ms) {
      a.state = AlertState::kFiring;
      a.fired_at_ms = ts;
    }
    // A restored active_at can move a firing alert back to pending.
    if (a.state == AlertState::kFiring && ts - a.active_at_ms < opts_.for_ms) {
      a.state = AlertState::kPending;
      a.fired_at_ms = 0;
      a.last_sent_ms = 0;
      a.keep_firing_since_ms = 0;
    }
    if (restored_) {
      const int64_t t = ts - ctx.query_offset_ms;
      vec.push_back({AlertSeriesLabels(a, kAlertMetricName, true), t, 1.0});
      // Whole seconds, as Prometheus' float64(ActiveAt.Unix()).
      const double active_at_s = std::floor(static_cast<double>(a.active_at_ms) / 1000.0);
      vec.push_back({AlertSeriesLabels(a, kAlertForStateMetricName, false), t, active_at_s});
    }
    ++it;
  }

  if (ctx.limit > 0 && num_active_pending > ctx.limit) {
    active_.clear();
    return Status::Execution("exceeded limit of " + std::to_string(ctx.limit) + " with " +
                             std::to_string(num_active_pending) + " alerts");
  }
  return vec;
}

storage::Labels AlertingRule::AlertSeriesLabels(const Alert& a, std::string_view metric, bool with_state) const {
  std::vector<storage::Label> ls = opts_.labels.vec();
  for (const auto& l : a.labels) SetLabel(ls, l.name, l.value);
  SetLabel(ls, storage::kMetricName, metric);
  SetLabel(ls, kAlertNameLabel, name());
  if (with_state) SetLabel(ls, kAlertStateLabel, AlertStateName(a.state));
  return storage::Labels::FromSorted(std::move(ls));
}

std::string AlertingRule::Definition() const {
  std::string d = "alert";
  AppendField(&d, name());
  AppendField(&d, query());
  AppendField(&d, std::to_string(opts_.for_ms));
  AppendField(&d, std::to_string(opts_.keep_firing_for_ms));
  for (const auto* set : {&opts_.labels, &opts_.annotations}) {
    AppendField(&d, std::to_string(set->size()));
    for (const auto& l : *set) {
      AppendField(&d, l.name);
      AppendField(&d, l.value);
    }
  }
  return d;
}

AlertState AlertingRule::State() const {
  std::lock_guard<std::mutex> lock(alerts_mu_);
  AlertState max = AlertState::kInactive;
  for (const auto& [_, a] : active_) max = std::max(max, a.state);
  return max;
}

std::string AlertingRule::StateText() const {
  if (last_evaluation_ms() == 0) return "unknown";
  return AlertStateName(State());
}

std::vector<Alert> AlertingRule::ActiveAlerts() const {
  std::lock_guard<std::mutex> lock(alerts_mu_);
  std::vector<Alert> out;
  for (const auto& [_, a] : active_) {
    if (a.resolved_at_ms == 0) out.push_back(a);
  }
  return out;
}

std::vector<Alert> AlertingRule::AllAlerts() const {
  std::lock_guard<std::mutex> lock(alerts_mu_);
  std::vector<Alert> out;
  out.reserve(active_.size());
  for (const auto& [_, a] : active_) out.push_back(a);
  return out;
}

void AlertingRule::SendAlerts(int64_t ts_ms, int64_t resend_delay_ms, int64_t interval_ms,
                              const std::string& external_url, AlertSender* sender) {
  std::vector<OutgoingAlert> out;
  {
    std::lock_guard<std::mutex> lock(alerts_mu_);
    for (auto& [_, a] : active_) {
      const bool needs_sending = a.state != AlertState::kPending &&
                                 (a.resolved_at_ms > a.last_sent_ms || a.last_sent_ms + resend_delay_ms < ts_ms);
      if (!needs_sending) continue;
      a.last_sent_ms = ts_ms;
      a.valid_until_ms = ts_ms + 4 * std::max(interval_ms, resend_delay_ms);
      OutgoingAlert o;
      o.labels = a.labels;
      o.annotations = a.annotations;
      o.starts_at_ms = a.fired_at_ms;
      o.ends_at_ms = a.resolved_at_ms != 0 ? a.resolved_at_ms : a.valid_until_ms;
      o.generator_url = external_url + TableLinkForExpression(query());
      out.push_back(std::move(o));
    }
  }
  if (sender != nullptr && !out.empty()) sender->Send(std::move(out));
}

storage::Matchers AlertingRule::ForStateMatchers() const {
  storage::Matchers ms;
  std::vector<storage::Label> ls = opts_.labels.vec();
  SetLabel(ls, storage::kMetricName, kAlertForStateMetricName);
  SetLabel(ls, kAlertNameLabel, name());
  for (const auto& l : ls) {
    if (l.value.find("{{") != std::string::npos) continue;
    auto m = storage::Matcher::Make(storage::MatchType::kEqual, l.name, l.value);
    if (m.ok()) ms.push_back(std::move(m).value());
  }
  return ms;
}

bool AlertingRule::SetActiveAt(const storage::Labels& labels, int64_t active_at_ms) {
  std::lock_guard<std::mutex> lock(alerts_mu_);
  auto it = active_.find(labels);
  if (it == active_.end()) return false;
  it->second.active_at_ms = active_at_ms;
  return true;
}

bool AlertingRule::restored() const {
  std::lock_guard<std::mutex> lock(alerts_mu_);
  return restored_;
}

void AlertingRule::SetRestored(bool restored) {
  std::lock_guard<std::mutex> lock(alerts_mu_);
  restored_ = restored;
}

void AlertingRule::CopyAlertsFrom(const AlertingRule& from) {
  std::scoped_lock lock(alerts_mu_, from.alerts_mu_);
  for (const auto& [k, a] : from.active_) active_[k] = a;
}

}  // namespace cairn::rules
