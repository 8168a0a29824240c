// Counter and gauge change functions over a range: rate, increase, delta
// (extrapolated to the window edges), irate, idelta (last two samples),
// resets and changes.
//
// Counter functions (rate, increase, irate, resets) also read samples' start
// timestamps, as Prometheus' start-timestamp mode does. A start timestamp is
// usable when it is set and earlier than its sample. It marks a counter reset
// when it is later than the previous sample, or equal to it while the previous
// sample had a usable start of its own (a chain of delta samples; a cumulative
// series of unknown start repeats the previous time once with no start before
// it). When the first sample's start lies inside the window, the counter is
// taken to rise from 0 at that start instead of extrapolating to the left.
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

// The usable start timestamp of point i, 0 when it has none.
int64_t UsableStart(const RangeWindow& w, size_t i) {
  if (w.starts.empty()) return 0;
  int64_t st = w.starts[i];
  return st != 0 && st < w.points[i].t_ms ? st : 0;
}

// Whether point i (i >= 1) is a reset of the counter after point i-1.
bool CounterReset(const RangeWindow& w, size_t i) {
  if (w.points[i].f < w.points[i - 1].f) return true;
  int64_t st = UsableStart(w, i);
  if (st == 0) return false;
  int64_t prev_t = w.points[i - 1].t_ms;
  return st > prev_t || (st == prev_t && UsableStart(w, i - 1) != 0);
}

// Warns when a start timestamp lies before the previous sample without being
// the previous sample's own start: two samples then claim overlapping spans.
void CheckStartOverlap(const RangeWindow& w, FuncContext& ctx) {
  if (w.starts.empty() || ctx.call.args.empty()) return;
  for (size_t i = 1; i < w.points.size(); ++i) {
    int64_t st = w.starts[i];
    if (st != 0 && st < w.points[i - 1].t_ms && st != w.starts[i - 1]) {
      std::string name(w.metric_name);
      ctx.ev.Warn(*ctx.call.args[0],
                  "sample has start time that overlaps with previous sample timestamp for metric " + GoQuote(name));
      return;
    }
  }
}

std::optional<double> ExtrapolatedRate(const RangeWindow& w, FuncContext& ctx, bool is_counter, bool is_rate) {
  const auto& pts = w.points;
  if (pts.empty()) return std::nullopt;
  // A counter whose first start lies inside the window rises from 0 there.
  int64_t zero_t = is_counter ? UsableStart(w, 0) : 0;
  bool from_start = zero_t != 0 && zero_t > w.range_start_ms;
  if (pts.size() < 2 && !from_start) return std::nullopt;
  if (is_counter) {
    CheckCounterName(w, ctx);
    CheckStartOverlap(w, ctx);
  }
  double result = pts.back().f - pts.front().f;
  if (is_counter) {
    for (size_t i = 1; i < pts.size(); ++i) {
      if (CounterReset(w, i)) result += pts[i - 1].f;
    }
    if (from_start) result += pts.front().f;
  }
  int64_t first_t = from_start ? zero_t : pts.front().t_ms;
  double sampled = static_cast<double>(pts.back().t_ms - first_t) / 1000.0;
  // The typical spacing of real samples; 0 with only one.
  double avg = pts.size() < 2 ? 0
                              : static_cast<double>(pts.back().t_ms - pts.front().t_ms) / 1000.0 /
                                    static_cast<double>(pts.size() - 1);
  double to_start = from_start ? 0 : static_cast<double>(pts.front().t_ms - w.range_start_ms) / 1000.0;
  double to_end = static_cast<double>(w.range_end_ms - pts.back().t_ms) / 1000.0;
  double threshold = avg * 1.1;
  if (to_start >= threshold) to_start = avg / 2;
  if (is_counter && !from_start) {
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

std::optional<double> InstantValue(const RangeWindow& w, FuncContext& ctx, bool is_rate) {
  const auto& pts = w.points;
  if (pts.size() < 2) return std::nullopt;
  if (is_rate) CheckStartOverlap(w, ctx);
  const FPoint& last = pts[pts.size() - 1];
  const FPoint& prev = pts[pts.size() - 2];
  double v = (is_rate && CounterReset(w, pts.size() - 1)) ? last.f : last.f - prev.f;
  int64_t interval = last.t_ms - prev.t_ms;
  if (interval == 0) return std::nullopt;
  if (is_rate) v /= static_cast<double>(interval) / 1000.0;
  return v;
}

std::optional<double> Irate(const RangeWindow& w, FuncContext& ctx) { return InstantValue(w, ctx, true); }
std::optional<double> Idelta(const RangeWindow& w, FuncContext& ctx) { return InstantValue(w, ctx, false); }

std::optional<double> Resets(const RangeWindow& w, FuncContext& ctx) {
  if (w.points.empty()) return std::nullopt;
  CheckStartOverlap(w, ctx);
  double n = 0;
  for (size_t i = 1; i < w.points.size(); ++i) {
    if (CounterReset(w, i)) n++;
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
