// A full disk (ENOSPC through the fault-injecting file system): the write
// that meets it fails with Unavailable, nothing torn stays behind, and the
// next write after the space is back succeeds without a restart. The WAL,
// the DB over RocksDB, and snapshots.
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "storage/db.h"
#include "storage/wal/wal.h"
#include "tests/storage/fault_fs.h"
#include "util/clock.h"

namespace cairn::storage {
namespace {

using testing::FaultFileSystem;

class DiskFullTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("cairn_disk_full_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::vector<std::string> Replay(const std::shared_ptr<FaultFileSystem>& fault) {
    wal::WalOptions o;
    o.fs = fault;
    auto w = wal::Wal::Open(dir_.string(), o);
    EXPECT_TRUE(w.ok());
    std::vector<std::string> got;
    Status st = (*w)->Replay(0, [&](uint8_t, std::string_view p) {
      got.emplace_back(p);
      return Status::OK();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return got;
  }

  std::filesystem::path dir_;
};

TEST_F(DiskFullTest, AWalWriteThatMeetsAFullDiskFailsAloneAndTheNextOneSucceeds) {
  auto fault = std::make_shared<FaultFileSystem>();
  {
    wal::WalOptions o;
    o.fs = fault;
    auto w = wal::Wal::Open(dir_.string(), o);
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->Log({{1, "a"}}).ok());
    // The append itself fails.
    (*w)->Enqueue({{2, "series-1"}});
    fault->FailNth(1, "ENOSPC");
    Status st = (*w)->Log({{1, "lost-1"}});
    EXPECT_EQ(st.code(), StatusCode::kUnavailable) << st.ToString();
    ASSERT_TRUE((*w)->Log({{1, "b"}}).ok());
    // The append lands, its sync fails: the bytes are cut off again.
    (*w)->Enqueue({{2, "series-2"}});
    fault->FailNth(2, "ENOSPC");
    st = (*w)->Log({{1, "lost-2"}});
    EXPECT_EQ(st.code(), StatusCode::kUnavailable) << st.ToString();
    ASSERT_TRUE((*w)->Log({{1, "c"}}).ok());
  }
  // The records of failed Log calls are gone (their callers were told);
  // enqueued ones (no caller to retry them) went out with the next write.
  EXPECT_EQ(Replay(fault), (std::vector<std::string>{"a", "series-1", "b", "series-2", "c"}));
}

TEST_F(DiskFullTest, OtherWalErrorsStaySticky) {
  auto fault = std::make_shared<FaultFileSystem>();
  wal::WalOptions o;
  o.fs = fault;
  auto w = wal::Wal::Open(dir_.string(), o);
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->Log({{1, "a"}}).ok());
  fault->FailNth(1, "EIO");
  EXPECT_FALSE((*w)->Log({{1, "x"}}).ok());
  EXPECT_FALSE((*w)->Log({{1, "y"}}).ok());  // a damaged disk is not retried
}

DBOptions Options(const std::filesystem::path& dir, std::shared_ptr<FaultFileSystem> fault) {
  DBOptions o;
  o.path = dir.string();
  o.background_poll_ms = 0;
  o.samples_per_chunk = 4;
  o.wal_segment_bytes = 256;
  o.fs = std::move(fault);
  return o;
}

Labels Series(int s) { return Labels{{"__name__", "df"}, {"job", std::to_string(s)}}; }

// Sweeps a full disk over every operation on Cairn's WAL during many commits
// and checkpoints: each failure costs at most the commit or checkpoint it
// hit, and after a reopen every acknowledged sample reads back. (RocksDB's
// own files are kept from filling up by the free-space guard, below: a
// failed append to RocksDB's log leaves its writer unusable.)
TEST_F(DiskFullTest, TheDbRecoversFromAFullDiskAtAnyOperationWithoutLosingAcknowledgedSamples) {
  constexpr int64_t kT0 = 1'764'000'000'000;
  ManualClock clock(kT0);
  int failed_total = 0;
  for (uint64_t n = 1; n <= 150; n += 3) {
    std::filesystem::remove_all(dir_);
    auto fault = std::make_shared<FaultFileSystem>();
    std::map<std::pair<int, int64_t>, double> acked;
    int failed = 0;
    {
      auto db = DB::Open(Options(dir_, fault), clock);
      ASSERT_TRUE(db.ok()) << db.status().ToString();
      fault->FailNthOn(n, "ENOSPC", "/wal/");
      for (int step = 0; step < 40; ++step) {
        auto app = (*db)->NewAppender();
        bool ok = true;
        const int series = step % 7 + (step > 20 ? 5 : 0);  // new series mid-run
        for (int k = 0; k < 3; ++k) ok = ok && app->Append(0, Series(series), kT0 + (step * 3 + k) * 1000, step + k).ok();
        if (ok && app->Commit().ok()) {
          for (int k = 0; k < 3; ++k) acked[{series, kT0 + (step * 3 + k) * 1000}] = step + k;
        } else {
          ++failed;
        }
        if (step % 5 == 4) (*db)->Checkpoint().ok();  // may meet the full disk
      }
      EXPECT_LE(failed, 1) << "full disk at operation " << n << ": writes did not resume";
      (*db)->Close().ok();  // the full disk may come only now: the reopen replays the WAL
    }
    failed_total += failed;
    auto db = DB::Open(Options(dir_, std::make_shared<FaultFileSystem>()), clock);
    ASSERT_TRUE(db.ok()) << "full disk at operation " << n << ": " << db.status().ToString();
    auto q = (*db)->NewQuerier(INT64_MIN, INT64_MAX);
    ASSERT_TRUE(q.ok());
    auto set = (*q)->Select({}, {*Matcher::Make(MatchType::kEqual, "__name__", "df")});
    std::map<std::pair<int, int64_t>, double> got;
    while (set->Next()) {
      const int s = std::stoi(std::string(set->At().labels().Get("job")));
      for (auto it = set->At().Iterator(); it->Next();) got[{s, it->At().t_ms}] = it->At().v;
    }
    for (const auto& [k, v] : acked) {
      auto it = got.find(k);
      ASSERT_TRUE(it != got.end()) << "full disk at operation " << n << ": acknowledged sample lost, series "
                                   << k.first << " t " << k.second;
      EXPECT_EQ(it->second, v);
    }
  }
  EXPECT_GT(failed_total, 0);  // the full disk did reach commits
}

TEST_F(DiskFullTest, CommitsAreRefusedWhileFreeSpaceIsUnderTheGuard) {
  ManualClock clock(1'764'000'000'000);
  DBOptions o = Options(dir_, std::make_shared<FaultFileSystem>());
  o.min_free_disk_bytes = uint64_t{1} << 62;  // more than any disk has
  {
    auto db = DB::Open(o, clock);
    ASSERT_TRUE(db.ok());
    auto app = (*db)->NewAppender();
    auto appended = app->Append(0, Series(1), 1'764'000'000'000, 1);  // a new series: refused here
    const Status st = appended.ok() ? app->Commit() : appended.status();
    EXPECT_EQ(st.code(), StatusCode::kUnavailable) << st.ToString();
    EXPECT_NE(st.message().find("disk almost full"), std::string::npos) << st.ToString();
  }
  o.min_free_disk_bytes = 1;
  auto db = DB::Open(o, clock);
  ASSERT_TRUE(db.ok());
  auto app = (*db)->NewAppender();
  ASSERT_TRUE(app->Append(0, Series(1), 1'764'000'000'000, 1).ok());
  EXPECT_TRUE(app->Commit().ok());
}

TEST_F(DiskFullTest, ASnapshotOnAFullDiskFailsCleanlyAndTheNextOneWorks) {
  ManualClock clock(1'764'000'000'000);
  auto fault = std::make_shared<FaultFileSystem>();
  auto db = DB::Open(Options(dir_, fault), clock);
  ASSERT_TRUE(db.ok());
  for (int i = 0; i < 20; ++i) {
    auto app = (*db)->NewAppender();
    ASSERT_TRUE(app->Append(0, Series(i % 3), 1'764'000'000'000 + i * 1000, i).ok());
    ASSERT_TRUE(app->Commit().ok());
  }
  int failed = 0;
  for (uint64_t n = 1; n <= 60; n += 2) {
    const std::string snap = dir_.string() + "_snap";
    std::filesystem::remove_all(snap);
    fault->FailNthOn(n, "ENOSPC", "_snap");
    auto made = (*db)->Snapshot(snap);
    fault->FailNthOn(0, "", "");
    if (!made.ok()) {
      ++failed;
      EXPECT_FALSE(std::filesystem::exists(snap)) << "a partial snapshot was left (full disk at operation " << n << ")";
    } else {
      auto opened = DB::Open(Options(snap, std::make_shared<FaultFileSystem>()), clock);
      EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    }
    std::filesystem::remove_all(snap);
    // The database itself goes on taking writes.
    auto app = (*db)->NewAppender();
    ASSERT_TRUE(app->Append(0, Series(0), 1'764'000'100'000 + int64_t(n) * 1000, 1).ok());
    EXPECT_TRUE(app->Commit().ok()) << "after a full disk at snapshot operation " << n;
  }
  EXPECT_GT(failed, 0);
}

}  // namespace
}  // namespace cairn::storage
