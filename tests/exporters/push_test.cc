#include "exporters/common/push.h"

#include <gtest/gtest.h>
#include <snappy.h>

#include <atomic>
#include <cstdio>
#include <mutex>

#include "exporters/common/http_server.h"
#include "proto/remote.pb.h"

namespace cairn::exporters {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

std::vector<MetricFamily> SampleFamilies() {
  MetricFamily c{"nginx_http_requests_total", "h", MetricType::Counter, {}};
  auto& m = c.metric.emplace_back();
  m.label = {{"server", "a"}, {"instance", "from-target"}};
  m.counter.value = 42;
  MetricFamily h{"lat_seconds", "h", MetricType::Histogram, {}};
  auto& hm = h.metric.emplace_back();
  hm.histogram.sample_count = 2;
  hm.histogram.sample_sum = 0.5;
  hm.histogram.bucket = {{1, 0.1}};
  MetricFamily g{"up_ish", "h", MetricType::Gauge, {}};
  auto& gm = g.metric.emplace_back();
  gm.gauge.value = -2.5;
  gm.timestamp_ms = 5;
  return {c, h, g};
}

std::map<std::string, std::string> LabelMap(const prometheus::TimeSeries& ts) {
  std::map<std::string, std::string> out;
  for (const auto& l : ts.labels()) out[l.name()] = l.value();
  return out;
}

TEST(Push, SeriesAsAScrapeStoresThem) {
  auto series = SeriesForPush(SampleFamilies(), "nginx", "host:9113", 1000);
  ASSERT_EQ(series.size(), 1u + 4u + 1u);  // counter; 2 buckets (+Inf added), _sum, _count; gauge
  const auto& c = series[0].labels;
  std::vector<std::pair<std::string, std::string>> want = {{"__name__", "nginx_http_requests_total"},
                                                           {"exported_instance", "from-target"},
                                                           {"instance", "host:9113"},
                                                           {"job", "nginx"},
                                                           {"server", "a"}};
  EXPECT_EQ(c, want);
  auto label = [](const PushSeries& s, const std::string& name) {
    for (const auto& [n, v] : s.labels) {
      if (n == name) return v;
    }
    return std::string("(absent)");
  };
  EXPECT_EQ(label(series[1], "le"), "0.1");
  EXPECT_EQ(label(series[2], "le"), "+Inf");
  EXPECT_EQ(label(series[2], "job"), "nginx");
  EXPECT_EQ(series[2].value, 2);
  EXPECT_EQ(series[3].labels[0].second, "lat_seconds_sum");
  EXPECT_EQ(series[5].timestamp_ms, 5);  // the sample's own timestamp wins
  EXPECT_EQ(series[0].timestamp_ms, 1000);
}

TEST(Push, EncodedRequestDecodesWithTheProtoTypes) {
  auto series = SeriesForPush(SampleFamilies(), "nginx", "host:9113", 1700000000123);
  prometheus::WriteRequest req;
  ASSERT_TRUE(req.ParseFromString(EncodeWriteRequest(series)));
  ASSERT_EQ(req.timeseries_size(), 6);
  const auto& ts = req.timeseries(0);
  EXPECT_EQ(LabelMap(ts).at("__name__"), "nginx_http_requests_total");
  EXPECT_EQ(LabelMap(ts).at("job"), "nginx");
  ASSERT_EQ(ts.samples_size(), 1);
  EXPECT_EQ(ts.samples(0).value(), 42);
  EXPECT_EQ(ts.samples(0).timestamp(), 1700000000123);
  EXPECT_EQ(req.timeseries(5).samples(0).value(), -2.5);
  // Label names arrive sorted, as remote write requires.
  for (const auto& t : req.timeseries()) {
    for (int i = 1; i < t.labels_size(); ++i) EXPECT_LT(t.labels(i - 1).name(), t.labels(i).name());
  }
}

// A receiver on the exporter's own HTTP server: answers 503 `failures` times, then 204.
class Receiver {
 public:
  explicit Receiver(int failures)
      : failures_(failures), server_([this](const HttpRequest& req) { return Handle(req); }) {
    EXPECT_TRUE(server_.Listen("127.0.0.1:0").ok());
    server_.Start();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_.port()) + "/api/v1/write"; }
  int attempts() const { return attempts_.load(); }
  HttpRequest last() {
    std::lock_guard lock(mu_);
    return last_;
  }

 private:
  HttpResponse Handle(const HttpRequest& req) {
    {
      std::lock_guard lock(mu_);
      last_ = req;
    }
    if (attempts_.fetch_add(1) < failures_) return HttpResponse::Text(503, "busy");
    return HttpResponse::Text(204, "");
  }

  int failures_;
  std::atomic<int> attempts_{0};
  std::mutex mu_;
  HttpRequest last_;
  HttpServer server_;
};

TEST(Push, PostsSnappyProtobufWithRemoteWriteHeadersAndRetries5xx) {
  Receiver receiver(2);
  PushOptions options;
  options.url = receiver.url();
  options.basic_auth_username = "user";
  std::string encoded = EncodeWriteRequest(SeriesForPush(SampleFamilies(), "j", "i", 1));
  ASSERT_TRUE(PushWriteRequest(options, encoded, 5000).ok());
  EXPECT_EQ(receiver.attempts(), 3);
  HttpRequest req = receiver.last();
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.Header("content-encoding"), "snappy");
  EXPECT_EQ(req.Header("content-type"), "application/x-protobuf");
  EXPECT_EQ(req.Header("x-prometheus-remote-write-version"), "0.1.0");
  EXPECT_EQ(req.Header("authorization"), "Basic dXNlcjo=");  // "user:"
  std::string raw;
  ASSERT_TRUE(snappy::Uncompress(req.body.data(), req.body.size(), &raw));
  EXPECT_EQ(raw, encoded);
}

TEST(Push, FourXxIsFinal) {
  class Rejecting {
   public:
    HttpServer server{[this](const HttpRequest&) {
      ++attempts;
      return HttpResponse::Text(400, "out of order");
    }};
    std::atomic<int> attempts{0};
  } rejecting;
  ASSERT_TRUE(rejecting.server.Listen("127.0.0.1:0").ok());
  rejecting.server.Start();
  PushOptions options;
  options.url = "http://127.0.0.1:" + std::to_string(rejecting.server.port()) + "/w";
  Status s = PushWriteRequest(options, "", 5000);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("400"), std::string::npos) << s.ToString();
  EXPECT_EQ(rejecting.attempts.load(), 1);
}

TEST(Push, GivesUpWhenNothingListens) {
  HttpServer probe([](const HttpRequest&) { return HttpResponse::Text(200, ""); });
  ASSERT_TRUE(probe.Listen("127.0.0.1:0").ok());
  int port = probe.port();
  probe.Stop();  // the port is closed now
  PushOptions options;
  options.url = "http://127.0.0.1:" + std::to_string(port) + "/w";
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(PushWriteRequest(options, "", 400).ok());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
}

}  // namespace
}  // namespace cairn::exporters
