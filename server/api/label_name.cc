#include "server/api/label_name.h"

#include <cstdint>

#include "util/go_quote.h"

namespace cairn::server::api {
namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string UnescapeLabelName(std::string_view name) {
  constexpr std::string_view kPrefix = "U__";
  if (name.substr(0, kPrefix.size()) != kPrefix) return std::string(name);
  std::string_view rest = name.substr(kPrefix.size());
  std::string out;
  size_t i = 0;
  while (i < rest.size()) {
    if (rest[i] != '_') {
      out.push_back(rest[i++]);
      continue;
    }
    ++i;
    if (i >= rest.size()) return std::string(name);
    if (rest[i] == '_') {
      out.push_back('_');
      ++i;
      continue;
    }
    // "_<hex>_": at most six hex digits (U+10FFFF).
    uint32_t cp = 0;
    size_t digits = 0;
    while (i < rest.size() && rest[i] != '_') {
      int d = HexDigit(rest[i]);
      if (d < 0 || ++digits > 6) return std::string(name);
      cp = cp * 16 + static_cast<uint32_t>(d);
      ++i;
    }
    if (i >= rest.size() || digits == 0) return std::string(name);
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return std::string(name);
    AppendUtf8(out, cp);
    ++i;  // the closing '_'
  }
  return out;
}

}  // namespace cairn::server::api
