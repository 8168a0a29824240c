#include "remote/retry_after.h"

#include <array>
#include <cctype>
#include <chrono>

namespace cairn::remote {
namespace {

constexpr std::array<std::string_view, 7> kDays = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
constexpr std::array<std::string_view, 7> kLongDays = {"Monday", "Tuesday", "Wednesday", "Thursday",
                                                       "Friday", "Saturday", "Sunday"};
constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// A cursor over the header value; every reader fails (returns false) without
// moving on a mismatch.
struct Cursor {
  std::string_view s;

  bool Lit(std::string_view lit) {
    if (s.substr(0, lit.size()) != lit) return false;
    s.remove_prefix(lit.size());
    return true;
  }
  // Exactly `n` digits (`pad_space`: the first may be a space, asctime's day).
  bool Digits(size_t n, int* out, bool pad_space = false) {
    if (s.size() < n) return false;
    int v = 0;
    for (size_t i = 0; i < n; ++i) {
      const char c = s[i];
      if (i == 0 && pad_space && c == ' ') continue;
      if (!std::isdigit(static_cast<unsigned char>(c))) return false;
      v = v * 10 + (c - '0');
    }
    s.remove_prefix(n);
    *out = v;
    return true;
  }
  template <size_t N>
  bool OneOf(const std::array<std::string_view, N>& words, int* index) {
    for (size_t i = 0; i < N; ++i) {
      if (Lit(words[i])) {
        *index = static_cast<int>(i);
        return true;
      }
    }
    return false;
  }
  bool Time(int* h, int* m, int* sec) {
    return Digits(2, h) && Lit(":") && Digits(2, m) && Lit(":") && Digits(2, sec);
  }
};

std::optional<int64_t> ToMs(int year, int month0, int day, int h, int m, int sec) {
  using namespace std::chrono;
  if (h > 23 || m > 59 || sec > 60) return std::nullopt;  // 60: a leap second
  const year_month_day ymd{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(month0 + 1)},
                           std::chrono::day{static_cast<unsigned>(day)}};
  if (!ymd.ok()) return std::nullopt;
  const int64_t days = sys_days{ymd}.time_since_epoch().count();
  return ((days * 24 + h) * 60 + m) * 60'000 + int64_t{sec} * 1000;
}

}  // namespace

std::optional<int64_t> ParseHttpDateMs(std::string_view value) {
  int wday = 0, day = 0, month = 0, year = 0, h = 0, m = 0, sec = 0;
  {  // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
    Cursor c{value};
    if (c.OneOf(kDays, &wday) && c.Lit(", ") && c.Digits(2, &day) && c.Lit(" ") && c.OneOf(kMonths, &month) &&
        c.Lit(" ") && c.Digits(4, &year) && c.Lit(" ") && c.Time(&h, &m, &sec) && c.Lit(" GMT") && c.s.empty()) {
      return ToMs(year, month, day, h, m, sec);
    }
  }
  {  // RFC 850: Sunday, 06-Nov-94 08:49:37 GMT. A two-digit year more than
     // 50 years ahead is taken as the past century's (RFC 9110 §5.6.7).
    Cursor c{value};
    if (c.OneOf(kLongDays, &wday) && c.Lit(", ") && c.Digits(2, &day) && c.Lit("-") && c.OneOf(kMonths, &month) &&
        c.Lit("-") && c.Digits(2, &year) && c.Lit(" ") && c.Time(&h, &m, &sec) && c.Lit(" GMT") && c.s.empty()) {
      const int now_year = static_cast<int>(std::chrono::year_month_day{std::chrono::floor<std::chrono::days>(
                                                                            std::chrono::system_clock::now())}
                                                .year());
      year += now_year / 100 * 100;
      if (year > now_year + 50) year -= 100;
      return ToMs(year, month, day, h, m, sec);
    }
  }
  {  // asctime: Sun Nov  6 08:49:37 1994
    Cursor c{value};
    if (c.OneOf(kDays, &wday) && c.Lit(" ") && c.OneOf(kMonths, &month) && c.Lit(" ") && c.Digits(2, &day, true) &&
        c.Lit(" ") && c.Time(&h, &m, &sec) && c.Lit(" ") && c.Digits(4, &year) && c.s.empty()) {
      return ToMs(year, month, day, h, m, sec);
    }
  }
  return std::nullopt;
}

std::optional<int64_t> RetryAfterMs(std::string_view value, int64_t now_ms) {
  if (value.empty()) return std::nullopt;
  bool digits = value.size() <= 9;
  for (char c : value) digits = digits && std::isdigit(static_cast<unsigned char>(c));
  if (digits) {
    int64_t secs = 0;
    for (char c : value) secs = secs * 10 + (c - '0');
    return secs * 1000;
  }
  auto at = ParseHttpDateMs(value);
  if (!at || *at <= now_ms) return std::nullopt;
  return *at - now_ms;
}

}  // namespace cairn::remote
