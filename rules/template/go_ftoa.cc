#include "rules/template/go_ftoa.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string_view>

namespace cairn::rules::tmpl {
namespace {

// A decimal 0.d1d2...dn × 10^dp; digits without trailing zeros.
struct Decimal {
  std::string d;
  int dp = 0;
};

void TrimZeros(Decimal& dec) {
  while (!dec.d.empty() && dec.d.back() == '0') dec.d.pop_back();
  if (dec.d.empty()) dec.dp = 0;
}

// From "%e"-style text "d.ddde+XX".
Decimal FromScientific(std::string_view sci) {
  Decimal dec;
  size_t e = sci.find_first_of("eE");
  for (size_t i = 0; i < e; ++i) {
    if (sci[i] >= '0' && sci[i] <= '9') dec.d.push_back(sci[i]);
  }
  int exp = 0;
  std::from_chars(sci.data() + e + 1 + (sci[e + 1] == '+' ? 1 : 0), sci.data() + sci.size(), exp);
  dec.dp = exp + 1;
  // Leading zeros only for a zero value.
  size_t nz = dec.d.find_first_not_of('0');
  if (nz == std::string::npos) {
    dec.d.clear();
    dec.dp = 0;
  }
  TrimZeros(dec);
  return dec;
}

Decimal Shortest(double a) {
  if (a == 0) return {};
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof(buf), a, std::chars_format::scientific);
  return FromScientific(std::string_view(buf, static_cast<size_t>(r.ptr - buf)));
}

// `digits` significant digits, correctly rounded (half to even on exact ties, as Go).
Decimal Significant(double a, int digits) {
  if (a == 0) return {};
  int n = std::snprintf(nullptr, 0, "%.*e", digits - 1, a);
  std::string s(static_cast<size_t>(n) + 1, '\0');
  std::snprintf(s.data(), s.size(), "%.*e", digits - 1, a);
  s.resize(static_cast<size_t>(n));
  return FromScientific(s);
}

void FmtE(std::string& out, const Decimal& dec, int prec, char fmt) {
  out.push_back(dec.d.empty() ? '0' : dec.d[0]);
  if (prec > 0) {
    out.push_back('.');
    int i = 1;
    int m = std::min(static_cast<int>(dec.d.size()), prec + 1);
    if (i < m) {
      out.append(dec.d, 1, static_cast<size_t>(m - 1));
      i = m;
    }
    for (; i <= prec; ++i) out.push_back('0');
  }
  out.push_back(fmt);
  int exp = dec.d.empty() ? 0 : dec.dp - 1;
  if (exp < 0) {
    out.push_back('-');
    exp = -exp;
  } else {
    out.push_back('+');
  }
  if (exp < 10) out.push_back('0');
  out += std::to_string(exp);
}

void FmtF(std::string& out, const Decimal& dec, int prec) {
  int nd = static_cast<int>(dec.d.size());
  if (dec.dp > 0) {
    int m = std::min(nd, dec.dp);
    out.append(dec.d, 0, static_cast<size_t>(m));
    for (; m < dec.dp; ++m) out.push_back('0');
  } else {
    out.push_back('0');
  }
  if (prec > 0) {
    out.push_back('.');
    for (int i = 1; i <= prec; ++i) {
      int j = dec.dp + i - 1;
      out.push_back(j >= 0 && j < nd ? dec.d[static_cast<size_t>(j)] : '0');
    }
  }
}

// %b: decimal mantissa "p" binary exponent.
void FmtB(std::string& out, double a) {
  uint64_t bits;
  std::memcpy(&bits, &a, sizeof(bits));
  int exp = static_cast<int>((bits >> 52) & 0x7FF);
  uint64_t mant = bits & ((uint64_t{1} << 52) - 1);
  if (exp == 0) {
    exp = 1;
  } else {
    mant |= uint64_t{1} << 52;
  }
  exp -= 1023 + 52;
  out += std::to_string(mant);
  out.push_back('p');
  if (exp >= 0) out.push_back('+');
  out += std::to_string(exp);
}

// %x: hexadecimal mantissa 1.xxx (Go normalizes subnormals and rounding
// carries, which C's %a does not) and a binary exponent of at least two digits.
void FmtX(std::string& out, double a, int prec, char fmt) {
  int exp = 0;
  double m = a == 0 ? 0 : std::frexp(a, &exp) * 2;  // m in [1, 2)
  if (a != 0) --exp;
  const char* spec = prec < 0 ? "%a" : "%.*a";
  int n = prec < 0 ? std::snprintf(nullptr, 0, spec, m) : std::snprintf(nullptr, 0, spec, prec, m);
  std::string s(static_cast<size_t>(n) + 1, '\0');
  if (prec < 0) {
    std::snprintf(s.data(), s.size(), spec, m);
  } else {
    std::snprintf(s.data(), s.size(), spec, prec, m);
  }
  s.resize(static_cast<size_t>(n));
  std::string mant = s.substr(2, s.find('p') - 2);  // "1.8", "2" after a rounding carry
  if (!mant.empty() && mant[0] == '2') {
    mant[0] = '1';
    ++exp;
  }
  if (fmt == 'X') {
    for (char& c : mant) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  out += fmt == 'X' ? "0X" : "0x";
  out += mant;
  out += fmt == 'X' ? 'P' : 'p';
  out += exp < 0 ? '-' : '+';
  int e = exp < 0 ? -exp : exp;
  if (e < 10) out += '0';
  out += std::to_string(e);
}

}  // namespace

std::string GoFormatFloat(double v, char fmt, int prec) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  std::string out;
  if (std::signbit(v)) out.push_back('-');
  double a = std::fabs(v);
  switch (fmt) {
    case 'b':
      FmtB(out, a);
      return out;
    case 'x': case 'X':
      FmtX(out, a, prec, fmt);
      return out;
    case 'e': case 'E': {
      Decimal dec = prec < 0 ? Shortest(a) : Significant(a, prec + 1);
      if (prec < 0) prec = std::max(static_cast<int>(dec.d.size()) - 1, 0);
      FmtE(out, dec, prec, fmt);
      return out;
    }
    case 'f': {
      if (prec < 0) {
        Decimal dec = Shortest(a);
        FmtF(out, dec, std::max(static_cast<int>(dec.d.size()) - dec.dp, 0));
        return out;
      }
      int n = std::snprintf(nullptr, 0, "%.*f", prec, a);
      std::string s(static_cast<size_t>(n) + 1, '\0');
      std::snprintf(s.data(), s.size(), "%.*f", prec, a);
      s.resize(static_cast<size_t>(n));
      return out + s;
    }
    case 'g': case 'G': {
      bool shortest = prec < 0;
      if (prec == 0) prec = 1;
      Decimal dec = shortest ? Shortest(a) : Significant(a, prec);
      int nd = static_cast<int>(dec.d.size());
      if (shortest) prec = nd;
      int eprec = prec;
      if (eprec > nd && nd >= dec.dp) eprec = nd;
      if (shortest) eprec = 6;
      int exp = dec.dp - 1;
      if (exp < -4 || exp >= eprec) {
        if (prec > nd) prec = nd;
        FmtE(out, dec, prec - 1, fmt == 'g' ? 'e' : 'E');
        return out;
      }
      if (prec > dec.dp) prec = nd;
      FmtF(out, dec, std::max(prec - dec.dp, 0));
      return out;
    }
    default:
      return "%" + std::string(1, fmt);
  }
}

}  // namespace cairn::rules::tmpl
