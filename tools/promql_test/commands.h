// Commands of a PromQL test script (FORMAT.md §3–§6), as read from the file
// by ScriptParser and executed by Runner. Plain data.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "storage/labels.h"
#include "promql/testing/series_values.h"

namespace cairn::promql_test {

using promql::testing::SeriesValue;

struct LoadSeries {
  storage::Labels labels;
  std::vector<SeriesValue> values;  // position k is at k * interval
  // From a `series@st` line: per position, the start timestamp's offset from
  // the sample's own timestamp (nullopt = none). Empty when there was no line.
  std::vector<std::optional<int64_t>> start_offsets_ms;
};

struct LoadCommand {
  int line = 0;
  int64_t interval_ms = 0;
  bool with_nhcb = false;
  std::vector<LoadSeries> series;
};

struct ClearCommand {
  int line = 0;
};

// One `expect warn|info|fail [msg:|regex:] ...` pattern.
struct MessagePattern {
  enum class Kind { kAny, kExact, kRegex };
  Kind kind = Kind::kAny;
  std::string text;
};

struct ExpectedSeries {
  storage::Labels labels;
  std::vector<SeriesValue> values;
};

struct EvalCommand {
  int line = 0;
  std::string expr;
  bool range = false;
  int64_t at_ms = 0;                 // instant evals
  int64_t start_ms = 0, end_ms = 0;  // range evals
  int64_t step_ms = 0;

  std::optional<MessagePattern> fail;
  std::vector<MessagePattern> warn, info;
  bool no_warn = false, no_info = false;
  bool ordered = false;

  // `expect range vector from T1 to T2 step D` on an instant eval.
  bool expect_range_vector = false;
  int64_t rv_start_ms = 0, rv_end_ms = 0, rv_step_ms = 0;

  std::optional<std::string> expect_string;
  std::optional<double> expect_scalar;
  std::vector<ExpectedSeries> expected;
  bool expects_histogram = false;  // some expected value is a histogram literal
};

using Command = std::variant<LoadCommand, ClearCommand, EvalCommand>;

struct Script {
  std::string path;
  std::vector<Command> commands;
};

}  // namespace cairn::promql_test
