// *_over_time aggregations of each series' window, plus the regression
// family (deriv, predict_linear) and double_exponential_smoothing.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "promql/eval/kahan.h"
#include "promql/functions/registry.h"
#include "promql/value_format.h"

namespace cairn::promql::functions {

namespace {

using eval::KahanInc;
using Opt = std::optional<double>;

Opt SumOverTime(const RangeWindow& w, FuncContext&) {
  if (w.points.empty()) return std::nullopt;
  double sum = 0, c = 0;
  for (const auto& p : w.points) KahanInc(p.f, sum, c);
  return sum + c;
}

Opt AvgOverTime(const RangeWindow& w, FuncContext&) {
  const auto& pts = w.points;
  if (pts.empty()) return std::nullopt;
  double sum = pts[0].f, count = 1, mean = 0, c = 0;
  bool incremental = false;
  for (size_t i = 1; i < pts.size(); ++i) {
    double f = pts[i].f;
    count++;
    if (!incremental) {
      double ns = sum, nc = c;
      KahanInc(f, ns, nc);
      if (!std::isinf(ns)) {
        sum = ns;
        c = nc;
        continue;
      }
      incremental = true;
      mean = sum / (count - 1);
      c /= count - 1;
    }
    double q = (count - 1) / count;
    double m = q * mean, mc = q * c;
    KahanInc(f / count, m, mc);
    mean = m;
    c = mc;
  }
  if (incremental) return mean + c;
  return sum / count + c / count;
}

Opt CountOverTime(const RangeWindow& w, FuncContext&) {
  if (w.points.empty()) return std::nullopt;
  return static_cast<double>(w.points.size());
}

Opt PresentOverTime(const RangeWindow& w, FuncContext&) {
  if (w.points.empty()) return std::nullopt;
  return 1.0;
}

Opt MinOverTime(const RangeWindow& w, FuncContext&) {
  if (w.points.empty()) return std::nullopt;
  double v = w.points[0].f;
  for (const auto& p : w.points) {
    if (p.f < v || std::isnan(v)) v = p.f;
  }
  return v;
}

Opt MaxOverTime(const RangeWindow& w, FuncContext&) {
  if (w.points.empty()) return std::nullopt;
  double v = w.points[0].f;
  for (const auto& p : w.points) {
    if (p.f > v || std::isnan(v)) v = p.f;
  }
  return v;
}

Opt TsOfMinOverTime(const RangeWindow& w, FuncContext&) {
  if (w.points.empty()) return std::nullopt;
  double v = w.points[0].f;
  int64_t t = w.points[0].t_ms;
  for (const auto& p : w.points) {
    if (p.f <= v || std::isnan(v)) {
      v = p.f;
      t = p.t_ms;
    }
  }
  return static_cast<double>(t) / 1000.0;
}

Opt TsOfMaxOverTime(const RangeWindow& w, FuncContext&) {
  if (w.points.empty()) return std::nullopt;
  double v = w.points[0].f;
  int64_t t = w.points[0].t_ms;
  for (const auto& p : w.points) {
    if (p.f >= v || std::isnan(v)) {
      v = p.f;
      t = p.t_ms;
    }
  }
  return static_cast<double>(t) / 1000.0;
}

Opt LastOverTime(const RangeWindow& w, FuncContext&) {
  if (w.points.empty()) return std::nullopt;
  return w.points.back().f;
}
Opt FirstOverTime(const RangeWindow& w, FuncContext&) {
  if (w.points.empty()) return std::nullopt;
  return w.points.front().f;
}
Opt TsOfLastOverTime(const RangeWindow& w, FuncContext&) {
  if (w.points.empty()) return std::nullopt;
  return static_cast<double>(w.points.back().t_ms) / 1000.0;
}
Opt TsOfFirstOverTime(const RangeWindow& w, FuncContext&) {
  if (w.points.empty()) return std::nullopt;
  return static_cast<double>(w.points.front().t_ms) / 1000.0;
}

double Variance(const RangeWindow& w) {
  double count = 0, mean = 0, cmean = 0, aux = 0, caux = 0;
  for (const auto& p : w.points) {
    count++;
    double delta = p.f - (mean + cmean);
    KahanInc(delta / count, mean, cmean);
    KahanInc(delta * (p.f - (mean + cmean)), aux, caux);
  }
  return (aux + caux) / count;
}

Opt StdvarOverTime(const RangeWindow& w, FuncContext&) {
  if (w.points.empty()) return std::nullopt;
  return Variance(w);
}
Opt StddevOverTime(const RangeWindow& w, FuncContext&) {
  if (w.points.empty()) return std::nullopt;
  return std::sqrt(Variance(w));
}

std::vector<double> Values(const RangeWindow& w) {
  std::vector<double> v;
  v.reserve(w.points.size());
  for (const auto& p : w.points) v.push_back(p.f);
  return v;
}

Opt QuantileOverTime(const RangeWindow& w, FuncContext& ctx) {
  if (w.points.empty()) return std::nullopt;
  double q = w.params[0];
  if (std::isnan(q) || q < 0 || q > 1) {
    ctx.ev.Warn(*ctx.call.args[0], "quantile value should be between 0 and 1, got " + FormatGoG(q));
  }
  return eval::Quantile(q, Values(w));
}

Opt MadOverTime(const RangeWindow& w, FuncContext&) {
  if (w.points.empty()) return std::nullopt;
  std::vector<double> v = Values(w);
  for (double x : v) {
    if (std::isnan(x)) return NAN;
  }
  double median = eval::Quantile(0.5, v);
  for (double& x : v) x = std::fabs(x - median);
  return eval::Quantile(0.5, v);
}

// Least-squares fit of the points; x in seconds relative to intercept_t_ms.
void LinearRegression(std::span<const FPoint> pts, int64_t intercept_t_ms, double& slope, double& intercept) {
  double n = 0, sx = 0, cx = 0, sy = 0, cy = 0, sxy = 0, cxy = 0, sx2 = 0, cx2 = 0;
  double init_y = pts[0].f;
  bool const_y = true;
  for (size_t i = 0; i < pts.size(); ++i) {
    if (const_y && i > 0 && pts[i].f != init_y) const_y = false;
    n += 1;
    double x = static_cast<double>(pts[i].t_ms - intercept_t_ms) / 1e3;
    KahanInc(x, sx, cx);
    KahanInc(pts[i].f, sy, cy);
    KahanInc(x * pts[i].f, sxy, cxy);
    KahanInc(x * x, sx2, cx2);
  }
  if (const_y) {
    if (std::isinf(init_y)) {
      slope = intercept = std::numeric_limits<double>::quiet_NaN();
      return;
    }
    slope = 0;
    intercept = init_y;
    return;
  }
  sx += cx;
  sy += cy;
  sxy += cxy;
  sx2 += cx2;
  double cov = sxy - sx * sy / n;
  double var = sx2 - sx * sx / n;
  slope = cov / var;
  intercept = sy / n - slope * sx / n;
}

Opt Deriv(const RangeWindow& w, FuncContext&) {
  if (w.points.size() < 2) return std::nullopt;
  double slope, intercept;
  LinearRegression(w.points, w.points[0].t_ms, slope, intercept);
  return slope;
}

Opt PredictLinear(const RangeWindow& w, FuncContext&) {
  if (w.points.size() < 2) return std::nullopt;
  double slope, intercept;
  LinearRegression(w.points, w.t_ms, slope, intercept);
  return slope * w.params[0] + intercept;
}

std::string FormatF6(double v) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%f", v);
  return buf;
}

Opt DoubleExponentialSmoothing(const RangeWindow& w, FuncContext& ctx) {
  double sf = w.params[0], tf = w.params[1];
  if (!(sf > 0 && sf < 1)) ctx.ev.FailExec("invalid smoothing factor. Expected: 0 < sf < 1, got: " + FormatF6(sf));
  if (!(tf > 0 && tf < 1)) ctx.ev.FailExec("invalid trend factor. Expected: 0 < tf < 1, got: " + FormatF6(tf));
  const auto& pts = w.points;
  if (pts.size() < 2) return std::nullopt;
  double s0 = 0, s1 = pts[0].f, b = pts[1].f - pts[0].f;
  for (size_t i = 1; i < pts.size(); ++i) {
    double x = sf * pts[i].f;
    if (i > 1) b = tf * (s1 - s0) + (1 - tf) * b;
    double y = (1 - sf) * (s1 + b);
    s0 = s1;
    s1 = x + y;
  }
  return s1;
}

}  // namespace

RangeTable OverTimeFunctions() {
  return {
      {"sum_over_time", {SumOverTime}},
      {"avg_over_time", {AvgOverTime}},
      {"count_over_time", {CountOverTime}},
      {"present_over_time", {PresentOverTime}},
      {"min_over_time", {MinOverTime}},
      {"max_over_time", {MaxOverTime}},
      {"ts_of_min_over_time", {TsOfMinOverTime}},
      {"ts_of_max_over_time", {TsOfMaxOverTime}},
      {"last_over_time", {LastOverTime, true}},
      {"first_over_time", {FirstOverTime, true}},
      {"ts_of_last_over_time", {TsOfLastOverTime}},
      {"ts_of_first_over_time", {TsOfFirstOverTime}},
      {"stddev_over_time", {StddevOverTime}},
      {"stdvar_over_time", {StdvarOverTime}},
      {"quantile_over_time", {QuantileOverTime}},
      {"mad_over_time", {MadOverTime}},
      {"deriv", {Deriv}},
      {"predict_linear", {PredictLinear}},
      {"double_exponential_smoothing", {DoubleExponentialSmoothing}},
  };
}

}  // namespace cairn::promql::functions
