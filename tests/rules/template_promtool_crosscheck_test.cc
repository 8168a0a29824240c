// Expands every alert template of templates/templates_rules.yml with Cairn and
// compares with templates/templates_test.yml's exp_annotations — the output
// Prometheus 2.42 gives (`promtool test rules` passes that file; ctest runs it
// as rules_template_promtool). $labels and $value come from the alert's input
// series (each alert's expr is a bare metric name with one series); `query`
// runs through Cairn's PromQL engine over all input series at eval time 0.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <map>

#include "promql/engine.h"
#include "promql/parser/parser.h"
#include "rules/template/expander.h"
#include "storage/memory_storage.h"
#include "util/go_strconv.h"

namespace cairn::rules::tmpl {
namespace {

const std::string kDir = CAIRN_TEMPLATE_TESTDATA;

// Where Prometheus 3.x (which Cairn follows) words an error differently from
// 2.42: AlertTemplateData's Value became interface{}, and common's
// ParseDuration names an unknown unit.
std::string As3x(std::string s) {
  const std::pair<std::string, std::string> kDifferences[] = {
      {"Value float64 }", "Value interface {} }"},
      {"not a valid duration string: \"1x\"", "unknown unit \"x\" in duration \"1x\""},
  };
  for (const auto& [from, to] : kDifferences) {
    for (size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) s.replace(p, from.size(), to);
  }
  return s;
}

struct Series {
  storage::Labels labels;
  double value = 0;
};

class PromtoolCrosscheck : public ::testing::Test {
 protected:
  void SetUp() override {
    rules_ = YAML::LoadFile(kDir + "/templates_rules.yml");
    tests_ = YAML::LoadFile(kDir + "/templates_test.yml");
    auto app = storage_.NewAppender();
    for (const auto& s : tests_["tests"][0]["input_series"]) {
      auto labels = promql::parser::ParseMetric(s["series"].as<std::string>());
      ASSERT_TRUE(labels.ok()) << labels.status().message();
      // Values are single numbers: the sample at t=0.
      GoFloat v = GoParseFloat(s["values"].as<std::string>());
      ASSERT_EQ(v.error, GoNumError::kNone);
      ASSERT_TRUE(app->Append(0, *labels, 0, v.value).ok());
      series_[std::string(labels->MetricName())] = {*labels, v.value};
    }
    ASSERT_TRUE(app->Commit().ok());
  }

  Result<std::vector<QuerySample>> Query(const std::string& q) {
    auto expr = promql::parser::ParseExpr(q);
    if (!expr.ok()) return expr.status();
    promql::Engine engine;
    auto r = engine.InstantQuery(storage_, **expr, 0, promql::QueryOptions{});
    if (!r.ok()) return r.status();
    std::vector<QuerySample> out;
    if (const auto* v = std::get_if<promql::Vector>(&r->value)) {
      for (const auto& s : *v) out.push_back({s.metric, s.f});
    } else if (const auto* s = std::get_if<promql::Scalar>(&r->value)) {
      out.push_back({storage::Labels{}, s->v});
    }
    return out;
  }

  YAML::Node rules_, tests_;
  storage::MemoryStorage storage_;
  std::map<std::string, Series> series_;
};

TEST_F(PromtoolCrosscheck, AnnotationsMatchPrometheus) {
  std::map<std::string, YAML::Node> alerts;
  for (const auto& rule : rules_["groups"][0]["rules"]) alerts.emplace(rule["alert"].as<std::string>(), YAML::Node(rule));
  QueryFn query = [this](const std::string& q) { return Query(q); };
  int checked = 0;
  for (const auto& test : tests_["tests"][0]["alert_rule_test"]) {
    std::string name = test["alertname"].as<std::string>();
    ASSERT_TRUE(alerts.count(name)) << name;
    const YAML::Node& rule = alerts.at(name);
    const Series& s = series_[rule["expr"].as<std::string>()];
    ExpandData data;
    data.labels = s.labels;
    data.value = s.value;
    for (const auto& ann : test["exp_alerts"][0]["exp_annotations"]) {
      std::string key = ann.first.as<std::string>();
      std::string want = As3x(ann.second.as<std::string>());
      std::string text = rule["annotations"][key].as<std::string>();
      auto r = Expand("__alert_" + name, text, data, query, 0);
      // rules/alerting.go renders a failed expansion this way.
      std::string got = r.ok() ? *r : "<error expanding template: " + r.status().message() + ">";
      EXPECT_EQ(got, want) << name << "." << key << ": " << text;
      ++checked;
    }
  }
  EXPECT_GT(checked, 100);
}

}  // namespace
}  // namespace cairn::rules::tmpl
