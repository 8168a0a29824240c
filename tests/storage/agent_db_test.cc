#include "storage/agent/agent_db.h"

#include <unistd.h>

#include <filesystem>
#include <map>

#include <gtest/gtest.h>

#include "storage/wal/records.h"
#include "storage/wal/segment_reader.h"

namespace cairn::storage {
namespace {

constexpr int64_t kT0 = 1'764'000'000'000;
constexpr int64_t kMin = 60 * 1000;

Labels L(const std::string& name, const std::string& inst = "a") { return Labels{{"__name__", name}, {"instance", inst}}; }

// Everything in the WAL directory, decoded: the labels of each ref and the
// samples per ref.
struct WalContents {
  std::map<SeriesRef, Labels> series;
  std::map<SeriesRef, std::vector<std::pair<int64_t, double>>> samples;
};

WalContents ReadWal(const std::string& dir) {
  WalContents out;
  auto w = wal::Wal::Open(dir, {});
  EXPECT_TRUE(w.ok());
  Status st = (*w)->Replay(0, [&](uint8_t type, std::string_view payload) {
    if (type == static_cast<uint8_t>(wal::RecordType::kSeries)) {
      std::vector<wal::RefSeries> s;
      CAIRN_RETURN_IF_ERROR(wal::DecodeSeries(payload, &s));
      for (auto& r : s) out.series[r.ref] = r.labels;
    } else {
      std::vector<wal::RefSample> s;
      CAIRN_RETURN_IF_ERROR(wal::DecodeSampleRecord(type, payload, &s));
      for (auto& r : s) out.samples[r.ref].push_back({r.t_ms, r.v});
    }
    return Status::OK();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
  return out;
}

class AgentDBTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("cairn_agent_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    opts_.path = dir_.string();
    opts_.background_poll_ms = 0;
    opts_.fsync = false;
    opts_.wal_keep_from = [this] { return keep_from_; };
    opts_.lowest_sent_ms = [this] { return lowest_sent_; };
  }
  void TearDown() override {
    db_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Open() {
    auto db = AgentDB::Open(opts_, clock_);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db).value();
  }
  void Add(const Labels& l, int64_t t, double v) {
    auto app = db_->NewAppender();
    ASSERT_TRUE(app->Append(0, l, t, v).ok());
    ASSERT_TRUE(app->Commit().ok());
  }
  size_t Segments() const { return wal::ListSegmentFiles(opts_.path + "/wal")->size(); }

  std::filesystem::path dir_;
  AgentOptions opts_;
  ManualClock clock_{kT0};
  uint64_t keep_from_ = UINT64_MAX;
  int64_t lowest_sent_ = INT64_MAX;
  std::unique_ptr<AgentDB> db_;
};

TEST_F(AgentDBTest, WritesSeriesAndSamplesToTheWalInOrder) {
  Open();
  Add(L("up"), kT0, 1);
  Add(L("up"), kT0 + 1000, 0);
  Add(L("up", "b"), kT0, 1);
  ASSERT_TRUE(db_->Close().ok());
  WalContents w = ReadWal(opts_.path + "/wal");
  ASSERT_EQ(w.series.size(), 2u);
  SeriesRef a = 0;
  for (const auto& [ref, l] : w.series) {
    if (l == L("up")) a = ref;
  }
  ASSERT_NE(a, 0u);
  EXPECT_EQ(w.samples[a], (std::vector<std::pair<int64_t, double>>{{kT0, 1}, {kT0 + 1000, 0}}));
  AgentStats s = db_->Stats();
  EXPECT_EQ(s.active_series, 2u);
  EXPECT_EQ(s.samples_appended_total, 3u);
}

TEST_F(AgentDBTest, QueriesAreRefused) {
  Open();
  auto q = db_->NewQuerier(0, kT0);
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.status().code(), StatusCode::kInternal);
  EXPECT_EQ(q.status().message(), "unsupported operation with WAL-only storage");
  EXPECT_FALSE(db_->SelectChunks(0, kT0, {}).ok());
}

TEST_F(AgentDBTest, TruncationDeletesSentSegmentsAndKeepsUnsentOnes) {
  Open();
  Add(L("up"), kT0, 1);
  // A queue still needs segment 1: truncation relogs into a new segment but
  // keeps it.
  keep_from_ = 1;
  lowest_sent_ = 0;
  ASSERT_TRUE(db_->Truncate().ok());
  EXPECT_EQ(Segments(), 2u);
  Add(L("up"), kT0 + 15000, 1);
  // Everything confirmed: only the newest (relogged) segment stays.
  keep_from_ = UINT64_MAX;
  ASSERT_TRUE(db_->Truncate().ok());
  EXPECT_EQ(Segments(), 1u);
  // The segment left starts with the series record, so a restart still
  // knows the series and its ref.
  SeriesRef before = 0;
  {
    auto app = db_->NewAppender();
    before = *app->Append(0, L("up"), kT0 + 30000, 2);
    ASSERT_TRUE(app->Commit().ok());
  }
  ASSERT_TRUE(db_->Close().ok());
  db_.reset();
  Open();
  EXPECT_EQ(db_->Stats().active_series, 1u);
  EXPECT_EQ(db_->SeriesLabels(before), L("up"));
  auto app = db_->NewAppender();
  EXPECT_EQ(*app->Append(0, L("up"), kT0 + 45000, 3), before);
}

TEST_F(AgentDBTest, MaxBytesBoundDropsUnsentSegments) {
  opts_.wal_keep_max_bytes = 1;
  Open();
  Add(L("up"), kT0, 1);
  keep_from_ = 1;  // a dead receiver's queue never confirms
  ASSERT_TRUE(db_->Truncate().ok());
  EXPECT_EQ(Segments(), 1u);
  EXPECT_EQ(db_->Stats().wal_segments_dropped_unread_total, 1u);
}

TEST_F(AgentDBTest, SeriesGcDropsQuietSeriesButStillNamesThemUntilTheirSegmentsGo) {
  Open();
  Add(L("old"), kT0 - 10 * kMin, 1);
  Add(L("new"), kT0, 1);
  SeriesRef old_ref = 0;
  {
    auto app = db_->NewAppender();
    old_ref = *app->Append(0, L("old"), kT0 - 10 * kMin, 1);  // identical resend: same ref
    app->Rollback();
  }
  // Queues sent up to kT0: mint = kT0 - 5m; "old" is quiet since before it.
  lowest_sent_ = kT0;
  keep_from_ = 1;  // its samples are not yet confirmed
  ASSERT_TRUE(db_->Truncate().ok());
  AgentStats s = db_->Stats();
  EXPECT_EQ(s.active_series, 1u);
  EXPECT_EQ(s.deleted_series, 1u);
  EXPECT_EQ(db_->SeriesLabels(old_ref), L("old"));
  // Once its segment is gone, it is forgotten.
  keep_from_ = UINT64_MAX;
  ASSERT_TRUE(db_->Truncate().ok());
  EXPECT_EQ(db_->Stats().deleted_series, 0u);
  EXPECT_FALSE(db_->SeriesLabels(old_ref).has_value());
  // Appending to it again makes a new series.
  auto app = db_->NewAppender();
  auto ref = app->Append(0, L("old"), kT0 + 1000, 2);
  ASSERT_TRUE(ref.ok());
  EXPECT_NE(*ref, old_ref);
  ASSERT_TRUE(app->Commit().ok());
}

TEST_F(AgentDBTest, MaxWalTimeBoundsGcWhenQueuesSendNothing) {
  Open();
  Add(L("ancient"), kT0 - 5 * 3600 * 1000LL, 1);
  Add(L("recent"), kT0 - kMin, 1);
  lowest_sent_ = 0;  // a queue that never sent anything
  ASSERT_TRUE(db_->Truncate().ok());
  EXPECT_EQ(db_->Stats().active_series, 1u);  // 4h max-time: "ancient" goes
}

TEST_F(AgentDBTest, AppendGcdBetweenAppendAndCommitGetsANewSeries) {
  Open();
  auto app = db_->NewAppender();
  auto ref = app->Append(0, L("up"), kT0, 1);
  ASSERT_TRUE(ref.ok());
  lowest_sent_ = kT0 + 10 * kMin;  // the uncommitted series has no sample yet: GC'd
  ASSERT_TRUE(db_->Truncate().ok());
  ASSERT_TRUE(app->Commit().ok());
  ASSERT_TRUE(db_->Close().ok());
  WalContents w = ReadWal(opts_.path + "/wal");
  ASSERT_EQ(w.samples.size(), 1u);
  const SeriesRef got = w.samples.begin()->first;
  EXPECT_NE(got, *ref);
  EXPECT_EQ(w.series[got], L("up"));
}

}  // namespace
}  // namespace cairn::storage
