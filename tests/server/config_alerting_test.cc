// prometheus.yml's `alerting` section: defaults, what each key sets, and
// Prometheus' messages for what it refuses.
#include "server/config_alerting.h"

#include <gtest/gtest.h>

#include "notifier/alertmanager_discovery.h"
#include "server/config.h"

namespace cairn::server {
namespace {

Result<notifier::AlertingConfig> Parse(const std::string& yaml, std::string_view base_dir = "") {
  auto cfg = ParseConfig(yaml, base_dir);
  if (!cfg.ok()) return cfg.status();
  return cfg->alerting;
}

TEST(ConfigAlertingTest, AbsentIsNoAlertmanagers) {
  auto a = Parse("global:\n  scrape_interval: 15s\n");
  ASSERT_TRUE(a.ok());
  EXPECT_TRUE(a->alertmanagers.empty());
  EXPECT_TRUE(a->alert_relabel.empty());
}

TEST(ConfigAlertingTest, DefaultsAndEveryKey) {
  auto a = Parse(R"(
alerting:
  alert_relabel_configs:
    - action: labeldrop
      regex: replica
  alertmanagers:
    - static_configs:
        - targets: ["am1:9093", "am2:9093"]
    - scheme: https
      path_prefix: /am
      timeout: 3s
      api_version: v2
      basic_auth: {username: u, password: p}
      follow_redirects: false
      file_sd_configs:
        - files: [ams.json]
      relabel_configs:
        - source_labels: [__address__]
          regex: "(.*):80"
          target_label: __address__
          replacement: "$1:9093"
      alert_relabel_configs:
        - target_label: via
          replacement: second
)", "/etc/cairn");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->alert_relabel.size(), 1u);
  ASSERT_EQ(a->alertmanagers.size(), 2u);
  const auto& first = *a->alertmanagers[0];
  EXPECT_EQ(first.scheme, "http");
  EXPECT_EQ(first.timeout_ms, 10000);
  EXPECT_EQ(first.api_version, "v2");
  EXPECT_EQ(first.path_prefix, "");
  ASSERT_EQ(first.discovery.static_groups.size(), 1u);
  EXPECT_EQ(first.discovery.static_groups[0].targets.size(), 2u);
  EXPECT_TRUE(first.http.follow_redirects);
  const auto& second = *a->alertmanagers[1];
  EXPECT_EQ(second.scheme, "https");
  EXPECT_EQ(second.path_prefix, "/am");
  EXPECT_EQ(second.timeout_ms, 3000);
  ASSERT_TRUE(second.http.basic_auth.has_value());
  EXPECT_EQ(second.http.basic_auth->username, "u");
  EXPECT_FALSE(second.http.follow_redirects);
  ASSERT_EQ(second.discovery.file.size(), 1u);
  EXPECT_EQ(second.discovery.file[0].files, std::vector<std::string>{"/etc/cairn/ams.json"});
  EXPECT_EQ(second.relabel.size(), 1u);
  EXPECT_EQ(second.alert_relabel.size(), 1u);
  EXPECT_NE(first.fingerprint, second.fingerprint);
  EXPECT_EQ(notifier::PostPath(second.path_prefix, second.api_version), "/am/api/v2/alerts");
}

TEST(ConfigAlertingTest, RefusesWhatPrometheusRefuses) {
  struct Case {
    std::string yaml;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"alerting:\n  alertmanagers:\n    - api_version: v1\n",
       "expected Alertmanager api version to be one of [v2] but got v1"},
      {"alerting:\n  alertmanagers:\n    - static_configs:\n        - targets: [\"http://am:9093\"]\n",
       "\"http://am:9093\" is not a valid hostname"},
      {"alerting:\n  alertmanagers:\n    - timeout: 5x\n", "unknown unit \"x\" in duration \"5x\""},
      {"alerting:\n  alertmanagers:\n    - scheme: http\n      colour: blue\n",
       "field colour not found in type config.AlertmanagerConfig"},
      {"alerting:\n  alertmanager: []\n", "field alertmanager not found in type config.AlertingConfig"},
      {"alerting:\n  alert_relabel_configs:\n    -\n", "empty or null alert relabeling rule"},
      {"alerting:\n  alertmanagers:\n    - relabel_configs:\n        -\n",
       "empty or null Alertmanager target relabeling rule"},
      {"alerting:\n  alertmanagers:\n    - alert_relabel_configs:\n        -\n",
       "empty or null Alertmanager alert relabeling rule"},
      {"alerting:\n  alertmanagers:\n    - basic_auth: {username: u}\n      authorization: {credentials: t}\n",
       "at most one of basic_auth"},
  };
  for (const auto& c : cases) {
    auto a = Parse(c.yaml);
    ASSERT_FALSE(a.ok()) << c.yaml;
    EXPECT_NE(a.status().message().find(c.message), std::string::npos)
        << "config:\n" << c.yaml << "error: " << a.status().message();
  }
}

TEST(ConfigAlertingTest, AUrlTargetPassesWhenRelabelingMayFixIt) {
  auto a = Parse(R"yaml(
alerting:
  alertmanagers:
    - static_configs:
        - targets: ["http://am:9093"]
      relabel_configs:
        - source_labels: [__address__]
          regex: "http://(.*)"
          target_label: __address__
)yaml");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
}

}  // namespace
}  // namespace cairn::server
