// The query request path over real HTTP (issue 3): queries run off the I/O
// threads with at most --query.max-concurrency at once, a client that hangs
// up cancels its query, large results stream in chunks (gzip too) with the
// bytes of the unstreamed form, the annotation cap, Prometheus' parameter
// error texts, and timeout / max-samples / lookback delta taking effect.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/asio.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "promql/engine.h"
#include "server/api/api_response.h"
#include "server/query_runner.h"
#include "server/server.h"
#include "storage/memory_storage.h"
#include "tests/server/gunzip.h"
#include "tests/server/server_fixture.h"

namespace cairn::server {
namespace {

using testing::ClientResponse;
using testing::HttpCall;
using Clock = std::chrono::steady_clock;

// Every series a Select of `slow` yields costs `per_series` of wall time
// (not CPU): a query over many series is slow, and the engine still checks
// for cancellation between series as it does over real storage. Other
// selects (the /metrics head figures scan every series) stay fast.
class SlowQueryable final : public storage::Queryable {
 public:
  SlowQueryable(storage::Queryable& inner, std::chrono::microseconds per_series)
      : inner_(inner), per_series_(per_series) {}
  Result<std::unique_ptr<storage::Querier>> NewQuerier(int64_t min_t_ms, int64_t max_t_ms) override {
    auto q = inner_.NewQuerier(min_t_ms, max_t_ms);
    if (!q.ok()) return q.status();
    return std::unique_ptr<storage::Querier>(new SlowQuerier(std::move(q).value(), per_series_));
  }

 private:
  class SlowSet final : public storage::SeriesSet {
   public:
    SlowSet(std::unique_ptr<storage::SeriesSet> inner, std::chrono::microseconds d) : inner_(std::move(inner)), d_(d) {}
    bool Next() override {
      std::this_thread::sleep_for(d_);
      return inner_->Next();
    }
    const storage::Series& At() const override { return inner_->At(); }
    Status status() const override { return inner_->status(); }

   private:
    std::unique_ptr<storage::SeriesSet> inner_;
    std::chrono::microseconds d_;
  };
  class SlowQuerier final : public storage::Querier {
   public:
    SlowQuerier(std::unique_ptr<storage::Querier> inner, std::chrono::microseconds d) : inner_(std::move(inner)), d_(d) {}
    std::unique_ptr<storage::SeriesSet> Select(const storage::SelectHints& hints,
                                               const storage::Matchers& matchers) override {
      bool slow = false;
      for (const auto& m : matchers) {
        slow = slow || (m.name() == "__name__" && m.type() == storage::MatchType::kEqual && m.value() == "slow");
      }
      auto set = inner_->Select(hints, matchers);
      if (!slow) return set;
      return std::make_unique<SlowSet>(std::move(set), d_);
    }
    Result<std::vector<std::string>> LabelValues(const std::string& name, const storage::Matchers& m) override {
      return inner_->LabelValues(name, m);
    }
    Result<std::vector<std::string>> LabelNames(const storage::Matchers& m) override {
      return inner_->LabelNames(m);
    }

   private:
    std::unique_ptr<storage::Querier> inner_;
    std::chrono::microseconds d_;
  };

  storage::Queryable& inner_;
  std::chrono::microseconds per_series_;
};

// A request sent on its own connection and left unread, to hang up on later.
class PendingRequest {
 public:
  PendingRequest(uint16_t port, const std::string& target) : socket_(ioc_) {
    socket_.connect({boost::asio::ip::make_address("127.0.0.1"), port});
    std::string req = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    boost::asio::write(socket_, boost::asio::buffer(req));
  }
  void HangUp() {
    boost::system::error_code ec;
    socket_.close(ec);
  }

 private:
  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::socket socket_;
};

using testing::Gunzip;

int Count(const std::string& text, const std::string& what) {
  int n = 0;
  for (size_t pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) ++n;
  return n;
}

class QueryPathTest : public testing::InProcessServer {
 protected:
  // `n` series `name`{i="0".."n-1"} with samples at 1s..points s.
  void Seed(const std::string& name, int n, int points, const std::string& label = "i") {
    auto app = storage_.NewAppender();
    for (int i = 0; i < n; ++i) {
      storage::Labels ls({{"__name__", name}, {label, std::to_string(i)}});
      for (int p = 1; p <= points; ++p) ASSERT_TRUE(app->Append(0, ls, p * 1000LL, i * 0.5 + p).ok());
    }
    ASSERT_TRUE(app->Commit().ok());
  }

  // A self-metric's value, or -1 when absent.
  double Metric(const std::string& name) {
    std::string body = Get("/metrics").body;
    size_t pos = body.find("\n" + name + " ");
    if (pos == std::string::npos) return -1;
    return std::stod(body.substr(pos + name.size() + 2));
  }

  // Polls until the metric reads `want` or `limit` passes; the last reading.
  double AwaitMetric(const std::string& name, double want, std::chrono::milliseconds limit) {
    auto deadline = Clock::now() + limit;
    double v = Metric(name);
    while (v != want && Clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      v = Metric(name);
    }
    return v;
  }
};

TEST_F(QueryPathTest, HealthyAnswersWhileSlowQueriesRunAndHangingUpCancelsThem) {
  // 4000 series at 2.5 ms each: a query takes ~10 s unless canceled.
  Seed("slow", 4000, 1);
  SlowQueryable slow(storage_, std::chrono::microseconds(2500));
  StartServer({"--query.max-concurrency=2"}, &slow);
  EXPECT_EQ(Metric("prometheus_engine_queries_concurrent_max"), 2);

  // Five slow queries against two HTTP I/O threads: two run, three wait.
  std::vector<std::unique_ptr<PendingRequest>> clients;
  for (int i = 0; i < 5; ++i) {
    clients.push_back(std::make_unique<PendingRequest>(port_, "/api/v1/query?query=count(slow)&time=2"));
  }
  EXPECT_EQ(AwaitMetric("prometheus_engine_queries", 5, std::chrono::seconds(5)), 5);
  EXPECT_EQ(Metric("cairn_engine_queries_waiting"), 3);
  // The two that started have their queue wait observed.
  EXPECT_EQ(Metric("prometheus_engine_query_duration_seconds_count{slice=\"queue_time\"}"), 2);

  auto t0 = Clock::now();
  auto healthy = Get("/-/healthy");
  auto took = Clock::now() - t0;
  EXPECT_EQ(healthy.status, 200);
  EXPECT_LT(took, std::chrono::milliseconds(1000));
  EXPECT_EQ(Metric("cairn_engine_queries_canceled_total"), 0);

  // Hang up: the running queries stop, the waiting ones stop as they start,
  // all well before one query alone would have finished.
  t0 = Clock::now();
  for (auto& c : clients) c->HangUp();
  EXPECT_EQ(AwaitMetric("cairn_engine_queries_canceled_total", 5, std::chrono::seconds(4)), 5);
  EXPECT_EQ(AwaitMetric("prometheus_engine_queries", 0, std::chrono::seconds(2)), 0);
  EXPECT_LT(Clock::now() - t0, std::chrono::seconds(5));

  // The server keeps answering queries afterwards.
  auto after = Get("/api/v1/query?query=count(slow%7Bi%3D%221%22%7D)&time=2");
  EXPECT_EQ(after.status, 200);
  EXPECT_EQ(after.body, R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[2,"1"]}]}})");
}

TEST_F(QueryPathTest, TimeoutParameterAnswers503Timeout) {
  Seed("slow", 400, 1);
  SlowQueryable slow(storage_, std::chrono::microseconds(2500));
  StartServer({}, &slow);
  auto r = Get("/api/v1/query?query=count(slow)&time=2&timeout=0.2");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.body, R"({"status":"error","errorType":"timeout","error":"query timed out in expression evaluation"})");
  EXPECT_EQ(Metric("cairn_engine_queries_canceled_total"), 0);
}

TEST_F(QueryPathTest, MaxSamplesFlagAnswers422Execution) {
  Seed("m", 50, 10);
  StartServer({"--query.max-samples=100"});
  auto r = Get("/api/v1/query_range?query=m&start=1&end=10&step=1");
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(r.body, R"({"status":"error","errorType":"execution",)"
                    R"("error":"query processing would load too many samples into memory in query execution"})");
  // A query within the limit still answers.
  EXPECT_EQ(Get("/api/v1/query?query=count(m%7Bi%3D%221%22%7D)&time=10").status, 200);
}

TEST_F(QueryPathTest, LookbackDeltaParameterAndFlag) {
  Seed("g", 1, 1);  // one sample at t=1s
  StartServer({"--query.lookback-delta=1m"});
  const std::string found = R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{"__name__":"g","i":"0"},"value":[90,"1"]}]}})";
  const std::string empty = R"({"status":"success","data":{"resultType":"vector","result":[]}})";
  EXPECT_EQ(Get("/api/v1/query?query=g&time=30").body,
            R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{"__name__":"g","i":"0"},"value":[30,"1"]}]}})");
  // 89 s after the sample: outside the flag's 1m, inside a 2m parameter.
  EXPECT_EQ(Get("/api/v1/query?query=g&time=90").body, empty);
  EXPECT_EQ(Get("/api/v1/query?query=g&time=90&lookback_delta=2m").body, found);
  EXPECT_EQ(Get("/api/v1/query?query=g&time=90&lookback_delta=10").body, empty);
  auto bad = Get("/api/v1/query?query=g&lookback_delta=soon");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.body, R"({"status":"error","errorType":"bad_data",)"
                      R"("error":"error parsing lookback delta duration: cannot parse \"soon\" to a valid duration"})");
}

TEST_F(QueryPathTest, LargeMatrixStreamsInChunksWithTheBytesOfTheWholeForm) {
  Seed("big", 200, 1000);
  StartServer({});
  const std::string target = "/api/v1/query_range?query=big&start=1&end=1000&step=1";

  // The unstreamed form, from the same engine and renderer.
  promql::Engine engine;
  QueryRunner runner(engine, storage_, 50000000);
  api::QueryRequest q;
  q.query = "big";
  q.range = true;
  q.start_ms = 1000;
  q.end_ms = 1000000;
  q.step_ms = 1000;
  q.lookback_delta_ms = 300000;
  q.timeout_ms = 120000;
  auto answer = runner.Run(q);
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  std::string whole = api::ApiSuccess([&](JsonWriter& w) { answer->write_data(w, [] { return true; }); },
                                      answer->warnings, answer->infos)
                          .body;
  ASSERT_GT(whole.size(), 2u << 20);

  auto plain = Get(target);
  EXPECT_EQ(plain.status, 200);
  EXPECT_EQ(plain.headers["transfer-encoding"], "chunked");
  EXPECT_EQ(plain.headers.count("content-length"), 0u);
  EXPECT_EQ(plain.headers["content-type"], "application/json");
  EXPECT_TRUE(plain.body == whole) << plain.body.size() << " vs " << whole.size();

  auto gz = Get(target, {{"Accept-Encoding", "gzip"}});
  EXPECT_EQ(gz.status, 200);
  EXPECT_EQ(gz.headers["transfer-encoding"], "chunked");
  EXPECT_EQ(gz.headers["content-encoding"], "gzip");
  EXPECT_LT(gz.body.size(), whole.size() / 2);
  EXPECT_TRUE(Gunzip(gz.body) == whole);

  // A small result keeps an ordinary body with Content-Length.
  auto small = Get("/api/v1/query?query=big%7Bi%3D%227%22%7D&time=5");
  EXPECT_EQ(small.headers.count("transfer-encoding"), 0u);
  EXPECT_EQ(small.headers["content-length"], std::to_string(small.body.size()));
}

TEST_F(QueryPathTest, AnnotationsAreCappedAndTheTruncationWarningSurvives) {
  // 300 metric names with no _total suffix and no `le` label: one info per
  // name from rate(), one warning per name from histogram_quantile().
  auto app = storage_.NewAppender();
  for (int i = 0; i < 300; ++i) {
    storage::Labels ls({{"__name__", "m_" + std::to_string(i)}, {"i", std::to_string(i)}});
    ASSERT_TRUE(app->Append(0, ls, 10000, 1).ok());
    ASSERT_TRUE(app->Append(0, ls, 20000, 2).ok());
  }
  ASSERT_TRUE(app->Commit().ok());
  StartServer({});
  auto r = Get("/api/v1/query?query=" +
               std::string("histogram_quantile(0.5,%7B__name__%3D~%22m_.*%22%7D)%20or%20"
                           "rate(%7B__name__%3D~%22m_.*%22%7D%5B1m%5D)") +
               "&time=20&limit=5");
  ASSERT_EQ(r.status, 200) << r.body;
  size_t w = r.body.find(R"("warnings":[)");
  size_t i = r.body.find(R"("infos":[)");
  ASSERT_NE(w, std::string::npos);
  ASSERT_NE(i, std::string::npos);
  std::string warnings = r.body.substr(w, i - w);
  std::string infos = r.body.substr(i);
  // The cut's warning first, nine of the engine's, then the count of the rest.
  EXPECT_EQ(warnings.find(R"("warnings":["results truncated due to limit","PromQL warning: bucket label)"), 0u)
      << warnings;
  EXPECT_NE(warnings.find(R"(,"291 more warning annotations omitted"],)"), std::string::npos) << warnings;
  EXPECT_EQ(Count(warnings, "\"PromQL warning: "), 9);
  EXPECT_NE(infos.find(R"(,"290 more info annotations omitted"]})"), std::string::npos) << infos;
  EXPECT_EQ(Count(infos, "\"PromQL info: "), 10);
}

}  // namespace
}  // namespace cairn::server
