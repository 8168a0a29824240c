#include "storage/chunk_store.h"

#include <unistd.h>

#include <filesystem>

#include <gtest/gtest.h>

namespace cairn::storage {
namespace {

constexpr int64_t kDay = 86'400'000;

class ChunkStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("cairn_chunk_store_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    auto s = ChunkStore::Open(dir_.string(), {});
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::filesystem::path dir_;
  std::unique_ptr<ChunkStore> store_;
};

TEST(ChunkStoreNamesTest, DayPartitionNames) {
  EXPECT_EQ(ChunkStore::DayName(0), "chunks_19700101");
  EXPECT_EQ(ChunkStore::DayName(ChunkStore::DayOf(1'764'115'200'000)), "chunks_20251126");
  EXPECT_EQ(ChunkStore::DayOf(-1), -1);
  EXPECT_EQ(ChunkStore::DayName(-1), "chunks_19691231");
}

TEST_F(ChunkStoreTest, ChunksComeBackInTimeOrderIncludingNegativeTimes) {
  WriteSet ws;
  ws.chunks.push_back({5, 1000, 1999, 0, "b"});
  ws.chunks.push_back({5, -5000, -4000, 0, "a"});
  ws.chunks.push_back({5, 3000, 3500, 9, "ooo"});
  ws.chunks.push_back({6, 1000, 1999, 0, "other series"});
  ASSERT_TRUE(store_->Write(ws, true).ok());
  EXPECT_EQ(store_->Days(), (std::vector<int64_t>{-1, 0}));
  auto r = store_->NewReader(-10'000, 10'000);
  std::vector<head::ChunkData> out;
  ASSERT_TRUE(r->Read(5, &out).ok());
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].data, "a");
  EXPECT_EQ(out[0].max_t_ms, -4000);
  EXPECT_EQ(out[1].data, "b");
  EXPECT_EQ(out[2].data, "ooo");
  out.clear();
  auto narrow = store_->NewReader(1500, 2500);
  ASSERT_TRUE(narrow->Read(5, &out).ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].data, "b");
}

TEST_F(ChunkStoreTest, ReaderSeesPartitionsCreatedAfterIt) {
  auto r = store_->NewReader(0, 3 * kDay);
  EXPECT_FALSE(r->HasData(1));
  WriteSet ws;
  ws.chunks.push_back({1, 2 * kDay + 5, 2 * kDay + 6, 0, "x"});
  ASSERT_TRUE(store_->Write(ws, false).ok());
  EXPECT_TRUE(r->HasData(1));
}

TEST_F(ChunkStoreTest, DropDayRemovesOnlyThatPartitionAndSurvivesReopen) {
  WriteSet ws;
  ws.chunks.push_back({1, 10, 20, 0, "day0"});
  ws.chunks.push_back({1, kDay + 10, kDay + 20, 0, "day1"});
  ws.series.emplace_back(1, Labels{{"__name__", "m"}});
  ws.meta.emplace_back("meta/x", "y");
  ASSERT_TRUE(store_->Write(ws, true).ok());
  ASSERT_TRUE(store_->DropDay(0).ok());
  store_.reset();
  auto s = ChunkStore::Open(dir_.string(), {});
  ASSERT_TRUE(s.ok());
  store_ = std::move(s).value();
  EXPECT_EQ(store_->Days(), (std::vector<int64_t>{1}));
  std::vector<head::ChunkData> out;
  ASSERT_TRUE(store_->NewReader(0, 2 * kDay)->Read(1, &out).ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].data, "day1");
  EXPECT_EQ(*store_->GetMeta("meta/x"), "y");
  EXPECT_EQ(store_->GetMeta("meta/none").status().code(), StatusCode::kNotFound);
  int n = 0;
  ASSERT_TRUE(store_->ForEachSeries([&](SeriesRef ref, Labels ls) {
    EXPECT_EQ(ref, 1u);
    EXPECT_EQ(ls.MetricName(), "m");
    ++n;
    return Status::OK();
  }).ok());
  EXPECT_EQ(n, 1);
}

}  // namespace
}  // namespace cairn::storage
