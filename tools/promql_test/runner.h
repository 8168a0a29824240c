// Runner: executes PromQL test scripts against the engine (FORMAT.md §8).
// Each file starts with a fresh MemoryStorage; `load` writes through its
// Appender, `eval` runs the Engine (with the step-invariance re-runs and the
// range-mode cross-check), `clear` empties the storage.
// Thread-safety: single-threaded.
#pragma once

#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "promql/engine.h"
#include "tools/promql_test/commands.h"

namespace cairn::promql_test {

struct FileCounts {
  int passed = 0;
  int failed = 0;
  int skipped = 0;
  std::map<std::string, int> skip_reasons;  // reason -> evals skipped for it
};

class Runner {
 public:
  // `max_samples` is the engine's sample limit (upstream's suite uses 10000).
  explicit Runner(int64_t max_samples = 10000) : max_samples_(max_samples) {}

  // Runs one script file. Failing evals are printed to `out` as
  // "<file>:<line>: <query>" plus a short diff, and recorded as
  // "<basename>:<line>" in failures().
  FileCounts RunFile(const std::string& path, std::ostream& out);

  const std::vector<std::string>& failures() const { return failures_; }
  const std::vector<std::string>& passes() const { return passes_; }

 private:
  std::vector<std::string> failures_;
  std::vector<std::string> passes_;
  int64_t max_samples_;
};

}  // namespace cairn::promql_test
