// Relabeling, one table of cases per action plus the template, hashing and
// Unicode corners. Expected hashmod values are md5(value)[8:16] as a
// big-endian integer mod the modulus, computed outside Cairn (Python's
// hashlib); 976 and 734 are also the values upstream's own tests expect.
#include "ingest/relabel.h"

#include <optional>

#include <gtest/gtest.h>

namespace cairn::ingest {
namespace {

using storage::Labels;
using storage::NameValidationScheme;
using A = RelabelAction;

RelabelRegexp Re(std::string_view pattern) {
  auto re = RelabelRegexp::Compile(pattern);
  EXPECT_TRUE(re.ok()) << pattern << ": " << re.status().message();
  return re.ok() ? *re : RelabelRegexp();
}

struct Case {
  std::string name;
  Labels input;
  std::vector<RelabelConfig> configs;
  std::optional<Labels> output;  // nullopt: the series is dropped
  NameValidationScheme scheme = NameValidationScheme::kUtf8;
};

void RunCases(const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto rules = MakeRelabelRules(c.configs, c.scheme);
    ASSERT_TRUE(rules.ok()) << rules.status().message();
    RelabelResult r = Process(c.input, *rules);
    EXPECT_EQ(r.keep, c.output.has_value());
    if (c.output) {
      EXPECT_EQ(r.labels, *c.output) << r.labels.ToString();
    } else {
      EXPECT_TRUE(r.labels.empty());
    }
  }
}

RelabelConfig Replace(std::vector<std::string> sources, std::string_view regex, std::string target,
                      std::string replacement) {
  RelabelConfig c;
  c.source_labels = std::move(sources);
  c.regex = Re(regex);
  c.target_label = std::move(target);
  c.replacement = std::move(replacement);
  return c;
}

RelabelConfig Filter(A action, std::vector<std::string> sources, std::string_view regex) {
  RelabelConfig c;
  c.action = action;
  c.source_labels = std::move(sources);
  c.regex = Re(regex);
  return c;
}

RelabelConfig OnNames(A action, std::string_view regex, std::string replacement = "$1") {
  RelabelConfig c;
  c.action = action;
  c.regex = Re(regex);
  c.replacement = std::move(replacement);
  return c;
}

RelabelConfig ToTarget(A action, std::vector<std::string> sources, std::string target, uint64_t modulus = 0) {
  RelabelConfig c;
  c.action = action;
  c.source_labels = std::move(sources);
  c.target_label = std::move(target);
  c.modulus = modulus;
  return c;
}

TEST(RelabelTest, Replace) {
  RunCases({
      {"groups expand with braces",
       {{"a", "foo"}, {"b", "bar"}, {"c", "baz"}},
       {Replace({"a"}, "f(.*)", "d", "ch${1}-ch${1}")},
       Labels{{"a", "foo"}, {"b", "bar"}, {"c", "baz"}, {"d", "choo-choo"}}},
      {"rules see earlier rules' results",
       {{"a", "foo"}, {"b", "bar"}, {"c", "baz"}},
       {Replace({"a", "b"}, "f(.*);(.*)r", "a", "b${1}${2}m"),
        Replace({"c", "a"}, "(b).*b(.*)ba(.*)", "d", "$1$2$2$3")},
       Labels{{"a", "boobam"}, {"b", "bar"}, {"c", "baz"}, {"d", "boooom"}}},
      {"group inside a longer match",
       {{"a", "abc"}},
       {Replace({"a"}, ".*(b).*", "d", "$1")},
       Labels{{"a", "abc"}, {"d", "b"}}},
      {"no match changes nothing", {{"a", "boo"}}, {Replace({"a"}, "f", "b", "bar")}, Labels{{"a", "boo"}}},
      {"the regex is anchored at both ends",
       {{"a", "foobar"}},
       {Replace({"a"}, "foo", "b", "x")},
       Labels{{"a", "foobar"}}},
      {"dot matches a newline",
       {{"a", "line1\nline2"}},
       {Replace({"a"}, "line1.*line2", "d", "match${1}")},
       Labels{{"a", "line1\nline2"}, {"d", "match"}}},
      {"an empty result deletes the target",
       {{"a", "foo"}, {"f", "baz"}},
       {Replace({"a"}, "(f).*", "$1", "$2")},
       Labels{{"a", "foo"}}},
      {"an empty result deletes an existing label",
       {{"a", "foo"}, {"b", "x"}},
       {Replace({"a"}, ".*", "b", "")},
       Labels{{"a", "foo"}}},
      {"missing source labels join as empty",
       {{"a", "x"}, {"b", "y"}},
       {Replace({"a", "missing", "b"}, "(.*)", "t", "$1")},
       Labels{{"a", "x"}, {"b", "y"}, {"t", "x;;y"}}},
      {"a custom separator",
       {{"a", "x"}, {"b", "y"}},
       {[] {
         RelabelConfig c = Replace({"a", "b"}, "(.*)", "t", "$1");
         c.separator = "/";
         return c;
       }()},
       Labels{{"a", "x"}, {"b", "y"}, {"t", "x/y"}}},
      {"a missing source matches the default regex",
       {{"a", "x"}},
       {Replace({"nope"}, "(.*)", "t", "static")},
       Labels{{"a", "x"}, {"t", "static"}}},
      {"no source labels at all: a static label",
       {{"a", "x"}},
       {[] {
         RelabelConfig c;
         c.target_label = "env";
         c.replacement = "prod";
         return c;
       }()},
       Labels{{"a", "x"}, {"env", "prod"}}},
      {"a missing source does not match (.+)",
       {{"a", "x"}},
       {Replace({"nope"}, "(.+)", "t", "static")},
       Labels{{"a", "x"}}},
      {"target label built from a group",
       {{"a", "some-name-value"}},
       {Replace({"a"}, "some-([^-]+)-([^,]+)", "${1}", "${2}")},
       Labels{{"a", "some-name-value"}, {"name", "value"}}},
      {"target with a suffix after the group",
       {{"a", "abc"}},
       {Replace({"a"}, "(.*)", "${1}_foo", "v")},
       Labels{{"a", "abc"}, {"abc_foo", "v"}}},
      {"a missing group in the replacement expands to nothing",
       {{"a", "some-name-value"}},
       {Replace({"a"}, "some-([^-]+)-([^,]+)", "${1}", "${3}")},
       Labels{{"a", "some-name-value"}}},
      {"an empty expanded target is skipped",
       {{"a", "some-name-0"}},
       {Replace({"a"}, "some-([^-]+)-([^,]+)", "${3}", "${1}"),
        Replace({"a"}, "some-([^-]+)(-[^,]+)", "${3}", "${1}")},
       Labels{{"a", "some-name-0"}}},
      {"sd tags, a real-life chain",
       {{"__meta_sd_tags", "path:/secret,job:some-job,label:foo=bar"}},
       {Replace({"__meta_sd_tags"}, "(?:.+,|^)path:(/[^,]+).*", "__metrics_path__", "${1}"),
        Replace({"__meta_sd_tags"}, "(?:.+,|^)job:([^,]+).*", "job", "${1}"),
        Replace({"__meta_sd_tags"}, "(?:.+,|^)label:([^=]+)=([^,]+).*", "${1}", "${2}")},
       Labels{{"__meta_sd_tags", "path:/secret,job:some-job,label:foo=bar"},
              {"__metrics_path__", "/secret"},
              {"job", "some-job"},
              {"foo", "bar"}}},
      {"UTF-8 source and target names",
       {{"utf-8.label", "v"}},
       {Replace({"utf-8.label"}, "(.*)", "other.label", "x$1")},
       Labels{{"utf-8.label", "v"}, {"other.label", "xv"}}},
      {"named groups, both spellings, both reference forms",
       {{"a", "line1\nline2"}},
       {Replace({"a"}, "(line1).*(?<second>line2)", "label1_${1}", "val_${second}"),
        Replace({"a"}, "(line1).*(?P<second>line2)", "label2_$1", "val_$second")},
       Labels{{"a", "line1\nline2"}, {"label1_line1", "val_line2"}, {"label2_line1", "val_line2"}}},
      {"__type__ and __unit__ are ordinary targets",
       {{"__name__", "http_requests_total"}},
       {Replace({"__name__"}, ".*_total$", "__type__", "counter")},
       Labels{{"__name__", "http_requests_total"}, {"__type__", "counter"}}},
  });
}

TEST(RelabelTest, ReplaceTargetValidityFollowsTheScheme) {
  // Under legacy names "foo-bar" is not a label name, so the rule is skipped;
  // under UTF-8 it is one.
  const Labels in{{"a", "foo-bar"}};
  const RelabelConfig rule = Replace({"a"}, "(.*)", "${1}", "x");
  RunCases({
      {"legacy", in, {rule}, in, NameValidationScheme::kLegacy},
      {"utf8", in, {rule}, Labels{{"a", "foo-bar"}, {"foo-bar", "x"}}, NameValidationScheme::kUtf8},
  });
}

TEST(RelabelTest, TemplatesExpandAsGoDoes) {
  const Labels in{{"a", "abc"}};
  auto expand = [&](std::string_view regex, std::string replacement) {
    auto rules =
        MakeRelabelRules({Replace({"a"}, regex, "t", std::move(replacement))}, NameValidationScheme::kUtf8);
    EXPECT_TRUE(rules.ok()) << rules.status().message();
    RelabelResult r = Process(in, *rules);
    return std::string(r.labels.Get("t"));
  };
  EXPECT_EQ(expand("(a)(b)(c)", "$1-$2-$3"), "a-b-c");
  EXPECT_EQ(expand("(abc)", "pre_$1x_post"), "pre_");  // $1x_post names a group "1x_post"
  EXPECT_EQ(expand("(abc)", "pre_${1}x_post"), "pre_abcx_post");
  EXPECT_EQ(expand("(abc)", "$10"), "");         // group 10, not group 1 then "0"
  EXPECT_EQ(expand("(abc)", "[$01]"), "[]");     // a leading zero makes it a name
  EXPECT_EQ(expand("(abc)", "$$1"), "$1");       // $$ is a literal $
  EXPECT_EQ(expand("(abc)", "cost$"), "cost$");  // malformed: $ stays
  EXPECT_EQ(expand("(abc)", "${1"), "${1");      // missing brace: $ stays
  EXPECT_EQ(expand("(abc)", "$-$1"), "$-abc");
  EXPECT_EQ(expand("(abc)", "${}"), "${}");
  EXPECT_EQ(expand("(?P<x>a)(?P<y_1>b)c", "$y_1$x"), "ba");
  EXPECT_EQ(expand("(?P<x>a)bc", "${x}${nope}$0"),
            "aabc");  // unknown names expand to nothing; $0 is the match
  EXPECT_EQ(expand("(a)|(b)|(abc)", "[$1][$2][$3]"), "[][][abc]");  // groups that took no part
  EXPECT_EQ(expand("(abc)", "<$é>"), "<>");  // a name may hold any letter, so this is one
}

TEST(RelabelTest, KeepAndDrop) {
  RunCases({
      {"drop on match, later rules do not run",
       {{"a", "foo"}},
       {Filter(A::kDrop, {"a"}, ".*o.*"), Replace({"a"}, "f(.*)", "d", "ch$1-ch$1")},
       std::nullopt},
      {"drop without a match keeps",
       {{"a", "foo"}},
       {Filter(A::kDrop, {"a"}, "no-match")},
       Labels{{"a", "foo"}}},
      {"drop's regex is anchored", {{"a", "foo"}}, {Filter(A::kDrop, {"a"}, "f|o")}, Labels{{"a", "foo"}}},
      {"keep without a match drops", {{"a", "foo"}}, {Filter(A::kKeep, {"a"}, "no-match")}, std::nullopt},
      {"keep on match", {{"a", "foo"}}, {Filter(A::kKeep, {"a"}, "f.*")}, Labels{{"a", "foo"}}},
      {"keep on a missing label sees the empty value",
       {{"a", "foo"}},
       {Filter(A::kKeep, {"b"}, "")},
       Labels{{"a", "foo"}}},
      {"drop on joined values",
       {{"a", "x"}, {"b", "y"}},
       {Filter(A::kDrop, {"a", "b"}, "x;y")},
       std::nullopt},
      {"issue 12283: drop, then recreate, then keep",
       {{"__meta_kubernetes_pod_container_port_name", "foo"},
        {"__meta_kubernetes_pod_annotation_XXX_metrics_port", "9091"}},
       {OnNames(A::kLabelDrop, "^__meta_kubernetes_pod_container_port_name$"),
        Replace({"__meta_kubernetes_pod_annotation_XXX_metrics_port"}, "(.+)",
                "__meta_kubernetes_pod_container_port_name", "metrics"),
        Filter(A::kKeep, {"__meta_kubernetes_pod_container_port_name"}, "^metrics$")},
       Labels{{"__meta_kubernetes_pod_annotation_XXX_metrics_port", "9091"},
              {"__meta_kubernetes_pod_container_port_name", "metrics"}}},
  });
}

TEST(RelabelTest, KeepEqualAndDropEqual) {
  const Labels ports{{"__tmp_port", "1234"}, {"__port1", "1234"}, {"__port2", "5678"}};
  RunCases({
      {"keepequal, equal", ports, {ToTarget(A::kKeepEqual, {"__tmp_port"}, "__port1")}, ports},
      {"keepequal, different", ports, {ToTarget(A::kKeepEqual, {"__tmp_port"}, "__port2")}, std::nullopt},
      {"dropequal, equal", ports, {ToTarget(A::kDropEqual, {"__tmp_port"}, "__port1")}, std::nullopt},
      {"dropequal, different", ports, {ToTarget(A::kDropEqual, {"__tmp_port"}, "__port2")}, ports},
      {"missing on both sides is equal", ports, {ToTarget(A::kDropEqual, {"nope"}, "nada")}, std::nullopt},
      {"joined sources compare as one",
       {{"a", "1"}, {"b", "2"}, {"t", "1;2"}},
       {ToTarget(A::kKeepEqual, {"a", "b"}, "t")},
       Labels{{"a", "1"}, {"b", "2"}, {"t", "1;2"}}},
  });
}

TEST(RelabelTest, HashMod) {
  RunCases({
      {"upstream's first value",
       {{"a", "foo"}, {"b", "bar"}, {"c", "baz"}},
       {ToTarget(A::kHashMod, {"c"}, "d", 1000)},
       Labels{{"a", "foo"}, {"b", "bar"}, {"c", "baz"}, {"d", "976"}}},
      {"a newline in the value",
       {{"a", "foo\nbar"}},
       {ToTarget(A::kHashMod, {"a"}, "b", 1000)},
       Labels{{"a", "foo\nbar"}, {"b", "734"}}},
      {"an address into three shards",
       {{"__address__", "10.0.0.1:9100"}},
       {ToTarget(A::kHashMod, {"__address__"}, "__tmp_hash", 3)},
       Labels{{"__address__", "10.0.0.1:9100"}, {"__tmp_hash", "2"}}},
      {"the empty value",
       {{"a", "x"}},
       {ToTarget(A::kHashMod, {"nope"}, "h", 7)},
       Labels{{"a", "x"}, {"h", "1"}}},
      {"joined values, a 2^63 modulus",
       {{"a", "a"}, {"b", "b"}},
       {ToTarget(A::kHashMod, {"a", "b"}, "h", uint64_t{1} << 63)},
       Labels{{"a", "a"}, {"b", "b"}, {"h", "2420134994223480074"}}},
      {"the largest modulus",
       {{"a", "x"}},
       {ToTarget(A::kHashMod, {"a"}, "h", ~uint64_t{0})},
       Labels{{"a", "x"}, {"h", "17710500428000290726"}}},
      {"UTF-8 bytes are hashed as they are",
       {{"a", "ünïcode"}},
       {ToTarget(A::kHashMod, {"a"}, "h", 97)},
       Labels{{"a", "ünïcode"}, {"h", "81"}}},
  });
}

TEST(RelabelTest, LabelMap) {
  RunCases({
      {"with a replacement prefix",
       {{"a", "foo"}, {"b1", "bar"}, {"b2", "baz"}},
       {OnNames(A::kLabelMap, "(b.*)", "bar_${1}")},
       Labels{{"a", "foo"}, {"b1", "bar"}, {"b2", "baz"}, {"bar_b1", "bar"}, {"bar_b2", "baz"}}},
      {"meta labels to plain ones",
       {{"a", "foo"}, {"__meta_my_bar", "aaa"}, {"__meta_my_baz", "bbb"}, {"__meta_other", "ccc"}},
       {OnNames(A::kLabelMap, "__meta_(my.*)", "${1}")},
       Labels{{"a", "foo"},
              {"__meta_my_bar", "aaa"},
              {"__meta_my_baz", "bbb"},
              {"__meta_other", "ccc"},
              {"my_bar", "aaa"},
              {"my_baz", "bbb"}}},
      {"the default replacement copies group 1",
       {{"__meta_kubernetes_pod_label_app", "web"}},
       {OnNames(A::kLabelMap, "__meta_kubernetes_pod_label_(.+)")},
       Labels{{"__meta_kubernetes_pod_label_app", "web"}, {"app", "web"}}},
      {"overwrites an existing label",
       {{"__meta_x_job", "new"}, {"job", "old"}},
       {OnNames(A::kLabelMap, "__meta_x_(.+)")},
       Labels{{"__meta_x_job", "new"}, {"job", "new"}}},
      {"two names onto one: the later in name order wins",
       {{"a_x", "1"}, {"b_x", "2"}},
       {OnNames(A::kLabelMap, "(?:a|b)_(x)")},
       Labels{{"a_x", "1"}, {"b_x", "2"}, {"x", "2"}}},
      // labels.Builder.Range visits labels set by earlier rules after the
      // untouched ones, in the order they were set.
      {"a label added by an earlier rule is visited last",
       {{"a_x", "1"}, {"z_x", "9"}},
       {Replace({}, "(.*)", "c_x", "3"), OnNames(A::kLabelMap, "(?:a|c|z)_(x)")},
       Labels{{"a_x", "1"}, {"c_x", "3"}, {"z_x", "9"}, {"x", "3"}}},
      {"a label changed by an earlier rule is visited last",
       {{"a_x", "1"}, {"b_x", "2"}},
       {Replace({}, "(.*)", "a_x", "5"), OnNames(A::kLabelMap, "(?:a|b)_(x)")},
       Labels{{"a_x", "5"}, {"b_x", "2"}, {"x", "5"}}},
      {"a label deleted and set again counts from its new setting",
       {{"a_x", "1"}, {"b_x", "2"}, {"c_x", "3"}},
       {Replace({}, "(.*)", "c_x", "4"), Replace({}, "(.*)", "a_x", "7"),
        Replace({"nope"}, "(.*)", "c_x", ""), Replace({}, "(.*)", "c_x", "8"),
        OnNames(A::kLabelMap, "(?:a|b|c)_(x)")},
       Labels{{"a_x", "7"}, {"b_x", "2"}, {"c_x", "8"}, {"x", "8"}}},
  });
}

TEST(RelabelTest, LabelDropAndLabelKeep) {
  RunCases({
      {"labelkeep",
       {{"a", "foo"}, {"b1", "bar"}, {"b2", "baz"}},
       {OnNames(A::kLabelKeep, "(b.*)")},
       Labels{{"b1", "bar"}, {"b2", "baz"}}},
      {"labeldrop",
       {{"a", "foo"}, {"b1", "bar"}, {"b2", "baz"}},
       {OnNames(A::kLabelDrop, "(b.*)")},
       Labels{{"a", "foo"}}},
      {"labeldrop is anchored",
       {{"ab", "1"}, {"b", "2"}},
       {OnNames(A::kLabelDrop, "b")},
       Labels{{"ab", "1"}}},
      {"labelkeep of nothing leaves an empty set", {{"a", "1"}}, {OnNames(A::kLabelKeep, "zzz")}, Labels{}},
  });
}

TEST(RelabelTest, LowercaseAndUppercase) {
  RunCases({
      {"ASCII",
       {{"foo", "bAr123Foo"}},
       {ToTarget(A::kUppercase, {"foo"}, "foo_uppercase"), ToTarget(A::kLowercase, {"foo"}, "foo_lowercase")},
       Labels{{"foo", "bAr123Foo"}, {"foo_lowercase", "bar123foo"}, {"foo_uppercase", "BAR123FOO"}}},
      // Go maps rune by rune with simple case mappings: İ lowers to a plain i,
      // the Kelvin sign to k, ǅ to ǆ; ß has no single-rune upper case.
      {"Unicode lower",
       {{"v", "ÄÖÜ İ ǅ \u212A"}},
       {ToTarget(A::kLowercase, {"v"}, "v")},
       Labels{{"v", "äöü i ǆ k"}}},
      {"Unicode upper",
       {{"v", "straße ǆ ÿ ı ſ"}},
       {ToTarget(A::kUppercase, {"v"}, "v")},
       Labels{{"v", "STRAßE Ǆ Ÿ I S"}}},
      {"invalid bytes become U+FFFD",
       {{"v", "A\xffz"}},
       {ToTarget(A::kLowercase, {"v"}, "v")},
       Labels{{"v", "a\uFFFDz"}}},
      {"an empty value deletes the target",
       {{"a", "1"}, {"t", "old"}},
       {ToTarget(A::kLowercase, {"nope"}, "t")},
       Labels{{"a", "1"}}},
  });
}

TEST(RelabelTest, MovesTheInputWithoutCopying) {
  auto rules = MakeRelabelRules({Filter(A::kKeep, {"__name__"}, "up")}, NameValidationScheme::kUtf8);
  ASSERT_TRUE(rules.ok());
  Labels in{{"__name__", "up"}, {"job", "a-rather-long-job-name-beyond-small-string-size"}};
  const char* value_bytes = in[1].value.data();
  RelabelResult r = Process(std::move(in), *rules);
  ASSERT_TRUE(r.keep);
  EXPECT_EQ(r.labels[1].value.data(), value_bytes);
}

TEST(RelabelTest, ManyGroups) {
  // More submatches than fit on the stack.
  std::string regex, replacement, value;
  for (int i = 1; i <= 12; ++i) {
    regex += "(.)";
    replacement += "${" + std::to_string(i) + "}-";
    value += static_cast<char>('a' + i - 1);
  }
  auto rules = MakeRelabelRules({Replace({"a"}, regex, "t", replacement)}, NameValidationScheme::kUtf8);
  ASSERT_TRUE(rules.ok());
  RelabelResult r = Process(Labels{{"a", value}}, *rules);
  EXPECT_EQ(r.labels.Get("t"), "a-b-c-d-e-f-g-h-i-j-k-l-");
}

// --- validation ---

std::string ValidationError(const RelabelConfig& c,
                            NameValidationScheme scheme = NameValidationScheme::kUtf8) {
  Status st = ValidateRelabelConfig(c, scheme);
  return st.ok() ? "" : st.message();
}

TEST(RelabelValidateTest, RequiredFields) {
  EXPECT_EQ(ValidationError(ToTarget(A::kHashMod, {"a"}, "t", 0)),
            "relabel configuration for hashmod requires non-zero modulus");
  EXPECT_EQ(ValidationError(ToTarget(A::kHashMod, {"a"}, "", 8)),
            "relabel configuration for hashmod action requires 'target_label' value");
  EXPECT_EQ(ValidationError(Replace({"a"}, "abcdef", "", "$1")),
            "relabel configuration for replace action requires 'target_label' value");
  for (A a : {A::kLowercase, A::kUppercase, A::kKeepEqual, A::kDropEqual}) {
    EXPECT_EQ(ValidationError(ToTarget(a, {"a"}, "")), "relabel configuration for " +
                                                           std::string(RelabelActionName(a)) +
                                                           " action requires 'target_label' value");
  }
}

TEST(RelabelValidateTest, TargetNames) {
  using S = NameValidationScheme;
  EXPECT_EQ(ValidationError(Replace({"a"}, "(.*)", "foo-bar", "$1"), S::kLegacy),
            "\"foo-bar\" is invalid 'target_label' for replace action");
  EXPECT_EQ(ValidationError(Replace({"a"}, "(.*)", "foo-bar", "$1"), S::kUtf8), "");
  EXPECT_EQ(ValidationError(Replace({"a"}, "(.*)", "\xff", "$1"), S::kUtf8),
            "\"\\xff\" is invalid 'target_label' for replace action");
  // With references, legacy names allow $1, ${1} and $name pieces only.
  EXPECT_EQ(ValidationError(Replace({"a"}, "(.*)", "x_${1}_$2_$name", "$1"), S::kLegacy), "");
  EXPECT_EQ(ValidationError(Replace({"a"}, "(.*)", "-${1}", "$1"), S::kLegacy),
            "\"-${1}\" is invalid 'target_label' for replace action");
  EXPECT_EQ(ValidationError(Replace({"a"}, "(.*)", "${", "$1"), S::kLegacy),
            "\"${\" is invalid 'target_label' for replace action");
  EXPECT_EQ(ValidationError(Replace({"a"}, "(.*)", "-${1}", "$1"), S::kUtf8), "");
  EXPECT_EQ(ValidationError(ToTarget(A::kLowercase, {"a"}, "${3}"), S::kLegacy),
            "\"${3}\" is invalid 'target_label' for lowercase action");
  EXPECT_EQ(ValidationError(ToTarget(A::kLowercase, {"a"}, "${3}"), S::kUtf8), "");
  EXPECT_EQ(ValidationError(ToTarget(A::kHashMod, {"a"}, "a.b", 3), S::kLegacy),
            "\"a.b\" is invalid 'target_label' for hashmod action");
  EXPECT_EQ(ValidationError(OnNames(A::kLabelMap, "__meta_(.+)", "${1}"), S::kLegacy), "");
  EXPECT_EQ(ValidationError(OnNames(A::kLabelMap, "__meta_(.+)", "\xff$1"), S::kUtf8),
            "\"\\xff$1\" is invalid 'replacement' for labelmap action");
  EXPECT_EQ(ValidationError(OnNames(A::kLabelMap, "__meta_(.+)", "a-$1"), S::kLegacy),
            "\"a-$1\" is invalid 'replacement' for labelmap action");
}

TEST(RelabelValidateTest, FieldsAnActionDoesNotTake) {
  RelabelConfig lower = ToTarget(A::kLowercase, {"__name__"}, "__name__");
  lower.replacement = "bar";
  EXPECT_EQ(ValidationError(lower), "'replacement' can not be set for lowercase action");

  RelabelConfig eq = ToTarget(A::kKeepEqual, {"abcdef"}, "bar");
  EXPECT_EQ(ValidationError(eq), "");
  eq.regex = Re("foo");
  EXPECT_EQ(ValidationError(eq),
            "keepequal action requires only 'source_labels' and `target_label`, and no other fields");
  eq.regex = Re("(.*)");  // spelled out, it is no longer the default, as upstream sees it
  EXPECT_NE(ValidationError(eq), "");
  RelabelConfig deq = ToTarget(A::kDropEqual, {"abcdef"}, "bar");
  deq.separator = ",";
  EXPECT_EQ(ValidationError(deq),
            "dropequal action requires only 'source_labels' and `target_label`, and no other fields");

  const std::string only_regex = "labelkeep action requires only 'regex', and no other fields";
  RelabelConfig keep = OnNames(A::kLabelKeep, "a.*");
  EXPECT_EQ(ValidationError(keep), "");
  RelabelConfig k1 = keep;
  k1.source_labels = {"abcdef"};
  RelabelConfig k2 = keep;
  k2.modulus = 8;
  RelabelConfig k3 = keep;
  k3.separator = ",";
  RelabelConfig k4 = keep;
  k4.replacement = "yolo-{1}";
  RelabelConfig k5 = keep;
  k5.target_label = "yolo";
  RelabelConfig k6 = keep;
  k6.source_labels_given = true;  // `source_labels: []`
  for (const RelabelConfig* c : {&k1, &k2, &k3, &k4, &k5, &k6}) EXPECT_EQ(ValidationError(*c), only_regex);
  RelabelConfig drop = OnNames(A::kLabelDrop, "a.*");
  drop.target_label = "yolo";
  EXPECT_EQ(ValidationError(drop), "labeldrop action requires only 'regex', and no other fields");
}

TEST(RelabelValidateTest, MakeRelabelRulesStopsAtTheFirstError) {
  auto rules = MakeRelabelRules({Replace({"a"}, "(.*)", "t", "$1"), ToTarget(A::kHashMod, {"a"}, "t", 0)},
                                NameValidationScheme::kUtf8);
  ASSERT_FALSE(rules.ok());
  EXPECT_EQ(rules.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(rules.status().message(), "relabel configuration for hashmod requires non-zero modulus");
}

TEST(RelabelRegexpTest, CompilesAnchoredWithDotAll) {
  RelabelRegexp re = Re("a.c");
  EXPECT_EQ(re.pattern(), "a.c");
  EXPECT_TRUE(re.Matches("a\nc"));
  EXPECT_FALSE(re.Matches("xa.c"));
  EXPECT_FALSE(re.Matches("a.cx"));
  EXPECT_TRUE(Re("foo|bar").Matches("bar"));  // the alternation sits inside the anchors
  EXPECT_FALSE(Re("").Matches("x"));
  EXPECT_TRUE(Re("").Matches(""));
}

TEST(RelabelRegexpTest, DefaultIsSharedAndRecognised) {
  EXPECT_TRUE(RelabelRegexp().is_default());
  EXPECT_EQ(RelabelRegexp().pattern(), "(.*)");
  RelabelConfig c;
  EXPECT_TRUE(c.regex.is_default());
  EXPECT_FALSE(Re("(.*)").is_default());
}

TEST(RelabelRegexpTest, ErrorsAndGoSyntax) {
  auto bad = RelabelRegexp::Compile("abc(def");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.status().message().rfind("error parsing regexp: ", 0), 0u) << bad.status().message();
  EXPECT_FALSE(RelabelRegexp::Compile("a{1001}").ok());
  EXPECT_FALSE(RelabelRegexp::Compile("(?<=a)b").ok());  // no lookbehind in Go either
  // (?<name>re) is rewritten, but not inside a class or a \Q..\E quote.
  RelabelRegexp named = Re("(?<first>a)(b)");
  EXPECT_EQ(named.group_names(), (std::vector<std::string>{"", "first", ""}));
  EXPECT_TRUE(Re("[(?<]+").Matches("(?<"));
  EXPECT_TRUE(Re(R"(\Q(?<x>\E)").Matches("(?<x>"));
  EXPECT_TRUE(Re("[]a]+").Matches("]a"));
  EXPECT_TRUE(Re("[[:alpha:](?<]+").Matches("a(?<"));
}

TEST(RelabelActionTest, NamesRoundTripCaseInsensitively) {
  for (A a : {A::kReplace, A::kKeep, A::kDrop, A::kKeepEqual, A::kDropEqual, A::kHashMod, A::kLabelMap,
              A::kLabelDrop, A::kLabelKeep, A::kLowercase, A::kUppercase}) {
    EXPECT_EQ(ParseRelabelAction(RelabelActionName(a)), a);
  }
  EXPECT_EQ(ParseRelabelAction("LabelMap"), A::kLabelMap);
  EXPECT_EQ(ParseRelabelAction("\u212Aeep"), A::kKeep);  // Go lower-cases the Kelvin sign to k
  EXPECT_EQ(ParseRelabelAction("nope"), std::nullopt);
  EXPECT_EQ(ParseRelabelAction(""), std::nullopt);
}

}  // namespace
}  // namespace cairn::ingest
