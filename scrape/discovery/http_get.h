// HttpGet: a minimal HTTP/1.1 GET over plain TCP with Boost.Beast, for
// http_sd_configs. No TLS, proxies or redirects (the caller reports those as
// unsupported). One connection per request, closed afterwards.
// Thread-safety: a free function; concurrent calls are independent.
#pragma once

#include <cstdint>
#include <stop_token>
#include <string>
#include <utility>
#include <vector>

#include "util/status.h"

namespace cairn::scrape::discovery {

struct HttpUrl {
  std::string scheme;  // "http" or "https"
  std::string host;    // without brackets for IPv6 literals
  std::string port;    // defaulted from the scheme when absent
  std::string target;  // path and query, "/" when empty
};

// Splits an absolute URL. Errors read like Prometheus' config validation:
// "URL scheme must be 'http' or 'https'", "host is missing in URL".
Result<HttpUrl> ParseHttpUrl(const std::string& url);

struct HttpResponse {
  int status = 0;            // e.g. 200
  std::string reason;        // e.g. "OK"
  std::string content_type;  // the Content-Type header, "" when absent
  std::string body;
};

// GETs `url` with `headers`. Fails with Timeout after `timeout_ms`, Canceled
// when `stop` is requested, IOError on connection errors, Unsupported for
// https. Any HTTP status is a successful Result; the caller judges it.
Result<HttpResponse> HttpGet(const HttpUrl& url, const std::vector<std::pair<std::string, std::string>>& headers,
                             int64_t timeout_ms, std::stop_token stop);

}  // namespace cairn::scrape::discovery
