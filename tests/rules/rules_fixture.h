// Shared pieces of the rule-engine tests: an in-memory storage, the PromQL
// engine, a manual clock, a sender that records what it is given, and helpers
// to write input samples and read back what the rules wrote.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "promql/engine.h"
#include "promql/parser/parser.h"
#include "rules/manager.h"
#include "storage/memory_storage.h"
#include "util/clock.h"

namespace cairn::rules::testing {

class RecordingSender final : public AlertSender {
 public:
  void Send(std::vector<OutgoingAlert> alerts) override {
    std::lock_guard<std::mutex> l(mu_);
    batches_.push_back(std::move(alerts));
  }
  std::vector<std::vector<OutgoingAlert>> Take() {
    std::lock_guard<std::mutex> l(mu_);
    return std::exchange(batches_, {});
  }

 private:
  std::mutex mu_;
  std::vector<std::vector<OutgoingAlert>> batches_;
};

class RulesFixture : public ::testing::Test {
 protected:
  static constexpr int64_t kMinute = 60'000;
  // A realistic wall-clock start, on a whole minute.
  static constexpr int64_t kStart = 1'700'000'040'000;

  ManagerOptions Options() {
    ManagerOptions o;
    o.engine = &engine_;
    o.queryable = &db_;
    o.appendable = &db_;
    o.clock = &clock_;
    o.sender = &sender_;
    o.external_url = "http://cairn.example:9090";
    return o;
  }

  // Adds one sample of the series written as PromQL selector text.
  void Add(const std::string& series, int64_t t_ms, double v) {
    auto labels = promql::parser::ParseMetric(series);
    ASSERT_TRUE(labels.ok()) << labels.status().message();
    auto app = db_.NewAppender();
    ASSERT_TRUE(app->Append(0, *labels, t_ms, v).ok());
    ASSERT_TRUE(app->Commit().ok());
  }

  // All samples (t, v) of the series with exactly these labels.
  std::vector<storage::Sample> Samples(const std::string& series) {
    auto labels = promql::parser::ParseMetric(series);
    EXPECT_TRUE(labels.ok()) << labels.status().message();
    std::vector<storage::Sample> out;
    auto q = db_.NewQuerier(INT64_MIN / 2, INT64_MAX / 2);
    EXPECT_TRUE(q.ok());
    storage::Matchers ms;
    for (const auto& l : *labels) ms.push_back(*storage::Matcher::Make(storage::MatchType::kEqual, l.name, l.value));
    auto set = (*q)->Select(storage::SelectHints{}, ms);
    while (set->Next()) {
      if (!(set->At().labels() == *labels)) continue;
      auto it = set->At().Iterator();
      while (it->Next()) out.push_back(it->At());
    }
    return out;
  }

  // Builds groups from rule-file text without a manager.
  std::vector<std::shared_ptr<Group>> Groups(const std::string& yaml, bool should_restore = false) {
    auto f = ParseRuleFile("rules.yml", yaml);
    EXPECT_TRUE(f.ok()) << f.status().message();
    if (!f.ok()) return {};
    auto g = GroupsFromFiles(std::make_shared<const ManagerOptions>(Options()), nullptr, kMinute, {*f},
                             should_restore);
    EXPECT_TRUE(g.ok()) << g.status().message();
    return g.ok() ? *g : std::vector<std::shared_ptr<Group>>{};
  }

  storage::MemoryStorage db_;
  promql::Engine engine_;
  ManualClock clock_{kStart};
  RecordingSender sender_;
};

}  // namespace cairn::rules::testing
