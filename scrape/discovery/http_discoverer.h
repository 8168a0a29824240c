// http_sd_configs: target groups fetched from an HTTP endpoint, as
// Prometheus' discovery/http. The endpoint answers a GET with 200, a JSON
// Content-Type and a JSON array of {targets, labels}; groups get the source
// "<url>:<index>" and the label __meta_url. Anything else is an error that
// keeps the last groups; groups past the new end of the list are removed.
// Thread-safety: Refresh and Run must not run concurrently.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "scrape/discovery/discoverer.h"
#include "scrape/http/client.h"
#include "scrape/http/http_config.h"

namespace cairn::scrape::discovery {

inline constexpr std::string_view kUrlLabel = "__meta_url";

struct HttpSdConfig {
  std::string url;
  int64_t refresh_interval_ms = 60 * 1000;  // also the request timeout, as in Prometheus
  // basic_auth, authorization, tls_config, follow_redirects: the scrape
  // client's options and implementation (Unsupported for oauth2 and proxies).
  http::HttpClientConfig http_client;
  // The entry as written and the directory its files are relative to: two
  // configs are the same provider exactly when these are equal (the client
  // options have no operator==), as for kubernetes_sd.
  std::string source_yaml;
  std::string directory;

  friend bool operator==(const HttpSdConfig& a, const HttpSdConfig& b) {
    return a.source_yaml == b.source_yaml && a.directory == b.directory;
  }
};

// Parses one http_sd_configs entry: "URL is missing", "URL scheme must be
// 'http' or 'https'", "host is missing in URL", and the HTTP client options'
// own checks.
Result<HttpSdConfig> ParseHttpSdConfig(const YAML::Node& node);

// Makes the HTTP client's *_file paths relative to `dir` (the config file's
// directory), as Prometheus' SetDirectory does.
void SetDirectory(HttpSdConfig& config, const std::string& dir);

class HttpDiscoverer final : public Discoverer {
 public:
  explicit HttpDiscoverer(HttpSdConfig config) : config_(std::move(config)) {}

  // One GET, bounded by the refresh interval and ended early by `stop`.
  // Errors: "server returned HTTP status 500 Internal Server Error",
  // `unsupported content type "text/plain"`, JSON errors, and transport
  // errors worded as Go's (`Get "<url>": dial tcp ...: connection refused`).
  Result<std::vector<TargetGroup>> Refresh(std::stop_token stop = {});

  void Run(std::stop_token stop, DiscoverySink& sink) override;

 private:
  const HttpSdConfig config_;
  std::shared_ptr<const http::Client> client_;  // made at the first refresh
  size_t last_group_count_ = 0;
};

}  // namespace cairn::scrape::discovery
