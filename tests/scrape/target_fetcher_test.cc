// TargetFetcher against a real HTTP server: tests/scrape/testdata/scrape_target.py,
// started on a free 127.0.0.1 port and stopped by PID.
#include "scrape/http/target_fetcher.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <boost/asio/io_context.hpp>

#include <filesystem>
#include <fstream>
#include <optional>
#include <thread>

#include "scrape/http/body_decoder.h"
#include "tests/scrape/child_process.h"

namespace cairn::scrape::http {
namespace {

using namespace std::chrono_literals;

class TargetFetcherTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new testing::ChildProcess();
    ASSERT_TRUE(server_->Start({"python3", CAIRN_SOURCE_DIR "/tests/scrape/testdata/scrape_target.py"}));
    std::string line = server_->ReadLine(20s);
    ASSERT_EQ(line.rfind("port ", 0), 0u) << "scrape_target.py did not start: '" << line << "'";
    port_ = static_cast<uint16_t>(std::stoi(line.substr(5)));
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }

  std::string Url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }

  std::shared_ptr<const Client> MakeClient(const std::string& http_config_yaml = "{}") {
    HttpClientConfig cfg;
    Status st = ParseHttpClientConfig(YAML::Load(http_config_yaml), "", &cfg);
    EXPECT_TRUE(st.ok()) << st.ToString();
    auto client = Client::Create(cfg);
    EXPECT_TRUE(client.ok()) << client.status().ToString();
    return *client;
  }

  // Runs one fetch to completion on the test's io_context.
  Result<FetchResult> Fetch(TargetFetcher& fetcher, FetchRequest req) {
    std::optional<Result<FetchResult>> out;
    fetcher.AsyncFetch(std::move(req), [&](Result<FetchResult> r) { out.emplace(std::move(r)); });
    ioc_.restart();
    ioc_.run();
    if (!out) return Status::Internal("the callback never ran");
    return std::move(*out);
  }

  Result<FetchResult> Fetch(const std::string& path, const std::string& http_config_yaml = "{}") {
    TargetFetcher fetcher(ioc_.get_executor(), MakeClient(http_config_yaml));
    return Fetch(fetcher, FetchRequest{.url = Url(path)});
  }

  boost::asio::io_context ioc_;
  static testing::ChildProcess* server_;
  static uint16_t port_;
};

testing::ChildProcess* TargetFetcherTest::server_ = nullptr;
uint16_t TargetFetcherTest::port_ = 0;

TEST_F(TargetFetcherTest, PlainGetReturnsBodyAndContentType) {
  auto r = Fetch("/metrics");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->body, "# TYPE up gauge\nup 1\n");
  EXPECT_EQ(r->content_type, "text/plain; version=0.0.4");
}

TEST_F(TargetFetcherTest, SendsPrometheusScrapeHeaders) {
  TargetFetcher fetcher(ioc_.get_executor(), MakeClient());
  auto r = Fetch(fetcher, FetchRequest{.url = Url("/headers"),
                                       .accept = "application/openmetrics-text;version=1.0.0;q=0.5,*/*;q=0.1",
                                       .timeout = 1500ms});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_NE(r->body.find("Accept: application/openmetrics-text;version=1.0.0;q=0.5,*/*;q=0.1\n"), std::string::npos)
      << r->body;
  EXPECT_NE(r->body.find("Accept-Encoding: gzip\n"), std::string::npos) << r->body;
  EXPECT_NE(r->body.find("User-Agent: Cairn/"), std::string::npos) << r->body;
  EXPECT_NE(r->body.find("X-Prometheus-Scrape-Timeout-Seconds: 1.5\n"), std::string::npos) << r->body;
  EXPECT_NE(r->body.find("Host: 127.0.0.1:" + std::to_string(port_) + "\n"), std::string::npos) << r->body;
  EXPECT_EQ(r->body.find("Authorization"), std::string::npos) << r->body;

  auto identity = Fetch(fetcher, FetchRequest{.url = Url("/headers"), .enable_compression = false, .timeout = 10s});
  ASSERT_TRUE(identity.ok()) << identity.status().ToString();
  EXPECT_NE(identity->body.find("Accept-Encoding: identity\n"), std::string::npos) << identity->body;
  EXPECT_NE(identity->body.find("X-Prometheus-Scrape-Timeout-Seconds: 10\n"), std::string::npos) << identity->body;
}

std::string ExpectedGzipExposition() {
  std::string body;
  for (int i = 0; i < 5000; ++i) body += "metric_" + std::to_string(i) + " " + std::to_string(i) + "\n";
  return body;
}

TEST_F(TargetFetcherTest, GzipBodyIsDecoded) {
  auto r = Fetch("/gzip");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->body, ExpectedGzipExposition());
}

TEST_F(TargetFetcherTest, IdentityWhenCompressionDisabled) {
  TargetFetcher fetcher(ioc_.get_executor(), MakeClient());
  auto r = Fetch(fetcher, FetchRequest{.url = Url("/gzip"), .enable_compression = false});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->body, ExpectedGzipExposition());
}

TEST_F(TargetFetcherTest, GzipMembersAreConcatenated) {
  auto r = Fetch("/gzip-two-members");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->body, "a 1\nb 2\n");
}

TEST_F(TargetFetcherTest, CorruptGzipFails) {
  auto r = Fetch("/gzip-corrupt");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "gzip: invalid header");
}

TEST_F(TargetFetcherTest, Non200StatusFailsWithUpstreamWording) {
  auto r = Fetch("/status/500");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "server returned HTTP status 500 Internal Server Error");
  auto r404 = Fetch("/status/404");
  ASSERT_FALSE(r404.ok());
  EXPECT_EQ(r404.status().message(), "server returned HTTP status 404 Not Found");
  // Upstream accepts 200 only.
  auto r204 = Fetch("/status/204");
  ASSERT_FALSE(r204.ok());
  EXPECT_EQ(r204.status().message(), "server returned HTTP status 204 No Content");
}

TEST_F(TargetFetcherTest, TimeoutBeforeHeadersNamesTheRequest) {
  TargetFetcher fetcher(ioc_.get_executor(), MakeClient());
  auto start = std::chrono::steady_clock::now();
  auto r = Fetch(fetcher, FetchRequest{.url = Url("/sleep/3000"), .timeout = 300ms});
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kTimeout);
  EXPECT_EQ(r.status().message(), "Get \"" + Url("/sleep/3000") + "\": context deadline exceeded");
  EXPECT_LT(took, 2s);
  // The fetcher recovers: the next scrape opens a new connection.
  auto next = Fetch(fetcher, FetchRequest{.url = Url("/metrics")});
  EXPECT_TRUE(next.ok()) << next.status().ToString();
}

TEST_F(TargetFetcherTest, TimeoutWhileReadingBody) {
  TargetFetcher fetcher(ioc_.get_executor(), MakeClient());
  auto r = Fetch(fetcher, FetchRequest{.url = Url("/stall-body"), .timeout = 300ms});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kTimeout);
  EXPECT_EQ(r.status().message(), "context deadline exceeded");
}

TEST_F(TargetFetcherTest, BodySizeLimit) {
  TargetFetcher fetcher(ioc_.get_executor(), MakeClient());
  // Upstream fails a body of exactly the limit too (n >= limit).
  for (const std::string path : {"/bytes/1000", "/chunked/1000", "/bytes/5000"}) {
    auto r = Fetch(fetcher, FetchRequest{.url = Url(path), .body_size_limit_bytes = 1000});
    ASSERT_FALSE(r.ok()) << path;
    EXPECT_EQ(r.status().message(), kBodySizeLimitExceeded) << path;
    EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted) << path;
  }
  auto under = Fetch(fetcher, FetchRequest{.url = Url("/chunked/999"), .body_size_limit_bytes = 1000});
  ASSERT_TRUE(under.ok()) << under.status().ToString();
  EXPECT_EQ(under->body, std::string(999, 'x'));
  // The limit applies to the decoded body of a gzip answer.
  auto gz = Fetch(fetcher, FetchRequest{.url = Url("/gzip"), .body_size_limit_bytes = 10000});
  ASSERT_FALSE(gz.ok());
  EXPECT_EQ(gz.status().message(), kBodySizeLimitExceeded);
}

TEST_F(TargetFetcherTest, FollowsRedirects) {
  auto r = Fetch("/redirect/3");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->body, "redirected 1\n");
  // Go's client sends at most 10 requests: 9 redirects pass, the 10th fails.
  EXPECT_TRUE(Fetch("/redirect/9").ok());
  auto too_many = Fetch("/redirect/10");
  ASSERT_FALSE(too_many.ok());
  EXPECT_EQ(too_many.status().message(), "Get \"" + Url("/redirect/1") + "\": stopped after 10 redirects");
}

TEST_F(TargetFetcherTest, RedirectsNotFollowedWhenDisabled) {
  auto r = Fetch("/redirect/1", "follow_redirects: false");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "server returned HTTP status 302 Found");
}

TEST_F(TargetFetcherTest, BasicAuthChecked) {
  // base64("alice:s3cret")
  const std::string path = "/auth?expect=Basic%20YWxpY2U6czNjcmV0";
  EXPECT_TRUE(Fetch(path, "basic_auth: {username: alice, password: s3cret}").ok());
  auto wrong = Fetch(path, "basic_auth: {username: alice, password: nope}");
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.status().message(), "server returned HTTP status 401 Unauthorized");
  // Credentials in the URL are basic auth too, as in net/http.
  TargetFetcher fetcher(ioc_.get_executor(), MakeClient());
  auto in_url = Fetch(fetcher, FetchRequest{.url = "http://alice:s3cret@127.0.0.1:" + std::to_string(port_) + path});
  EXPECT_TRUE(in_url.ok()) << in_url.status().ToString();
}

TEST_F(TargetFetcherTest, BearerAndAuthorizationChecked) {
  const std::string path = "/auth?expect=Bearer%20tok123";
  EXPECT_TRUE(Fetch(path, "bearer_token: tok123").ok());
  EXPECT_TRUE(Fetch(path, "authorization: {credentials: tok123}").ok());
  EXPECT_TRUE(Fetch("/auth?expect=Token%20abc", "authorization: {type: Token, credentials: abc}").ok());
  EXPECT_FALSE(Fetch(path, "bearer_token: other").ok());
}

TEST_F(TargetFetcherTest, CredentialsFileIsReadAtEachScrape) {
  auto dir = std::filesystem::temp_directory_path() / ("cairn_fetch_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto write = [&](const std::string& token) { std::ofstream(dir / "token") << token << "\n"; };
  write("first");
  TargetFetcher fetcher(ioc_.get_executor(), MakeClient("bearer_token_file: " + (dir / "token").string()));
  EXPECT_TRUE(Fetch(fetcher, FetchRequest{.url = Url("/auth?expect=Bearer%20first")}).ok());
  write("second");
  EXPECT_TRUE(Fetch(fetcher, FetchRequest{.url = Url("/auth?expect=Bearer%20second")}).ok());
  std::filesystem::remove_all(dir);
  auto gone = Fetch(fetcher, FetchRequest{.url = Url("/metrics")});
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.status().message(),
            "Get \"" + Url("/metrics") + "\": unable to read authorization credentials: unable to read file " +
                (dir / "token").string() + ": open " + (dir / "token").string() + ": no such file or directory");
}

TEST_F(TargetFetcherTest, CredentialsDoNotFollowRedirectToAnotherHost) {
  // 127.0.0.1 -> localhost is another host: the Authorization header stays behind.
  const std::string target = "http://localhost:" + std::to_string(port_) + "/headers";
  auto r = Fetch("/redirect-to?url=" + target, "bearer_token: secret");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->body.find("Authorization"), std::string::npos) << r->body;
  auto same_host = Fetch("/redirect-to?url=/headers", "bearer_token: secret");
  ASSERT_TRUE(same_host.ok()) << same_host.status().ToString();
  EXPECT_NE(same_host->body.find("Authorization: Bearer secret\n"), std::string::npos) << same_host->body;
}

TEST_F(TargetFetcherTest, KeepAliveReusesTheConnection) {
  TargetFetcher fetcher(ioc_.get_executor(), MakeClient());
  for (int i = 0; i < 5; ++i) {
    auto r = Fetch(fetcher, FetchRequest{.url = Url(i % 2 ? "/gzip" : "/metrics")});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  // Redirects on the same origin reuse it too.
  ASSERT_TRUE(Fetch(fetcher, FetchRequest{.url = Url("/redirect/2")}).ok());
  EXPECT_EQ(fetcher.connections_opened(), 1u);
  // An error answer closes it; the next scrape reconnects.
  ASSERT_FALSE(Fetch(fetcher, FetchRequest{.url = Url("/status/500")}).ok());
  ASSERT_TRUE(Fetch(fetcher, FetchRequest{.url = Url("/metrics")}).ok());
  EXPECT_EQ(fetcher.connections_opened(), 2u);
}

TEST_F(TargetFetcherTest, ConnectionRefused) {
  uint16_t closed = testing::PickFreePort();
  TargetFetcher fetcher(ioc_.get_executor(), MakeClient());
  const std::string url = "http://127.0.0.1:" + std::to_string(closed) + "/metrics";
  auto r = Fetch(fetcher, FetchRequest{.url = url});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "Get \"" + url + "\": dial tcp 127.0.0.1:" + std::to_string(closed) + ": connect: connection refused");
}

TEST_F(TargetFetcherTest, BadUrl) {
  TargetFetcher fetcher(ioc_.get_executor(), MakeClient());
  auto r = Fetch(fetcher, FetchRequest{.url = "ftp://127.0.0.1/metrics"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "Get \"ftp://127.0.0.1/metrics\": unsupported protocol scheme \"ftp\"");
}

TEST_F(TargetFetcherTest, ManyTargetsConcurrentlyOnOneThread) {
  // 40 slow targets at once on one I/O thread: they overlap instead of queueing.
  auto client = MakeClient();
  std::vector<std::unique_ptr<TargetFetcher>> fetchers;
  std::atomic<int> ok{0}, done{0};
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 40; ++i) {
    fetchers.push_back(std::make_unique<TargetFetcher>(ioc_.get_executor(), client));
    fetchers.back()->AsyncFetch(FetchRequest{.url = Url("/sleep/500")}, [&](Result<FetchResult> r) {
      ok += r.ok();
      ++done;
    });
  }
  ioc_.restart();
  ioc_.run();
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(done.load(), 40);
  EXPECT_EQ(ok.load(), 40);
  EXPECT_LT(took, 5s);  // serially it would take 20 s
}

}  // namespace
}  // namespace cairn::scrape::http
