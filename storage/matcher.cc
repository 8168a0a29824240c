#include "storage/matcher.h"

#include <re2/re2.h>

namespace cairn::storage {

std::string_view MatchTypeString(MatchType t) {
  switch (t) {
    case MatchType::kEqual: return "=";
    case MatchType::kNotEqual: return "!=";
    case MatchType::kRegexMatch: return "=~";
    case MatchType::kRegexNoMatch: return "!~";
  }
  return "?";
}

Result<Matcher> Matcher::Make(MatchType type, std::string name, std::string value) {
  Matcher m;
  m.type_ = type;
  m.name_ = std::move(name);
  m.value_ = std::move(value);
  if (type == MatchType::kRegexMatch || type == MatchType::kRegexNoMatch) {
    RE2::Options opts;
    opts.set_log_errors(false);
    opts.set_dot_nl(true);
    auto re = std::make_shared<re2::RE2>("^(?:" + m.value_ + ")$", opts);
    if (!re->ok()) return Status::InvalidArgument("error parsing regexp: " + re->error());
    m.re_ = std::move(re);
  }
  return m;
}

bool Matcher::Matches(std::string_view v) const {
  switch (type_) {
    case MatchType::kEqual: return v == value_;
    case MatchType::kNotEqual: return v != value_;
    case MatchType::kRegexMatch: return RE2::FullMatch(re2::StringPiece(v.data(), v.size()), *re_);
    case MatchType::kRegexNoMatch: return !RE2::FullMatch(re2::StringPiece(v.data(), v.size()), *re_);
  }
  return false;
}

std::string Matcher::ToString() const {
  std::string out = name_;
  out += MatchTypeString(type_);
  out += '"';
  for (char c : value_) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') { out += "\\n"; continue; }
    out += c;
  }
  out += '"';
  return out;
}

}  // namespace cairn::storage
