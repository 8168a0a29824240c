// util/go_unquote: strconv.Unquote's acceptance and decoding.
#include "util/go_unquote.h"

#include <gtest/gtest.h>

namespace cairn {
namespace {

TEST(GoUnquote, DecodesGoLiterals) {
  EXPECT_EQ(GoUnquote("\"a\\tb\\n\\\\\\\"\""), "a\tb\n\\\"");
  EXPECT_EQ(GoUnquote("\"\\x41\\101\\u00e9\\U0001F600\""), "AA\xC3\xA9\xF0\x9F\x98\x80");
  EXPECT_EQ(GoUnquote("\"\\xff\""), "\xff");  // \x is a byte, not a rune
  EXPECT_EQ(GoUnquote("`raw\\n\r`"), "raw\\n");  // raw strings drop carriage returns
  EXPECT_EQ(GoUnquote("'x'"), "x");
  EXPECT_EQ(GoUnquote("'\\''"), "'");
  EXPECT_EQ(GoUnquote("\"\""), "");
}

TEST(GoUnquote, RejectsWhatGoRejects) {
  for (const char* bad : {"\"\\q\"", "\"a", "\"\\'\"", "'ab'", "''", "\"a\nb\"", "`a`b`", "x", "\"\\400\"",
                          "\"\\uD800\"", "\"\\x4\"", "'\\\"'"}) {
    EXPECT_FALSE(GoUnquote(bad).has_value()) << bad;
  }
}

TEST(GoUnquoteChar, ReportsTheTail) {
  uint32_t r = 0;
  bool multibyte = false;
  std::string_view tail;
  ASSERT_TRUE(GoUnquoteChar("\\n'", '\'', r, multibyte, tail));
  EXPECT_EQ(r, '\n');
  EXPECT_EQ(tail, "'");
  ASSERT_TRUE(GoUnquoteChar("\xC3\xA9x", '\'', r, multibyte, tail));
  EXPECT_EQ(r, 0xE9u);
  EXPECT_TRUE(multibyte);
  EXPECT_EQ(tail, "x");
}

}  // namespace
}  // namespace cairn
