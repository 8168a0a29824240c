#include "storage/index/series_index.h"

#include <map>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "storage/index/postings.h"

namespace cairn::storage::index {
namespace {

Matcher M(MatchType t, const std::string& n, const std::string& v) {
  auto m = Matcher::Make(t, n, v);
  EXPECT_TRUE(m.ok());
  return *m;
}

TEST(PostingsTest, IntersectUnionSubtract) {
  const Postings a{1, 3, 5, 7, 9, 11}, b{2, 3, 4, 9, 12};
  EXPECT_EQ(Intersect(a, b), (Postings{3, 9}));
  EXPECT_EQ(Intersect(a, {}), Postings{});
  Postings big;
  for (SeriesRef r = 1; r <= 1000; ++r) big.push_back(r * 2);
  EXPECT_EQ(Intersect(Postings{4, 5, 2000, 2001}, big), (Postings{4, 2000}));  // galloping path
  EXPECT_EQ(Union({&a, &b}), (Postings{1, 2, 3, 4, 5, 7, 9, 11, 12}));
  EXPECT_EQ(Subtract(a, b), (Postings{1, 5, 7, 11}));
  Postings p{1, 5};
  InsertSorted(&p, 3);
  InsertSorted(&p, 9);
  InsertSorted(&p, 5);
  EXPECT_EQ(p, (Postings{1, 3, 5, 9}));
}

class SeriesIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    up_a_ = idx_.GetOrCreate(Labels{{"__name__", "up"}, {"job", "api"}, {"instance", "a"}}).ref;
    up_b_ = idx_.GetOrCreate(Labels{{"__name__", "up"}, {"job", "db"}, {"instance", "b"}}).ref;
    mem_ = idx_.GetOrCreate(Labels{{"__name__", "mem"}, {"job", "api"}}).ref;
    cpu_ = idx_.GetOrCreate(Labels{{"__name__", "cpu"}, {"job", "api"}, {"instance", "c"}, {"mode", "idle"}}).ref;
  }
  SeriesIndex idx_;
  SeriesRef up_a_, up_b_, mem_, cpu_;
};

TEST_F(SeriesIndexTest, GetOrCreateIsStable) {
  EXPECT_EQ(up_a_, 1u);
  EXPECT_EQ(cpu_, 4u);
  auto again = idx_.GetOrCreate(Labels{{"job", "api"}, {"__name__", "up"}, {"instance", "a"}});
  EXPECT_FALSE(again.created);
  EXPECT_EQ(again.ref, up_a_);
  EXPECT_EQ(idx_.GetLabels(mem_)->ToString(), "mem{job=\"api\"}");
  EXPECT_EQ(idx_.GetLabels(99), nullptr);
  EXPECT_EQ(idx_.NumSeries(), 4u);
}

TEST_F(SeriesIndexTest, EqualityIntersects) {
  EXPECT_EQ(idx_.Select({M(MatchType::kEqual, "__name__", "up"), M(MatchType::kEqual, "job", "api")}),
            (Postings{up_a_}));
  EXPECT_EQ(idx_.Select({M(MatchType::kEqual, "job", "api")}), (Postings{up_a_, mem_, cpu_}));
  EXPECT_EQ(idx_.Select({M(MatchType::kEqual, "job", "nope")}), Postings{});
}

TEST_F(SeriesIndexTest, RegexRunsOverValuesAndIsAnchored) {
  EXPECT_EQ(idx_.Select({M(MatchType::kRegexMatch, "__name__", "up|mem")}), (Postings{up_a_, up_b_, mem_}));
  EXPECT_EQ(idx_.Select({M(MatchType::kRegexMatch, "__name__", "u")}), Postings{});  // anchored
  EXPECT_EQ(idx_.Select({M(MatchType::kRegexMatch, "job", "a.*"), M(MatchType::kRegexMatch, "instance", ".+")}),
            (Postings{up_a_, cpu_}));
}

TEST_F(SeriesIndexTest, NegativeMatchersSubtractAndKeepSeriesWithoutTheLabel) {
  // instance!="a" also matches mem, which has no instance label.
  EXPECT_EQ(idx_.Select({M(MatchType::kNotEqual, "instance", "a")}), (Postings{up_b_, mem_, cpu_}));
  EXPECT_EQ(idx_.Select({M(MatchType::kEqual, "job", "api"), M(MatchType::kRegexNoMatch, "__name__", "up|cpu")}),
            (Postings{mem_}));
  // instance="" selects series without the label.
  EXPECT_EQ(idx_.Select({M(MatchType::kEqual, "instance", "")}), (Postings{mem_}));
  // mode=~".*" matches everything, including series without mode.
  EXPECT_EQ(idx_.Select({M(MatchType::kRegexMatch, "mode", ".*")}), (Postings{up_a_, up_b_, mem_, cpu_}));
  // instance!~"" keeps only series that have an instance.
  EXPECT_EQ(idx_.Select({M(MatchType::kRegexNoMatch, "instance", "")}), (Postings{up_a_, up_b_, cpu_}));
}

TEST_F(SeriesIndexTest, LabelNamesAndValuesSorted) {
  EXPECT_EQ(idx_.LabelNames(), (std::vector<std::string>{"__name__", "instance", "job", "mode"}));
  EXPECT_EQ(idx_.LabelValues("__name__"), (std::vector<std::string>{"cpu", "mem", "up"}));
}

TEST_F(SeriesIndexTest, AddWithKnownRefKeepsRefsMonotonic) {
  EXPECT_TRUE(idx_.Add(10, Labels{{"__name__", "late"}}));
  EXPECT_FALSE(idx_.Add(10, Labels{{"__name__", "other"}}));
  EXPECT_FALSE(idx_.Add(11, Labels{{"__name__", "late"}}));
  EXPECT_EQ(idx_.GetOrCreate(Labels{{"__name__", "new"}}).ref, 11u);
  EXPECT_EQ(idx_.Select({M(MatchType::kEqual, "__name__", "late")}), (Postings{10}));
}

TEST(SeriesIndexConcurrencyTest, ConcurrentCreatesGetDistinctRefs) {
  SeriesIndex idx;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 500; ++i) idx.GetOrCreate(Labels{{"__name__", "m"}, {"i", std::to_string(i)}});
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(idx.NumSeries(), 500u);
  EXPECT_EQ(idx.Select({M(MatchType::kEqual, "__name__", "m")}).size(), 500u);
  EXPECT_EQ(idx.MaxRef(), 500u);
}

TEST_F(SeriesIndexTest, RemovedSeriesLeaveMapsAndPostingsButTheirLabelsStayValid) {
  const Labels* held = idx_.GetLabels(cpu_);
  ASSERT_NE(held, nullptr);
  EXPECT_EQ(idx_.Remove({cpu_, up_b_, 9999}), 2u);
  EXPECT_EQ(idx_.NumSeries(), 2u);
  EXPECT_EQ(idx_.GetLabels(cpu_), nullptr);
  EXPECT_EQ(idx_.Lookup(Labels{{"__name__", "up"}, {"job", "db"}, {"instance", "b"}}), 0u);
  EXPECT_EQ(idx_.Select({}), (Postings{up_a_, mem_}));
  EXPECT_EQ(idx_.Select({M(MatchType::kEqual, "job", "api")}), (Postings{up_a_, mem_}));
  // Names and values left without series disappear.
  EXPECT_EQ(idx_.LabelNames(), (std::vector<std::string>{"__name__", "instance", "job"}));
  EXPECT_EQ(idx_.LabelValues("__name__"), (std::vector<std::string>{"mem", "up"}));
  EXPECT_EQ(idx_.LabelValues("job"), (std::vector<std::string>{"api"}));
  EXPECT_EQ(held->Get("mode"), "idle");  // a querier's pointer still reads
  // The labels come back as a new series.
  const auto again = idx_.GetOrCreate(*held);
  EXPECT_TRUE(again.created);
  EXPECT_GT(again.ref, cpu_);
}

}  // namespace
}  // namespace cairn::storage::index

namespace cairn::storage::index {
namespace {

// Stats() read off the postings must equal counting the series one by one
// (what /api/v1/status/tsdb did before), ties broken by name, and cut.
TEST(SeriesIndexStatsTest, EqualsCountingEverySeries) {
  SeriesIndex idx;
  std::map<std::string, uint64_t> by_metric, by_pair, bytes;
  std::map<std::string, std::set<std::string>> values;
  std::vector<SeriesRef> refs;
  for (int i = 0; i < 300; ++i) {
    Labels ls{{"__name__", "m" + std::to_string(i % 7)}, {"job", i % 3 ? "api" : "db"},
              {"instance", "h" + std::to_string(i % 41)}, {"shard", std::to_string(i % 5)}};
    refs.push_back(idx.GetOrCreate(ls).ref);
  }
  // Removed series leave the counts.
  idx.Remove({refs[0], refs[1]});
  for (SeriesRef r : idx.Select({})) {
    const Labels* ls = idx.GetLabels(r);
    ++by_metric[std::string(ls->MetricName())];
    for (const auto& l : *ls) {
      ++by_pair[l.name + "=" + l.value];
      if (values[l.name].insert(l.value).second) bytes[l.name] += l.value.size();
    }
  }
  auto top = [](const auto& m, size_t limit) {
    CardinalityStats::Top t(m.begin(), m.end());
    SortAndCut(&t, limit);
    return t;
  };
  CardinalityStats::Top value_counts;
  for (const auto& [n, v] : values) value_counts.emplace_back(n, v.size());
  for (size_t limit : {1, 3, 10, 1000}) {
    CardinalityStats st = idx.Stats(limit);
    EXPECT_EQ(st.num_series, 298u);
    EXPECT_EQ(st.num_label_pairs, by_pair.size());
    EXPECT_EQ(st.series_count_by_metric_name, top(by_metric, limit)) << limit;
    EXPECT_EQ(st.series_count_by_label_value_pair, top(by_pair, limit)) << limit;
    EXPECT_EQ(st.memory_in_bytes_by_label_name, top(bytes, limit)) << limit;
    EXPECT_EQ(st.label_value_count_by_label_name, top(CardinalityStats::Top(value_counts), limit)) << limit;
  }
  EXPECT_EQ(idx.Stats(3).series_count_by_metric_name[0].second, 43u);
}

}  // namespace
}  // namespace cairn::storage::index
