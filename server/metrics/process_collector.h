// process_* metrics from /proc/self (Linux): CPU seconds, resident and
// virtual memory, start time, open and max file descriptors, with the names
// client_golang's process collector uses.
#pragma once

#include "server/metrics/registry.h"

namespace cairn::server::metrics {

// Registers process_cpu_seconds_total, process_resident_memory_bytes,
// process_virtual_memory_bytes, process_start_time_seconds,
// process_open_fds and process_max_fds on `registry`.
void RegisterProcessMetrics(Registry& registry);

}  // namespace cairn::server::metrics
