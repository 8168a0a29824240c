// HTTP request and response values shared by the exporter's server, its
// handlers and its client. Plain values; no I/O here.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cairn::exporters {

struct HttpRequest {
  std::string method;                          // "GET"
  std::string target;                          // as sent: "/probe?target=x&module=y"
  std::string path;                            // "/probe" (not decoded further)
  std::multimap<std::string, std::string> params;  // the query string, decoded
  std::map<std::string, std::string> headers;  // names lower-cased; repeated headers joined by ", "
  std::string body;

  // The header's value, or "" when absent. `name` is matched case-insensitively.
  std::string Header(std::string_view name) const;
  // The first value of query parameter `name`, or "" when absent.
  std::string Param(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
  std::string body;

  static HttpResponse Text(int status, std::string body);
};

// Handles one request; called on the connection's own thread, so a handler may
// block (up to the request's scrape deadline, see scrape_deadline.h).
using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

// Decodes an application/x-www-form-urlencoded query string ("a=1&b=%20").
std::multimap<std::string, std::string> ParseQueryString(std::string_view query);

}  // namespace cairn::exporters
