// The Retry-After header of a 429 or 5xx answer (RFC 9110 §10.2.3): either
// delay-seconds or an HTTP-date. Prometheus 2.42 (retryAfterDuration)
// reads the seconds and the IMF-fixdate form; RFC 9110 §5.6.7 asks
// recipients to accept the two obsolete date forms too (RFC 850 and asctime),
// so they are read as well.
// Pure; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace cairn::remote {

// Milliseconds to wait, from `value` at wall-clock time `now_ms`. nullopt
// when the header is absent, malformed, or a date not in the future: the
// sender then uses its own backoff, as Prometheus does.
std::optional<int64_t> RetryAfterMs(std::string_view value, int64_t now_ms);

// An HTTP-date (IMF-fixdate "Sun, 06 Nov 1994 08:49:37 GMT", RFC 850
// "Sunday, 06-Nov-94 08:49:37 GMT", asctime "Sun Nov  6 08:49:37 1994") as
// Unix milliseconds; nullopt when it is none of them.
std::optional<int64_t> ParseHttpDateMs(std::string_view value);

}  // namespace cairn::remote
