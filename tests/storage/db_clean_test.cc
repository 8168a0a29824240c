// DB::CleanTombstones and DB::Compact: deleted samples leave the chunks,
// emptied series leave the index, the space comes back, and all of it
// survives a restart.
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include <gtest/gtest.h>

#include "storage/db.h"
#include "tests/storage/db_fixture.h"

namespace cairn::storage {
namespace {

using namespace dbtest;  // NOLINT: the engine tests' shared fixture and constants

Labels Series(const std::string& name) { return Labels{{"__name__", name}, {"job", "a"}}; }
std::vector<std::pair<int64_t, double>> Pairs(const std::vector<Sample>& s) {
  std::vector<std::pair<int64_t, double>> out;
  for (const Sample& x : s) out.emplace_back(x.t_ms, x.v);
  return out;
}
using PairList = std::vector<std::pair<int64_t, double>>;

class DBCleanTest : public DBFixture {
 protected:
  using DBFixture::Add;
  SeriesRef Add(const Labels& ls, int64_t start, int64_t step, int n) {
    auto app = db_->NewAppender();
    SeriesRef ref = 0;
    for (int i = 0; i < n; ++i) {
      auto r = app->Append(0, ls, start + i * step, i);
      EXPECT_TRUE(r.ok());
      ref = *r;
    }
    EXPECT_TRUE(app->Commit().ok());
    return ref;
  }
  Status Delete(const std::string& name, int64_t lo, int64_t hi) {
    return db_->DeleteSeries({M(MatchType::kEqual, "__name__", name)}, lo, hi);
  }

};

TEST_F(DBCleanTest, PartialDeleteRewritesChunksAndKeepsTheRest) {
  Open();
  // 1000 samples every 10 s: 8 chunks on disk, the rest in the open chunk.
  Add(Series("part"), kT0, 10'000, 1000);
  ASSERT_TRUE(db_->Checkpoint().ok());
  // From the middle of one stored chunk to the middle of the open one.
  const int64_t lo = kT0 + 500'000, hi = kT0 + 9'985'000;
  ASSERT_TRUE(Delete("part", lo, hi).ok());
  const auto before = Read(Series("part"));
  auto res = db_->CleanTombstones();
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  EXPECT_EQ(res->tombstones, 1u);
  EXPECT_EQ(res->series_touched, 1u);
  EXPECT_EQ(res->series_removed, 0u);
  EXPECT_GT(res->chunks_rewritten, 0u);
  EXPECT_GT(res->chunks_dropped, 0u);
  EXPECT_EQ(res->samples_removed, 1000u - before.size());
  const auto after = Read(Series("part"));
  ASSERT_EQ(after.size(), before.size());
  for (size_t i = 0; i < after.size(); ++i) {
    EXPECT_EQ(after[i].t_ms, before[i].t_ms);
    EXPECT_EQ(after[i].v, before[i].v);
    EXPECT_TRUE(after[i].t_ms < lo || after[i].t_ms > hi);
  }
  // The tombstone is gone: a sample written into the range afterwards shows.
  auto app = db_->NewAppender();
  ASSERT_TRUE(app->Append(0, Series("part"), lo + 5, 42).ok());
  ASSERT_TRUE(app->Commit().ok());
  EXPECT_EQ(Read(Series("part")).size(), before.size() + 1);
  // Nothing left to clean.
  auto again = db_->CleanTombstones();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->tombstones, 0u);
}

TEST_F(DBCleanTest, FullyDeletedSeriesLeavesTheIndexAndStaysGoneAfterRestart) {
  Open();
  const SeriesRef gone = Add(Series("gone"), kT0, 15'000, 600);
  Add(Series("kept"), kT0, 15'000, 600);
  ASSERT_TRUE(db_->Checkpoint().ok());
  EXPECT_EQ(db_->Stats().head_series, 2u);
  ASSERT_TRUE(Delete("gone", INT64_MIN, INT64_MAX).ok());
  auto res = db_->CleanTombstones();
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  EXPECT_EQ(res->series_removed, 1u);
  EXPECT_EQ(res->samples_removed, 600u);
  EXPECT_EQ(db_->Stats().head_series, 1u);
  auto q = db_->NewQuerier(INT64_MIN, INT64_MAX);
  EXPECT_EQ(*(*q)->LabelValues("__name__", {}), (std::vector<std::string>{"kept"}));
  q->reset();

  ASSERT_TRUE(db_->Close().ok());
  Open();
  EXPECT_EQ(db_->Stats().head_series, 1u);
  EXPECT_TRUE(Read(Series("gone")).empty());
  EXPECT_EQ(Read(Series("kept")).size(), 600u);
  // The labels come back as a new series with a new ref.
  const SeriesRef back = Add(Series("gone"), kT0, 15'000, 3);
  EXPECT_GT(back, gone);
  EXPECT_EQ(Read(Series("gone")).size(), 3u);
}

TEST_F(DBCleanTest, RestartAfterCleanKeepsPartialResultWithoutWalReplayingDeletedSamples) {
  Open();
  Add(Series("p"), kT0, 1000, 500);  // all in the head and the WAL
  ASSERT_TRUE(Delete("p", kT0 + 100'000, kT0 + 199'000).ok());
  ASSERT_TRUE(db_->CleanTombstones().ok());
  EXPECT_EQ(Read(Series("p")).size(), 400u);
  ASSERT_TRUE(db_->Close().ok());
  Open();
  const auto s = Read(Series("p"));
  ASSERT_EQ(s.size(), 400u);
  for (const Sample& x : s) EXPECT_TRUE(x.t_ms < kT0 + 100'000 || x.t_ms > kT0 + 199'000) << x.t_ms;
}

TEST_F(DBCleanTest, AppenderHoldingARemovedSeriesBringsItBack) {
  Open();
  Add(Series("r"), kT0, 1000, 10);
  auto app = db_->NewAppender();
  ASSERT_TRUE(app->Append(0, Series("r"), kT0 + 100'000, 7).ok());  // before the clean
  ASSERT_TRUE(Delete("r", INT64_MIN, kT0 + 50'000).ok());
  auto res = db_->CleanTombstones();
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(res->series_removed, 1u);
  ASSERT_TRUE(app->Commit().ok());
  EXPECT_EQ(Pairs(Read(Series("r"))), (PairList{{kT0 + 100'000, 7}}));
  EXPECT_EQ(db_->Stats().head_series, 1u);
  ASSERT_TRUE(db_->Close().ok());
  Open();
  EXPECT_EQ(Pairs(Read(Series("r"))), (PairList{{kT0 + 100'000, 7}}));
}

// Removed series leave the head at once (not at the next restart): their
// memory is freed by the clean, or, while an appender holds series pinned,
// by the first checkpoint after that appender is done.
TEST_F(DBCleanTest, RemovedSeriesLeaveTheHeadWithoutARestart) {
  Open();
  Add(Series("gone1"), kT0, 1000, 50);
  Add(Series("gone2"), kT0, 1000, 50);
  Add(Series("kept"), kT0, 1000, 50);
  EXPECT_EQ(db_->Stats().head_series, 3u);
  ASSERT_TRUE(Delete("gone1", INT64_MIN, INT64_MAX).ok());
  ASSERT_TRUE(db_->CleanTombstones().ok());
  EXPECT_EQ(db_->Stats().head_series, 2u);
  EXPECT_EQ(db_->Stats().removed_series_unfreed, 0u);

  // An appender in the middle of a batch (of another series) pins what it
  // may hold: gone2 waits for it, and goes at the next checkpoint after.
  auto app = db_->NewAppender();
  ASSERT_TRUE(app->Append(0, Series("kept"), kT0 + 100'000, 1).ok());
  ASSERT_TRUE(Delete("gone2", INT64_MIN, INT64_MAX).ok());
  auto res = db_->CleanTombstones();
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(res->series_removed, 1u);
  EXPECT_EQ(db_->Stats().head_series, 1u);
  EXPECT_EQ(db_->Stats().removed_series_unfreed, 1u);
  ASSERT_TRUE(db_->Checkpoint().ok());
  EXPECT_EQ(db_->Stats().removed_series_unfreed, 1u);
  ASSERT_TRUE(app->Commit().ok());
  ASSERT_TRUE(db_->Checkpoint().ok());
  EXPECT_EQ(db_->Stats().removed_series_unfreed, 0u);

  // The labels come back as a new series, in the head and the index.
  Add(Series("gone1"), kT0 + 200'000, 1000, 2);
  EXPECT_EQ(db_->Stats().head_series, 2u);
  EXPECT_EQ(Read(Series("gone1")).size(), 2u);
  EXPECT_TRUE(Read(Series("gone2")).empty());
  EXPECT_EQ(Read(Series("kept")).size(), 51u);
}

// Appends, reads and cleans racing: run under ASan, a series freed while an
// appender or a query still used it would be a use after free.
TEST_F(DBCleanTest, CleaningWhileAppendingAndReadingFreesNothingInUse) {
  Open();
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (int w = 0; w < 2; ++w) {
    threads.emplace_back([&, w] {
      for (int i = 0; !stop; ++i) {
        auto app = db_->NewAppender();
        for (int k = 0; k < 8; ++k) {
          Status ignored = app->Append(0, Series("churn" + std::to_string(k)), kT0 + i * 1000 + w, i).status();
          (void)ignored;
        }
        EXPECT_TRUE(app->Commit().ok());
      }
    });
  }
  threads.emplace_back([&] {
    while (!stop) {
      for (int k = 0; k < 8; ++k) Read(Series("churn" + std::to_string(k)));
    }
  });
  for (int round = 0; round < 30; ++round) {
    ASSERT_TRUE(db_->DeleteSeries({M(MatchType::kRegexMatch, "__name__", "churn.*")}, INT64_MIN, INT64_MAX).ok());
    ASSERT_TRUE(db_->CleanTombstones().ok());
  }
  stop = true;
  for (auto& t : threads) t.join();
  ASSERT_TRUE(db_->Checkpoint().ok());
  EXPECT_EQ(db_->Stats().removed_series_unfreed, 0u);
  EXPECT_LE(db_->Stats().head_series, 8u);
}

TEST_F(DBCleanTest, CleanThenCompactFreesDiskSpace) {
  Open();
  for (int s = 0; s < 100; ++s) {
    // Random-ish values so the chunks do not compress to nothing.
    auto app = db_->NewAppender();
    const Labels ls{{"__name__", "m"}, {"i", std::to_string(s)}};
    uint64_t x = 88172645463325252ull + s;
    for (int i = 0; i < 2000; ++i) {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      ASSERT_TRUE(app->Append(0, ls, kT0 + i * 15'000, static_cast<double>(x % 100000) / 7).ok());
    }
    ASSERT_TRUE(app->Commit().ok());
  }
  ASSERT_TRUE(db_->Compact().ok());
  const uint64_t before = db_->Stats().disk_bytes;
  ASSERT_TRUE(db_->DeleteSeries({M(MatchType::kRegexMatch, "i", "[0-4]?[0-9]")}, INT64_MIN, INT64_MAX).ok());
  auto res = db_->CleanTombstones();
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(res->series_removed, 50u);
  ASSERT_TRUE(db_->Compact().ok());
  const uint64_t after = db_->Stats().disk_bytes;
  std::printf("disk bytes before %llu after %llu\n", static_cast<unsigned long long>(before),
              static_cast<unsigned long long>(after));
  EXPECT_LT(after, before * 0.7);
  EXPECT_EQ(Read(Labels{{"__name__", "m"}, {"i", "99"}}).size(), 2000u);
  EXPECT_TRUE(Read(Labels{{"__name__", "m"}, {"i", "7"}}).empty());
}

}  // namespace
}  // namespace cairn::storage
