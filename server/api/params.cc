#include "server/api/params.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>

#include "promql/parser/parser.h"
#include "util/go_strconv.h"

namespace cairn::server::api {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A successful Go strconv.ParseFloat (util/go_strconv.h); a range error fails too.
std::optional<double> ParseGoFloat(std::string_view s) {
  GoFloat f = GoParseFloat(s);
  if (f.error != GoNumError::kNone) return std::nullopt;
  return f.value;
}

bool ReadDigits(std::string_view s, size_t* pos, size_t n, int* out) {
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    if (*pos >= s.size() || !std::isdigit(static_cast<unsigned char>(s[*pos]))) return false;
    v = v * 10 + (s[*pos] - '0');
    ++*pos;
  }
  *out = v;
  return true;
}

// Go's time.Parse takes the layout's 'T' and 'Z' literally: no lowercase.
bool Expect(std::string_view s, size_t* pos, char c) {
  if (*pos >= s.size() || s[*pos] != c) return false;
  ++*pos;
  return true;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
// days_from_civil algorithm).
int64_t DaysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

std::optional<int64_t> ParseRfc3339(std::string_view s) {
  size_t pos = 0;
  int year, month, day, hour, minute, second;
  if (!ReadDigits(s, &pos, 4, &year) || !Expect(s, &pos, '-') || !ReadDigits(s, &pos, 2, &month) ||
      !Expect(s, &pos, '-') || !ReadDigits(s, &pos, 2, &day) || !Expect(s, &pos, 'T') ||
      !ReadDigits(s, &pos, 2, &hour) || !Expect(s, &pos, ':') || !ReadDigits(s, &pos, 2, &minute) ||
      !Expect(s, &pos, ':') || !ReadDigits(s, &pos, 2, &second)) {
    return std::nullopt;
  }
  static constexpr int kDaysInMonth[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1 || day > kDaysInMonth[month - 1] || hour > 23 || minute > 59 ||
      second > 59) {
    return std::nullopt;
  }
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (month == 2 && day == 29 && !leap) return std::nullopt;
  int64_t frac_ms = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    size_t digits = 0;
    int64_t scale = 100;
    while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
      frac_ms += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
      ++digits;
    }
    if (digits == 0 || digits > 9) return std::nullopt;
  }
  int64_t offset_s = 0;
  if (pos < s.size() && s[pos] == 'Z') {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int sign = s[pos] == '-' ? -1 : 1;
    ++pos;
    int oh, om;
    if (!ReadDigits(s, &pos, 2, &oh) || !Expect(s, &pos, ':') || !ReadDigits(s, &pos, 2, &om) || oh > 23 ||
        om > 59) {
      return std::nullopt;
    }
    offset_s = sign * (oh * 3600 + om * 60);
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  int64_t secs = DaysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset_s;
  return secs * 1000 + frac_ms;
}

}  // namespace

std::string UrlDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%' && i + 2 < s.size() && HexValue(s[i + 1]) >= 0 && HexValue(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2])));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

void Form::AddEncoded(std::string_view encoded) {
  while (!encoded.empty()) {
    size_t amp = encoded.find('&');
    std::string_view pair = encoded.substr(0, amp);
    encoded = amp == std::string_view::npos ? std::string_view() : encoded.substr(amp + 1);
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    std::string key = UrlDecode(pair.substr(0, eq));
    std::string value = eq == std::string_view::npos ? std::string() : UrlDecode(pair.substr(eq + 1));
    Add(std::move(key), std::move(value));
  }
}

void Form::Add(std::string key, std::string value) { values_.emplace(std::move(key), std::move(value)); }

std::optional<std::string> Form::Get(std::string_view key) const {
  auto it = values_.find(key);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> Form::GetAll(std::string_view key) const {
  std::vector<std::string> out;
  auto [lo, hi] = values_.equal_range(key);
  for (auto it = lo; it != hi; ++it) out.push_back(it->second);
  return out;
}

Result<int64_t> ParseTime(std::string_view s) {
  if (auto f = ParseGoFloat(s)) {
    double v = *f;
    // Whole seconds, then the fraction rounded to milliseconds, as upstream.
    if (std::isfinite(v) && std::fabs(v) < 9.2e15) {
      double whole = std::trunc(v);
      double frac_ms = std::round((v - whole) * 1000);
      return static_cast<int64_t>(whole) * 1000 + static_cast<int64_t>(frac_ms);
    }
    return Status::InvalidArgument("cannot parse \"" + std::string(s) + "\" to a valid timestamp");
  }
  if (s == "-292273086-05-16T16:47:06Z") return kMinTimeMs;
  if (s == "292277025-08-18T07:12:54.999999999Z") return kMaxTimeMs;
  if (auto t = ParseRfc3339(s)) return *t;
  return Status::InvalidArgument("cannot parse \"" + std::string(s) + "\" to a valid timestamp");
}

Result<int64_t> ParseDuration(std::string_view s) {
  if (auto f = ParseGoFloat(s)) {
    double ms = *f * 1000;
    if (std::isnan(ms) || ms >= 9.2e18 || ms <= -9.2e18) {
      return Status::InvalidArgument("cannot parse \"" + std::string(s) +
                                     "\" to a valid duration. It overflows int64");
    }
    return static_cast<int64_t>(std::round(ms));
  }
  auto d = promql::parser::ParseDurationMs(s);
  if (!d.ok()) return Status::InvalidArgument("cannot parse \"" + std::string(s) + "\" to a valid duration");
  return d;
}

Result<int64_t> ParseByteSize(std::string_view s) {
  static constexpr std::pair<std::string_view, int> kUnits[] = {{"KB", 10}, {"MB", 20}, {"GB", 30}, {"TB", 40},
                                                                {"PB", 50}, {"EB", 60}, {"B", 0}};
  auto bad = [&] { return Status::InvalidArgument("invalid byte size \"" + std::string(s) + "\""); };
  size_t pos = 0;
  while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) ++pos;
  if (pos == 0) return bad();
  int64_t n = 0;
  if (std::from_chars(s.data(), s.data() + pos, n).ec != std::errc()) return bad();
  std::string_view unit = s.substr(pos);
  for (const auto& [name, shift] : kUnits) {
    if (unit == name) {
      if (shift > 0 && n > (std::numeric_limits<int64_t>::max() >> shift)) return bad();
      return n << shift;
    }
  }
  return bad();
}

Result<uint64_t> ParseLimit(std::string_view s) {
  uint64_t v = 0;
  auto res = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || res.ec != std::errc() || res.ptr != s.data() + s.size()) {
    return Status::InvalidArgument("invalid limit: \"" + std::string(s) + "\"");
  }
  return v;
}

std::string FormatRfc3339(int64_t t_ms) {
  int64_t secs = t_ms / 1000;
  int64_t ms = t_ms % 1000;
  if (ms < 0) {
    ms += 1000;
    secs -= 1;
  }
  int64_t days = secs / 86400;
  int64_t rem = secs % 86400;
  if (rem < 0) {
    rem += 86400;
    days -= 1;
  }
  // civil_from_days (Howard Hinnant).
  int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const int64_t m = mp + (mp < 10 ? 3 : -9);
  const int64_t y = yoe + era * 400 + (m <= 2);
  char buf[64];
  if (ms != 0) {
    std::snprintf(buf, sizeof(buf), "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld.%03lldZ", static_cast<long long>(y),
                  static_cast<long long>(m), static_cast<long long>(d), static_cast<long long>(rem / 3600),
                  static_cast<long long>(rem / 60 % 60), static_cast<long long>(rem % 60),
                  static_cast<long long>(ms));
    // Go trims trailing zeros of the fraction.
    std::string s(buf);
    while (s[s.size() - 2] == '0') s.erase(s.size() - 2, 1);
    return s;
  }
  std::snprintf(buf, sizeof(buf), "%04lld-%02lld-%02lldT%02lld:%02lld:%02lldZ", static_cast<long long>(y),
                static_cast<long long>(m), static_cast<long long>(d), static_cast<long long>(rem / 3600),
                static_cast<long long>(rem / 60 % 60), static_cast<long long>(rem % 60));
  return buf;
}

}  // namespace cairn::server::api
