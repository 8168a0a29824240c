// The one list of evals the PromQL test runner skips, each with its reason.
// Cairn's engine has no native histograms, so evals that load, read or
// expect them are skipped rather than counted as failures.
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>

#include "tools/promql_test/commands.h"

namespace cairn::promql_test {

// What the runner knows about an eval when deciding whether to skip it.
struct EvalFacts {
  std::string file_basename;
  bool reads_histogram_series = false;  // a query selected a series that held histogram samples
};

// The reason to skip, or nullopt to run (and count) the eval.
std::optional<std::string> SkipReason(const EvalCommand& cmd, const EvalFacts& facts);

}  // namespace cairn::promql_test
