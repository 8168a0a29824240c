// The NGINX collector: reads stub_status on every scrape and exports what
// nginx-prometheus-exporter 0.11 does (nginx_up, nginx_connections_*,
// nginx_http_requests_total). When the page cannot be read or parsed, only
// nginx_up 0 is exported and the error is logged; the scrape still answers.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include <prometheus/collectable.h>

namespace cairn::exporters::nginx {

struct NginxCollectorOptions {
  std::string scrape_uri = "http://127.0.0.1:8080/stub_status";
  std::chrono::milliseconds timeout{5000};  // --nginx.timeout; the scrape deadline may cut it shorter
  std::vector<std::pair<std::string, std::string>> const_labels;  // --prometheus.const-labels
};

class NginxCollector : public prometheus::Collectable {
 public:
  explicit NginxCollector(NginxCollectorOptions options) : options_(std::move(options)) {}
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  NginxCollectorOptions options_;
};

}  // namespace cairn::exporters::nginx
