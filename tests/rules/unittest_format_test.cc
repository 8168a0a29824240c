// The runner's own pieces: the test file parser (strict, as yaml.UnmarshalStrict), the input
// series loader (expanding notation, time-ordered appends) and promtool's failure texts.
#include <gtest/gtest.h>

#include <cmath>

#include "promql/engine.h"
#include "promql/parser/parser.h"
#include "rules/unittest/report.h"
#include "rules/unittest/series_loader.h"
#include "rules/unittest/test_file.h"
#include "storage/memory_storage.h"

namespace cairn::rules::unittest {
namespace {

TEST(TestFileParse, ReadsEveryField) {
  auto f = ParseTestFile(R"(
rule_files: [a.yml, "rules/*.yml"]
evaluation_interval: 30s
group_eval_order: [g1, g2]
tests:
  - name: one
    interval: 1m
    external_labels: {cluster: c1}
    external_url: http://x
    input_series:
      - series: 'up{job="a"}'
        values: '1 0x3'
    alert_rule_test:
      - eval_time: 5m
        alertname: Down
        exp_alerts:
          - exp_labels: {severity: page}
            exp_annotations: {summary: s}
    promql_expr_test:
      - expr: up
        eval_time: 1m30s
        exp_samples:
          - labels: 'up{job="a"}'
            value: 1e3
)");
  ASSERT_TRUE(f.ok()) << f.status().message();
  EXPECT_EQ(f->rule_files, (std::vector<std::string>{"a.yml", "rules/*.yml"}));
  EXPECT_EQ(f->evaluation_interval_ms, 30'000);
  EXPECT_EQ(f->group_eval_order.size(), 2u);
  ASSERT_EQ(f->tests.size(), 1u);
  const TestGroup& g = f->tests[0];
  EXPECT_EQ(g.name, "one");
  EXPECT_EQ(g.interval_ms, 60'000);
  EXPECT_EQ(g.external_labels.Get("cluster"), "c1");
  EXPECT_EQ(g.external_url, "http://x");
  ASSERT_EQ(g.alert_rule_tests.size(), 1u);
  EXPECT_EQ(g.alert_rule_tests[0].eval_time_ms, 300'000);
  EXPECT_EQ(g.alert_rule_tests[0].exp_alerts[0].labels.at("severity"), "page");
  ASSERT_EQ(g.promql_expr_tests.size(), 1u);
  EXPECT_EQ(g.promql_expr_tests[0].eval_time_ms, 90'000);
  EXPECT_EQ(g.promql_expr_tests[0].exp_samples[0].value, 1000);
}

TEST(TestFileParse, EvaluationIntervalDefaultsToOneMinute) {
  auto f = ParseTestFile("tests: []\n");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->evaluation_interval_ms, 60'000);
}

TEST(TestFileParse, UnknownKeysFailLikeUnmarshalStrict) {
  auto f = ParseTestFile("rule_files: []\ntests:\n  - interval: 1m\n    input_serie: []\n");
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.status().message(), "yaml: unmarshal errors:\n  line 4: field input_serie not found in type main.testGroup");
}

TEST(TestFileParse, BadDurationAndValue) {
  EXPECT_EQ(ParseTestFile("evaluation_interval: 5x\n").status().message(), "not a valid duration string: \"5x\"");
  auto f = ParseTestFile("tests:\n  - promql_expr_test:\n      - exp_samples:\n          - value: 'abc'\n");
  ASSERT_FALSE(f.ok());
  EXPECT_NE(f.status().message().find("into float64"), std::string::npos) << f.status().message();
}

TEST(SeriesLoader, AppendsOnlyUpToTheGivenTime) {
  auto loader = SeriesLoader::Create({{"up{job=\"a\"}", "1 _ 3 stale"}, {"x", "0+10x3"}}, 60'000);
  ASSERT_TRUE(loader.ok()) << loader.status().message();
  storage::MemoryStorage db;
  promql::Engine engine;
  auto count = [&](int64_t t) {
    auto expr = promql::parser::ParseExpr("count_over_time({__name__=~\"up|x\"}[1h])");
    auto r = engine.InstantQuery(db, **expr, t, promql::QueryOptions{});
    double n = 0;
    for (const auto& s : std::get<promql::Vector>(r->value)) n += s.f;
    return n;
  };
  ASSERT_TRUE(loader->AppendTill(db, 60'000).ok());
  EXPECT_EQ(count(600'000), 3);  // up@0, x@0, x@1m
  ASSERT_TRUE(loader->AppendTill(db, 180'000).ok());
  EXPECT_EQ(count(600'000), 6);  // + up@2m, x@2m, x@3m; the stale marker at 3m is not counted
}

TEST(SeriesLoader, WithoutIntervalKeepsTheFirstValue) {
  auto loader = SeriesLoader::Create({{"up", "_ 5 7 9"}}, 0);
  ASSERT_TRUE(loader.ok()) << loader.status().message();
  storage::MemoryStorage db;
  ASSERT_TRUE(loader->AppendTill(db, 0).ok());
  promql::Engine engine;
  auto expr = promql::parser::ParseExpr("up");
  auto r = engine.InstantQuery(db, **expr, 0, promql::QueryOptions{});
  ASSERT_TRUE(r.ok());
  const auto& v = std::get<promql::Vector>(r->value);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].f, 5);
}

TEST(SeriesLoader, RejectsBadSeries) {
  EXPECT_FALSE(SeriesLoader::Create({{"up{", "1"}}, 60'000).ok());
  EXPECT_FALSE(SeriesLoader::Create({{"up", "1 x"}}, 60'000).ok());
  EXPECT_FALSE(SeriesLoader::Create({{"up", "1"}, {"up", "2"}}, 60'000).ok());
  EXPECT_FALSE(SeriesLoader::Create({{"h", "{{schema:0 sum:1 count:1}}"}}, 60'000).ok());
}

TEST(Report, FormatsAsPromtool242) {
  storage::Labels l{{"__name__", "up"}, {"job", "a\"b"}};
  EXPECT_EQ(LabelsString(l), "{__name__=\"up\", job=\"a\\\"b\"}");
  EXPECT_EQ(GoFormatFloatE(240), "2.4E+02");
  EXPECT_EQ(GoFormatFloatE(0.7), "7E-01");
  EXPECT_EQ(GoFormatFloatE(1), "1E+00");
  EXPECT_EQ(GoFormatFloatE(-0.00123), "-1.23E-03");
  EXPECT_EQ(GoFormatFloatE(std::nan("")), "NaN");
  EXPECT_EQ(SamplesString({}), "nil");
  EXPECT_EQ(SamplesString({{l, 40}, {storage::Labels{}, 1}}), "{__name__=\"up\", job=\"a\\\"b\"} 4E+01, {} 1E+00");
  EXPECT_EQ(GoTimeDurationString(0), "0s");
  EXPECT_EQ(GoTimeDurationString(300'000), "5m0s");
  EXPECT_EQ(GoTimeDurationString(90'500), "1m30.5s");
  EXPECT_EQ(GoTimeDurationString(3'600'000), "1h0m0s");
  EXPECT_EQ(GoTimeDurationString(250), "250ms");
  EXPECT_EQ(AlertsString({}), "[]");
  EXPECT_EQ(AlertsString({{storage::Labels{{"a", "1"}}, storage::Labels{{"s", "x"}}},
                          {storage::Labels{{"a", "2"}}, storage::Labels{}}}),
            "[\n0:\n  Labels:{a=\"1\"}\n  Annotations:{s=\"x\"},\n1:\n  Labels:{a=\"2\"}\n  Annotations:{}\n]");
}

}  // namespace
}  // namespace cairn::rules::unittest
