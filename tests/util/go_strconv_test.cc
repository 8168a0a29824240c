#include "util/go_strconv.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace cairn {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

void ExpectFloat(std::string_view s, double want) {
  GoFloat f = GoParseFloat(s);
  EXPECT_EQ(f.error, GoNumError::kNone) << s;
  EXPECT_EQ(f.value, want) << s;
}

void ExpectSyntax(std::string_view s) { EXPECT_EQ(GoParseFloat(s).error, GoNumError::kSyntax) << s; }

TEST(GoParseFloatTest, Decimal) {
  ExpectFloat("1", 1);
  ExpectFloat("-1.5e3", -1500);
  ExpectFloat("+2.5E-1", 0.25);
  ExpectFloat(".5", 0.5);
  ExpectFloat("5.", 5);
  ExpectFloat("0", 0);
  ExpectFloat("1.7976931348623157e308", std::numeric_limits<double>::max());
  ExpectFloat("4.9e-324", std::numeric_limits<double>::denorm_min());
  ExpectFloat("7.424100000000001e-05", 7.424100000000001e-05);
  // Correct rounding: halfway cases go to even.
  ExpectFloat("9007199254740993", 9007199254740992.0);
}

TEST(GoParseFloatTest, SpecialWordsAnyCase) {
  ExpectFloat("inf", kInf);
  ExpectFloat("+Inf", kInf);
  ExpectFloat("-inf", -kInf);
  ExpectFloat("INFINITY", kInf);
  ExpectFloat("-Infinity", -kInf);
  EXPECT_TRUE(std::isnan(GoParseFloat("nan").value));
  EXPECT_TRUE(std::isnan(GoParseFloat("NaN").value));
  EXPECT_EQ(GoParseFloat("NAN").error, GoNumError::kNone);
  ExpectSyntax("-nan");  // Go takes a sign only before inf
  ExpectSyntax("+NaN");
  ExpectSyntax("infin");
  ExpectSyntax("infinityy");
  ExpectSyntax("in");
}

TEST(GoParseFloatTest, HexNeedsExponent) {
  ExpectFloat("0x1p-2", 0.25);
  ExpectFloat("0X1.8P1", 3);
  ExpectFloat("-0x.8p0", -0.5);
  ExpectFloat("0x_1p0", 1);  // '_' is fine after a base prefix
  ExpectFloat("1_000.5", 1000.5);  // and between decimal digits (Go literal syntax)
  ExpectFloat("1e1_0", 1e10);
  ExpectSyntax("0x1");
  ExpectSyntax("0x1.8");
  ExpectSyntax("0xp1");
  ExpectSyntax("0x1p");
  ExpectSyntax("0x1e5");  // hex digits, still no 'p'
}

TEST(GoParseFloatTest, Syntax) {
  ExpectSyntax("");
  ExpectSyntax("+");
  ExpectSyntax(".");
  ExpectSyntax("1e");
  ExpectSyntax("1e+");
  ExpectSyntax(" 1");
  ExpectSyntax("1 ");
  ExpectSyntax("1..2");
  ExpectSyntax("_1");  // '_' only between digits
  ExpectSyntax("1__0");
  ExpectSyntax("1_");
  ExpectSyntax("1_.5");
  ExpectSyntax("true");
  ExpectSyntax("1\t2");
  ExpectSyntax("0x1p1_");
}

TEST(GoParseFloatTest, RangeOnlyOnOverflow) {
  GoFloat f = GoParseFloat("1e400");
  EXPECT_EQ(f.error, GoNumError::kRange);
  EXPECT_EQ(f.value, kInf);
  f = GoParseFloat("-1.7976931348623159e308");
  EXPECT_EQ(f.error, GoNumError::kRange);
  EXPECT_EQ(f.value, -kInf);
  EXPECT_EQ(GoParseFloat("0x1p1024").error, GoNumError::kRange);
  ExpectFloat("1e-400", 0);  // underflow is not an error in Go
  ExpectFloat("0e99999999999", 0);
  ExpectFloat("2e-324", 0);
  ExpectFloat("3e-324", std::numeric_limits<double>::denorm_min());
}

TEST(GoParseInt64Test, DecimalOnly) {
  EXPECT_EQ(GoParseInt64("123").value, 123);
  EXPECT_EQ(GoParseInt64("+5").value, 5);
  EXPECT_EQ(GoParseInt64("-9223372036854775808").value, std::numeric_limits<int64_t>::min());
  EXPECT_EQ(GoParseInt64("9223372036854775807").value, std::numeric_limits<int64_t>::max());
  GoInt r = GoParseInt64("9223372036854775808");
  EXPECT_EQ(r.error, GoNumError::kRange);
  EXPECT_EQ(r.value, std::numeric_limits<int64_t>::max());
  EXPECT_EQ(GoParseInt64("99999999999999999999999").error, GoNumError::kRange);
  EXPECT_EQ(GoParseInt64("").error, GoNumError::kSyntax);
  EXPECT_EQ(GoParseInt64("-").error, GoNumError::kSyntax);
  EXPECT_EQ(GoParseInt64("1a").error, GoNumError::kSyntax);
  EXPECT_EQ(GoParseInt64("1_0").error, GoNumError::kSyntax);
}

TEST(GoNumErrorTextTest, ReadsLikeGo) {
  EXPECT_EQ(GoNumErrorText("ParseFloat", "1e400", GoNumError::kRange),
            "strconv.ParseFloat: parsing \"1e400\": value out of range");
  EXPECT_EQ(GoNumErrorText("ParseInt", "x\ty", GoNumError::kSyntax),
            "strconv.ParseInt: parsing \"x\\ty\": invalid syntax");
}

TEST(GoFormatFloatGTest, ShortestDigits) {
  EXPECT_EQ(GoFormatFloatG(1e6), "1e+06");
  EXPECT_EQ(GoFormatFloatG(100000), "100000");
  EXPECT_EQ(GoFormatFloatG(0.0001), "0.0001");
  EXPECT_EQ(GoFormatFloatG(1e-05), "1e-05");
  EXPECT_EQ(GoFormatFloatG(1.5), "1.5");
  EXPECT_EQ(GoFormatFloatG(123456789), "1.23456789e+08");
  EXPECT_EQ(GoFormatFloatG(-2.5e-300), "-2.5e-300");
  EXPECT_EQ(GoFormatFloatG(kInf), "+Inf");
  EXPECT_EQ(GoFormatFloatG(-kInf), "-Inf");
  EXPECT_EQ(GoFormatFloatG(std::nan("")), "NaN");
}

}  // namespace
}  // namespace cairn
