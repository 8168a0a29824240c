// WindowedSummary: quantiles over the last max_age of observations, all-time
// sum and count, as a client_golang summary reports them.
#include "util/windowed_summary.h"

#include <gtest/gtest.h>

#include <cmath>

namespace cairn {
namespace {

const std::vector<double> kRanks = {0.01, 0.5, 0.99};

TEST(WindowedSummaryTest, EmptyHasNaNQuantiles) {
  WindowedSummary s;
  auto f = s.Snapshot(kRanks, 0);
  ASSERT_EQ(f.quantiles.size(), 3u);
  EXPECT_TRUE(std::isnan(f.quantiles[1]));
  EXPECT_EQ(f.count, 0u);
}

TEST(WindowedSummaryTest, QuantilesOfTheWindow) {
  WindowedSummary s;
  for (int i = 1; i <= 100; ++i) s.Observe(i, 1000);
  auto f = s.Snapshot(kRanks, 1000);
  EXPECT_EQ(f.quantiles, (std::vector<double>{1, 50, 99}));
  EXPECT_EQ(f.sum, 5050);
  EXPECT_EQ(f.count, 100u);
}

TEST(WindowedSummaryTest, OldObservationsLeaveQuantilesNotSumOrCount) {
  WindowedSummary s(10000);
  s.Observe(100, 0);
  s.Observe(1, 5000);
  auto f = s.Snapshot({0.99}, 10500);
  EXPECT_EQ(f.quantiles, std::vector<double>{1});
  EXPECT_EQ(f.sum, 101);
  EXPECT_EQ(f.count, 2u);
  EXPECT_TRUE(std::isnan(s.Snapshot({0.5}, 20000).quantiles[0]));
}

TEST(WindowedSummaryTest, KeepsTheNewestSamples) {
  WindowedSummary s(600000, 3);
  for (double v : {9.0, 1.0, 2.0, 3.0}) s.Observe(v, 0);
  EXPECT_EQ(s.Snapshot({1.0}, 0).quantiles, std::vector<double>{3});
}

}  // namespace
}  // namespace cairn
