// Alerting rules through a Group: the pending → firing → resolved life cycle,
// keep_firing_for, the ALERTS / ALERTS_FOR_STATE series, sending, templates,
// and restoring `for` state after a restart.
#include "rules/alerting_rule.h"

#include "rules_fixture.h"
#include "storage/sample.h"

namespace cairn::rules {
namespace {

class AlertingRuleTest : public testing::RulesFixture {
 protected:
  AlertingRule& Rule0(const std::shared_ptr<Group>& g) { return dynamic_cast<AlertingRule&>(*g->rules()[0]); }
};

constexpr const char* kHighErrors = R"(
groups:
- name: g
  rules:
  - alert: HighErrors
    expr: errors > 1
    for: 5m
    labels:
      severity: page
    annotations:
      summary: "{{ $labels.instance }} has {{ $value }} errors"
)";

TEST_F(AlertingRuleTest, PendingFiringResolved) {
  for (int m = 0; m <= 6; ++m) Add(R"(errors{instance="x"})", kStart + m * kMinute, 5);
  Add(R"(errors{instance="x"})", kStart + 7 * kMinute, storage::StaleNaN());
  auto groups = Groups(kHighErrors);
  ASSERT_EQ(groups.size(), 1u);
  auto& g = *groups[0];
  AlertingRule& rule = Rule0(groups[0]);

  g.Eval(kStart);
  auto alerts = rule.ActiveAlerts();
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].state, AlertState::kPending);
  EXPECT_EQ(alerts[0].active_at_ms, kStart);
  EXPECT_EQ(alerts[0].labels, (storage::Labels{{"alertname", "HighErrors"}, {"instance", "x"}, {"severity", "page"}}));
  EXPECT_EQ(alerts[0].annotations.Get("summary"), "x has 5 errors");
  EXPECT_EQ(rule.StateText(), "pending");
  const std::string pending = R"(ALERTS{alertname="HighErrors",alertstate="pending",instance="x",severity="page"})";
  const std::string firing = R"(ALERTS{alertname="HighErrors",alertstate="firing",instance="x",severity="page"})";
  const std::string for_state = R"(ALERTS_FOR_STATE{alertname="HighErrors",instance="x",severity="page"})";
  ASSERT_EQ(Samples(pending).size(), 1u);
  EXPECT_EQ(Samples(pending)[0].v, 1);
  ASSERT_EQ(Samples(for_state).size(), 1u);
  EXPECT_EQ(Samples(for_state)[0].v, static_cast<double>(kStart / 1000));
  EXPECT_TRUE(sender_.Take().empty()) << "pending alerts are not sent";

  for (int m = 1; m <= 4; ++m) g.Eval(kStart + m * kMinute);
  EXPECT_EQ(rule.ActiveAlerts()[0].state, AlertState::kPending);
  EXPECT_TRUE(sender_.Take().empty());

  g.Eval(kStart + 5 * kMinute);
  alerts = rule.ActiveAlerts();
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].state, AlertState::kFiring);
  EXPECT_EQ(alerts[0].fired_at_ms, kStart + 5 * kMinute);
  auto sent = sender_.Take();
  ASSERT_EQ(sent.size(), 1u);
  ASSERT_EQ(sent[0].size(), 1u);
  EXPECT_EQ(sent[0][0].labels, alerts[0].labels);
  EXPECT_EQ(sent[0][0].starts_at_ms, kStart + 5 * kMinute);
  EXPECT_EQ(sent[0][0].ends_at_ms, kStart + 9 * kMinute) << "valid for 4 x max(interval, resend delay)";
  EXPECT_EQ(sent[0][0].generator_url, "http://cairn.example:9090/graph?g0.expr=errors+%3E+1&g0.tab=1");
  auto p = Samples(pending);
  ASSERT_EQ(p.size(), 6u);
  EXPECT_TRUE(storage::IsStaleNaN(p.back().v)) << "the pending series goes stale when the alert fires";
  EXPECT_EQ(p.back().t_ms, kStart + 5 * kMinute);

  g.Eval(kStart + 6 * kMinute);
  EXPECT_TRUE(sender_.Take().empty()) << "resend delay not yet over";

  g.Eval(kStart + 7 * kMinute);
  EXPECT_TRUE(rule.ActiveAlerts().empty());
  auto all = rule.AllAlerts();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].state, AlertState::kInactive);
  EXPECT_EQ(all[0].resolved_at_ms, kStart + 7 * kMinute);
  sent = sender_.Take();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0][0].ends_at_ms, kStart + 7 * kMinute) << "a resolved alert ends at its resolution";
  auto f = Samples(firing);
  ASSERT_EQ(f.size(), 3u);
  EXPECT_TRUE(storage::IsStaleNaN(f.back().v));
  EXPECT_EQ(rule.StateText(), "inactive");

  // Resolved alerts are resent for 15 minutes, then forgotten.
  g.Eval(kStart + 9 * kMinute);
  EXPECT_EQ(sender_.Take().size(), 1u);
  g.Eval(kStart + 23 * kMinute);
  EXPECT_EQ(rule.AllAlerts().size(), 0u);
}

TEST_F(AlertingRuleTest, KeepFiringFor) {
  Add(R"(errors{instance="x"})", kStart, 5);
  Add(R"(errors{instance="x"})", kStart + kMinute, storage::StaleNaN());
  auto groups = Groups(R"(
groups:
- name: g
  rules:
  - alert: A
    expr: errors > 1
    keep_firing_for: 2m
)");
  auto& g = *groups[0];
  AlertingRule& rule = Rule0(groups[0]);
  g.Eval(kStart);
  ASSERT_EQ(rule.ActiveAlerts().size(), 1u);
  EXPECT_EQ(rule.ActiveAlerts()[0].state, AlertState::kFiring) << "for: 0 fires at once";
  g.Eval(kStart + kMinute);
  ASSERT_EQ(rule.ActiveAlerts().size(), 1u);
  EXPECT_EQ(rule.ActiveAlerts()[0].state, AlertState::kFiring);
  EXPECT_EQ(rule.ActiveAlerts()[0].keep_firing_since_ms, kStart + kMinute);
  g.Eval(kStart + 2 * kMinute);
  EXPECT_EQ(rule.ActiveAlerts().size(), 1u);
  g.Eval(kStart + 3 * kMinute);
  EXPECT_TRUE(rule.ActiveAlerts().empty());
  EXPECT_EQ(rule.AllAlerts()[0].resolved_at_ms, kStart + 3 * kMinute);
}

TEST_F(AlertingRuleTest, SameLabelsetAfterAlertLabelsIsAnError) {
  Add(R"(errors{instance="x"})", kStart, 5);
  Add(R"(errors{instance="y"})", kStart, 5);
  auto groups = Groups("groups:\n- name: g\n  rules:\n  - alert: A\n    expr: errors\n    labels: {instance: z}\n");
  groups[0]->Eval(kStart);
  EXPECT_EQ(groups[0]->rules()[0]->last_error(),
            "vector contains metrics with the same labelset after applying alert labels");
  EXPECT_EQ(groups[0]->rules()[0]->health(), RuleHealth::kBad);
}

TEST_F(AlertingRuleTest, LimitDropsEveryAlert) {
  Add(R"(errors{instance="x"})", kStart, 5);
  Add(R"(errors{instance="y"})", kStart, 5);
  auto groups = Groups("groups:\n- name: g\n  limit: 1\n  rules:\n  - alert: A\n    expr: errors\n");
  groups[0]->Eval(kStart);
  EXPECT_EQ(groups[0]->rules()[0]->last_error(), "exceeded limit of 1 with 2 alerts");
  EXPECT_TRUE(Rule0(groups[0]).AllAlerts().empty());
}

// A previous run wrote ALERTS_FOR_STATE until one minute before kStart; the
// alert had been active for 2 of its 20 minutes. Restarted at kStart + 10m,
// the downtime does not count towards `for`.
TEST_F(AlertingRuleTest, RestoreForStateAddsDowntime) {
  const std::string for_state = R"(ALERTS_FOR_STATE{alertname="A",instance="x"})";
  for (int m = -3; m <= -1; ++m) Add(for_state, kStart + m * kMinute, static_cast<double>((kStart - 3 * kMinute) / 1000));
  for (int m = 10; m <= 12; ++m) Add(R"(errors{instance="x"})", kStart + m * kMinute, 5);
  auto groups = Groups("groups:\n- name: g\n  rules:\n  - alert: A\n    expr: errors > 1\n    for: 20m\n",
                       /*should_restore=*/true);
  auto& g = *groups[0];
  AlertingRule& rule = Rule0(groups[0]);
  EXPECT_FALSE(rule.restored());
  g.Eval(kStart + 10 * kMinute);
  g.Eval(kStart + 11 * kMinute);
  EXPECT_TRUE(Samples(R"(ALERTS{alertname="A",alertstate="pending",instance="x"})").empty())
      << "nothing is written before the state is restored";
  g.RestoreForState(kStart + 11 * kMinute);
  EXPECT_TRUE(rule.restored());
  ASSERT_EQ(rule.ActiveAlerts().size(), 1u);
  EXPECT_EQ(rule.ActiveAlerts()[0].active_at_ms, kStart - 3 * kMinute + 12 * kMinute);
  g.Eval(kStart + 12 * kMinute);
  auto s = Samples(for_state);
  ASSERT_EQ(s.size(), 4u);
  EXPECT_EQ(s.back().v, static_cast<double>((kStart + 9 * kMinute) / 1000));
}

TEST_F(AlertingRuleTest, RestoreForStateGivesTheGracePeriod) {
  const std::string for_state = R"(ALERTS_FOR_STATE{alertname="A",instance="x"})";
  Add(for_state, kStart - kMinute, static_cast<double>((kStart - 5 * kMinute) / 1000));
  Add(R"(errors{instance="x"})", kStart + 10 * kMinute, 5);
  auto groups = Groups("groups:\n- name: g\n  rules:\n  - alert: A\n    expr: errors > 1\n    for: 12m\n",
                       /*should_restore=*/true);
  groups[0]->Eval(kStart + 10 * kMinute);
  groups[0]->RestoreForState(kStart + 10 * kMinute);
  // 8 of 12 minutes left would be under the 10m grace period: it fires no
  // earlier than 10m from now.
  EXPECT_EQ(Rule0(groups[0]).ActiveAlerts()[0].active_at_ms, kStart + 10 * kMinute + 10 * kMinute - 12 * kMinute);
}

TEST_F(AlertingRuleTest, RestoreForStateIgnoresStateBeyondOutageTolerance) {
  const std::string for_state = R"(ALERTS_FOR_STATE{alertname="A",instance="x"})";
  Add(for_state, kStart - 2 * 60 * kMinute, static_cast<double>((kStart - 3 * 60 * kMinute) / 1000));
  Add(R"(errors{instance="x"})", kStart, 5);
  auto groups = Groups("groups:\n- name: g\n  rules:\n  - alert: A\n    expr: errors > 1\n    for: 30m\n",
                       /*should_restore=*/true);
  groups[0]->Eval(kStart);
  groups[0]->RestoreForState(kStart);
  EXPECT_EQ(Rule0(groups[0]).ActiveAlerts()[0].active_at_ms, kStart);
}

}  // namespace
}  // namespace cairn::rules
