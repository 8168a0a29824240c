// Runs rule unit-test files as `promtool test rules <files>` does (cmd/promtool/unittest.go,
// RulesUnitTest): for each file "Unit Testing:  <file>" on `out`, then "  SUCCESS" on `out`, or
// "  FAILED:" and each failure on `err`. Rule files are resolved relative to the test file and
// globbed; group_eval_order must not repeat a name.
// Thread-safety: single-threaded (writes to the given streams).
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace cairn::rules::unittest {

// Returns true when every test group of the file passed.
bool RunTestFile(const std::string& path, std::ostream& out, std::ostream& err);

// Runs every file, returning true when all passed (promtool's exit code 0).
bool RunTestFiles(const std::vector<std::string>& paths, std::ostream& out, std::ostream& err);

}  // namespace cairn::rules::unittest
