// The Exporter end to end on 127.0.0.1: /metrics, negotiation, gzip, the
// landing page, extra handlers and the scrape deadline.
#include "exporters/common/exporter.h"

#include <gtest/gtest.h>

#include <thread>

#include "exporters/common/http_client.h"
#include "test_util.h"

namespace cairn::exporters {
namespace {

using prometheus::MetricFamily;
using prometheus::MetricType;

// A collector that sleeps `delay` unless the scrape deadline comes first, and
// reports what it saw: up 1 when done in time, 0 when the deadline cut it.
class SlowCollector : public prometheus::Collectable {
 public:
  explicit SlowCollector(std::chrono::milliseconds delay) : delay_(delay) {}
  std::vector<MetricFamily> Collect() const override {
    auto done = std::chrono::steady_clock::now() + delay_;
    Deadline deadline = CurrentScrapeDeadline();
    std::this_thread::sleep_until(std::min(done, deadline));
    MetricFamily f{"slow_up", "Whether the slow source answered in time.", MetricType::Gauge, {}};
    f.metric.emplace_back().gauge.value = done <= deadline ? 1 : 0;
    return {f};
  }

 private:
  std::chrono::milliseconds delay_;
};

class ExporterTest : public ::testing::Test {
 protected:
  void StartWith(std::shared_ptr<prometheus::Collectable> collector, bool openmetrics = false) {
    exporter_ = std::make_unique<Exporter>(ExporterInfo{.name = "test_exporter",
                                                        .title = "Test Exporter",
                                                        .default_listen_address = "127.0.0.1:0",
                                                        .build_info = StandardBuildInfo("test_exporter")});
    char arg0[] = "test";
    char arg1[] = "--web.enable-openmetrics";
    char* argv[] = {arg0, arg1, nullptr};
    ASSERT_FALSE(exporter_->ParseFlags(openmetrics ? 2 : 1, argv).has_value());
    exporter_->AddCollector(std::move(collector));
    exporter_->AddHandler("/probe", [](const HttpRequest& req) {
      return HttpResponse::Text(200, "target=" + req.Param("target") + " module=" + req.Param("module"));
    }, "Probe");
    runner_ = std::thread([this] { exit_code_ = exporter_->Run(); });
    for (int i = 0; i < 500 && exporter_->bound_port() == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    ASSERT_NE(exporter_->bound_port(), 0);
  }
  void TearDown() override {
    if (exporter_) {
      exporter_->Stop();
      runner_.join();
      EXPECT_EQ(exit_code_, 0);
    }
  }
  HttpClientResponse Get(const std::string& path, std::vector<std::pair<std::string, std::string>> headers = {}) {
    HttpClientRequest req;
    req.url = "http://127.0.0.1:" + std::to_string(exporter_->bound_port()) + path;
    req.headers = std::move(headers);
    auto res = HttpFetch(req, std::chrono::steady_clock::now() + std::chrono::seconds(20));
    EXPECT_TRUE(res.ok()) << res.status().ToString();
    return res.ok() ? *res : HttpClientResponse{};
  }

  std::unique_ptr<Exporter> exporter_;
  std::thread runner_;
  int exit_code_ = -1;
};

TEST_F(ExporterTest, MetricsHasCollectorsSelfMetricsAndBuildInfo) {
  StartWith(std::make_shared<SlowCollector>(std::chrono::milliseconds(0)));
  HttpClientResponse res = Get("/metrics");
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.content_type, kTextContentType);
  for (const char* want : {"slow_up 1", "# TYPE process_cpu_seconds_total counter", "process_resident_memory_bytes ",
                           "process_start_time_seconds ", "process_open_fds ", "process_max_fds ",
                           "promhttp_metric_handler_requests_total{code=\"200\"} 0",
                           "promhttp_metric_handler_requests_in_flight 1", "test_exporter_build_info{branch=\"\","}) {
    EXPECT_NE(res.body.find(want), std::string::npos) << want << "\n" << res.body;
  }
  // Families come sorted by name, as Go's registry gathers them.
  EXPECT_LT(res.body.find("# HELP process_"), res.body.find("# HELP promhttp_"));
  EXPECT_LT(res.body.find("# HELP promhttp_"), res.body.find("# HELP slow_up"));
  EXPECT_NE(Get("/metrics").body.find("promhttp_metric_handler_requests_total{code=\"200\"} 1"), std::string::npos);
}

TEST_F(ExporterTest, TextEvenWhenOpenMetricsIsAskedForByDefault) {
  StartWith(std::make_shared<SlowCollector>(std::chrono::milliseconds(0)));
  EXPECT_EQ(Get("/metrics", {{"Accept", "application/openmetrics-text;version=1.0.0"}}).content_type, kTextContentType);
}

TEST_F(ExporterTest, OpenMetricsAndGzipByRequestHeaders) {
  StartWith(std::make_shared<SlowCollector>(std::chrono::milliseconds(0)), /*openmetrics=*/true);
  HttpClientResponse om = Get("/metrics", {{"Accept", "application/openmetrics-text;version=1.0.0,text/plain;q=0.5"},
                                           {"Accept-Encoding", "gzip"}});
  EXPECT_EQ(om.content_type, kOpenMetricsContentType);
  std::string body = testing::Gunzip(om.body);
  ASSERT_FALSE(body.empty());
  EXPECT_NE(body.find("# TYPE process_cpu_seconds counter\nprocess_cpu_seconds_total "), std::string::npos) << body;
  EXPECT_EQ(body.substr(body.size() - 6), "# EOF\n");
}

TEST_F(ExporterTest, LandingPageAndExtraHandlers) {
  StartWith(std::make_shared<SlowCollector>(std::chrono::milliseconds(0)));
  HttpClientResponse landing = Get("/");
  EXPECT_EQ(landing.content_type, "text/html; charset=utf-8");
  EXPECT_NE(landing.body.find("<title>Test Exporter</title>"), std::string::npos);
  EXPECT_NE(landing.body.find("<a href=\"/metrics\">Metrics</a>"), std::string::npos);
  EXPECT_NE(landing.body.find("<a href=\"/probe\">Probe</a>"), std::string::npos);
  EXPECT_EQ(Get("/other").body, landing.body);
  EXPECT_EQ(Get("/probe?target=127.0.0.1%3A80&module=http_2xx").body, "target=127.0.0.1:80 module=http_2xx");
}

TEST_F(ExporterTest, ScrapeTimeoutHeaderBoundsACollector) {
  StartWith(std::make_shared<SlowCollector>(std::chrono::milliseconds(3000)));
  auto start = std::chrono::steady_clock::now();
  HttpClientResponse res = Get("/metrics", {{"X-Prometheus-Scrape-Timeout-Seconds", "1"}});
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(res.status, 200);
  EXPECT_NE(res.body.find("slow_up 0"), std::string::npos) << res.body;
  EXPECT_LT(took, std::chrono::milliseconds(1000));  // 1 s less the margin
  EXPECT_GE(took, std::chrono::milliseconds(800));
}

TEST(ScrapeDeadline, FromHeader) {
  auto now = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);
  EXPECT_EQ(ScrapeDeadlineFromHeader("10", now), now + std::chrono::milliseconds(9500));
  EXPECT_EQ(ScrapeDeadlineFromHeader("1", now), now + std::chrono::milliseconds(900));
  EXPECT_EQ(ScrapeDeadlineFromHeader("", now), now + kDefaultScrapeTimeout);
  EXPECT_EQ(ScrapeDeadlineFromHeader("junk", now), now + kDefaultScrapeTimeout);
  EXPECT_EQ(ScrapeDeadlineFromHeader("-3", now), now + kDefaultScrapeTimeout);
}

TEST(Flags, CommonFlagsWithOneOrTwoDashes) {
  Exporter exporter(ExporterInfo{.name = "x", .default_listen_address = ":9113"});
  std::string own;
  exporter.flags().add_option("--nginx.scrape-uri", own);
  std::vector<std::string> args = {"x", "-web.listen-address=:1234", "--web.telemetry-path", "/m",
                                   "-nginx.scrape-uri=http://a/b", "--log.level=debug"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  EXPECT_FALSE(exporter.ParseFlags(static_cast<int>(argv.size()), argv.data()).has_value());
  EXPECT_EQ(exporter.common_flags().listen_address, ":1234");
  EXPECT_EQ(exporter.common_flags().telemetry_path, "/m");
  EXPECT_EQ(own, "http://a/b");
}

TEST(Flags, DefaultsAndBadValues) {
  Exporter exporter(ExporterInfo{.name = "x", .default_listen_address = ":9113"});
  std::vector<std::string> args = {"x", "--log.level=loud"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  EXPECT_NE(exporter.ParseFlags(static_cast<int>(argv.size()), argv.data()).value_or(0), 0);
  Exporter defaults(ExporterInfo{.name = "x", .default_listen_address = ":9113"});
  char arg0[] = "x";
  char* argv0[] = {arg0, nullptr};
  EXPECT_FALSE(defaults.ParseFlags(1, argv0).has_value());
  EXPECT_EQ(defaults.common_flags().listen_address, ":9113");
  EXPECT_EQ(defaults.common_flags().telemetry_path, "/metrics");
  EXPECT_TRUE(defaults.common_flags().push.url.empty());
}

}  // namespace
}  // namespace cairn::exporters
