#include "promql/functions/registry.h"

#include <unordered_map>

namespace cairn::promql::functions {

namespace {

const std::unordered_map<std::string_view, RangeFunction>& RangeMap() {
  static const auto* m = [] {
    auto* out = new std::unordered_map<std::string_view, RangeFunction>();
    for (auto& [k, v] : RateFunctions()) out->emplace(k, v);
    for (auto& [k, v] : OverTimeFunctions()) out->emplace(k, v);
    return out;
  }();
  return *m;
}

const std::unordered_map<std::string_view, VectorFn>& VectorMap() {
  static const auto* m = [] {
    auto* out = new std::unordered_map<std::string_view, VectorFn>();
    for (auto* table : {MathFunctions, LabelFunctions, TimeFunctions, HistogramFunctions, SortFunctions,
                        MiscFunctions}) {
      for (auto& [k, v] : table()) out->emplace(k, v);
    }
    return out;
  }();
  return *m;
}

}  // namespace

const RangeFunction* FindRangeFunction(std::string_view name) {
  auto it = RangeMap().find(name);
  return it == RangeMap().end() ? nullptr : &it->second;
}

VectorFn FindVectorFunction(std::string_view name) {
  auto it = VectorMap().find(name);
  return it == VectorMap().end() ? nullptr : it->second;
}

eval::StepValue MapVector(eval::StepValue v, double (*f)(double)) {
  for (auto& s : v.series) {
    for (auto& p : s.floats) p.f = f(p.f);
    s.drop_name = true;
  }
  return v;
}

}  // namespace cairn::promql::functions
