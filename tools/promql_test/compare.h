// Result comparison of the PromQL test runner (FORMAT.md §6, §9): float
// equality with Prometheus' tolerance, annotation matching, and checking an
// engine result against an eval's expectations.
// Thread-safety: pure functions.
#pragma once

#include <string>

#include "promql/engine.h"
#include "tools/promql_test/commands.h"

namespace cairn::promql_test {

// almost.Equal with epsilon 1e-6, with the staleness-marker rule first.
bool AlmostEqual(double a, double b);

// Checks warnings/infos against the eval's expect lines. Returns "" when they
// match, else a short description of the difference.
std::string CheckAnnotations(const EvalCommand& cmd, const promql::Annotations& annos);

// Checks a successful result's value. `range_start_ms`/`range_step_ms`/
// `range_end_ms` place expected matrix values (range evals and `expect range
// vector`).
std::string CheckValue(const EvalCommand& cmd, const promql::Value& value, bool expect_matrix,
                       int64_t range_start_ms, int64_t range_step_ms, int64_t range_end_ms, bool check_order);

}  // namespace cairn::promql_test
