#include "util/go_unquote.h"

#include "util/go_quote.h"

namespace cairn {
namespace {

int HexVal(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsValidRune(uint32_t r) { return r <= 0x10FFFF && !(r >= 0xD800 && r <= 0xDFFF); }

}  // namespace

bool GoUnquoteChar(std::string_view s, char quote, uint32_t& rune, bool& multibyte, std::string_view& tail) {
  if (s.empty()) return false;
  unsigned char c = static_cast<unsigned char>(s[0]);
  if (c == static_cast<unsigned char>(quote) && (quote == '\'' || quote == '"')) return false;
  if (c >= 0x80) {
    size_t len = 0;
    rune = DecodeRune(s, 0, len);
    multibyte = true;
    tail = s.substr(len);
    return true;
  }
  if (c != '\\') {
    rune = c;
    multibyte = false;
    tail = s.substr(1);
    return true;
  }
  if (s.size() <= 1) return false;
  char e = s[1];
  s = s.substr(2);
  multibyte = false;
  switch (e) {
    case 'a': rune = '\a'; break;
    case 'b': rune = '\b'; break;
    case 'f': rune = '\f'; break;
    case 'n': rune = '\n'; break;
    case 'r': rune = '\r'; break;
    case 't': rune = '\t'; break;
    case 'v': rune = '\v'; break;
    case 'x':
    case 'u':
    case 'U': {
      size_t n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
      if (s.size() < n) return false;
      uint32_t v = 0;
      for (size_t j = 0; j < n; ++j) {
        int h = HexVal(s[j]);
        if (h < 0) return false;
        v = (v << 4) | static_cast<uint32_t>(h);
      }
      s = s.substr(n);
      if (e == 'x') {  // a single byte, not a rune
        rune = v;
        break;
      }
      if (!IsValidRune(v)) return false;
      rune = v;
      multibyte = true;
      break;
    }
    case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
      uint32_t v = static_cast<uint32_t>(e - '0');
      if (s.size() < 2) return false;
      for (size_t j = 0; j < 2; ++j) {
        if (s[j] < '0' || s[j] > '7') return false;
        v = (v << 3) | static_cast<uint32_t>(s[j] - '0');
      }
      s = s.substr(2);
      if (v > 255) return false;
      rune = v;
      break;
    }
    case '\\': rune = '\\'; break;
    case '\'':
    case '"':
      if (e != quote) return false;
      rune = static_cast<uint32_t>(e);
      break;
    default:
      return false;
  }
  tail = s;
  return true;
}

std::optional<std::string> GoUnquote(std::string_view s) {
  if (s.size() < 2) return std::nullopt;
  char quote = s.front();
  if (quote != s.back()) return std::nullopt;
  s = s.substr(1, s.size() - 2);
  if (quote == '`') {
    if (s.find('`') != std::string_view::npos) return std::nullopt;
    std::string out;
    for (char c : s) {
      if (c != '\r') out.push_back(c);
    }
    return out;
  }
  if (quote != '"' && quote != '\'') return std::nullopt;
  if (s.find('\n') != std::string_view::npos) return std::nullopt;
  std::string out;
  size_t runes = 0;
  while (!s.empty()) {
    uint32_t r = 0;
    bool multibyte = false;
    std::string_view tail;
    if (!GoUnquoteChar(s, quote, r, multibyte, tail)) return std::nullopt;
    s = tail;
    if (r < 0x80 || !multibyte) {
      out.push_back(static_cast<char>(r));
    } else {
      AppendUtf8(out, r);
    }
    ++runes;
    if (quote == '\'' && !s.empty()) return std::nullopt;  // a rune literal holds one character
  }
  if (quote == '\'' && runes != 1) return std::nullopt;
  return out;
}

}  // namespace cairn
