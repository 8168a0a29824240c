// DBFixture: a DB in its own temp directory per test, on a manual clock at
// kT0, with the appends and reads the engine tests share. Fixtures derive
// from it and add what only they need.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "storage/db.h"
#include "util/clock.h"

namespace cairn::storage::dbtest {

inline constexpr int64_t kHour = 3600 * 1000;
inline constexpr int64_t kDay = 24 * kHour;
inline constexpr int64_t kT0 = 1'764'000'000'000 - 1'764'000'000'000 % kDay;  // midnight UTC

inline Matcher M(MatchType t, const std::string& n, const std::string& v) { return *Matcher::Make(t, n, v); }

class DBFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           ("cairn_" + std::string(info->test_suite_name()) + "_" + std::to_string(::getpid()) + "_" + info->name());
    std::filesystem::remove_all(dir_);
    opts_.path = dir_.string();
    opts_.background_poll_ms = 0;
  }
  void TearDown() override {
    db_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Open() {
    db_.reset();
    auto db = DB::Open(opts_, clock_);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db).value();
  }
  // Appends and commits samples of one series.
  void Add(const Labels& ls, const std::vector<Sample>& samples) {
    auto app = db_->NewAppender();
    for (const Sample& s : samples) ASSERT_TRUE(app->Append(0, ls, s.t_ms, s.v).ok()) << s.t_ms;
    ASSERT_TRUE(app->Commit().ok());
  }
  // The samples of the series with exactly these labels, through a querier.
  std::vector<Sample> Read(const Labels& ls, int64_t lo = std::numeric_limits<int64_t>::min(),
                           int64_t hi = std::numeric_limits<int64_t>::max()) {
    auto q = db_->NewQuerier(lo, hi);
    EXPECT_TRUE(q.ok());
    Matchers ms;
    for (const Label& l : ls) ms.push_back(M(MatchType::kEqual, l.name, l.value));
    auto set = (*q)->Select({}, ms);
    std::vector<Sample> out;
    while (set->Next()) {
      EXPECT_EQ(set->At().labels(), ls);
      for (auto it = set->At().Iterator(); it->Next();) out.push_back(it->At());
    }
    EXPECT_TRUE(set->status().ok()) << set->status().ToString();
    return out;
  }

  std::filesystem::path dir_;
  DBOptions opts_;
  ManualClock clock_{kT0};
  std::unique_ptr<DB> db_;
};

}  // namespace cairn::storage::dbtest
