// Admin operations over a real DB: snapshots are listed and removed by name
// only (no path escapes), and compaction reports the bytes it freed.
#include "server/admin_ops.h"

#include <unistd.h>

#include <filesystem>

#include <gtest/gtest.h>

namespace cairn::server {
namespace {

class AdminOpsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("cairn_admin_ops_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    storage::DBOptions o;
    o.path = dir_.string();
    o.background_poll_ms = 0;
    auto db = storage::DB::Open(o, clock_);
    ASSERT_TRUE(db.ok());
    db_ = std::move(db).value();
    auto app = db_->NewAppender();
    for (int i = 0; i < 500; ++i) ASSERT_TRUE(app->Append(0, {{"__name__", "m"}}, 1'700'000'000'000 + i * 1000, i).ok());
    ASSERT_TRUE(app->Commit().ok());
  }
  void TearDown() override {
    db_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::filesystem::path dir_;
  ManualClock clock_{1'700'000'600'000};
  std::unique_ptr<storage::DB> db_;
};

TEST_F(AdminOpsTest, SnapshotsAreListedOldestFirstAndRemovedByName) {
  auto empty = ListSnapshots(dir_.string());
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
  auto a = TakeSnapshot(*db_, dir_.string(), 1'700'000'000'000);
  auto b = TakeSnapshot(*db_, dir_.string(), 1'700'000'100'000);
  ASSERT_TRUE(a.ok() && b.ok());
  auto list = ListSnapshots(dir_.string());
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].name, *a);
  EXPECT_EQ((*list)[1].name, *b);
  EXPECT_GT((*list)[0].bytes, 0u);
  EXPECT_GT((*list)[0].created_ms, 0);

  EXPECT_EQ(RemoveSnapshot(dir_.string(), "../db").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(RemoveSnapshot(dir_.string(), "..").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(RemoveSnapshot(dir_.string(), "").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(RemoveSnapshot(dir_.string(), "nope").code(), StatusCode::kNotFound);
  EXPECT_TRUE(std::filesystem::is_directory(dir_ / "db"));
  ASSERT_TRUE(RemoveSnapshot(dir_.string(), *a).ok());
  list = ListSnapshots(dir_.string());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].name, *b);
}

TEST_F(AdminOpsTest, CompactReportsDataDirectoryBytes) {
  auto r = CompactStorage(*db_);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_GT(r->bytes_before, 0u);
  EXPECT_GT(r->bytes_after, 0u);
  EXPECT_EQ(r->bytes_after, db_->Stats().disk_bytes);
}

}  // namespace
}  // namespace cairn::server
