#include <gtest/gtest.h>

#include "exporters/common/http_server.h"
#include "exporters/common/scrape_deadline.h"
#include "exporters/nginx/collector.h"
#include "exporters/nginx/stub_status.h"

#include <prometheus/metric_family.h>

namespace cairn::exporters::nginx {
namespace {

constexpr const char* kPage =
    "Active connections: 291 \n"
    "server accepts handled requests\n"
    " 16630948 16630947 31070465 \n"
    "Reading: 6 Writing: 179 Waiting: 106 \n";

TEST(StubStatus, Parses) {
  auto s = ParseStubStatus(kPage);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->active, 291);
  EXPECT_EQ(s->accepts, 16630948);
  EXPECT_EQ(s->handled, 16630947);
  EXPECT_EQ(s->requests, 31070465);
  EXPECT_EQ(s->reading, 6);
  EXPECT_EQ(s->writing, 179);
  EXPECT_EQ(s->waiting, 106);
}

TEST(StubStatus, RejectsOtherPages) {
  EXPECT_FALSE(ParseStubStatus("").ok());
  EXPECT_FALSE(ParseStubStatus("<html>Welcome to nginx!</html>").ok());
  EXPECT_FALSE(ParseStubStatus("Active connections: x\nserver accepts handled requests\n 1 1 1\n"
                               "Reading: 0 Writing: 1 Waiting: 0\n").ok());
  EXPECT_FALSE(ParseStubStatus("Active connections: 1\nserver accepts handled requests\n 1 1\n"
                               "Reading: 0 Writing: 1 Waiting: 0\n").ok());
}

std::map<std::string, prometheus::MetricFamily> Collect(const NginxCollectorOptions& options) {
  std::map<std::string, prometheus::MetricFamily> out;
  for (auto& f : NginxCollector(options).Collect()) out[f.name] = f;
  return out;
}

TEST(NginxCollector, ServedPage) {
  HttpServer server([](const HttpRequest& req) {
    return req.path == "/stub_status" ? HttpResponse::Text(200, kPage) : HttpResponse::Text(404, "no");
  });
  ASSERT_TRUE(server.Listen("127.0.0.1:0").ok());
  server.Start();
  NginxCollectorOptions options;
  options.scrape_uri = "http://127.0.0.1:" + std::to_string(server.port()) + "/stub_status";
  options.const_labels = {{"site", "a"}};
  auto f = Collect(options);
  ASSERT_EQ(f.size(), 8u);
  EXPECT_EQ(f["nginx_up"].metric[0].gauge.value, 1);
  EXPECT_EQ(f["nginx_http_requests_total"].type, prometheus::MetricType::Counter);
  EXPECT_EQ(f["nginx_http_requests_total"].metric[0].counter.value, 31070465);
  EXPECT_EQ(f["nginx_connections_accepted"].metric[0].counter.value, 16630948);
  EXPECT_EQ(f["nginx_connections_waiting"].metric[0].gauge.value, 106);
  ASSERT_EQ(f["nginx_up"].metric[0].label.size(), 1u);
  EXPECT_EQ(f["nginx_up"].metric[0].label[0].name, "site");

  options.scrape_uri = "http://127.0.0.1:" + std::to_string(server.port()) + "/missing";
  f = Collect(options);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f["nginx_up"].metric[0].gauge.value, 0);
}

TEST(NginxCollector, DownSourceIsUpZero) {
  HttpServer server([](const HttpRequest&) { return HttpResponse::Text(200, ""); });
  ASSERT_TRUE(server.Listen("127.0.0.1:0").ok());
  int port = server.port();
  server.Stop();
  NginxCollectorOptions options;
  options.scrape_uri = "http://127.0.0.1:" + std::to_string(port) + "/stub_status";
  auto f = Collect(options);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f["nginx_up"].metric[0].gauge.value, 0);
}

TEST(NginxCollector, SlowSourceIsCutAtTheScrapeDeadline) {
  HttpServer server([](const HttpRequest&) {
    std::this_thread::sleep_for(std::chrono::seconds(3));
    return HttpResponse::Text(200, kPage);
  });
  ASSERT_TRUE(server.Listen("127.0.0.1:0").ok());
  server.Start();
  NginxCollectorOptions options;
  options.scrape_uri = "http://127.0.0.1:" + std::to_string(server.port()) + "/stub_status";
  auto start = std::chrono::steady_clock::now();
  ScopedScrapeDeadline deadline(start + std::chrono::milliseconds(500));
  auto f = Collect(options);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(1500));
  EXPECT_EQ(f["nginx_up"].metric[0].gauge.value, 0);
}

}  // namespace
}  // namespace cairn::exporters::nginx
