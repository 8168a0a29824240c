#include "util/json_writer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace cairn {
namespace {

TEST(FormatFloatTest, MatchesGoShortestForms) {
  EXPECT_EQ(FormatFloat(0), "0");
  EXPECT_EQ(FormatFloat(1), "1");
  EXPECT_EQ(FormatFloat(-2.5), "-2.5");
  EXPECT_EQ(FormatFloat(0.1), "0.1");
  EXPECT_EQ(FormatFloat(1.0 / 3), "0.3333333333333333");
  EXPECT_EQ(FormatFloat(1e6), "1000000");
  EXPECT_EQ(FormatFloat(123456789012345678.0), "123456789012345680");
  EXPECT_EQ(FormatFloat(1e20), "100000000000000000000");
  EXPECT_EQ(FormatFloat(0.000001), "0.000001");
}

TEST(FormatFloatTest, UsesExponentOutsideFixedRange) {
  EXPECT_EQ(FormatFloat(1e21), "1e+21");
  EXPECT_EQ(FormatFloat(1.5e300), "1.5e+300");
  EXPECT_EQ(FormatFloat(1e-7), "1e-07");
  EXPECT_EQ(FormatFloat(-2.5e-10), "-2.5e-10");
}

TEST(FormatFloatTest, SpecialValues) {
  EXPECT_EQ(FormatFloat(std::numeric_limits<double>::quiet_NaN()), "NaN");
  EXPECT_EQ(FormatFloat(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(FormatFloat(-std::numeric_limits<double>::infinity()), "-Inf");
}

TEST(FormatTimestampTest, ThreeDecimalsOnlyWhenFractional) {
  EXPECT_EQ(FormatTimestamp(0), "0");
  EXPECT_EQ(FormatTimestamp(12000), "12");
  EXPECT_EQ(FormatTimestamp(12050), "12.050");
  EXPECT_EQ(FormatTimestamp(1435781451781), "1435781451.781");
  EXPECT_EQ(FormatTimestamp(-1500), "-1.500");
  EXPECT_EQ(FormatTimestamp(-3000), "-3");
  EXPECT_EQ(FormatTimestamp(1), "0.001");
}

TEST(JsonWriterTest, PlacesCommasAndEscapes) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  w.Key("status");
  w.String("success");
  w.Key("data");
  w.BeginArray();
  w.String("a\"b\\c\nd\x01");
  w.Int(-3);
  w.Bool(true);
  w.Null();
  w.BeginArray();
  w.EndArray();
  w.BeginObject();
  w.EndObject();
  w.EndArray();
  w.Key("value");
  w.BeginArray();
  w.Timestamp(1500);
  w.FloatString(std::numeric_limits<double>::infinity());
  w.EndArray();
  w.EndObject();
  EXPECT_EQ(out,
            R"({"status":"success","data":["a\"b\\c\nd\u0001",-3,true,null,[],{}],"value":[1.500,"+Inf"]})");
}

TEST(JsonWriterTest, DoubleWritesNullForNonFinite) {
  std::string out;
  JsonWriter w(&out);
  w.BeginArray();
  w.Double(0.25);
  w.Double(std::nan(""));
  w.EndArray();
  EXPECT_EQ(out, "[0.25,null]");
}

}  // namespace
}  // namespace cairn
