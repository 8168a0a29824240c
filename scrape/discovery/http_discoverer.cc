#include "scrape/discovery/http_discoverer.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include <re2/re2.h>

#include "scrape/discovery/refresh_loop.h"
#include "scrape/discovery/yaml_util.h"
#include "util/go_quote.h"

namespace cairn::scrape::discovery {
namespace {

// The HTTP client keys of Prometheus' common config.HTTPClientConfig, all
// inlined into http_sd_configs. Those with a harmless default are accepted.
constexpr std::string_view kUnsupportedClientKeys[] = {
    "basic_auth", "authorization", "oauth2",         "bearer_token",          "bearer_token_file",
    "tls_config", "proxy_url",     "no_proxy",       "proxy_connect_header", "http_headers",
};
constexpr std::string_view kIgnoredClientKeys[] = {"follow_redirects", "enable_http2", "proxy_from_environment"};

// Prometheus' matchContentType.
const RE2& JsonContentType() {
  static const RE2 re(R"((?i)application/json(;\s*charset=("utf-8"|utf-8))?)");
  return re;
}

std::string Trim(std::string s) {
  const auto not_space = [](unsigned char c) { return !std::isspace(c); };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  return s;
}

// Go's strconv.FormatFloat(seconds, 'f', -1, 64) for a millisecond count.
std::string Seconds(int64_t ms) {
  std::string s = std::to_string(ms / 1000);
  if (int64_t frac = ms % 1000; frac != 0) {
    char buf[8];
    std::snprintf(buf, sizeof buf, ".%03lld", static_cast<long long>(frac));
    std::string f = buf;
    while (f.back() == '0') f.pop_back();
    s += f;
  }
  return s;
}

}  // namespace

Result<HttpSdConfig> ParseHttpSdConfig(const YAML::Node& node) {
  HttpSdConfig cfg;
  if (!node.IsMap()) return Status::InvalidArgument(At(node) + "http_sd_configs entries must be maps");
  for (const auto& kv : node) {
    const std::string key = kv.first.Scalar();
    bool known = key == "url" || key == "refresh_interval";
    for (std::string_view k : kIgnoredClientKeys) known = known || k == key;
    for (std::string_view k : kUnsupportedClientKeys) {
      if (k == key && !kv.second.IsNull()) {
        cfg.unsupported_options.push_back(key);
        known = true;
      }
    }
    if (!known) return Status::InvalidArgument(At(kv.first) + "field " + key + " not found in type http.plain");
  }
  CAIRN_RETURN_IF_ERROR(ReadString(node, "url", &cfg.url));
  CAIRN_RETURN_IF_ERROR(ReadDurationMs(node, "refresh_interval", &cfg.refresh_interval_ms));
  if (cfg.url.empty()) return Status::InvalidArgument(At(node) + "URL is missing");
  auto url = ParseHttpUrl(cfg.url);
  if (!url.ok()) return Status::InvalidArgument(At(node) + url.status().message());
  return cfg;
}

Result<std::vector<TargetGroup>> HttpDiscoverer::Refresh(std::stop_token stop) {
  if (!config_.unsupported_options.empty()) {
    std::string names;
    for (const auto& o : config_.unsupported_options) names += (names.empty() ? "" : ", ") + o;
    return Status::Unsupported("http_sd_configs: " + names + " not yet supported by Cairn");
  }
  auto url = ParseHttpUrl(config_.url);
  if (!url.ok()) return url.status();
  auto res = HttpGet(*url,
                     {{"User-Agent", "Cairn"},
                      {"Accept", "application/json"},
                      {"X-Prometheus-Refresh-Interval-Seconds", Seconds(config_.refresh_interval_ms)}},
                     config_.refresh_interval_ms, stop);
  if (!res.ok()) return res.status();
  if (res->status != 200) {
    return Status::Unavailable("server returned HTTP status " + std::to_string(res->status) + " " + res->reason);
  }
  if (!RE2::FullMatch(Trim(res->content_type), JsonContentType())) {
    return Status::InvalidArgument("unsupported content type " + GoQuote(res->content_type));
  }
  auto groups = ParseTargetGroupsText(res->body, GroupSyntax::kJson);
  if (!groups.ok()) return groups.status();
  const size_t n = groups->size();
  for (size_t i = 0; i < n; ++i) {
    TargetGroup& g = (*groups)[i];
    g.source = config_.url + ":" + std::to_string(i);
    g.labels = g.labels.With(kUrlLabel, config_.url);
  }
  for (size_t i = n; i < last_group_count_; ++i) {
    groups->push_back(TargetGroup{config_.url + ":" + std::to_string(i), {}, {}});
  }
  last_group_count_ = n;
  return groups;
}

void HttpDiscoverer::Run(std::stop_token stop, DiscoverySink& sink) {
  RunRefreshLoop(
      stop, "http", config_.refresh_interval_ms,
      [this](std::stop_token s) {
        auto groups = Refresh(s);
        if (!groups.ok()) return RefreshResult{{}, {groups.status()}};
        return RefreshResult{std::move(groups).value(), {}};
      },
      sink);
}

}  // namespace cairn::scrape::discovery
