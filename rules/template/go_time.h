// Go's time.Time.Format for the UTC times templates make (`toTime`), so
// `{{ (toTime $value).Format "2006-01-02 15:04" }}` prints what Prometheus
// prints. Layouts use Go's reference time, Mon Jan 2 15:04:05 MST 2006.
// Thread-safety: pure function.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace cairn::rules::tmpl {

// Formats the UTC time `unix_ns` with Go layout `layout`.
std::string GoFormatTime(int64_t unix_ns, std::string_view layout);

}  // namespace cairn::rules::tmpl
