// Router: maps (method, path) to a Handler. Patterns are exact paths whose
// segments may be ":name" parameters ("/api/v1/label/:name/values"). Unknown
// paths answer 404, known paths with another method 405 (with Allow), and
// OPTIONS on any path answers the CORS preflight. HEAD is served by the GET
// handler (the server drops the body). After each request (for an
// asynchronous response, once it arrives) the observer, if set, learns the matched pattern (the `handler` label of
// prometheus_http_requests_total), the status code and the duration.
// Thread-safety: register everything before serving; Route() is then safe
// from any thread.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "server/http/http_types.h"

namespace cairn::server::http {

class Router {
 public:
  using Observer = std::function<void(std::string_view handler, int code, double seconds)>;

  // `methods` e.g. {"GET", "POST"}. Later registrations of the same pattern
  // and method are ignored.
  void Add(std::string pattern, std::vector<std::string> methods, Handler handler);
  void SetObserver(Observer observer) { observer_ = std::move(observer); }
  // --web.route-prefix ("/cairn"; "" or "/" = none): every route is then
  // served under it, "/" redirects to it, and other paths answer 404.
  void SetPrefix(std::string prefix);

  HttpResponse Route(HttpRequest& request) const;

 private:
  struct Route_ {
    std::string pattern;
    std::vector<std::string> segments;
    std::vector<std::string> methods;
    Handler handler;
  };
  bool Match(const Route_& r, const std::vector<std::string>& segments, HttpRequest* req) const;

  std::vector<Route_> routes_;
  Observer observer_;
  std::string prefix_;
};

// The route prefix of --web.route-prefix, or when that is empty the path
// of --web.external-url, as Prometheus derives it: "" for none, else
// "/a/b" with no trailing slash.
std::string NormalizeRoutePrefix(std::string_view route_prefix, std::string_view external_url);

// Decodes %XX escapes only ('+' stays '+'), for path segments.
std::string PathDecode(std::string_view s);

}  // namespace cairn::server::http
