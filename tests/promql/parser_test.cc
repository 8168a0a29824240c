// Tests of promql/parser: one group per syntax family, one per error class,
// the side entry points (ParseMetric, ParseMetricSelector, ParseDurationMs,
// EvalDuration), and a corpus test that parses every `eval` expression of the
// upstream test scripts in shared/promql-testdata.
#include "promql/parser/parser.h"

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "promql/functions_table.h"
#include "promql/parser/duration.h"
#include "promql/printer.h"

namespace cairn::promql {
namespace {

using parser::ParseExpr;

ExprPtr MustParse(std::string_view q) {
  auto r = ParseExpr(q);
  EXPECT_TRUE(r.ok()) << q << ": " << r.status().message();
  if (!r.ok()) return MakeExpr(NumberLiteral{});
  return std::move(r).value();
}

std::string ParseErr(std::string_view q) {
  auto r = ParseExpr(q);
  EXPECT_FALSE(r.ok()) << q << " parsed as " << (r.ok() ? Format(**r) : "");
  return r.ok() ? "" : r.status().message();
}

double NumberOf(std::string_view q) {
  ExprPtr e = MustParse(q);
  const auto* n = e->As<NumberLiteral>();
  EXPECT_NE(n, nullptr) << q;
  return n ? n->value : 0;
}

TEST(ParserNumbers, DecimalHexOctalExponentInfNaN) {
  EXPECT_EQ(NumberOf("1"), 1);
  EXPECT_EQ(NumberOf("1.5"), 1.5);
  EXPECT_EQ(NumberOf(".5"), 0.5);
  EXPECT_EQ(NumberOf("1e3"), 1000);
  EXPECT_EQ(NumberOf("2E-2"), 0.02);
  EXPECT_EQ(NumberOf("0x1f"), 31);
  EXPECT_EQ(NumberOf("0755"), 493);  // Go's ParseInt base 0: leading 0 is octal
  EXPECT_EQ(NumberOf("08"), 8);      // not octal: falls back to a float
  EXPECT_TRUE(std::isinf(NumberOf("Inf")));
  EXPECT_TRUE(std::isinf(NumberOf("+inf")));
  EXPECT_LT(NumberOf("-Inf"), 0);
  EXPECT_TRUE(std::isnan(NumberOf("NaN")));
  EXPECT_TRUE(std::isnan(NumberOf("nan")));
  EXPECT_EQ(NumberOf("-5"), -5);
  EXPECT_EQ(NumberOf("- - 5"), 5);
}

TEST(ParserNumbers, DurationsAreSecondsAndPrintAsDurations) {
  ExprPtr e = MustParse("1h30m");
  const auto* n = e->As<NumberLiteral>();
  ASSERT_NE(n, nullptr);
  EXPECT_EQ(n->value, 5400);
  EXPECT_TRUE(n->is_duration);
  EXPECT_EQ(Format(*e), "1h30m");
  EXPECT_EQ(NumberOf("10s53ms"), 10.053);
  EXPECT_EQ(TypeOf(*MustParse("1m + 1")), ValueType::kScalar);
}

std::string StringOf(std::string_view q) {
  ExprPtr e = MustParse(q);
  const auto* s = e->As<StringLiteral>();
  EXPECT_NE(s, nullptr) << q;
  return s ? s->value : "";
}

TEST(ParserStrings, QuotesAndEscapes) {
  EXPECT_EQ(StringOf(R"("a\"b")"), "a\"b");
  EXPECT_EQ(StringOf(R"('a\'b')"), "a'b");
  EXPECT_EQ(StringOf(R"('it"s')"), "it\"s");
  EXPECT_EQ(StringOf("`raw\\n\"`"), "raw\\n\"");
  EXPECT_EQ(StringOf(R"("\a\b\f\n\r\t\v\\")"), "\a\b\f\n\r\t\v\\");
  EXPECT_EQ(StringOf(R"("\x41\101\u00e9\U0001F600")"), "AA\xC3\xA9\xF0\x9F\x98\x80");
  EXPECT_EQ(StringOf("\"h\xC3\xA9llo\""), "h\xC3\xA9llo");
}

TEST(ParserStrings, EscapeErrors) {
  EXPECT_EQ(ParseErr(R"("\q")"), "1:1: parse error: unknown escape sequence U+0071 'q'");
  EXPECT_EQ(ParseErr(R"("\'")"), "1:1: parse error: unknown escape sequence U+0027 '''");
  EXPECT_EQ(ParseErr(R"("\xZZ")"), "1:1: parse error: illegal character U+005A 'Z' in escape sequence");
  EXPECT_EQ(ParseErr(R"("\400")"), "1:1: parse error: escape sequence is an invalid Unicode code point");
  EXPECT_EQ(ParseErr(R"("\UFFFFFFFF")"), "1:1: parse error: escape sequence is an invalid Unicode code point");
  EXPECT_EQ(ParseErr("\"abc"), "1:1: parse error: unterminated quoted string");
  EXPECT_EQ(ParseErr("\"a\nb\""), "1:1: parse error: unterminated quoted string");
  EXPECT_EQ(ParseErr("`abc"), "1:1: parse error: unterminated raw string");
  EXPECT_EQ(ParseErr("\"\xff\""), "1:1: parse error: invalid UTF-8 rune");
}

const VectorSelector& SelectorOf(const Expr& e) {
  if (const auto* m = e.As<MatrixSelector>()) return m->selector;
  const auto* vs = e.As<VectorSelector>();
  EXPECT_NE(vs, nullptr);
  static const VectorSelector empty;
  return vs ? *vs : empty;
}

TEST(ParserSelectors, NameAndMatchers) {
  ExprPtr e = MustParse(R"(http_requests{job="api", code=~"5..", path!="/", method!~"GET|PUT",})");
  const VectorSelector& vs = SelectorOf(*e);
  EXPECT_EQ(vs.name, "http_requests");
  ASSERT_EQ(vs.matchers.size(), 5u);
  EXPECT_EQ(vs.matchers[1].type(), storage::MatchType::kRegexMatch);
  EXPECT_EQ(vs.matchers[3].type(), storage::MatchType::kRegexNoMatch);
  EXPECT_EQ(vs.matchers.back().name(), "__name__");
  EXPECT_EQ(vs.matchers.back().value(), "http_requests");
  EXPECT_EQ(Format(*e), R"(http_requests{code=~"5..",job="api",method!~"GET|PUT",path!="/"})");
}

TEST(ParserSelectors, KeywordsAsNamesAndLabels) {
  EXPECT_EQ(SelectorOf(*MustParse("sum")).name, "sum");
  EXPECT_EQ(SelectorOf(*MustParse("offset")).name, "offset");
  EXPECT_EQ(SelectorOf(*MustParse(R"(by{on="x"})")).matchers[0].name(), "on");
  EXPECT_EQ(SelectorOf(*MustParse("foo:bar:baz")).name, "foo:bar:baz");
  EXPECT_EQ(Format(*MustParse("a * sum")), "a * sum");
}

TEST(ParserSelectors, Utf8QuotedNames) {
  ExprPtr e = MustParse(R"({"my.metric", "a.b"="x"})");
  const VectorSelector& vs = SelectorOf(*e);
  EXPECT_TRUE(vs.name.empty());
  ASSERT_EQ(vs.matchers.size(), 2u);
  EXPECT_EQ(vs.matchers[0].name(), "__name__");
  EXPECT_EQ(vs.matchers[0].value(), "my.metric");
  EXPECT_EQ(vs.matchers[1].name(), "a.b");
  EXPECT_EQ(Format(*e), R"({"a.b"="x",__name__="my.metric"})");
  EXPECT_EQ(Format(*MustParse(R"(sum by ("a.b") (x))")), R"(sum by ("a.b") (x))");
}

TEST(ParserSelectors, OffsetAtAndModifiers) {
  ExprPtr e = MustParse("foo[5m] offset -1h @ 100.5 anchored");
  const VectorSelector& vs = SelectorOf(*e);
  EXPECT_TRUE(vs.has_offset);
  EXPECT_EQ(vs.offset.ms, -3600000);
  EXPECT_EQ(vs.at.kind, AtKind::kTimestamp);
  EXPECT_EQ(vs.at.t_ms, 100500);
  EXPECT_TRUE(vs.anchored);
  EXPECT_EQ(e->As<MatrixSelector>()->range.ms, 300000);
  EXPECT_EQ(Format(*e), "foo[5m] @ 100.500 offset -1h anchored");
  EXPECT_EQ(SelectorOf(*MustParse("foo @ start()")).at.kind, AtKind::kStart);
  EXPECT_EQ(SelectorOf(*MustParse("foo @ end()")).at.kind, AtKind::kEnd);
  EXPECT_EQ(SelectorOf(*MustParse("foo offset -50")).offset.ms, -50000);
  EXPECT_TRUE(SelectorOf(*MustParse("h smoothed")).smoothed);
  EXPECT_EQ(SelectorOf(*MustParse("foo @ -1.5")).at.t_ms, -1500);
}

TEST(ParserSubqueries, RangeStepOffsetAt) {
  ExprPtr e = MustParse("rate(foo[1m])[10m:30s] offset 5m @ end()");
  const auto* sq = e->As<SubqueryExpr>();
  ASSERT_NE(sq, nullptr);
  EXPECT_EQ(sq->range.ms, 600000);
  EXPECT_TRUE(sq->has_step);
  EXPECT_EQ(sq->step.ms, 30000);
  EXPECT_EQ(sq->offset.ms, 300000);
  EXPECT_EQ(sq->at.kind, AtKind::kEnd);
  EXPECT_EQ(TypeOf(*e), ValueType::kMatrix);
  ExprPtr nostep_expr = MustParse("foo[10m:]");
  const auto* nostep = nostep_expr->As<SubqueryExpr>();
  ASSERT_NE(nostep, nullptr);
  EXPECT_FALSE(nostep->has_step);
  EXPECT_EQ(Format(*MustParse("(a + b)[5m:1m]")), "(a + b)[5m:1m]");
}

const BinaryExpr& BinOf(const Expr& e) {
  const auto* b = e.As<BinaryExpr>();
  EXPECT_NE(b, nullptr);
  static const BinaryExpr empty;
  return b ? *b : empty;
}

TEST(ParserOperators, PrecedenceAndAssociativity) {
  EXPECT_EQ(BinOf(*MustParse("a + b * c")).op, BinaryOp::kAdd);
  EXPECT_EQ(BinOf(*MustParse("a * b + c")).op, BinaryOp::kAdd);
  EXPECT_EQ(BinOf(*MustParse("a - b - c")).lhs->As<BinaryExpr>()->op, BinaryOp::kSub);  // left-assoc
  ExprPtr pow = MustParse("2 ^ 3 ^ 2");  // right-assoc
  EXPECT_NE(BinOf(*pow).rhs->As<BinaryExpr>(), nullptr);
  EXPECT_EQ(BinOf(*MustParse("a or b and c")).op, BinaryOp::kOr);
  EXPECT_EQ(BinOf(*MustParse("a and b unless c")).op, BinaryOp::kUnless);
  EXPECT_EQ(BinOf(*MustParse("a > b + c")).op, BinaryOp::kGtr);
  EXPECT_EQ(BinOf(*MustParse("a + b atan2 c")).op, BinaryOp::kAdd);
  EXPECT_EQ(BinOf(*MustParse("h </ 5")).op, BinaryOp::kTrimUpper);
  EXPECT_EQ(BinOf(*MustParse("h >/ 5")).op, BinaryOp::kTrimLower);
}

TEST(ParserOperators, UnaryMinusBindsLooserThanPow) {
  ExprPtr e = MustParse("-a ^ 2");
  const auto* u = e->As<UnaryExpr>();
  ASSERT_NE(u, nullptr);
  EXPECT_NE(u->expr->As<BinaryExpr>(), nullptr);
  EXPECT_EQ(BinOf(*MustParse("-a * 2")).lhs->As<UnaryExpr>()->op, UnaryOp::kSub);
  ExprPtr lit = MustParse("-1 ^ 2");  // -(1 ^ 2)
  EXPECT_NE(lit->As<UnaryExpr>(), nullptr);
  EXPECT_EQ(Format(*MustParse("2 ^ -1")), "2 ^ -1");
}

TEST(ParserOperators, ModifiersAndMatching) {
  ExprPtr e = MustParse("a == bool b");
  EXPECT_TRUE(BinOf(*e).return_bool);
  ExprPtr g = MustParse("a / on(x, y) group_left(z) b");
  const auto& vm = *BinOf(*g).matching;
  EXPECT_TRUE(vm.on);
  EXPECT_EQ(vm.card, Cardinality::kManyToOne);
  EXPECT_EQ(vm.matching_labels, (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(vm.include_labels, (std::vector<std::string>{"z"}));
  EXPECT_EQ(Format(*g), "a / on (x, y) group_left (z) b");
  EXPECT_EQ(BinOf(*MustParse("a * ignoring(x) group_right b")).matching->card, Cardinality::kOneToMany);
  EXPECT_EQ(BinOf(*MustParse("a and b")).matching->card, Cardinality::kManyToMany);
  EXPECT_FALSE(BinOf(*MustParse("a + 1")).matching.has_value());
  ExprPtr f = MustParse("a + on(x) group_left fill_left(5) fill_right(-Inf) b");
  EXPECT_EQ(*BinOf(*f).matching->fill_left, 5);
  EXPECT_TRUE(std::isinf(*BinOf(*f).matching->fill_right));
  ExprPtr both = MustParse("a > bool fill(0) b");
  EXPECT_EQ(*BinOf(*both).matching->fill_left, 0);
  EXPECT_EQ(*BinOf(*both).matching->fill_right, 0);
  EXPECT_EQ(Format(*both), "a > bool fill(0) b");
}

TEST(ParserAggregations, ByWithoutBeforeAfterAndParams) {
  ExprPtr a = MustParse("sum by (job, instance) (x)");
  const auto* agg = a->As<AggregateExpr>();
  ASSERT_NE(agg, nullptr);
  EXPECT_EQ(agg->grouping, (std::vector<std::string>{"job", "instance"}));
  EXPECT_FALSE(agg->without);
  ExprPtr b = MustParse("sum(x) without (job,)");
  EXPECT_TRUE(b->As<AggregateExpr>()->without);
  EXPECT_EQ(Format(*b), "sum without (job) (x)");
  ExprPtr t = MustParse("topk by (g) (3, x)");
  EXPECT_EQ(t->As<AggregateExpr>()->param->As<NumberLiteral>()->value, 3);
  EXPECT_EQ(Format(*t), "topk by (g) (3, x)");
  EXPECT_EQ(MustParse("count_values(\"v\", x)")->As<AggregateExpr>()->op, AggregateOp::kCountValues);
  EXPECT_EQ(MustParse("limit_ratio(0.5, x)")->As<AggregateExpr>()->op, AggregateOp::kLimitRatio);
  EXPECT_EQ(MustParse("SUM BY (a) (x)")->As<AggregateExpr>()->grouping.size(), 1u);
  EXPECT_EQ(Format(*MustParse("sum by () (x)")), "sum(x)");
}

TEST(ParserCalls, FunctionTableAndTypes) {
  ExprPtr c = MustParse("histogram_quantile(0.9, rate(x[5m]))");
  const auto* call = c->As<Call>();
  ASSERT_NE(call, nullptr);
  ASSERT_NE(call->func, nullptr);
  EXPECT_EQ(call->func, LookupFunction("histogram_quantile"));
  EXPECT_EQ(call->return_type, ValueType::kVector);
  EXPECT_EQ(TypeOf(*MustParse("time()")), ValueType::kScalar);
  EXPECT_EQ(TypeOf(*MustParse("scalar(x)")), ValueType::kScalar);
  MustParse("round(x)");
  MustParse("round(x, 5)");
  MustParse("label_join(x, \"d\", \",\", \"a\", \"b\", \"c\")");
  MustParse("hour()");
  MustParse("info(x, {data=~\".*\"})");
  EXPECT_EQ(MustParse("STEP()")->As<Call>()->name, "step");
  EXPECT_EQ(TypeOf(*MustParse("end() - start()")), ValueType::kScalar);
}

Duration RangeOf(std::string_view q) {
  ExprPtr e = MustParse(q);
  if (auto* m = e->As<MatrixSelector>()) return std::move(m->range);
  if (auto* c = e->As<Call>()) {
    if (auto* m = c->args[0]->As<MatrixSelector>()) return std::move(m->range);
  }
  ADD_FAILURE() << q;
  return {};
}

int64_t Eval(const Duration& d, int64_t step_ms = 0, int64_t range_ms = 0) {
  auto r = parser::EvalDuration(d, {step_ms, range_ms});
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? *r : -1;
}

TEST(ParserDurations, ExpressionsInRangesOffsetsAndSteps) {
  EXPECT_EQ(RangeOf("x[1800]").ms, 1800000);
  EXPECT_EQ(Eval(RangeOf("x[2m*(10+5)]")), 1800000);
  EXPECT_EQ(Eval(RangeOf("x[1h30m % 1h]")), 1800000);
  EXPECT_EQ(Eval(RangeOf("x[-5m+35m]")), 1800000);
  EXPECT_EQ(Eval(RangeOf("x[step()+1ms]"), 10000), 10001);
  EXPECT_EQ(Eval(RangeOf("x[1+(STep()-5)*2]"), 10000), 11000);
  EXPECT_EQ(Eval(RangeOf("x[max_of(min_of(step()+1,1h),1ms)]"), 5000), 6000);
  EXPECT_EQ(Eval(RangeOf("x[range()]"), 0, 60000), 60000);
  EXPECT_EQ(Format(*MustParse("x[2m*(10+5)]")), "x[2m * (10 + 5)]");
  ExprPtr sq = MustParse("x[29s+1s:20*500ms]");
  EXPECT_EQ(Eval(sq->As<SubqueryExpr>()->step), 10000);
}

TEST(ParserDurations, OffsetTakesOneAtom) {
  // `x offset 100 + 2` is `(x offset 100) + 2`, as in Prometheus' grammar.
  ExprPtr e = MustParse("x offset 100 + 2");
  EXPECT_EQ(SelectorOf(*BinOf(*e).lhs).offset.ms, 100000);
  EXPECT_EQ(SelectorOf(*BinOf(*MustParse("x offset -2 ^ 2")).lhs).offset.ms, -2000);
  EXPECT_EQ(Eval(SelectorOf(*MustParse("x offset (-2 ^ 2)")).offset), -4000);
  EXPECT_EQ(Eval(SelectorOf(*MustParse("x offset (100 + 2)")).offset), 102000);
  EXPECT_EQ(Eval(SelectorOf(*MustParse("x offset -step()")).offset, 5000), -5000);
  ExprPtr m = MustParse("x offset -(min_of(step(), 2s)-5)+8000");
  EXPECT_EQ(Eval(SelectorOf(*BinOf(*m).lhs).offset, 5000), 3000);
  EXPECT_EQ(BinOf(*MustParse("x offset step()*0")).op, BinaryOp::kMul);
}

TEST(ParserDurations, ParseDurationMs) {
  EXPECT_EQ(*parser::ParseDurationMs("1h30m"), 5400000);
  EXPECT_EQ(*parser::ParseDurationMs("5m0s"), 300000);
  EXPECT_EQ(*parser::ParseDurationMs("10s53ms"), 10053);
  EXPECT_EQ(*parser::ParseDurationMs("0"), 0);
  EXPECT_EQ(*parser::ParseDurationMs("1y1w1d"), (365 + 7 + 1) * 86400000LL);
  EXPECT_FALSE(parser::ParseDurationMs("").ok());
  EXPECT_FALSE(parser::ParseDurationMs("1.5m").ok());
  EXPECT_FALSE(parser::ParseDurationMs("-1m").ok());
  EXPECT_FALSE(parser::ParseDurationMs("5").ok());
  EXPECT_EQ(parser::ParseDurationMs("1s1m").status().message(), "not a valid duration string: \"1s1m\"");
  EXPECT_EQ(parser::ParseDurationMs("1x").status().message(), "unknown unit \"x\" in duration \"1x\"");
  EXPECT_EQ(parser::FormatDurationMs(5400000), "1h30m");
  EXPECT_EQ(parser::FormatDurationMs(-300000), "-5m");
  EXPECT_EQ(parser::FormatDurationMs(0), "0s");
  EXPECT_EQ(parser::FormatDurationMs(8 * 86400000LL), "8d");
  EXPECT_EQ(parser::FormatDurationMs(14 * 86400000LL), "2w");
}

TEST(ParserDurations, EvalErrors) {
  EXPECT_EQ(parser::EvalDuration(RangeOf("x[1h/step()]"), {0, 0}).status().message(), "division by zero");
  EXPECT_EQ(ParseErr("x[1h/0]"), "1:5: parse error: division by zero");
  EXPECT_EQ(ParseErr("x[1h%0]"), "1:5: parse error: modulo by zero");
  EXPECT_EQ(ParseErr("x[0]"), "1:3: parse error: duration must be greater than 0");
  EXPECT_EQ(ParseErr("x[-1m]"), "1:3: parse error: duration must be greater than 0");
}

TEST(ParserMetric, SeriesDescriptors) {
  auto l = parser::ParseMetric(R"(http_requests{job="api", instance="0"})");
  ASSERT_TRUE(l.ok()) << l.status().message();
  EXPECT_EQ(l->ToString(), R"(http_requests{instance="0", job="api"})");
  auto u = parser::ParseMetric(R"({"my.metric", "a.b"="c"})");
  ASSERT_TRUE(u.ok()) << u.status().message();
  EXPECT_EQ(u->MetricName(), "my.metric");
  EXPECT_EQ(u->Get("a.b"), "c");
  EXPECT_EQ(parser::ParseMetric("x{}")->size(), 1u);
  EXPECT_EQ(parser::ParseMetric("{__name__=\"y\"}")->MetricName(), "y");
  EXPECT_FALSE(parser::ParseMetric("x{a=b}").ok());
  EXPECT_FALSE(parser::ParseMetric("x{a=\"b\"} 1 2").ok());
}

TEST(ParserMetric, MetricSelectors) {
  auto m = parser::ParseMetricSelector(R"(up{job=~"a.*"})");
  ASSERT_TRUE(m.ok()) << m.status().message();
  ASSERT_EQ(m->size(), 2u);
  EXPECT_EQ((*m)[1].name(), "__name__");
  EXPECT_TRUE(parser::ParseMetricSelector("{}").ok());
  EXPECT_FALSE(parser::ParseMetricSelector("up + 1").ok());
  EXPECT_FALSE(parser::ParseMetricSelector(R"({a=~"("})").ok());
}

struct ErrorCase {
  const char* query;
  const char* message;
};

TEST(ParserErrors, SyntaxErrorsReadLikePrometheus) {
  const ErrorCase cases[] = {
      {"", "1:1: parse error: no expression found in input"},
      {"1+", "1:3: parse error: unexpected end of input"},
      {"*test", "1:1: parse error: unexpected <op:*>"},
      {"-=", "1:2: parse error: unexpected \"=\""},
      {"()", "1:2: parse error: unexpected \")\""},
      {"(1", "1:3: parse error: unclosed left parenthesis"},
      {"1)", "1:3: parse error: unexpected right parenthesis ')'"},
      {"}", "1:1: parse error: unexpected character: '}'"},
      {"foo offset -", "1:13: parse error: unexpected end of input in offset, expected number, duration, step(), "
                       "or range()"},
      {"{", "1:2: parse error: unexpected end of input inside braces"},
      {"1 !~ 1", "1:3: parse error: unexpected character after '!': '~'"},
      {"1 =~ 1", "1:3: parse error: unexpected character after '=': '~'"},
      {"foo $ 1", "1:5: parse error: unexpected character: '$'"},
      {"foo{a>=\"b\"}", "1:6: parse error: unexpected character inside braces: '>'"},
      {"foo{gibberish}", "1:14: parse error: unexpected \"}\" in label matching, expected label matching operator"},
      {"some_metric{a=b}", "1:15: parse error: unexpected identifier \"b\" in label matching, expected string"},
      {"sum without(==)(x)", "1:13: parse error: unexpected <op:==> in grouping opts, expected label"},
      {"sum (x) by test", "1:12: parse error: unexpected identifier \"test\" in grouping opts, expected \"(\""},
      {"sum without (a) (x) by (b)", "1:21: parse error: unexpected <by>"},
      {"a - on(b) ignoring(c) d", "1:11: parse error: unexpected <ignoring>"},
      {"topk(x,)", "1:7: parse error: trailing commas not allowed in function call args"},
      {"foo[5mm]", "1:5: parse error: bad number or duration syntax: \"5mm\""},
      {"foo[5m:1x]", "1:8: parse error: bad number or duration syntax: \"1\""},
      {"foo[]", "1:5: parse error: unexpected \"]\" in subquery or range selector, expected number, duration, "
                "step(), or range()"},
      {"foo[5m", "1:7: parse error: unclosed left bracket"},
      {"foo offset", "1:11: parse error: unexpected end of input in offset, expected number, duration, step(), "
                     "or range()"},
      {"foo @ bar", "1:7: parse error: unexpected identifier \"bar\" in @, expected timestamp"},
      {"foo[1s1m]", "1:5: parse error: not a valid duration string: \"1s1m\""},
      {"1e400", "1:1: parse error: error parsing number: strconv.ParseFloat: parsing \"1e400\": value out of range"},
      {"1 0x.", "1:3: parse error: unexpected number \"0x.\""},
      {"0n", "1:1: parse error: bad number or duration syntax: \"0\""},
      {"{#", "1:3: parse error: unexpected end of input inside braces"},
      {"t@ end", "1:7: parse error: unexpected end of input in @, expected timestamp"},
      {"!", "1:1: parse error: unexpected character after '!': '\xEF\xBF\xBD'"},
      {"sum(rate(x[5m] y))", "1:16: parse error: unexpected identifier \"y\" in aggregation"},
      {"-I Inf", "1:4: parse error: unexpected number \"Inf\""},
  };
  for (const auto& c : cases) EXPECT_EQ(ParseErr(c.query), c.message) << c.query;
}

TEST(ParserErrors, TypeErrorsReadLikePrometheus) {
  const ErrorCase cases[] = {
      {"1 == 1", "1:3: parse error: comparisons between scalars must use BOOL modifier"},
      {"1 or 1", "1:1: parse error: set operator \"or\" not allowed in binary scalar expression"},
      {"foo and 1", "1:1: parse error: set operator \"and\" not allowed in binary scalar expression"},
      {"foo + bool bar", "1:5: parse error: bool modifier can only be used on comparison operators"},
      {"foo == on(bar) 10", "1:1: parse error: vector matching only allowed between instant vectors"},
      {"foo and on(a) group_left(b) bar", "1:1: parse error: no grouping allowed for \"and\" operation"},
      {"a + on(i) group_left(i) b", "1:3: parse error: label \"i\" must not occur in ON and GROUP clause at once"},
      {"foo[5m] + 1", "1:1: parse error: binary expression must contain only scalar and instant vector types"},
      {"-\"s\"", "1:1: parse error: unary expression only allowed on expressions of type scalar or instant "
                 "vector, got \"string\""},
      {"{}", "1:1: parse error: vector selector must contain at least one non-empty matcher"},
      {"{a=~\".*\"}", "1:1: parse error: vector selector must contain at least one non-empty matcher"},
      {"foo{__name__=\"bar\"}", "1:1: parse error: metric name must not be set twice: \"foo\" or \"bar\""},
      {"1 offset 1d", "1:1: parse error: offset modifier must be preceded by an instant vector selector or "
                      "range vector selector or a subquery"},
      {"foo offset 1s offset 2s", "1:1: parse error: offset may not be set multiple times"},
      {"sum(foo) @ 1", "1:1: parse error: @ modifier must be preceded by an instant vector selector or range "
                       "vector selector or a subquery"},
      {"foo @ 1 @ 2", "1:1: parse error: @ <timestamp> may not be set multiple times"},
      {"foo @ +Inf", "1:1: parse error: timestamp out of bounds for @ modifier: +Inf"},
      {"(foo + bar)[5m]", "1:12: parse error: ranges only allowed for vector selectors"},
      {"foo offset 1m[5m]", "1:14: parse error: no offset modifiers allowed before range"},
      {"foo @ 1 [5m]", "1:9: parse error: no @ modifiers allowed before range"},
      {"1[5m:]", "1:1: parse error: subquery is only allowed on instant vector, got scalar instead"},
      {"topk(x)", "1:1: parse error: wrong number of arguments for aggregate expression provided, expected 2, "
                  "got 1"},
      {"sum()", "1:1: parse error: no arguments for aggregate expression provided"},
      {"topk(x, y)", "1:6: parse error: expected type scalar in aggregation parameter, got instant vector"},
      {"count_values(5, x)", "1:14: parse error: expected type string in aggregation parameter, got scalar"},
      {"sum(x[5m])", "1:5: parse error: expected type instant vector in aggregation expression, got range vector"},
      {"floor()", "1:1: parse error: expected 1 argument(s) in call to \"floor\", got 0"},
      {"hour(a, a, a)", "1:1: parse error: expected at most 1 argument(s) in call to \"hour\", got 3"},
      {"label_join(x)", "1:1: parse error: expected at least 3 argument(s) in call to \"label_join\", got 1"},
      {"rate(x)", "1:6: parse error: expected type range vector in call to function \"rate\", got instant vector"},
      {"nope(1)", "1:1: parse error: unknown function with name \"nope\""},
      {"sum(x) anchored", "1:1: parse error: anchored modifier must be preceded by an instant vector selector or "
                          "range vector selector"},
  };
  for (const auto& c : cases) EXPECT_EQ(ParseErr(c.query), c.message) << c.query;
  // The regex message itself comes from storage::Matcher (RE2).
  EXPECT_EQ(ParseErr("foo{a=~\"(\"}").rfind("1:5: parse error: error parsing regexp: ", 0), 0u);
}

TEST(ParserErrors, HugeInputsFailCleanlyInsteadOfOverflowingTheStack) {
  EXPECT_NE(ParseErr(std::string(100000, '(') + "1" + std::string(100000, ')')).find("nested too deeply"),
            std::string::npos);
  EXPECT_NE(ParseErr(std::string(100000, '-') + "1").find("nested too deeply"), std::string::npos);
  std::string chain = "x";
  for (int i = 0; i < 100000; ++i) chain += " + x";
  EXPECT_NE(ParseErr(chain).find("nested too deeply"), std::string::npos);
  std::string pow = "2";
  for (int i = 0; i < 5000; ++i) pow += "^2";
  EXPECT_NE(ParseErr(pow).find("nested too deeply"), std::string::npos);
  std::string ok = "x";
  for (int i = 0; i < 900; ++i) ok += " or x";
  ExprPtr long_chain = MustParse(ok);
  EXPECT_EQ(Format(*MustParse(Format(*long_chain))), Format(*long_chain));
  std::string nested = std::string(200, '(') + "x" + std::string(200, ')');
  EXPECT_TRUE(ExprEqual(*MustParse(nested), *MustParse(Pretty(*MustParse(nested)))));
}

TEST(ParserErrors, MultiLinePositions) {
  EXPECT_EQ(ParseErr("sum(\n  rate(x)\n)"),
            "2:8: parse error: expected type range vector in call to function \"rate\", got instant vector");
  EXPECT_EQ(Format(*MustParse("# leading comment\nfoo # trailing\n+ 1")), "foo + 1");
}

// --- the upstream test scripts ----------------------------------------------

#ifndef CAIRN_PROMQL_TESTDATA_DIR
#define CAIRN_PROMQL_TESTDATA_DIR "../shared/promql-testdata"
#endif

// The expression of an `eval` line: everything after the time specification.
bool EvalExpression(const std::string& line, std::string& expr) {
  std::vector<std::string> words;
  size_t i = 0;
  auto next_word = [&]() {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    size_t s = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    return line.substr(s, i - s);
  };
  std::string cmd = next_word();
  if (cmd.rfind("eval", 0) != 0) return false;
  std::string kind = next_word();
  int skip = kind == "instant" ? 2 : (kind == "range" ? 6 : -1);
  if (skip < 0) return false;
  for (int k = 0; k < skip; ++k) next_word();
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  expr = line.substr(i);
  while (!expr.empty() && (expr.back() == ' ' || expr.back() == '\t' || expr.back() == '\r')) expr.pop_back();
  return !expr.empty();
}

// The upstream scripts: PROMQL_TESTDATA when set (then it must exist), else
// the configured default when it exists; a bare clone has neither and skips.
std::optional<std::filesystem::path> UpstreamScripts() {
  if (const char* env = std::getenv("PROMQL_TESTDATA"); env != nullptr && *env != '\0') return env;
  if (std::filesystem::is_directory(CAIRN_PROMQL_TESTDATA_DIR)) return CAIRN_PROMQL_TESTDATA_DIR;
  return std::nullopt;
}

TEST(ParserCorpus, EveryEvalExpressionParsesAndRoundTrips) {
  const auto upstream = UpstreamScripts();
  if (!upstream) GTEST_SKIP() << "upstream PromQL suite not found; set PROMQL_TESTDATA";
  const std::filesystem::path dir = *upstream;
  ASSERT_TRUE(std::filesystem::is_directory(dir)) << dir;
  int parsed = 0, files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".test") continue;
    ++files;
    std::ifstream in(entry.path());
    std::string line;
    int lineno = 0;
    while (std::getline(in, line)) {
      ++lineno;
      std::string expr;
      if (!EvalExpression(line, expr)) continue;
      auto r = ParseExpr(expr);
      ASSERT_TRUE(r.ok()) << entry.path().filename() << ":" << lineno << ": " << expr << "\n"
                          << r.status().message();
      ++parsed;
      std::string printed = Format(**r);
      auto again = ParseExpr(printed);
      ASSERT_TRUE(again.ok()) << expr << " -> " << printed << ": " << again.status().message();
      EXPECT_TRUE(ExprEqual(**r, **again)) << expr << " -> " << printed;
      EXPECT_EQ(Format(**again), printed) << expr;
      auto pretty = ParseExpr(Pretty(**r));
      ASSERT_TRUE(pretty.ok()) << expr << " -> " << Pretty(**r) << ": " << pretty.status().message();
      EXPECT_TRUE(ExprEqual(**r, **pretty)) << expr << " -> " << Pretty(**r);
    }
  }
  std::printf("promql parser: %d eval expressions parsed and round-tripped from %d files\n", parsed, files);
  EXPECT_GT(files, 20);
  EXPECT_GT(parsed, 2000);
}

// The series part of a `load` line, `name{...}` up to the values.
std::string SeriesPart(const std::string& line) {
  size_t i = 0;
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  size_t start = i;
  char quote = 0;
  int depth = 0;
  for (; i < line.size(); ++i) {
    char c = line[i];
    if (quote) {
      if (c == '\\') ++i;
      else if (c == quote) quote = 0;
      continue;
    }
    if (c == '"' || c == '\'' || c == '`') quote = c;
    else if (c == '{') ++depth;
    else if (c == '}') --depth;
    else if ((c == ' ' || c == '\t') && depth == 0) break;
  }
  return line.substr(start, i - start);
}

TEST(ParserCorpus, EveryLoadSeriesDescriptorParses) {
  const auto upstream = UpstreamScripts();
  if (!upstream) GTEST_SKIP() << "upstream PromQL suite not found; set PROMQL_TESTDATA";
  const std::filesystem::path dir = *upstream;
  ASSERT_TRUE(std::filesystem::is_directory(dir)) << dir;
  int parsed = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".test") continue;
    std::ifstream in(entry.path());
    std::string line;
    bool in_load = false;
    while (std::getline(in, line)) {
      std::string trimmed = SeriesPart(line);
      if (trimmed.empty() || trimmed[0] == '#') {
        in_load = false;
        continue;
      }
      if (trimmed.rfind("load", 0) == 0) {
        in_load = true;
        continue;
      }
      if (!in_load) continue;
      if (trimmed.size() > 3 && trimmed.compare(trimmed.size() - 3, 3, "@st") == 0) continue;
      auto l = parser::ParseMetric(trimmed);
      ASSERT_TRUE(l.ok()) << entry.path().filename() << ": " << trimmed << ": " << l.status().message();
      EXPECT_FALSE(l->empty()) << trimmed;
      ++parsed;
    }
  }
  std::printf("promql parser: %d load series descriptors parsed\n", parsed);
  EXPECT_GT(parsed, 500);
}

}  // namespace
}  // namespace cairn::promql
