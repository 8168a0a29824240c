// Builds Prometheus-style parse errors: "<line>:<col>: parse error: <msg>".
// Thread-safety: pure function.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "util/status.h"

namespace cairn::promql::parser {

// InvalidArgument whose message is "L:C: parse error: msg", where L and C are
// the 1-based line and byte column of `pos` in `query`.
inline Status ParseError(std::string_view query, int32_t pos, const std::string& msg) {
  int line = 1;
  int32_t last_break = -1;
  if (pos < 0 || pos > static_cast<int32_t>(query.size())) {
    return Status::InvalidArgument("invalid position: parse error: " + msg);
  }
  for (int32_t i = 0; i < pos; ++i) {
    if (query[i] == '\n') {
      ++line;
      last_break = i;
    }
  }
  return Status::InvalidArgument(std::to_string(line) + ":" + std::to_string(pos - last_break) +
                                 ": parse error: " + msg);
}

}  // namespace cairn::promql::parser
