// The rule manager in the server: rule_files from prometheus.yml (globs
// relative to the config's directory), /api/v1/rules and /api/v1/alerts in
// Prometheus' shapes, reloads that refuse a bad rule file, rule self-metrics.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "tests/server/server_fixture.h"

namespace cairn::server {
namespace {

class ServerRulesTest : public testing::InProcessServer {
 protected:
  static constexpr int64_t kNow = 1700000000000;

  void SetUp() override {
    auto app = storage_.NewAppender();
    Add(*app, {{"__name__", "up"}, {"job", "api"}, {"instance", "a:1"}}, kNow, 1);
    ASSERT_TRUE(app->Commit().ok());
    StartServer({"--web.external-url=http://cairn.example:9090/"});
    std::filesystem::create_directories(dir_ / "rules");
    WriteRules(kRules);
    std::ofstream(config_path_) << "global:\n  evaluation_interval: 10s\nrule_files:\n  - rules/*.yml\n";
    Status st = server_->Reload();
    ASSERT_TRUE(st.ok()) << st.ToString();
    file_ = (dir_ / "rules" / "a.yml").string();
  }
  void WriteRules(const std::string& text) { std::ofstream((dir_ / "rules" / "a.yml").string()) << text; }

  // Waits (real time, the run loop re-reads the manual clock each second)
  // until `pred` holds.
  template <typename P>
  bool WaitFor(P pred) {
    for (int i = 0; i < 300 && !pred(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    return pred();
  }

  static constexpr const char* kRules = R"(
groups:
- name: g
  rules:
  - alert: Up
    expr: up == 1
    labels:
      severity: page
    annotations:
      summary: "{{ $labels.instance }} is up"
  - record: job:up:sum
    expr: sum by (job) (up)
)";
  std::string file_;
};

TEST_F(ServerRulesTest, RulesBeforeTheFirstEvaluation) {
  auto r = Get("/api/v1/rules");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body,
            R"j({"status":"success","data":{"groups":[{"name":"g","file":")j" + file_ +
                R"j(","rules":[)j"
                R"j({"state":"unknown","name":"Up","query":"up == 1","duration":0,"keepFiringFor":0,)j"
                R"j("labels":{"severity":"page"},"annotations":{"summary":"{{ $labels.instance }} is up"},)j"
                R"j("alerts":[],"health":"unknown","evaluationTime":0,"lastEvaluation":"0001-01-01T00:00:00Z",)j"
                R"j("type":"alerting"},)j"
                R"j({"name":"job:up:sum","query":"sum by (job) (up)","labels":{},"health":"unknown",)j"
                R"j("evaluationTime":0,"lastEvaluation":"0001-01-01T00:00:00Z","type":"recording"}],)j"
                R"j("interval":10,"limit":0,"evaluationTime":0,"lastEvaluation":"0001-01-01T00:00:00Z"}]}})j");
  EXPECT_EQ(Get("/api/v1/alerts").body, R"({"status":"success","data":{"alerts":[]}})");
}

TEST_F(ServerRulesTest, FiltersAndErrors) {
  auto rec = Get("/api/v1/rules?type=record");
  EXPECT_EQ(rec.body.find("\"Up\""), std::string::npos);
  EXPECT_NE(rec.body.find("job:up:sum"), std::string::npos);
  auto named = Get("/api/v1/rules?rule_name[]=Up&exclude_alerts=true");
  EXPECT_EQ(named.body.find("job:up:sum"), std::string::npos);
  EXPECT_NE(named.body.find(R"("alerts":null)"), std::string::npos);
  EXPECT_EQ(Get("/api/v1/rules?rule_group[]=other").body, R"({"status":"success","data":{"groups":[]}})");
  EXPECT_EQ(Get("/api/v1/rules?file[]=" + file_ + "&match[]={severity=\"page\"}").body.find("job:up:sum"),
            std::string::npos);
  auto bad = Get("/api/v1/rules?type=both");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.body,
            R"({"status":"error","errorType":"bad_data","error":"invalid parameter \"type\": not supported value \"both\""})");
  auto bad_ex = Get("/api/v1/rules?exclude_alerts=maybe");
  EXPECT_EQ(bad_ex.status, 400);
  EXPECT_NE(bad_ex.body.find(R"(strconv.ParseBool: parsing \"maybe\": invalid syntax)"), std::string::npos);
}

TEST_F(ServerRulesTest, EvaluatesOnScheduleAndServesAlerts) {
  clock_.Set(kNow + 25'000);
  ASSERT_TRUE(WaitFor([&] { return Get("/api/v1/alerts").body.find("firing") != std::string::npos; }));
  auto a = Get("/api/v1/alerts");
  EXPECT_NE(a.body.find(R"({"labels":{"alertname":"Up","instance":"a:1","job":"api","severity":"page"},)"
                        R"("annotations":{"summary":"a:1 is up"},"state":"firing","activeAt":")"),
            std::string::npos)
      << a.body;
  EXPECT_NE(a.body.find(R"("value":"1e+00"})"), std::string::npos) << a.body;
  auto rules = Get("/api/v1/rules");
  EXPECT_NE(rules.body.find(R"("state":"firing")"), std::string::npos);
  EXPECT_NE(rules.body.find(R"("health":"ok")"), std::string::npos);
  auto m = Get("/metrics");
  EXPECT_NE(m.body.find("prometheus_rule_group_rules{rule_group=\"" + file_ + ";g\"} 2"), std::string::npos);
  EXPECT_NE(m.body.find("prometheus_rule_evaluations_total{rule_group=\"" + file_ + ";g\"}"), std::string::npos);
  EXPECT_NE(m.body.find("# TYPE prometheus_rule_group_iterations_missed_total counter"), std::string::npos);
}

TEST_F(ServerRulesTest, BadRuleFileRefusesTheReload) {
  WriteRules("groups:\n- name: g\n  rules:\n  - record: 'x{'\n    expr: up\n");
  Status st = server_->Reload();
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.message(), "error loading rules, previous rule set restored: " + file_ +
                              ": 4:13: group \"g\", rule 1, \"x{\": braces present in the recording rule name; "
                              "should it be in expr?: x{");
  EXPECT_NE(Get("/api/v1/rules").body.find("job:up:sum"), std::string::npos) << "the old rules stay";
  WriteRules("groups: []\n");
  ASSERT_TRUE(server_->Reload().ok());
  EXPECT_EQ(Get("/api/v1/rules").body, R"({"status":"success","data":{"groups":[]}})");
}

}  // namespace
}  // namespace cairn::server
