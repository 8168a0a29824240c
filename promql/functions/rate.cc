// Counter and gauge change functions over a range: rate, increase, delta
// (extrapolated to the window edges), irate, idelta (last two samples),
// resets and changes.
#include <cmath>
#include <string>

#include "promql/functions/registry.h"
#include "promql/value_format.h"

namespace cairn::promql::functions {

namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

void CheckCounterName(const RangeWindow& w, FuncContext& ctx) {
  if (w.metric == nullptr || ctx.call.args.empty()) return;
  std::string_view name = w.metric_name;
  if (name.empty()) return;
  if (EndsWith(name, "_total") || EndsWith(name, "_sum") || EndsWith(name, "_count") || EndsWith(name, "_bucket"))
    return;
  ctx.ev.Info(*ctx.call.args[0], "metric might not be a counter, name does not end in _total/_sum/_count/_bucket: " +
                                     GoQuote(std::string(name)));
}

std::optional<double> ExtrapolatedRate(const RangeWindow& w, FuncContext& ctx, bool is_counter, bool is_rate) {
  const auto& pts = w.points;
  if (pts.size() < 2) return std::nullopt;
  if (is_counter) CheckCounterName(w, ctx);
  double result = pts.back().f - pts.front().f;
  if (is_counter) {
    double prev = pts.front().f;
    for (size_t i = 1; i < pts.size(); ++i) {
      if (pts[i].f < prev) result += prev;
      prev = pts[i].f;
    }
  }
  double sampled = static_cast<double>(pts.back().t_ms - pts.front().t_ms) / 1000.0;
  double avg = sampled / static_cast<double>(pts.size() - 1);
  double to_start = static_cast<double>(pts.front().t_ms - w.range_start_ms) / 1000.0;
  double to_end = static_cast<double>(w.range_end_ms - pts.back().t_ms) / 1000.0;
  double threshold = avg * 1.1;
  if (to_start >= threshold) to_start = avg / 2;
  if (is_counter) {
    double to_zero = to_start;
    if (result > 0 && pts.front().f >= 0) to_zero = sampled * (pts.front().f / result);
    if (to_zero < to_start) to_start = to_zero;
  }
  if (to_end >= threshold) to_end = avg / 2;
  double factor = (sampled + to_start + to_end) / sampled;
  if (is_rate) factor /= static_cast<double>(w.range_ms) / 1000.0;
  return result * factor;
}

std::optional<double> Rate(const RangeWindow& w, FuncContext& ctx) { return ExtrapolatedRate(w, ctx, true, true); }
std::optional<double> Increase(const RangeWindow& w, FuncContext& ctx) {
  return ExtrapolatedRate(w, ctx, true, false);
}
std::optional<double> Delta(const RangeWindow& w, FuncContext& ctx) {
  return ExtrapolatedRate(w, ctx, false, false);
}

std::optional<double> InstantValue(const RangeWindow& w, bool is_rate) {
  const auto& pts = w.points;
  if (pts.size() < 2) return std::nullopt;
  const FPoint& last = pts[pts.size() - 1];
  const FPoint& prev = pts[pts.size() - 2];
  double v = (is_rate && last.f < prev.f) ? last.f : last.f - prev.f;
  int64_t interval = last.t_ms - prev.t_ms;
  if (interval == 0) return std::nullopt;
  if (is_rate) v /= static_cast<double>(interval) / 1000.0;
  return v;
}

std::optional<double> Irate(const RangeWindow& w, FuncContext&) { return InstantValue(w, true); }
std::optional<double> Idelta(const RangeWindow& w, FuncContext&) { return InstantValue(w, false); }

std::optional<double> Resets(const RangeWindow& w, FuncContext&) {
  if (w.points.empty()) return std::nullopt;
  double n = 0;
  for (size_t i = 1; i < w.points.size(); ++i) {
    if (w.points[i].f < w.points[i - 1].f) n++;
  }
  return n;
}

std::optional<double> Changes(const RangeWindow& w, FuncContext&) {
  if (w.points.empty()) return std::nullopt;
  double n = 0;
  for (size_t i = 1; i < w.points.size(); ++i) {
    double a = w.points[i - 1].f, b = w.points[i].f;
    if (!(a == b || (std::isnan(a) && std::isnan(b)))) n++;
  }
  return n;
}

}  // namespace

RangeTable RateFunctions() {
  return {
      {"rate", {Rate}},       {"increase", {Increase}}, {"delta", {Delta}},     {"irate", {Irate}},
      {"idelta", {Idelta}},   {"resets", {Resets}},     {"changes", {Changes}},
  };
}

}  // namespace cairn::promql::functions
