// Step-invariance variants of instant evals (FORMAT.md §8): pin every
// selector and subquery without `@` to the eval time and re-run the query at
// other times; the results must not change.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <vector>

#include "promql/ast.h"

namespace cairn::promql_test {

// False when the expression calls a time-dependent function (time,
// timestamp, predict_linear, the calendar functions, start/end/range/step)
// outside subqueries; such evals get no variants.
bool AllowsStepInvariance(const promql::Expr& e);

// A copy of `e` with `@ t_ms` on every vector selector, matrix selector and
// subquery that has none (not descending into subqueries).
promql::ExprPtr PinAt(const promql::Expr& e, int64_t t_ms);

// The times the pinned query is re-run at: -10T, 0, T/5, T, 10T, or -1s, 0,
// 1s when T is 0.
std::vector<int64_t> VariantTimes(int64_t t_ms);

}  // namespace cairn::promql_test
