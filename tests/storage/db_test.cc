#include "storage/db.h"
#include "tests/storage/db_fixture.h"

#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <bit>
#include <filesystem>
#include <thread>

#include <gtest/gtest.h>

#include "storage/chunk/xor_chunk.h"

namespace cairn::storage {
namespace {

using namespace dbtest;  // NOLINT: the engine tests' shared fixture and constants


Labels Series(const std::string& name, const std::string& job = "a") { return Labels{{"__name__", name}, {"job", job}}; }

class DBTest : public DBFixture {
 protected:
  void TearDown() override {
    DBFixture::TearDown();
    std::filesystem::remove_all(dir_.string() + "_snap");
  }

  static std::vector<Sample> Range(int64_t start, int64_t step, int n, double v0 = 0) {
    std::vector<Sample> out;
    for (int i = 0; i < n; ++i) out.push_back({start + i * step, v0 + i});
    return out;
  }

  // Runs `fn` in a child process that then dies without Close (like kill -9).
  void InCrashingChild(const std::function<void()>& fn) {
    db_.reset();
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      auto db = DB::Open(opts_, clock_);
      if (!db.ok()) ::_exit(2);
      db_ = std::move(db).value();
      fn();
      ::_exit(::testing::Test::HasFailure() ? 1 : 0);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFEXITED(status));
    ASSERT_EQ(WEXITSTATUS(status), 0);
  }

};

TEST_F(DBTest, SeriesLabelsNamesTheSeriesOfARefAndAppendByRefNeedsNoLabels) {
  Open();
  auto app = db_->NewAppender();
  auto ref = app->Append(0, Series("up"), kT0, 1);
  ASSERT_TRUE(ref.ok());
  const Labels* got = app->SeriesLabels(*ref);
  ASSERT_NE(got, nullptr);
  EXPECT_EQ(*got, Series("up"));
  EXPECT_EQ(app->SeriesLabels(*ref + 1000), nullptr);
  ASSERT_TRUE(app->Commit().ok());
  // A later appender appends by the ref alone (the labels are not looked at).
  auto later = db_->NewAppender();
  ASSERT_EQ(*later->Append(*ref, *later->SeriesLabels(*ref), kT0 + 15000, 2), *ref);
  ASSERT_TRUE(later->Append(*ref, Labels{}, kT0 + 30000, 3).ok());
  ASSERT_TRUE(later->Commit().ok());
  const std::vector<Sample> samples = Read(Series("up"));
  ASSERT_EQ(samples.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(samples[i].t_ms, kT0 + 15000 * i);
    EXPECT_EQ(samples[i].v, i + 1);
  }
}

TEST_F(DBTest, AppendThenSelectSortedWithSeek) {
  Open();
  Add(Series("up", "b"), Range(kT0, 15000, 300));
  Add(Series("up", "a"), Range(kT0, 15000, 10, 100));
  auto q = db_->NewQuerier(kT0, kT0 + 1'000'000);
  ASSERT_TRUE(q.ok());
  auto set = (*q)->Select({}, {M(MatchType::kEqual, "__name__", "up")});
  ASSERT_TRUE(set->Next());
  EXPECT_EQ(set->At().labels(), Series("up", "a"));
  ASSERT_TRUE(set->Next());
  EXPECT_EQ(set->At().labels(), Series("up", "b"));
  auto it = set->At().Iterator();
  ASSERT_TRUE(it->Seek(kT0 + 15000 * 10 - 1));
  EXPECT_EQ(it->At().t_ms, kT0 + 15000 * 10);
  EXPECT_TRUE(it->Seek(kT0));  // backwards: stays
  EXPECT_EQ(it->At().t_ms, kT0 + 15000 * 10);
  EXPECT_FALSE(set->Next());
  EXPECT_EQ(Read(Series("up", "b")).size(), 300u);
  const auto st = db_->Stats();
  EXPECT_EQ(st.series_created_total, 2u);
  EXPECT_EQ(st.samples_appended_total, 310u);
  EXPECT_EQ(st.min_time_ms, kT0);
  EXPECT_EQ(st.max_time_ms, kT0 + 299 * 15000);
}

TEST_F(DBTest, LargeSelectionLoadedAheadKeepsOrderAndSamples) {
  // Enough series for the loader thread (the longer ones have chunks on disk),
  // some with no sample in the window, which must be skipped.
  Open();
  const int n = 700;
  for (int i = 0; i < n; ++i) {
    char name[8];
    std::snprintf(name, sizeof(name), "i%03d", i);
    const int64_t start = i % 5 == 0 ? kT0 : kT0 + 3'600'000;
    Add(Series("many", name), Range(start, 15000, i % 2 == 0 ? 300 : 20, i));
  }
  auto q = db_->NewQuerier(kT0 + 3'600'000, kT0 + 7'200'000);
  ASSERT_TRUE(q.ok());
  auto set = (*q)->Select({}, {M(MatchType::kEqual, "__name__", "many")});
  int seen = 0;
  int expect = 0;
  while (set->Next()) {
    // Series starting at kT0 with 20 samples end before the window.
    while (expect % 5 == 0 && expect % 2 == 1) ++expect;
    char name[8];
    std::snprintf(name, sizeof(name), "i%03d", expect);
    ASSERT_EQ(set->At().labels(), Series("many", name));
    auto it = set->At().Iterator();
    ASSERT_TRUE(it->Next());
    EXPECT_GE(it->At().t_ms, kT0 + 3'600'000);
    EXPECT_EQ(it->At().v - expect, (it->At().t_ms - (expect % 5 == 0 ? kT0 : kT0 + 3'600'000)) / 15000);
    ++seen;
    ++expect;
  }
  EXPECT_TRUE(set->status().ok()) << set->status().ToString();
  EXPECT_EQ(seen, n - n / 10);
}

TEST_F(DBTest, StatsGaugesTrackHeadWithoutWalking) {
  opts_.samples_per_chunk = 10;
  Open();
  EXPECT_EQ(db_->Stats().head_series, 0u);
  EXPECT_EQ(db_->Stats().chunks_in_head, 0u);
  EXPECT_EQ(db_->Stats().min_time_ms, 0);
  Add(Series("s1"), Range(kT0, 1000, 25));  // two chunks flushed, one open
  Add(Series("s2"), Range(kT0 + 5000, 1000, 3));
  Add(Series("s2"), {{kT0 + 1000, 9}});     // out-of-order buffer
  auto st = db_->Stats();
  EXPECT_EQ(st.head_series, 2u);
  EXPECT_EQ(st.chunks_in_head, 3u);  // s1 open, s2 open, s2 OOO buffer
  EXPECT_EQ(st.min_time_ms, kT0);
  EXPECT_EQ(st.max_time_ms, kT0 + 24 * 1000);
  ASSERT_TRUE(db_->Close().ok());
  Open();
  st = db_->Stats();
  EXPECT_EQ(st.head_series, 2u);
  EXPECT_EQ(st.chunks_in_head, 3u);
  EXPECT_EQ(st.min_time_ms, kT0);
  EXPECT_EQ(st.max_time_ms, kT0 + 24 * 1000);
}

TEST_F(DBTest, SpecialValuesSurviveDiskBitExact) {
  Open();
  const std::vector<Sample> in{{kT0, StaleNaN()}, {kT0 + 1, std::bit_cast<double>(kNormalNaNBits)},
                               {kT0 + 2, -std::numeric_limits<double>::infinity()}};
  Add(Series("x"), in);
  ASSERT_TRUE(db_->Close().ok());
  Open();
  const auto got = Read(Series("x"));
  ASSERT_EQ(got.size(), 3u);
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(std::bit_cast<uint64_t>(got[i].v), std::bit_cast<uint64_t>(in[i].v));
}

TEST_F(DBTest, OutOfOrderSamplesAreMergedOnRead) {
  Open();
  Add(Series("m"), Range(kT0 + 100, 10, 5));  // 100..140
  Add(Series("m"), {{kT0 + 105, 7}, {kT0 + 50, 8}, {kT0 + 135, 9}});
  const auto got = Read(Series("m"));
  std::vector<int64_t> ts;
  for (const auto& s : got) ts.push_back(s.t_ms - kT0);
  EXPECT_EQ(ts, (std::vector<int64_t>{50, 100, 105, 110, 120, 130, 135, 140}));
  EXPECT_EQ(db_->Stats().out_of_order_samples_total, 3u);
  // Many OOO samples become their own chunks and still merge after reopen.
  Add(Series("m"), Range(kT0 - 200 * 1000, 1000, 150));
  ASSERT_TRUE(db_->Close().ok());
  Open();
  const auto again = Read(Series("m"));
  EXPECT_EQ(again.size(), got.size() + 150);
  EXPECT_TRUE(std::is_sorted(again.begin(), again.end(), [](auto& a, auto& b) { return a.t_ms < b.t_ms; }));
}

TEST_F(DBTest, DuplicateTimestampRejectedOnlyWhenValueDiffers) {
  Open();
  Add(Series("d"), Range(kT0, 1000, 5));
  auto app = db_->NewAppender();
  EXPECT_TRUE(app->Append(0, Series("d"), kT0 + 2000, 2).ok());        // identical resend
  auto dup = app->Append(0, Series("d"), kT0 + 3000, 99);             // different value
  EXPECT_EQ(dup.status().code(), StatusCode::kDuplicateSample);
  EXPECT_TRUE(app->Append(0, Series("d"), kT0 + 9000, 5).ok());
  ASSERT_TRUE(app->Commit().ok());
  const auto got = Read(Series("d"));
  ASSERT_EQ(got.size(), 6u);
  EXPECT_EQ(got[3].v, 3);
  EXPECT_EQ(db_->Stats().duplicate_samples_total, 1u);
}

// Appends one sample in its own appender; returns Append's status (Commit
// must succeed whenever Append did).
Status AppendOne(DB& db, const Labels& ls, int64_t t, double v) {
  auto app = db.NewAppender();
  auto r = app->Append(0, ls, t, v);
  if (!r.ok()) return r.status();
  return app->Commit();
}

TEST_F(DBTest, ConflictWithFlushedChunkIsRejectedAndIdenticalResendAccepted) {
  opts_.samples_per_chunk = 10;
  Open();
  Add(Series("f"), Range(kT0, 1000, 35));  // three chunks closed and written to RocksDB
  // kT0 + 5 s lives only in a persisted chunk now.
  const Status conflict = AppendOne(*db_, Series("f"), kT0 + 5000, 1234);
  EXPECT_EQ(conflict.code(), StatusCode::kDuplicateSample) << conflict.ToString();
  EXPECT_TRUE(AppendOne(*db_, Series("f"), kT0 + 5000, 5).ok());  // same value bits
  // A new out-of-order timestamp between stored ones is still accepted.
  EXPECT_TRUE(AppendOne(*db_, Series("f"), kT0 + 5500, 77).ok());
  const auto got = Read(Series("f"));
  ASSERT_EQ(got.size(), 36u);
  EXPECT_EQ(got[5].t_ms, kT0 + 5000);
  EXPECT_EQ(got[5].v, 5);
  EXPECT_EQ(got[6].v, 77);
  EXPECT_EQ(db_->Stats().duplicate_samples_total, 1u);
}

TEST_F(DBTest, ConflictAfterReopenIsRejectedAndStoredValueStays) {
  opts_.samples_per_chunk = 10;
  Open();
  Add(Series("o"), Range(kT0, 1000, 25));  // two closed chunks on disk, five in the open chunk
  ASSERT_TRUE(db_->Close().ok());
  Open();
  for (int64_t i : {3, 12, 22}) {  // closed chunk, closed chunk, checkpointed open chunk
    const Status st = AppendOne(*db_, Series("o"), kT0 + i * 1000, -1);
    EXPECT_EQ(st.code(), StatusCode::kDuplicateSample) << i << " " << st.ToString();
    EXPECT_TRUE(AppendOne(*db_, Series("o"), kT0 + i * 1000, static_cast<double>(i)).ok()) << i;
  }
  // Conflicts are also caught when the value differs only in NaN payload bits.
  const double odd_nan = std::bit_cast<double>(uint64_t{0x7ff8000000000123});
  EXPECT_EQ(AppendOne(*db_, Series("o"), kT0 + 1000, odd_nan).code(), StatusCode::kDuplicateSample);
  ASSERT_TRUE(db_->Close().ok());
  Open();
  const auto got = Read(Series("o"));
  ASSERT_EQ(got.size(), 25u);
  for (int i = 0; i < 25; ++i) {
    EXPECT_EQ(got[i].t_ms, kT0 + i * 1000);
    EXPECT_EQ(got[i].v, i);
  }
}

TEST_F(DBTest, ConflictWithOutOfOrderChunkOnDiskIsRejected) {
  opts_.samples_per_chunk = 4;
  Open();
  Add(Series("q"), {{kT0 + 100'000, 1}});
  Add(Series("q"), Range(kT0, 1000, 8, 10));  // two OOO chunks, written to RocksDB
  ASSERT_TRUE(db_->Checkpoint().ok());
  EXPECT_EQ(AppendOne(*db_, Series("q"), kT0 + 2000, 0).code(), StatusCode::kDuplicateSample);
  EXPECT_TRUE(AppendOne(*db_, Series("q"), kT0 + 2000, 12).ok());
  const auto got = Read(Series("q"));
  ASSERT_EQ(got.size(), 9u);
  EXPECT_EQ(got[2].v, 12);
}

TEST_F(DBTest, ReopenAfterCloseKeepsHeadAndClosedChunks) {
  Open();
  Add(Series("r"), Range(kT0, 15000, 1000));  // spans 4h+: several closed chunks and an open one
  ASSERT_TRUE(db_->Close().ok());
  Open();
  EXPECT_EQ(Read(Series("r")).size(), 1000u);
  EXPECT_EQ(db_->Stats().wal_replayed_records, 0u);  // Close checkpointed everything
  Add(Series("r"), Range(kT0 + 1000 * 15000, 15000, 10, 1000));
  EXPECT_EQ(Read(Series("r")).size(), 1010u);
}

TEST_F(DBTest, InvalidLabelsAreRejected) {
  Open();
  auto app = db_->NewAppender();
  EXPECT_EQ(app->Append(0, Labels(), kT0, 1).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(app->Append(0, Labels{{"__name__", "bad\xff"}}, kT0, 1).status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(app->Commit().ok());
  EXPECT_EQ(db_->Stats().series_created_total, 0u);
}

TEST_F(DBTest, AfterCloseStatsWorkAndWritesAreRefused) {
  Open();
  Add(Series("z"), {{kT0, 1}});
  auto app = db_->NewAppender();
  ASSERT_TRUE(app->Append(0, Series("z"), kT0 + 1, 2).ok());
  ASSERT_TRUE(db_->Close().ok());
  EXPECT_EQ(app->Commit().code(), StatusCode::kUnavailable);
  EXPECT_EQ(app->Append(0, Series("new"), kT0, 1).status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(db_->NewQuerier(0, 1).status().code(), StatusCode::kUnavailable);
  const auto st = db_->Stats();
  EXPECT_EQ(st.samples_appended_total, 1u);
  EXPECT_GE(st.wal_fsyncs_total, 1u);
  EXPECT_TRUE(db_->Close().ok());
}

TEST_F(DBTest, CrashWithoutCloseRecoversEveryCommittedSample) {
  InCrashingChild([&] {
    Add(Series("c"), Range(kT0, 1000, 500));
    ASSERT_TRUE(db_->Checkpoint().ok());
    Add(Series("c"), Range(kT0 + 500 * 1000, 1000, 77, 500));
    Add(Series("c2"), {{kT0, 1}});
  });
  Open();
  EXPECT_EQ(Read(Series("c")).size(), 577u);
  EXPECT_EQ(Read(Series("c2")).size(), 1u);
  EXPECT_GT(db_->Stats().wal_replayed_records, 0u);
}

// kill -9 in the middle of concurrent commits, background checkpoints and
// queries: every sample whose Commit returned OK must be there on restart.
TEST_F(DBTest, KillDuringWritesAndCheckpointsLosesNoAcknowledgedSample) {
  constexpr int kWriters = 4;
  auto* acked = static_cast<std::atomic<int64_t>*>(
      ::mmap(nullptr, sizeof(std::atomic<int64_t>) * kWriters, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0));
  ASSERT_NE(acked, MAP_FAILED);
  for (int i = 0; i < kWriters; ++i) new (&acked[i]) std::atomic<int64_t>(-1);
  opts_.background_poll_ms = 5;
  opts_.checkpoint_wal_bytes = 4096;  // checkpoint very often
  opts_.samples_per_chunk = 20;
  db_.reset();
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    auto db = DB::Open(opts_, clock_);
    if (!db.ok()) ::_exit(2);
    std::vector<std::thread> threads;
    for (int w = 0; w < kWriters; ++w) {
      threads.emplace_back([&, w] {
        auto app = (*db)->NewAppender();
        for (int64_t i = 0;; ++i) {
          if (!app->Append(0, Series("k", std::to_string(w)), kT0 + i * 1000, static_cast<double>(i)).ok()) ::_exit(3);
          // Every 7th sample also lands out of order, far in the past.
          if (i % 7 == 0 && !app->Append(0, Series("k", std::to_string(w)), kT0 - 1 - i, -1.0).ok()) ::_exit(3);
          if (!app->Commit().ok()) ::_exit(4);
          acked[w].store(i);
        }
      });
    }
    threads.emplace_back([&] {
      for (;;) {
        auto q = (*db)->NewQuerier(INT64_MIN, INT64_MAX);
        auto set = (*q)->Select({}, {M(MatchType::kEqual, "__name__", "k")});
        while (set->Next()) {
          for (auto it = set->At().Iterator(); it->Next();) {
          }
        }
      }
    });
    for (auto& t : threads) t.join();
    ::_exit(0);
  }
  // Kill once every writer has committed a while and background checkpoints
  // have deleted the first WAL segments — by progress, not by a fixed sleep,
  // so a loaded machine (CI under ASan) cannot make the test flaky.
  auto oldest_segment = [&] {
    uint64_t oldest = UINT64_MAX;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir_ / "wal", ec)) {
      const std::string name = e.path().filename().string();
      if (!name.empty() && std::isdigit(static_cast<unsigned char>(name[0])))
        oldest = std::min<uint64_t>(oldest, std::stoull(name));
    }
    return oldest;
  };
  auto progressed = [&] {
    for (int w = 0; w < kWriters; ++w)
      if (acked[w].load() < 1000) return false;
    const uint64_t oldest = oldest_segment();
    return oldest != UINT64_MAX && oldest > 2;
  };
  for (int i = 0; i < 60'000 && !progressed(); i += 10) ::usleep(10'000);
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "child exited early with " << WEXITSTATUS(status);
  // Background checkpoints ran meanwhile: they deleted the first segments.
  EXPECT_GT(oldest_segment(), 2u);
  Open();
  for (int w = 0; w < kWriters; ++w) {
    const int64_t n = acked[w].load();
    ASSERT_GE(n, 0) << "writer " << w << " never committed";
    const auto got = Read(Series("k", std::to_string(w)), kT0, INT64_MAX);
    ASSERT_GE(static_cast<int64_t>(got.size()), n + 1) << "writer " << w;
    for (int64_t i = 0; i <= n; ++i) ASSERT_EQ(got[i].t_ms, kT0 + i * 1000) << "writer " << w;
    const auto old = Read(Series("k", std::to_string(w)), INT64_MIN, kT0 - 1);
    EXPECT_GE(static_cast<int64_t>(old.size()), n / 7 + 1) << "writer " << w;
  }
  ::munmap(acked, sizeof(std::atomic<int64_t>) * kWriters);
}

TEST_F(DBTest, ReplaySpansManySmallWalSegments) {
  opts_.wal_segment_bytes = 256;
  InCrashingChild([&] {
    for (int i = 0; i < 40; ++i) Add(Series("seg", std::to_string(i % 3)), Range(kT0 + i * 10'000, 1000, 10, i * 10));
  });
  size_t segments = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir_ / "wal")) ++segments;
  EXPECT_GT(segments, 10u);
  Open();
  size_t total = 0;
  for (int j = 0; j < 3; ++j) total += Read(Series("seg", std::to_string(j))).size();
  EXPECT_EQ(total, 400u);
}

TEST_F(DBTest, BackgroundCheckpointFollowsTheInjectedClock) {
  opts_.background_poll_ms = 2;
  opts_.checkpoint_interval_ms = 60'000;
  opts_.checkpoint_wal_bytes = uint64_t{1} << 40;
  Open();
  Add(Series("bg"), {{kT0, 1}});
  const uint64_t before = db_->Stats().checkpoints_total;
  clock_.Advance(61'000);
  for (int i = 0; i < 20000 && db_->Stats().checkpoints_total == before; ++i) ::usleep(1000);
  EXPECT_GT(db_->Stats().checkpoints_total, before);
}

TEST_F(DBTest, TornLastWalRecordIsDroppedOnRecovery) {
  InCrashingChild([&] {
    Add(Series("t"), Range(kT0, 1000, 10));
    Add(Series("t"), Range(kT0 + 10000, 1000, 10, 10));
  });
  // Cut the newest segment in the middle of its last record.
  std::vector<std::filesystem::path> segs;
  for (const auto& e : std::filesystem::directory_iterator(dir_ / "wal")) segs.push_back(e.path());
  std::sort(segs.begin(), segs.end());
  ASSERT_FALSE(segs.empty());
  const auto size = std::filesystem::file_size(segs.back());
  std::filesystem::resize_file(segs.back(), size - 20);
  Open();
  EXPECT_EQ(Read(Series("t")).size(), 10u);
  Add(Series("t"), {{kT0 + 50000, 1}});
  ASSERT_TRUE(db_->Close().ok());
  Open();
  EXPECT_EQ(Read(Series("t")).size(), 11u);
}

TEST_F(DBTest, GroupCommitWithConcurrentWriters) {
  Open();
  constexpr int kThreads = 6, kCommits = 40;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto app = db_->NewAppender();
      for (int i = 0; i < kCommits; ++i) {
        if (!app->Append(0, Series("g", std::to_string(t)), kT0 + i * 1000, i).ok()) ++failures;
        if (!app->Append(0, Series("shared"), kT0 + (t * kCommits + i) * 10, t).ok()) ++failures;
        if (!app->Commit().ok()) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(Read(Series("g", std::to_string(t))).size(), size_t{kCommits});
  EXPECT_EQ(Read(Series("shared")).size(), size_t{kThreads * kCommits});
  const auto st = db_->Stats();
  EXPECT_GE(st.wal_fsyncs_total, 1u);
  EXPECT_LE(st.wal_fsyncs_total, uint64_t{kThreads * kCommits});
  EXPECT_EQ(st.samples_appended_total, uint64_t{2 * kThreads * kCommits});
}

TEST_F(DBTest, TimeRetentionDropsWholeDayPartitions) {
  opts_.retention_ms = 3 * kDay;
  Open();
  Add(Series("old"), Range(kT0, 60000, 200));          // day 0, chunks closed at 120 samples
  Add(Series("old"), {{kT0 + 10 * kDay, 1}});           // crosses 2h: closes day-0 head chunk
  Add(Series("new"), Range(kT0 + 10 * kDay, 1000, 10));
  ASSERT_EQ(Read(Series("old"), kT0, kT0 + kDay).size(), 200u);
  clock_.Set(kT0 + 10 * kDay + kHour);
  ASSERT_TRUE(db_->ApplyRetention().ok());
  EXPECT_EQ(Read(Series("old"), kT0, kT0 + kDay).size(), 0u);
  EXPECT_EQ(Read(Series("new")).size(), 10u);
  EXPECT_EQ(db_->Stats().time_retentions_total, 1u);
  EXPECT_GE(db_->Stats().min_time_ms, kT0 + 10 * kDay);
  ASSERT_TRUE(db_->ApplyRetention().ok());
  EXPECT_EQ(db_->Stats().time_retentions_total, 1u);  // nothing more to drop
}

TEST_F(DBTest, SizeRetentionDropsOldestPartitionsFirst) {
  opts_.retention_ms = 0;
  opts_.retention_bytes = 1;  // anything on disk is too much
  Open();
  for (int d = 0; d < 3; ++d) Add(Series("s"), Range(kT0 + d * kDay, 60000, 130, d * 1000));
  Add(Series("s"), {{kT0 + 3 * kDay, 1}});
  ASSERT_TRUE(db_->ApplyRetention().ok());
  EXPECT_EQ(db_->Stats().size_retentions_total, 1u);
  // The newest partition (where current data lands) and the head stay.
  EXPECT_EQ(Read(Series("s"), kT0, kT0 + 2 * kDay - 1).size(), 0u);
  EXPECT_EQ(Read(Series("s"), kT0 + 2 * kDay, kT0 + 3 * kDay - 1).size(), 130u);
  EXPECT_EQ(Read(Series("s"), kT0 + 3 * kDay, kT0 + 4 * kDay).size(), 1u);
}

TEST_F(DBTest, SelectChunksPassesPrometheusBytesThrough) {
  Open();
  const auto samples = Range(kT0, 15000, 130);
  Add(Series("rr"), samples);
  auto set = db_->SelectChunks(kT0, kT0 + kDay, {M(MatchType::kEqual, "__name__", "rr")});
  ASSERT_TRUE(set.ok());
  ASSERT_TRUE((*set)->Next());
  const auto& chunks = (*set)->chunks();
  ASSERT_EQ(chunks.size(), 2u);
  EXPECT_EQ(chunks[0].data, chunk::EncodeXor({samples.begin(), samples.begin() + 120}));
  EXPECT_EQ(chunks[0].min_t_ms, kT0);
  EXPECT_EQ(chunks[1].max_t_ms, kT0 + 129 * 15000);
  EXPECT_FALSE((*set)->Next());
  // A window cutting a chunk re-encodes just the samples inside it.
  auto cut = db_->SelectChunks(kT0 + 15000, kT0 + 2 * 15000, {M(MatchType::kEqual, "__name__", "rr")});
  ASSERT_TRUE((*cut)->Next());
  ASSERT_EQ((*cut)->chunks().size(), 1u);
  EXPECT_EQ((*cut)->chunks()[0].data, chunk::EncodeXor({samples[1], samples[2]}));
  // A window cutting only the second chunk passes the first through as is.
  auto edge = db_->SelectChunks(kT0, kT0 + 121 * 15000, {M(MatchType::kEqual, "__name__", "rr")});
  ASSERT_TRUE((*edge)->Next());
  ASSERT_EQ((*edge)->chunks().size(), 2u);
  EXPECT_EQ((*edge)->chunks()[0].data, chunks[0].data);
  EXPECT_EQ((*edge)->chunks()[1].data, chunk::EncodeXor({samples[120], samples[121]}));
  // Out-of-order data is merged in and everything re-encoded in order.
  Add(Series("rr"), {{kT0 + 7, 0.5}});
  auto merged = db_->SelectChunks(kT0, kT0 + kDay, {M(MatchType::kEqual, "__name__", "rr")});
  ASSERT_TRUE((*merged)->Next());
  size_t n = 0;
  int64_t prev = INT64_MIN;
  for (const auto& c : (*merged)->chunks()) {
    auto decoded = chunk::DecodeXor(c.data);
    ASSERT_TRUE(decoded.ok());
    for (const auto& smp : *decoded) {
      EXPECT_GT(smp.t_ms, prev);
      prev = smp.t_ms;
      ++n;
    }
  }
  EXPECT_EQ(n, 131u);
}

TEST_F(DBTest, DeleteSeriesAppliesTombstonesAcrossReopen) {
  Open();
  Add(Series("del"), Range(kT0, 1000, 10));
  Add(Series("keep"), Range(kT0, 1000, 10));
  ASSERT_TRUE(db_->DeleteSeries({M(MatchType::kEqual, "__name__", "del")}, kT0 + 2000, kT0 + 5000).ok());
  EXPECT_EQ(Read(Series("del")).size(), 6u);
  ASSERT_TRUE(db_->Close().ok());
  Open();
  EXPECT_EQ(Read(Series("del")).size(), 6u);
  EXPECT_EQ(Read(Series("keep")).size(), 10u);
}

TEST_F(DBTest, LabelNamesAndValuesOnlyForSeriesWithDataInWindow) {
  Open();
  Add(Labels{{"__name__", "a"}, {"zone", "x"}}, {{kT0, 1}});
  Add(Labels{{"__name__", "b"}, {"zone", "y"}}, {{kT0 + kDay, 1}});
  auto q = db_->NewQuerier(kT0, kT0 + kHour);
  auto values = (*q)->LabelValues("zone", {});
  ASSERT_TRUE(values.ok());
  EXPECT_EQ(*values, (std::vector<std::string>{"x"}));
  auto names = (*q)->LabelNames({M(MatchType::kEqual, "__name__", "a")});
  EXPECT_EQ(*names, (std::vector<std::string>{"__name__", "zone"}));
  auto all = db_->NewQuerier(INT64_MIN, INT64_MAX);
  EXPECT_EQ(*(*all)->LabelValues("__name__", {M(MatchType::kRegexMatch, "zone", "x|y")}),
            (std::vector<std::string>{"a", "b"}));
}

TEST_F(DBTest, SnapshotOpensAsADatabase) {
  Open();
  Add(Series("snap"), Range(kT0, 1000, 300));
  auto snap = db_->Snapshot(dir_.string() + "_snap");
  ASSERT_TRUE(snap.ok()) << snap.status().ToString();
  Add(Series("snap"), {{kT0 + 10'000'000, 1}});  // after the snapshot
  DBOptions o = opts_;
  o.path = *snap;
  auto copy = DB::Open(o, clock_);
  ASSERT_TRUE(copy.ok()) << copy.status().ToString();
  auto q = (*copy)->NewQuerier(INT64_MIN, INT64_MAX);
  auto set = (*q)->Select({}, {M(MatchType::kEqual, "__name__", "snap")});
  ASSERT_TRUE(set->Next());
  size_t n = 0;
  for (auto it = set->At().Iterator(); it->Next();) ++n;
  EXPECT_EQ(n, 300u);
}

}  // namespace
}  // namespace cairn::storage

namespace cairn::storage {
namespace {

// A WAL reader's hold (DBOptions::wal_keep_from) keeps segments past
// checkpoints, within wal_keep_max_bytes; what goes over is counted.
TEST_F(DBTest, WalSegmentsAReaderNeedsSurviveCheckpointsWithinTheBound) {
  std::atomic<uint64_t> keep_from{UINT64_MAX};
  opts_.wal_keep_from = [&] { return keep_from.load(); };
  Open();
  const Labels ls = Labels::FromUnsorted({{"__name__", "m"}});
  auto segments = [&] {
    auto s = wal::ListSegmentFiles(dir_.string() + "/wal");
    EXPECT_TRUE(s.ok());
    return *s;
  };
  Add(ls, Range(kT0, 1000, 10));
  const uint64_t first = segments().front().segment;
  keep_from = first;
  for (int i = 1; i <= 3; ++i) {
    Add(ls, Range(kT0 + i * 10000, 1000, 10));
    ASSERT_TRUE(db_->Checkpoint().ok());
  }
  EXPECT_EQ(segments().front().segment, first);  // nothing deleted
  EXPECT_EQ(db_->Stats().wal_segments_dropped_unread_total, 0u);
  EXPECT_EQ(*db_->SeriesLabels(1), ls);

  // A bound smaller than one segment: the held segments go, counted.
  db_.reset();
  opts_.wal_keep_max_bytes = 1;
  Open();
  Add(ls, Range(kT0 + 100000, 1000, 10));
  ASSERT_TRUE(db_->Checkpoint().ok());
  EXPECT_GT(segments().front().segment, first);
  EXPECT_GT(db_->Stats().wal_segments_dropped_unread_total, 0u);

  // No hold: a checkpoint deletes everything before its replay start.
  keep_from = UINT64_MAX;
  Add(ls, Range(kT0 + 200000, 1000, 10));
  ASSERT_TRUE(db_->Checkpoint().ok());
  EXPECT_EQ(segments().size(), 1u);
  db_.reset();  // its last checkpoint calls wal_keep_from, which reads keep_from
}

TEST_F(DBTest, MaxSeriesRefusesNewSeriesOnlyAndSurvivesReopen) {
  opts_.max_series = 2;
  Open();
  Add(Series("a"), {{kT0, 1}});
  Add(Series("b"), {{kT0, 1}});
  auto app = db_->NewAppender();
  // A third series is refused; the two known ones still take samples in the
  // same batch.
  auto refused = app->Append(0, Series("c"), kT0, 1);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(refused.status().message().find("--storage.max-series"), std::string::npos);
  ASSERT_TRUE(app->Append(0, Series("a"), kT0 + 1000, 2).ok());
  ASSERT_TRUE(app->Append(0, Series("b"), kT0 + 1000, 2).ok());
  ASSERT_TRUE(app->Commit().ok());
  EXPECT_EQ(Read(Series("a")).size(), 2u);
  EXPECT_TRUE(Read(Series("c")).empty());
  DBStats st = db_->Stats();
  EXPECT_EQ(st.head_series, 2u);
  EXPECT_EQ(st.series_limit_refused_total, 1u);
  EXPECT_EQ(st.series_created_total, 2u);

  // After a restart the known series keep flowing and the bound still holds.
  Open();
  Add(Series("a"), {{kT0 + 2000, 3}});
  Add(Series("b"), {{kT0 + 2000, 3}});
  auto app2 = db_->NewAppender();
  EXPECT_EQ(app2->Append(0, Series("d"), kT0, 1).status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(Read(Series("b")).size(), 3u);
}

TEST_F(DBTest, MaxSeriesZeroMeansUnbounded) {
  Open();
  for (int i = 0; i < 50; ++i) Add(Series("m", std::to_string(i)), {{kT0, 1}});
  EXPECT_EQ(db_->Stats().head_series, 50u);
  EXPECT_EQ(db_->Stats().series_limit_refused_total, 0u);
}

}  // namespace
}  // namespace cairn::storage
