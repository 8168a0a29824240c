// The notifier's latency summary: quantiles over the last ten minutes, sum
// and count since start.
#include "notifier/latency_summary.h"

#include <gtest/gtest.h>

#include <cmath>

namespace cairn::notifier {
namespace {

TEST(LatencySummaryTest, QuantilesOfTheWindowAndTotalsSinceStart) {
  LatencySummary s;
  const auto t0 = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);
  auto empty = s.Collect(t0);
  ASSERT_EQ(empty.quantiles.size(), 3u);
  EXPECT_TRUE(std::isnan(empty.quantiles[0].second));
  for (int i = 1; i <= 100; ++i) s.Observe(i / 100.0, t0);
  auto snap = s.Collect(t0);
  EXPECT_EQ(snap.count, 100u);
  EXPECT_NEAR(snap.sum, 50.5, 1e-9);
  EXPECT_EQ(snap.quantiles[0], std::make_pair(0.5, 0.5));
  EXPECT_EQ(snap.quantiles[1], std::make_pair(0.9, 0.9));
  EXPECT_EQ(snap.quantiles[2], std::make_pair(0.99, 0.99));
  // Eleven minutes later the window is empty again; the totals stay.
  auto later = s.Collect(t0 + std::chrono::minutes(11));
  EXPECT_TRUE(std::isnan(later.quantiles[1].second));
  EXPECT_EQ(later.count, 100u);
}

}  // namespace
}  // namespace cairn::notifier
