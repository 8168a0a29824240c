// promql-test: runs PromQL test scripts against Cairn's engine.
//   promql-test [--expected-failures FILE] [--max-samples N] [--suite NAME] files...
// Prints per-file counts, per-suite counts (`--suite NAME` names the files
// after it, e.g. Prometheus' upstream scripts and Cairn's own) and one final
// line `promql: N passed, M failed, K skipped` over all of them. Exits non-zero when an eval fails that the expected-failures file
// does not list, or when a listed eval passes (the list only shrinks).
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "tools/promql_test/runner.h"

namespace {

std::set<std::string> ReadExpectedFailures(const std::string& path, bool& ok) {
  std::set<std::string> out;
  std::ifstream in(path);
  ok = static_cast<bool>(in);
  std::string line;
  while (std::getline(in, line)) {
    size_t b = line.find_first_not_of(" \t\r");
    if (b == std::string::npos || line[b] == '#') continue;
    size_t e = line.find_last_not_of(" \t\r");
    out.insert(line.substr(b, e - b + 1));
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::string expected_path;
  std::vector<std::pair<std::string, std::string>> files;  // (suite, path)
  std::string suite;
  int64_t max_samples = 10000;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--expected-failures" && i + 1 < argc) {
      expected_path = argv[++i];
    } else if (a == "--max-samples" && i + 1 < argc) {
      max_samples = std::atoll(argv[++i]);
    } else if (a.rfind("--expected-failures=", 0) == 0) {
      expected_path = a.substr(20);
    } else if (a == "--suite" && i + 1 < argc) {
      suite = argv[++i];
    } else {
      files.emplace_back(suite, a);
    }
  }
  if (files.empty()) {
    std::cerr << "usage: promql-test [--expected-failures FILE] [--max-samples N] [--suite NAME] files...\n";
    return 2;
  }
  std::set<std::string> expected;
  if (!expected_path.empty()) {
    bool ok;
    expected = ReadExpectedFailures(expected_path, ok);
    if (!ok) {
      std::cerr << "cannot read " << expected_path << "\n";
      return 2;
    }
  }
  cairn::promql_test::Runner runner(max_samples);
  cairn::promql_test::FileCounts total;
  std::vector<std::pair<std::string, cairn::promql_test::FileCounts>> suites;
  for (const auto& [name, f] : files) {
    auto c = runner.RunFile(f, std::cout);
    std::cout << f << ": " << c.passed << " passed, " << c.failed << " failed, " << c.skipped << " skipped\n";
    if (suites.empty() || suites.back().first != name) suites.emplace_back(name, cairn::promql_test::FileCounts{});
    for (auto* sum : {&total, &suites.back().second}) {
      sum->passed += c.passed;
      sum->failed += c.failed;
      sum->skipped += c.skipped;
    }
    for (const auto& [reason, n] : c.skip_reasons) std::cout << "  skipped " << n << ": " << reason << "\n";
  }
  for (const auto& [name, c] : suites) {
    if (name.empty()) continue;
    std::cout << "suite " << name << ": " << (c.passed + c.failed + c.skipped) << " evals (" << c.passed
              << " passed, " << c.failed << " failed, " << c.skipped << " skipped)\n";
  }
  int unexpected = 0;
  for (const auto& id : runner.failures()) {
    if (!expected.count(id)) {
      std::cout << "unexpected failure: " << id << "\n";
      unexpected++;
    }
  }
  for (const auto& id : runner.passes()) {
    if (expected.count(id)) {
      std::cout << "listed in expected failures but passes (remove it): " << id << "\n";
      unexpected++;
    }
  }
  std::cout << "promql: " << total.passed << " passed, " << total.failed << " failed, " << total.skipped
            << " skipped\n";
  return unexpected == 0 ? 0 : 1;
}
