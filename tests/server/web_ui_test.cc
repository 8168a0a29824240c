#include "server/web_ui.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "server/http/gzip.h"
#include "tests/server/gunzip.h"

namespace cairn::server {
namespace {

using http::HttpRequest;
using http::HttpResponse;

std::string Header(const HttpResponse& r, const std::string& name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "";
}

HttpResponse Get(const http::Router& router, std::string path, std::vector<std::pair<std::string, std::string>> headers = {}) {
  HttpRequest req;
  req.method = "GET";
  req.path = std::move(path);
  req.headers = std::move(headers);
  return router.Route(req);
}

struct Fixture {
  std::string index = "<meta name=\"cairn-prefix\" content=\"{{PREFIX}}\"><script src=\"{{PREFIX}}/assets/app.js\">";
  std::string js = "console.log('cairn')";
  std::string js_gz;
  std::vector<WebAsset> assets;
  Fixture() {
    EXPECT_TRUE(http::GzipCompress(js, &js_gz));
    assets = {{"/index.html", "text/html; charset=utf-8", index, "", "\"i1\""},
              {"/assets/app.js", "text/javascript; charset=utf-8", js, js_gz, "\"j1\""}};
  }
};

TEST(WebUi, RootRedirectsToTheQueryPage) {
  Fixture f;
  http::Router router;
  RegisterWebUi(router, "", f.assets);
  HttpResponse r = Get(router, "/");
  EXPECT_EQ(r.status, 302);
  EXPECT_EQ(Header(r, "Location"), "/graph");
}

TEST(WebUi, PagesServeIndexWithThePrefixFilledIn) {
  Fixture f;
  http::Router router;
  RegisterWebUi(router, "/cairn", f.assets);
  for (const char* page :
       {"/graph", "/dashboards", "/alerts", "/rules", "/targets", "/tsdb-status", "/config", "/flags", "/status"}) {
    HttpResponse r = Get(router, page);
    EXPECT_EQ(r.status, 200) << page;
    EXPECT_EQ(r.content_type, "text/html; charset=utf-8");
    EXPECT_EQ(r.body, "<meta name=\"cairn-prefix\" content=\"/cairn\"><script src=\"/cairn/assets/app.js\">") << page;
  }
  EXPECT_EQ(Get(router, "/index.html").status, 404);  // the template itself is not a route
  EXPECT_EQ(Get(router, "/nope").status, 404);
}

TEST(WebUi, AssetsGzipWhenAcceptedAndEtagRevalidates) {
  Fixture f;
  http::Router router;
  RegisterWebUi(router, "", f.assets);
  HttpResponse gz = Get(router, "/assets/app.js", {{"accept-encoding", "gzip, deflate"}});
  EXPECT_EQ(gz.status, 200);
  EXPECT_EQ(Header(gz, "Content-Encoding"), "gzip");
  EXPECT_EQ(testing::Gunzip(gz.body), f.js);
  EXPECT_EQ(Header(gz, "ETag"), "\"j1\"");
  EXPECT_EQ(Header(gz, "Cache-Control"), "no-cache");

  HttpResponse plain = Get(router, "/assets/app.js");
  EXPECT_EQ(plain.body, f.js);
  EXPECT_EQ(Header(plain, "Content-Encoding"), "");

  EXPECT_EQ(Get(router, "/assets/app.js", {{"if-none-match", "\"x\", W/\"j1\""}}).status, 304);
  EXPECT_EQ(Get(router, "/assets/app.js", {{"if-none-match", "\"x\""}}).status, 200);
  // The page's ETag changes with its content, so also with the prefix.
  HttpResponse page = Get(router, "/graph");
  const std::string etag = Header(page, "ETag");
  EXPECT_FALSE(etag.empty());
  EXPECT_EQ(Get(router, "/graph", {{"if-none-match", etag}}).status, 304);
}

TEST(WebUi, WithoutAssetsThePagesSayHowToBuildTheUi) {
  http::Router router;
  RegisterWebUi(router, "", {});
  HttpResponse r = Get(router, "/graph");
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("built without its web UI"), std::string::npos);
  EXPECT_NE(r.body.find("CAIRN_WEB"), std::string::npos);
  EXPECT_EQ(Get(router, "/").status, 302);
}

TEST(RoutePrefix, DerivedAsPrometheusDoes) {
  EXPECT_EQ(http::NormalizeRoutePrefix("", ""), "");
  EXPECT_EQ(http::NormalizeRoutePrefix("", "http://example.com:9090"), "");
  EXPECT_EQ(http::NormalizeRoutePrefix("", "http://example.com:9090/"), "");
  EXPECT_EQ(http::NormalizeRoutePrefix("", "http://example.com/a/b/?x=1"), "/a/b");
  EXPECT_EQ(http::NormalizeRoutePrefix("/", "http://example.com/a"), "");
  EXPECT_EQ(http::NormalizeRoutePrefix("x/", "http://example.com/a"), "/x");
}

TEST(RoutePrefix, RoutesLiveUnderThePrefix) {
  http::Router router;
  router.Add("/api/v1/query", {"GET"}, [](const HttpRequest&) { return HttpResponse::Text(200, "q"); });
  router.Add("/", {"GET"}, [](const HttpRequest&) { return HttpResponse::Text(200, "root"); });
  router.SetPrefix("/cairn/");
  EXPECT_EQ(Get(router, "/cairn/api/v1/query").body, "q");
  EXPECT_EQ(Get(router, "/cairn").body, "root");
  EXPECT_EQ(Get(router, "/cairn/").body, "root");
  EXPECT_EQ(Get(router, "/api/v1/query").status, 404);
  EXPECT_EQ(Get(router, "/cairnx/api/v1/query").status, 404);
  HttpResponse root = Get(router, "/");
  EXPECT_EQ(root.status, 302);
  EXPECT_EQ(Header(root, "Location"), "/cairn/");
}

}  // namespace
}  // namespace cairn::server
