// Type conversions and query-shape scalars: vector(), scalar(), pi(),
// start(), end(), range(), step(), min_of(), max_of().
#include <cmath>
#include <numbers>

#include "promql/functions/go_math.h"
#include "promql/functions/registry.h"

namespace cairn::promql::functions {

namespace {

using eval::StepValue;


StepValue Vector(std::vector<StepValue>& args, FuncContext& ctx) {
  StepValue v;
  v.type = ValueType::kVector;
  Series s;
  for (size_t i = 0; i < args[0].scalars.size(); ++i) s.floats.push_back({ctx.ev.StepTime(i), args[0].scalars[i]});
  v.series.push_back(std::move(s));
  return v;
}

StepValue Scalar(std::vector<StepValue>& args, FuncContext& ctx) {
  StepValue v = ctx.ev.ScalarValue(NAN);
  std::vector<int> count(v.scalars.size(), 0);
  for (const auto& s : args[0].series) {
    for (const auto& p : s.floats) {
      size_t i = static_cast<size_t>((p.t_ms - ctx.ev.start_ms()) / ctx.ev.step_ms());
      if (++count[i] == 1) v.scalars[i] = p.f;
    }
  }
  for (size_t i = 0; i < count.size(); ++i) {
    if (count[i] != 1) v.scalars[i] = NAN;
  }
  return v;
}

StepValue Pi(std::vector<StepValue>&, FuncContext& ctx) { return ctx.ev.ScalarValue(std::numbers::pi); }
StepValue Start(std::vector<StepValue>&, FuncContext& ctx) {
  return ctx.ev.ScalarValue(static_cast<double>(ctx.ev.query_start_ms()) / 1000.0);
}
StepValue End(std::vector<StepValue>&, FuncContext& ctx) {
  return ctx.ev.ScalarValue(static_cast<double>(ctx.ev.query_end_ms()) / 1000.0);
}
StepValue Range(std::vector<StepValue>&, FuncContext& ctx) {
  return ctx.ev.ScalarValue(static_cast<double>(ctx.ev.query_end_ms() - ctx.ev.query_start_ms()) / 1000.0);
}
StepValue Step(std::vector<StepValue>&, FuncContext& ctx) {
  return ctx.ev.ScalarValue(static_cast<double>(ctx.ev.query_step_ms()) / 1000.0);
}

StepValue MinOf(std::vector<StepValue>& args, FuncContext&) {
  StepValue v = std::move(args[0]);
  for (size_t i = 0; i < v.scalars.size(); ++i) v.scalars[i] = GoMin(v.scalars[i], args[1].scalars[i]);
  return v;
}
StepValue MaxOf(std::vector<StepValue>& args, FuncContext&) {
  StepValue v = std::move(args[0]);
  for (size_t i = 0; i < v.scalars.size(); ++i) v.scalars[i] = GoMax(v.scalars[i], args[1].scalars[i]);
  return v;
}

}  // namespace

VectorTable MiscFunctions() {
  return {
      {"vector", Vector}, {"scalar", Scalar}, {"pi", Pi},        {"start", Start},   {"end", End},
      {"range", Range},   {"step", Step},     {"min_of", MinOf}, {"max_of", MaxOf},
  };
}

}  // namespace cairn::promql::functions
