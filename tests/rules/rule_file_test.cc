// rulefmt: what Prometheus' rule-file loader accepts and rejects, with its messages.
#include "rules/rule_file.h"

#include <gtest/gtest.h>

namespace cairn::rules {
namespace {

TEST(RuleFileTest, ParsesGroupsAndRules) {
  auto f = ParseRuleFile("r.yml", R"(
groups:
- name: g
  interval: 30s
  limit: 10
  query_offset: 1m
  labels:
    team: a
  rules:
  - record: job:up:sum
    expr: sum by (job) (up)
    labels:
      x: y
  - alert: Down
    expr: up == 0
    for: 5m
    keep_firing_for: 1m
    labels:
      severity: page
    annotations:
      summary: "{{ $labels.instance }} down"
- name: h
  rules: []
)");
  ASSERT_TRUE(f.ok()) << f.status().message();
  ASSERT_EQ(f->groups.size(), 2u);
  const RuleGroupSpec& g = f->groups[0];
  EXPECT_EQ(g.name, "g");
  EXPECT_EQ(g.interval_ms, 30'000);
  EXPECT_EQ(g.limit, 10);
  EXPECT_EQ(g.query_offset_ms, 60'000);
  EXPECT_EQ(g.labels.at("team"), "a");
  ASSERT_EQ(g.rules.size(), 2u);
  EXPECT_EQ(g.rules[0].record, "job:up:sum");
  EXPECT_EQ(g.rules[0].labels.at("x"), "y");
  EXPECT_EQ(g.rules[1].alert, "Down");
  EXPECT_EQ(g.rules[1].for_ms, 300'000);
  EXPECT_EQ(g.rules[1].keep_firing_for_ms, 60'000);
  EXPECT_EQ(g.rules[1].annotations.at("summary"), "{{ $labels.instance }} down");
  EXPECT_FALSE(f->groups[1].query_offset_ms.has_value());
}

TEST(RuleFileTest, EmptyFileHasNoGroups) {
  auto f = ParseRuleFile("r.yml", "");
  ASSERT_TRUE(f.ok());
  EXPECT_TRUE(f->groups.empty());
}

struct Rejection {
  const char* what;
  const char* yaml;
  const char* message;  // the whole error text
};

void PrintTo(const Rejection& r, std::ostream* os) { *os << r.what; }

class RuleFileRejectionTest : public testing::TestWithParam<Rejection> {};

TEST_P(RuleFileRejectionTest, MessageIsPrometheus) {
  auto f = ParseRuleFile("r.yml", GetParam().yaml);
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(f.status().message(), GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    Table, RuleFileRejectionTest,
    testing::Values(
        Rejection{"empty_group_name", "groups:\n- name: \"\"\n  rules: []\n", "r.yml: 2:3: Groupname must not be empty"},
        Rejection{"duplicate_group", "groups:\n- name: g\n  rules: []\n- name: g\n  rules: []\n",
                  "r.yml: 4:3: groupname: \"g\" is repeated in the same file"},
        Rejection{"record_and_alert", "groups:\n- name: a\n  rules:\n  - alert: a\n    record: b\n    expr: up\n",
                  "r.yml: 5:13: 4:12: group \"a\", rule 1, \"a\": only one of 'record' and 'alert' must be set"},
        Rejection{"neither_record_nor_alert", "groups:\n- name: a\n  rules:\n  - expr: up\n",
                  "r.yml: 0:0: 0:0: group \"a\", rule 1, \"\": one of 'record' or 'alert' must be set"},
        Rejection{"no_expr", "groups:\n- name: a\n  rules:\n  - record: a\n",
                  "r.yml: 0:0: group \"a\", rule 1, \"a\": field 'expr' must be set in rule"},
        Rejection{"bad_expr", "groups:\n- name: a\n  rules:\n  - alert: X\n    expr: up ==== 1\n",
                  "r.yml: 5:11: group \"a\", rule 1, \"X\": could not parse expression: 1:6: parse error: "
                  "unexpected <op:==>"},
        Rejection{"braces_in_record", "groups:\n- name: a\n  rules:\n  - record: 'a{b=\"c\"}'\n    expr: up\n",
                  "r.yml: 4:13: group \"a\", rule 1, \"a{b=\\\"c\\\"}\": braces present in the recording rule name; "
                  "should it be in expr?: a{b=\"c\"}"},
        Rejection{"record_with_for",
                  "groups:\n- name: a\n  rules:\n  - record: a\n    expr: up\n    for: 5m\n    keep_firing_for: 1m\n",
                  "r.yml: 4:13: group \"a\", rule 1, \"a\": invalid field 'for' in recording rule\n"
                  "r.yml: 4:13: group \"a\", rule 1, \"a\": invalid field 'keep_firing_for' in recording rule"},
        Rejection{"record_with_annotations",
                  "groups:\n- name: a\n  rules:\n  - record: a\n    expr: up\n    annotations:\n      s: x\n",
                  "r.yml: 4:13: group \"a\", rule 1, \"a\": invalid field 'annotations' in recording rule"},
        Rejection{"metric_name_label",
                  "groups:\n- name: a\n  rules:\n  - record: a\n    expr: up\n    labels:\n      __name__: x\n",
                  "r.yml: group \"a\", rule 1, \"a\": invalid label name: __name__"},
        Rejection{"group_label_name", "groups:\n- name: a\n  labels:\n    __name__: x\n  rules: []\n",
                  "r.yml: invalid label name: __name__"},
        Rejection{"bad_template",
                  "groups:\n- name: a\n  rules:\n  - alert: X\n    expr: up\n    annotations:\n"
                  "      s: \"{{ $label.x }}\"\n",
                  "r.yml: group \"a\", rule 1, \"X\": annotation \"s\": template: __alert_X:1: undefined variable "
                  "\"$label\""},
        Rejection{"unknown_rule_field", "groups:\n- name: a\n  rules:\n  - record: x\n    expr: up\n    annotation: 1\n",
                  "r.yml: yaml: unmarshal errors:\n  line 6: field annotation not found in type rulefmt.Rule"},
        Rejection{"unknown_group_field", "groups:\n- name: a\n  evaluation_interval: 1m\n  rules: []\n",
                  "r.yml: yaml: unmarshal errors:\n  line 3: field evaluation_interval not found in type "
                  "rulefmt.RuleGroup"},
        Rejection{"unknown_top_field", "groups: []\nrules: []\n",
                  "r.yml: yaml: unmarshal errors:\n  line 2: field rules not found in type rulefmt.RuleGroups"},
        // Type errors come from both of Prometheus' decodes, so they show twice.
        Rejection{"limit_not_int", "groups:\n- name: a\n  limit: abc\n  rules: []\n",
                  "r.yml: yaml: unmarshal errors:\n  line 3: cannot unmarshal !!str `abc` into int\n"
                  "r.yml: yaml: unmarshal errors:\n  line 3: cannot unmarshal !!str `abc` into int"},
        Rejection{"bad_duration", "groups:\n- name: a\n  interval: 5x\n  rules: []\n",
                  "r.yml: unknown unit \"x\" in duration \"5x\"\nr.yml: unknown unit \"x\" in duration \"5x\""},
        Rejection{"groups_not_list", "groups: 5\n",
                  "r.yml: yaml: unmarshal errors:\n  line 1: cannot unmarshal !!int `5` into []rulefmt.RuleGroup\n"
                  "r.yml: yaml: unmarshal errors:\n  line 1: cannot unmarshal !!int `5` into []rulefmt.RuleGroupNode"}),
    [](const testing::TestParamInfo<Rejection>& info) { return std::string(info.param.what); });

TEST(RuleFileTest, LegacyNamesRejectDotsInRecordNames) {
  const char* yaml = "groups:\n- name: a\n  rules:\n  - record: a.b\n    expr: up\n";
  EXPECT_TRUE(ParseRuleFile("r.yml", yaml).ok());
  auto f = ParseRuleFile("r.yml", yaml, storage::NameValidationScheme::kLegacy);
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.status().message(), "r.yml: 4:13: group \"a\", rule 1, \"a.b\": invalid recording rule name: a.b");
}

TEST(RuleFileTest, MissingFileReadsLikeGo) {
  auto f = LoadRuleFile("/nonexistent/r.yml");
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.status().message(), "/nonexistent/r.yml: open /nonexistent/r.yml: no such file or directory");
}

}  // namespace
}  // namespace cairn::rules
