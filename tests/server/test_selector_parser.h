// A minimal series-selector parser for server tests, so HTTP tests do not
// depend on the PromQL parser: `name`, `name{l="v",...}` or `{l="v",...}`
// with =, !=, =~, !~ and values without escapes.
#pragma once

#include <cctype>
#include <string>
#include <string_view>

#include "storage/matcher.h"
#include "util/status.h"

namespace cairn::server::testing {

inline Result<storage::Matchers> ParseTestSelector(std::string_view s) {
  storage::Matchers out;
  size_t i = 0;
  auto bad = [&] { return Status::InvalidArgument("parse error: bad selector \"" + std::string(s) + "\""); };
  std::string name;
  while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '_' || s[i] == ':')) {
    name.push_back(s[i++]);
  }
  if (!name.empty()) {
    auto m = storage::Matcher::Make(storage::MatchType::kEqual, "__name__", name);
    if (!m.ok()) return m.status();
    out.push_back(*m);
  }
  if (i == s.size()) return out.empty() ? bad() : Result<storage::Matchers>(out);
  if (s[i] != '{') return bad();
  ++i;
  while (i < s.size() && s[i] != '}') {
    std::string label;
    while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '_' || s[i] == '.')) {
      label.push_back(s[i++]);
    }
    storage::MatchType type;
    std::string_view rest = s.substr(i);
    if (rest.substr(0, 2) == "!=") {
      type = storage::MatchType::kNotEqual;
      i += 2;
    } else if (rest.substr(0, 2) == "=~") {
      type = storage::MatchType::kRegexMatch;
      i += 2;
    } else if (rest.substr(0, 2) == "!~") {
      type = storage::MatchType::kRegexNoMatch;
      i += 2;
    } else if (rest.substr(0, 1) == "=") {
      type = storage::MatchType::kEqual;
      i += 1;
    } else {
      return bad();
    }
    if (label.empty() || i >= s.size() || s[i] != '"') return bad();
    size_t close = s.find('"', i + 1);
    if (close == std::string_view::npos) return bad();
    auto m = storage::Matcher::Make(type, label, std::string(s.substr(i + 1, close - i - 1)));
    if (!m.ok()) return m.status();
    out.push_back(*m);
    i = close + 1;
    if (i < s.size() && s[i] == ',') ++i;
  }
  if (i >= s.size() || i + 1 != s.size()) return bad();
  return out;
}

}  // namespace cairn::server::testing
