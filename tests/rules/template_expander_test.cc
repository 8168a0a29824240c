// Expand and CheckTemplate: the preamble, data, error wrapping and the
// functions that promtool 2.42 cannot cross-check (3.x additions, the query
// callback, externalURL). The bulk of the behaviour is asserted against
// Prometheus' own output in template_promtool_crosscheck_test.cc.
#include <gtest/gtest.h>

#include "rules/template/expander.h"

namespace cairn::rules::tmpl {
namespace {

class ExpandTest : public ::testing::Test {
 protected:
  ExpandTest() {
    data_.labels = storage::Labels{{"__name__", "up"}, {"instance", "web-1.example.com:9100"}, {"job", "node"}};
    data_.value = 0.25;
    data_.external_labels = storage::Labels{{"cluster", "eu-1"}};
    data_.external_url = "https://prom.example.com:9090/sub/path?x=1";
    query_ = [this](const std::string& q) -> Result<std::vector<QuerySample>> {
      queries_.push_back(q);
      if (q == "fail") return Status::Execution("1:5: parse error: unclosed left parenthesis");
      return std::vector<QuerySample>{{storage::Labels{{"job", "b"}}, 2}, {storage::Labels{{"job", "a"}}, 1}};
    };
  }
  std::string Run(std::string_view text, int64_t eval_ms = 1700000000125) {
    auto r = Expand("__alert_HighLoad", text, data_, query_, eval_ms);
    return r.ok() ? *r : "ERR " + r.status().message();
  }
  ExpandData data_;
  QueryFn query_;
  std::vector<std::string> queries_;
};

TEST_F(ExpandTest, PreambleVariablesAndDot) {
  EXPECT_EQ(Run("{{ $labels.job }}/{{ .Labels.instance }}/{{ $value }}/{{ .Value }}"),
            "node/web-1.example.com:9100/0.25/0.25");
  EXPECT_EQ(Run("{{ $externalLabels.cluster }} {{ .ExternalLabels }} {{ $externalURL }}"),
            "eu-1 map[cluster:eu-1] https://prom.example.com:9090/sub/path?x=1");
  EXPECT_EQ(Run("[{{ $labels.absent }}] [{{ $externalLabels.absent }}]"), "[] []");
  EXPECT_EQ(Run("plain text, no actions"), "plain text, no actions");
  EXPECT_EQ(Run(""), "");
}

TEST_F(ExpandTest, ValuePrintsGoStyle) {
  data_.value = 1e6;
  EXPECT_EQ(Run("{{ $value }} {{ humanize $value }}"), "1e+06 1M");
  data_.value = 123456.5;
  EXPECT_EQ(Run("{{ $value }}"), "123456.5");
  data_.value = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(Run("{{ $value }} {{ humanize $value }} {{ printf \"%.2f\" $value }}"), "NaN NaN NaN");
}

TEST_F(ExpandTest, QueryRunsThroughTheCallback) {
  EXPECT_EQ(Run("{{ range query \"up == 0\" }}{{ .Labels.job }}={{ .Value }};{{ end }}"), "b=2;a=1;");
  EXPECT_EQ(queries_, std::vector<std::string>{"up == 0"});
  EXPECT_EQ(Run("{{ query \"x\" | sortByLabel \"job\" | first | label \"job\" }}"), "a");
  EXPECT_EQ(Run("{{ query \"fail\" }}"),
            "ERR error executing template __alert_HighLoad: template: __alert_HighLoad:1:115: executing "
            "\"__alert_HighLoad\" at <query \"fail\">: error calling query: 1:5: parse error: unclosed left "
            "parenthesis");
  QueryFn none;
  auto r = Expand("__alert_A", "{{ query \"up\" }}", data_, none, 0);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("error calling query:"), std::string::npos);
}

TEST_F(ExpandTest, Prometheus3Functions) {
  // now (3.x): the evaluation time in seconds.
  EXPECT_EQ(Run("{{ now }}"), "1.700000000125e+09");
  // v * 1e9 in float64 lands just below .125 s, and model.Time truncates to
  // milliseconds: Prometheus prints .124 here too.
  EXPECT_EQ(Run("{{ now | humanizeTimestamp }}"), "2023-11-14 22:13:20.124 +0000 UTC");
  // toDuration (3.x) gives a *time.Duration.
  EXPECT_EQ(Run("{{ toDuration 90.5 }} {{ toDuration 0.0015 }} {{ (toDuration 60).Seconds }}"), "1m30.5s 1.5ms 60");
  EXPECT_EQ(Run("{{ urlQueryEscape \"a b/c\" }}"), "a+b%2Fc");
  // parseDuration allows a sign in 3.x.
  EXPECT_EQ(Run("{{ parseDuration \"-1m30s\" }}"), "-90");
  EXPECT_EQ(Run("{{ externalURL }} {{ pathPrefix }}"), "https://prom.example.com:9090/sub/path?x=1 /sub/path");
}

TEST_F(ExpandTest, TimeValuesHaveMethods) {
  EXPECT_EQ(Run("{{ (toTime 1435065584.128).Unix }} {{ (toTime 1.5).UnixMilli }} {{ toTime 1.5 }}"),
            "1435065584 1500 1970-01-01 00:00:01.5 +0000 UTC");
  EXPECT_EQ(Run("{{ toTime \"x\" }}"),
            "ERR error executing template __alert_HighLoad: template: __alert_HighLoad:1:115: executing "
            "\"__alert_HighLoad\" at <toTime \"x\">: error calling toTime: strconv.ParseFloat: parsing \"x\": invalid "
            "syntax");
}

TEST_F(ExpandTest, ErrorsAreWrappedAsPrometheusWrapsThem) {
  // Parse errors: "error parsing template NAME: template: NAME:LINE: MSG".
  auto r = Expand("__alert_X", "{{ nope }}", data_, query_, 0);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "error parsing template __alert_X: template: __alert_X:1: function \"nope\" not defined");
  // Execution errors carry line:column counted after the 112-byte preamble.
  r = Expand("__alert_X", "ab{{ .Nope }}", data_, query_, 0);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kExecution);
  EXPECT_EQ(r.status().message(),
            "error executing template __alert_X: template: __alert_X:1:117: executing \"__alert_X\" at <.Nope>: "
            "can't evaluate field Nope in type struct { Labels map[string]string; ExternalLabels map[string]string; "
            "ExternalURL string; Value interface {} }");
}

TEST_F(ExpandTest, CheckTemplateIsParseOnly) {
  EXPECT_TRUE(CheckTemplate("__alert_A", "{{ .Nope }} {{ query \"x\" }}").ok());
  Status st = CheckTemplate("__alert_A", "{{ if }}");
  EXPECT_EQ(st.message(), "template: __alert_A:1: missing value for if");
  // Variables of the preamble are in scope.
  EXPECT_TRUE(CheckTemplate("__alert_A", "{{ $labels }}{{ $value }}{{ $externalURL }}{{ $externalLabels }}").ok());
}

TEST_F(ExpandTest, DeepNestingIsAnErrorNotACrash) {
  std::string deep(2000, '(');
  deep = "{{ " + deep + "1" + std::string(2000, ')') + " }}";
  EXPECT_NE(Run(deep).find("max expression depth exceeded"), std::string::npos);
  EXPECT_NE(Run("{{ define \"r\" }}{{ template \"r\" . }}{{ end }}{{ template \"r\" . }}").find(
                "exceeded maximum template depth"),
            std::string::npos);
}

TEST_F(ExpandTest, TextTemplateBuiltinsShortCircuit) {
  // `or` stops at its first true argument, so the failing index is never run.
  EXPECT_EQ(Run("{{ or 1 (index $labels 5) }}"), "1");
  EXPECT_EQ(Run("{{ and $labels.job (printf \"%s!\" $labels.job) }}"), "node!");
}

}  // namespace
}  // namespace cairn::rules::tmpl
