#include "server/web_ui.h"

#include <functional>
#include <memory>
#include <string_view>

#include "server/http/gzip.h"

namespace cairn::server {
namespace {

constexpr std::string_view kPages[] = {"/graph",       "/dashboards", "/alerts", "/rules", "/targets",
                                       "/tsdb-status", "/config",     "/flags",  "/status"};

constexpr std::string_view kNotBuilt =
    "<!doctype html><html><head><meta charset=\"utf-8\"><title>Cairn</title></head><body>"
    "<h1>Cairn</h1><p>This cairn binary was built without its web UI: Node.js and npm were missing at build "
    "time, or the build had <code>-DCAIRN_WEB=OFF</code>.</p>"
    "<p>To build it: <code>scripts/install-deps.sh build</code> (installs nodejs and npm), then "
    "<code>make run</code> or <code>cmake -DCAIRN_WEB=ON</code> and rebuild (docs/ui.md).</p>"
    "<p>The HTTP API works without it: <a href=\"api/v1/status/buildinfo\">api/v1/status/buildinfo</a>.</p>"
    "</body></html>\n";

// True when an If-None-Match header names `etag` (or is "*").
bool EtagMatches(std::string_view if_none_match, std::string_view etag) {
  if (if_none_match.empty()) return false;
  if (if_none_match == "*") return true;
  size_t pos = 0;
  while (pos < if_none_match.size()) {
    size_t comma = if_none_match.find(',', pos);
    if (comma == std::string_view::npos) comma = if_none_match.size();
    std::string_view tag = if_none_match.substr(pos, comma - pos);
    while (!tag.empty() && tag.front() == ' ') tag.remove_prefix(1);
    while (!tag.empty() && tag.back() == ' ') tag.remove_suffix(1);
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    if (tag == etag) return true;
    pos = comma + 1;
  }
  return false;
}

// A file's answer: 304 when the client has it, else the gzip'd bytes when
// accepted (the server leaves a body with Content-Encoding alone), else raw.
// Assets are not content-hashed in their names, so the browser revalidates
// each time (no-cache) and gets 304 while the binary is the same.
http::HttpResponse ServeFile(const http::HttpRequest& req, std::string_view content_type, std::string_view raw,
                             std::string_view gzip, std::string_view etag) {
  http::HttpResponse r;
  r.headers = {{"ETag", std::string(etag)}, {"Cache-Control", "no-cache"}, {"Vary", "Accept-Encoding"}};
  if (EtagMatches(req.Header("if-none-match"), etag)) {
    r.status = 304;
    return r;
  }
  r.content_type = std::string(content_type);
  if (!gzip.empty() && http::AcceptsGzip(req.Header("accept-encoding"))) {
    r.body = std::string(gzip);
    r.headers.emplace_back("Content-Encoding", "gzip");
  } else {
    r.body = std::string(raw);
  }
  return r;
}

std::string ReplaceAll(std::string s, std::string_view from, std::string_view to) {
  for (size_t pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size())) {
    s.replace(pos, from.size(), to);
  }
  return s;
}

}  // namespace

void RegisterWebUi(http::Router& router, const std::string& browser_prefix, std::span<const WebAsset> assets) {
  router.Add("/", {"GET"}, [browser_prefix](const http::HttpRequest&) {
    http::HttpResponse r;
    r.status = 302;
    r.headers = {{"Location", browser_prefix + "/graph"}};
    return r;
  });

  // index.html carries the prefix for its links: filled in once here, with
  // its own gzip and ETag.
  struct Page {
    std::string html, gzip, etag;
  };
  auto page = std::make_shared<Page>();
  for (const WebAsset& a : assets) {
    if (a.path == "/index.html") {
      page->html = ReplaceAll(std::string(a.raw), "{{PREFIX}}", browser_prefix);
      page->etag = "\"" + std::to_string(std::hash<std::string>{}(page->html)) + "\"";
      if (!http::GzipCompress(page->html, &page->gzip)) page->gzip.clear();
    } else {
      router.Add(std::string(a.path), {"GET"}, [a](const http::HttpRequest& req) {
        return ServeFile(req, a.content_type, a.raw, a.gzip, a.etag);
      });
    }
  }
  for (std::string_view p : kPages) {
    router.Add(std::string(p), {"GET"}, [page](const http::HttpRequest& req) {
      if (page->html.empty()) {
        http::HttpResponse r;
        r.content_type = "text/html; charset=utf-8";
        r.body = std::string(kNotBuilt);
        return r;
      }
      return ServeFile(req, "text/html; charset=utf-8", page->html, page->gzip, page->etag);
    });
  }
}

}  // namespace cairn::server
