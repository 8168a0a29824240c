#include "server/api/params.h"

#include <gtest/gtest.h>

#include "promql/parser/duration.h"

namespace cairn::server::api {
namespace {

TEST(ParseTimeTest, FloatSecondsRoundToMilliseconds) {
  EXPECT_EQ(*ParseTime("0"), 0);
  EXPECT_EQ(*ParseTime("1435781451.781"), 1435781451781);
  EXPECT_EQ(*ParseTime("1.0006"), 1001);
  EXPECT_EQ(*ParseTime("1.0004"), 1000);
  EXPECT_EQ(*ParseTime("-1.5"), -1500);
  EXPECT_EQ(*ParseTime("+4"), 4000);
  EXPECT_EQ(*ParseTime("1e3"), 1000000);
  // Grafana's exemplar probe sends milliseconds; they stay numeric.
  EXPECT_EQ(*ParseTime("1700000000000"), 1700000000000000);
}

TEST(ParseTimeTest, Rfc3339) {
  EXPECT_EQ(*ParseTime("1970-01-01T00:00:04Z"), 4000);
  EXPECT_EQ(*ParseTime("2015-07-01T20:10:51.781Z"), 1435781451781);
  EXPECT_EQ(*ParseTime("2015-07-01T22:10:51.781+02:00"), 1435781451781);
  EXPECT_EQ(*ParseTime("2015-07-01T20:10:51.7819999Z"), 1435781451781);
  EXPECT_EQ(*ParseTime("1969-12-31T23:59:59Z"), -1000);
  EXPECT_EQ(*ParseTime("2024-02-29T00:00:00Z"), 1709164800000);
}

TEST(ParseTimeTest, Sentinels) {
  EXPECT_EQ(*ParseTime("-292273086-05-16T16:47:06Z"), kMinTimeMs);
  EXPECT_EQ(*ParseTime("292277025-08-18T07:12:54.999999999Z"), kMaxTimeMs);
}

TEST(ParseTimeTest, GoFloatSyntax) {
  // strconv.ParseFloat: '_' between digits, hex mantissas with a p exponent.
  EXPECT_EQ(*ParseTime("1_000"), 1000000);
  EXPECT_EQ(*ParseTime("0x1p4"), 16000);
  EXPECT_EQ(*ParseTime("0x_1p4"), 16000);
  for (const char* bad : {"1__0", "_1", "1_", "1_.5", "0x10", "+nan", "-NaN"}) {
    EXPECT_FALSE(ParseTime(bad).ok()) << bad;
  }
}

TEST(ParseTimeTest, RejectsGarbage) {
  for (const char* bad : {"", "abc", "2015-07-01", "2015-13-01T00:00:00Z", "2023-02-29T00:00:00Z", "NaN",
                          "Inf", "1.5s", "2015-07-01T20:10:51", "1970-01-01t00:00:04Z",
                          "1970-01-01T00:00:04z"}) {
    auto r = ParseTime(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  }
  EXPECT_EQ(ParseTime("abc").status().message(), "cannot parse \"abc\" to a valid timestamp");
}

TEST(ParseDurationTest, FloatSecondsAndUnits) {
  EXPECT_EQ(*ParseDuration("30"), 30000);
  EXPECT_EQ(*ParseDuration("0.5"), 500);
  EXPECT_EQ(*ParseDuration("-1"), -1000);
  EXPECT_EQ(*ParseDuration("0"), 0);
  EXPECT_EQ(*ParseDuration("5m"), 300000);
  EXPECT_EQ(*ParseDuration("1h30m"), 5400000);
  EXPECT_EQ(*ParseDuration("1d"), 86400000);
  EXPECT_EQ(*ParseDuration("1y2w"), (365 + 14) * 86400000LL);
  EXPECT_EQ(*ParseDuration("1s500ms"), 1500);
}

TEST(ParseDurationTest, RejectsWrongOrderAndUnknownUnits) {
  for (const char* bad : {"", "5x", "30m1h", "1h1h", "m", "1.5m", "-5m", "5 m"}) {
    EXPECT_FALSE(ParseDuration(bad).ok()) << bad;
  }
  EXPECT_EQ(ParseDuration("5x").status().message(), "cannot parse \"5x\" to a valid duration");
}

TEST(FormatDurationMsTest, LargestExactUnits) {
  EXPECT_EQ(promql::parser::FormatDurationMs(0), "0s");
  EXPECT_EQ(promql::parser::FormatDurationMs(15LL * 86400000), "15d");
  EXPECT_EQ(promql::parser::FormatDurationMs(14LL * 86400000), "2w");
  EXPECT_EQ(promql::parser::FormatDurationMs(5400000), "1h30m");
  EXPECT_EQ(promql::parser::FormatDurationMs(1500), "1s500ms");
}

TEST(ParseByteSizeTest, PowersOfTwo) {
  EXPECT_EQ(*ParseByteSize("512B"), 512);
  EXPECT_EQ(*ParseByteSize("1KB"), 1024);
  EXPECT_EQ(*ParseByteSize("10GB"), 10LL << 30);
  EXPECT_EQ(*ParseByteSize("1EB"), 1LL << 60);
  EXPECT_FALSE(ParseByteSize("10").ok());
  EXPECT_FALSE(ParseByteSize("GB").ok());
  EXPECT_FALSE(ParseByteSize("10XB").ok());
  EXPECT_FALSE(ParseByteSize("100EB").ok());
}

TEST(ParseLimitTest, NonNegativeIntegers) {
  EXPECT_EQ(*ParseLimit("0"), 0u);
  EXPECT_EQ(*ParseLimit("40000"), 40000u);
  EXPECT_FALSE(ParseLimit("-1").ok());
  EXPECT_FALSE(ParseLimit("abc").ok());
  EXPECT_FALSE(ParseLimit("").ok());
  EXPECT_FALSE(ParseLimit("1.5").ok());
}

TEST(FormTest, DecodesAndKeepsFirstValue) {
  Form f;
  f.AddEncoded("match%5B%5D=up%7Bjob%3D%22a%22%7D&limit=5&empty=&flag&match[]=b+c");
  f.AddEncoded("limit=7");
  EXPECT_EQ(f.GetAll("match[]"), (std::vector<std::string>{"up{job=\"a\"}", "b c"}));
  EXPECT_EQ(f.Get("limit"), "5");
  EXPECT_EQ(f.Get("empty"), "");
  EXPECT_EQ(f.Get("flag"), "");
  EXPECT_FALSE(f.Get("missing").has_value());
}

TEST(UrlDecodeTest, KeepsMalformedEscapes) {
  EXPECT_EQ(UrlDecode("a%2"), "a%2");
  EXPECT_EQ(UrlDecode("%zz"), "%zz");
  EXPECT_EQ(UrlDecode("%41%2b"), "A+");
}

}  // namespace
}  // namespace cairn::server::api
