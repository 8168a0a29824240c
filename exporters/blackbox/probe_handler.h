// /probe?target=&module=: picks the module, computes the probe timeout as
// upstream's getTimeout, runs the prober with a fresh registry and adds
// probe_success and probe_duration_seconds. Independent of the HTTP server:
// main.cc turns a ProbeResult into a response.
// Thread-safety: RunProbe may run concurrently; Config is read-only.
#pragma once

#include <prometheus/metric_family.h>

#include <string>
#include <string_view>
#include <vector>

#include "exporters/blackbox/config.h"
#include "util/status.h"

namespace cairn::blackbox {

struct ProbeRequest {
  std::string module;    // "" = http_2xx, as upstream
  std::string target;
  std::string hostname;  // the `hostname` parameter: the http prober's Host header
  bool debug = false;
  std::string scrape_timeout_header;  // X-Prometheus-Scrape-Timeout-Seconds, "" if absent
};

struct ProbeResult {
  int http_status = 200;   // 400/500 with `error` for a request that cannot be probed
  std::string error;
  bool unknown_module = false;  // counts into blackbox_module_unknown_total
  bool success = false;
  std::vector<prometheus::MetricFamily> families;  // sorted by name, as Go's registry gathers
  std::string debug_text;  // the page for debug=true
};

// Upstream's getTimeout: the scrape timeout header (120 s when absent or 0)
// minus `offset`, replaced by the module's timeout when that is shorter and
// set, or when the difference went negative.
Result<double> ProbeTimeoutSeconds(const Module& module, std::string_view header, double offset);

ProbeResult RunProbe(const Config& config, const ProbeRequest& request, double timeout_offset);

}  // namespace cairn::blackbox
