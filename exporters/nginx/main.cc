// cairn-nginx-exporter: nginx-prometheus-exporter (0.11) for nginx's stub_status.
#include <cstdio>

#include "exporters/common/exporter.h"
#include "exporters/nginx/collector.h"
#include "util/duration.h"

namespace {

// "--prometheus.const-labels": "label1=value1,label2=value2".
bool ParseConstLabels(const std::string& text, std::vector<std::pair<std::string, std::string>>* out) {
  size_t start = 0;
  while (start < text.size()) {
    size_t comma = text.find(',', start);
    std::string pair = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    size_t eq = pair.find('=');
    if (eq == std::string::npos || eq == 0) return false;
    out->emplace_back(pair.substr(0, eq), pair.substr(eq + 1));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  using cairn::exporters::Exporter;
  Exporter exporter({.name = "nginx_exporter",
                     .title = "NGINX Exporter",
                     .description = "Prometheus exporter for NGINX's stub_status page (Cairn)",
                     .default_listen_address = ":9113",
                     .build_info = {"nginxexporter_build_info",
                                    "Exporter build information",
                                    {{"arch", "linux/" + cairn::exporters::GoArch()},
                                     {"commit", ""},
                                     {"date", ""},
                                     {"dirty", "false"},
                                     {"go", cairn::exporters::CompilerVersion()},
                                     {"version", cairn::exporters::CairnVersion()}}}});
  CLI::App& flags = exporter.flags();
  flags.get_option("--web.listen-address")->envname("LISTEN_ADDRESS");
  flags.get_option("--web.telemetry-path")->envname("TELEMETRY_PATH");
  cairn::exporters::nginx::NginxCollectorOptions options;
  std::string timeout = "5s", const_labels;
  flags.add_option("--nginx.scrape-uri", options.scrape_uri, "A URI for scraping NGINX's stub_status page.")
      ->envname("SCRAPE_URI");
  flags.add_option("--nginx.timeout", timeout, "A timeout for scraping metrics from NGINX.")->envname("TIMEOUT");
  flags.add_option("--prometheus.const-labels", const_labels,
                   "A comma separated list of constant labels that will be used in every metric. "
                   "Format is label1=value1,label2=value2...")
      ->envname("CONST_LABELS");
  if (auto exit_code = exporter.ParseFlags(argc, argv)) return *exit_code;

  auto timeout_ms = cairn::ParseDurationMs(timeout);
  if (!timeout_ms.ok() || *timeout_ms <= 0) {
    std::fprintf(stderr, "--nginx.timeout: not a positive duration: %s\n", timeout.c_str());
    return 2;
  }
  options.timeout = std::chrono::milliseconds(*timeout_ms);
  if (!ParseConstLabels(const_labels, &options.const_labels)) {
    std::fprintf(stderr, "--prometheus.const-labels: want label1=value1,label2=value2: %s\n", const_labels.c_str());
    return 2;
  }
  exporter.AddCollector(std::make_shared<cairn::exporters::nginx::NginxCollector>(options));
  return exporter.Run();
}
