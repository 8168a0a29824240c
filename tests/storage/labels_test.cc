#include "storage/labels.h"

#include <gtest/gtest.h>
#include <xxhash.h>

#include "storage/matcher.h"

namespace cairn::storage {
namespace {

TEST(LabelsTest, SortsAndLooksUp) {
  Labels ls{{"job", "api"}, {"__name__", "up"}, {"instance", "a:1"}};
  ASSERT_EQ(ls.size(), 3u);
  EXPECT_EQ(ls[0].name, "__name__");
  EXPECT_EQ(ls.Get("job"), "api");
  EXPECT_EQ(ls.Get("missing"), "");
  EXPECT_EQ(ls.ToString(), "up{instance=\"a:1\", job=\"api\"}");
}

TEST(LabelsTest, WithAndWithout) {
  Labels ls{{"__name__", "up"}, {"job", "api"}};
  EXPECT_EQ(ls.With("env", "prod").ToString(), "up{env=\"prod\", job=\"api\"}");
  EXPECT_EQ(ls.With("job", "").ToString(), "up{}");
  EXPECT_EQ(ls.WithoutMetricName().ToString(), "{job=\"api\"}");
}

TEST(LabelsTest, EraseDropsNamesInPlace) {
  Labels ls{{"__name__", "x"}, {"__unit__", "s"}, {"a", "1"}, {"b", "2"}};
  ls.Erase({"__name__", "__type__", "__unit__"});
  EXPECT_EQ(ls, (Labels{{"a", "1"}, {"b", "2"}}));
  ls.Erase({"zzz"});
  EXPECT_EQ(ls.size(), 2u);
}

TEST(LabelsTest, ValidateRejectsWhatReceiversReject) {
  EXPECT_TRUE(Labels::Validate({{"__name__", "x"}, {"a", "b"}}).ok());
  EXPECT_FALSE(Labels::Validate({{"", "x"}}).ok());
  EXPECT_FALSE(Labels::Validate({{"b", "x"}, {"a", "y"}}).ok());
  EXPECT_FALSE(Labels::Validate({{"a", "x"}, {"a", "y"}}).ok());
  EXPECT_FALSE(Labels::Validate({{"a", std::string("\xff\xfe", 2)}}).ok());
}

TEST(LabelsTest, CompareOrdersLikePrometheus) {
  Labels a{{"a", "1"}};
  Labels b{{"a", "1"}, {"b", "0"}};
  Labels c{{"a", "2"}};
  EXPECT_LT(Labels::Compare(a, b), 0);
  EXPECT_LT(Labels::Compare(b, c), 0);
  EXPECT_EQ(Labels::Compare(a, Labels{{"a", "1"}}), 0);
  EXPECT_NE(a.Hash(), c.Hash());
}

TEST(LabelsTest, HashIsPrometheusXxhashOfNamesAndValues) {
  // xxhash.Sum64 of name 0xff value 0xff ..., as upstream's labels.Hash.
  EXPECT_EQ(Labels().Hash(), 0xef46db3751d8e999ULL);  // XXH64 of no bytes, seed 0
  std::string bytes = "a\xff" "b\xff" "c\xff" "d\xff";
  EXPECT_EQ((Labels{{"a", "b"}, {"c", "d"}}).Hash(), XXH64(bytes.data(), bytes.size(), 0));
  // Past the 1 KiB stack buffer the hash streams; the value must not change.
  std::string long_value(3000, 'v');
  Labels big{{"a", "b"}, {"c", long_value}, {"e", "f"}};
  std::string all = "a\xff" "b\xff" "c\xff" + long_value + "\xff" "e\xff" "f\xff";
  EXPECT_EQ(big.Hash(), XXH64(all.data(), all.size(), 0));
}

TEST(LabelsTest, ValidLabelNamesPerScheme) {
  EXPECT_TRUE(IsValidLabelName("foo_1", NameValidationScheme::kLegacy));
  EXPECT_FALSE(IsValidLabelName("foo.bar", NameValidationScheme::kLegacy));
  EXPECT_FALSE(IsValidLabelName("1foo", NameValidationScheme::kLegacy));
  EXPECT_TRUE(IsValidLabelName("foo.bar", NameValidationScheme::kUtf8));
  EXPECT_TRUE(IsValidLabelName("1 é $", NameValidationScheme::kUtf8));
  EXPECT_FALSE(IsValidLabelName("", NameValidationScheme::kUtf8));
  EXPECT_FALSE(IsValidLabelName("\xff", NameValidationScheme::kUtf8));
}

TEST(LabelsTest, ReleaseMovesThePairsOut) {
  Labels ls{{"b", "2"}, {"a", "1"}};
  std::vector<Label> pairs = std::move(ls).Release();
  EXPECT_EQ(pairs, (std::vector<Label>{{"a", "1"}, {"b", "2"}}));
  EXPECT_EQ(Labels::FromSorted(std::move(pairs)), (Labels{{"a", "1"}, {"b", "2"}}));
}

TEST(MatcherTest, RegexIsAnchoredAndDotMatchesNewline) {
  auto m = Matcher::Make(MatchType::kRegexMatch, "a", "fo.");
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(m->Matches("foo"));
  EXPECT_FALSE(m->Matches("xfoo"));
  EXPECT_FALSE(m->Matches("fooo"));
  EXPECT_TRUE(m->Matches("fo\n"));
  auto alt = Matcher::Make(MatchType::kRegexNoMatch, "a", "a|b");
  ASSERT_TRUE(alt.ok());
  EXPECT_FALSE(alt->Matches("a"));
  EXPECT_TRUE(alt->Matches("ab"));
  EXPECT_FALSE(Matcher::Make(MatchType::kRegexMatch, "a", "(").ok());
}

}  // namespace
}  // namespace cairn::storage
