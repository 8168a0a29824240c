// Go-compatible number and label formatting used in result labels
// (count_values, histogram_quantiles) and annotation texts.
#include "promql/value_format.h"

#include <gtest/gtest.h>

#include <cmath>

namespace cairn::promql {
namespace {

TEST(ValueFormatTest, GoGUsesExponentOnlyForLargeOrTinyValues) {
  EXPECT_EQ(FormatGoG(1.1), "1.1");
  EXPECT_EQ(FormatGoG(-1), "-1");
  EXPECT_EQ(FormatGoG(100000), "100000");
  EXPECT_EQ(FormatGoG(1e6), "1e+06");
  EXPECT_EQ(FormatGoG(0.0001), "0.0001");
  EXPECT_EQ(FormatGoG(0.00001), "1e-05");
  EXPECT_EQ(FormatGoG(NAN), "NaN");
  EXPECT_EQ(FormatGoG(-INFINITY), "-Inf");
}

TEST(ValueFormatTest, GoFNeverUsesExponent) {
  EXPECT_EQ(FormatGoF(1e21), "1000000000000000000000");
  EXPECT_EQ(FormatGoF(0.000001), "0.000001");
  EXPECT_EQ(FormatGoF(7), "7");
  EXPECT_EQ(FormatGoF(INFINITY), "+Inf");
}

TEST(ValueFormatTest, GoQuoteEscapesLikeGo) {
  EXPECT_EQ(GoQuote("a\xc5z"), "\"a\\xc5z\"");
  EXPECT_EQ(GoQuote("tab\there"), "\"tab\\there\"");
  EXPECT_EQ(GoQuote("h\xc3\xa9"), "\"h\xc3\xa9\"");  // valid UTF-8 stays
}

TEST(ValueFormatTest, LabelsStringIncludesName) {
  storage::Labels ls{{"__name__", "up"}, {"job", "a\"b"}};
  EXPECT_EQ(GoLabelsString(ls), "{__name__=\"up\", job=\"a\\\"b\"}");
  EXPECT_EQ(GoLabelsString(storage::Labels{}), "{}");
}

}  // namespace
}  // namespace cairn::promql
