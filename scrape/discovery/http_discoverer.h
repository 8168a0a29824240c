// http_sd_configs: target groups fetched from an HTTP endpoint, as
// Prometheus' discovery/http. The endpoint answers a GET with 200, a JSON
// Content-Type and a JSON array of {targets, labels}; groups get the source
// "<url>:<index>" and the label __meta_url. Anything else is an error that
// keeps the last groups; groups past the new end of the list are removed.
// Thread-safety: Refresh and Run must not run concurrently.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "scrape/discovery/discoverer.h"
#include "scrape/discovery/http_get.h"

namespace cairn::scrape::discovery {

inline constexpr std::string_view kUrlLabel = "__meta_url";

struct HttpSdConfig {
  std::string url;
  int64_t refresh_interval_ms = 60 * 1000;  // also the request timeout, as in Prometheus
  // HTTP client options Prometheus accepts (tls_config, basic_auth,
  // authorization, oauth2, proxy_url, ...) that Cairn parses but cannot honour
  // yet; each refresh fails naming them rather than fetch without them.
  std::vector<std::string> unsupported_options;

  friend bool operator==(const HttpSdConfig&, const HttpSdConfig&) = default;
};

// Parses one http_sd_configs entry: "URL is missing", "URL scheme must be
// 'http' or 'https'", "host is missing in URL".
Result<HttpSdConfig> ParseHttpSdConfig(const YAML::Node& node);

class HttpDiscoverer final : public Discoverer {
 public:
  explicit HttpDiscoverer(HttpSdConfig config) : config_(std::move(config)) {}

  // One GET. Errors: "server returned HTTP status 500 Internal Server Error",
  // `unsupported content type "text/plain"`, JSON errors, transport errors.
  Result<std::vector<TargetGroup>> Refresh(std::stop_token stop = {});

  void Run(std::stop_token stop, DiscoverySink& sink) override;

 private:
  const HttpSdConfig config_;
  size_t last_group_count_ = 0;
};

}  // namespace cairn::scrape::discovery
