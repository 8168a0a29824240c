// Times and durations as cairnctl's options take them.
//
//   time:     RFC 3339 ("2026-12-07T12:00:00Z", "...T12:00:00.5+01:00"),
//             Unix seconds ("1733572800", "1733572800.25"), or relative to
//             now: "now", "now-1h", "now+30m", "now-1h30m" (Prometheus
//             durations, util/duration).
//   duration: a Prometheus duration ("15s", "1h30m") or seconds ("15", "0.5").
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string_view>

#include "util/status.h"

namespace cairn::cairnctl {

// Milliseconds since the epoch. `now_ms` anchors the relative forms.
// Errors: InvalidArgument naming the text and the accepted forms.
Result<int64_t> ParseTimeArg(std::string_view text, int64_t now_ms);

// Milliseconds (> 0 not enforced here).
Result<int64_t> ParseDurationArg(std::string_view text);

// The current wall-clock time in milliseconds.
int64_t NowMs();

}  // namespace cairn::cairnctl
