// Classic-histogram functions over `le` bucket series: histogram_quantile and
// histogram_fraction. Native histograms are out of Cairn's scope, so the
// histogram_* functions that only read native histograms (count, sum, avg,
// stddev, stdvar) return nothing for float input, as Prometheus does.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <unordered_map>

#include "promql/eval/kahan.h"
#include "promql/functions/registry.h"
#include "promql/value_format.h"
#include "util/go_strconv.h"

namespace cairn::promql::functions {

namespace {

using eval::StepValue;

struct Bucket {
  double upper;
  double count;
};

bool AlmostEqual(double a, double b, double eps) {
  if (a == b) return true;
  double diff = std::fabs(a - b);
  const double min_normal = 2.2250738585072014e-308;
  if (a == 0 || b == 0 || std::fabs(a) + std::fabs(b) < min_normal) return diff < eps * min_normal;
  return diff / std::fmin(std::fabs(a) + std::fabs(b), 1.79769313486231570e+308) < eps;
}

// Prometheus' bucketQuantile over classic buckets; sets forced_monotonic when
// cumulative counts had to be repaired.
double BucketQuantile(double q, std::vector<Bucket> b, bool& forced_monotonic) {
  forced_monotonic = false;
  if (std::isnan(q)) return NAN;
  if (q < 0) return -INFINITY;
  if (q > 1) return INFINITY;
  std::sort(b.begin(), b.end(), [](const Bucket& x, const Bucket& y) { return x.upper < y.upper; });
  if (b.empty() || !std::isinf(b.back().upper) || b.back().upper < 0) return NAN;
  std::vector<Bucket> c;
  for (const auto& x : b) {
    if (!c.empty() && c.back().upper == x.upper) {
      c.back().count += x.count;
    } else {
      c.push_back(x);
    }
  }
  double prev = c[0].count;
  for (size_t i = 1; i < c.size(); ++i) {
    double cur = c[i].count;
    if (cur == prev) continue;
    if (AlmostEqual(prev, cur, 1e-12)) {
      c[i].count = prev;
      continue;
    }
    if (cur < prev) {
      c[i].count = prev;
      forced_monotonic = true;
      continue;
    }
    prev = cur;
  }
  if (c.size() < 2) return NAN;
  double observations = c.back().count;
  if (observations == 0) return NAN;
  double rank = q * observations;
  size_t idx = 0;
  while (idx < c.size() - 1 && c[idx].count < rank) ++idx;
  if (idx == c.size() - 1) return c[c.size() - 2].upper;
  if (idx == 0 && c[0].upper <= 0) return c[0].upper;
  double start = 0, end = c[idx].upper, count = c[idx].count;
  if (idx > 0) {
    start = c[idx - 1].upper;
    count -= c[idx - 1].count;
    rank -= c[idx - 1].count;
  }
  return start + (end - start) * (rank / count);
}

// `le` as Prometheus reads it, with Go's strconv.ParseFloat: no blanks, hex
// only with a p exponent, no "nan(...)"; an out-of-range value fails too.
bool ParseLe(std::string_view s, double& out) {
  GoFloat f = GoParseFloat(s);
  out = f.value;
  return f.error == GoNumError::kNone;
}

// Groups the `le` bucket series of `m` by their other labels and calls
// f(step, group labels, buckets) for every step where a group has buckets.
template <typename F>
StepValue OverBuckets(const Matrix& m, const Expr& arg, FuncContext& ctx, F f) {
  std::unordered_map<storage::Labels, size_t, storage::LabelsHash> index;
  std::vector<storage::Labels> group_labels;
  std::vector<std::vector<std::pair<size_t, double>>> members;  // (series, upper bound)
  for (size_t s = 0; s < m.size(); ++s) {
    double le;
    std::string_view le_text = m[s].metric.Get("le");
    if (!ParseLe(le_text, le)) {
      ctx.ev.Warn(arg, "bucket label \"le\" is missing or has a malformed value of " +
                           GoQuote(std::string(le_text)) + " for metric name " +
                           GoQuote(std::string(m[s].metric.MetricName())));
      continue;
    }
    storage::Labels gl = m[s].metric.Without("le");
    auto [it, inserted] = index.emplace(gl, group_labels.size());
    if (inserted) {
      group_labels.push_back(gl);
      members.emplace_back();
    }
    members[it->second].emplace_back(s, le);
  }
  StepValue out;
  out.type = ValueType::kVector;
  out.series.resize(group_labels.size());
  for (size_t g = 0; g < group_labels.size(); ++g) {
    out.series[g].metric = group_labels[g];
    out.series[g].drop_name = true;
  }
  std::vector<size_t> cursor(m.size(), 0);
  for (size_t i = 0; i < ctx.ev.num_steps(); ++i) {
    int64_t t = ctx.ev.StepTime(i);
    for (size_t g = 0; g < members.size(); ++g) {
      std::vector<Bucket> buckets;
      for (const auto& [s, le] : members[g]) {
        const auto& pts = m[s].floats;
        size_t& c = cursor[s];
        while (c < pts.size() && pts[c].t_ms < t) ++c;
        if (c < pts.size() && pts[c].t_ms == t) buckets.push_back({le, pts[c].f});
      }
      if (buckets.empty()) continue;
      out.series[g].floats.push_back({t, f(i, group_labels[g], std::move(buckets))});
    }
  }
  std::erase_if(out.series, [](const Series& s) { return s.floats.empty(); });
  return out;
}

void MonotonicityInfo(const storage::Labels& labels, FuncContext& ctx) {
  ctx.ev.Info(*ctx.call.args[ctx.call.name == "histogram_quantile" ? 1 : 0],
              "input to histogram_quantile needed to be fixed for monotonicity (see "
              "https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile) "
              "for metric name " + GoQuote(std::string(labels.MetricName())));
}

void WarnQuantile(double q, const Expr& pos, FuncContext& ctx) {
  if (std::isnan(q) || q < 0 || q > 1) {
    ctx.ev.Warn(pos, "quantile value should be between 0 and 1, got " + FormatGoG(q));
  }
}

StepValue HistogramQuantile(std::vector<StepValue>& args, FuncContext& ctx) {
  const std::vector<double>& qs = args[0].scalars;
  for (double q : qs) WarnQuantile(q, *ctx.call.args[0], ctx);
  return OverBuckets(args[1].series, *ctx.call.args[1], ctx,
                     [&](size_t i, const storage::Labels& labels, std::vector<Bucket> buckets) {
                       double q = qs[i];
                       bool forced = false;
                       double v = BucketQuantile(q, std::move(buckets), forced);
                       if (forced) MonotonicityInfo(labels, ctx);
                       return v;
                     });
}

// histogram_quantiles(v, "label", q1, q2, ...): one output series per
// quantile, told apart by `label` (the quantile as labels.FormatOpenMetricsFloat
// writes it: "0.0", "0.25", "1e-05").
StepValue HistogramQuantiles(std::vector<StepValue>& args, FuncContext& ctx) {
  const std::string& label = args[1].str;
  StepValue out;
  out.type = ValueType::kVector;
  for (size_t a = 2; a < args.size(); ++a) {
    const std::vector<double>& qs = args[a].scalars;
    for (double q : qs) WarnQuantile(q, *ctx.call.args[a], ctx);
    StepValue one = OverBuckets(args[0].series, *ctx.call.args[0], ctx,
                                [&](size_t i, const storage::Labels& labels, std::vector<Bucket> buckets) {
                                  bool forced = false;
                                  double v = BucketQuantile(qs[i], std::move(buckets), forced);
                                  if (forced) MonotonicityInfo(labels, ctx);
                                  return v;
                                });
    const std::string text = FormatOpenMetricsFloat(qs.empty() ? 0 : qs[0]);
    for (auto& s : one.series) {
      s.metric = s.metric.With(label, text);
      out.series.push_back(std::move(s));
    }
  }
  return out;
}

// Prometheus' BucketFraction: the share of observations in [lower, upper],
// interpolating linearly inside buckets (the first bucket starts at 0 when its
// bound is positive; an infinitely wide bucket is not interpolated).
double BucketFraction(double lower, double upper, std::vector<Bucket> b) {
  std::sort(b.begin(), b.end(), [](const Bucket& x, const Bucket& y) { return x.upper < y.upper; });
  if (b.empty() || !std::isinf(b.back().upper) || b.back().upper < 0) return NAN;
  std::vector<Bucket> c;
  for (const auto& x : b) {
    if (!c.empty() && c.back().upper == x.upper) {
      c.back().count += x.count;
    } else {
      c.push_back(x);
    }
  }
  double count = c.back().count;
  if (count == 0 || std::isnan(lower) || std::isnan(upper)) return NAN;
  if (lower >= upper) return 0;
  double rank = 0, lower_rank = 0, upper_rank = 0;
  bool lower_set = false, upper_set = false;
  for (size_t i = 0; i < c.size(); ++i) {
    double lb = i > 0 ? c[i - 1].upper : (c[i].upper > 0 ? 0 : -INFINITY);
    double ub = c[i].upper;
    auto interpolate = [&](double v) {
      if (std::isinf(lb) || std::isinf(ub)) return std::isinf(lb) ? c[i].count : rank;
      return rank + (c[i].count - rank) * (v - lb) / (ub - lb);
    };
    if (!lower_set && lb >= lower) {
      lower_rank = rank;
      lower_set = true;
    }
    if (!upper_set && lb >= upper) {
      upper_rank = rank;
      upper_set = true;
    }
    if (lower_set && upper_set) break;
    if (!lower_set && lb < lower && ub > lower) {
      lower_rank = interpolate(lower);
      lower_set = true;
    }
    if (!upper_set && lb < upper && ub > upper) {
      upper_rank = interpolate(upper);
      upper_set = true;
    }
    if (lower_set && upper_set) break;
    rank = c[i].count;
  }
  if (!lower_set || lower_rank > count) lower_rank = count;
  if (!upper_set || upper_rank > count) upper_rank = count;
  return (upper_rank - lower_rank) / count;
}

StepValue HistogramFraction(std::vector<StepValue>& args, FuncContext& ctx) {
  const std::vector<double>& lo = args[0].scalars;
  const std::vector<double>& hi = args[1].scalars;
  return OverBuckets(args[2].series, *ctx.call.args[2], ctx,
                     [&](size_t i, const storage::Labels&, std::vector<Bucket> buckets) {
                       return BucketFraction(lo[i], hi[i], std::move(buckets));
                     });
}

// Functions defined only on native histograms: no output for float input.
StepValue NativeOnly(std::vector<StepValue>&, FuncContext&) {
  StepValue v;
  v.type = ValueType::kVector;
  return v;
}

}  // namespace

VectorTable HistogramFunctions() {
  return {
      {"histogram_quantile", HistogramQuantile}, {"histogram_count", NativeOnly},
      {"histogram_sum", NativeOnly},             {"histogram_avg", NativeOnly},
      {"histogram_stddev", NativeOnly},          {"histogram_stdvar", NativeOnly},
      {"histogram_fraction", HistogramFraction},
      {"histogram_quantiles", HistogramQuantiles},
  };
}

}  // namespace cairn::promql::functions
