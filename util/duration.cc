#include "util/duration.h"

#include <iterator>

#include "util/go_quote.h"

namespace cairn {
namespace {

struct Unit {
  std::string_view name;
  uint64_t ms;
};
// In the order units must appear. Sub-millisecond units do not exist in
// model.Duration, so milliseconds are exact.
constexpr Unit kUnits[] = {
    {"y", 365ULL * 24 * 3600 * 1000}, {"w", 7ULL * 24 * 3600 * 1000}, {"d", 24ULL * 3600 * 1000},
    {"h", 3600ULL * 1000},            {"m", 60ULL * 1000},            {"s", 1000},
    {"ms", 1},
};
constexpr uint64_t kMaxMs = 9223372036854ULL;  // int64 nanoseconds, as Go's time.Duration

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

Result<int64_t> ParseDurationMs(std::string_view text) {
  if (text == "0") return int64_t{0};
  if (text.empty()) return Status::InvalidArgument("empty duration string");
  const Status invalid = Status::InvalidArgument("not a valid duration string: " + GoQuote(text));
  uint64_t total = 0;
  int last_unit = -1;
  size_t i = 0;
  while (i < text.size()) {
    size_t digits_end = i;
    while (digits_end < text.size() && IsDigit(text[digits_end])) ++digits_end;
    size_t unit_end = digits_end;
    while (unit_end < text.size() && !IsDigit(text[unit_end])) ++unit_end;
    if (digits_end == i || unit_end == digits_end) return invalid;
    const std::string_view unit = text.substr(digits_end, unit_end - digits_end);
    int idx = -1;
    for (int u = 0; u < static_cast<int>(std::size(kUnits)); ++u) {
      if (kUnits[u].name == unit) idx = u;
    }
    if (idx < 0) return Status::InvalidArgument("unknown unit " + GoQuote(unit) + " in duration " + GoQuote(text));
    if (idx <= last_unit) return invalid;
    last_unit = idx;
    uint64_t v = 0;
    for (size_t k = i; k < digits_end; ++k) {
      v = v * 10 + static_cast<uint64_t>(text[k] - '0');
      if (v > kMaxMs) return Status::InvalidArgument("duration out of range");
    }
    if (v > kMaxMs / kUnits[idx].ms) return Status::InvalidArgument("duration out of range");
    total += v * kUnits[idx].ms;
    if (total > kMaxMs) return Status::InvalidArgument("duration out of range");
    i = unit_end;
  }
  return static_cast<int64_t>(total);
}

std::string FormatDurationMs(int64_t ms) {
  if (ms == 0) return "0s";
  std::string out;
  uint64_t rest;
  if (ms < 0) {
    out = "-";
    rest = static_cast<uint64_t>(-(ms + 1)) + 1;
  } else {
    rest = static_cast<uint64_t>(ms);
  }
  struct U {
    const char* name;
    uint64_t ms;
    bool exact;  // years and weeks only when they divide evenly
  };
  constexpr U units[] = {{"y", 365ULL * 86400000ULL, true}, {"w", 7ULL * 86400000ULL, true},
                         {"d", 86400000ULL, false},        {"h", 3600000ULL, false},
                         {"m", 60000ULL, false},           {"s", 1000ULL, false},
                         {"ms", 1ULL, false}};
  for (const auto& u : units) {
    if (u.exact && rest % u.ms != 0) continue;
    uint64_t v = rest / u.ms;
    if (v > 0) {
      out += std::to_string(v);
      out += u.name;
      rest -= v * u.ms;
    }
  }
  return out;
}

std::string FormatGoDurationMs(int64_t ms) {
  if (ms == 0) return "0s";
  std::string out = ms < 0 ? "-" : "";
  uint64_t rest = ms < 0 ? static_cast<uint64_t>(-(ms + 1)) + 1 : static_cast<uint64_t>(ms);
  if (rest < 1000) return out + std::to_string(rest) + "ms";
  const uint64_t h = rest / 3600000, m = rest / 60000 % 60, s = rest / 1000 % 60, frac = rest % 1000;
  if (h > 0) out += std::to_string(h) + "h";
  if (h > 0 || m > 0) out += std::to_string(m) + "m";
  out += std::to_string(s);
  if (frac > 0) {
    std::string f = std::to_string(frac + 1000).substr(1);  // three digits
    while (f.back() == '0') f.pop_back();
    out += "." + f;
  }
  return out + "s";
}

}  // namespace cairn
