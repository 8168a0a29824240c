// Parameter grammar of the HTTP API (COMPAT.md §1.1): form values merged from
// the URL query and an urlencoded body, <time>, <duration> and limit parsing.
// All functions are pure; errors are InvalidArgument with Prometheus' wording
// so the API can answer bad_data with them unchanged.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace cairn::server::api {

// Prometheus' "minimum/maximum time" (time.Unix(MinInt64/1000+62135596801, 0)
// and its max twin), in milliseconds. API defaults for missing start/end.
inline constexpr int64_t kMinTimeMs = -9223309901257974000LL;
inline constexpr int64_t kMaxTimeMs = 9223309901257974999LL;

// Decodes application/x-www-form-urlencoded text ('+' is a space, %XX bytes).
// Malformed escapes are kept literally, as Go's ParseQuery drops only the pair.
std::string UrlDecode(std::string_view s);

// Form values Go-FormValue style: body values come first, so Get() returns
// the body's value when both the body and the URL carry a key.
class Form {
 public:
  // Appends every pair of `encoded` (a query string or urlencoded body).
  void AddEncoded(std::string_view encoded);
  void Add(std::string key, std::string value);

  // The first value for `key`, or nullopt.
  std::optional<std::string> Get(std::string_view key) const;
  // Every value for `key`, in order (repeatable params such as match[]).
  std::vector<std::string> GetAll(std::string_view key) const;
  bool Has(std::string_view key) const { return Get(key).has_value(); }

 private:
  std::multimap<std::string, std::string, std::less<>> values_;
};

// <time>: float Unix seconds (rounded to ms), RFC3339 with optional fraction
// and offset, or the two sentinel strings Prometheus prints for min/max time.
Result<int64_t> ParseTime(std::string_view s);

// <duration>: float seconds ("30", "0.5") or Prometheus duration syntax
// ("1h30m", "5m", "1d", "0"); returns milliseconds, never negative for the
// unit syntax. Float seconds may be negative (callers check step > 0).
Result<int64_t> ParseDuration(std::string_view s);

// Byte sizes as --storage.tsdb.retention.size takes them: an integer and a unit
// of B, KB, MB, GB, TB, PB, EB (powers of 1024).
Result<int64_t> ParseByteSize(std::string_view s);

// `limit`: a non-negative integer; 0 means unlimited.
Result<uint64_t> ParseLimit(std::string_view s);

// Milliseconds as Go's time.Time JSON form (RFC3339 in UTC, fraction only
// when non-zero): "2024-01-02T03:04:05.678Z".
std::string FormatRfc3339(int64_t t_ms);

}  // namespace cairn::server::api
