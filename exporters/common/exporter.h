// cairn_exporter_common: what every Cairn exporter shares.
//
// An exporter's main is a few lines: describe the exporter, add its own flags,
// parse, add its collectors (prometheus::Collectable, prometheus-cpp's
// interface), run.
//
//   int main(int argc, char** argv) {
//     cairn::exporters::Exporter exporter({
//         .name = "nginx_exporter", .title = "NGINX Exporter",
//         .default_listen_address = ":9113",
//         .build_info = {"nginxexporter_build_info", "Exporter build information", {...}}});
//     std::string uri = "http://127.0.0.1:8080/stub_status";
//     exporter.flags().add_option("--nginx.scrape-uri", uri, "...")->capture_default_str();
//     if (auto exit_code = exporter.ParseFlags(argc, argv)) return *exit_code;
//     exporter.AddCollector(std::make_shared<NginxCollector>(uri));
//     return exporter.Run();
//   }
//
// What Run() serves (Boost.Beast, one thread per connection, keep-alive):
//   <telemetry path>  every collector's Collect() on each request, merged by
//                     family name; text 0.0.4, or OpenMetrics 1.0.0 by the Accept
//                     header with --web.enable-openmetrics (exposition.h says
//                     why it is off by default), gzip when accepted. Each collector is collected by
//                     one scrape at a time; the scrape deadline comes from
//                     X-Prometheus-Scrape-Timeout-Seconds (scrape_deadline.h).
//                     A collector still busy at the deadline is skipped.
//   /                 a landing page linking the telemetry path and the extra
//                     handlers' links.
//   AddHandler paths  anything else (blackbox's /probe, /-/reload).
// and, with --push.url, a push loop: every --push.interval collect the same
// families and send them by Prometheus remote write 1.0 (push.h).
//
// Common flags (upstream's names): --web.listen-address (the exporter's
// upstream default port), --web.telemetry-path, --log.level, --log.format,
// --web.enable-openmetrics (Cairn's own),
// --push.url, --push.interval, --push.job, --push.instance,
// --push.basic-auth.username, --push.basic-auth.password-file,
// --push.bearer-token-file. Flags take "--name=value" or "--name value".
//
// Thread-safety: configure (flags, AddCollector, AddHandler, SetUnit) before
// Run(); collectors are called from connection threads and the push thread,
// never concurrently with themselves.
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <prometheus/collectable.h>

#include "exporters/common/exposition.h"
#include "exporters/common/http_types.h"
#include "exporters/common/push.h"
#include "exporters/common/scrape_deadline.h"
#include "exporters/common/self_metrics.h"

namespace cairn::exporters {

struct ExporterInfo {
  std::string name;                    // program name in logs: "nginx_exporter"
  std::string title;                   // landing page title: "NGINX Exporter"
  std::string description;             // one line under the title; may be empty
  std::string default_listen_address;  // upstream's default, e.g. ":9113"
  BuildInfo build_info;                // see self_metrics.h; metric_name "" = none
  bool process_metrics = true;         // export process_*
  bool handler_metrics = true;         // export promhttp_metric_handler_*
};

// Values of the common flags after ParseFlags().
struct CommonFlags {
  std::string listen_address;
  std::string telemetry_path = "/metrics";
  std::string web_config_file;  // --web.config.file: TLS and basic auth (webconfig/)
  std::string log_level = "info";
  std::string log_format = "logfmt";
  bool enable_openmetrics = false;
  PushOptions push;
};

class Exporter {
 public:
  explicit Exporter(ExporterInfo info);
  ~Exporter();
  Exporter(const Exporter&) = delete;
  Exporter& operator=(const Exporter&) = delete;

  // The CLI11 app with the common flags; add the exporter's own before ParseFlags().
  CLI::App& flags() { return app_; }

  // Parses argv. Returns an exit code when the process should end now (--help,
  // --version, a bad flag: the message is printed), nullopt to go on.
  std::optional<int> ParseFlags(int argc, char** argv);
  const CommonFlags& common_flags() const { return common_; }

  void AddCollector(std::shared_ptr<prometheus::Collectable> collector);

  // Serves `path` (exact match, query string ignored for matching) with
  // `handler`. With a non-empty `landing_link`, the landing page links it.
  void AddHandler(std::string path, HttpHandler handler, std::string landing_link = "");

  // OpenMetrics "# UNIT" for a family (see OpenMetricsOptions).
  void SetUnit(std::string family, std::string unit);

  // Collects every collector once (as a scrape would, same locks and deadline
  // rules) and merges the families, sorted by name (a family's metrics by
  // labels) as Go's Gatherer does. Used by the metrics handler and push.
  std::vector<prometheus::MetricFamily> CollectAll(Deadline deadline);

  // Binds the listen address, starts the push loop if configured, and serves
  // until SIGINT/SIGTERM or Stop(). Returns the process exit code (1 when the
  // address cannot be bound).
  int Run();
  // Makes Run() return (callable from any thread).
  void Stop();

  // The port Run() bound (useful with ":0"); 0 before Run() has bound.
  int bound_port() const { return bound_port_.load(); }

 private:
  struct Impl;
  ExporterInfo info_;
  CLI::App app_;
  CommonFlags common_;
  std::unique_ptr<Impl> impl_;
  std::atomic<int> bound_port_{0};
};

}  // namespace cairn::exporters
