// Offline inspect, analyze and verify over a data directory written by DB:
// the figures match what was written, and damage done on purpose to a chunk
// (in its bytes, or in the SST file holding it) is found.
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "storage/chunk_store.h"
#include "storage/db.h"
#include "storage/inspect.h"
#include "storage/verify.h"
#include "storage/wal/segment_reader.h"
#include "storage/wal/wal.h"

namespace cairn::storage {
namespace {

constexpr int64_t kDay = 86'400'000;
constexpr int64_t kT0 = 1'764'000'000'000 - 1'764'000'000'000 % kDay;

class InspectVerifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("cairn_inspect_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    DBOptions o;
    o.path = dir_.string();
    o.background_poll_ms = 0;
    ManualClock clock(kT0);
    auto db = DB::Open(o, clock);
    ASSERT_TRUE(db.ok());
    // 10 series over two days (1000 samples each, one per 3 min); series 9
    // starts late (churn).
    for (int s = 0; s < 10; ++s) {
      auto app = (*db)->NewAppender();
      const Labels ls{{"__name__", s < 6 ? "up" : "mem"}, {"i", std::to_string(s)}};
      const int first = s == 9 ? 500 : 0;
      for (int i = first; i < 1000; ++i) ASSERT_TRUE(app->Append(0, ls, kT0 + i * 180'000, i * 1.5).ok());
      ASSERT_TRUE(app->Commit().ok());
    }
    ASSERT_TRUE((*db)->Close().ok());
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path dir_;
};

TEST_F(InspectVerifyTest, InspectCountsWhatWasWritten) {
  auto r = Inspect(dir_.string());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->series, 10u);
  EXPECT_EQ(r->samples + r->head_samples, 9u * 1000 + 500);
  EXPECT_EQ(r->head_series, 10u);
  // 1000 × 3 min = 50 h over three UTC days; the last 2 h window is still
  // the open head chunk, so two days have stored chunks.
  ASSERT_EQ(r->partitions.size(), 2u);
  EXPECT_EQ(r->partitions[0].name, ChunkStore::DayName(ChunkStore::DayOf(kT0)));
  EXPECT_EQ(r->min_time_ms, kT0);
  EXPECT_EQ(r->max_time_ms, kT0 + 999 * 180'000);
  EXPECT_GT(r->bytes_per_sample, 0);
  EXPECT_GT(r->chunks, 0u);
}

TEST_F(InspectVerifyTest, AnalyzeFindsCardinalityAndChurn) {
  auto a = Analyze(dir_.string(), 3, {});
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->series, 10u);
  EXPECT_EQ(a->label_names, 2u);
  EXPECT_EQ(a->label_pairs, 12u);  // 2 metric names + 10 values of i
  ASSERT_EQ(a->metric_names_by_cardinality.size(), 2u);
  EXPECT_EQ(a->metric_names_by_cardinality[0].name, "up");
  EXPECT_EQ(a->metric_names_by_cardinality[0].count, 6u);
  ASSERT_FALSE(a->churn_label_pairs.empty());
  EXPECT_EQ(a->churn_label_pairs[0].count, 1u);  // only series 9 started late
  ASSERT_EQ(a->largest_series_by_samples.size(), 3u);
  EXPECT_EQ(a->largest_series_by_samples[0].count, 1000u);
  auto only_mem = Analyze(dir_.string(), 10, {*Matcher::Make(MatchType::kEqual, "__name__", "mem")});
  ASSERT_TRUE(only_mem.ok());
  EXPECT_EQ(only_mem->series, 4u);
}

TEST_F(InspectVerifyTest, VerifyPassesOnSoundDataAndFindsADamagedChunk) {
  auto ok = Verify(dir_.string());
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_TRUE(ok->ok()) << (ok->problems.empty() ? "" : ok->problems[0]);
  EXPECT_EQ(ok->series_checked, 10u);
  EXPECT_GT(ok->chunks_checked, 0u);

  {  // Overwrite one stored chunk with bytes whose header promises more samples.
    auto store = ChunkStore::Open((dir_ / "db").string(), ChunkStoreOptions{});
    ASSERT_TRUE(store.ok());
    std::string bytes = chunk::EncodeXor({{kT0, 0}, {kT0 + 180'000, 1.5}, {kT0 + 360'000, 3}});
    bytes[1] = 9;  // sample count 3 -> 9
    WriteSet ws;
    ws.chunks.push_back({1, kT0, kT0 + 119 * 180'000, 0, bytes});
    ASSERT_TRUE((*store)->Write(ws, true).ok());
  }
  auto bad = Verify(dir_.string());
  ASSERT_TRUE(bad.ok());
  EXPECT_FALSE(bad->ok());
  ASSERT_EQ(bad->problems.size(), 1u);
  EXPECT_NE(bad->problems[0].find("series 1 chunk at " + std::to_string(kT0)), std::string::npos) << bad->problems[0];
}

TEST_F(InspectVerifyTest, VerifyFindsAFlippedByteInAChunkFile) {
  // The biggest SST file of a chunk partition holds chunk blocks.
  {
    auto store = ChunkStore::Open((dir_ / "db").string(), ChunkStoreOptions{});
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->Compact().ok());  // memtables to SST files
  }
  std::filesystem::path biggest;
  uintmax_t size = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir_ / "db")) {
    if (e.path().extension() == ".sst" && e.file_size() > size) {
      size = e.file_size();
      biggest = e.path();
    }
  }
  ASSERT_FALSE(biggest.empty());
  {
    std::fstream f(biggest, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(100);  // inside the first data block, far from the footer
    char c;
    f.read(&c, 1);
    c = static_cast<char>(c ^ 0x5a);
    f.seekp(100);
    f.write(&c, 1);
  }
  auto r = Verify(dir_.string());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(r->ok());
  ASSERT_FALSE(r->problems.empty());
  EXPECT_NE(r->problems[0].find("checksum"), std::string::npos) << r->problems[0];
}

}  // namespace
}  // namespace cairn::storage

namespace cairn::storage {
namespace {

// WAL records are checked with the reader replay uses: a flipped byte in a
// record is damage, named by segment and offset; a record cut short at the
// end of the newest segment (a torn write) is only noted.
TEST_F(InspectVerifyTest, VerifyChecksWalRecordCrcs) {
  const std::string wal_dir = (dir_ / "wal").string();
  uint64_t first_segment = 0;
  {
    auto w = wal::Wal::Open(wal_dir, wal::WalOptions{});
    ASSERT_TRUE(w.ok());
    auto seg = (*w)->Rotate();
    ASSERT_TRUE(seg.ok());
    first_segment = *seg;
    for (int i = 0; i < 3; ++i) ASSERT_TRUE((*w)->Log({{2, std::string(100, static_cast<char>('a' + i))}}).ok());
    ASSERT_TRUE((*w)->Rotate().ok());
    ASSERT_TRUE((*w)->Log({{2, std::string(50, 'z')}}).ok());
  }
  auto ok = Verify(dir_.string());
  ASSERT_TRUE(ok.ok());
  EXPECT_TRUE(ok->ok()) << (ok->problems.empty() ? "" : ok->problems[0]);
  EXPECT_GE(ok->wal_records_checked, 4u);
  EXPECT_TRUE(ok->wal_torn_tail.empty());

  // Flip one payload byte of the second record (9-byte header + 100 bytes each).
  const std::string seg_path = wal::SegmentFileName(wal_dir, first_segment);
  {
    std::fstream f(seg_path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(109 + 9 + 40);
    f.put('#');
  }
  auto bad = Verify(dir_.string());
  ASSERT_TRUE(bad.ok());
  ASSERT_FALSE(bad->ok());
  ASSERT_EQ(bad->problems.size(), 1u);
  EXPECT_NE(bad->problems[0].find("wal segment " + seg_path + ": record checksum mismatch at offset 109 of 327 bytes"),
            std::string::npos)
      << bad->problems[0];

  // Restore it, and tear the newest segment's last record instead.
  {
    std::fstream f(seg_path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(109 + 9 + 40);
    f.put('b');
  }
  auto segs = wal::ListSegmentFiles(wal_dir);
  ASSERT_TRUE(segs.ok());
  const std::string last = wal::SegmentFileName(wal_dir, segs->back().segment);
  std::filesystem::resize_file(last, std::filesystem::file_size(last) - 10);
  auto torn = Verify(dir_.string());
  ASSERT_TRUE(torn.ok());
  EXPECT_TRUE(torn->ok()) << (torn->problems.empty() ? "" : torn->problems[0]);
  EXPECT_NE(torn->wal_torn_tail.find("truncated record at offset"), std::string::npos) << torn->wal_torn_tail;
}

}  // namespace
}  // namespace cairn::storage
