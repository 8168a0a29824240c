#include "tools/cairnctl/time_arg.h"

#include <chrono>
#include <cmath>
#include <string>

#include "util/duration.h"
#include "util/go_strconv.h"

namespace cairn::cairnctl {

namespace {

bool Digits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
// days_from_civil).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

// RFC 3339: YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM).
bool ParseRfc3339(std::string_view s, int64_t* out_ms) {
  int year, month, day, hour, minute, second;
  if (!Digits(s, 0, 4, &year) || s.size() < 20 || s[4] != '-' || !Digits(s, 5, 2, &month) || s[7] != '-' ||
      !Digits(s, 8, 2, &day) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !Digits(s, 11, 2, &hour) ||
      s[13] != ':' || !Digits(s, 14, 2, &minute) || s[16] != ':' || !Digits(s, 17, 2, &second)) {
    return false;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return false;
  size_t pos = 19;
  int64_t frac_ms = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    size_t start = pos;
    int64_t scale = 100;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      frac_ms += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) return false;
  }
  int64_t offset_s = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh, om;
    if (!Digits(s, pos + 1, 2, &oh) || pos + 3 >= s.size() || s[pos + 3] != ':' || !Digits(s, pos + 4, 2, &om)) {
      return false;
    }
    offset_s = (oh * 3600 + om * 60) * (s[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return false;
  }
  if (pos != s.size()) return false;
  int64_t secs = DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400 +
                 hour * 3600 + minute * 60 + second - offset_s;
  *out_ms = secs * 1000 + frac_ms;
  return true;
}

}  // namespace

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Result<int64_t> ParseTimeArg(std::string_view text, int64_t now_ms) {
  if (text.substr(0, 3) == "now") {
    std::string_view rest = text.substr(3);
    if (rest.empty()) return now_ms;
    if (rest[0] == '+' || rest[0] == '-') {
      auto d = ParseDurationMs(rest.substr(1));
      if (d.ok()) return rest[0] == '+' ? now_ms + *d : now_ms - *d;
    }
  } else {
    int64_t ms = 0;
    if (ParseRfc3339(text, &ms)) return ms;
    GoFloat f = GoParseFloat(text);
    if (f.error == GoNumError::kNone && std::isfinite(f.value)) return static_cast<int64_t>(std::llround(f.value * 1000));
  }
  return Status::InvalidArgument("cannot parse \"" + std::string(text) +
                                 "\" as a time: want RFC 3339, Unix seconds or now[+-duration]");
}

Result<int64_t> ParseDurationArg(std::string_view text) {
  auto d = ParseDurationMs(text);
  if (d.ok()) return *d;
  GoFloat f = GoParseFloat(text);
  if (f.error == GoNumError::kNone && std::isfinite(f.value)) return static_cast<int64_t>(std::llround(f.value * 1000));
  return Status::InvalidArgument("cannot parse \"" + std::string(text) +
                                 "\" as a duration: want e.g. 15s, 1h30m or seconds");
}

}  // namespace cairn::cairnctl
