// Prometheus durations (model.Duration) as configuration files write them:
// "30s", "5m", "1h30m", "1d", "0". Shared by the parts that read YAML
// configuration (scrape/ and server/); PromQL keeps its own lexer for ranges.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "util/status.h"

namespace cairn {

// Milliseconds of `text`: groups of <digits><unit> with units y, w, d, h, m,
// s, ms in descending order, or "0". Fails (InvalidArgument) with
// model.ParseDuration's messages: `not a valid duration string: "x"`,
// `unknown unit "u" in duration "x"`, `duration out of range`.
Result<int64_t> ParseDurationMs(std::string_view text);

// model.Duration's String(): the largest units first, years and weeks only
// when they divide evenly ("15d", "2w", "1h30m", "0s", "-5m").
std::string FormatDurationMs(int64_t ms);

// Go's time.Duration String() at millisecond precision, which Prometheus
// uses for the `interval` label of prometheus_target_interval_length_seconds:
// "500ms", "1.5s", "15s", "1m0s", "1h30m0s", "0s".
std::string FormatGoDurationMs(int64_t ms);

}  // namespace cairn
