#include "ingest/expand_template.h"

#include <gtest/gtest.h>

namespace cairn::ingest {
namespace {

const std::vector<std::string> kGroups = {"", "", "name", ""};  // $0, $1, $2 named "name", $3

std::string ExpandWith(std::string_view tmpl, std::vector<std::string_view> groups) {
  std::string out;
  ExpandTemplate::Parse(tmpl, kGroups).Expand(out, groups);
  return out;
}

TEST(ExpandTemplateTest, LiteralTemplates) {
  ExpandTemplate t = ExpandTemplate::Parse("plain", kGroups);
  EXPECT_TRUE(t.is_literal());
  EXPECT_EQ(t.literal(), "plain");
  EXPECT_EQ(t.max_group(), -1);
  ExpandTemplate dollars = ExpandTemplate::Parse("a$$b$", kGroups);
  EXPECT_TRUE(dollars.is_literal());
  EXPECT_EQ(dollars.literal(), "a$b$");
  // References to groups the regex lacks can only ever expand to nothing.
  ExpandTemplate missing = ExpandTemplate::Parse("x$9${nope}y", kGroups);
  EXPECT_TRUE(missing.is_literal());
  EXPECT_EQ(missing.literal(), "xy");
}

TEST(ExpandTemplateTest, References) {
  const std::vector<std::string_view> g = {"whole", "one", "two", "three"};
  EXPECT_EQ(ExpandWith("$1-${2}-$name-${name}-$3", g), "one-two-two-two-three");
  EXPECT_EQ(ExpandWith("$0", g), "whole");
  EXPECT_EQ(ExpandWith("$1x", g), "");     // the group named "1x"
  EXPECT_EQ(ExpandWith("$name_", g), "");  // the group named "name_"
  EXPECT_EQ(ExpandTemplate::Parse("$3$1", kGroups).max_group(), 3);
}

TEST(ExpandTemplateTest, AbsentGroupsAndShortSpans) {
  const std::vector<std::string_view> g = {"ab", std::string_view(), "b"};
  EXPECT_EQ(ExpandWith("[$1][$2][$3]", g), "[][b][]");  // $1 took no part; $3 was not asked for
}

TEST(ExpandTemplateTest, NumbersAsGoReadsThem) {
  const std::vector<std::string> many(12, "");
  std::vector<std::string_view> g;
  for (int i = 0; i < 12; ++i) g.push_back(i == 1 ? "one" : i == 10 ? "ten" : "");
  auto run = [&](std::string_view t) {
    std::string out;
    ExpandTemplate::Parse(t, many).Expand(out, g);
    return out;
  };
  EXPECT_EQ(run("$10"), "ten");
  EXPECT_EQ(run("${1}0"), "one0");
  EXPECT_EQ(run("$01"), "");  // leading zero: a name, not a number
  EXPECT_EQ(run("$0000000001"), "");
  EXPECT_EQ(run("$1234567890"), "");  // past Go's digit limit: a name
}

}  // namespace
}  // namespace cairn::ingest
