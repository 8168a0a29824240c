#include "rules/unittest/test_file.h"

#include <yaml-cpp/yaml.h>

#include <cctype>
#include <set>

#include "util/duration.h"
#include "util/go_strconv.h"

namespace cairn::rules::unittest {

namespace {

// Why a node cannot be decoded; turned into a Status where the parse is entered.
struct DecodeError {
  std::string message;
};

int Line(const YAML::Node& n) { return n.Mark().line + 1; }

[[noreturn]] void Fail(std::string message) { throw DecodeError{std::move(message)}; }

// yaml.v2 names the Go type it decodes into; promtool's types live in package main.
void CheckKeys(const YAML::Node& map, std::string_view go_type, const std::set<std::string>& known) {
  if (!map.IsMap()) Fail("yaml: line " + std::to_string(Line(map)) + ": cannot unmarshal into main." + std::string(go_type));
  std::string errors;
  for (const auto& kv : map) {
    const std::string key = kv.first.Scalar();
    if (!known.count(key)) {
      errors += "\n  line " + std::to_string(Line(kv.first)) + ": field " + key + " not found in type main." +
                std::string(go_type);
    }
  }
  if (!errors.empty()) Fail("yaml: unmarshal errors:" + errors);
}

std::string Str(const YAML::Node& n) {
  if (!n || n.IsNull()) return "";
  if (!n.IsScalar()) Fail("yaml: line " + std::to_string(Line(n)) + ": cannot unmarshal into string");
  return n.Scalar();
}

int64_t Duration(const YAML::Node& n) {
  if (!n || n.IsNull()) return 0;
  const std::string text = Str(n);
  auto d = ParseDurationMs(text);
  if (d.ok()) return *d;
  // promtool 2.42's model.ParseDuration matches a regular expression first, so every malformed
  // string gets this one message.
  if (d.status().message().find("out of range") != std::string::npos) Fail(d.status().message());
  Fail("not a valid duration string: \"" + text + "\"");
}

// A YAML float: plain numbers as Go parses them, and YAML's .inf/.nan spellings.
double Float(const YAML::Node& n) {
  if (!n || n.IsNull()) return 0;
  const std::string s = Str(n);
  if (n.Tag() == "?") {
    if (s == ".nan" || s == ".NaN" || s == ".NAN") return GoParseFloat("NaN").value;
    for (std::string_view inf : {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"}) {
      if (s == inf) return GoParseFloat("+Inf").value;
    }
    for (std::string_view inf : {"-.inf", "-.Inf", "-.INF"}) {
      if (s == inf) return GoParseFloat("-Inf").value;
    }
    GoFloat f = GoParseFloat(s);
    bool numeric = !s.empty() && (std::isdigit(static_cast<unsigned char>(s[0])) || s[0] == '-' || s[0] == '+' || s[0] == '.');
    if (f.error == GoNumError::kNone && numeric) return f.value;
  }
  Fail("yaml: unmarshal errors:\n  line " + std::to_string(Line(n)) + ": cannot unmarshal !!str `" + s +
       "` into float64");
}

std::vector<std::string> Strings(const YAML::Node& n) {
  std::vector<std::string> out;
  if (!n || n.IsNull()) return out;
  if (!n.IsSequence()) Fail("yaml: line " + std::to_string(Line(n)) + ": cannot unmarshal into []string");
  for (const auto& item : n) out.push_back(Str(item));
  return out;
}

std::map<std::string, std::string> StringMap(const YAML::Node& n) {
  std::map<std::string, std::string> out;
  if (!n || n.IsNull()) return out;
  if (!n.IsMap()) Fail("yaml: line " + std::to_string(Line(n)) + ": cannot unmarshal into map[string]string");
  for (const auto& kv : n) out[kv.first.Scalar()] = Str(kv.second);
  return out;
}

template <typename T, typename F>
std::vector<T> List(const YAML::Node& n, F decode) {
  std::vector<T> out;
  if (!n || n.IsNull()) return out;
  if (!n.IsSequence()) Fail("yaml: line " + std::to_string(Line(n)) + ": cannot unmarshal into a list");
  for (const auto& item : n) out.push_back(decode(item));
  return out;
}

InputSeries DecodeSeries(const YAML::Node& n) {
  CheckKeys(n, "series", {"series", "values"});
  return {Str(n["series"]), Str(n["values"])};
}

ExpectedAlert DecodeAlert(const YAML::Node& n) {
  CheckKeys(n, "alert", {"exp_labels", "exp_annotations"});
  return {StringMap(n["exp_labels"]), StringMap(n["exp_annotations"])};
}

AlertTestCase DecodeAlertTest(const YAML::Node& n) {
  CheckKeys(n, "alertTestCase", {"eval_time", "alertname", "exp_alerts"});
  return {Duration(n["eval_time"]), Str(n["alertname"]), List<ExpectedAlert>(n["exp_alerts"], DecodeAlert)};
}

ExpectedSample DecodeSample(const YAML::Node& n) {
  CheckKeys(n, "sample", {"labels", "value"});
  return {Str(n["labels"]), Float(n["value"])};
}

PromqlTestCase DecodePromqlTest(const YAML::Node& n) {
  CheckKeys(n, "promqlTestCase", {"expr", "eval_time", "exp_samples"});
  return {Str(n["expr"]), Duration(n["eval_time"]), List<ExpectedSample>(n["exp_samples"], DecodeSample)};
}

TestGroup DecodeTestGroup(const YAML::Node& n) {
  CheckKeys(n, "testGroup",
            {"interval", "input_series", "alert_rule_test", "promql_expr_test", "external_labels", "external_url",
             "name"});
  TestGroup g;
  g.interval_ms = Duration(n["interval"]);
  g.input_series = List<InputSeries>(n["input_series"], DecodeSeries);
  g.alert_rule_tests = List<AlertTestCase>(n["alert_rule_test"], DecodeAlertTest);
  g.promql_expr_tests = List<PromqlTestCase>(n["promql_expr_test"], DecodePromqlTest);
  std::vector<storage::Label> labels;
  for (auto& [k, v] : StringMap(n["external_labels"])) labels.push_back({k, v});
  g.external_labels = storage::Labels::FromSorted(std::move(labels));
  g.external_url = Str(n["external_url"]);
  g.name = Str(n["name"]);
  return g;
}

}  // namespace

Result<TestFile> ParseTestFile(std::string_view yaml) {
  try {
    YAML::Node root = YAML::Load(std::string(yaml));
    TestFile f;
    if (!root || root.IsNull()) return f;
    CheckKeys(root, "unitTestFile", {"rule_files", "evaluation_interval", "group_eval_order", "tests"});
    f.rule_files = Strings(root["rule_files"]);
    f.evaluation_interval_ms = Duration(root["evaluation_interval"]);
    if (f.evaluation_interval_ms == 0) f.evaluation_interval_ms = 60'000;
    f.group_eval_order = Strings(root["group_eval_order"]);
    f.tests = List<TestGroup>(root["tests"], DecodeTestGroup);
    return f;
  } catch (const DecodeError& e) {
    return Status::InvalidArgument(e.message);
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument("yaml: line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
}

}  // namespace cairn::rules::unittest
