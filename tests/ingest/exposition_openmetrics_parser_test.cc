// The OpenMetrics parser against Prometheus' own behaviour: the error
// table, the NUL-byte cases and the `_created` expectations are the ones
// upstream's openmetricsparse_test.go checks, with the exact messages.
#include <gtest/gtest.h>

#include "ingest/exposition/parser.h"
#include "tests/ingest/exposition_test_util.h"
#include "util/go_quote.h"

namespace cairn::ingest::exposition {
namespace {

using testing::Bytes;
using testing::ErrorOf;
using testing::ParseAll;
using testing::Parsed;

constexpr Format kOM = Format::kOpenMetrics;

TEST(OpenMetricsParserTest, EveryConstruct) {
  const std::string body =
      "# HELP go_gc_duration_seconds A summary of the GC invocation durations.\n"
      "# TYPE go_gc_duration_seconds summary\n"
      "# UNIT go_gc_duration_seconds seconds\n"
      "go_gc_duration_seconds{quantile=\"0\"} 4.9351e-05\n"
      "go_gc_duration_seconds{quantile=\"0.5\",a=\"b\"} 8.3835e-05\n"
      "# HELP help2 escape \\ \\n \\\\ \\\" \\x chars\n"
      "# UNIT nounit \n"
      "go_gc_duration_seconds_count 99\n"
      "# TYPE go_goroutines gauge\n"
      "go_goroutines 33 123.123\n"
      "# TYPE hhh histogram\n"
      "hhh_bucket{le=\"+Inf\"} 1 # {id=\"histogram-bucket-test\"} 4\n"
      "hhh_count 1 # {id=\"histogram-count-test\"} 4\n"
      "# TYPE ggh gaugehistogram\n"
      "ggh_bucket{le=\"+Inf\"} 1 # {id=\"gaugehistogram-bucket-test\",xx=\"yy\"} 4 123.123\n"
      "ggh_gcount 1\n"
      "ggh_gsum 2\n"
      "# TYPE ii info\n"
      "ii_info{foo=\"bar\"} 1\n"
      "# TYPE ss stateset\n"
      "ss{ss=\"foo\"} 1\n"
      "ss{ss=\"bar\"} 0\n"
      "# TYPE un unknown\n"
      "un 1\n"
      "# TYPE foo counter\n"
      "foo_total 17.0 1520879607.789 # {id=\"counter-test\"} 5\n"
      "foo_created 1520872607.123\n"
      "{\"foo.bar_total\",\"a.b\"=\"c\"} 1 # {\"trace.id\"=\"x\"} 2 3\n"
      "neg -Inf -1.5\n"
      "# EOF\n";
  Parsed p = ParseAll(kOM, body);
  ASSERT_TRUE(p.error.ok()) << p.error.ToString();
  const std::vector<std::string> want = {
      "help go_gc_duration_seconds A summary of the GC invocation durations.",
      "type go_gc_duration_seconds summary",
      "unit go_gc_duration_seconds seconds",
      "series go_gc_duration_seconds{quantile=\"0\"} => go_gc_duration_seconds{quantile=\"0.0\"} 4.9351e-05",
      "series go_gc_duration_seconds{quantile=\"0.5\",a=\"b\"} => go_gc_duration_seconds{a=\"b\", "
      "quantile=\"0.5\"} 8.3835e-05",
      "help help2 escape \\ \n \\ \" \\x chars",
      "unit nounit ",
      "series go_gc_duration_seconds_count => go_gc_duration_seconds_count{} 99",
      "type go_goroutines gauge",
      "series go_goroutines => go_goroutines{} 33 @123123",
      "type hhh histogram",
      "series hhh_bucket{le=\"+Inf\"} => hhh_bucket{le=\"+Inf\"} 1 ex={id=\"histogram-bucket-test\"} 4",
      "series hhh_count => hhh_count{} 1 ex={id=\"histogram-count-test\"} 4",
      "type ggh gaugehistogram",
      "series ggh_bucket{le=\"+Inf\"} => ggh_bucket{le=\"+Inf\"} 1 ex={id=\"gaugehistogram-bucket-test\", "
      "xx=\"yy\"} 4 @123123",
      "series ggh_gcount => ggh_gcount{} 1",
      "series ggh_gsum => ggh_gsum{} 2",
      "type ii info",
      "series ii_info{foo=\"bar\"} => ii_info{foo=\"bar\"} 1",
      "type ss stateset",
      "series ss{ss=\"foo\"} => ss{ss=\"foo\"} 1",
      "series ss{ss=\"bar\"} => ss{ss=\"bar\"} 0",
      "type un unknown",
      "series un => un{} 1",
      "type foo counter",
      "series foo_total => foo_total{} 17 @1520879607789 ex={id=\"counter-test\"} 5",
      // Without skip_created_series a `_created` line is an ordinary series.
      "series foo_created => foo_created{} 1520872607.123",
      "series {\"foo.bar_total\",\"a.b\"=\"c\"} => {__name__=\"foo.bar_total\", \"a.b\"=\"c\"} 1 "
      "ex={\"trace.id\"=\"x\"} 2 @3000",
      "series neg => neg{} -inf @-1500",
  };
  EXPECT_EQ(p.entries, want);
}

// Upstream's TestOpenMetricsParse_UTF8: quoted names anywhere in the
// braces, quoted exemplar label names, and start times of a quoted family.
TEST(OpenMetricsParserTest, QuotedUtf8Names) {
  const std::string body = R"(# HELP "go.gc_duration_seconds" A summary of the GC invocation durations.
# TYPE "go.gc_duration_seconds" summary
# UNIT "go.gc_duration_seconds" seconds
{"go.gc_duration_seconds",quantile="0"} 4.9351e-05
{"go.gc_duration_seconds",quantile="0.25"} 7.424100000000001e-05
{"go.gc_duration_seconds_created"} 1520872607.123
{"go.gc_duration_seconds",quantile="0.5",a="b"} 8.3835e-05
{"http.status",q="0.9",a="b"} 8.3835e-05
{q="0.9","http.status",a="b"} 8.3835e-05
{"go.gc_duration_seconds_sum"} 0.004304266
{"Heizölrückstoßabdämpfung 10€ metric with \"interesting\" {character\nchoices}","strange©™\n'quoted' \"name\""="6"} 10.0
quotedexemplar_count 1 # {"id.thing"="histogram-count-test"} 4
quotedexemplar2_count 1 # {"id.thing"="histogram-count-test",other="hello"} 4
# EOF
)";
  ParserOptions options;
  options.skip_created_series = true;
  Parsed p = ParseAll(kOM, body, options, /*start_timestamps=*/true);
  ASSERT_TRUE(p.error.ok()) << p.error.ToString();
  const std::vector<std::string> want = {
      "help go.gc_duration_seconds A summary of the GC invocation durations.",
      "type go.gc_duration_seconds summary",
      "unit go.gc_duration_seconds seconds",
      R"(series {"go.gc_duration_seconds",quantile="0"} => {__name__="go.gc_duration_seconds", quantile="0.0"} 4.9351e-05 st=1520872607123)",
      R"(series {"go.gc_duration_seconds",quantile="0.25"} => {__name__="go.gc_duration_seconds", quantile="0.25"} 7.424100000000001e-05 st=1520872607123)",
      R"(series {"go.gc_duration_seconds",quantile="0.5",a="b"} => {__name__="go.gc_duration_seconds", a="b", quantile="0.5"} 8.3835e-05 st=0)",
      R"(series {"http.status",q="0.9",a="b"} => {__name__="http.status", a="b", q="0.9"} 8.3835e-05 st=0)",
      R"(series {q="0.9","http.status",a="b"} => {__name__="http.status", a="b", q="0.9"} 8.3835e-05 st=0)",
      R"(series {"go.gc_duration_seconds_sum"} => {__name__="go.gc_duration_seconds_sum"} 0.004304266 st=0)",
      R"(series {"Heizölrückstoßabdämpfung 10€ metric with \"interesting\" {character\nchoices}","strange©™\n'quoted' \"name\""="6"} => {__name__="Heizölrückstoßabdämpfung 10€ metric with \"interesting\" {character\nchoices}", "strange©™\n'quoted' \"name\""="6"} 10 st=0)",
      R"(series quotedexemplar_count => quotedexemplar_count{} 1 st=0 ex={"id.thing"="histogram-count-test"} 4)",
      R"(series quotedexemplar2_count => quotedexemplar2_count{} 1 st=0 ex={"id.thing"="histogram-count-test", other="hello"} 4)",
  };
  EXPECT_EQ(p.entries, want);
}

TEST(OpenMetricsParserTest, EofAloneAndWithoutNewline) {
  EXPECT_EQ(ErrorOf(kOM, "# EOF"), "");
  EXPECT_EQ(ErrorOf(kOM, "# EOF\n"), "");
  Parsed p = ParseAll(kOM, "a 1\n# EOF");
  EXPECT_TRUE(p.error.ok());
  EXPECT_EQ(p.entries.size(), 1u);
}

TEST(OpenMetricsParserTest, StartTimestampsFromCreatedLines) {
  const std::string body =
      "# HELP foo Counter with and without labels\n"
      "# TYPE foo counter\n"
      "foo_total 17.0 1520879607.789 # {id=\"counter-test\"} 5\n"
      "foo_created 1520872607.123\n"
      "foo_total{a=\"b\"} 17.0 1520879607.789 # {id=\"counter-test\"} 5\n"
      "foo_created{a=\"b\"} 1520872607.123\n"
      "foo_total{le=\"c\"} 21.0\n"
      "foo_created{le=\"c\"} 1520872621.123\n"
      "foo_total{le=\"1\"} 10.0\n"
      "# HELP bar Summary with the start time lines away\n"
      "# TYPE bar summary\n"
      "bar_count 17.0\n"
      "bar_sum 324789.3\n"
      "bar{quantile=\"0.95\"} 123.7\n"
      "bar_created 1520872608.124\n"
      "# TYPE baz histogram\n"
      "baz_bucket{le=\"0.0\"} 0\n"
      "baz_bucket{le=\"+Inf\"} 17\n"
      "baz_count 17\n"
      "baz_sum 324789.3\n"
      "baz_created 1520872609.125\n"
      "# HELP fizz_created Gauge which is not a start time\n"
      "# TYPE fizz_created gauge\n"
      "fizz_created 17.0\n"
      "# TYPE something histogram\n"
      "something_count 18\n"
      "something_sum 324789.4\n"
      "something_created 1520430001\n"
      "something_bucket{le=\"0.0\"} 1\n"
      "something_bucket{le=\"+Inf\"} 18\n"
      "# TYPE foobar summary\n"
      "foobar_count 21\n"
      "foobar_created 1520430004\n"
      "foobar_sum 324789.6\n"
      "foobar{quantile=\"0.95\"} 123.8\n"
      "# EOF\n";
  ParserOptions options;
  options.skip_created_series = true;
  Parsed p = ParseAll(kOM, body, options, /*start_timestamps=*/true);
  ASSERT_TRUE(p.error.ok()) << p.error.ToString();
  const std::vector<std::string> want = {
      "help foo Counter with and without labels",
      "type foo counter",
      // The look-ahead leaves the exemplar of the current sample in place.
      "series foo_total => foo_total{} 17 @1520879607789 st=1520872607123 ex={id=\"counter-test\"} 5",
      "series foo_total{a=\"b\"} => foo_total{a=\"b\"} 17 @1520879607789 st=1520872607123 "
      "ex={id=\"counter-test\"} 5",
      "series foo_total{le=\"c\"} => foo_total{le=\"c\"} 21 st=1520872621123",
      "series foo_total{le=\"1\"} => foo_total{le=\"1\"} 10 st=0",
      "help bar Summary with the start time lines away",
      "type bar summary",
      "series bar_count => bar_count{} 17 st=1520872608124",
      "series bar_sum => bar_sum{} 324789.3 st=1520872608124",
      "series bar{quantile=\"0.95\"} => bar{quantile=\"0.95\"} 123.7 st=1520872608124",
      "type baz histogram",
      "series baz_bucket{le=\"0.0\"} => baz_bucket{le=\"0.0\"} 0 st=1520872609125",
      "series baz_bucket{le=\"+Inf\"} => baz_bucket{le=\"+Inf\"} 17 st=1520872609125",
      "series baz_count => baz_count{} 17 st=1520872609125",
      "series baz_sum => baz_sum{} 324789.3 st=1520872609125",
      "help fizz_created Gauge which is not a start time",
      "type fizz_created gauge",
      "series fizz_created => fizz_created{} 17 st=0",
      "type something histogram",
      "series something_count => something_count{} 18 st=1520430001000",
      "series something_sum => something_sum{} 324789.4 st=1520430001000",
      "series something_bucket{le=\"0.0\"} => something_bucket{le=\"0.0\"} 1 st=1520430001000",
      "series something_bucket{le=\"+Inf\"} => something_bucket{le=\"+Inf\"} 18 st=1520430001000",
      "type foobar summary",
      "series foobar_count => foobar_count{} 21 st=1520430004000",
      "series foobar_sum => foobar_sum{} 324789.6 st=1520430004000",
      "series foobar{quantile=\"0.95\"} => foobar{quantile=\"0.95\"} 123.8 st=1520430004000",
  };
  EXPECT_EQ(p.entries, want);
}

// Upstream's known limitations (TestSTParseFailures): a `_created` line
// before its samples is not found, and without a TYPE nothing is a start time.
TEST(OpenMetricsParserTest, StartTimestampLimitsAsUpstream) {
  ParserOptions options;
  options.skip_created_series = true;
  Parsed p = ParseAll(kOM,
                      "# TYPE thing histogram\n"
                      "thing_created 1520872607.123\n"
                      "thing_count 17\n"
                      "thing_bucket{le=\"+Inf\"} 17\n"
                      "# EOF\n",
                      options, true);
  ASSERT_TRUE(p.error.ok());
  EXPECT_EQ(p.entries, (std::vector<std::string>{
                           "type thing histogram",
                           "series thing_count => thing_count{} 17 st=0",
                           "series thing_bucket{le=\"+Inf\"} => thing_bucket{le=\"+Inf\"} 17 st=0",
                       }));
  p = ParseAll(kOM, "foo_total 17.0\nfoo_created 1520872607.123\n# EOF\n", options, true);
  ASSERT_TRUE(p.error.ok());
  EXPECT_EQ(p.entries, (std::vector<std::string>{
                           "series foo_total => foo_total{} 17 st=0",
                           "series foo_created => foo_created{} 1520872607.123 st=0",
                       }));
}

TEST(OpenMetricsParserTest, StartTimestampDoesNotMoveTheParser) {
  auto parser = NewParser(kOM, "# TYPE c counter\nc_total{x=\"1\"} 5 7\nc_created{x=\"1\"} 2\nd 1\n# EOF\n");
  ASSERT_EQ(*parser->Next(), Entry::kType);
  ASSERT_EQ(*parser->Next(), Entry::kSeries);
  EXPECT_EQ(parser->StartTimestamp(), 2000);
  EXPECT_EQ(parser->SeriesKey(), "c_total{x=\"1\"}");
  EXPECT_EQ(parser->Value(), 5);
  EXPECT_EQ(*parser->Timestamp(), 7000);
  EXPECT_EQ(parser->Labels().ToString(), "c_total{x=\"1\"}");
  // Upstream turns `_created` skipping on after a look-ahead.
  ASSERT_EQ(*parser->Next(), Entry::kSeries);
  EXPECT_EQ(parser->RawMetricName(), "d");
  EXPECT_EQ(*parser->Next(), Entry::kEnd);
}

struct ErrorCase {
  std::string input;
  std::string error;  // "" = parses to the end
};

// Upstream's TestOpenMetricsParseErrors, plus the messages it does not cover.
TEST(OpenMetricsParserTest, ErrorMessages) {
  const std::vector<ErrorCase> cases = {
      {"", "data does not end with # EOF"},
      {"\n", "expected a valid start token, got \"\\n\" (\"INVALID\") while parsing: \"\\n\""},
      {"metric", "expected value after metric, got \"metric\" (\"EOF\") while parsing: \"metric\""},
      {"metric 1", "data does not end with # EOF"},
      {"metric 1\n", "data does not end with # EOF"},
      {"metric_total 1 # {aa=\"bb\"} 4", "data does not end with # EOF"},
      {"a\n#EOF\n", "expected value after metric, got \"\\n\" (\"INVALID\") while parsing: \"a\\n\""},
      {"\n\n#EOF\n", "expected a valid start token, got \"\\n\" (\"INVALID\") while parsing: \"\\n\""},
      {" a 1\n#EOF\n", "expected a valid start token, got \" \" (\"INVALID\") while parsing: \" \""},
      {"9\n#EOF\n", "expected a valid start token, got \"9\" (\"INVALID\") while parsing: \"9\""},
      {"# TYPE u untyped\n#EOF\n", "invalid metric type \"untyped\""},
      {"# TYPE c counter \n#EOF\n", "invalid metric type \"counter \""},
      {"#  TYPE c counter\n#EOF\n", "expected a valid start token, got \"#  \" (\"INVALID\") while parsing: \"#  \""},
      {"# TYPE \n#EOF\n",
       "expected metric name after TYPE, got \"\\n\" (\"INVALID\") while parsing: \"# TYPE \\n\""},
      {"# TYPE m\n#EOF\n", "expected text in TYPE"},
      {"# UNIT metric suffix\n#EOF\n", "unit \"suffix\" not a suffix of metric \"metric\""},
      {"# UNIT metricsuffix suffix\n#EOF\n", "unit \"suffix\" not a suffix of metric \"metricsuffix\""},
      {"# UNIT m suffix\n#EOF\n", "unit \"suffix\" not a suffix of metric \"m\""},
      {"# UNIT \n#EOF\n",
       "expected metric name after UNIT, got \"\\n\" (\"INVALID\") while parsing: \"# UNIT \\n\""},
      {"# UNIT m\n#EOF\n", "expected text in UNIT"},
      {"# HELP \n#EOF\n",
       "expected metric name after HELP, got \"\\n\" (\"INVALID\") while parsing: \"# HELP \\n\""},
      {"# HELP m\n#EOF\n", "expected text in HELP"},
      {"a\t1\n#EOF\n", "expected value after metric, got \"\\t\" (\"INVALID\") while parsing: \"a\\t\""},
      {"a 1\t2\n#EOF\n", "strconv.ParseFloat: parsing \"1\\t2\": invalid syntax while parsing: \"a 1\\t2\""},
      {"a 1 2 \n#EOF\n",
       "expected next entry after timestamp, got \" \\n\" (\"INVALID\") while parsing: \"a 1 2 \\n\""},
      {"a 1 2 #\n#EOF\n",
       "expected next entry after timestamp, got \" #\\n\" (\"TIMESTAMP\") while parsing: \"a 1 2 #\\n\""},
      {"a 1 1z\n#EOF\n", "strconv.ParseFloat: parsing \"1z\": invalid syntax while parsing: \"a 1 1z\""},
      {" # EOF\n", "expected a valid start token, got \" \" (\"INVALID\") while parsing: \" \""},
      {"# EOF\na 1", "unexpected data after # EOF"},
      {"# EOF\n\n", "unexpected data after # EOF"},
      {"# EOFa 1", "unexpected data after # EOF"},
      {"#\tTYPE c counter\n", "expected a valid start token, got \"#\\t\" (\"INVALID\") while parsing: \"#\\t\""},
      {"# TYPE c  counter\n", "invalid metric type \" counter\""},
      {"a 1 1 1\n# EOF\n",
       "expected next entry after timestamp, got \" 1\\n\" (\"TIMESTAMP\") while parsing: \"a 1 1 1\\n\""},
      {"a{b='c'} 1\n# EOF\n", "expected label value, got \"'\" (\"INVALID\") while parsing: \"a{b='\""},
      {"a{,b=\"c\"} 1\n# EOF\n", "expected label name, got \",b\" (\"COMMA\") while parsing: \"a{,b\""},
      {"a{b=\"c\"d=\"e\"} 1\n# EOF\n",
       "expected comma or brace close, got \"d=\" (\"LNAME\") while parsing: \"a{b=\\\"c\\\"d=\""},
      {"a{b=\"c\",,d=\"e\"} 1\n# EOF\n",
       "expected label name, got \",d\" (\"COMMA\") while parsing: \"a{b=\\\"c\\\",,d\""},
      {"a{b=\n# EOF\n", "expected label value, got \"\\n\" (\"INVALID\") while parsing: \"a{b=\\n\""},
      {"a{\xff=\"foo\"} 1\n# EOF\n", "expected label name, got \"\\xff\" (\"INVALID\") while parsing: \"a{\\xff\""},
      {"a{b=\"\xff\"} 1\n# EOF\n", "invalid UTF-8 label value: \"\\\"\\xff\\\"\""},
      {"{\"a\",\"b = \"c\"}\n# EOF\n",
       "expected equal, got \"c\\\"\" (\"LNAME\") while parsing: \"{\\\"a\\\",\\\"b = \\\"c\\\"\""},
      {"{\"a\",b\\nc=\"d\"} 1\n# EOF\n",
       "expected equal, got \"\\\\\" (\"INVALID\") while parsing: \"{\\\"a\\\",b\\\\\""},
      {"a true\n", "strconv.ParseFloat: parsing \"true\": invalid syntax while parsing: \"a true\""},
      {"something_weird{problem=\"\n# EOF\n",
       "expected label value, got \"\\\"\\n\" (\"INVALID\") while parsing: \"something_weird{problem=\\\"\\n\""},
      {"empty_label_name{=\"\"} 0\n# EOF\n",
       "expected label name, got \"=\\\"\" (\"EQUAL\") while parsing: \"empty_label_name{=\\\"\""},
      {"{A}0\n# EOF\n", "expected equal, got \"}0\" (\"BCLOSE\") while parsing: \"{A}0\""},
      {"foo 1_2\n\n# EOF\n", "unsupported character in float while parsing: \"foo 1_2\""},
      {"foo 0x1p-3\n\n# EOF\n", "unsupported character in float while parsing: \"foo 0x1p-3\""},
      {"foo 0x1P-3\n\n# EOF\n", "unsupported character in float while parsing: \"foo 0x1P-3\""},
      {"foo 0 1_2\n\n# EOF\n", "unsupported character in float while parsing: \"foo 0 1_2\""},
      {"custom_metric_total 1 # {aa=bb}\n# EOF\n",
       "expected label value, got \"b\" (\"INVALID\") while parsing: \"custom_metric_total 1 # {aa=b\""},
      {"custom_metric_total 1 # {aa=\"bb\"}\n# EOF\n",
       "expected value after exemplar labels, got \"\\n\" (\"INVALID\") while parsing: \"custom_metric_total 1 # "
       "{aa=\\\"bb\\\"}\\n\""},
      {"custom_metric_total 1 # {aa=\"bb\"}",
       "expected value after exemplar labels, got \"}\" (\"EOF\") while parsing: \"custom_metric_total 1 # "
       "{aa=\\\"bb\\\"}\""},
      {"custom_metric_total 1 # {bb}",
       "expected equal, got \"}\" (\"BCLOSE\") while parsing: \"custom_metric_total 1 # {bb}\""},
      {"custom_metric_total 1 # {bb, a=\"dd\"}",
       "expected equal, got \", \" (\"COMMA\") while parsing: \"custom_metric_total 1 # {bb, \""},
      {"custom_metric_total 1 # {aa=\"bb\",,cc=\"dd\"} 1",
       "expected label name, got \",c\" (\"COMMA\") while parsing: \"custom_metric_total 1 # {aa=\\\"bb\\\",,c\""},
      {"custom_metric_total 1 # {aa=\"bb\"} 1_2",
       "unsupported character in float while parsing: \"custom_metric_total 1 # {aa=\\\"bb\\\"} 1_2\""},
      {"custom_metric_total 1 # {aa=\"bb\"} 0x1p-3",
       "unsupported character in float while parsing: \"custom_metric_total 1 # {aa=\\\"bb\\\"} 0x1p-3\""},
      {"custom_metric_total 1 # {aa=\"bb\"} true",
       "strconv.ParseFloat: parsing \"true\": invalid syntax while parsing: \"custom_metric_total 1 # "
       "{aa=\\\"bb\\\"} true\""},
      {"custom_metric_total 1 # {aa=\"bb\",cc=}",
       "expected label value, got \"}\" (\"INVALID\") while parsing: \"custom_metric_total 1 # "
       "{aa=\\\"bb\\\",cc=}\""},
      {"custom_metric_total 1 # {aa=\\\"\xff\\\"} 9.0",
       "expected label value, got \"\\\\\" (\"INVALID\") while parsing: \"custom_metric_total 1 # {aa=\\\\\""},
      {"{b=\"c\",} 1", "metric name not set while parsing: \"{b=\\\"c\\\",} 1\""},
      {"a 1 NaN", "invalid timestamp NaN"},
      {"a 1 -Inf", "invalid timestamp -Inf"},
      {"a 1 Inf", "invalid timestamp +Inf"},
      {"# TYPE hhh histogram\nhhh_bucket{le=\"+Inf\"} 1 # {aa=\"bb\"} 4 NaN", "invalid exemplar timestamp NaN"},
      {"# TYPE hhh histogram\nhhh_bucket{le=\"+Inf\"} 1 # {aa=\"bb\"} 4 -Inf", "invalid exemplar timestamp -Inf"},
      // Beyond upstream's table.
      {"m 1 # {a=\"b\"} 1 2 3\n# EOF\n",
       "expected next entry after exemplar timestamp, got \" 3\\n\" (\"TIMESTAMP\") while parsing: \"m 1 # "
       "{a=\\\"b\\\"} 1 2 3\\n\""},
      {"m 1 # {a=\"b\"} 1 x\n# EOF\n",
       "strconv.ParseFloat: parsing \"x\": invalid syntax while parsing: \"m 1 # {a=\\\"b\\\"} 1 x\""},
      {"m 1 # {a=\"b\"} 1\t\n# EOF\n",
       "strconv.ParseFloat: parsing \"1\\t\": invalid syntax while parsing: \"m 1 # {a=\\\"b\\\"} 1\\t\""},
      {"m 1 # {a=\"b\"} 1  2\n# EOF\n",
       "expected timestamp or comment, got \"  \" (\"INVALID\") while parsing: \"m 1 # {a=\\\"b\\\"} 1  \""},
      {"m 1 # {\"a\"} 1\n# EOF\n",
       "expected label name, got \"} \" (\"BCLOSE\") while parsing: \"m 1 # {\\\"a\\\"} \""},
      {"m 1 # {a=\"b\"}x\n# EOF\n",
       "expected value after exemplar labels, got \"x\" (\"INVALID\") while parsing: \"m 1 # {a=\\\"b\\\"}x\""},
      {"m 1 1e400\n# EOF\n",
       "strconv.ParseFloat: parsing \"1e400\": value out of range while parsing: \"m 1 1e400\""},
      {"m{a=\"b\" } 1\n# EOF\n",
       "expected comma or brace close, got \" \" (\"INVALID\") while parsing: \"m{a=\\\"b\\\" \""},
      {"m  1\n# EOF\n", "expected value after metric, got \"  \" (\"INVALID\") while parsing: \"m  \""},
      {"m 1\r\n# EOF\n", "strconv.ParseFloat: parsing \"1\\r\": invalid syntax while parsing: \"m 1\\r\""},
      {"# EOF\n# EOF\n", "unexpected data after # EOF"},
      {"# UNIT \"m.seconds\" seconds\n# EOF\n", "unit \"seconds\" not a suffix of metric \"m.seconds\""},
      {"# comment\n# EOF\n",
       "expected a valid start token, got \"# c\" (\"INVALID\") while parsing: \"# c\""},
      {"m{\"a\",\"b\"} 1\n# EOF\n", "metric name already set while parsing: \"m{\\\"a\\\",\""},
      {"m{a=\"x\ny\"} 1\n# EOF\n",
       "expected label value, got \"\\\"x\\n\" (\"INVALID\") while parsing: \"m{a=\\\"x\\n\""},
      // Accepted: suffix rules are not enforced, as upstream.
      {"# TYPE c counter\nc_not_total 1\n# UNIT m_seconds seconds\n# TYPE m gauge\nm 1 2 # {a=\"b\"} 1\n# EOF\n",
       ""},
  };
  for (const ErrorCase& c : cases) EXPECT_EQ(ErrorOf(kOM, c.input), c.error) << GoQuote(c.input);
}

// Upstream's TestOMNullByteHandling.
TEST(OpenMetricsParserTest, NulBytes) {
  const std::vector<ErrorCase> cases = {
      {Bytes("null_byte_metric{a=\"abc\0\"} 1\n# EOF\n"), ""},
      {Bytes("a{b=\"\0ss\"} 1\n# EOF\n"), ""},
      {Bytes("a{b=\"\0\"} 1\n# EOF\n"), ""},
      {Bytes("a{b=\"\0\"} 1\n# EOF"), ""},
      {Bytes("a{b=\0\"ssss\"} 1\n# EOF\n"),
       "expected label value, got \"\\x00\" (\"INVALID\") while parsing: \"a{b=\\x00\""},
      {Bytes("a{b=\"\0"), "expected label value, got \"\\\"\\x00\" (\"INVALID\") while parsing: \"a{b=\\\"\\x00\""},
      {Bytes("a{b\0=\"hiih\"}\t1"), "expected equal, got \"\\x00\" (\"INVALID\") while parsing: \"a{b\\x00\""},
      {Bytes("a\0{b=\"ddd\"} 1"),
       "expected value after metric, got \"\\x00\" (\"INVALID\") while parsing: \"a\\x00\""},
      {"#", "expected a valid start token, got \"#\" (\"INVALID\") while parsing: \"#\""},
      {"# H", "expected a valid start token, got \"# H\" (\"INVALID\") while parsing: \"# H\""},
      {Bytes("custom_metric_total 1 # {b=\0\"ssss\"} 1\n"),
       "expected label value, got \"\\x00\" (\"INVALID\") while parsing: \"custom_metric_total 1 # {b=\\x00\""},
      {Bytes("custom_metric_total 1 # {b=\"\0ss\"} 1\n"),
       "expected label value, got \"\\\"\\x00\" (\"INVALID\") while parsing: \"custom_metric_total 1 # "
       "{b=\\\"\\x00\""},
  };
  for (const ErrorCase& c : cases) EXPECT_EQ(ErrorOf(kOM, c.input), c.error) << GoQuote(c.input);
}

}  // namespace
}  // namespace cairn::ingest::exposition
