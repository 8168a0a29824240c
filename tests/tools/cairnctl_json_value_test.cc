#include "tools/cairnctl/json_value.h"

#include <gtest/gtest.h>

namespace cairn::cairnctl {
namespace {

TEST(JsonValueTest, ParsesAnApiEnvelope) {
  auto v = ParseJson(R"({"status":"success","data":{"resultType":"vector","result":[
      {"metric":{"__name__":"up","job":"a"},"value":[1733572800.5,"1"]}]},"warnings":["w"]})");
  ASSERT_TRUE(v.ok()) << v.status().message();
  EXPECT_EQ(v->GetString("status"), "success");
  const JsonValue* result = v->Find("data")->Find("result");
  ASSERT_NE(result, nullptr);
  ASSERT_EQ(result->items().size(), 1u);
  const auto& sample = result->items()[0];
  EXPECT_EQ(StringMap(*sample.Find("metric")).at("job"), "a");
  EXPECT_EQ(sample.Find("value")->items()[0].str(), "1733572800.5");
  EXPECT_DOUBLE_EQ(sample.Find("value")->items()[0].number(), 1733572800.5);
  EXPECT_EQ(v->Find("missing"), nullptr);
}

TEST(JsonValueTest, DecodesEscapesAndSurrogatePairs) {
  auto v = ParseJson(R"(["a\"b\\c\/\n\t", "\u00e9\ud83d\ude00", "\ud800x"])");
  ASSERT_TRUE(v.ok()) << v.status().message();
  EXPECT_EQ(v->items()[0].str(), "a\"b\\c/\n\t");
  EXPECT_EQ(v->items()[1].str(), "\xc3\xa9\xf0\x9f\x98\x80");
  EXPECT_EQ(v->items()[2].str(), "\xef\xbf\xbdx");  // a lone surrogate becomes U+FFFD
}

TEST(JsonValueTest, KeepsNumberTextAndRoundTrips) {
  const std::string text = R"({"a":[1,-0.5,1e+21,12345678901234567890],"b":{"c":null,"d":true,"e":false,"f":"x"}})";
  auto v = ParseJson(text);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->Find("a")->items()[3].str(), "12345678901234567890");
  EXPECT_EQ(v->Serialize(), text);
}

TEST(JsonValueTest, RejectsMalformedInputWithOffset) {
  for (const char* bad : {"", "{", "[1,]", "{\"a\" 1}", "01", "1.", "-", "\"abc", "tru", "[1] x", "\"a\x01\"",
                          "{\"a\":1,}", "\"\\x\"", "\"\\u12\""}) {
    auto v = ParseJson(bad);
    EXPECT_FALSE(v.ok()) << bad;
  }
  auto v = ParseJson("[1, x]");
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().message(), "json: unexpected character 'x' at offset 4");
}

TEST(JsonValueTest, LimitsNesting) {
  std::string deep(JsonValue::kMaxDepth + 10, '[');
  deep += std::string(JsonValue::kMaxDepth + 10, ']');
  EXPECT_FALSE(ParseJson(deep).ok());
  std::string ok(100, '[');
  ok += std::string(100, ']');
  EXPECT_TRUE(ParseJson(ok).ok());
}

}  // namespace
}  // namespace cairn::cairnctl
