#include "exporters/common/exposition.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "test_util.h"

namespace cairn::exporters {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

MetricFamily Counter(std::string name, double v, std::vector<ClientMetric::Label> labels = {}) {
  MetricFamily f{std::move(name), "A counter.", MetricType::Counter, {}};
  auto& m = f.metric.emplace_back();
  m.label = std::move(labels);
  m.counter.value = v;
  return f;
}

MetricFamily Gauge(std::string name, double v) {
  MetricFamily f{std::move(name), "A gauge.", MetricType::Gauge, {}};
  f.metric.emplace_back().gauge.value = v;
  return f;
}

TEST(OpenMetrics, CounterTotalSuffixMovesToSamples) {
  std::string out = WriteOpenMetrics({Counter("http_requests_total", 3, {{"code", "200"}})});
  EXPECT_EQ(out,
            "# HELP http_requests A counter.\n"
            "# TYPE http_requests counter\n"
            "http_requests_total{code=\"200\"} 3.0\n"
            "# EOF\n");
}

TEST(OpenMetrics, CounterWithoutTotalGetsItOnSamples) {
  std::string out = WriteOpenMetrics({Counter("bytes", 1.5)});
  EXPECT_NE(out.find("# TYPE bytes counter\nbytes_total 1.5\n"), std::string::npos) << out;
}

TEST(OpenMetrics, FloatsAsGoWritesThem) {
  std::string out = WriteOpenMetrics({Gauge("a", 0), Gauge("b", 1e6), Gauge("c", -1), Gauge("d", 1.6596992e+07),
                                      Gauge("e", std::numeric_limits<double>::infinity()), Gauge("f", NAN),
                                      Gauge("g", 0.25)});
  EXPECT_NE(out.find("\na 0.0\n"), std::string::npos) << out;
  EXPECT_NE(out.find("\nb 1e+06\n"), std::string::npos) << out;
  EXPECT_NE(out.find("\nc -1.0\n"), std::string::npos) << out;
  EXPECT_NE(out.find("\nd 1.6596992e+07\n"), std::string::npos) << out;
  EXPECT_NE(out.find("\ne +Inf\n"), std::string::npos) << out;
  EXPECT_NE(out.find("\nf NaN\n"), std::string::npos) << out;
  EXPECT_NE(out.find("\ng 0.25\n"), std::string::npos) << out;
}

TEST(OpenMetrics, UntypedIsUnknownAndUnitNeedsMatchingSuffix) {
  MetricFamily u{"thing", "", MetricType::Untyped, {}};
  u.metric.emplace_back().untyped.value = 2;
  OpenMetricsOptions options;
  options.units = {{"disk_bytes", "bytes"}, {"thing", "seconds"}};
  std::string out = WriteOpenMetrics({Gauge("disk_bytes", 7), u}, options);
  EXPECT_EQ(out,
            "# HELP disk_bytes A gauge.\n"
            "# TYPE disk_bytes gauge\n"
            "# UNIT disk_bytes bytes\n"
            "disk_bytes 7.0\n"
            "# TYPE thing unknown\n"
            "thing 2.0\n"
            "# EOF\n");
}

TEST(OpenMetrics, EscapesHelpAndLabelValues) {
  MetricFamily f = Counter("x_total", 1, {{"path", "a\"b\\c\nd"}});
  f.help = "line\nwith \"quotes\" and \\";
  std::string out = WriteOpenMetrics({f});
  EXPECT_NE(out.find("# HELP x line\\nwith \\\"quotes\\\" and \\\\\n"), std::string::npos) << out;
  EXPECT_NE(out.find("x_total{path=\"a\\\"b\\\\c\\nd\"} 1.0\n"), std::string::npos) << out;
}

TEST(OpenMetrics, SummaryAndHistogram) {
  MetricFamily s{"rpc_seconds", "Summary.", MetricType::Summary, {}};
  auto& sm = s.metric.emplace_back();
  sm.summary.sample_count = 4;
  sm.summary.sample_sum = 2;
  sm.summary.quantile = {{0.5, 0.4}, {0.99, 1}};
  MetricFamily h{"lat_seconds", "Histogram.", MetricType::Histogram, {}};
  auto& hm = h.metric.emplace_back();
  hm.label = {{"op", "get"}};
  hm.histogram.sample_count = 3;
  hm.histogram.sample_sum = 0.75;
  hm.histogram.bucket = {{1, 0.1}, {3, 1}};
  std::string out = WriteOpenMetrics({s, h});
  EXPECT_NE(out.find("rpc_seconds{quantile=\"0.5\"} 0.4\nrpc_seconds{quantile=\"0.99\"} 1.0\n"
                     "rpc_seconds_sum 2.0\nrpc_seconds_count 4\n"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("lat_seconds_bucket{op=\"get\",le=\"0.1\"} 1\nlat_seconds_bucket{op=\"get\",le=\"1.0\"} 3\n"
                     "lat_seconds_bucket{op=\"get\",le=\"+Inf\"} 3\nlat_seconds_sum{op=\"get\"} 0.75\n"
                     "lat_seconds_count{op=\"get\"} 3\n"),
            std::string::npos)
      << out;
}

TEST(OpenMetrics, TimestampsInSeconds) {
  MetricFamily f = Gauge("g", 1);
  f.metric[0].timestamp_ms = 1500;
  EXPECT_NE(WriteOpenMetrics({f}).find("\ng 1.0 1.5\n"), std::string::npos);
}

TEST(Text, WritesHelpTypeAndSamples) {
  std::string out = WriteText({Counter("http_requests_total", 3, {{"code", "200"}}), Gauge("up", 1)});
  EXPECT_NE(out.find("# HELP http_requests_total A counter.\n# TYPE http_requests_total counter\n"
                     "http_requests_total{code=\"200\"} 3\n"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("# TYPE up gauge\nup 1\n"), std::string::npos) << out;
}

TEST(Text, ValuesInGoShortestRoundTripForm) {
  // node_exporter prints 3046200 ms * 0.001 as 3046.2000000000003; 16 digits would lose it.
  std::string out = WriteText({Gauge("a", 3046200 * 0.001), Gauge("b", 270553174016.0), Gauge("c", 0.5)});
  EXPECT_NE(out.find("\na 3046.2000000000003\n"), std::string::npos) << out;
  EXPECT_NE(out.find("\nb 2.70553174016e+11\n"), std::string::npos) << out;
  EXPECT_NE(out.find("\nc 0.5\n"), std::string::npos) << out;
}

TEST(Merge, SameNameFromTwoCollectorsIsOneFamily) {
  auto merged = MergeFamilies({Counter("a_total", 1, {{"x", "1"}}), Gauge("b", 2), Counter("a_total", 3, {{"x", "2"}})});
  ASSERT_EQ(merged.size(), 2u);
  EXPECT_EQ(merged[0].name, "a_total");
  EXPECT_EQ(merged[0].metric.size(), 2u);
  std::string text = WriteText(merged);
  EXPECT_EQ(text.find("# TYPE a_total"), text.rfind("# TYPE a_total"));
}

TEST(Negotiation, PrometheusHeaders) {
  // Prometheus 2.42's scrape Accept header.
  EXPECT_EQ(NegotiateFormat("application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;"
                            "q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"),
            ExpositionFormat::kOpenMetrics100);
  EXPECT_EQ(NegotiateFormat("text/plain;version=0.0.4;q=1,*/*;q=0.1"), ExpositionFormat::kText004);
  EXPECT_EQ(NegotiateFormat(""), ExpositionFormat::kText004);
  EXPECT_EQ(NegotiateFormat("*/*"), ExpositionFormat::kText004);
  EXPECT_EQ(NegotiateFormat("application/openmetrics-text"), ExpositionFormat::kOpenMetrics100);
  // Only an OpenMetrics version we write wins it.
  EXPECT_EQ(NegotiateFormat("application/openmetrics-text;version=0.0.1"), ExpositionFormat::kText004);
  // q decides, not order.
  EXPECT_EQ(NegotiateFormat("text/plain;q=0.5,application/openmetrics-text;version=1.0.0;q=0.9"),
            ExpositionFormat::kOpenMetrics100);
  EXPECT_EQ(NegotiateFormat("application/openmetrics-text;q=0.2,text/plain;q=0.5"), ExpositionFormat::kText004);
}

TEST(Negotiation, Gzip) {
  EXPECT_TRUE(AcceptsGzip("gzip"));
  EXPECT_TRUE(AcceptsGzip("deflate, GZIP;q=0.5"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=0"));
  EXPECT_FALSE(AcceptsGzip("identity"));
  EXPECT_FALSE(AcceptsGzip(""));
}

TEST(Render, GzipRoundTripAndContentType) {
  HttpRequest req;
  req.headers = {{"accept", "application/openmetrics-text;version=1.0.0"}, {"accept-encoding", "gzip"}};
  OpenMetricsOptions enabled;
  enabled.enabled = true;
  HttpResponse res = RenderMetrics({Gauge("up", 1)}, req, enabled);
  EXPECT_EQ(res.content_type, kOpenMetricsContentType);
  ASSERT_EQ(res.headers.size(), 1u);
  EXPECT_EQ(res.headers[0].first, "Content-Encoding");
  EXPECT_EQ(testing::Gunzip(res.body), "# HELP up A gauge.\n# TYPE up gauge\nup 1.0\n# EOF\n");

  // Off by default, as upstream's exporters: text even when OpenMetrics is asked for.
  HttpResponse off = RenderMetrics({Gauge("up", 1)}, req);
  EXPECT_EQ(off.content_type, kTextContentType);
  EXPECT_NE(testing::Gunzip(off.body).find("up 1"), std::string::npos);

  HttpRequest plain;
  HttpResponse text = RenderMetrics({Gauge("up", 1)}, plain);
  EXPECT_EQ(text.content_type, kTextContentType);
  EXPECT_TRUE(text.headers.empty());
  EXPECT_NE(text.body.find("up 1"), std::string::npos);
}

}  // namespace
}  // namespace cairn::exporters
