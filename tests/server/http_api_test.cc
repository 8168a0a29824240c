// The server in-process on port 0 over MemoryStorage, called through real
// HTTP: envelopes, error types and codes, routing, gzip, lifecycle.
#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "tests/server/gunzip.h"
#include "tests/server/server_fixture.h"

namespace cairn::server {
namespace {

using testing::HttpCall;
using HttpApiTest = testing::ServerFixture;

using testing::Gunzip;


TEST_F(HttpApiTest, HealthAndReadiness) {
  auto h = Get("/-/healthy");
  EXPECT_EQ(h.status, 200);
  EXPECT_EQ(HttpCall(port_, "HEAD", "/-/healthy").status, 200);
  EXPECT_EQ(Get("/-/ready").status, 200);
}

TEST_F(HttpApiTest, SeriesEnvelopeViaGetAndPost) {
  const std::string want =
      R"({"status":"success","data":[{"__name__":"up","instance":"a:1","job":"api"},)"
      R"({"__name__":"up","instance":"b:1","job":"node"}]})";
  auto g = Get("/api/v1/series?match%5B%5D=up");
  EXPECT_EQ(g.status, 200);
  EXPECT_EQ(g.headers["content-type"], "application/json");
  EXPECT_EQ(g.body, want);
  auto p = PostForm("/api/v1/series", "match[]=up&start=0&end=10");
  EXPECT_EQ(p.status, 200);
  EXPECT_EQ(p.body, want);
  // Union of selectors, no duplicates.
  auto u = Get("/api/v1/series?match[]=up{job=\"api\"}&match[]={job=\"api\"}");
  EXPECT_EQ(u.body,
            R"({"status":"success","data":[{"__name__":"http_requests_total","http.status_code":"200","job":"api"},)"
            R"({"__name__":"up","instance":"a:1","job":"api"}]})");
  auto empty = Get("/api/v1/series?match[]=nothing_here");
  EXPECT_EQ(empty.body, R"({"status":"success","data":[]})");
}

TEST_F(HttpApiTest, PostBodyWinsOverUrl) {
  auto r = HttpCall(port_, "POST", "/api/v1/series?match[]=nothing_here", "match[]=up&limit=1",
                    {{"Content-Type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"status":"success","data":[{"__name__":"up","instance":"a:1","job":"api"}],)"
                    R"("warnings":["results truncated due to limit"]})");
}

TEST_F(HttpApiTest, SeriesErrors) {
  auto none = Get("/api/v1/series");
  EXPECT_EQ(none.status, 400);
  EXPECT_EQ(none.body, R"({"status":"error","errorType":"bad_data","error":"no match[] parameter provided"})");
  auto empty_matcher = Get("/api/v1/series?match[]={job=~\".*\"}");
  EXPECT_EQ(empty_matcher.status, 400);
  EXPECT_NE(empty_matcher.body.find("match[] must contain at least one non-empty matcher"), std::string::npos);
  auto bad_start = Get("/api/v1/series?match[]=up&start=yesterday");
  EXPECT_EQ(bad_start.status, 400);
  EXPECT_EQ(bad_start.body, R"({"status":"error","errorType":"bad_data",)"
                            R"("error":"invalid parameter \"start\": cannot parse \"yesterday\" to a valid timestamp"})");
  EXPECT_EQ(Get("/api/v1/series?match[]=up&limit=x").status, 400);
  EXPECT_EQ(Get("/api/v1/series?match[]=%7B").status, 400);
}

TEST_F(HttpApiTest, LabelsAndValues) {
  EXPECT_EQ(Get("/api/v1/labels").body,
            R"({"status":"success","data":["__name__","http.status_code","instance","job"]})");
  EXPECT_EQ(PostForm("/api/v1/labels", "match[]=up").body,
            R"({"status":"success","data":["__name__","instance","job"]})");
  EXPECT_EQ(Get("/api/v1/labels?limit=2").body,
            R"({"status":"success","data":["__name__","http.status_code"],)"
            R"("warnings":["results truncated due to limit"]})");
  EXPECT_EQ(Get("/api/v1/label/__name__/values").body,
            R"({"status":"success","data":["http_requests_total","up"]})");
  EXPECT_EQ(Get("/api/v1/label/job/values?match[]=up{instance=\"b:1\"}").body,
            R"({"status":"success","data":["node"]})");
  EXPECT_EQ(Get("/api/v1/label/U__http_2e_status__code/values").body, R"({"status":"success","data":["200"]})");
  EXPECT_EQ(Get("/api/v1/label/nope/values").body, R"({"status":"success","data":[]})");
}

TEST_F(HttpApiTest, RoutingErrorsAndCors) {
  EXPECT_EQ(Get("/api/v1/nope").status, 404);
  auto wrong = HttpCall(port_, "DELETE", "/api/v1/labels");
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(wrong.headers["allow"], "GET, POST");
  auto pre = HttpCall(port_, "OPTIONS", "/api/v1/query");
  EXPECT_EQ(pre.status, 200);
  EXPECT_EQ(pre.headers["access-control-allow-origin"], "*");
}

TEST_F(HttpApiTest, GzipWhenAccepted) {
  auto r = Get("/api/v1/label/__name__/values", {{"Accept-Encoding", "gzip, deflate"}});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers["content-encoding"], "gzip");
  EXPECT_EQ(Gunzip(r.body), R"({"status":"success","data":["http_requests_total","up"]})");
  auto plain = Get("/api/v1/label/__name__/values", {{"Accept-Encoding", "gzip;q=0"}});
  EXPECT_EQ(plain.headers.count("content-encoding"), 0u);
}

// Every parameter error of query, query_range and format_query, worded as
// Prometheus words it (2.42 live, and 3.x's web/api/v1/api.go where they
// differ: the limit parameter, lookback_delta, and query_range's parse error
// prefix), in upstream's checking order.
TEST_F(HttpApiTest, QueryParameterErrorsReadAsPrometheus) {
  struct Case {
    std::string target;
    std::string error;
  };
  const Case cases[] = {
      {"/api/v1/query?query=sum(", R"(invalid parameter \"query\": 1:5: parse error: unclosed left parenthesis)"},
      {"/api/v1/query", R"(invalid parameter \"query\": 1:1: parse error: no expression found in input)"},
      {"/api/v1/query?query=up&time=never",
       R"(invalid parameter \"time\": Invalid time value for 'time': cannot parse \"never\" to a valid timestamp)"},
      {"/api/v1/query?query=up&timeout=soon",
       R"(invalid parameter \"timeout\": cannot parse \"soon\" to a valid duration)"},
      {"/api/v1/query?query=up&timeout=-1s", R"(invalid parameter \"timeout\": cannot parse \"-1s\" to a valid duration)"},
      {"/api/v1/query?query=up&limit=abc", R"(invalid parameter \"limit\": strconv.Atoi: parsing \"abc\": invalid syntax)"},
      {"/api/v1/query?query=up&limit=-1", R"(invalid parameter \"limit\": limit must be non-negative)"},
      {"/api/v1/query?query=up&limit=99999999999999999999",
       R"(invalid parameter \"limit\": strconv.Atoi: parsing \"99999999999999999999\": value out of range)"},
      {"/api/v1/query?query=up&lookback_delta=soon",
       R"(error parsing lookback delta duration: cannot parse \"soon\" to a valid duration)"},
      // Upstream's order: limit, time, timeout, lookback_delta, then the query.
      {"/api/v1/query?query=sum(&time=never&limit=x",
       R"(invalid parameter \"limit\": strconv.Atoi: parsing \"x\": invalid syntax)"},
      {"/api/v1/query?query=sum(&time=never",
       R"(invalid parameter \"time\": Invalid time value for 'time': cannot parse \"never\" to a valid timestamp)"},
      {"/api/v1/query?query=sum(&timeout=soon", R"(invalid parameter \"timeout\": cannot parse \"soon\" to a valid duration)"},
      {"/api/v1/query_range?query=up&start=100&end=0&step=1",
       R"(invalid parameter \"end\": end timestamp must not be before start time)"},
      {"/api/v1/query_range?query=up&start=0&end=100&step=0",
       R"(invalid parameter \"step\": zero or negative query resolution step widths are not accepted. Try a positive integer)"},
      {"/api/v1/query_range?query=up&start=0&end=100&step=-1",
       R"(invalid parameter \"step\": zero or negative query resolution step widths are not accepted. Try a positive integer)"},
      {"/api/v1/query_range?query=up&start=0&end=100&step=1x",
       R"(invalid parameter \"step\": cannot parse \"1x\" to a valid duration)"},
      {"/api/v1/query_range?query=up&start=0&end=100", R"(invalid parameter \"step\": cannot parse \"\" to a valid duration)"},
      {"/api/v1/query_range?query=up&start=abc&end=5&step=1",
       R"(invalid parameter \"start\": cannot parse \"abc\" to a valid timestamp)"},
      {"/api/v1/query_range?query=up&end=5&step=1", R"(invalid parameter \"start\": cannot parse \"\" to a valid timestamp)"},
      {"/api/v1/query_range?query=up&start=1&step=1", R"(invalid parameter \"end\": cannot parse \"\" to a valid timestamp)"},
      {"/api/v1/query_range?query=up&start=1&end=abc&step=1",
       R"(invalid parameter \"end\": cannot parse \"abc\" to a valid timestamp)"},
      {"/api/v1/query_range?query=up&start=0&end=11001&step=1",
       "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)"},
      {"/api/v1/query_range?query=up&start=1&end=5&step=1&timeout=soon",
       R"(invalid parameter \"timeout\": cannot parse \"soon\" to a valid duration)"},
      {"/api/v1/query_range?query=up&start=1&end=5&step=1&limit=x",
       R"(invalid parameter \"limit\": strconv.Atoi: parsing \"x\": invalid syntax)"},
      {"/api/v1/query_range?query=sum(&start=1&end=5&step=1",
       R"(invalid parameter \"query\": 1:5: parse error: unclosed left parenthesis)"},
      {"/api/v1/format_query?query=sum(", R"(invalid parameter \"query\": 1:5: parse error: unclosed left parenthesis)"},
      {"/api/v1/format_query", R"(invalid parameter \"query\": 1:1: parse error: no expression found in input)"},
  };
  for (const auto& c : cases) {
    auto r = Get(c.target);
    EXPECT_EQ(r.status, 400) << c.target;
    EXPECT_EQ(r.body, R"({"status":"error","errorType":"bad_data","error":")" + c.error + "\"}") << c.target;
    // The same through a form POST (Grafana, promtool).
    size_t q = c.target.find('?');
    if (q == std::string::npos) continue;
    auto p = PostForm(c.target.substr(0, q), c.target.substr(q + 1));
    EXPECT_EQ(p.body, r.body) << c.target;
  }
}

TEST_F(HttpApiTest, InstantQueries) {
  // Grafana's health check: POST form, query 1+1 at time=4.
  auto health = PostForm("/api/v1/query", "query=1%2B1&time=4");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.body, R"({"status":"success","data":{"resultType":"scalar","result":[4,"2"]}})");
  EXPECT_EQ(Get("/api/v1/query?query=up{job=\"node\"}&time=2").body,
            R"({"status":"success","data":{"resultType":"vector","result":[)"
            R"({"metric":{"__name__":"up","instance":"b:1","job":"node"},"value":[2,"0"]}]}})");
  EXPECT_EQ(Get("/api/v1/query?query=%22hi%22&time=1.5").body,
            R"({"status":"success","data":{"resultType":"string","result":[1.500,"hi"]}})");
  EXPECT_EQ(Get("/api/v1/query?query=nothing&time=2").body,
            R"({"status":"success","data":{"resultType":"vector","result":[]}})");
  auto limited = Get("/api/v1/query?query=up&time=2&limit=1");
  EXPECT_NE(limited.body.find(R"("warnings":["results truncated due to limit"])"), std::string::npos);
  auto stats = Get("/api/v1/query?query=up&time=2&stats=true");
  EXPECT_NE(stats.body.find(R"("stats":{"timings":{"evalTotalTime":)"), std::string::npos);
  EXPECT_NE(stats.body.find(R"("samples":{"totalQueryableSamples":2,)"), std::string::npos) << stats.body;
}

TEST_F(HttpApiTest, RangeQueryIsASortedMatrix) {
  auto r = PostForm("/api/v1/query_range", "query=up&start=0&end=2&step=1");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"status":"success","data":{"resultType":"matrix","result":[)"
                    R"({"metric":{"__name__":"up","instance":"a:1","job":"api"},"values":[[1,"1"],[2,"1"]]},)"
                    R"({"metric":{"__name__":"up","instance":"b:1","job":"node"},"values":[[1,"0"],[2,"0"]]}]}})");
}

TEST_F(HttpApiTest, FormatQuery) {
  auto r = Get("/api/v1/format_query?query=sum(rate(x%5B5m%5D))by(job)");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"j({"status":"success","data":"sum by (job) (rate(x[5m]))"})j");
}

TEST_F(HttpApiTest, ParseQuery) {
  auto r = Get("/api/v1/parse_query?query=-1");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"j({"status":"success","data":{"type":"numberLiteral","val":"-1"}})j");
  auto post = PostForm("/api/v1/parse_query", "query=up");
  EXPECT_EQ(post.status, 200);
  EXPECT_NE(post.body.find(R"("type":"vectorSelector")"), std::string::npos) << post.body;
  auto bad = Get("/api/v1/parse_query?query=sum(");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.body, R"j({"status":"error","errorType":"bad_data","error":"invalid parameter \"query\": 1:5: parse error: unclosed left parenthesis"})j");
}

TEST_F(HttpApiTest, ExemplarsAreAValidEmptyList) {
  auto r = Get("/api/v1/query_exemplars?query=test&start=1700000000000&end=1700000600000");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"status":"success","data":[]})");
  // A query without selectors has no exemplars to look for: null, as upstream.
  EXPECT_EQ(Get("/api/v1/query_exemplars?query=1%2B1").body, R"({"status":"success","data":null})");
  auto bad = Get("/api/v1/query_exemplars?query=sum(");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find(R"("error":"invalid parameter \"query\": 1:5: parse error)"), std::string::npos) << bad.body;
}

TEST_F(HttpApiTest, StatusEndpoints) {
  auto b = Get("/api/v1/status/buildinfo");
  EXPECT_EQ(b.status, 200);
  EXPECT_NE(b.body.find(R"("version":"3.0.0+cairn.)"), std::string::npos);
  EXPECT_EQ(b.body.find("features"), std::string::npos);
  auto f = Get("/api/v1/status/flags");
  EXPECT_NE(f.body.find(R"("query.timeout":"2m")"), std::string::npos);
  EXPECT_NE(f.body.find(R"("web.listen-address":"127.0.0.1:0")"), std::string::npos);
  auto c = Get("/api/v1/status/config");
  EXPECT_EQ(c.body, R"({"status":"success","data":{"yaml":"global:\n  scrape_interval: 15s\n"}})");
  auto rt = Get("/api/v1/status/runtimeinfo");
  EXPECT_NE(rt.body.find(R"("serverTime":"2023-11-14T22:13:20Z")"), std::string::npos);
  EXPECT_NE(rt.body.find(R"("reloadConfigSuccess":true)"), std::string::npos);
  EXPECT_NE(rt.body.find(R"("storageRetention":"15d")"), std::string::npos);
  auto t = Get("/api/v1/status/tsdb?limit=1");
  EXPECT_EQ(t.status, 200);
  EXPECT_NE(t.body.find(R"("headStats":{"numSeries":3,)"), std::string::npos);
  EXPECT_NE(t.body.find(R"("minTime":1000,"maxTime":2000)"), std::string::npos);
  EXPECT_NE(t.body.find(R"("seriesCountByMetricName":[{"name":"up","value":2}])"), std::string::npos);
  EXPECT_EQ(Get("/api/v1/status/tsdb?limit=0").status, 400);
  EXPECT_EQ(Get("/api/v1/status/tsdb?limit=10001").status, 400);
}

TEST_F(HttpApiTest, TsdbStatusMatchFiltersTheTopLists) {
  // Two overlapping selectors: each series counts once.
  auto t = Get("/api/v1/status/tsdb?match%5B%5D=up&match%5B%5D=%7Bjob%3D%22node%22%7D&limit=5");
  ASSERT_EQ(t.status, 200) << t.body;
  EXPECT_NE(t.body.find(R"("headStats":{"numSeries":3,)"), std::string::npos) << t.body;  // still the whole head
  EXPECT_NE(t.body.find(R"("matchedSeries":2,)"), std::string::npos) << t.body;
  EXPECT_NE(t.body.find(R"("seriesCountByMetricName":[{"name":"up","value":2}])"), std::string::npos) << t.body;
  EXPECT_NE(t.body.find(R"({"name":"job=node","value":1})"), std::string::npos) << t.body;
  auto one = Get("/api/v1/status/tsdb?match%5B%5D=%7Bjob%3D%22node%22%7D");
  EXPECT_NE(one.body.find(R"("matchedSeries":1,)"), std::string::npos) << one.body;
  EXPECT_NE(one.body.find(R"("seriesCountByLabelValuePair":[)"), std::string::npos);
  EXPECT_EQ(one.body.find(R"(job=api)"), std::string::npos) << one.body;
  // Without match[] there is no matchedSeries; a bad selector is bad_data.
  EXPECT_EQ(Get("/api/v1/status/tsdb").body.find("matchedSeries"), std::string::npos);
  auto bad = Get("/api/v1/status/tsdb?match%5B%5D=%7B");
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(Get("/api/v1/status/tsdb?match%5B%5D=%7Bjob%3D~%22.*%22%7D").status, 400);
}

TEST_F(HttpApiTest, SelfMetricsAfterRequests) {
  Get("/api/v1/labels");
  auto m = Get("/metrics");
  EXPECT_EQ(m.status, 200);
  EXPECT_EQ(m.headers["content-type"], "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(m.body.find("prometheus_http_requests_total{code=\"200\",handler=\"/api/v1/labels\"} 1\n"),
            std::string::npos);
  EXPECT_NE(m.body.find("prometheus_http_request_duration_seconds_count{handler=\"/api/v1/labels\"} 1\n"),
            std::string::npos);
  EXPECT_NE(m.body.find("prometheus_build_info{"), std::string::npos);
  EXPECT_NE(m.body.find("prometheus_ready 1\n"), std::string::npos);
  EXPECT_NE(m.body.find("prometheus_tsdb_head_series 3\n"), std::string::npos);
  EXPECT_NE(m.body.find("process_start_time_seconds "), std::string::npos);
  EXPECT_NE(m.body.find("process_open_fds "), std::string::npos);
}

TEST_F(HttpApiTest, LifecycleNeedsTheFlag) {
  EXPECT_EQ(HttpCall(port_, "POST", "/-/reload").status, 403);
  EXPECT_EQ(HttpCall(port_, "PUT", "/-/quit").status, 403);
  EXPECT_EQ(Get("/-/reload").status, 405);
}

TEST_F(HttpApiTest, ReloadKeepsOldConfigOnError) {
  std::ofstream(config_path_) << "global:\n  scrape_interval: 30s\n";
  ASSERT_TRUE(server_->Reload().ok());
  EXPECT_EQ(server_->state().config().scrape_interval_ms, 30000);
  std::ofstream(config_path_) << "global: [broken\n";
  EXPECT_FALSE(server_->Reload().ok());
  EXPECT_EQ(server_->state().config().scrape_interval_ms, 30000);
  EXPECT_FALSE(server_->state().last_reload_ok());
  EXPECT_NE(Get("/metrics").body.find("prometheus_config_last_reload_successful 0\n"), std::string::npos);
}

TEST_F(HttpApiTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  namespace net = boost::asio;
  namespace bhttp = boost::beast::http;
  net::io_context ioc;
  boost::beast::tcp_stream stream(ioc);
  stream.connect(net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), port_));
  for (int i = 0; i < 3; ++i) {
    bhttp::request<bhttp::empty_body> req{bhttp::verb::get, "/-/healthy", 11};
    req.set(bhttp::field::host, "x");
    bhttp::write(stream, req);
    boost::beast::flat_buffer buf;
    bhttp::response<bhttp::string_body> res;
    bhttp::read(stream, buf, res);
    EXPECT_EQ(res.result_int(), 200u);
    EXPECT_TRUE(res.keep_alive());
  }
}

}  // namespace
}  // namespace cairn::server
