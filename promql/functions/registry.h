// The engine's implementations of PromQL functions, looked up by name. The
// signature table the parser checks lives in promql/functions_table.h; this is
// the other half: what each function computes. Families live one per file
// (rate.cc, over_time.cc, math.cc, label.cc, time.cc, histogram.cc, sort.cc,
// misc.cc, info.cc).
//
// Two shapes:
//   - RangeFunction: a function of one range-vector argument, called once per
//     series and step with the samples in that step's window (rate,
//     *_over_time, ...). Other arguments are scalars, one value per step.
//   - VectorFunction: gets every argument evaluated over all steps and returns
//     the node's value (abs, label_replace, histogram_quantile, ...).
// Thread-safety: the tables are immutable static data.
#pragma once

#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "promql/ast.h"
#include "promql/eval/evaluator.h"
#include "promql/eval/step_value.h"
#include "promql/value.h"

namespace cairn::promql::functions {

// One step's window of one series for a RangeFunction.
struct RangeWindow {
  std::span<const FPoint> points;  // samples in (range_start_ms, range_end_ms], no stale markers
  std::span<const int64_t> starts; // their start timestamps (0 = none); empty when none has one
  int64_t range_start_ms = 0;      // exclusive
  int64_t range_end_ms = 0;        // inclusive
  int64_t range_ms = 0;
  int64_t t_ms = 0;                // the step's evaluation time
  std::span<const double> params;  // the scalar arguments at this step, in order
  const storage::Labels* metric = nullptr;  // the series' labels
  std::string_view metric_name;              // metric->MetricName(), looked up once per series
  bool from_selector = true;       // false when the argument is a subquery
};

// Context for annotations and errors.
struct FuncContext {
  eval::Evaluator& ev;
  const Call& call;
  const Expr& expr;
};

using RangeFn = std::optional<double> (*)(const RangeWindow& w, FuncContext& ctx);

struct RangeFunction {
  RangeFn fn;
  bool keep_name = false;  // last_over_time and first_over_time keep __name__
};

using VectorFn = eval::StepValue (*)(std::vector<eval::StepValue>& args, FuncContext& ctx);

const RangeFunction* FindRangeFunction(std::string_view name);
VectorFn FindVectorFunction(std::string_view name);

// Per-family tables, merged by the lookups above.
using RangeTable = std::vector<std::pair<std::string_view, RangeFunction>>;
using VectorTable = std::vector<std::pair<std::string_view, VectorFn>>;
RangeTable RateFunctions();
RangeTable OverTimeFunctions();
VectorTable MathFunctions();
VectorTable LabelFunctions();
VectorTable TimeFunctions();
VectorTable HistogramFunctions();
VectorTable SortFunctions();
VectorTable MiscFunctions();

// info(): evaluated from the call's syntax (its second argument is a
// selector naming info series, not a value).
eval::StepValue InfoCall(eval::Evaluator& ev, const Call& call, const Expr& e);

// Applies `f` to every point of a vector argument; the result drops __name__.
eval::StepValue MapVector(eval::StepValue v, double (*f)(double));

}  // namespace cairn::promql::functions
