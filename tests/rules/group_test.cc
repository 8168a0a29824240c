// Group: schedule alignment, definitions, ordering and figures.
#include "rules/group.h"

#include "rules_fixture.h"

namespace cairn::rules {
namespace {

class GroupTest : public testing::RulesFixture {};

TEST_F(GroupTest, EvalTimestampIsTheGroupsPhaseWithinItsInterval) {
  auto groups = Groups("groups:\n- name: a\n  interval: 30s\n  rules: []\n- name: b\n  interval: 30s\n  rules: []\n");
  ASSERT_EQ(groups.size(), 2u);
  const int64_t interval_ns = 30'000'000'000;
  for (const auto& g : groups) {
    // Prometheus: offset = hash(name, file) % interval, in nanoseconds.
    const uint64_t hash = storage::Labels{{"file", g->file()}, {"name", g->name()}}.Hash();
    const int64_t phase_ms = static_cast<int64_t>(hash % interval_ns) / 1'000'000;
    for (int64_t now : {kStart, kStart + 1, kStart + 29'999, kStart + 123'456}) {
      const int64_t ts = g->EvalTimestamp(now);
      EXPECT_LE(ts, now);
      EXPECT_GT(ts, now - 30'000);
      EXPECT_EQ(((ts - phase_ms) % 30'000 + 30'000) % 30'000, 0) << g->name();
    }
  }
  EXPECT_NE(groups[0]->EvalTimestamp(kStart), groups[1]->EvalTimestamp(kStart)) << "groups spread over the interval";
}

TEST_F(GroupTest, DefaultsAndOwnSettings) {
  auto groups = Groups("groups:\n- name: a\n  rules: []\n- name: b\n  interval: 10s\n  limit: 3\n  query_offset: 30s\n"
                       "  rules: []\n");
  EXPECT_EQ(groups[0]->interval_ms(), kMinute);
  EXPECT_EQ(groups[0]->query_offset_ms(), 0);
  EXPECT_EQ(groups[1]->interval_ms(), 10'000);
  EXPECT_EQ(groups[1]->limit(), 3);
  EXPECT_EQ(groups[1]->query_offset_ms(), 30'000);
  EXPECT_EQ(groups[0]->file(), "rules.yml");
}

TEST_F(GroupTest, EqualsComparesDefinitions) {
  const char* a = "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up == 0\n    for: 1m\n";
  auto g1 = Groups(a);
  auto g2 = Groups(a);
  auto g3 = Groups("groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up == 0\n    for: 2m\n");
  auto g4 = Groups("groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up==0\n    for: 1m\n");
  EXPECT_TRUE(g1[0]->Equals(*g2[0]));
  EXPECT_FALSE(g1[0]->Equals(*g3[0]));
  EXPECT_TRUE(g1[0]->Equals(*g4[0])) << "expressions compare in their printed form";
}

TEST_F(GroupTest, AlertingRulesListsHighestStateFirst) {
  Add(R"(x{i="1"})", kStart, 1);
  auto groups = Groups(R"(
groups:
- name: g
  rules:
  - alert: B
    expr: absent(nothing)
  - alert: Quiet
    expr: nothing
  - alert: A
    expr: x
    for: 1h
  - record: r
    expr: x
)");
  groups[0]->Eval(kStart);
  auto rules = groups[0]->AlertingRules();
  ASSERT_EQ(rules.size(), 3u);
  EXPECT_EQ(rules[0]->name(), "B");
  EXPECT_EQ(rules[0]->StateText(), "firing");
  EXPECT_EQ(rules[1]->name(), "A");
  EXPECT_EQ(rules[1]->StateText(), "pending");
  EXPECT_EQ(rules[2]->name(), "Quiet");
  EXPECT_EQ(rules[2]->StateText(), "inactive");
}

TEST_F(GroupTest, FiguresCountEvaluationsAndFailures) {
  auto groups = Groups(R"(
groups:
- name: g
  rules:
  - record: a
    expr: vector(1)
  - record: b
    expr: label_replace(vector(1), "x", "1", "", "") or label_replace(vector(2), "x", "2", "", "")
    labels: {x: same}
)");
  groups[0]->EvalIteration(kStart);
  groups[0]->EvalIteration(kStart + kMinute);
  GroupFigures f = groups[0]->Figures();
  EXPECT_EQ(f.key, "rules.yml;g");
  EXPECT_EQ(f.iterations_total, 2);
  EXPECT_EQ(f.evaluations_total, 4);
  EXPECT_EQ(f.evaluation_failures_total, 2);
  EXPECT_EQ(f.rules, 2);
  EXPECT_EQ(f.interval_seconds, 60);
  EXPECT_EQ(f.last_evaluation_samples, 1);
  EXPECT_EQ(f.last_evaluation_timestamp_seconds, static_cast<double>(kStart) / 1000);
  EXPECT_EQ(groups[0]->last_eval_timestamp_ms(), kStart + kMinute);
}

}  // namespace
}  // namespace cairn::rules
