#include "ingest/go_unicode.h"

#include <gtest/gtest.h>

namespace cairn::ingest {
namespace {

TEST(GoUnicodeTest, DecodeRuneReadsWellFormedUtf8) {
  EXPECT_EQ(DecodeRune("a").rune, U'a');
  EXPECT_EQ(DecodeRune("é!").width, 2u);
  EXPECT_EQ(DecodeRune("€").rune, U'€');
  EXPECT_EQ(DecodeRune("𝄞").width, 4u);
  EXPECT_EQ(DecodeRune("").width, 0u);
}

TEST(GoUnicodeTest, DecodeRuneRejectsOneByteAtATime) {
  for (std::string_view bad : {"\xff", "\xc0\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe2\x82", "\x80"}) {
    DecodedRune d = DecodeRune(bad);
    EXPECT_EQ(d.rune, kRuneError) << testing::PrintToString(bad);
    EXPECT_EQ(d.width, 1u) << testing::PrintToString(bad);
  }
  EXPECT_EQ(DecodeRune("\uFFFD").width, 3u);  // a real U+FFFD is three bytes
}

TEST(GoUnicodeTest, LettersAndDigits) {
  EXPECT_TRUE(IsLetter(U'a'));
  EXPECT_TRUE(IsLetter(U'é'));
  EXPECT_TRUE(IsLetter(U'语'));
  EXPECT_FALSE(IsLetter(U'1'));
  EXPECT_FALSE(IsLetter(U'_'));
  EXPECT_TRUE(IsDigit(U'7'));
  EXPECT_TRUE(IsDigit(U'٣'));   // Arabic-Indic three: Nd
  EXPECT_FALSE(IsDigit(U'Ⅷ'));  // Roman numeral: Nl, not Nd
}

TEST(GoUnicodeTest, QuoteAsStrconv) {
  EXPECT_EQ(Quote("foo-bar"), "\"foo-bar\"");
  EXPECT_EQ(Quote(""), "\"\"");
  EXPECT_EQ(Quote("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(Quote("\n\t\x01\x7f"), "\"\\n\\t\\x01\\x7f\"");
  EXPECT_EQ(Quote("\xff$1"), "\"\\xff$1\"");
  EXPECT_EQ(Quote("héllo 语"), "\"héllo 语\"");
  EXPECT_EQ(Quote("\u00ad\u2028"), "\"\\u00ad\\u2028\"");  // soft hyphen (Cf), line separator (Zl)
  EXPECT_EQ(Quote("\U000E0001"), "\"\\U000e0001\"");       // language tag (Cf)
}

TEST(GoUnicodeTest, CaseMapping) {
  EXPECT_EQ(ToLower("MiXeD 123"), "mixed 123");
  EXPECT_EQ(ToUpper("MiXeD 123"), "MIXED 123");
  EXPECT_EQ(ToLower("ΑΒΓ"), "αβγ");
  EXPECT_EQ(ToUpper("ﬁ"), "ﬁ");  // the ligature has no single-rune upper case
  EXPECT_EQ(ToUpper("\xc3"), "\uFFFD");
}

}  // namespace
}  // namespace cairn::ingest
