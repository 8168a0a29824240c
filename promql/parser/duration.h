// Resolves Duration values (ranges, offsets, subquery steps) to milliseconds.
// A Duration is either a constant or a 3.x duration expression such as
// `[2m*(10+5)]` or `offset -min_of(step(), 1s)`, whose value may depend on the
// query's step and range; the engine resolves each once per query.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>

#include "promql/ast.h"
#include "util/duration.h"
#include "util/status.h"

namespace cairn::promql::parser {

struct DurationContext {
  int64_t step_ms = 0;   // the range query's step (0 for instant queries)
  int64_t range_ms = 0;  // end - start of the range query (0 for instant queries)
};

// The value of `d` in milliseconds. Fails (InvalidArgument) when the
// expression has a node a duration cannot hold or the value is not finite or
// does not fit an int64 of nanoseconds, as Prometheus requires.
Result<int64_t> EvalDuration(const Duration& d, const DurationContext& ctx);

// The value in seconds of a duration expression tree (see Duration::expr).
Result<double> EvalDurationSeconds(const Expr& e, const DurationContext& ctx);

// Prometheus' duration text: "1h30m", "5m", "0s", "-5m" for negatives (util/duration.h).
using ::cairn::FormatDurationMs;

}  // namespace cairn::promql::parser
