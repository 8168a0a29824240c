#include "exporters/nginx/collector.h"

#include <algorithm>

#include <prometheus/metric_family.h>

#include "exporters/common/http_client.h"
#include "exporters/common/log.h"
#include "exporters/common/scrape_deadline.h"
#include "exporters/nginx/stub_status.h"

namespace cairn::exporters::nginx {
namespace {

using prometheus::MetricFamily;
using prometheus::MetricType;

MetricFamily Family(const NginxCollectorOptions& options, std::string name, std::string help, MetricType type,
                    double value) {
  MetricFamily f;
  f.name = std::move(name);
  f.help = std::move(help);
  f.type = type;
  auto& m = f.metric.emplace_back();
  for (const auto& [k, v] : options.const_labels) m.label.push_back({k, v});
  std::sort(m.label.begin(), m.label.end());
  (type == MetricType::Counter ? m.counter.value : m.gauge.value) = value;
  return f;
}

Result<StubStatus> Fetch(const NginxCollectorOptions& options) {
  Deadline deadline = std::min(CurrentScrapeDeadline(), std::chrono::steady_clock::now() + options.timeout);
  HttpClientRequest req;
  req.url = options.scrape_uri;
  Result<HttpClientResponse> res = HttpFetch(req, deadline);
  if (!res.ok()) return res.status();
  if (res->status != 200) {
    return Status::Unavailable("expected 200 response, got " + std::to_string(res->status));
  }
  return ParseStubStatus(res->body);
}

}  // namespace

std::vector<MetricFamily> NginxCollector::Collect() const {
  std::vector<MetricFamily> out;
  Result<StubStatus> stats = Fetch(options_);
  if (!stats.ok()) {
    Log(LogLevel::kError, "Error getting stats", {{"uri", options_.scrape_uri}, {"err", stats.status().ToString()}});
    out.push_back(Family(options_, "nginx_up", "Status of the last metric scrape", MetricType::Gauge, 0));
    return out;
  }
  const StubStatus& s = *stats;
  out.push_back(Family(options_, "nginx_connections_accepted", "Accepted client connections", MetricType::Counter,
                       static_cast<double>(s.accepts)));
  out.push_back(Family(options_, "nginx_connections_active", "Active client connections", MetricType::Gauge,
                       static_cast<double>(s.active)));
  out.push_back(Family(options_, "nginx_connections_handled", "Handled client connections", MetricType::Counter,
                       static_cast<double>(s.handled)));
  out.push_back(Family(options_, "nginx_connections_reading", "Connections where NGINX is reading the request header",
                       MetricType::Gauge, static_cast<double>(s.reading)));
  out.push_back(Family(options_, "nginx_connections_waiting", "Idle client connections", MetricType::Gauge,
                       static_cast<double>(s.waiting)));
  out.push_back(Family(options_, "nginx_connections_writing",
                       "Connections where NGINX is writing the response back to the client", MetricType::Gauge,
                       static_cast<double>(s.writing)));
  out.push_back(Family(options_, "nginx_http_requests_total", "Total http requests", MetricType::Counter,
                       static_cast<double>(s.requests)));
  out.push_back(Family(options_, "nginx_up", "Status of the last metric scrape", MetricType::Gauge, 1));
  return out;
}

}  // namespace cairn::exporters::nginx
