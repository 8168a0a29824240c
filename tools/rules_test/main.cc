// cairn-rules-test: runs rule unit-test files in promtool's format, as
// `promtool test rules <file>...` does, with Cairn's rule engine (to become `cairnctl test rules`).
// Exit code 0 when every file passes, 1 when one fails, 2 on bad usage.
#include <iostream>
#include <string>
#include <vector>

#include "rules/unittest/test_file_run.h"

int main(int argc, char** argv) {
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      std::cout << "usage: cairn-rules-test <test-file>...\n\n"
                   "Unit tests for rules, in promtool's test file format (rule_files, evaluation_interval,\n"
                   "group_eval_order, tests with input_series, alert_rule_test, promql_expr_test).\n";
      return 0;
    }
    files.push_back(arg);
  }
  if (files.empty()) {
    std::cerr << "cairn-rules-test: no test files given (see --help)\n";
    return 2;
  }
  return cairn::rules::unittest::RunTestFiles(files, std::cout, std::cerr) ? 0 : 1;
}
