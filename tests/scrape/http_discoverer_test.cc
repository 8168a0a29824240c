// http_sd against a real HTTP server (testdata/http_sd_server.py) on
// 127.0.0.1: the request Prometheus sends, the JSON format, sources and
// __meta_url, and the errors that keep the last groups.
#include "scrape/discovery/http_discoverer.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "scrape/discovery/yaml_util.h"
#include "tests/scrape/child_process.h"

namespace cairn::scrape::discovery {
namespace {

namespace fs = std::filesystem;
using storage::Labels;

class HttpDiscovererTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    char tmpl[] = "/tmp/cairn_http_sd_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    Respond(200, "application/json", "[]");
    server_ = std::make_unique<testing::ChildProcess>();
    ASSERT_TRUE(server_->Start({
        "python3", std::string(CAIRN_SCRAPE_TESTDATA) + "/http_sd_server.py", dir_ + "/response.json",
        dir_ + "/request.json"}));
    port_ = server_->ReadLine(std::chrono::seconds(10));
    ASSERT_FALSE(port_.empty()) << "the helper server printed no port";
    url_ = "http://127.0.0.1:" + port_ + "/sd?x=1";
  }
  static void TearDownTestSuite() {
    server_.reset();
    fs::remove_all(dir_);
  }

  static void Respond(int status, const std::string& content_type, const std::string& body) {
    const auto quote = [](const std::string& s) {
      std::string out = "\"";
      for (char c : s) out += (c == '"' || c == '\\') ? std::string("\\") + c : std::string(1, c);
      return out + "\"";
    };
    std::ofstream(dir_ + "/response.json") << "{\"status\": " << status << ", \"content_type\": "
                                           << quote(content_type) << ", \"body\": " << quote(body) << "}";
  }
  static YAML::Node LastRequest() { return YAML::LoadFile(dir_ + "/request.json"); }

  static std::string dir_;
  static std::string url_;
  static std::string port_;
  static std::unique_ptr<testing::ChildProcess> server_;
};
std::string HttpDiscovererTest::dir_;
std::string HttpDiscovererTest::url_;
std::string HttpDiscovererTest::port_;
std::unique_ptr<testing::ChildProcess> HttpDiscovererTest::server_;

TEST_F(HttpDiscovererTest, FetchesGroupsWithPrometheusHeaders) {
  Respond(200, "application/json; charset=utf-8",
          R"([{"targets":["a:1","b:1"],"labels":{"env":"prod"}},{"targets":["c:1"]}])");
  HttpDiscoverer d(HttpSdConfig{url_, 15000, {}});
  auto groups = d.Refresh();
  ASSERT_TRUE(groups.ok()) << groups.status().ToString();
  ASSERT_EQ(groups->size(), 2u);
  EXPECT_EQ((*groups)[0].source, url_ + ":0");
  EXPECT_EQ((*groups)[1].source, url_ + ":1");
  EXPECT_EQ((*groups)[0].targets,
            (std::vector<Labels>{Labels{{"__address__", "a:1"}}, Labels{{"__address__", "b:1"}}}));
  EXPECT_EQ((*groups)[0].labels, (Labels{{"__meta_url", url_}, {"env", "prod"}}));
  EXPECT_EQ((*groups)[1].labels, (Labels{{"__meta_url", url_}}));

  const YAML::Node req = LastRequest();
  EXPECT_EQ(req["path"].as<std::string>(), "/sd?x=1");
  EXPECT_EQ(req["headers"]["accept"].as<std::string>(), "application/json");
  EXPECT_EQ(req["headers"]["x-prometheus-refresh-interval-seconds"].as<std::string>(), "15");
}

TEST_F(HttpDiscovererTest, FewerGroupsRemoveTheRest) {
  HttpDiscoverer d(HttpSdConfig{url_, 60000, {}});
  Respond(200, "application/json", R"([{"targets":["a:1"]},{"targets":["b:1"]},{"targets":["c:1"]}])");
  ASSERT_EQ(d.Refresh()->size(), 3u);
  Respond(200, "application/json", R"([{"targets":["a:1"]}])");
  auto groups = d.Refresh();
  ASSERT_TRUE(groups.ok());
  ASSERT_EQ(groups->size(), 3u);
  EXPECT_EQ((*groups)[1].source, url_ + ":1");
  EXPECT_TRUE((*groups)[1].targets.empty());
  EXPECT_TRUE((*groups)[2].targets.empty());
  EXPECT_EQ(LastRequest()["headers"]["x-prometheus-refresh-interval-seconds"].as<std::string>(), "60");
}

TEST_F(HttpDiscovererTest, ErrorsKeepTheLastGroups) {
  HttpDiscoverer d(HttpSdConfig{url_, 60000, {}});
  Respond(200, "application/json", R"([{"targets":["a:1"]},{"targets":["b:1"]}])");
  ASSERT_EQ(d.Refresh()->size(), 2u);

  Respond(500, "application/json", "[]");
  EXPECT_EQ(d.Refresh().status().message(), "server returned HTTP status 500 Internal Server Error");
  Respond(200, "text/plain", "[]");
  EXPECT_EQ(d.Refresh().status().message(), "unsupported content type \"text/plain\"");
  Respond(200, "application/json", R"([{"targets":)");
  EXPECT_FALSE(d.Refresh().ok());
  Respond(200, "application/json", R"({"targets":["a:1"]})");
  EXPECT_EQ(d.Refresh().status().message(), "json: expected an array of target groups");

  // The failures did not count as "now zero groups": one group still goes.
  Respond(200, "application/json", R"([{"targets":["a:1"]}])");
  auto groups = d.Refresh();
  ASSERT_TRUE(groups.ok());
  ASSERT_EQ(groups->size(), 2u);
  EXPECT_TRUE((*groups)[1].targets.empty());
}

TEST_F(HttpDiscovererTest, UnreachableServerIsAnError) {
  // Port 1 on loopback: nothing listens there.
  HttpDiscoverer d(HttpSdConfig{"http://127.0.0.1:1/sd", 5000, {}});
  auto r = d.Refresh();
  EXPECT_EQ(r.status().code(), StatusCode::kIOError) << r.status().ToString();
}

TEST_F(HttpDiscovererTest, HttpsIsNotYetSupported) {
  HttpDiscoverer d(HttpSdConfig{"https://127.0.0.1:1/sd", 5000, {}});
  EXPECT_EQ(d.Refresh().status().code(), StatusCode::kUnsupported);
}

TEST(HttpUrlTest, SplitsUrls) {
  auto u = ParseHttpUrl("http://[::1]:8080/a/b?c=d#frag");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->host, "::1");
  EXPECT_EQ(u->port, "8080");
  EXPECT_EQ(u->target, "/a/b?c=d");
  auto v = ParseHttpUrl("HTTP://user:pw@sd.example");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->host, "sd.example");
  EXPECT_EQ(v->port, "80");
  EXPECT_EQ(v->target, "/");
}

}  // namespace
}  // namespace cairn::scrape::discovery
