// The fault-injecting file system itself: a power cut keeps exactly what was
// synced, as a POSIX file system promises.
#include "tests/storage/fault_fs.h"

#include <unistd.h>

#include <filesystem>

#include <gtest/gtest.h>

namespace cairn::storage::testing {
namespace {

class FaultFsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (std::filesystem::temp_directory_path() /
            ("cairn_fault_fs_test_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name()))
               .string();
    std::filesystem::remove_all(dir_);
    ASSERT_TRUE(fs_.CreateDirs(dir_).ok());
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Read(const std::string& name) {
    auto r = fs::DefaultFileSystem()->ReadFile(dir_ + "/" + name);
    return r.ok() ? *r : "<missing>";
  }
  void Write(const std::string& name, const std::string& synced, const std::string& unsynced) {
    auto f = fs_.OpenForAppend(dir_ + "/" + name, true);
    ASSERT_TRUE(f.ok());
    ASSERT_TRUE((*f)->Append(synced).ok());
    ASSERT_TRUE((*f)->Sync().ok());
    ASSERT_TRUE((*f)->Append(unsynced).ok());
    ASSERT_TRUE((*f)->Close().ok());
  }

  std::string dir_;
  FaultFileSystem fs_;
};

TEST_F(FaultFsTest, UnsyncedBytesAndEntriesAreLost) {
  Write("durable", "abc", "def");
  ASSERT_TRUE(fs_.SyncDir(dir_).ok());
  Write("entry_not_synced", "xyz", "");
  EXPECT_EQ(Read("durable"), "abcdef");  // before the cut the process sees everything
  ASSERT_TRUE(fs_.PowerCut().ok());
  EXPECT_EQ(Read("durable"), "abc");
  EXPECT_EQ(Read("entry_not_synced"), "<missing>");
}

TEST_F(FaultFsTest, UnsyncedRemoveAndRenameAreUndone) {
  Write("a", "old-a", "");
  Write("b", "old-b", "");
  ASSERT_TRUE(fs_.SyncDir(dir_).ok());
  ASSERT_TRUE(fs_.Remove(dir_ + "/a").ok());
  Write("tmp", "new-b", "");
  ASSERT_TRUE(fs_.Rename(dir_ + "/tmp", dir_ + "/b").ok());
  EXPECT_EQ(Read("a"), "<missing>");
  EXPECT_EQ(Read("b"), "new-b");
  ASSERT_TRUE(fs_.PowerCut().ok());
  EXPECT_EQ(Read("a"), "old-a");
  EXPECT_EQ(Read("b"), "old-b");
  EXPECT_EQ(Read("tmp"), "<missing>");

  // Synced, the same operations stay.
  ASSERT_TRUE(fs_.Remove(dir_ + "/a").ok());
  Write("tmp", "new-b", "");
  ASSERT_TRUE(fs_.Rename(dir_ + "/tmp", dir_ + "/b").ok());
  ASSERT_TRUE(fs_.SyncDir(dir_).ok());
  ASSERT_TRUE(fs_.PowerCut().ok());
  EXPECT_EQ(Read("a"), "<missing>");
  EXPECT_EQ(Read("b"), "new-b");
}

TEST_F(FaultFsTest, FreezeAfterFailsLaterOperationsAndChangesNothing) {
  auto f = fs_.OpenForAppend(dir_ + "/f", true);  // op 1
  ASSERT_TRUE(f.ok());
  fs_.FreezeAfter(2);
  EXPECT_TRUE((*f)->Append("12").ok());  // op 2
  EXPECT_TRUE((*f)->Sync().ok());        // op 3
  EXPECT_FALSE((*f)->Append("34").ok());
  EXPECT_TRUE(fs_.frozen());
  EXPECT_FALSE(fs_.SyncDir(dir_).ok());
  EXPECT_EQ(Read("f"), "12");
  EXPECT_EQ(fs_.ops(), 4u);
}

TEST_F(FaultFsTest, FailNthFailsOnceWithTheGivenError) {
  auto f = fs_.OpenForAppend(dir_ + "/f", true);
  ASSERT_TRUE(f.ok());
  fs_.FailNth(2, "ENOSPC");
  EXPECT_TRUE((*f)->Append("a").ok());
  const Status st = (*f)->Append("b");
  EXPECT_EQ(st.code(), StatusCode::kUnavailable);  // a full disk passes (fs::FileSystem)
  EXPECT_NE(st.message().find("No space left"), std::string::npos) << st.ToString();
  EXPECT_TRUE((*f)->Append("c").ok());
  EXPECT_EQ(Read("f"), "ac");
}

TEST_F(FaultFsTest, OtherInjectedErrorsAreIOErrors) {
  auto f = fs_.OpenForAppend(dir_ + "/f", true);
  ASSERT_TRUE(f.ok());
  fs_.FailNth(1, "EIO");
  EXPECT_EQ((*f)->Append("a").code(), StatusCode::kIOError);
}

TEST_F(FaultFsTest, IgnoredSyncsKeepNothing) {
  fs_.IgnoreFileSyncs("/ignored");
  Write("ignored", "abc", "");
  Write("kept", "abc", "");
  ASSERT_TRUE(fs_.SyncDir(dir_).ok());
  ASSERT_TRUE(fs_.PowerCut().ok());
  EXPECT_EQ(Read("ignored"), "");
  EXPECT_EQ(Read("kept"), "abc");
}

}  // namespace
}  // namespace cairn::storage::testing
