// The generated fleet (node_series_catalog) and its samples (sample_generator):
// shape, label rules, value invariants and determinism.
#include "bench/ingest/sample_generator.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "bench/ingest/node_series_catalog.h"

namespace cairn::bench {
namespace {

std::string Get(const SeriesSpec& s, const std::string& name) {
  for (const auto& [n, v] : s.labels) {
    if (n == name) return v;
  }
  return "";
}

TEST(NodeSeriesCatalogTest, ExactCountSortedUniqueLabelsAndNodeMetrics) {
  auto specs = BuildNodeSeries(1000, 7);
  ASSERT_EQ(specs.size(), 1000u);
  std::set<std::vector<std::pair<std::string, std::string>>> seen;
  std::map<std::string, int> per_name;
  for (const auto& s : specs) {
    for (size_t i = 1; i < s.labels.size(); ++i) {
      EXPECT_LT(s.labels[i - 1].first, s.labels[i].first) << "labels must be sorted and unique";
    }
    for (const auto& [n, v] : s.labels) EXPECT_FALSE(v.empty()) << n;
    EXPECT_EQ(Get(s, "job"), "node");
    EXPECT_TRUE(seen.insert(s.labels).second) << "duplicate label set";
    if (s.instance == 0) per_name[Get(s, "__name__")]++;
  }
  EXPECT_EQ(per_name["node_cpu_seconds_total"], 32);
  EXPECT_EQ(per_name["http_request_duration_seconds_bucket"], 9);
  EXPECT_EQ(per_name["node_network_receive_bytes_total"], 2);
  int total = 0;
  for (const auto& [n, c] : per_name) total += c;
  EXPECT_EQ(total, kSeriesPerInstance);
}

TEST(NodeSeriesCatalogTest, SameSeedSameFleetOtherSeedOther) {
  auto a = BuildNodeSeries(300, 1), b = BuildNodeSeries(300, 1), c = BuildNodeSeries(300, 2);
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].labels, b[i].labels);
    EXPECT_EQ(a[i].start, b[i].start);
  }
  bool differs = false;
  for (size_t i = 0; i < a.size(); ++i) differs |= a[i].start != c[i].start;
  EXPECT_TRUE(differs);
}

class SampleGeneratorTest : public ::testing::Test {
 protected:
  static constexpr uint32_t kRounds = 400;
  SampleGeneratorTest() : specs_(BuildNodeSeries(2 * kSeriesPerInstance, 3)) {}

  // values[series][round], advancing series in index order.
  std::vector<std::vector<double>> Generate(SampleGenerator& gen) {
    std::vector<std::vector<double>> v(specs_.size());
    for (uint32_t r = 0; r < kRounds; ++r) {
      for (size_t i = 0; i < specs_.size(); ++i) v[i].push_back(gen.NextValue(i, r));
    }
    return v;
  }

  std::vector<SeriesSpec> specs_;
  ScrapeSchedule schedule_{1795680000000, 15000, 5};
};

TEST_F(SampleGeneratorTest, CountersNeverDecreaseAndGaugesKeepPrecisionAndBounds) {
  SampleGenerator gen(&specs_, 3, schedule_);
  auto v = Generate(gen);
  for (size_t i = 0; i < specs_.size(); ++i) {
    const SeriesSpec& s = specs_[i];
    bool moved = false;
    for (uint32_t r = 1; r < kRounds; ++r) {
      moved |= v[i][r] != v[i][0];
      switch (s.kind) {
        case ValueKind::kCounterCents:
        case ValueKind::kCounterInt:
        case ValueKind::kHistogramBucket:
        case ValueKind::kHistogramCount:
        case ValueKind::kHistogramSum:
          EXPECT_GE(v[i][r], v[i][r - 1]) << Get(s, "__name__");
          break;
        case ValueKind::kGaugeCents:
          EXPECT_GE(v[i][r], s.low);
          EXPECT_LE(v[i][r], s.high);
          EXPECT_EQ(v[i][r], std::round(v[i][r] * 100) / 100) << "2 decimals";
          break;
        case ValueKind::kGaugePages:
          EXPECT_EQ(std::fmod(v[i][r], 4096.0), 0.0);
          break;
        case ValueKind::kConstant:
          EXPECT_EQ(v[i][r], v[i][0]);
          break;
      }
    }
    if (s.kind != ValueKind::kConstant) {
      EXPECT_TRUE(moved) << Get(s, "__name__");
    }
  }
}

TEST_F(SampleGeneratorTest, HistogramBucketsAreCumulativeAndMatchCount) {
  SampleGenerator gen(&specs_, 3, schedule_);
  auto v = Generate(gen);
  for (uint32_t instance = 0; instance < 2; ++instance) {
    std::vector<std::pair<double, size_t>> buckets;  // (le, index)
    size_t count = 0;
    for (size_t i = 0; i < specs_.size(); ++i) {
      if (specs_[i].instance != instance) continue;
      if (specs_[i].kind == ValueKind::kHistogramBucket) buckets.emplace_back(specs_[i].le, i);
      if (specs_[i].kind == ValueKind::kHistogramCount) count = i;
    }
    ASSERT_EQ(buckets.size(), 9u);
    std::sort(buckets.begin(), buckets.end());
    ASSERT_TRUE(std::isinf(buckets.back().first));
    for (uint32_t r = 0; r < kRounds; ++r) {
      for (size_t b = 1; b < buckets.size(); ++b) {
        EXPECT_LE(v[buckets[b - 1].second][r], v[buckets[b].second][r]);
      }
      EXPECT_EQ(v[buckets.back().second][r], v[count][r]);
    }
    EXPECT_GT(v[count][kRounds - 1], v[buckets.front().second][kRounds - 1]);
  }
}

TEST_F(SampleGeneratorTest, TimestampsFollowTheScheduleWithBoundedJitter) {
  SampleGenerator gen(&specs_, 3, schedule_);
  for (uint32_t instance = 0; instance < 2; ++instance) {
    const int64_t base = gen.TimestampMs(instance, 0);
    EXPECT_GE(base, schedule_.start_ms - schedule_.jitter_ms);
    EXPECT_LT(base, schedule_.start_ms + schedule_.interval_ms + schedule_.jitter_ms);
    std::set<int64_t> jitters;
    for (uint32_t r = 1; r < kRounds; ++r) {
      const int64_t d = gen.TimestampMs(instance, r) - gen.TimestampMs(instance, r - 1);
      EXPECT_GE(d, schedule_.interval_ms - 2 * schedule_.jitter_ms);
      EXPECT_LE(d, schedule_.interval_ms + 2 * schedule_.jitter_ms);
      jitters.insert(d);
    }
    EXPECT_GT(jitters.size(), 3u) << "scrape times should jitter";
  }
  EXPECT_NE(gen.TimestampMs(0, 0), gen.TimestampMs(1, 0)) << "instances scrape at their own offsets";
}

TEST_F(SampleGeneratorTest, ValuesDoNotDependOnTheOrderSeriesAreAdvanced) {
  SampleGenerator forward(&specs_, 3, schedule_), backward(&specs_, 3, schedule_);
  auto want = Generate(forward);
  // Series by series, last first: what a different connection split would do.
  for (size_t i = specs_.size(); i-- > 0;) {
    for (uint32_t r = 0; r < kRounds; ++r) ASSERT_EQ(backward.NextValue(i, r), want[i][r]);
  }
}

}  // namespace
}  // namespace cairn::bench
