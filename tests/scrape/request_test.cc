// DoRequest against an in-test HTTP server: what is sent, what comes back,
// and Go's wording for the failures the notifier logs.
#include "scrape/http/request.h"

#include <gtest/gtest.h>

#include "tests/scrape/recording_http_server.h"

namespace cairn::scrape::http {
namespace {

using cairn::testing::CannedResponse;
using cairn::testing::RecordedRequest;
using cairn::testing::RecordingServer;

std::shared_ptr<const Client> NewClient(HttpClientConfig cfg = {}) { return Client::Create(cfg).value(); }

TEST(DoRequestTest, PostsBodyWithHeadersAndReturnsTheAnswer) {
  RecordingServer server;
  server.set_responder([](const RecordedRequest&) {
    return CannedResponse{.status = 200, .headers = {{"Content-Type", "text/plain"}}, .body = "ok"};
  });
  auto res = DoRequest(*NewClient(), {.method = "POST",
                                      .url = server.url("/api/v2/alerts?x=1"),
                                      .headers = {{"Content-Type", "application/json"}},
                                      .body = "[]"});
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->status_text, "200 OK");
  EXPECT_EQ(res->content_type, "text/plain");
  EXPECT_EQ(res->body, "ok");
  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].method, "POST");
  EXPECT_EQ(reqs[0].target, "/api/v2/alerts?x=1");
  EXPECT_EQ(reqs[0].headers["content-type"], "application/json");
  EXPECT_EQ(reqs[0].headers["content-length"], "2");
  EXPECT_EQ(reqs[0].headers["user-agent"].rfind("Cairn/", 0), 0u);
  EXPECT_EQ(reqs[0].headers["host"], "127.0.0.1:" + std::to_string(server.port()));
  EXPECT_EQ(reqs[0].body, "[]");
}

TEST(DoRequestTest, SendsTheClientsCredentials) {
  RecordingServer server;
  HttpClientConfig cfg;
  cfg.basic_auth = BasicAuth{.username = "am", .password = "secret"};
  ASSERT_TRUE(DoRequest(*NewClient(cfg), {.method = "POST", .url = server.url("/"), .body = "x"}).ok());
  EXPECT_EQ(server.requests().at(0).headers["authorization"], "Basic YW06c2VjcmV0");
}

TEST(DoRequestTest, AnErrorStatusIsAnAnswerForTheCallerToJudge) {
  RecordingServer server;
  server.set_responder([](const RecordedRequest&) { return CannedResponse{.status = 500, .body = "boom"}; });
  auto res = DoRequest(*NewClient(), {.method = "POST", .url = server.url("/"), .body = "x"});
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(res->status, 500);
  EXPECT_EQ(res->status_text, "500 Internal Server Error");
  EXPECT_EQ(res->body, "boom");
}

TEST(DoRequestTest, TimeoutReadsLikeAGoContextDeadline) {
  RecordingServer server;
  server.set_responder([](const RecordedRequest&) { return CannedResponse{.delay = std::chrono::milliseconds(700)}; });
  const std::string url = server.url("/api/v2/alerts");
  auto res = DoRequest(*NewClient(), {.method = "POST", .url = url, .timeout = std::chrono::milliseconds(200)});
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().code(), StatusCode::kTimeout);
  EXPECT_EQ(res.status().message(), "Post \"" + url + "\": context deadline exceeded");
}

TEST(DoRequestTest, RefusedConnectionNamesTheAddress) {
  uint16_t port;
  {
    RecordingServer closed;
    port = closed.port();
  }
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/api/v2/alerts";
  auto res = DoRequest(*NewClient(), {.method = "POST", .url = url});
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(res.status().message(),
            "Post \"" + url + "\": dial tcp 127.0.0.1:" + std::to_string(port) + ": connect: connection refused");
}

TEST(DoRequestTest, RedirectsFollowGoRules) {
  RecordingServer server;
  server.set_responder([&](const RecordedRequest& r) {
    if (r.target == "/keep") return CannedResponse{.status = 307, .headers = {{"Location", "/final"}}};
    if (r.target == "/change") return CannedResponse{.status = 302, .headers = {{"Location", "/final"}}};
    return CannedResponse{.status = 200, .body = "done"};
  });
  auto kept = DoRequest(*NewClient(), {.method = "POST", .url = server.url("/keep"),
                                       .headers = {{"Content-Type", "application/json"}}, .body = "[1]"});
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(kept->body, "done");
  auto changed = DoRequest(*NewClient(), {.method = "POST", .url = server.url("/change"),
                                          .headers = {{"Content-Type", "application/json"}}, .body = "[1]"});
  ASSERT_TRUE(changed.ok());
  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 4u);
  EXPECT_EQ(reqs[1].method, "POST");
  EXPECT_EQ(reqs[1].target, "/final");
  EXPECT_EQ(reqs[1].body, "[1]");
  EXPECT_EQ(reqs[3].method, "GET");
  EXPECT_EQ(reqs[3].body, "");
  EXPECT_EQ(reqs[3].headers.count("content-type"), 0u);

  HttpClientConfig no_follow;
  no_follow.follow_redirects = false;
  auto stopped = DoRequest(*NewClient(no_follow), {.method = "POST", .url = server.url("/keep")});
  ASSERT_TRUE(stopped.ok());
  EXPECT_EQ(stopped->status, 307);
}

TEST(SessionTest, KeepsOneConnectionForItsRequests) {
  RecordingServer server;
  auto client = NewClient();
  Session session(*client);
  for (int i = 0; i < 3; ++i) {
    auto res = session.Do({.method = "POST", .url = server.url("/api/v1/write"), .body = std::to_string(i)});
    ASSERT_TRUE(res.ok()) << res.status().ToString();
    EXPECT_EQ(res->status, 200);
  }
  EXPECT_EQ(server.requests().size(), 3u);
  EXPECT_EQ(server.connections(), 1u);
  // DoRequest keeps nothing open: one connection per call.
  ASSERT_TRUE(DoRequest(*client, {.method = "POST", .url = server.url("/"), .body = "x"}).ok());
  ASSERT_TRUE(DoRequest(*client, {.method = "POST", .url = server.url("/"), .body = "y"}).ok());
  EXPECT_EQ(server.connections(), 3u);
}

TEST(SessionTest, AConnectionTheServerClosedIsReplacedWithoutAnError) {
  RecordingServer server;
  server.set_responder([](const RecordedRequest&) { return CannedResponse{.status = 204, .close_after = true}; });
  auto client = NewClient();
  Session session(*client);
  for (int i = 0; i < 3; ++i) {
    auto res = session.Do({.method = "POST", .url = server.url("/"), .body = std::to_string(i)});
    ASSERT_TRUE(res.ok()) << i << ": " << res.status().ToString();
    EXPECT_EQ(res->status, 204);
  }
  // Each request went once: none was lost or doubled by the reconnects.
  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 3u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(reqs[i].body, std::to_string(i));
}

TEST(SessionTest, ConnectionCloseInTheAnswerIsHonoured) {
  RecordingServer server;
  server.set_responder([](const RecordedRequest&) {
    return CannedResponse{.status = 200, .headers = {{"Connection", "close"}}};
  });
  auto client = NewClient();
  Session session(*client);
  ASSERT_TRUE(session.Do({.method = "POST", .url = server.url("/"), .body = "a"}).ok());
  ASSERT_TRUE(session.Do({.method = "POST", .url = server.url("/"), .body = "b"}).ok());
  EXPECT_EQ(server.connections(), 2u);
}

TEST(DoRequestTest, BadUrlIsInvalidArgument) {
  auto res = DoRequest(*NewClient(), {.method = "POST", .url = "ftp://x/"});
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(res.status().message().rfind("Post \"ftp://x/\": ", 0), 0u) << res.status().message();
}

}  // namespace
}  // namespace cairn::scrape::http
