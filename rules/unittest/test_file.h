// The promtool rule unit-test file (`promtool test rules`, cmd/promtool/unittest.go in
// Prometheus 2.42): rule files to load, the evaluation interval, the group order, and test
// groups of input series with alert and PromQL expectations. Plain data plus its parser.
// Thread-safety: plain values and a pure function.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "storage/labels.h"
#include "util/status.h"

namespace cairn::rules::unittest {

// One `input_series` entry: a series in PromQL notation (`up{job="a"}`) and its values in the
// expanding notation (promql/testing/series_values.h), one per test group `interval`.
struct InputSeries {
  std::string series;
  std::string values;
};

// An expected firing alert; `alertname` is added from the test case.
struct ExpectedAlert {
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> annotations;
};

// `alert_rule_test`: the alerts of rule `alertname` firing at `eval_time`.
struct AlertTestCase {
  int64_t eval_time_ms = 0;
  std::string alertname;
  std::vector<ExpectedAlert> exp_alerts;
};

struct ExpectedSample {
  std::string labels;  // a series in PromQL notation; parsed when the case runs
  double value = 0;
};

// `promql_expr_test`: the instant query `expr` at `eval_time`, compared as a set of samples.
struct PromqlTestCase {
  std::string expr;
  int64_t eval_time_ms = 0;
  std::vector<ExpectedSample> exp_samples;
};

struct TestGroup {
  int64_t interval_ms = 0;  // the input series' step, and the rule groups' default interval
  std::vector<InputSeries> input_series;
  std::vector<AlertTestCase> alert_rule_tests;
  std::vector<PromqlTestCase> promql_expr_tests;
  storage::Labels external_labels;
  std::string external_url;
  std::string name;
};

struct TestFile {
  std::vector<std::string> rule_files;     // as written: relative to the test file, may be globs
  int64_t evaluation_interval_ms = 60'000;  // 1m when absent or zero
  std::vector<std::string> group_eval_order;
  std::vector<TestGroup> tests;
};

// Parses a test file strictly, as promtool's yaml.UnmarshalStrict does: an unknown key fails
// with "yaml: unmarshal errors:\n  line N: field K not found in type main.T".
Result<TestFile> ParseTestFile(std::string_view yaml);

}  // namespace cairn::rules::unittest
