// /federate: the text body (golden lines as Prometheus 2.42 writes them for the
// same series), the newest-sample selection over an in-memory storage, the
// handler's errors and counters, and the route through a running server.
#include "server/federation.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <limits>

#include "promql/parser/parser.h"
#include "storage/memory_storage.h"
#include "tests/server/server_fixture.h"

namespace cairn::server {
namespace {

using storage::Labels;

constexpr int64_t kNow = 1700000000000;

FederatedSample S(Labels ls, int64_t t, double v) { return {std::move(ls), {t, v}}; }

TEST(WriteFederationTextTest, MatchesPrometheusLines) {
  // Prometheus 2.42 with external labels cluster="c1", zone="z" federated
  // these series as the lines below (captured from its /federate).
  std::vector<FederatedSample> in = {
      S({{"__name__", "a_metric"}, {"instance", "i0"}, {"job", "j"}}, 1000, 100000),
      S({{"__name__", "a_metric"}, {"instance", "i1"}, {"job", "j"}}, 1000, 1),
      S({{"__name__", "a_metric"}, {"job", "j"}, {"zone", "mine"}}, 1000, -0.0),
      S({{"__name__", "b_metric"}, {"cluster", "c1"}, {"x", "q\"\\\n"}}, 2000, 1e-7),
      S({{"__name__", "nan"}, {"job", "j"}}, 3000, std::nan("")),
  };
  EXPECT_EQ(WriteFederationText(in, Labels{{"cluster", "c1"}, {"zone", "z"}}),
            "# TYPE a_metric untyped\n"
            "a_metric{instance=\"i0\",job=\"j\",cluster=\"c1\",zone=\"z\"} 100000 1000\n"
            "a_metric{instance=\"i1\",job=\"j\",cluster=\"c1\",zone=\"z\"} 1 1000\n"
            "a_metric{job=\"j\",zone=\"mine\",cluster=\"c1\",instance=\"\"} 0 1000\n"
            "# TYPE b_metric untyped\n"
            "b_metric{cluster=\"c1\",x=\"q\\\"\\\\\\n\",instance=\"\",zone=\"z\"} 1e-07 2000\n"
            "# TYPE nan untyped\n"
            "nan{job=\"j\",cluster=\"c1\",instance=\"\",zone=\"z\"} NaN 3000\n");
}

TEST(WriteFederationTextTest, ConfiguredInstanceAndSpecialValues) {
  std::vector<FederatedSample> in = {
      S({{"__name__", "m"}, {"a", "1"}}, -5, std::numeric_limits<double>::infinity()),
      S({{"__name__", "m"}, {"a", "2"}, {"instance", "own"}}, 7, -std::numeric_limits<double>::infinity()),
      S({{"a", "nameless"}}, 8, 1),
      S({{"__name__", "n"}}, 9, 1.5e300),
  };
  EXPECT_EQ(WriteFederationText(in, Labels{{"instance", "fed:9090"}}),
            "# TYPE m untyped\n"
            "m{a=\"1\",instance=\"fed:9090\"} +Inf -5\n"
            "m{a=\"2\",instance=\"own\"} -Inf 7\n"
            "# TYPE n untyped\n"
            "n{instance=\"fed:9090\"} 1.5e+300 9\n");
  EXPECT_EQ(WriteFederationText({}, Labels{}), "");
}

TEST(WriteFederationTextTest, NonLegacyNamesAreUnderscoreEscaped) {
  std::vector<FederatedSample> in = {
      S({{"__name__", "1st.metric"}, {"a-b", "x.y"}, {"ok:colon", "1"}}, 1, 2),
      S({{"__name__", "1st.metric"}, {"a-b", "z"}}, 1, 3),
      S({{"__name__", "m\xffn\xc3\xa9"}, {"\xc3\xa9t\xc3\xa9", "v"}}, 1, 4),
  };
  EXPECT_EQ(WriteFederationText(in, Labels{}),
            "# TYPE _st_metric untyped\n"
            "_st_metric{a_b=\"x.y\",ok:colon=\"1\",instance=\"\"} 2 1\n"
            "_st_metric{a_b=\"z\",instance=\"\"} 3 1\n"
            "# TYPE m_n_ untyped\n"
            "m_n_{_t_=\"v\",instance=\"\"} 4 1\n");
}

class FederationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Config cfg;
    cfg.external_labels = Labels{{"cluster", "east"}};
    state_.ConfigLoaded(cfg, kNow);
    state_.set_ready(true);
    auto app = storage_.NewAppender();
    // Newest sample inside the 5m lookback.
    Append(*app, {{"__name__", "up"}, {"job", "api"}}, {{kNow - 600000, 0}, {kNow - 20000, 1}, {kNow - 5000, 1}});
    // Newest sample after `now` is not seen; the one before is.
    Append(*app, {{"__name__", "up"}, {"job", "db"}}, {{kNow - 1000, 0}, {kNow + 1000, 1}});
    // Last sample older than the lookback delta: gone.
    Append(*app, {{"__name__", "up"}, {"job", "old"}}, {{kNow - 300001, 1}});
    // Exactly at the lookback edge: kept.
    Append(*app, {{"__name__", "up"}, {"job", "edge"}}, {{kNow - 300000, 4}});
    // Ends in a stale marker: left out.
    Append(*app, {{"__name__", "up"}, {"job", "stale"}}, {{kNow - 9000, 1}, {kNow - 4000, storage::StaleNaN()}});
    // A stale marker followed by a real sample: the real one.
    Append(*app, {{"__name__", "up"}, {"job", "back"}}, {{kNow - 9000, storage::StaleNaN()}, {kNow - 4000, 2}});
    Append(*app, {{"__name__", "a_first"}, {"job", "api"}}, {{kNow - 100, 3}});
    Append(*app, {{"__name__", "z_last"}, {"job", "api"}, {"cluster", "own"}}, {{kNow - 100, 5}});
    ASSERT_TRUE(app->Commit().ok());
  }
  void Append(storage::Appender& app, Labels ls, std::vector<storage::Sample> samples) {
    for (const auto& s : samples) ASSERT_TRUE(app.Append(0, ls, s.t_ms, s.v).ok());
  }
  FederationDeps Deps(storage::Queryable* q) {
    FederationDeps d;
    d.queryable = q;
    d.clock = &clock_;
    d.state = &state_;
    d.parse_selector = promql::parser::ParseMetricSelector;
    return d;
  }
  static http::HttpRequest Get(std::string query) {
    http::HttpRequest r;
    r.method = "GET";
    r.path = "/federate";
    r.query = std::move(query);
    return r;
  }

  ManualClock clock_{kNow};
  ServerState state_{kNow, {}};
  storage::MemoryStorage storage_;
};

TEST_F(FederationTest, NewestSampleOfEachSeriesInTheLookback) {
  Federation fed(Deps(&storage_));
  http::HttpResponse r = fed.Handle(Get("match[]=up"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(r.body,
            "# TYPE up untyped\n"
            "up{job=\"api\",cluster=\"east\",instance=\"\"} 1 1699999995000\n"
            "up{job=\"back\",cluster=\"east\",instance=\"\"} 2 1699999996000\n"
            "up{job=\"db\",cluster=\"east\",instance=\"\"} 0 1699999999000\n"
            "up{job=\"edge\",cluster=\"east\",instance=\"\"} 4 1699999700000\n");
}

TEST_F(FederationTest, SeveralSelectorsUnionedOncePerSeriesGroupedByName) {
  Federation fed(Deps(&storage_));
  http::HttpResponse r = fed.Handle(Get("match[]=%7Bjob%3D%22api%22%7D&match[]=up%7Bjob%3D~%22a.*%22%7D"
                                        "&match[]=z_last"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body,
            "# TYPE a_first untyped\n"
            "a_first{job=\"api\",cluster=\"east\",instance=\"\"} 3 1699999999900\n"
            "# TYPE up untyped\n"
            "up{job=\"api\",cluster=\"east\",instance=\"\"} 1 1699999995000\n"
            "# TYPE z_last untyped\n"
            "z_last{cluster=\"own\",job=\"api\",instance=\"\"} 5 1699999999900\n");
}

TEST_F(FederationTest, LookbackDeltaFollowsTheFlag) {
  FederationDeps d = Deps(&storage_);
  d.lookback_delta_ms = 10000;
  Federation fed(std::move(d));
  auto got = fed.Collect({*promql::parser::ParseMetricSelector("up")}, kNow);
  ASSERT_TRUE(got.ok());
  std::vector<std::string> jobs;
  for (const auto& s : *got) jobs.emplace_back(s.labels.Get("job"));
  EXPECT_EQ(jobs, (std::vector<std::string>{"api", "back", "db"}));
}

TEST_F(FederationTest, NoSelectorOrAnEmptyOneAnswersNothing) {
  Federation fed(Deps(&storage_));
  http::HttpResponse r = fed.Handle(Get(""));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "");
  // A matcher list that is empty selects nothing, as in Prometheus' TSDB;
  // one whose matchers all match "" selects every series.
  auto none = fed.Collect({storage::Matchers{}}, kNow);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  r = fed.Handle(Get("match[]=%7Bx%3D%22%22%7D"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.body.find("a_first{"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("z_last{"), std::string::npos) << r.body;
}

TEST_F(FederationTest, BadSelectorIs400WithTheParserMessage) {
  Federation fed(Deps(&storage_));
  http::HttpResponse r = fed.Handle(Get("match[]=foo%7B"));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.content_type, "text/plain; charset=utf-8");
  EXPECT_EQ(r.body, "1:5: parse error: unexpected end of input inside braces\n");
  EXPECT_EQ(fed.errors_total(), 0u);  // upstream counts storage failures only
}

TEST_F(FederationTest, NotReadyIs503) {
  state_.set_ready(false);
  Federation fed(Deps(&storage_));
  EXPECT_EQ(fed.Handle(Get("match[]=up")).status, 503);
}

TEST_F(FederationTest, PostedFormIsRead) {
  Federation fed(Deps(&storage_));
  http::HttpRequest r = Get("");
  r.method = "POST";
  r.headers.emplace_back("content-type", "application/x-www-form-urlencoded");
  r.body = "match[]=a_first";
  http::HttpResponse res = fed.Handle(r);
  ASSERT_EQ(res.status, 200);
  EXPECT_EQ(res.body, "# TYPE a_first untyped\na_first{job=\"api\",cluster=\"east\",instance=\"\"} 3 1699999999900\n");
}

// Storage that fails or warns, for the two counters.
class FaultyQueryable final : public storage::Queryable {
 public:
  explicit FaultyQueryable(bool fail_open) : fail_open_(fail_open) {}
  Result<std::unique_ptr<storage::Querier>> NewQuerier(int64_t, int64_t) override {
    if (fail_open_) return Status::IOError("disk on fire");
    return std::unique_ptr<storage::Querier>(new WarningQuerier());
  }

 private:
  class WarningSet final : public storage::SeriesSet {
   public:
    bool Next() override { return false; }
    const storage::Series& At() const override { std::abort(); }
    Status status() const override { return Status::OK(); }
    std::vector<std::string> Warnings() const override { return {"remote a down", "remote b down"}; }
  };
  class WarningQuerier final : public storage::Querier {
   public:
    std::unique_ptr<storage::SeriesSet> Select(const storage::SelectHints&, const storage::Matchers&) override {
      return std::make_unique<WarningSet>();
    }
    Result<std::vector<std::string>> LabelValues(const std::string&, const storage::Matchers&) override {
      return std::vector<std::string>{};
    }
    Result<std::vector<std::string>> LabelNames(const storage::Matchers&) override {
      return std::vector<std::string>{};
    }
  };
  bool fail_open_;
};

TEST_F(FederationTest, StorageErrorsAndWarningsAreCounted) {
  FaultyQueryable failing(true);
  Federation broken(Deps(&failing));
  http::HttpResponse r = broken.Handle(Get("match[]=up"));
  EXPECT_EQ(r.status, 500);
  EXPECT_NE(r.body.find("disk on fire"), std::string::npos) << r.body;
  EXPECT_EQ(broken.errors_total(), 1u);

  FaultyQueryable warning(false);
  Federation warned(Deps(&warning));
  r = warned.Handle(Get("match[]=up&match[]=down"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(warned.warnings_total(), 4u);
  EXPECT_EQ(warned.errors_total(), 0u);
}

class FederationServerTest : public testing::InProcessServer {};

TEST_F(FederationServerTest, RouteAndSelfMetrics) {
  auto app = storage_.NewAppender();
  Add(*app, {{"__name__", "up"}, {"job", "api"}}, clock_.NowMs() - 1000, 1);
  ASSERT_TRUE(app->Commit().ok());
  StartServer();
  auto r = Get("/federate?match[]=up");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.headers["content-type"], "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(r.body, "# TYPE up untyped\nup{job=\"api\",instance=\"\"} 1 1699999999000\n");
  r = PostForm("/federate", "match[]=up");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "# TYPE up untyped\nup{job=\"api\",instance=\"\"} 1 1699999999000\n");
  auto m = Get("/metrics");
  EXPECT_NE(m.body.find("# TYPE prometheus_web_federation_errors_total counter\n"
                        "prometheus_web_federation_errors_total 0\n"),
            std::string::npos);
  EXPECT_NE(m.body.find("prometheus_web_federation_warnings_total 0\n"), std::string::npos);
}

}  // namespace
}  // namespace cairn::server
