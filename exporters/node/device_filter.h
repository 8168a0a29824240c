// DeviceFilter: upstream's device include/exclude pair (diskstats, netdev).
// Patterns match like Go's regexp.MatchString: anywhere in the name unless
// anchored. RE2 speaks the same syntax as Go's regexp for these patterns.
// Thread-safety: immutable after Make(); Ignored() may be called from any thread.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <re2/re2.h>

#include "util/status.h"

namespace cairn::exporters::node {

// A compiled Go-style regexp, or InvalidArgument naming the flag it came from.
Result<std::shared_ptr<const RE2>> CompileFlagRegex(std::string_view flag, const std::string& pattern);

// Whether `pattern` matches somewhere in `s` (Go's MatchString).
inline bool Matches(const RE2& pattern, std::string_view s) { return RE2::PartialMatch(s, pattern); }

class DeviceFilter {
 public:
  // Either pattern may be empty (no filtering on that side); both set is an
  // error, as upstream ("device-exclude & device-include are mutually exclusive").
  static Result<DeviceFilter> Make(std::string_view flag_prefix, const std::string& exclude,
                                   const std::string& include);
  bool Ignored(std::string_view device) const {
    return (exclude_ && Matches(*exclude_, device)) || (include_ && !Matches(*include_, device));
  }

 private:
  std::shared_ptr<const RE2> exclude_, include_;
};

}  // namespace cairn::exporters::node
