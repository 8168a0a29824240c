#include "exporters/blackbox/probe_handler.h"

#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <algorithm>
#include <sstream>

#include "exporters/blackbox/http_message.h"
#include "exporters/blackbox/prober.h"

namespace cairn::blackbox {

Result<double> ProbeTimeoutSeconds(const Module& module, std::string_view header, double offset) {
  double timeout = 0;
  if (!header.empty()) {
    std::string text(header);
    char* end = nullptr;
    timeout = std::strtod(text.c_str(), &end);
    if (end == text.c_str() || *end != '\0')
      return Status::InvalidArgument("strconv.ParseFloat: parsing \"" + text + "\": invalid syntax");
  }
  if (timeout == 0) timeout = 120;
  double max_timeout = timeout - offset;
  double module_timeout = static_cast<double>(module.timeout_ns) / 1e9;
  if ((module_timeout < max_timeout && module_timeout > 0) || max_timeout < 0) return module_timeout;
  return max_timeout;
}

ProbeResult RunProbe(const Config& config, const ProbeRequest& request, double timeout_offset) {
  ProbeResult result;
  std::string module_name = request.module.empty() ? "http_2xx" : request.module;
  auto it = config.modules.find(module_name);
  if (it == config.modules.end()) {
    result.http_status = 400;
    result.error = "Unknown module \"" + module_name + "\"";
    result.unknown_module = true;
    return result;
  }
  Module module = it->second;
  auto timeout = ProbeTimeoutSeconds(module, request.scrape_timeout_header, timeout_offset);
  if (!timeout.ok()) {
    result.http_status = 500;
    result.error = "Failed to parse timeout from Prometheus header: " + timeout.status().message();
    return result;
  }
  if (request.target.empty()) {
    result.http_status = 400;
    result.error = "Target parameter is missing";
    return result;
  }
  ProbeFn prober = FindProber(module.prober);
  if (prober == nullptr) {
    result.http_status = 400;
    result.error = "Unknown prober \"" + module.prober + "\"";
    return result;
  }
  if (module.prober == "http" && !request.hostname.empty()) {
    for (const auto& [name, value] : module.http.headers) {
      if (CanonicalHeaderKey(name) == "Host" && value != request.hostname) {
        result.http_status = 400;
        result.error = "host header defined both in module configuration (" + value + ") and with URL-parameter 'hostname' (" +
                       request.hostname + ")";
        return result;
      }
    }
    module.http.headers.emplace_back("Host", request.hostname);
  }

  auto registry = std::make_shared<prometheus::Registry>();
  ProbeLog log;
  auto start = std::chrono::steady_clock::now();
  auto deadline = start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                              std::chrono::duration<double>(timeout.value()));
  ProbeContext ctx{deadline, *registry, log};
  auto& success_gauge = ctx.NewGauge("probe_success", "Displays whether or not the probe was a success");
  auto& duration_gauge = ctx.NewGauge("probe_duration_seconds", "Returns how long the probe took to complete in seconds");
  log.Log("info", "Beginning probe", {"probe", module.prober, "timeout_seconds", std::to_string(timeout.value())});
  result.success = prober(request.target, module, ctx);
  double duration = SecondsSince(start);
  duration_gauge.Set(duration);
  if (result.success) {
    success_gauge.Set(1);
    log.Log("info", "Probe succeeded", {"duration_seconds", std::to_string(duration)});
  } else {
    log.Log("error", "Probe failed", {"duration_seconds", std::to_string(duration)});
  }
  result.families = registry->Collect();
  std::sort(result.families.begin(), result.families.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  if (request.debug) {
    std::ostringstream out;
    out << "Logs for the probe:\n" << log.text() << "\n\n\nMetrics that would have been returned:\n";
    prometheus::TextSerializer().Serialize(out, result.families);
    out << "\n\n\nModule configuration:\n" << module.yaml << "\n";
    result.debug_text = out.str();
  }
  return result;
}

}  // namespace cairn::blackbox
