// Element-wise math on instant vectors: abs, ceil, floor, exp, sqrt, ln,
// log2, log10, sgn, trigonometry, deg, rad, round, clamp, clamp_min,
// clamp_max. Every result drops __name__.
#include <cmath>
#include <numbers>

#include "promql/functions/go_math.h"
#include "promql/functions/registry.h"

namespace cairn::promql::functions {

namespace {

using eval::StepValue;

template <double (*F)(double)>
StepValue Simple(std::vector<StepValue>& args, FuncContext&) {
  return MapVector(std::move(args[0]), F);
}

double Abs(double v) { return std::fabs(v); }
double Ceil(double v) { return std::ceil(v); }
double Floor(double v) { return std::floor(v); }
double Exp(double v) { return std::exp(v); }
double Sqrt(double v) { return std::sqrt(v); }
double Ln(double v) { return std::log(v); }
double Log2(double v) { return std::log2(v); }
double Log10(double v) { return std::log10(v); }
double Sgn(double v) { return v < 0 ? -1 : (v > 0 ? 1 : v); }
double Sin(double v) { return std::sin(v); }
double Cos(double v) { return std::cos(v); }
double Tan(double v) { return std::tan(v); }
double Asin(double v) { return std::asin(v); }
double Acos(double v) { return std::acos(v); }
double Atan(double v) { return std::atan(v); }
double Sinh(double v) { return std::sinh(v); }
double Cosh(double v) { return std::cosh(v); }
double Tanh(double v) { return std::tanh(v); }
double Asinh(double v) { return std::asinh(v); }
double Acosh(double v) { return std::acosh(v); }
double Atanh(double v) { return std::atanh(v); }
double Deg(double v) { return v * 180 / std::numbers::pi; }
double Rad(double v) { return v * std::numbers::pi / 180; }

size_t StepOf(const FuncContext& ctx, int64_t t) {
  return static_cast<size_t>((t - ctx.ev.start_ms()) / ctx.ev.step_ms());
}

StepValue Round(std::vector<StepValue>& args, FuncContext& ctx) {
  StepValue v = std::move(args[0]);
  for (auto& s : v.series) {
    for (auto& p : s.floats) {
      double to_nearest = args.size() > 1 ? args[1].scalars[StepOf(ctx, p.t_ms)] : 1.0;
      double inv = 1.0 / to_nearest;
      p.f = std::floor(p.f * inv + 0.5) / inv;
    }
    s.drop_name = true;
  }
  return v;
}

// Clamps between per-step bounds; a step whose max < min yields no sample.
StepValue ClampImpl(StepValue v, const std::vector<double>* lo, const std::vector<double>* hi, FuncContext& ctx) {
  for (auto& s : v.series) {
    std::vector<FPoint> kept;
    for (const auto& p : s.floats) {
      size_t i = StepOf(ctx, p.t_ms);
      double mn = lo ? (*lo)[i] : -INFINITY, mx = hi ? (*hi)[i] : INFINITY;
      if (lo && hi && mx < mn) continue;
      // math.Max(min, math.Min(max, v)), with Go's infinities-before-NaN rules.
      double f = p.f;
      if (hi) f = GoMin(mx, f);
      if (lo) f = GoMax(mn, f);
      kept.push_back({p.t_ms, f});
    }
    s.floats = std::move(kept);
    s.drop_name = true;
  }
  std::erase_if(v.series, [](const Series& s) { return s.floats.empty(); });
  return v;
}

StepValue Clamp(std::vector<StepValue>& args, FuncContext& ctx) {
  return ClampImpl(std::move(args[0]), &args[1].scalars, &args[2].scalars, ctx);
}
StepValue ClampMin(std::vector<StepValue>& args, FuncContext& ctx) {
  return ClampImpl(std::move(args[0]), &args[1].scalars, nullptr, ctx);
}
StepValue ClampMax(std::vector<StepValue>& args, FuncContext& ctx) {
  return ClampImpl(std::move(args[0]), nullptr, &args[1].scalars, ctx);
}

}  // namespace

VectorTable MathFunctions() {
  return {
      {"abs", Simple<Abs>},     {"ceil", Simple<Ceil>},   {"floor", Simple<Floor>}, {"exp", Simple<Exp>},
      {"sqrt", Simple<Sqrt>},   {"ln", Simple<Ln>},       {"log2", Simple<Log2>},   {"log10", Simple<Log10>},
      {"sgn", Simple<Sgn>},     {"sin", Simple<Sin>},     {"cos", Simple<Cos>},     {"tan", Simple<Tan>},
      {"asin", Simple<Asin>},   {"acos", Simple<Acos>},   {"atan", Simple<Atan>},   {"sinh", Simple<Sinh>},
      {"cosh", Simple<Cosh>},   {"tanh", Simple<Tanh>},   {"asinh", Simple<Asinh>}, {"acosh", Simple<Acosh>},
      {"atanh", Simple<Atanh>}, {"deg", Simple<Deg>},     {"rad", Simple<Rad>},     {"round", Round},
      {"clamp", Clamp},         {"clamp_min", ClampMin},  {"clamp_max", ClampMax},
  };
}

}  // namespace cairn::promql::functions
