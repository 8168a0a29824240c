// Kahan-Neumaier compensated summation, as Prometheus uses for sum, avg and
// the *_over_time functions.
#pragma once

#include <cmath>
#include <vector>

namespace cairn::promql::eval {

// Adds `inc` to `sum`, tracking the lost low-order bits in `comp`. The
// result is sum + comp.
inline void KahanInc(double inc, double& sum, double& comp) {
  double t = sum + inc;
  if (std::isinf(t)) {
    comp = 0;
  } else if (std::fabs(sum) >= std::fabs(inc)) {
    comp += (sum - t) + inc;
  } else {
    comp += (inc - t) + sum;
  }
  sum = t;
}

// Prometheus' quantile over values (weighted between neighbours); NaN q or
// no values → NaN, q < 0 → -Inf, q > 1 → +Inf.
double Quantile(double q, std::vector<double> values);

}  // namespace cairn::promql::eval
