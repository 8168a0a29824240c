// RunRefreshLoop: the shared body of polling discoverers (http_sd, dns_sd),
// as Prometheus' discovery/refresh: refresh at once, then every interval;
// each error is reported; the groups are sent unless the refresh produced
// errors and nothing else.
// Thread-safety: runs on the calling thread.
#pragma once

#include <cstdint>
#include <functional>
#include <stop_token>
#include <string_view>
#include <vector>

#include "scrape/discovery/discoverer.h"

namespace cairn::scrape::discovery {

using RefreshFn = std::function<RefreshResult(std::stop_token)>;

// Returns when `stop` is requested; waits between refreshes wake on stop.
// Each refresh is reported to sink.Refreshed under `mechanism` ("http", "dns").
void RunRefreshLoop(std::stop_token stop, std::string_view mechanism, int64_t interval_ms, const RefreshFn& refresh,
                    DiscoverySink& sink);

// Waits up to `ms` milliseconds; returns false when `stop` was requested.
bool WaitFor(std::stop_token stop, int64_t ms);

}  // namespace cairn::scrape::discovery
