#include "rules/template/go_fmt.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>

#include "util/go_quote.h"

namespace cairn::rules::tmpl {
namespace {

// ---- strconv float formatting -------------------------------------------

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

// %x: hexadecimal mantissa and a binary exponent of at least two digits.
void FmtX(std::string& out, double a, int prec, char fmt) {
  char buf[128];
  if (prec < 0) {
    std::snprintf(buf, sizeof(buf), fmt == 'X' ? "%A" : "%a", a);
  } else {
    std::snprintf(buf, sizeof(buf), fmt == 'X' ? "%.*A" : "%.*a", prec, a);
  }
  std::string s = buf;
  size_t p = s.find_first_of("pP");
  std::string exp = s.substr(p + 2);
  if (exp.size() < 2) exp = "0" + exp;
  out += s.substr(0, p + 2) + exp;
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

namespace {

// ---- fmt's printer --------------------------------------------------------

size_t RuneCount(std::string_view s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size();) {
    size_t len = 0;
    DecodeRune(s, i, len);
    i += len;
    ++n;
  }
  return n;
}

bool IsPrintRune(uint32_t r) {
  // The quoting in util/go_quote.h knows Go's IsPrint; a rune is printable
  // exactly when it quotes as itself.
  std::string one;
  AppendUtf8(one, r);
  return GoQuoteRune(r) == "'" + one + "'" && r != '\'';
}

std::string QuoteToAscii(std::string_view s) {
  std::string out = "\"";
  for (size_t i = 0; i < s.size();) {
    size_t len = 0;
    uint32_t r = DecodeRune(s, i, len);
    if (r == 0xFFFD && len == 1) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\x%02x", static_cast<unsigned char>(s[i]));
      out += buf;
    } else if (r < 0x80) {
      std::string q = GoQuote(s.substr(i, 1));
      out += q.substr(1, q.size() - 2);
    } else {
      char buf[16];
      if (r < 0x10000) {
        std::snprintf(buf, sizeof(buf), "\\u%04x", r);
      } else {
        std::snprintf(buf, sizeof(buf), "\\U%08x", r);
      }
      out += buf;
    }
    i += len;
  }
  return out + "\"";
}

std::string QuoteRuneToAscii(uint32_t r) {
  if (r < 0x80) return GoQuoteRune(r);
  char buf[16];
  if (r < 0x10000) {
    std::snprintf(buf, sizeof(buf), "'\\u%04x'", r);
  } else {
    std::snprintf(buf, sizeof(buf), "'\\U%08x'", r);
  }
  return buf;
}

bool CanBackquote(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    size_t len = 0;
    uint32_t r = DecodeRune(s, i, len);
    if (r == 0xFFFD && len == 1) return false;
    if (r == '`' || r == 0xFEFF) return false;
    if (r < ' ' && r != '\t') return false;
    if (r == 0x7F) return false;
    i += len;
  }
  return true;
}

struct Flags {
  bool plus = false, minus = false, sharp = false, space = false, zero = false;
  bool plus_v = false, sharp_v = false;
  bool wid_present = false, prec_present = false;
  int wid = 0, prec = 0;
};

class Printer {
 public:
  std::string buf;
  Flags f;

  void PrintArg(const Value& v, uint32_t verb);
  void PrintValue(const Value& v, uint32_t verb, int depth);

 private:
  void WriteRune(uint32_t r) { AppendUtf8(buf, r); }
  void WritePadding(int n) {
    if (n <= 0) return;
    buf.append(static_cast<size_t>(n), f.zero ? '0' : ' ');
  }
  void Pad(std::string_view s) {
    if (!f.wid_present || f.wid == 0) {
      buf += s;
      return;
    }
    int width = f.wid - static_cast<int>(RuneCount(s));
    if (!f.minus) {
      WritePadding(width);
      buf += s;
    } else {
      buf += s;
      WritePadding(width);
    }
  }
  std::string Truncate(std::string_view s) const {
    if (!f.prec_present) return std::string(s);
    int n = f.prec;
    for (size_t i = 0; i < s.size();) {
      if (n <= 0) return std::string(s.substr(0, i));
      size_t len = 0;
      DecodeRune(s, i, len);
      i += len;
      --n;
    }
    return std::string(s);
  }
  void BadVerb(uint32_t verb, const Value& v);
  void FmtBool(bool b, uint32_t verb, const Value& v);
  void FmtInteger(uint64_t u, bool is_signed, uint32_t verb, const Value& v);
  void FmtIntegerBase(uint64_t u, int base, bool is_signed, uint32_t verb, bool upper);
  void FmtFloat(double x, uint32_t verb, const Value& v);
  void FmtFloatPrec(double x, char verb, int prec);
  void FmtString(std::string_view s, uint32_t verb, const Value& v);
  void FmtSx(std::string_view s, bool upper);
  void FmtUnicode(uint64_t u);
  void FmtPointer(const void* p, bool nil, uint32_t verb, const Value& v);
  bool HandleMethods(const Value& v, uint32_t verb);
  void PrintStringMap(const StringMap* m, uint32_t verb, int depth, const std::string& type);
  bool erroring_ = false;
};

void Printer::BadVerb(uint32_t verb, const Value& v) {
  erroring_ = true;
  buf += "%!";
  WriteRune(verb);
  buf += '(';
  if (v.valid()) {
    buf += v.TypeName();
    buf += '=';
    PrintArg(v, 'v');
  } else {
    buf += "<nil>";
  }
  buf += ')';
  erroring_ = false;
}

void Printer::FmtBool(bool b, uint32_t verb, const Value& v) {
  if (verb == 't' || verb == 'v') {
    Pad(b ? "true" : "false");
  } else {
    BadVerb(verb, v);
  }
}

void Printer::FmtIntegerBase(uint64_t u, int base, bool is_signed, uint32_t verb, bool upper) {
  bool negative = is_signed && static_cast<int64_t>(u) < 0;
  if (negative) u = 0 - u;
  int prec = 0;
  if (f.prec_present) {
    prec = f.prec;
    if (prec == 0 && u == 0) {
      bool old_zero = f.zero;
      f.zero = false;
      WritePadding(f.wid);
      f.zero = old_zero;
      return;
    }
  } else if (f.zero && f.wid_present) {
    prec = f.wid;
    if (negative || f.plus || f.space) --prec;  // room for the sign
  }
  const char* digits = upper ? "0123456789ABCDEFX" : "0123456789abcdefx";
  std::string num;
  do {
    num.insert(num.begin(), digits[u % static_cast<uint64_t>(base)]);
    u /= static_cast<uint64_t>(base);
  } while (u > 0);
  while (static_cast<int>(num.size()) < prec) num.insert(num.begin(), '0');
  if (f.sharp) {
    switch (base) {
      case 2: num.insert(0, "0b"); break;
      case 8: if (num[0] != '0') num.insert(num.begin(), '0'); break;
      case 16: num.insert(0, std::string("0") + digits[16]); break;
      default: break;
    }
  }
  if (verb == 'O') num.insert(0, "0o");
  if (negative) {
    num.insert(num.begin(), '-');
  } else if (f.plus) {
    num.insert(num.begin(), '+');
  } else if (f.space) {
    num.insert(num.begin(), ' ');
  }
  bool old_zero = f.zero;
  f.zero = false;
  Pad(num);
  f.zero = old_zero;
}

void Printer::FmtUnicode(uint64_t u) {
  char hex[32];
  std::snprintf(hex, sizeof(hex), "%llX", static_cast<unsigned long long>(u));
  std::string digits = hex;
  int prec = 4;
  if (f.prec_present && f.prec > 4) prec = f.prec;
  while (static_cast<int>(digits.size()) < prec) digits.insert(digits.begin(), '0');
  std::string out = "U+" + digits;
  if (f.sharp && u <= 0x10FFFF && IsPrintRune(static_cast<uint32_t>(u))) {
    out += " '";
    AppendUtf8(out, static_cast<uint32_t>(u));
    out += "'";
  }
  bool old_zero = f.zero;
  f.zero = false;
  Pad(out);
  f.zero = old_zero;
}

void Printer::FmtInteger(uint64_t u, bool is_signed, uint32_t verb, const Value& v) {
  switch (verb) {
    case 'v':
      if (f.sharp_v && !is_signed) {
        bool old = f.sharp;
        f.sharp = true;
        FmtIntegerBase(u, 16, false, verb, false);
        f.sharp = old;
      } else {
        FmtIntegerBase(u, 10, is_signed, verb, false);
      }
      return;
    case 'd': FmtIntegerBase(u, 10, is_signed, verb, false); return;
    case 'b': FmtIntegerBase(u, 2, is_signed, verb, false); return;
    case 'o': case 'O': FmtIntegerBase(u, 8, is_signed, verb, false); return;
    case 'x': FmtIntegerBase(u, 16, is_signed, verb, false); return;
    case 'X': FmtIntegerBase(u, 16, is_signed, verb, true); return;
    case 'c': {
      uint32_t r = u > 0x10FFFF ? 0xFFFD : static_cast<uint32_t>(u);
      std::string s;
      AppendUtf8(s, r);
      Pad(s);
      return;
    }
    case 'q': {
      uint32_t r = u > 0x10FFFF ? 0xFFFD : static_cast<uint32_t>(u);
      if (f.sharp && IsPrintRune(r)) {
        std::string s = "'";
        AppendUtf8(s, r);
        Pad(s + "'");
      } else {
        Pad(f.plus ? QuoteRuneToAscii(r) : GoQuoteRune(r));
      }
      return;
    }
    case 'U': FmtUnicode(u); return;
    default: BadVerb(verb, v); return;
  }
}

void Printer::FmtFloatPrec(double x, char verb, int prec) {
  if (f.prec_present) prec = f.prec;
  std::string num = GoFormatFloat(x, verb, prec);
  if (num[0] == '-' || num[0] == '+') {
  } else {
    num.insert(num.begin(), '+');
  }
  if (f.space && num[0] == '+' && !f.plus) num[0] = ' ';
  if (num[1] == 'I' || num[1] == 'N') {  // Inf and NaN are never zero padded
    bool old_zero = f.zero;
    f.zero = false;
    if (num[1] == 'N' && !f.space && !f.plus) num.erase(0, 1);
    Pad(num);
    f.zero = old_zero;
    return;
  }
  if (f.sharp && verb != 'b') {
    int digits = 0;
    if (verb == 'v' || verb == 'g' || verb == 'G' || verb == 'x') {
      digits = prec;
      if (digits == -1) digits = 6;
    }
    std::string tail;
    bool has_point = false, saw_nonzero = false;
    for (size_t i = 1; i < num.size(); ++i) {
      char c = num[i];
      if (c == '.') {
        has_point = true;
      } else if (c == 'p' || c == 'P') {
        tail = num.substr(i);
        num.resize(i);
        break;
      } else if ((c == 'e' || c == 'E') && verb != 'x' && verb != 'X') {
        tail = num.substr(i);
        num.resize(i);
        break;
      } else {
        if (c != '0') saw_nonzero = true;
        if (saw_nonzero) --digits;
      }
    }
    if (!has_point) {
      if (num.size() == 2 && num[1] == '0') --digits;
      num.push_back('.');
    }
    while (digits > 0) {
      num.push_back('0');
      --digits;
    }
    num += tail;
  }
  if (f.plus || num[0] != '+') {
    if (f.zero && f.wid_present && f.wid > static_cast<int>(num.size())) {
      buf.push_back(num[0]);
      WritePadding(f.wid - static_cast<int>(num.size()));
      buf += num.substr(1);
      return;
    }
    Pad(num);
    return;
  }
  Pad(std::string_view(num).substr(1));
}

void Printer::FmtFloat(double x, uint32_t verb, const Value& v) {
  switch (verb) {
    case 'v': FmtFloatPrec(x, 'g', -1); return;
    case 'b': case 'g': case 'G': case 'x': case 'X': FmtFloatPrec(x, static_cast<char>(verb), -1); return;
    case 'f': case 'e': case 'E': FmtFloatPrec(x, static_cast<char>(verb), 6); return;
    case 'F': FmtFloatPrec(x, 'f', 6); return;
    default: BadVerb(verb, v); return;
  }
}

void Printer::FmtSx(std::string_view s, bool upper) {
  const char* digits = upper ? "0123456789ABCDEFX" : "0123456789abcdefx";
  int length = static_cast<int>(s.size());
  if (f.prec_present && f.prec < length) length = f.prec;
  int width = 2 * length;
  if (width > 0) {
    if (f.space) {
      if (f.sharp) width *= 2;
      width += length - 1;
    } else if (f.sharp) {
      width += 2;
    }
  } else {
    if (f.wid_present) WritePadding(f.wid);
    return;
  }
  if (f.wid_present && f.wid > width && !f.minus) WritePadding(f.wid - width);
  if (f.sharp) {
    buf.push_back('0');
    buf.push_back(digits[16]);
  }
  for (int i = 0; i < length; ++i) {
    if (f.space && i > 0) {
      buf.push_back(' ');
      if (f.sharp) {
        buf.push_back('0');
        buf.push_back(digits[16]);
      }
    }
    unsigned char c = static_cast<unsigned char>(s[static_cast<size_t>(i)]);
    buf.push_back(digits[c >> 4]);
    buf.push_back(digits[c & 0xF]);
  }
  if (f.wid_present && f.wid > width && f.minus) WritePadding(f.wid - width);
}

void Printer::FmtString(std::string_view s, uint32_t verb, const Value& v) {
  switch (verb) {
    case 'v':
      if (f.sharp_v) {
        Pad(GoQuote(Truncate(s)));
      } else {
        Pad(Truncate(s));
      }
      return;
    case 's': Pad(Truncate(s)); return;
    case 'x': FmtSx(s, false); return;
    case 'X': FmtSx(s, true); return;
    case 'q': {
      std::string t = Truncate(s);
      if (f.sharp && CanBackquote(t)) {
        Pad("`" + t + "`");
      } else {
        Pad(f.plus ? QuoteToAscii(t) : GoQuote(t));
      }
      return;
    }
    default: BadVerb(verb, v); return;
  }
}

void Printer::FmtPointer(const void* p, bool nil, uint32_t verb, const Value& v) {
  char hex[32];
  std::snprintf(hex, sizeof(hex), "0x%llx", static_cast<unsigned long long>(reinterpret_cast<uintptr_t>(p)));
  switch (verb) {
    case 'v':
      if (nil) {
        Pad("<nil>");
      } else {
        Pad(hex);
      }
      return;
    case 'p':
      Pad(nil ? "0x0" : hex);
      return;
    default:
      BadVerb(verb, v);
      return;
  }
}

// fmt.Stringer values (time.Time, time.Duration) print their String().
bool Printer::HandleMethods(const Value& v, uint32_t verb) {
  if (erroring_) return false;
  if (v.kind != Kind::kTime && v.kind != Kind::kDuration) return false;
  switch (verb) {
    case 'v': case 's': case 'x': case 'X': case 'q':
      FmtString(v.kind == Kind::kTime ? FormatGoTime(v.i) : FormatGoDuration(v.i), verb, v);
      return true;
    default:
      return false;
  }
}

void Printer::PrintArg(const Value& v, uint32_t verb) {
  if (!v.valid()) {
    if (verb == 'T' || verb == 'v') {
      Pad("<nil>");
    } else {
      BadVerb(verb, v);
    }
    return;
  }
  if (verb == 'T') {
    Pad(Truncate(v.TypeName()));
    return;
  }
  if (HandleMethods(v, verb)) return;
  PrintValue(v, verb, 0);
}

void Printer::PrintStringMap(const StringMap* m, uint32_t verb, int depth, const std::string& type) {
  if (f.sharp_v) {
    buf += type;
    if (m == nullptr) {
      buf += "(nil)";
      return;
    }
    buf += '{';
  } else {
    buf += "map[";
  }
  bool first = true;
  if (m != nullptr) {
    for (const auto& [k, val] : *m) {
      if (!first) buf += f.sharp_v ? ", " : " ";
      first = false;
      PrintValue(Value::String(k), verb, depth + 1);
      buf += ':';
      PrintValue(Value::String(val), verb, depth + 1);
    }
  }
  buf += f.sharp_v ? '}' : ']';
}

void Printer::PrintValue(const Value& v, uint32_t verb, int depth) {
  if (depth > 0 && HandleMethods(v, verb)) return;
  switch (v.kind) {
    case Kind::kInvalid:
      if (verb == 'v') {
        buf += "<nil>";
      } else {
        BadVerb(verb, v);
      }
      return;
    case Kind::kBool: FmtBool(v.b, verb, v); return;
    case Kind::kInt: FmtInteger(static_cast<uint64_t>(v.i), true, verb, v); return;
    case Kind::kUint8: FmtInteger(static_cast<uint64_t>(v.i), false, verb, v); return;
    case Kind::kFloat: FmtFloat(v.f, verb, v); return;
    case Kind::kString: case Kind::kHTML: FmtString(v.s, verb, v); return;
    case Kind::kStringMap: PrintStringMap(v.string_map.get(), verb, depth, v.TypeName()); return;
    case Kind::kAnyMap: {
      buf += f.sharp_v ? v.TypeName() + "{" : "map[";
      bool first = true;
      if (v.any_map) {
        for (const auto& [k, val] : *v.any_map) {
          if (!first) buf += f.sharp_v ? ", " : " ";
          first = false;
          PrintValue(Value::String(k), verb, depth + 1);
          buf += ':';
          if (!val.valid()) {
            buf += f.sharp_v ? "interface {}(nil)" : "<nil>";
          } else {
            PrintValue(val, verb, depth + 1);
          }
        }
      }
      buf += f.sharp_v ? '}' : ']';
      return;
    }
    case Kind::kSamples: {
      buf += f.sharp_v ? v.TypeName() + "{" : "[";
      if (v.samples) {
        for (size_t i = 0; i < v.samples->size(); ++i) {
          if (i > 0) buf += f.sharp_v ? ", " : " ";
          PrintValue(Value::OfSample((*v.samples)[i]), verb, depth + 1);
        }
      }
      buf += f.sharp_v ? '}' : ']';
      return;
    }
    case Kind::kSample:
      if (depth == 0 && v.sample) {  // &{Labels Value} at the top, an address deeper down
        buf += '&';
        buf += '{';
        if (f.plus_v) buf += "Labels:";
        PrintStringMap(&v.sample->labels, verb, depth + 1, "map[string]string");
        buf += ' ';
        if (f.plus_v) buf += "Value:";
        PrintValue(Value::Float(v.sample->value), verb, depth + 1);
        buf += '}';
        return;
      }
      FmtPointer(v.sample.get(), v.sample == nullptr, verb, v);
      return;
    case Kind::kAlertData: {
      buf += '{';
      if (f.plus_v) buf += "Labels:";
      PrintStringMap(&v.alert->labels, verb, depth + 1, "map[string]string");
      buf += ' ';
      if (f.plus_v) buf += "ExternalLabels:";
      PrintStringMap(&v.alert->external_labels, verb, depth + 1, "map[string]string");
      buf += ' ';
      if (f.plus_v) buf += "ExternalURL:";
      PrintValue(Value::String(v.alert->external_url), verb, depth + 1);
      buf += ' ';
      if (f.plus_v) buf += "Value:";
      PrintValue(Value::Float(v.alert->value), verb, depth + 1);
      buf += '}';
      return;
    }
    case Kind::kTime: case Kind::kDuration:
      // A pointer to a struct or an integer type: Go prints the pointer.
      FmtPointer(&v, false, verb, v);
      return;
  }
}

bool TooLarge(int x) { return x > 1000000 || x < -1000000; }

// parsenum: a decimal number at s[i:end]; sets ok when there were digits.
int ParseNum(std::string_view s, size_t& i, size_t end, bool& ok) {
  ok = false;
  int num = 0;
  if (i >= end) return 0;
  for (; i < end && s[i] >= '0' && s[i] <= '9'; ++i) {
    if (TooLarge(num)) {
      ok = false;
      i = end;
      return 0;
    }
    num = num * 10 + (s[i] - '0');
    ok = true;
  }
  return num;
}

}  // namespace

std::string GoSprint(const std::vector<Value>& args) {
  Printer p;
  bool prev_string = false;
  for (size_t i = 0; i < args.size(); ++i) {
    bool is_string = args[i].is_string_kind();
    if (i > 0 && !is_string && !prev_string) p.buf += ' ';
    p.f = Flags{};
    p.PrintArg(args[i], 'v');
    prev_string = is_string;
  }
  return p.buf;
}

std::string GoPrintActionValue(const Value& v) {
  if (!v.valid()) return "<no value>";
  std::string out = GoSprint({v});
  // A non-nil *sample prints as the struct it points to.
  if (v.kind == Kind::kSample && v.sample != nullptr && !out.empty() && out[0] == '&') out.erase(0, 1);
  return out;
}

std::string GoSprintln(const std::vector<Value>& args) {
  Printer p;
  for (size_t i = 0; i < args.size(); ++i) {
    if (i > 0) p.buf += ' ';
    p.f = Flags{};
    p.PrintArg(args[i], 'v');
  }
  p.buf += '\n';
  return p.buf;
}

std::string GoSprintf(std::string_view format, const std::vector<Value>& a) {
  Printer p;
  size_t end = format.size();
  size_t arg_num = 0;
  bool after_index = false;
  bool reordered = false;
  bool good_arg_num = true;
  // argNumber: an explicit [n] argument index at format[i].
  auto arg_number = [&](size_t i, bool& found) -> size_t {
    found = false;
    if (i >= end || format[i] != '[') return i;
    reordered = true;
    std::string_view rest = format.substr(i);
    size_t width = 1;
    bool ok = false;
    int index = 0;
    if (rest.size() >= 3) {
      for (size_t j = 1; j < rest.size(); ++j) {
        if (rest[j] == ']') {
          size_t k = 1;
          bool isnum = false;
          int n = ParseNum(rest, k, j, isnum);
          if (!isnum || k != j) {
            width = j + 1;
          } else {
            index = n - 1;
            width = j + 1;
            ok = true;
          }
          break;
        }
      }
    }
    if (ok && index >= 0 && static_cast<size_t>(index) < a.size()) {
      arg_num = static_cast<size_t>(index);
      found = true;
      return i + width;
    }
    good_arg_num = false;
    found = ok;
    return i + width;
  };
  auto int_from_arg = [&](int& num, bool& is_int) {
    is_int = false;
    num = 0;
    if (arg_num < a.size()) {
      const Value& v = a[arg_num];
      if (v.kind == Kind::kInt || v.kind == Kind::kUint8) {
        if (v.i >= std::numeric_limits<int>::min() && v.i <= std::numeric_limits<int>::max()) {
          num = static_cast<int>(v.i);
          is_int = true;
        }
      }
      ++arg_num;
      if (TooLarge(num)) {
        num = 0;
        is_int = false;
      }
    }
  };
  for (size_t i = 0; i < end;) {
    good_arg_num = true;
    size_t lasti = i;
    while (i < end && format[i] != '%') ++i;
    if (i > lasti) p.buf.append(format.substr(lasti, i - lasti));
    if (i >= end) break;
    ++i;
    p.f = Flags{};
    bool simple_done = false;
    for (; i < end; ++i) {
      char c = format[i];
      if (c == '#') {
        p.f.sharp = true;
      } else if (c == '0') {
        p.f.zero = !p.f.minus;
      } else if (c == '+') {
        p.f.plus = true;
      } else if (c == '-') {
        p.f.minus = true;
        p.f.zero = false;
      } else if (c == ' ') {
        p.f.space = true;
      } else {
        if (c >= 'a' && c <= 'z' && arg_num < a.size()) {
          if (c == 'v') {
            p.f.sharp_v = p.f.sharp;
            p.f.sharp = false;
            p.f.plus_v = p.f.plus;
            p.f.plus = false;
          }
          p.PrintArg(a[arg_num], static_cast<uint32_t>(c));
          ++arg_num;
          ++i;
          simple_done = true;
        }
        break;
      }
    }
    if (simple_done) continue;

    i = arg_number(i, after_index);
    if (i < end && format[i] == '*') {
      ++i;
      int_from_arg(p.f.wid, p.f.wid_present);
      if (!p.f.wid_present) p.buf += "%!(BADWIDTH)";
      if (p.f.wid < 0) {
        p.f.wid = -p.f.wid;
        p.f.minus = true;
        p.f.zero = false;
      }
      after_index = false;
    } else {
      bool ok = false;
      p.f.wid = ParseNum(format, i, end, ok);
      p.f.wid_present = ok;
      if (after_index && p.f.wid_present) good_arg_num = false;
    }
    if (i + 1 < end && format[i] == '.') {
      ++i;
      if (after_index) good_arg_num = false;
      i = arg_number(i, after_index);
      if (i < end && format[i] == '*') {
        ++i;
        int_from_arg(p.f.prec, p.f.prec_present);
        if (p.f.prec < 0) {
          p.f.prec = 0;
          p.f.prec_present = false;
        }
        if (!p.f.prec_present) p.buf += "%!(BADPREC)";
        after_index = false;
      } else {
        bool ok = false;
        p.f.prec = ParseNum(format, i, end, ok);
        p.f.prec_present = true;
        if (!ok) p.f.prec = 0;
      }
    }
    if (!after_index) i = arg_number(i, after_index);
    if (i >= end) {
      p.buf += "%!(NOVERB)";
      break;
    }
    size_t len = 1;
    uint32_t verb = static_cast<unsigned char>(format[i]);
    if (verb >= 0x80) verb = DecodeRune(format, i, len);
    i += len;
    if (verb == '%') {
      p.buf += '%';
    } else if (!good_arg_num) {
      p.buf += "%!";
      AppendUtf8(p.buf, verb);
      p.buf += "(BADINDEX)";
    } else if (arg_num >= a.size()) {
      p.buf += "%!";
      AppendUtf8(p.buf, verb);
      p.buf += "(MISSING)";
    } else {
      if (verb == 'v') {
        p.f.sharp_v = p.f.sharp;
        p.f.sharp = false;
        p.f.plus_v = p.f.plus;
        p.f.plus = false;
      }
      p.PrintArg(a[arg_num], verb);
      ++arg_num;
    }
  }
  if (!reordered && arg_num < a.size()) {
    p.f = Flags{};
    p.buf += "%!(EXTRA ";
    for (size_t k = arg_num; k < a.size(); ++k) {
      if (k > arg_num) p.buf += ", ";
      if (!a[k].valid()) {
        p.buf += "<nil>";
      } else {
        p.buf += a[k].TypeName();
        p.buf += '=';
        p.PrintArg(a[k], 'v');
      }
    }
    p.buf += ')';
  }
  return p.buf;
}

}  // namespace cairn::rules::tmpl
