#include "scrape/discovery/http_discoverer.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>

#include <re2/re2.h>

#include "scrape/discovery/refresh_loop.h"
#include "scrape/discovery/yaml_util.h"
#include "scrape/http/request.h"
#include "scrape/http/url.h"
#include "util/go_quote.h"

namespace cairn::scrape::discovery {
namespace {

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

// Prometheus' checks of the URL, with its messages; the rest of the URL's
// syntax is the HTTP client's (Go's net/url wording).
Status ValidateUrl(const std::string& url) {
  const size_t colon = url.find("://");
  std::string scheme = colon == std::string::npos ? "" : url.substr(0, colon);
  for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (scheme != "http" && scheme != "https") return Status::InvalidArgument("URL scheme must be 'http' or 'https'");
  auto parsed = http::ParseUrl(url);
  if (parsed.ok()) return Status::OK();
  if (parsed.status().message() == "http: no Host in request URL") {
    return Status::InvalidArgument("host is missing in URL");
  }
  return parsed.status();
}

}  // namespace

Result<HttpSdConfig> ParseHttpSdConfig(const YAML::Node& node) {
  HttpSdConfig cfg;
  if (!node.IsMap()) return Status::InvalidArgument(At(node) + "http_sd_configs entries must be maps");
  for (const auto& kv : node) {
    const std::string key = kv.first.Scalar();
    const bool known = key == "url" || key == "refresh_interval" || http::IsHttpClientConfigKey(key);
    if (!known) return Status::InvalidArgument(At(kv.first) + "field " + key + " not found in type http.plain");
  }
  CAIRN_RETURN_IF_ERROR(ReadString(node, "url", &cfg.url));
  CAIRN_RETURN_IF_ERROR(ReadDurationMs(node, "refresh_interval", &cfg.refresh_interval_ms));
  if (cfg.url.empty()) return Status::InvalidArgument(At(node) + "URL is missing");
  if (Status st = ValidateUrl(cfg.url); !st.ok()) return Status::InvalidArgument(At(node) + st.message());
  CAIRN_RETURN_IF_ERROR(http::ParseHttpClientConfig(node, "", &cfg.http_client));
  cfg.source_yaml = YAML::Dump(node);
  return cfg;
}

void SetDirectory(HttpSdConfig& config, const std::string& dir) {
  config.directory = dir;
  http::SetDirectory(&config.http_client, dir);
}

Result<std::vector<TargetGroup>> HttpDiscoverer::Refresh(std::stop_token stop) {
  if (!client_) {
    auto client = http::Client::Create(config_.http_client);
    if (!client.ok()) return client.status();
    client_ = std::move(client).value();
  }
  auto res = http::DoRequest(*client_, {.method = "GET",
                                        .url = config_.url,
                                        .headers = {{"Accept", "application/json"},
                                                    {"X-Prometheus-Refresh-Interval-Seconds",
                                                     Seconds(config_.refresh_interval_ms)}},
                                        .timeout = std::chrono::milliseconds(config_.refresh_interval_ms),
                                        .stop = stop});
  if (!res.ok()) return res.status();
  if (res->status != 200) return Status::Unavailable("server returned HTTP status " + res->status_text);
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
