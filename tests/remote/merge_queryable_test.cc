// Local storage merged with remote queryables: series joined by labels,
// samples deduplicated by timestamp with local first, a failing remote a
// warning and never an error, label names and values a union.
#include "remote/merge_queryable.h"

#include <gtest/gtest.h>

#include "storage/querier_warnings.h"

#include "remote/series_vector.h"
#include "storage/memory_storage.h"

namespace cairn::remote {
namespace {

const storage::Labels kA{{"__name__", "up"}, {"job", "a"}};
const storage::Labels kB{{"__name__", "up"}, {"job", "b"}};
const storage::Labels kC{{"__name__", "up"}, {"job", "c"}};

void Add(storage::MemoryStorage& s, const storage::Labels& ls, std::vector<storage::Sample> samples) {
  auto app = s.NewAppender();
  for (const auto& smp : samples) ASSERT_TRUE(app->Append(0, ls, smp.t_ms, smp.v).ok());
  ASSERT_TRUE(app->Commit().ok());
}

// A remote that always fails, as RemoteQueryable does when the endpoint is down.
class FailingQueryable final : public storage::Queryable {
 public:
  Result<std::unique_ptr<storage::Querier>> NewQuerier(int64_t, int64_t) override {
    class Q final : public storage::Querier {
     public:
      std::unique_ptr<storage::SeriesSet> Select(const storage::SelectHints&, const storage::Matchers&) override {
        return std::make_unique<ErrorSeriesSet>(Status::Unavailable("remote_read: connection refused"));
      }
      Result<std::vector<std::string>> LabelValues(const std::string&, const storage::Matchers&) override {
        return Status::Unavailable("remote_read: connection refused");
      }
      Result<std::vector<std::string>> LabelNames(const storage::Matchers&) override {
        return Status::Unavailable("remote_read: connection refused");
      }
    };
    return std::unique_ptr<storage::Querier>(std::make_unique<Q>());
  }
};

storage::Matchers JobMatcher() {
  return {storage::Matcher::Make(storage::MatchType::kEqual, "__name__", "up").value()};
}

struct Got {
  std::vector<std::pair<storage::Labels, std::vector<storage::Sample>>> series;
  std::vector<std::string> warnings;
  Status status;
};

Got SelectAll(storage::Queryable& q) {
  Got got;
  auto querier = q.NewQuerier(0, 100000);
  EXPECT_TRUE(querier.ok());
  auto set = (*querier)->Select({}, JobMatcher());
  while (set->Next()) {
    std::vector<storage::Sample> samples;
    auto it = set->At().Iterator();
    while (it->Next()) samples.push_back(it->At());
    got.series.emplace_back(set->At().labels(), samples);
  }
  got.status = set->status();
  got.warnings = set->Warnings();
  return got;
}

TEST(MergeQueryableTest, WithoutRemotesIsLocal) {
  storage::MemoryStorage local;
  Add(local, kA, {{1000, 1}});
  MergeQueryable merged(local);
  Got got = SelectAll(merged);
  ASSERT_EQ(got.series.size(), 1u);
  EXPECT_TRUE(got.warnings.empty());
}

TEST(MergeQueryableTest, JoinsSeriesLocalWinsOnEqualTimestamps) {
  storage::MemoryStorage local;
  auto remote1 = std::make_shared<storage::MemoryStorage>();
  auto remote2 = std::make_shared<storage::MemoryStorage>();
  Add(local, kB, {{1000, 1}, {2000, 2}});
  Add(*remote1, kA, {{1000, 10}});
  Add(*remote1, kB, {{2000, 99}, {3000, 3}});
  Add(*remote2, kB, {{500, 0.5}, {3000, 98}});
  Add(*remote2, kC, {{1000, 30}});
  MergeQueryable merged(local);
  merged.SetRemotes({remote1, remote2});
  Got got = SelectAll(merged);
  ASSERT_TRUE(got.status.ok());
  EXPECT_TRUE(got.warnings.empty());
  ASSERT_EQ(got.series.size(), 3u);
  EXPECT_EQ(got.series[0].first, kA);
  EXPECT_EQ(got.series[1].first, kB);
  EXPECT_EQ(got.series[2].first, kC);
  const auto& b = got.series[1].second;
  ASSERT_EQ(b.size(), 4u);
  EXPECT_EQ(b[0].t_ms, 500);
  EXPECT_EQ(b[1].v, 1);
  EXPECT_EQ(b[2].v, 2);   // local's 2000, not remote1's 99
  EXPECT_EQ(b[3].v, 3);   // remote1's 3000, not remote2's 98
}

TEST(MergeQueryableTest, FailingRemoteIsAWarning) {
  storage::MemoryStorage local;
  Add(local, kA, {{1000, 1}});
  auto ok_remote = std::make_shared<storage::MemoryStorage>();
  Add(*ok_remote, kC, {{1000, 3}});
  MergeQueryable merged(local);
  merged.SetRemotes({std::make_shared<FailingQueryable>(), ok_remote});
  Got got = SelectAll(merged);
  ASSERT_TRUE(got.status.ok());
  ASSERT_EQ(got.series.size(), 2u);
  ASSERT_EQ(got.warnings.size(), 1u);
  EXPECT_EQ(got.warnings[0], "remote_read: connection refused");

  auto q = merged.NewQuerier(0, 100000);
  ASSERT_TRUE(q.ok());
  auto names = (*q)->LabelValues("job", {});
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(*names, (std::vector<std::string>{"a", "c"}));
  const auto* warned = dynamic_cast<const storage::QuerierWarnings*>(q->get());
  ASSERT_NE(warned, nullptr);
  ASSERT_EQ(warned->Warnings().size(), 1u);
}

}  // namespace
}  // namespace cairn::remote
