#include "storage/memory_storage.h"

#include <gtest/gtest.h>

namespace cairn::storage {
namespace {

TEST(MemoryStorageTest, AppendSelectAndWindow) {
  MemoryStorage db;
  auto app = db.NewAppender();
  Labels a{{"__name__", "m"}, {"i", "a"}};
  Labels b{{"__name__", "m"}, {"i", "b"}};
  for (int64_t t = 0; t < 10; ++t) {
    ASSERT_TRUE(app->Append(0, a, t * 1000, double(t)).ok());
    ASSERT_TRUE(app->Append(0, b, t * 1000 + 500, double(-t)).ok());
  }
  ASSERT_TRUE(app->Commit().ok());

  auto q = db.NewQuerier(2000, 4000);
  ASSERT_TRUE(q.ok());
  auto eq = Matcher::Make(MatchType::kEqual, "i", "a");
  ASSERT_TRUE(eq.ok());
  auto set = (*q)->Select({}, {*eq});
  ASSERT_TRUE(set->Next());
  EXPECT_EQ(set->At().labels(), a);
  auto it = set->At().Iterator();
  std::vector<int64_t> ts;
  while (it->Next()) ts.push_back(it->At().t_ms);
  EXPECT_EQ(ts, (std::vector<int64_t>{2000, 3000, 4000}));
  EXPECT_FALSE(set->Next());

  auto vals = (*q)->LabelValues("i", {});
  ASSERT_TRUE(vals.ok());
  EXPECT_EQ(*vals, (std::vector<std::string>{"a", "b"}));
}

TEST(MemoryStorageTest, OutOfOrderMergedAndConflictsRejected) {
  MemoryStorage db;
  Labels a{{"__name__", "m"}};
  auto app = db.NewAppender();
  ASSERT_TRUE(app->Append(0, a, 3000, 3).ok());
  ASSERT_TRUE(app->Append(0, a, 1000, 1).ok());
  ASSERT_TRUE(app->Commit().ok());
  ASSERT_TRUE(app->Append(0, a, 3000, 3).ok());   // identical resend
  ASSERT_TRUE(app->Commit().ok());
  // A conflict with committed data fails its Append, as the contract says.
  EXPECT_EQ(app->Append(0, a, 1000, 7).status().code(), StatusCode::kDuplicateSample);
  ASSERT_TRUE(app->Commit().ok());

  auto q = db.NewQuerier(0, 10000);
  ASSERT_TRUE(q.ok());
  auto set = (*q)->Select({}, {});
  ASSERT_TRUE(set->Next());
  auto it = set->At().Iterator();
  ASSERT_TRUE(it->Seek(2000));
  EXPECT_EQ(it->At().t_ms, 3000);
  EXPECT_FALSE(it->Next());
}

TEST(MemoryStorageTest, StartTimestampsTravelWithTheirSamples) {
  MemoryStorage db;
  Labels a{{"__name__", "m"}};
  auto app = db.NewAppender();
  ASSERT_TRUE(app->Append(0, a, 3000, 3, AppendOptions{2500}).ok());
  ASSERT_TRUE(app->Append(0, a, 1000, 1).ok());  // out of order, no start
  ASSERT_TRUE(app->Append(0, a, 2000, 2, AppendOptions{1500}).ok());
  ASSERT_TRUE(app->Commit().ok());

  auto q = db.NewQuerier(1500, 10000);
  ASSERT_TRUE(q.ok());
  auto set = (*q)->Select({}, {});
  ASSERT_TRUE(set->Next());
  auto it = set->At().Iterator();
  std::vector<std::pair<int64_t, int64_t>> got;
  while (it->Next()) got.emplace_back(it->At().t_ms, it->AtST());
  EXPECT_EQ(got, (std::vector<std::pair<int64_t, int64_t>>{{2000, 1500}, {3000, 2500}}));
}

}  // namespace
}  // namespace cairn::storage
