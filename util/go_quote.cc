#include "util/go_quote.h"

#include <cstdio>

namespace cairn {

void AppendUtf8(std::string& out, uint32_t r) {
  if (r < 0x80) {
    out += static_cast<char>(r);
  } else if (r < 0x800) {
    out += static_cast<char>(0xC0 | (r >> 6));
    out += static_cast<char>(0x80 | (r & 0x3F));
  } else if (r < 0x10000) {
    out += static_cast<char>(0xE0 | (r >> 12));
    out += static_cast<char>(0x80 | ((r >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (r & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (r >> 18));
    out += static_cast<char>(0x80 | ((r >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((r >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (r & 0x3F));
  }
}

uint32_t DecodeRune(std::string_view s, size_t i, size_t& len) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = b(i);
  len = 1;
  if (c < 0x80) return c;
  int n = 0;
  uint32_t r = 0;
  uint32_t min = 0;
  if ((c & 0xE0) == 0xC0) { n = 1; r = c & 0x1F; min = 0x80; }
  else if ((c & 0xF0) == 0xE0) { n = 2; r = c & 0x0F; min = 0x800; }
  else if ((c & 0xF8) == 0xF0) { n = 3; r = c & 0x07; min = 0x10000; }
  else return 0xFFFD;
  if (i + n >= s.size()) return 0xFFFD;
  for (int k = 1; k <= n; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0xFFFD;
    r = (r << 6) | (b(i + k) & 0x3F);
  }
  if (r < min || r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF)) return 0xFFFD;
  len = n + 1;
  return r;
}

namespace {

bool IsPrintable(uint32_t r) {
  if (r < 0x20 || r == 0x7F) return false;
  if (r >= 0x80 && r < 0xA0) return false;
  if (r == 0xAD || r == 0xFEFF) return false;
  if (r >= 0x2028 && r <= 0x202E) return false;
  if (r >= 0xE000 && r <= 0xF8FF) return false;
  return r <= 0x10FFFF;
}

void AppendEscaped(std::string& out, uint32_t r, char quote, bool invalid_byte, unsigned char byte) {
  char buf[16];
  if (invalid_byte) {
    std::snprintf(buf, sizeof buf, "\\x%02x", byte);
    out += buf;
    return;
  }
  if (r == static_cast<uint32_t>(quote) || r == '\\') {
    out += '\\';
    out += static_cast<char>(r);
    return;
  }
  if (IsPrintable(r)) {
    AppendUtf8(out, r);
    return;
  }
  switch (r) {
    case '\a': out += "\\a"; return;
    case '\b': out += "\\b"; return;
    case '\f': out += "\\f"; return;
    case '\n': out += "\\n"; return;
    case '\r': out += "\\r"; return;
    case '\t': out += "\\t"; return;
    case '\v': out += "\\v"; return;
    default: break;
  }
  if (r < 0x20 || r == 0x7F) {
    std::snprintf(buf, sizeof buf, "\\x%02x", r);
  } else if (r < 0x10000) {
    std::snprintf(buf, sizeof buf, "\\u%04x", r);
  } else {
    std::snprintf(buf, sizeof buf, "\\U%08x", r);
  }
  out += buf;
}

}  // namespace

std::string GoQuote(std::string_view s, int max_runes) {
  std::string out = "\"";
  int runes = 0;
  for (size_t i = 0; i < s.size();) {
    if (max_runes >= 0 && runes >= max_runes) break;
    size_t len = 1;
    uint32_t r = DecodeRune(s, i, len);
    bool invalid = (r == 0xFFFD && len == 1 && static_cast<unsigned char>(s[i]) >= 0x80);
    AppendEscaped(out, r, '"', invalid, static_cast<unsigned char>(s[i]));
    i += len;
    ++runes;
  }
  out += '"';
  return out;
}

std::string GoQuoteRune(uint32_t r) {
  std::string out = "'";
  if (r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF)) r = 0xFFFD;
  AppendEscaped(out, r, '\'', false, 0);
  out += '\'';
  return out;
}

std::string GoRuneU(uint32_t r) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "U+%04X", r);
  std::string out = buf;
  if (IsPrintable(r)) {
    out += " '";
    AppendUtf8(out, r);
    out += '\'';
  }
  return out;
}

}  // namespace cairn
