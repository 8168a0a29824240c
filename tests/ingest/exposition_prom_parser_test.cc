// The Prometheus text format parser against Prometheus' own behaviour: the
// error table and the NUL-byte cases are the ones upstream's
// promparse_test.go checks, with the exact messages.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>

#include "ingest/exposition/parser.h"
#include "tests/ingest/exposition_test_util.h"
#include "util/go_quote.h"

namespace cairn::ingest::exposition {
namespace {

using testing::ErrorOf;
using testing::ParseAll;
using testing::Bytes;
using testing::Parsed;

constexpr Format kText = Format::kPrometheusText;

TEST(PromParserTest, EveryConstruct) {
  const std::string body =
      "# HELP go_gc_duration_seconds A summary of the GC invocation durations.\n"
      "# \tTYPE go_gc_duration_seconds summary\n"
      "go_gc_duration_seconds{quantile=\"0\"} 4.9351e-05\n"
      "go_gc_duration_seconds{quantile=\"0.25\",} 7.424100000000001e-05\n"
      "go_gc_duration_seconds{ quantile=\"0.9\", a=\"b\"} 8.3835e-05\n"
      "go_gc_duration_seconds { quantile = \"1\", a = \"b\" } 8.3835e-05\n"
      "go_gc_duration_seconds_count 99\n"
      "# Hrandom comment starting with prefix of HELP\n"
      "#\n"
      "\n"
      "some:aggregate:rate5m{a_b=\"c\"}\t1\n"
      "# comment with escaped \\n newline\n"
      "# HELP nohelp1\n"
      "# HELP nohelp2 \n"
      "# TYPE go_goroutines gauge\n"
      "go_goroutines 33  \t123123\n"
      "# TYPE some_counter_total counter\n"
      "# HELP some_counter_total Help after type \\\\ with \\n escapes \\\" kept.\n"
      "some_counter_total 12\n"
      "_metric_starting_with_underscore 1\n"
      "testmetric{_label_starting_with_underscore=\"foo\"} 1\n"
      "testmetric{label=\"\\\"bar\\\"\\n\\\\\",le=\"10\"} 1\n"
      "# TYPE untyped_thing untyped\n"
      "neg_inf -Inf 1\n"
      "pos_inf +inf\n"
      "inf_word Infinity\n";
  Parsed p = ParseAll(kText, body);
  ASSERT_TRUE(p.error.ok()) << p.error.ToString();
  const std::vector<std::string> want = {
      "help go_gc_duration_seconds A summary of the GC invocation durations.",
      "type go_gc_duration_seconds summary",
      "series go_gc_duration_seconds{quantile=\"0\"} => go_gc_duration_seconds{quantile=\"0.0\"} 4.9351e-05",
      "series go_gc_duration_seconds{quantile=\"0.25\",} => go_gc_duration_seconds{quantile=\"0.25\"} "
      "7.424100000000001e-05",
      "series go_gc_duration_seconds{ quantile=\"0.9\", a=\"b\"} => go_gc_duration_seconds{a=\"b\", "
      "quantile=\"0.9\"} 8.3835e-05",
      "series go_gc_duration_seconds { quantile = \"1\", a = \"b\" } => go_gc_duration_seconds{a=\"b\", "
      "quantile=\"1.0\"} 8.3835e-05",
      "series go_gc_duration_seconds_count => go_gc_duration_seconds_count{} 99",
      "comment # Hrandom comment starting with prefix of HELP",
      "comment #",
      "series some:aggregate:rate5m{a_b=\"c\"} => some:aggregate:rate5m{a_b=\"c\"} 1",
      "comment # comment with escaped \\n newline",
      "help nohelp1 ",
      "help nohelp2 ",
      "type go_goroutines gauge",
      "series go_goroutines => go_goroutines{} 33 @123123",
      "type some_counter_total counter",
      "help some_counter_total Help after type \\ with \n escapes \\\" kept.",
      "series some_counter_total => some_counter_total{} 12",
      "series _metric_starting_with_underscore => _metric_starting_with_underscore{} 1",
      "series testmetric{_label_starting_with_underscore=\"foo\"} => "
      "testmetric{_label_starting_with_underscore=\"foo\"} 1",
      // The last TYPE (counter) still applies: `le` is not normalised.
      "series testmetric{label=\"\\\"bar\\\"\\n\\\\\",le=\"10\"} => testmetric{label=\"\\\"bar\\\"\\n\\\\\", "
      "le=\"10\"} 1",
      "type untyped_thing unknown",
      "series neg_inf => neg_inf{} -inf @1",
      "series pos_inf => pos_inf{} inf",
      "series inf_word => inf_word{} inf",
  };
  EXPECT_EQ(p.entries, want);
}

TEST(PromParserTest, QuotedUtf8Names) {
  const std::string body =
      "# HELP \"go.gc_duration_seconds\" A summary.\n"
      "# TYPE \"go.gc_duration_seconds\" summary\n"
      "{\"go.gc_duration_seconds\",quantile=\"0\"} 4.9351e-05\n"
      "{ \"go.gc_duration_seconds\", quantile= \"1.0\", a= \"b\", } 8.3835e-05\n"
      "{\"go.gc_duration_seconds_count\"} 99\n"
      "{\"Heiz\xc3\xb6l 10\xe2\x82\xac with \\\"q\\\" {c\\nx}\",\"strange\xc2\xa9\\n'quoted' \\\"name\\\"\"=\"6\"} 10.0\n"
      "my_metric{\"label.x\"=\"v\"} 1\n";
  Parsed p = ParseAll(kText, body);
  ASSERT_TRUE(p.error.ok()) << p.error.ToString();
  const std::vector<std::string> want = {
      "help go.gc_duration_seconds A summary.",
      "type go.gc_duration_seconds summary",
      "series {\"go.gc_duration_seconds\",quantile=\"0\"} => {__name__=\"go.gc_duration_seconds\", "
      "quantile=\"0.0\"} 4.9351e-05",
      "series { \"go.gc_duration_seconds\", quantile= \"1.0\", a= \"b\", } => "
      "{__name__=\"go.gc_duration_seconds\", a=\"b\", quantile=\"1.0\"} 8.3835e-05",
      "series {\"go.gc_duration_seconds_count\"} => {__name__=\"go.gc_duration_seconds_count\"} 99",
      "series {\"Heiz\xc3\xb6l 10\xe2\x82\xac with \\\"q\\\" {c\\nx}\",\"strange\xc2\xa9\\n'quoted' "
      "\\\"name\\\"\"=\"6\"} => {__name__=\"Heiz\xc3\xb6l 10\xe2\x82\xac with \\\"q\\\" {c\\nx}\", "
      "\"strange\xc2\xa9\\n'quoted' \\\"name\\\"\"=\"6\"} 10",
      "series my_metric{\"label.x\"=\"v\"} => my_metric{\"label.x\"=\"v\"} 1",
  };
  EXPECT_EQ(p.entries, want);
}

TEST(PromParserTest, LeadingBlanksBelongToTheName) {
  // Upstream takes the metric name from the line start.
  Parsed p = ParseAll(kText, "  foo 1\n");
  ASSERT_TRUE(p.error.ok());
  ASSERT_EQ(p.entries.size(), 1u);
  EXPECT_EQ(p.entries[0], "series   foo => {__name__=\"  foo\"} 1");
}

TEST(PromParserTest, ValuesAndTimestamps) {
  auto parser = NewParser(kText, "a NaN\nb -0 0\nc 1e308 9223372036854775807\n");
  ASSERT_EQ(*parser->Next(), Entry::kSeries);
  EXPECT_EQ(std::bit_cast<uint64_t>(parser->Value()), 0x7ff8000000000001u);  // normal NaN
  EXPECT_FALSE(parser->Timestamp().has_value());
  ASSERT_EQ(*parser->Next(), Entry::kSeries);
  EXPECT_TRUE(std::signbit(parser->Value()));
  EXPECT_EQ(*parser->Timestamp(), 0);
  ASSERT_EQ(*parser->Next(), Entry::kSeries);
  EXPECT_EQ(parser->Value(), 1e308);
  EXPECT_EQ(*parser->Timestamp(), INT64_MAX);
  EXPECT_EQ(*parser->Next(), Entry::kEnd);
  EXPECT_EQ(*parser->Next(), Entry::kEnd);
}

TEST(PromParserTest, NoFinalNewlineAndNoExemplars) {
  auto parser = NewParser(kText, "a{b=\"c\"} 2");
  ASSERT_EQ(*parser->Next(), Entry::kSeries);
  EXPECT_EQ(parser->SeriesKey(), "a{b=\"c\"}");
  Exemplar ex;
  EXPECT_FALSE(parser->NextExemplar(&ex));
  EXPECT_EQ(parser->StartTimestamp(), 0);
  EXPECT_EQ(parser->Unit(), "");
  EXPECT_EQ(*parser->Next(), Entry::kEnd);
}

TEST(PromParserTest, ViewsPointIntoTheBody) {
  const std::string body = "# HELP m some help\nm{a=\"1\"} 1\n";
  auto parser = NewParser(kText, body);
  auto inside = [&](std::string_view v) {
    return v.data() >= body.data() && v.data() + v.size() <= body.data() + body.size();
  };
  ASSERT_EQ(*parser->Next(), Entry::kHelp);
  EXPECT_TRUE(inside(parser->FamilyName()));
  EXPECT_TRUE(inside(parser->Help()));
  ASSERT_EQ(*parser->Next(), Entry::kSeries);
  EXPECT_TRUE(inside(parser->SeriesKey()));
  EXPECT_EQ(parser->RawMetricName(), "m");
}

TEST(PromParserTest, DuplicateLabelNamesAreReported) {
  auto parser = NewParser(kText, "m{a=\"1\",b=\"2\",a=\"3\"} 1\n");
  ASSERT_EQ(*parser->Next(), Entry::kSeries);
  std::string dup;
  storage::Labels ls = parser->Labels(&dup);
  EXPECT_EQ(dup, "a");
  EXPECT_EQ(ls.Get("a"), "1");
  auto ok = NewParser(kText, "m{a=\"1\"} 1\n");
  ASSERT_EQ(*ok->Next(), Entry::kSeries);
  dup = "stale";
  (void)ok->Labels(&dup);
  EXPECT_EQ(dup, "");
}

TEST(PromParserTest, HistogramLeIsNormalised) {
  Parsed p = ParseAll(kText,
                      "# TYPE h histogram\n"
                      "h_bucket{le=\"1\"} 1\nh_bucket{le=\"0.5e1\"} 2\nh_bucket{le=\"+Inf\"} 3\n"
                      "h_bucket{le=\"1e6\"} 3\nh_bucket{le=\"x\"} 3\nh_bucket{le=\"0x1p3\"} 3\n"
                      "h_bucket{le=\"-1\"} 3\nh_bucket{le=\"100000\"} 3\nh_bucket{quantile=\"1\"} 3\n");
  ASSERT_TRUE(p.error.ok());
  const std::vector<std::string> want = {
      "type h histogram",
      "series h_bucket{le=\"1\"} => h_bucket{le=\"1.0\"} 1",
      "series h_bucket{le=\"0.5e1\"} => h_bucket{le=\"5.0\"} 2",
      "series h_bucket{le=\"+Inf\"} => h_bucket{le=\"+Inf\"} 3",
      "series h_bucket{le=\"1e6\"} => h_bucket{le=\"1e+06\"} 3",
      "series h_bucket{le=\"x\"} => h_bucket{le=\"x\"} 3",
      "series h_bucket{le=\"0x1p3\"} => h_bucket{le=\"8.0\"} 3",  // labels use plain Go ParseFloat
      "series h_bucket{le=\"-1\"} => h_bucket{le=\"-1.0\"} 3",
      "series h_bucket{le=\"100000\"} => h_bucket{le=\"100000.0\"} 3",
      "series h_bucket{quantile=\"1\"} => h_bucket{quantile=\"1\"} 3",
  };
  EXPECT_EQ(p.entries, want);
}

struct ErrorCase {
  std::string input;
  std::string error;
};

// Upstream's TestPromParseErrors, plus the messages it does not cover.
TEST(PromParserTest, ErrorMessages) {
  const std::vector<ErrorCase> cases = {
      {"a", "expected value after metric, got \"\\n\" (\"INVALID\") while parsing: \"a\\n\""},
      {"a{b='c'} 1\n", "expected label value, got \"'\" (\"INVALID\") while parsing: \"a{b='\""},
      {"a{b=\n", "expected label value, got \"\\n\" (\"INVALID\") while parsing: \"a{b=\\n\""},
      {"a{\xff=\"foo\"} 1\n", "expected label name, got \"\\xff\" (\"INVALID\") while parsing: \"a{\\xff\""},
      {"a{b=\"\xff\"} 1\n", "invalid UTF-8 label value: \"\\\"\\xff\\\"\""},
      {R"({"a", "b = "c"})",
       "expected equal, got \"c\\\"\" (\"LNAME\") while parsing: \"{\\\"a\\\", \\\"b = \\\"c\\\"\""},
      {R"({"a",b\nc="d"} 1)", "expected equal, got \"\\\\\" (\"INVALID\") while parsing: \"{\\\"a\\\",b\\\\\""},
      {"a true\n", "strconv.ParseFloat: parsing \"true\": invalid syntax while parsing: \"a true\""},
      {"something_weird{problem=\"",
       "expected label value, got \"\\\"\\n\" (\"INVALID\") while parsing: \"something_weird{problem=\\\"\\n\""},
      {"empty_label_name{=\"\"} 0",
       "expected label name, got \"=\\\"\" (\"EQUAL\") while parsing: \"empty_label_name{=\\\"\""},
      {"{A}0", "expected equal, got \"}0\" (\"BCLOSE\") while parsing: \"{A}0\""},
      {"foo 1_2\n", "unsupported character in float while parsing: \"foo 1_2\""},
      {"foo 0x1p-3\n", "unsupported character in float while parsing: \"foo 0x1p-3\""},
      {"foo 0x1P-3\n", "unsupported character in float while parsing: \"foo 0x1P-3\""},
      {"foo 0 1_2\n", "expected next entry after timestamp, got \"_\" (\"INVALID\") while parsing: \"foo 0 1_\""},
      {R"({a="ok"} 1)", "metric name not set while parsing: \"{a=\\\"ok\\\"} 1\""},
      {"# TYPE #\n#EOF\n", "expected metric name after TYPE, got \"#\" (\"INVALID\") while parsing: \"# TYPE #\""},
      {"# HELP #\n#EOF\n", "expected metric name after HELP, got \"#\" (\"INVALID\") while parsing: \"# HELP #\""},
      // Beyond upstream's table.
      {"# TYPE m counters\n", "invalid metric type \"counters\""},
      {"# TYPE m  counter\n", "invalid metric type \" counter\""},
      {"# TYPE m\n", "invalid metric type \"\""},
      {"# TYPE m info\n", "invalid metric type \"info\""},  // OpenMetrics only
      {"# HELP m bad \xff help\n", "help text \"bad \\xff help\" is not a valid utf8 string"},
      {"m 1 99999999999999999999\n",
       "strconv.ParseInt: parsing \"99999999999999999999\": value out of range while parsing: "
       "\"m 1 99999999999999999999\""},
      {"m 1e400\n", "strconv.ParseFloat: parsing \"1e400\": value out of range while parsing: \"m 1e400\""},
      {"m 0x10\n", "strconv.ParseFloat: parsing \"0x10\": invalid syntax while parsing: \"m 0x10\""},
      {"m -nan\n", "strconv.ParseFloat: parsing \"-nan\": invalid syntax while parsing: \"m -nan\""},
      {"m{\"a\",\"b\"} 1\n", "metric name already set while parsing: \"m{\\\"a\\\",\""},
      {"{\"a\",\"b\"} 1\n", "metric name already set while parsing: \"{\\\"a\\\",\\\"b\\\"}\""},
      {"m 1 2 3\n",
       "expected next entry after timestamp, got \"3\\n\" (\"TIMESTAMP\") while parsing: \"m 1 2 3\\n\""},
      // Timestamps are unsigned digits in this format.
      {"m 1 -1\n", "expected timestamp or new record, got \"-\" (\"INVALID\") while parsing: \"m 1 -\""},
      {"m 1 x\n", "expected timestamp or new record, got \"x\" (\"INVALID\") while parsing: \"m 1 x\""},
      {"m{a=\"b\"}\n", "expected value after metric, got \"\\n\" (\"INVALID\") while parsing: \"m{a=\\\"b\\\"}\\n\""},
      {"}\n", "expected a valid start token, got \"}\" (\"INVALID\") while parsing: \"}\""},
      {"m{a=\"1\"}{b=\"2\"} 1\n",
       "expected value after metric, got \"{b\" (\"BOPEN\") while parsing: \"m{a=\\\"1\\\"}{b\""},
  };
  for (const ErrorCase& c : cases) EXPECT_EQ(ErrorOf(kText, c.input), c.error) << c.input;
}

// Upstream's TestPromNullByteHandling: NUL is skipped inside label values,
// HELP text and comments, ends the input at a line start, and is invalid
// anywhere else.
TEST(PromParserTest, NulBytes) {
  const std::vector<ErrorCase> cases = {
      {Bytes("null_byte_metric{a=\"abc\0\"} 1"), ""},
      {Bytes("a{b=\"\0ss\"} 1\n"), ""},
      {Bytes("a{b=\"\0\"} 1\n"), ""},
      {Bytes("a{b=\0\"ssss\"} 1\n"),
       "expected label value, got \"\\x00\" (\"INVALID\") while parsing: \"a{b=\\x00\""},
      {Bytes("a{b=\"\0"),
       "expected label value, got \"\\\"\\x00\\n\" (\"INVALID\") while parsing: \"a{b=\\\"\\x00\\n\""},
      {Bytes("a{b\0=\"hiih\"}\t1"), "expected equal, got \"\\x00\" (\"INVALID\") while parsing: \"a{b\\x00\""},
      {Bytes("a\0{b=\"ddd\"} 1"),
       "expected value after metric, got \"\\x00\" (\"INVALID\") while parsing: \"a\\x00\""},
      {Bytes("a 0 1\0"),
       "expected next entry after timestamp, got \"\\x00\" (\"INVALID\") while parsing: \"a 0 1\\x00\""},
      {Bytes("# HELP metric foo\0bar\n"), ""},
      {Bytes("a 1\n\0b c d"), ""},  // NUL at a line start ends the input
  };
  for (const ErrorCase& c : cases) EXPECT_EQ(ErrorOf(kText, c.input), c.error) << GoQuote(c.input);
  Parsed p = ParseAll(kText, Bytes("m{a=\"x\0y\"} 1\n"));
  ASSERT_EQ(p.entries.size(), 1u);
  EXPECT_EQ(p.entries[0], Bytes("series m{a=\"x\0y\"} => m{a=\"x\\x00y\"} 1"));
}

TEST(PromParserTest, ParseExpositionFloat) {
  EXPECT_EQ(*ParseExpositionFloat("1.5"), 1.5);
  EXPECT_TRUE(std::isinf(*ParseExpositionFloat("-Inf")));
  EXPECT_EQ(ParseExpositionFloat("0x1p3").status().message(), "unsupported character in float");
  EXPECT_EQ(ParseExpositionFloat("1_0").status().message(), "unsupported character in float");
  EXPECT_EQ(ParseExpositionFloat("").status().message(), "strconv.ParseFloat: parsing \"\": invalid syntax");
}

}  // namespace
}  // namespace cairn::ingest::exposition
