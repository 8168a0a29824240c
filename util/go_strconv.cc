#include "util/go_strconv.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "util/go_quote.h"

namespace cairn {
namespace {

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsHexDigit(char c) { return IsDigit(c) || (Lower(c) >= 'a' && Lower(c) <= 'f'); }

// Length of the case-insensitive common prefix of s and word.
size_t CommonPrefixIgnoreCase(std::string_view s, std::string_view word) {
  size_t n = 0;
  while (n < s.size() && n < word.size() && Lower(s[n]) == word[n]) ++n;
  return n;
}

// Go's special(): the words inf/infinity (signed or not) and nan (unsigned).
bool Special(std::string_view s, double* out) {
  if (s.empty()) return false;
  double sign = 1;
  std::string_view rest = s;
  if (s[0] == '+' || s[0] == '-') {
    if (s[0] == '-') sign = -1;
    rest.remove_prefix(1);
  } else if (Lower(s[0]) == 'n') {
    if (CommonPrefixIgnoreCase(s, "nan") == 3 && s.size() == 3) {
      *out = std::numeric_limits<double>::quiet_NaN();
      return true;
    }
    return false;
  }
  size_t n = CommonPrefixIgnoreCase(rest, "infinity");
  if ((n == 3 && rest.size() == 3) || (n == 8 && rest.size() == 8)) {
    *out = sign * std::numeric_limits<double>::infinity();
    return true;
  }
  return false;
}


// Checks Go's readFloat grammar on s (sign already removed). Returns false on
// a syntax error; sets *hex and *has_underscore.
bool ValidFloatSyntax(std::string_view s, bool* hex, bool* has_underscore) {
  size_t i = 0;
  *hex = false;
  *has_underscore = false;
  if (s.size() >= 2 && s[0] == '0' && Lower(s[1]) == 'x') {
    *hex = true;
    i = 2;
  }
  bool saw_dot = false, saw_digits = false;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c == '_') {
      *has_underscore = true;
    } else if (c == '.') {
      if (saw_dot) break;
      saw_dot = true;
    } else if (IsDigit(c) || (*hex && IsHexDigit(c))) {
      saw_digits = true;
    } else {
      break;
    }
  }
  if (!saw_digits) return false;
  const char exp_char = *hex ? 'p' : 'e';
  if (i < s.size() && Lower(s[i]) == exp_char) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (i >= s.size() || !IsDigit(s[i])) return false;
    for (; i < s.size() && (IsDigit(s[i]) || s[i] == '_'); ++i) {
      if (s[i] == '_') *has_underscore = true;
    }
  } else if (*hex) {
    return false;  // a hex mantissa needs a 'p' exponent
  }
  return i == s.size();
}

}  // namespace

bool GoUnderscoreOk(std::string_view s) {
  char saw = '^';
  size_t i = 0;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) ++i;
  bool hex = false;
  if (s.size() - i >= 2 && s[i] == '0' && (Lower(s[i + 1]) == 'x' || Lower(s[i + 1]) == 'b' || Lower(s[i + 1]) == 'o')) {
    hex = Lower(s[i + 1]) == 'x';
    i += 2;
    saw = '0';
  }
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (IsDigit(c) || (hex && IsHexDigit(c))) {
      saw = '0';
      continue;
    }
    if (c == '_') {
      if (saw != '0') return false;
      saw = '_';
      continue;
    }
    if (saw == '_') return false;
    saw = '!';
  }
  return saw != '_';
}

GoFloat GoParseFloat(std::string_view s) {
  GoFloat out;
  if (Special(s, &out.value)) return out;
  bool neg = false;
  std::string_view body = s;
  if (!body.empty() && (body[0] == '+' || body[0] == '-')) {
    neg = body[0] == '-';
    body.remove_prefix(1);
  }
  bool hex = false, has_underscore = false;
  if (!ValidFloatSyntax(body, &hex, &has_underscore) || (has_underscore && !GoUnderscoreOk(s))) {
    out.value = 0;
    out.error = GoNumError::kSyntax;
    return out;
  }
  std::string cleaned;
  if (has_underscore) {
    for (char c : body) {
      if (c != '_') cleaned.push_back(c);
    }
    body = cleaned;
  }
  std::string_view digits = hex ? body.substr(2) : body;
  double v = 0;
  auto res = std::from_chars(digits.data(), digits.data() + digits.size(), v,
                             hex ? std::chars_format::hex : std::chars_format::general);
  if (res.ec == std::errc::result_out_of_range) {
    // from_chars reports underflow and overflow alike; strtod (correctly
    // rounded in glibc, "C" number syntax for these inputs) tells them apart
    // and yields Go's 0/subnormal for underflow.
    std::string z(body);
    v = std::strtod(z.c_str(), nullptr);
    if (std::isinf(v)) {
      out.value = neg ? -v : v;
      out.error = GoNumError::kRange;
      return out;
    }
  } else if (res.ec != std::errc() || res.ptr != digits.data() + digits.size()) {
    out.error = GoNumError::kSyntax;  // unreachable after ValidFloatSyntax; kept defensive
    return out;
  }
  out.value = neg ? -v : v;
  return out;
}

GoInt GoParseInt64(std::string_view s) {
  GoInt out;
  std::string_view digits = s;
  bool neg = false;
  if (!digits.empty() && (digits[0] == '+' || digits[0] == '-')) {
    neg = digits[0] == '-';
    digits.remove_prefix(1);
  }
  if (digits.empty()) {
    out.error = GoNumError::kSyntax;
    return out;
  }
  uint64_t n = 0;
  bool overflow = false;
  for (char c : digits) {
    if (!IsDigit(c)) {
      out.error = GoNumError::kSyntax;
      return out;
    }
    if (n > (std::numeric_limits<uint64_t>::max() - 9) / 10) overflow = true;
    if (!overflow) n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  const uint64_t limit = neg ? (uint64_t{1} << 63) : (uint64_t{1} << 63) - 1;
  if (overflow || n > limit) {
    out.value = neg ? std::numeric_limits<int64_t>::min() : std::numeric_limits<int64_t>::max();
    out.error = GoNumError::kRange;
    return out;
  }
  out.value = neg ? static_cast<int64_t>(0 - n) : static_cast<int64_t>(n);
  return out;
}

std::string GoNumErrorText(std::string_view func, std::string_view input, GoNumError error) {
  std::string out = "strconv.";
  out += func;
  out += ": parsing ";
  out += GoQuote(input);
  out += error == GoNumError::kRange ? ": value out of range" : ": invalid syntax";
  return out;
}

std::string GoFormatFloatG(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific);
  std::string_view sci(buf, static_cast<size_t>(r.ptr - buf));
  size_t e = sci.find('e');
  int exp = std::atoi(std::string(sci.substr(e + 1)).c_str());
  if (exp < -4 || exp >= 6) return std::string(sci);  // to_chars writes "1e+06" like Go
  r = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::fixed);
  return std::string(buf, r.ptr);
}

}  // namespace cairn
