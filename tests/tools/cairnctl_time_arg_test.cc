#include "tools/cairnctl/time_arg.h"

#include <gtest/gtest.h>

namespace cairn::cairnctl {
namespace {

constexpr int64_t kNow = 1765108800000;  // 2025-12-07T12:00:00Z

TEST(TimeArgTest, Rfc3339) {
  EXPECT_EQ(*ParseTimeArg("2025-12-07T12:00:00Z", kNow), kNow);
  EXPECT_EQ(*ParseTimeArg("2025-12-07T12:00:00.25Z", kNow), kNow + 250);
  EXPECT_EQ(*ParseTimeArg("2025-12-07T13:30:00+01:30", kNow), kNow);
  EXPECT_EQ(*ParseTimeArg("1970-01-01T00:00:00Z", kNow), 0);
  EXPECT_EQ(*ParseTimeArg("2000-02-29T00:00:00Z", kNow), 951782400000);
}

TEST(TimeArgTest, UnixSeconds) {
  EXPECT_EQ(*ParseTimeArg("1765108800", kNow), kNow);
  EXPECT_EQ(*ParseTimeArg("1765108800.5", kNow), kNow + 500);
}

TEST(TimeArgTest, RelativeToNow) {
  EXPECT_EQ(*ParseTimeArg("now", kNow), kNow);
  EXPECT_EQ(*ParseTimeArg("now-1h", kNow), kNow - 3600000);
  EXPECT_EQ(*ParseTimeArg("now+1h30m", kNow), kNow + 5400000);
}

TEST(TimeArgTest, RejectsGarbage) {
  for (const char* bad : {"", "yesterday", "now-", "now-x", "2025-13-01T00:00:00Z", "2025-12-07T12:00:00", "NaN"}) {
    auto r = ParseTimeArg(bad, kNow);
    EXPECT_FALSE(r.ok()) << bad;
  }
  EXPECT_EQ(ParseTimeArg("x", kNow).status().message(),
            "cannot parse \"x\" as a time: want RFC 3339, Unix seconds or now[+-duration]");
}

TEST(TimeArgTest, Durations) {
  EXPECT_EQ(*ParseDurationArg("15s"), 15000);
  EXPECT_EQ(*ParseDurationArg("1h30m"), 5400000);
  EXPECT_EQ(*ParseDurationArg("0.5"), 500);
  EXPECT_FALSE(ParseDurationArg("fast").ok());
}

}  // namespace
}  // namespace cairn::cairnctl
