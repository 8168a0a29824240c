// Prometheus 3.x extended range selectors: `x[r] anchored` and `x[r]
// smoothed` for rate/increase/delta (and changes/resets when anchored), and
// smoothed instant selectors.
//
// anchored: the window also holds the last sample at or before its start
// (within the lookback delta), and needs one sample of its own; the change is last - first with counter-reset
// correction, never extrapolated.
// smoothed: the window's edges take values interpolated linearly between the
// samples around them (or the nearest sample when only one side has one);
// nothing when all samples lie before or after the window.
#include <algorithm>

#include "promql/eval/evaluator.h"
#include "storage/sample.h"

namespace cairn::promql::eval {

namespace {

// Value of a series at time b by linear interpolation, searching samples
// within `lookback` on either side. False when there is none. For counters a
// drop between the two samples is a reset: the value rises from 0 instead.
bool Interpolate(const std::vector<FPoint>& pts, int64_t b, int64_t lookback, bool counter, double& out) {
  auto it = std::lower_bound(pts.begin(), pts.end(), b, [](const FPoint& p, int64_t t) { return p.t_ms < t; });
  if (it != pts.end() && it->t_ms == b) {
    out = it->f;
    return true;
  }
  const FPoint* next = (it != pts.end() && it->t_ms - b <= lookback) ? &*it : nullptr;
  const FPoint* prev = (it != pts.begin() && b - (it - 1)->t_ms < lookback) ? &*(it - 1) : nullptr;
  if (prev && next) {
    double frac = static_cast<double>(b - prev->t_ms) / static_cast<double>(next->t_ms - prev->t_ms);
    double from = (counter && next->f < prev->f) ? 0 : prev->f;
    out = from + (next->f - from) * frac;
    return true;
  }
  if (prev || next) {
    out = (prev ? prev : next)->f;
    return true;
  }
  return false;
}

double CounterIncrease(const std::vector<double>& v) {
  double r = v.back() - v.front();
  for (size_t i = 1; i < v.size(); ++i) {
    if (v[i] < v[i - 1]) r += v[i - 1];
  }
  return r;
}

}  // namespace

StepValue Evaluator::EvalExtendedRange(const Call& call, const MatrixSelector& ms, bool smoothed) {
  const std::string& name = call.name;
  RangeArg arg;
  arg.range_ms = ResolveDuration(ms.range);
  arg.offset_ms = ResolveDuration(ms.selector.offset);
  arg.at = ResolveAt(ms.selector.at);
  int64_t lookback = opts_.lookback_delta_ms;
  int64_t lo0, hi0, lo1, hi1;
  WindowOf(arg, 0, lo0, hi0);
  WindowOf(arg, num_steps_ - 1, lo1, hi1);
  Matrix raw = Fetch(ms.selector.matchers, lo0 - lookback, hi1 + (smoothed ? lookback : 0));
  StepValue out;
  out.type = ValueType::kVector;
  std::vector<double> vals;
  for (auto& s : raw) {
    DropStaleMarkers(s);
    const auto& pts = s.floats;
    Series res;
    res.metric = s.metric;
    res.drop_name = true;
    for (size_t i = 0; i < num_steps_; ++i) {
      int64_t lo, hi;
      WindowOf(arg, i, lo, hi);
      auto first = std::upper_bound(pts.begin(), pts.end(), lo, [](int64_t t, const FPoint& p) { return t < p.t_ms; });
      auto last = std::upper_bound(pts.begin(), pts.end(), hi, [](int64_t t, const FPoint& p) { return t < p.t_ms; });
      vals.clear();
      if (smoothed) {
        // Nothing when all data lies before or after the window.
        if (last == pts.begin() || first == pts.end()) continue;
        bool counter = name == "increase" || name == "rate";
        double left, right;
        if (!Interpolate(pts, lo, lookback, counter, left) || !Interpolate(pts, hi, lookback, counter, right)) continue;
        vals.push_back(left);
        for (auto it = first; it != last; ++it) {
          if (it->t_ms != hi) vals.push_back(it->f);
        }
        vals.push_back(right);
      } else {
        if (first == last) continue;
        if (first != pts.begin() && lo - (first - 1)->t_ms < lookback) vals.push_back((first - 1)->f);
        for (auto it = first; it != last; ++it) vals.push_back(it->f);
        if (vals.empty()) continue;
      }
      double v;
      if (name == "increase" || name == "rate") {
        v = CounterIncrease(vals);
        if (name == "rate") v /= static_cast<double>(arg.range_ms) / 1000.0;
      } else if (name == "delta") {
        v = vals.back() - vals.front();
      } else if (name == "resets" || name == "changes") {
        v = 0;
        for (size_t k = 1; k < vals.size(); ++k) {
          if (name == "resets" ? vals[k] < vals[k - 1] : vals[k] != vals[k - 1]) v++;
        }
      } else {
        FailExec("function " + name + " does not support extended range selectors");
      }
      res.floats.push_back({StepTime(i), v});
    }
    if (!res.floats.empty()) out.series.push_back(std::move(res));
  }
  return out;
}

StepValue Evaluator::EvalSmoothedSelector(const VectorSelector& vs) {
  StepValue out;
  out.type = ValueType::kVector;
  int64_t offset = ResolveDuration(vs.offset);
  AtModifier at = ResolveAt(vs.at);
  int64_t lookback = opts_.lookback_delta_ms;
  int64_t first_ref = (at.present() ? at.t_ms : start_ms_) - offset;
  int64_t last_ref = (at.present() ? at.t_ms : end_ms_) - offset;
  Matrix raw = Fetch(vs.matchers, first_ref - lookback + 1, last_ref + lookback);
  for (auto& s : raw) {
    DropStaleMarkers(s);
    Series res;
    res.metric = std::move(s.metric);
    for (size_t i = 0; i < num_steps_; ++i) {
      int64_t ref = (at.present() ? at.t_ms : StepTime(i)) - offset;
      auto it = std::upper_bound(s.floats.begin(), s.floats.end(), ref,
                                 [](int64_t t, const FPoint& p) { return t < p.t_ms; });
      if (it == s.floats.begin() || ref - (it - 1)->t_ms >= lookback) continue;  // nothing to look back to
      double v;
      if (Interpolate(s.floats, ref, lookback, false, v)) res.floats.push_back({StepTime(i), v});
    }
    if (!res.floats.empty()) out.series.push_back(std::move(res));
  }
  return out;
}

}  // namespace cairn::promql::eval
