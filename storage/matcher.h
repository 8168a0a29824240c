// Matcher: one label matcher of a selector (=, !=, =~, !~). Regexes use RE2
// with Go syntax, fully anchored and with `.` matching newlines, exactly as
// Prometheus compiles them ("^(?s:<re>)$").
// Thread-safety: immutable after Make(); Matches() is safe from any thread.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace re2 {
class RE2;
}

namespace cairn::storage {

enum class MatchType { kEqual, kNotEqual, kRegexMatch, kRegexNoMatch };

// "=", "!=", "=~", "!~".
std::string_view MatchTypeString(MatchType t);

class Matcher {
 public:
  // Fails with InvalidArgument when a regex does not compile; the message
  // reads like Prometheus' ("error parsing regexp: ...").
  static Result<Matcher> Make(MatchType type, std::string name, std::string value);

  MatchType type() const { return type_; }
  const std::string& name() const { return name_; }
  const std::string& value() const { return value_; }

  bool Matches(std::string_view label_value) const;
  // True when this matcher accepts a series that lacks the label (value "").
  bool MatchesEmpty() const { return Matches(""); }

  // name="value" with the value quoted as PromQL prints it.
  std::string ToString() const;

  friend bool operator==(const Matcher& a, const Matcher& b) {
    return a.type_ == b.type_ && a.name_ == b.name_ && a.value_ == b.value_;
  }

 private:
  Matcher() = default;
  MatchType type_ = MatchType::kEqual;
  std::string name_;
  std::string value_;
  std::shared_ptr<const re2::RE2> re_;  // set for regex types; shared so copies are cheap
};

using Matchers = std::vector<Matcher>;

}  // namespace cairn::storage
