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
#include <stop_token>
#include <thread>

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

  static void Respond(int status, const std::string& content_type, const std::string& body, double delay_s = 0) {
    const auto quote = [](const std::string& s) {
      std::string out = "\"";
      for (char c : s) out += (c == '"' || c == '\\') ? std::string("\\") + c : std::string(1, c);
      return out + "\"";
    };
    std::ofstream(dir_ + "/response.json") << "{\"status\": " << status << ", \"content_type\": "
                                           << quote(content_type) << ", \"body\": " << quote(body)
                                           << ", \"delay\": " << delay_s << "}";
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
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable) << r.status().ToString();
  EXPECT_EQ(r.status().message().rfind("Get \"http://127.0.0.1:1/sd\": dial tcp 127.0.0.1:1: connect:", 0), 0u)
      << r.status().message();
}

TEST_F(HttpDiscovererTest, SendsTheClientsCredentials) {
  auto cfg = ParseHttpSdConfig(LoadYaml("{url: '" + url_ + "', basic_auth: {username: sd, password: pw}}").value());
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  Respond(200, "application/json", "[]");
  HttpDiscoverer d(*cfg);
  ASSERT_TRUE(d.Refresh().ok());
  EXPECT_EQ(LastRequest()["headers"]["authorization"].as<std::string>(), "Basic c2Q6cHc=");  // sd:pw
}

TEST_F(HttpDiscovererTest, StopEndsASlowRequest) {
  Respond(200, "application/json", "[]", /*delay_s=*/30);
  HttpDiscoverer d(HttpSdConfig{url_, 60000, {}});
  std::stop_source stop;
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    stop.request_stop();
  });
  const auto start = std::chrono::steady_clock::now();
  auto r = d.Refresh(stop.get_token());
  stopper.join();
  EXPECT_EQ(r.status().code(), StatusCode::kCanceled) << r.status().ToString();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  Respond(200, "application/json", "[]");
}

TEST(HttpSdConfigTest, ChecksUrlAndClientOptions) {
  const auto parse = [](const std::string& yaml) { return ParseHttpSdConfig(LoadYaml(yaml).value()); };
  EXPECT_EQ(parse("{url: 'ftp://x/sd'}").status().message(), "line 1: URL scheme must be 'http' or 'https'");
  EXPECT_EQ(parse("{url: 'http:///sd'}").status().message(), "line 1: host is missing in URL");
  EXPECT_EQ(parse("{url: 'http://x/sd', proxy_url: 'http://p'}").status().code(), StatusCode::kUnsupported);
  EXPECT_NE(parse("{url: 'http://x/sd', nope: 1}").status().message().find("field nope not found in type http.plain"),
            std::string::npos);
  auto a = parse("{url: 'https://x/sd', tls_config: {ca_file: ca.pem}}");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  SetDirectory(*a, "/etc/cairn");
  EXPECT_EQ(a->http_client.tls_config.ca_file, "/etc/cairn/ca.pem");
  auto b = parse("{url: 'https://x/sd', tls_config: {ca_file: ca.pem}}");
  EXPECT_FALSE(*a == *b);  // another directory: another provider
  SetDirectory(*b, "/etc/cairn");
  EXPECT_TRUE(*a == *b);
}

}  // namespace
}  // namespace cairn::scrape::discovery
