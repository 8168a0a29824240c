// Manager: loading files, Update keeping the state of what did not change,
// refusing bad files, staleness of removed rules, the run loop.
#include "rules/manager.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "rules_fixture.h"
#include "storage/sample.h"

namespace cairn::rules {
namespace {

class ManagerTest : public testing::RulesFixture {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("cairn_rules_manager_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& text) {
    std::string path = (dir_ / name).string();
    std::ofstream(path) << text;
    return path;
  }

  std::filesystem::path dir_;
};

constexpr const char* kAlertFile = R"(
groups:
- name: g
  rules:
  - alert: A
    expr: x > 0
    for: 10m
)";

TEST_F(ManagerTest, UpdateKeepsUnchangedGroupsAndCarriesStateIntoChangedOnes) {
  Add(R"(x{i="1"})", kStart, 1);
  Add(R"(x{i="1"})", kStart + kMinute, 1);
  Manager m(Options());
  const std::string path = Write("a.yml", kAlertFile);
  ASSERT_TRUE(m.Update(kMinute, {path}, {}, "").ok());
  auto groups = m.RuleGroups();
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0]->file(), path);
  groups[0]->Eval(kStart);

  ASSERT_TRUE(m.Update(kMinute, {path}, {}, "").ok());
  ASSERT_EQ(m.RuleGroups().size(), 1u);
  EXPECT_EQ(m.RuleGroups()[0], groups[0]) << "an unchanged group keeps running as it is";

  Write("a.yml", std::string(kAlertFile) + "  - record: r\n    expr: x\n");
  ASSERT_TRUE(m.Update(kMinute, {path}, {}, "").ok());
  auto changed = m.RuleGroups();
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_NE(changed[0], groups[0]);
  auto& rule = dynamic_cast<AlertingRule&>(*changed[0]->rules()[0]);
  ASSERT_EQ(rule.ActiveAlerts().size(), 1u);
  EXPECT_EQ(rule.ActiveAlerts()[0].active_at_ms, kStart) << "the pending alert survives the reload";
}

TEST_F(ManagerTest, BadFileIsRefusedAndOldRulesStay) {
  Manager m(Options());
  const std::string good = Write("a.yml", kAlertFile);
  ASSERT_TRUE(m.Update(kMinute, {good}, {}, "").ok());
  const std::string bad = Write("b.yml", "groups:\n- name: g\n  rules:\n  - record: r\n    expr: 'x{'\n");
  Status s = m.Update(kMinute, {good, bad}, {}, "");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(), "error loading rules, previous rule set restored: " + bad +
                             ": 5:11: group \"g\", rule 1, \"r\": could not parse expression: 1:3: parse error: "
                             "unexpected end of input inside braces");
  ASSERT_EQ(m.RuleGroups().size(), 1u);
  EXPECT_EQ(m.RuleGroups()[0]->file(), good);
}

TEST_F(ManagerTest, SeriesOfARemovedRuleGoStale) {
  Add(R"(x{i="1"})", kStart, 1);
  Add(R"(x{i="1"})", kStart + kMinute, 1);
  Manager m(Options());
  const std::string path =
      Write("a.yml", "groups:\n- name: g\n  rules:\n  - record: r1\n    expr: x\n  - record: r2\n    expr: x\n");
  ASSERT_TRUE(m.Update(kMinute, {path}, {}, "").ok());
  m.RuleGroups()[0]->Eval(kStart);
  Write("a.yml", "groups:\n- name: g\n  rules:\n  - record: r1\n    expr: x\n");
  ASSERT_TRUE(m.Update(kMinute, {path}, {}, "").ok());
  m.RuleGroups()[0]->Eval(kStart + kMinute);
  auto r2 = Samples(R"(r2{i="1"})");
  ASSERT_EQ(r2.size(), 2u);
  EXPECT_TRUE(storage::IsStaleNaN(r2[1].v));
  EXPECT_EQ(r2[1].t_ms, kStart + kMinute);
  auto r1 = Samples(R"(r1{i="1"})");
  ASSERT_EQ(r1.size(), 2u);
  EXPECT_EQ(r1[1].v, 1);
}

TEST_F(ManagerTest, GroupLabelsAndExternalLabelsReachTheRules) {
  Add(R"(x{i="1"})", kStart, 3);
  Manager m(Options());
  const std::string path = Write("a.yml", R"(
groups:
- name: g
  labels: {team: db, severity: low}
  rules:
  - alert: A
    expr: x
    labels: {severity: high}
)");
  ASSERT_TRUE(m.Update(kMinute, {path}, storage::Labels{{"cluster", "c1"}}, "http://ext").ok());
  m.RuleGroups()[0]->Eval(kStart);
  auto& rule = dynamic_cast<AlertingRule&>(*m.RuleGroups()[0]->rules()[0]);
  ASSERT_EQ(rule.ActiveAlerts().size(), 1u);
  EXPECT_EQ(rule.ActiveAlerts()[0].labels,
            (storage::Labels{{"alertname", "A"}, {"i", "1"}, {"severity", "high"}, {"team", "db"}}));
  auto sent = sender_.Take();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0][0].generator_url, "http://ext/graph?g0.expr=x&g0.tab=1");
}

TEST_F(ManagerTest, RunLoopEvaluatesOnTheGroupsScheduleAndCountsMissedIterations) {
  Add(R"(x{i="1"})", kStart, 1);
  Manager m(Options());
  const std::string path = Write("a.yml", "groups:\n- name: g\n  interval: 10s\n  rules:\n  - record: r\n    expr: x\n");
  ASSERT_TRUE(m.Update(kMinute, {path}, {}, "").ok());
  auto g = m.RuleGroups()[0];
  const int64_t first = g->EvalTimestamp(kStart) + 10'000;
  m.Start();
  clock_.Set(first);
  auto wait_for = [&](auto pred) {
    for (int i = 0; i < 100 && !pred(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    return pred();
  };
  ASSERT_TRUE(wait_for([&] { return g->last_eval_timestamp_ms() == first; }));
  // Three slots pass at once: the group evaluates the latest and counts two as missed.
  clock_.Set(first + 30'000);
  ASSERT_TRUE(wait_for([&] { return g->last_eval_timestamp_ms() == first + 30'000; }));
  m.Stop();
  GroupFigures f = m.Figures().groups.at(0);
  EXPECT_EQ(f.iterations_missed_total, 2);
  EXPECT_EQ(f.iterations_total, 4);
  EXPECT_EQ(m.Figures().group_duration_count, 2);
  EXPECT_EQ(Samples(R"(r{i="1"})").size(), 2u);
}

}  // namespace
}  // namespace cairn::rules
