// Go's math.Max and math.Min, which PromQL's clamp*, min/max of scalars and
// friends use: an infinity in the right direction wins even over NaN, then
// NaN wins, and +0/-0 are ordered.
// Thread-safety: pure functions.
#pragma once

#include <cmath>

namespace cairn::promql::functions {

inline double GoMax(double x, double y) {
  if ((std::isinf(x) && x > 0) || (std::isinf(y) && y > 0)) return INFINITY;
  if (std::isnan(x) || std::isnan(y)) return NAN;
  if (x == 0 && x == y) return std::signbit(x) ? y : x;
  return x > y ? x : y;
}

inline double GoMin(double x, double y) {
  if ((std::isinf(x) && x < 0) || (std::isinf(y) && y < 0)) return -INFINITY;
  if (std::isnan(x) || std::isnan(y)) return NAN;
  if (x == 0 && x == y) return std::signbit(x) ? x : y;
  return x < y ? x : y;
}

}  // namespace cairn::promql::functions
