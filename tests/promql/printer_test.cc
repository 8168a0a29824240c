// Tests of promql/printer: canonical text for each node kind, Go-style float
// and string formatting, and print/parse round trips of tricky trees.
#include "promql/printer.h"

#include <cmath>

#include <gtest/gtest.h>

#include "promql/parser/parser.h"

namespace cairn::promql {
namespace {

std::string Canon(std::string_view q) {
  auto r = parser::ParseExpr(q);
  EXPECT_TRUE(r.ok()) << q << ": " << r.status().message();
  return r.ok() ? Format(**r) : "";
}

TEST(PrinterFloat, MatchesGoPercentV) {
  EXPECT_EQ(FormatFloat(1), "1");
  EXPECT_EQ(FormatFloat(-2.5), "-2.5");
  EXPECT_EQ(FormatFloat(123456), "123456");
  EXPECT_EQ(FormatFloat(1e6), "1e+06");
  EXPECT_EQ(FormatFloat(1234567), "1.234567e+06");
  EXPECT_EQ(FormatFloat(0.0001), "0.0001");
  EXPECT_EQ(FormatFloat(0.00001), "1e-05");
  EXPECT_EQ(FormatFloat(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(FormatFloat(INFINITY), "+Inf");
  EXPECT_EQ(FormatFloat(-INFINITY), "-Inf");
  EXPECT_EQ(FormatFloat(NAN), "NaN");
}

TEST(PrinterExpr, CanonicalSpacingAndOrder) {
  EXPECT_EQ(Canon("a+b*c"), "a + b * c");
  EXPECT_EQ(Canon("sum(x)by(a,b)"), "sum by (a, b) (x)");
  EXPECT_EQ(Canon("sum without(a)(x)"), "sum without (a) (x)");
  EXPECT_EQ(Canon("topk(3,x)"), "topk(3, x)");
  EXPECT_EQ(Canon("x{b='1',a=\"2\"}"), "x{a=\"2\",b=\"1\"}");
  EXPECT_EQ(Canon("a>bool b"), "a > bool b");
  EXPECT_EQ(Canon("a*on(x)group_right(y)b"), "a * on (x) group_right (y) b");
  EXPECT_EQ(Canon("a*ignoring(x)b"), "a * ignoring (x) b");
  EXPECT_EQ(Canon("a and on() b"), "a and on () b");
  EXPECT_EQ(Canon("a + fill_right(1) b"), "a + fill_right(1) b");
  EXPECT_EQ(Canon("-(a)"), "-(a)");
  EXPECT_EQ(Canon("+a"), "+a");
  EXPECT_EQ(Canon("label_replace(x,'a',\"b\",`c`,\"d\")"),
            "label_replace(x, \"a\", \"b\", \"c\", \"d\")");
  EXPECT_EQ(Canon("\"tab\\there\""), "\"tab\\there\"");
  EXPECT_EQ(Canon("\"\\u00e9\""), "\"\xC3\xA9\"");
}

TEST(PrinterExpr, SelectorsRangesSubqueriesModifiers) {
  EXPECT_EQ(Canon("x[300]"), "x[5m]");
  EXPECT_EQ(Canon("x[90m]"), "x[1h30m]");
  EXPECT_EQ(Canon("x offset 5m @ 10"), "x @ 10.000 offset 5m");
  EXPECT_EQ(Canon("x offset 0"), "x");
  EXPECT_EQ(Canon("x @ -0.001"), "x @ -0.001");
  EXPECT_EQ(Canon("rate(x[5m:])"), "rate(x[5m:])");
  EXPECT_EQ(Canon("x[1h:5m] offset -1m @ start()"), "x[1h:5m] @ start() offset -1m");
  EXPECT_EQ(Canon("x[step()*2]"), "x[step() * 2]");
  EXPECT_EQ(Canon("x offset -min_of(step(),1s)"), "x offset -min_of(step(), 1s)");
  EXPECT_EQ(Canon("x offset (1m+1m)"), "x offset (1m + 1m)");
  EXPECT_EQ(Canon("x[1m] smoothed"), "x[1m] smoothed");
  EXPECT_EQ(Canon("{\"a.b\"}"), "{__name__=\"a.b\"}");
}

std::string PrettyOf(std::string_view q) {
  auto r = parser::ParseExpr(q);
  EXPECT_TRUE(r.ok()) << q << ": " << r.status().message();
  return r.ok() ? Pretty(**r) : "";
}

// Expected texts are what Prometheus' /api/v1/format_query returns.
TEST(PrinterPretty, SplitsLinesLongerThan100Bytes) {
  EXPECT_EQ(PrettyOf("sum(x) by (a)"), "sum by (a) (x)");
  EXPECT_EQ(PrettyOf("http_requests_total{job=\"api-server\", group=\"canary\"} + "
                     "rate(http_requests_total{job=\"api-server\"}[10m]) * 5 * 60"),
            "  http_requests_total{group=\"canary\",job=\"api-server\"}\n+\n"
            "  rate(http_requests_total{job=\"api-server\"}[10m]) * 5 * 60");
  EXPECT_EQ(PrettyOf("label_replace(sum by (__name__) (rate(metric_total{env=\"2\"}[5m])), "
                     "\"__name__\", \"$1\", \"__name__\", \"(.+)\")"),
            "label_replace(\n  sum by (__name__) (rate(metric_total{env=\"2\"}[5m])),\n  \"__name__\",\n"
            "  \"$1\",\n  \"__name__\",\n  \"(.+)\"\n)");
  EXPECT_EQ(PrettyOf("sum(sum without (instance)(node_cpu) / ignoring (mode) group_left "
                     "sum without (instance, mode)(node_cpu))"),
            "sum(\n    sum without (instance) (node_cpu)\n  / ignoring (mode) group_left ()\n"
            "    sum without (instance, mode) (node_cpu)\n)");
  EXPECT_EQ(PrettyOf("sum_over_time(sum_over_time(sum_over_time(metric{job=\"1\"}[10s])[100s:25s] @ 50)"
                     "[3s:1s] @ 200)"),
            "sum_over_time(\nsum_over_time(sum_over_time(metric{job=\"1\"}[10s])[1m40s:25s] @ 50.000)"
            "[3s:1s] @ 200.000\n)");
}

TEST(PrinterExpr, RoundTripsTrickyTrees) {
  const char* queries[] = {
      "-1 ^ 2", "(-1) ^ 2", "2 ^ 3 ^ 2", "(2 ^ 3) ^ 2", "a - (b - c)", "x offset -2 ^ 2",
      "x offset (-2 ^ 2)", "x offset (1m) + 1m", "1e-7 * x", "a / on(x) group_left b",
      "a * ignoring() group_left(z) b", "sum by (\"a.b\", c) (x)", "x{\"a b\"=\"\\\"q\\\"\"}",
      "limitk by (g) (2, x)", "count_values without () (\"v\", x)", "a + fill(NaN) b",
      "a + fill_left(-Inf) b", "0x10 + 1h", "v - - Inf ^ 2", "Inf ^ 2", "foo:bar{a!~\"b\"}[5m] @ end() offset 1h anchored",
  };
  for (const char* q : queries) {
    auto a = parser::ParseExpr(q);
    ASSERT_TRUE(a.ok()) << q << ": " << a.status().message();
    std::string s = Format(**a);
    auto b = parser::ParseExpr(s);
    ASSERT_TRUE(b.ok()) << q << " -> " << s << ": " << b.status().message();
    EXPECT_TRUE(ExprEqual(**a, **b)) << q << " -> " << s;
  }
}

}  // namespace
}  // namespace cairn::promql
