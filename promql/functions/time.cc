// Time functions: time(), timestamp() of computed vectors, and the calendar
// functions (minute, hour, day_of_week, ...) in UTC. Results drop __name__.
#include <cmath>
#include <cstdint>
#include <ctime>

#include "promql/functions/registry.h"

namespace cairn::promql::functions {

namespace {

using eval::StepValue;

StepValue Time(std::vector<StepValue>&, FuncContext& ctx) {
  StepValue v = ctx.ev.ScalarValue(0);
  for (size_t i = 0; i < v.scalars.size(); ++i) v.scalars[i] = static_cast<double>(ctx.ev.StepTime(i)) / 1000.0;
  return v;
}

StepValue Timestamp(std::vector<StepValue>& args, FuncContext&) {
  StepValue v = std::move(args[0]);
  for (auto& s : v.series) {
    for (auto& p : s.floats) p.f = static_cast<double>(p.t_ms) / 1000.0;
    s.drop_name = true;
  }
  return v;
}

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// Civil date from days since the epoch (proleptic Gregorian).
void CivilFromDays(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
}

enum class Part { kMinute, kHour, kDayOfMonth, kDayOfWeek, kDayOfYear, kDaysInMonth, kMonth, kYear };

// Go's int64(v) on amd64, which Prometheus' date functions use: truncation
// toward zero, and the smallest int64 for NaN, infinities and values out of
// range (the CPU's "integer indefinite").
int64_t GoInt64(double v) {
  if (std::isnan(v) || v >= 9223372036854775808.0 || v < -9223372036854775808.0) return INT64_MIN;
  return static_cast<int64_t>(v);
}

// Seconds from Go's absolute zero (year -292277022399) to the Unix epoch. Go
// dates a time from its seconds since then as an unsigned number, so an
// instant outside its range wraps around; reproducing that gives Prometheus'
// answers for NaN and huge inputs too (year(vector(NaN)) = 292277026596).
constexpr uint64_t kUnixToAbsoluteSeconds = 9223372028715321600ULL;

template <Part P>
double DatePart(double secs) {
  const uint64_t abs = static_cast<uint64_t>(GoInt64(secs)) + kUnixToAbsoluteSeconds;
  const int64_t days = static_cast<int64_t>(abs / 86400) - static_cast<int64_t>(kUnixToAbsoluteSeconds / 86400);
  const auto sod = static_cast<int64_t>(abs % 86400);
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, y, m, d);
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  switch (P) {
    case Part::kMinute: return static_cast<double>((sod / 60) % 60);
    case Part::kHour: return static_cast<double>(sod / 3600);
    case Part::kDayOfMonth: return d;
    case Part::kDayOfWeek: return static_cast<double>(((days % 7) + 11) % 7);
    case Part::kDayOfYear: {
      int doy = static_cast<int>(d);
      for (unsigned i = 1; i < m; ++i) doy += kDays[i - 1] + ((i == 2 && IsLeap(y)) ? 1 : 0);
      return doy;
    }
    case Part::kDaysInMonth: return kDays[m - 1] + ((m == 2 && IsLeap(y)) ? 1 : 0);
    case Part::kMonth: return m;
    case Part::kYear: return static_cast<double>(y);
  }
  return 0;
}

template <Part P>
StepValue DateFunc(std::vector<StepValue>& args, FuncContext& ctx) {
  if (args.empty()) {
    StepValue v;
    v.type = ValueType::kVector;
    Series s;
    s.drop_name = true;
    for (size_t i = 0; i < ctx.ev.num_steps(); ++i) {
      int64_t t = ctx.ev.StepTime(i);
      s.floats.push_back({t, DatePart<P>(static_cast<double>(t) / 1000.0)});
    }
    v.series.push_back(std::move(s));
    return v;
  }
  return MapVector(std::move(args[0]), DatePart<P>);
}

}  // namespace

VectorTable TimeFunctions() {
  return {
      {"time", Time},
      {"timestamp", Timestamp},
      {"minute", DateFunc<Part::kMinute>},
      {"hour", DateFunc<Part::kHour>},
      {"day_of_month", DateFunc<Part::kDayOfMonth>},
      {"day_of_week", DateFunc<Part::kDayOfWeek>},
      {"day_of_year", DateFunc<Part::kDayOfYear>},
      {"days_in_month", DateFunc<Part::kDaysInMonth>},
      {"month", DateFunc<Part::kMonth>},
      {"year", DateFunc<Part::kYear>},
  };
}

}  // namespace cairn::promql::functions
