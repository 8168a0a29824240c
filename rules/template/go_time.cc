#include "rules/template/go_time.h"

#include <algorithm>
#include <cstdio>
#include <ctime>

namespace cairn::rules::tmpl {
namespace {

constexpr const char* kLongMonths[] = {"January", "February", "March",     "April",   "May",      "June",
                                       "July",    "August",   "September", "October", "November", "December"};
constexpr const char* kLongDays[] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};

std::string Pad(int v, int width, char fill) {
  std::string s = std::to_string(v);
  while (static_cast<int>(s.size()) < width) s.insert(s.begin(), fill);
  return s;
}

bool IsDigit(std::string_view s, size_t i) { return i < s.size() && s[i] >= '0' && s[i] <= '9'; }

}  // namespace

std::string GoFormatTime(int64_t unix_ns, std::string_view layout) {
  int64_t secs = unix_ns / 1000000000;
  int64_t nanos = unix_ns % 1000000000;
  if (nanos < 0) {
    nanos += 1000000000;
    --secs;
  }
  std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  int year = tm.tm_year + 1900, hour12 = tm.tm_hour % 12 == 0 ? 12 : tm.tm_hour % 12;
  std::string out;
  size_t i = 0;
  auto starts = [&](std::string_view p) { return layout.substr(i).starts_with(p); };
  while (i < layout.size()) {
    char c = layout[i];
    if (c == 'J' && starts("January")) {
      out += kLongMonths[tm.tm_mon];
      i += 7;
    } else if (c == 'J' && starts("Jan")) {
      out += std::string(kLongMonths[tm.tm_mon]).substr(0, 3);
      i += 3;
    } else if (c == 'M' && starts("Monday")) {
      out += kLongDays[tm.tm_wday];
      i += 6;
    } else if (c == 'M' && starts("Mon")) {
      out += std::string(kLongDays[tm.tm_wday]).substr(0, 3);
      i += 3;
    } else if (c == 'M' && starts("MST")) {
      out += "UTC";
      i += 3;
    } else if (c == '0' && starts("002")) {
      out += Pad(tm.tm_yday + 1, 3, '0');
      i += 3;
    } else if (c == '0' && i + 1 < layout.size() && layout[i + 1] >= '1' && layout[i + 1] <= '6') {
      switch (layout[i + 1]) {
        case '1': out += Pad(tm.tm_mon + 1, 2, '0'); break;
        case '2': out += Pad(tm.tm_mday, 2, '0'); break;
        case '3': out += Pad(hour12, 2, '0'); break;
        case '4': out += Pad(tm.tm_min, 2, '0'); break;
        case '5': out += Pad(tm.tm_sec, 2, '0'); break;
        case '6': out += Pad(year % 100, 2, '0'); break;
      }
      i += 2;
    } else if (c == '1' && starts("15")) {
      out += Pad(tm.tm_hour, 2, '0');
      i += 2;
    } else if (c == '1') {
      out += std::to_string(tm.tm_mon + 1);
      i += 1;
    } else if (c == '2' && starts("2006")) {
      out += Pad(year, 4, '0');
      i += 4;
    } else if (c == '2') {
      out += std::to_string(tm.tm_mday);
      i += 1;
    } else if (c == '_' && starts("__2")) {
      out += Pad(tm.tm_yday + 1, 3, ' ');
      i += 3;
    } else if (c == '_' && starts("_2") && !starts("_2006")) {
      out += Pad(tm.tm_mday, 2, ' ');
      i += 2;
    } else if (c == '3' || c == '4' || c == '5') {
      out += std::to_string(c == '3' ? hour12 : c == '4' ? tm.tm_min : tm.tm_sec);
      i += 1;
    } else if (c == 'P' && starts("PM")) {
      out += tm.tm_hour >= 12 ? "PM" : "AM";
      i += 2;
    } else if (c == 'p' && starts("pm")) {
      out += tm.tm_hour >= 12 ? "pm" : "am";
      i += 2;
    } else if ((c == '-' || c == 'Z') &&
               (starts(c == '-' ? "-070000" : "Z070000") || starts(c == '-' ? "-07:00:00" : "Z07:00:00") ||
                starts(c == '-' ? "-0700" : "Z0700") || starts(c == '-' ? "-07:00" : "Z07:00") ||
                starts(c == '-' ? "-07" : "Z07"))) {
      // UTC: the Z forms print "Z", the numeric forms zeros.
      size_t len = starts(c == '-' ? "-070000" : "Z070000")     ? 7
                   : starts(c == '-' ? "-07:00:00" : "Z07:00:00") ? 9
                   : starts(c == '-' ? "-0700" : "Z0700")         ? 5
                   : starts(c == '-' ? "-07:00" : "Z07:00")       ? 6
                                                                  : 3;
      if (c == 'Z') {
        out += 'Z';
      } else {
        std::string_view form = layout.substr(i, len);
        for (size_t k = 0; k < form.size(); ++k) out += k == 0 ? '+' : (form[k] == ':' ? ':' : '0');
      }
      i += len;
    } else if ((c == '.' || c == ',') && i + 1 < layout.size() && (layout[i + 1] == '0' || layout[i + 1] == '9')) {
      char digit = layout[i + 1];
      size_t j = i + 1;
      while (j < layout.size() && layout[j] == digit) ++j;
      if (IsDigit(layout, j)) {  // not a fraction: ".00" followed by a digit is literal text
        out += c;
        ++i;
        continue;
      }
      int n = static_cast<int>(j - i - 1);
      char buf[16];
      std::snprintf(buf, sizeof(buf), "%09lld", static_cast<long long>(nanos));
      std::string frac(buf, static_cast<size_t>(std::min(n, 9)));
      if (digit == '9') {
        while (!frac.empty() && frac.back() == '0') frac.pop_back();
        if (!frac.empty()) out += c + frac;
      } else {
        out += c + frac;
      }
      i = j;
    } else {
      out += c;
      ++i;
    }
  }
  return out;
}

}  // namespace cairn::rules::tmpl
