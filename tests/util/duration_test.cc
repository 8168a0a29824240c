// util/duration: Prometheus' model.ParseDuration, values and messages.
#include "util/duration.h"

#include <gtest/gtest.h>

namespace cairn {
namespace {

TEST(DurationTest, ParsesUnitsInOrder) {
  EXPECT_EQ(*ParseDurationMs("0"), 0);
  EXPECT_EQ(*ParseDurationMs("30s"), 30000);
  EXPECT_EQ(*ParseDurationMs("5m"), 300000);
  EXPECT_EQ(*ParseDurationMs("1h30m"), 5400000);
  EXPECT_EQ(*ParseDurationMs("1d2h"), 93600000);
  EXPECT_EQ(*ParseDurationMs("1w"), 604800000);
  EXPECT_EQ(*ParseDurationMs("1y"), 31536000000);
  EXPECT_EQ(*ParseDurationMs("1s500ms"), 1500);
}

TEST(DurationTest, RejectsWhatPrometheusRejects) {
  EXPECT_EQ(ParseDurationMs("").status().message(), "empty duration string");
  EXPECT_EQ(ParseDurationMs("5").status().message(), "not a valid duration string: \"5\"");
  EXPECT_EQ(ParseDurationMs("m5").status().message(), "not a valid duration string: \"m5\"");
  EXPECT_EQ(ParseDurationMs("1m1h").status().message(), "not a valid duration string: \"1m1h\"");
  EXPECT_EQ(ParseDurationMs("1.5s").status().message(), "unknown unit \".\" in duration \"1.5s\"");
  EXPECT_EQ(ParseDurationMs("5x").status().message(), "unknown unit \"x\" in duration \"5x\"");
  EXPECT_EQ(ParseDurationMs("-5m").status().message(), "not a valid duration string: \"-5m\"");
  EXPECT_EQ(ParseDurationMs("300y").status().message(), "duration out of range");
}

TEST(FormatGoDurationMsTest, AsGoTimeDurationString) {
  EXPECT_EQ(FormatGoDurationMs(0), "0s");
  EXPECT_EQ(FormatGoDurationMs(500), "500ms");
  EXPECT_EQ(FormatGoDurationMs(1500), "1.5s");
  EXPECT_EQ(FormatGoDurationMs(1250), "1.25s");
  EXPECT_EQ(FormatGoDurationMs(15000), "15s");
  EXPECT_EQ(FormatGoDurationMs(60000), "1m0s");
  EXPECT_EQ(FormatGoDurationMs(90000), "1m30s");
  EXPECT_EQ(FormatGoDurationMs(5400000), "1h30m0s");
  EXPECT_EQ(FormatGoDurationMs(-2000), "-2s");
}

}  // namespace
}  // namespace cairn
