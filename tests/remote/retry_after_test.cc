// Retry-After in both RFC 9110 forms: delay-seconds and the three HTTP-date
// forms, past and malformed values falling back to the backoff.
#include "remote/retry_after.h"

#include <gtest/gtest.h>

namespace cairn::remote {
namespace {

// Sun, 06 Nov 1994 08:49:37 GMT, the RFC's example.
constexpr int64_t kRfcExampleMs = 784111777000;

TEST(RetryAfterTest, ParsesTheThreeHttpDateForms) {
  EXPECT_EQ(ParseHttpDateMs("Sun, 06 Nov 1994 08:49:37 GMT"), kRfcExampleMs);
  EXPECT_EQ(ParseHttpDateMs("Sunday, 06-Nov-94 08:49:37 GMT"), kRfcExampleMs);
  EXPECT_EQ(ParseHttpDateMs("Sun Nov  6 08:49:37 1994"), kRfcExampleMs);
  EXPECT_EQ(ParseHttpDateMs("Thu, 01 Jan 1970 00:00:00 GMT"), 0);
  EXPECT_EQ(ParseHttpDateMs("Tue, 29 Feb 2028 23:59:59 GMT"), 1835481599000);
}

TEST(RetryAfterTest, RejectsMalformedDates) {
  for (const char* bad : {"", "Sun, 06 Nov 1994 08:49:37", "Sun, 06 Nov 1994 08:49:37 UTC",
                          "Sun, 6 Nov 1994 08:49:37 GMT", "Sun, 06 Foo 1994 08:49:37 GMT",
                          "Sun, 31 Feb 1994 08:49:37 GMT", "Sun, 06 Nov 1994 24:00:00 GMT",
                          "Sun, 06 Nov 1994 08:49:37 GMT ", "sun, 06 Nov 1994 08:49:37 GMT",
                          "Sun Nov 6 08:49:37 1994", "Sunday, 06-Nov-1994 08:49:37 GMT"}) {
    EXPECT_FALSE(ParseHttpDateMs(bad).has_value()) << bad;
  }
}

TEST(RetryAfterTest, SecondsOrAFutureDate) {
  const int64_t now = kRfcExampleMs;
  EXPECT_EQ(RetryAfterMs("120", now), 120000);
  EXPECT_EQ(RetryAfterMs("0", now), 0);
  EXPECT_EQ(RetryAfterMs("Sun, 06 Nov 1994 08:51:37 GMT", now), 120000);
  EXPECT_EQ(RetryAfterMs("Sun Nov  6 08:50:07 1994", now), 30000);
  // A date already past, or not a date at all: the sender's own backoff.
  EXPECT_FALSE(RetryAfterMs("Sun, 06 Nov 1994 08:49:37 GMT", now).has_value());
  EXPECT_FALSE(RetryAfterMs("Sat, 05 Nov 1994 08:49:37 GMT", now).has_value());
  EXPECT_FALSE(RetryAfterMs("", now).has_value());
  EXPECT_FALSE(RetryAfterMs("-5", now).has_value());
  EXPECT_FALSE(RetryAfterMs("1.5", now).has_value());
  EXPECT_FALSE(RetryAfterMs("soon", now).has_value());
}

}  // namespace
}  // namespace cairn::remote
