// cairn-blackbox-exporter: blackbox_exporter's flags and endpoints on
// cairn_exporter_common. /probe runs a module's prober with a registry of its
// own (probe_handler.h); /metrics is the exporter's own metrics (build info,
// config reload state, unknown modules, process_*); the configuration is
// re-read on SIGHUP and POST /-/reload and kept when the new file is refused.
#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>
#include <signal.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <thread>

#include "exporters/blackbox/config.h"
#include "exporters/blackbox/probe_handler.h"
#include "exporters/common/exporter.h"
#include "exporters/common/exposition.h"
#include "exporters/common/log.h"

namespace {

using cairn::exporters::HttpRequest;
using cairn::exporters::HttpResponse;
using cairn::exporters::Log;
using cairn::exporters::LogLevel;

// The current configuration and the reload metrics upstream keeps with it.
class ConfigHolder {
 public:
  ConfigHolder(std::string path, prometheus::Registry& registry)
      : path_(std::move(path)),
        success_(prometheus::BuildGauge()
                     .Name("blackbox_exporter_config_last_reload_successful")
                     .Help("Blackbox exporter config loaded successfully.")
                     .Register(registry)
                     .Add({})),
        seconds_(prometheus::BuildGauge()
                     .Name("blackbox_exporter_config_last_reload_success_timestamp_seconds")
                     .Help("Timestamp of the last successful configuration reload.")
                     .Register(registry)
                     .Add({})) {}

  cairn::Status Reload() {
    auto c = cairn::blackbox::LoadConfigFile(path_);
    if (!c.ok()) {
      success_.Set(0);
      return c.status();
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      config_ = std::make_shared<const cairn::blackbox::Config>(std::move(c).value());
    }
    success_.Set(1);
    seconds_.SetToCurrentTime();
    return cairn::Status::OK();
  }

  std::shared_ptr<const cairn::blackbox::Config> Get() const {
    std::lock_guard<std::mutex> lock(mu_);
    return config_;
  }

 private:
  std::string path_;
  prometheus::Gauge& success_;
  prometheus::Gauge& seconds_;
  mutable std::mutex mu_;
  std::shared_ptr<const cairn::blackbox::Config> config_;
};

std::string ConfigText(const cairn::blackbox::Config& config) {
  std::string out = "modules:\n";
  for (const auto& [name, module] : config.modules) {
    out += "  " + name + ":\n";
    size_t start = 0;
    while (start < module.yaml.size()) {
      size_t end = module.yaml.find('\n', start);
      if (end == std::string::npos) end = module.yaml.size();
      out += "    " + module.yaml.substr(start, end - start) + "\n";
      start = end + 1;
    }
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  // SIGHUP goes to a thread of ours (blocked here, before any thread starts).
  sigset_t hup;
  sigemptyset(&hup);
  sigaddset(&hup, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &hup, nullptr);

  cairn::exporters::Exporter exporter({
      .name = "blackbox_exporter",
      .title = "Blackbox Exporter",
      .description = "Probes endpoints over HTTP, TCP, DNS and ICMP: /probe?target=...&module=...",
      .default_listen_address = ":9115",
      .build_info = cairn::exporters::StandardBuildInfo("blackbox_exporter"),
  });
  std::string config_file = "blackbox.yml";
  double timeout_offset = 0.5;
  bool config_check = false;
  unsigned history_limit = 100;
  exporter.flags().add_option("--config.file", config_file, "Blackbox exporter configuration file.")->capture_default_str();
  exporter.flags()
      .add_option("--timeout-offset", timeout_offset, "Offset to subtract from timeout in seconds.")
      ->capture_default_str();
  exporter.flags().add_flag("--config.check", config_check, "If true validate the config file and then exit.");
  exporter.flags()
      .add_option("--history.limit", history_limit, "Accepted for compatibility; probe history is not kept.")
      ->capture_default_str();
  if (auto code = exporter.ParseFlags(argc, argv)) return *code;

  auto registry = std::make_shared<prometheus::Registry>();
  ConfigHolder config(config_file, *registry);
  auto& unknown_modules = prometheus::BuildCounter()
                              .Name("blackbox_module_unknown_total")
                              .Help("Count of unknown modules requested by probes")
                              .Register(*registry)
                              .Add({});
  Log(LogLevel::kInfo, "Starting blackbox_exporter", {{"version", cairn::exporters::CairnVersion()}});
  if (cairn::Status s = config.Reload(); !s.ok()) {
    Log(LogLevel::kError, "Error loading config", {{"err", s.message()}});
    return 1;
  }
  if (config_check) {
    Log(LogLevel::kInfo, "Config file is ok exiting...");
    return 0;
  }
  Log(LogLevel::kInfo, "Loaded config file");
  exporter.AddCollector(registry);

  std::thread([&config, hup] {
    for (;;) {
      int sig = 0;
      if (sigwait(&hup, &sig) != 0) continue;
      if (cairn::Status s = config.Reload(); !s.ok()) Log(LogLevel::kError, "Error reloading config", {{"err", s.message()}});
      else Log(LogLevel::kInfo, "Reloaded config file");
    }
  }).detach();

  exporter.AddHandler(
      "/probe",
      [&](const HttpRequest& request) {
        cairn::blackbox::ProbeRequest probe;
        probe.module = request.Param("module");
        probe.target = request.Param("target");
        probe.hostname = request.Param("hostname");
        probe.debug = request.Param("debug") == "true";
        probe.scrape_timeout_header = request.Header("X-Prometheus-Scrape-Timeout-Seconds");
        auto result = cairn::blackbox::RunProbe(*config.Get(), probe, timeout_offset);
        if (result.unknown_module) unknown_modules.Increment();
        if (result.http_status != 200) return HttpResponse::Text(result.http_status, result.error + "\n");
        Log(LogLevel::kDebug, result.success ? "Probe succeeded" : "Probe failed",
            {{"module", probe.module}, {"target", probe.target}});
        if (probe.debug) return HttpResponse::Text(200, result.debug_text);
        return cairn::exporters::RenderMetrics(result.families, request);
      },
      "/probe?target=prometheus.io&module=http_2xx");
  exporter.AddHandler("/-/reload", [&](const HttpRequest& request) {
    if (request.method != "POST") return HttpResponse::Text(405, "This endpoint requires a POST request.\n");
    if (cairn::Status s = config.Reload(); !s.ok()) {
      Log(LogLevel::kError, "Error reloading config", {{"err", s.message()}});
      return HttpResponse::Text(500, "failed to reload config: " + s.message() + "\n");
    }
    Log(LogLevel::kInfo, "Reloaded config file");
    return HttpResponse::Text(200, "");
  });
  exporter.AddHandler("/-/healthy", [](const HttpRequest&) { return HttpResponse::Text(200, "Healthy"); });
  exporter.AddHandler(
      "/config", [&](const HttpRequest&) { return HttpResponse::Text(200, ConfigText(*config.Get())); }, "/config");
  return exporter.Run();
}
