// Recording rules evaluated through a Group over the in-memory storage.
#include "rules/recording_rule.h"

#include <cmath>

#include "rules_fixture.h"
#include "storage/sample.h"

namespace cairn::rules {
namespace {

class RecordingRuleTest : public testing::RulesFixture {};

TEST_F(RecordingRuleTest, StoresResultUnderRecordNameWithRuleLabels) {
  Add(R"(up{job="a",instance="x"})", kStart - 10'000, 1);
  Add(R"(up{job="a",instance="y"})", kStart - 10'000, 1);
  auto groups = Groups(R"(
groups:
- name: g
  labels: {env: prod}
  rules:
  - record: job:up:sum
    expr: sum by (job) (up)
    labels: {job: overridden}
)");
  ASSERT_EQ(groups.size(), 1u);
  groups[0]->Eval(kStart);
  auto s = Samples(R"(job:up:sum{env="prod",job="overridden"})");
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].t_ms, kStart);
  EXPECT_EQ(s[0].v, 2);
  const Rule& r = *groups[0]->rules()[0];
  EXPECT_EQ(r.health(), RuleHealth::kGood);
  EXPECT_EQ(r.last_error(), "");
  EXPECT_EQ(r.last_evaluation_ms(), kStart);
  EXPECT_EQ(groups[0]->Figures().last_evaluation_samples, 1);
}

TEST_F(RecordingRuleTest, SameLabelsetAfterRuleLabelsIsAnError) {
  Add(R"(up{job="a",instance="x"})", kStart, 1);
  Add(R"(up{job="a",instance="y"})", kStart, 1);
  auto groups = Groups("groups:\n- name: g\n  rules:\n  - record: r\n    expr: up\n    labels: {instance: same}\n");
  ASSERT_EQ(groups.size(), 1u);
  groups[0]->Eval(kStart);
  const Rule& r = *groups[0]->rules()[0];
  EXPECT_EQ(r.health(), RuleHealth::kBad);
  EXPECT_EQ(r.last_error(), "vector contains metrics with the same labelset after applying rule labels");
  EXPECT_EQ(groups[0]->Figures().evaluation_failures_total, 1);
  EXPECT_TRUE(Samples(R"(r{instance="same",job="a"})").empty());
}

TEST_F(RecordingRuleTest, LimitFailsTheRule) {
  Add(R"(up{instance="x"})", kStart, 1);
  Add(R"(up{instance="y"})", kStart, 1);
  auto groups = Groups("groups:\n- name: g\n  limit: 1\n  rules:\n  - record: r\n    expr: up\n");
  groups[0]->Eval(kStart);
  EXPECT_EQ(groups[0]->rules()[0]->last_error(), "exceeded limit of 1 with 2 series");
  EXPECT_TRUE(Samples(R"(r{instance="x"})").empty());
}

TEST_F(RecordingRuleTest, SeriesThatDisappearGetStaleMarkers) {
  Add(R"(up{instance="x"})", kStart, 1);
  Add(R"(up{instance="y"})", kStart, 1);
  Add(R"(up{instance="x"})", kStart + kMinute, 1);
  Add(R"(up{instance="y"})", kStart + kMinute, storage::StaleNaN());
  auto groups = Groups("groups:\n- name: g\n  rules:\n  - record: r\n    expr: up\n");
  groups[0]->Eval(kStart);
  groups[0]->Eval(kStart + kMinute);
  auto y = Samples(R"(r{instance="y"})");
  ASSERT_EQ(y.size(), 2u);
  EXPECT_EQ(y[0].v, 1);
  EXPECT_EQ(y[1].t_ms, kStart + kMinute);
  EXPECT_TRUE(storage::IsStaleNaN(y[1].v));
  auto x = Samples(R"(r{instance="x"})");
  ASSERT_EQ(x.size(), 2u);
  EXPECT_EQ(x[1].v, 1);
}

TEST_F(RecordingRuleTest, QueryOffsetShiftsQueryAndSamples) {
  Add(R"(up{instance="x"})", kStart - kMinute, 7);
  Add(R"(up{instance="x"})", kStart, 9);
  auto groups = Groups("groups:\n- name: g\n  query_offset: 1m\n  rules:\n  - record: r\n    expr: up\n");
  groups[0]->Eval(kStart);
  auto s = Samples(R"(r{instance="x"})");
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].t_ms, kStart - kMinute);
  EXPECT_EQ(s[0].v, 7);
}

TEST_F(RecordingRuleTest, ScalarResultIsOneUnlabelledSeries) {
  auto groups = Groups("groups:\n- name: g\n  rules:\n  - record: answer\n    expr: \"42\"\n");
  groups[0]->Eval(kStart);
  auto s = Samples("answer");
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].v, 42);
}

}  // namespace
}  // namespace cairn::rules
