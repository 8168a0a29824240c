// Runs one test group of a rule unit-test file the way promtool 2.42 does
// (cmd/promtool/unittest.go, testGroup.test): fresh in-memory storage fed from the input series
// as time advances, the rule files loaded into groups (the test group's `interval` as their
// default interval, its external labels and URL), every group evaluated in order at each
// evaluation_interval step from 0 to the largest eval_time, alerts compared at the last
// evaluation at or before each alert test's eval_time, then the PromQL tests queried.
// Thread-safety: a pure function of its arguments (all state is local).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "rules/unittest/test_file.h"

namespace cairn::rules::unittest {

struct TestGroupContext {
  int64_t evaluation_interval_ms = 60'000;
  // group name -> position in group_eval_order; groups not named sort as position 0.
  std::map<std::string, int> group_order;
  std::vector<std::string> rule_files;  // resolved paths
};

// Returns the failures, each in promtool's words (empty = the group passed). A rule that fails
// to evaluate ends the group at that step, as in promtool.
std::vector<std::string> RunTestGroup(const TestGroup& group, const TestGroupContext& ctx);

}  // namespace cairn::rules::unittest
