// The expanding series notation shared by PromQL test scripts (FORMAT.md §3, §5.2)
// and promtool-format rule unit tests (`input_series[].values`):
// `1 2 _ stale 0+10x100 _x3 -2-1x4 {{schema:0 sum:1}}x2`.
//
// Expanding the items gives one position per step: a float value, a gap, or a
// native-histogram sample (kept only as a marker; Cairn's engine has no
// histograms, so the runners skip what involves them).
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace cairn::promql::testing {

struct SeriesValue {
  enum class Kind { kGap, kFloat, kHistogram };
  Kind kind = Kind::kGap;
  double f = 0;  // kFloat only; may be the staleness NaN
};

// Expands a whitespace-separated item list. Fails with InvalidArgument on
// malformed items (hexadecimal numbers, a missing N, unknown words).
Result<std::vector<SeriesValue>> ParseSeriesValues(std::string_view text);

// Expands the item list of a `series@st` line: `_`, `_xN`, `<dur>`, `<dur>xN`
// (N+1 copies), `<dur>+<dur>xN` and `<dur>-<dur>xN`, where <dur> is a
// possibly signed Prometheus duration (`-1m`, `-59999ms`, `0`, `+1m`). Each
// value is an offset in ms from its sample's timestamp; nullopt for `_`.
Result<std::vector<std::optional<int64_t>>> ParseStartOffsets(std::string_view text);

// Parses one float the way the notation does: optional sign, decimal or
// exponent form, or NaN/Inf (case-insensitive). Consumes from `s` at `pos`.
bool ScanFloat(std::string_view s, size_t& pos, double& out);

}  // namespace cairn::promql::testing
