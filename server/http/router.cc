#include "server/http/router.h"

#include <algorithm>
#include <chrono>

#include "util/go_url.h"

namespace cairn::server::http {
namespace {

std::vector<std::string> SplitPath(std::string_view path) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos <= path.size()) {
    size_t slash = path.find('/', pos);
    if (slash == std::string_view::npos) slash = path.size();
    if (slash > pos) out.emplace_back(path.substr(pos, slash - pos));
    pos = slash + 1;
  }
  return out;
}

int Hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool Allows(const std::vector<std::string>& methods, const std::string& method) {
  if (std::find(methods.begin(), methods.end(), method) != methods.end()) return true;
  return method == "HEAD" && std::find(methods.begin(), methods.end(), "GET") != methods.end();
}

}  // namespace

std::string PathDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && Hex(s[i + 1]) >= 0 && Hex(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(Hex(s[i + 1]) * 16 + Hex(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::string NormalizeRoutePrefix(std::string_view route_prefix, std::string_view external_url) {
  std::string p = route_prefix.empty() ? GoUrlPath(external_url) : std::string(route_prefix);
  while (!p.empty() && p.back() == '/') p.pop_back();
  if (!p.empty() && p.front() != '/') p.insert(p.begin(), '/');
  return p;
}

void Router::SetPrefix(std::string prefix) { prefix_ = NormalizeRoutePrefix(prefix, ""); }

void Router::Add(std::string pattern, std::vector<std::string> methods, Handler handler) {
  Route_ r;
  r.segments = SplitPath(pattern);
  r.pattern = std::move(pattern);
  r.methods = std::move(methods);
  r.handler = std::move(handler);
  routes_.push_back(std::move(r));
}

bool Router::Match(const Route_& r, const std::vector<std::string>& segments, HttpRequest* req) const {
  if (r.segments.size() != segments.size()) return false;
  std::map<std::string, std::string> params;
  for (size_t i = 0; i < segments.size(); ++i) {
    const std::string& want = r.segments[i];
    if (!want.empty() && want[0] == ':') {
      params[want.substr(1)] = PathDecode(segments[i]);
    } else if (want != segments[i]) {
      return false;
    }
  }
  if (req != nullptr) req->path_params = std::move(params);
  return true;
}

HttpResponse Router::Route(HttpRequest& request) const {
  auto start = std::chrono::steady_clock::now();
  std::string_view path = request.path;
  bool outside_prefix = false;
  if (!prefix_.empty()) {
    if (path == prefix_ || (path.starts_with(prefix_) && path[prefix_.size()] == '/')) {
      path.remove_prefix(prefix_.size());
    } else if (path == "/" && request.method != "OPTIONS") {
      // Prometheus redirects the bare root to the prefix.
      HttpResponse r;
      r.status = 302;
      r.headers = {{"Location", prefix_ + "/"}};
      if (observer_) observer_("other", r.status, 0);
      return r;
    } else {
      outside_prefix = true;
    }
  }
  std::vector<std::string> segments = SplitPath(path);
  const Route_* matched = nullptr;
  std::vector<std::string> allowed;
  bool path_known = false;
  for (const auto& r : routes_) {
    if (outside_prefix || !Match(r, segments, nullptr)) continue;
    path_known = true;
    for (const auto& m : r.methods) allowed.push_back(m);
    if (matched == nullptr && Allows(r.methods, request.method)) matched = &r;
  }
  HttpResponse resp;
  std::string handler_label = "other";
  if (request.method == "OPTIONS") {
    resp.status = 200;
    resp.headers = {{"Access-Control-Allow-Origin", "*"},
                    {"Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, OPTIONS"},
                    {"Access-Control-Allow-Headers", "Accept, Authorization, Content-Type, Origin"},
                    {"Access-Control-Expose-Headers", "Date"}};
  } else if (matched != nullptr) {
    Match(*matched, segments, &request);
    handler_label = matched->pattern;
    resp = matched->handler(request);
  } else if (path_known) {
    std::string allow;
    for (const auto& m : allowed) allow += (allow.empty() ? "" : ", ") + m;
    resp = HttpResponse::Text(405, "Method Not Allowed\n");
    resp.headers.emplace_back("Allow", allow);
  } else {
    resp = HttpResponse::Text(404, "404 page not found\n");
  }
  const bool cors = !request.Header("origin").empty() && request.method != "OPTIONS";
  // Headers and the observation belong to the final response: for an
  // asynchronous one, apply them when it arrives.
  auto finish = [cors, observer = observer_, handler_label, start](HttpResponse& r) {
    if (cors) r.headers.emplace_back("Access-Control-Allow-Origin", "*");
    if (observer) {
      double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      observer(handler_label, r.status, seconds);
    }
  };
  if (resp.async) {
    resp.async = [inner = std::move(resp.async), finish](Respond respond) {
      inner([respond = std::move(respond), finish](HttpResponse r) {
        finish(r);
        respond(std::move(r));
      });
    };
    return resp;
  }
  finish(resp);
  return resp;
}

}  // namespace cairn::server::http
