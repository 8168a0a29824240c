#include "tools/cairnctl/metrics_lint.h"

#include <gtest/gtest.h>

namespace cairn::cairnctl {
namespace {

std::vector<std::string> Lint(const std::string& text) {
  auto r = LintExposition(text);
  EXPECT_TRUE(r.ok()) << r.status().message();
  std::vector<std::string> out;
  if (!r.ok()) return out;
  for (const auto& p : *r) out.push_back(p.metric + " " + p.text);
  return out;
}

TEST(MetricsLintTest, CleanFamiliesHaveNoProblems) {
  EXPECT_TRUE(Lint("# HELP a_total A.\n# TYPE a_total counter\na_total 1\n"
                   "# HELP h_seconds H.\n# TYPE h_seconds histogram\nh_seconds_bucket{le=\"1\"} 1\n"
                   "h_seconds_bucket{le=\"+Inf\"} 1\nh_seconds_sum 1\nh_seconds_count 1\n"
                   "# HELP s_bytes S.\n# TYPE s_bytes summary\ns_bytes{quantile=\"0.5\"} 1\ns_bytes_sum 1\n"
                   "s_bytes_count 1\n")
                  .empty());
}

TEST(MetricsLintTest, HelpCounterAndUnits) {
  EXPECT_EQ(Lint("foo_total 1\n"), std::vector<std::string>{"foo_total no help text"});
  EXPECT_EQ(Lint("# HELP r R.\n# TYPE r counter\nr 1\n"),
            std::vector<std::string>{"r counter metrics should have \"_total\" suffix"});
  EXPECT_EQ(Lint("# HELP q_total Q.\n# TYPE q_total gauge\nq_total 1\n"),
            std::vector<std::string>{"q_total non-counter metrics should not have \"_total\" suffix"});
  EXPECT_EQ(Lint("# HELP l_milliseconds L.\n# TYPE l_milliseconds gauge\nl_milliseconds 1\n"),
            std::vector<std::string>{"l_milliseconds use base unit \"seconds\" instead of \"milliseconds\""});
  // "thermometers" is no unit: only whole words with a known prefix count.
  EXPECT_TRUE(Lint("# HELP thermometers T.\n# TYPE thermometers gauge\nthermometers 1\n").empty());
}

TEST(MetricsLintTest, SortedByMetricThenText) {
  EXPECT_EQ(Lint("# HELP httpRequests H.\n# TYPE httpRequests gauge\nhttpRequests{statusCode=\"1\"} 1\n"
                 "# HELP job:up J.\n# TYPE job:up gauge\njob:up 1\n"),
            (std::vector<std::string>{
                "httpRequests label names should be written in 'snake_case' not 'camelCase'",
                "httpRequests metric names should be written in 'snake_case' not 'camelCase'",
                "job:up metric names should not contain ':'"}));
}

TEST(MetricsLintTest, ReservedNamesAndLabels) {
  EXPECT_EQ(Lint("# HELP c_count C.\n# TYPE c_count gauge\nc_count{le=\"1\",quantile=\"1\"} 1\n"),
            (std::vector<std::string>{"c_count non-histogram and non-summary metrics should not have \"_count\" suffix",
                                      "c_count non-histogram metrics should not have \"le\" label",
                                      "c_count non-summary metrics should not have \"quantile\" label"}));
  // Untyped families are exempt.
  EXPECT_EQ(Lint("# HELP u_count U.\nu_count{le=\"1\"} 1\n"), std::vector<std::string>{});
}

TEST(MetricsLintTest, TypeInNameAndAbbreviations) {
  EXPECT_EQ(Lint("# HELP x_gauge X.\n# TYPE x_gauge gauge\nx_gauge 1\n"),
            std::vector<std::string>{"x_gauge metric name should not include type 'gauge'"});
  EXPECT_EQ(Lint("# HELP up_s U.\n# TYPE up_s gauge\nup_s 1\n"),
            std::vector<std::string>{"up_s metric names should not contain abbreviated units"});
}

TEST(MetricsLintTest, ParseErrorsAreErrors) {
  EXPECT_FALSE(LintExposition("foo{ 1\n").ok());
  EXPECT_FALSE(LintExposition("foo abc\n").ok());
}

}  // namespace
}  // namespace cairn::cairnctl
