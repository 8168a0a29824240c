#include "server/config.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace cairn::server {
namespace {

TEST(ConfigTest, EmptyFileGivesDefaults) {
  auto c = ParseConfig("");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->scrape_interval_ms, 60000);
  EXPECT_EQ(c->evaluation_interval_ms, 60000);
  EXPECT_TRUE(c->external_labels.empty());
  EXPECT_FALSE(c->retention_time_ms.has_value());
}

TEST(ConfigTest, ReadsGlobalAndRetention) {
  setenv("CAIRN_TEST_REGION", "eu-1", 1);
  auto c = ParseConfig(R"(
global:
  scrape_interval: 15s
  evaluation_interval: 30s
  external_labels:
    region: ${CAIRN_TEST_REGION}
    cluster: c$$1
storage:
  tsdb:
    retention:
      time: 30d
      size: 1GB
scrape_configs:
  - job_name: cairn
    static_configs:
      - targets: ["localhost:9090"]
)");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->scrape_interval_ms, 15000);
  EXPECT_EQ(c->scrape_timeout_ms, 10000);
  EXPECT_EQ(c->evaluation_interval_ms, 30000);
  EXPECT_EQ(c->external_labels, (storage::Labels{{"cluster", "c$1"}, {"region", "eu-1"}}));
  EXPECT_EQ(c->retention_time_ms, 30LL * 86400000);
  EXPECT_EQ(c->retention_size_bytes, 1LL << 30);
  EXPECT_NE(c->yaml.find("job_name: cairn"), std::string::npos);
}

TEST(ConfigTest, RejectsUnknownKeysAndBadValues) {
  auto unknown = ParseConfig("globall:\n  scrape_interval: 1m\n");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("globall"), std::string::npos);
  EXPECT_FALSE(ParseConfig("global:\n  scrape_interval: soon\n").ok());
  EXPECT_FALSE(ParseConfig("global:\n  scrape_interval: 5s\n  scrape_timeout: 10s\n").ok());
  auto syntax = ParseConfig("global: [unclosed\n");
  ASSERT_FALSE(syntax.ok());
  EXPECT_NE(syntax.status().message().find("line"), std::string::npos);
  EXPECT_FALSE(ParseConfig("- just\n- a list\n").ok());
}

TEST(ConfigTest, MissingFileIsIOError) {
  auto c = LoadConfigFile("/nonexistent/prometheus.yml");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kIOError);
}

TEST(ConfigTest, ScrapeConfigsTakeGlobalDefaults) {
  EXPECT_FALSE(ParseConfig("global:\n  scrape_interval: 15s\n  scrape_timeout: 20s\n").ok());
  auto c = ParseConfig(R"(
global:
  scrape_interval: 15s
  sample_limit: 500
scrape_configs:
  - job_name: node
    scrape_interval: 30s
    static_configs:
      - targets: [localhost:9100]
    file_sd_configs:
      - files: [targets/*.yml, /abs/x.json]
  - job_name: api
    scrape_interval: 5s
    metrics_path: /m
    honor_labels: true
    sample_limit: 7
)",
                       "/etc/cairn");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_EQ(c->scrape_configs.size(), 2u);
  const scrape::ScrapeConfig& node = *c->scrape_configs[0];
  EXPECT_EQ(node.target.job_name, "node");
  EXPECT_EQ(node.target.scrape_interval_ms, 30000);
  EXPECT_EQ(node.target.scrape_timeout_ms, 10000);
  EXPECT_EQ(node.target.metrics_path, "/metrics");
  EXPECT_EQ(node.samples.sample_limit, 500u);
  ASSERT_EQ(node.discovery.file.size(), 1u);
  EXPECT_EQ(node.discovery.file[0].files,
            (std::vector<std::string>{"/etc/cairn/targets/*.yml", "/abs/x.json"}));
  const scrape::ScrapeConfig& api = *c->scrape_configs[1];
  EXPECT_EQ(api.target.scrape_timeout_ms, 5000);  // the global 10s, capped by the job's interval
  EXPECT_EQ(api.target.metrics_path, "/m");
  EXPECT_TRUE(api.samples.honor_labels);
  EXPECT_EQ(api.samples.sample_limit, 7u);
}

TEST(ConfigTest, KubernetesSdConfigsReachDiscovery) {
  auto c = ParseConfig(R"(
scrape_configs:
  - job_name: pods
    kubernetes_sd_configs:
      - role: pod
        kubeconfig_file: kube/config
        namespaces: {names: [monitoring]}
    relabel_configs:
      - source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_scrape]
        action: keep
        regex: "true"
)",
                       "/etc/cairn");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  const auto& k8s = c->scrape_configs[0]->discovery.kubernetes;
  ASSERT_EQ(k8s.size(), 1u);
  EXPECT_EQ(k8s[0].kubeconfig_file, "/etc/cairn/kube/config");
  EXPECT_EQ(k8s[0].namespaces, (std::vector<std::string>{"monitoring"}));
  auto bad = ParseConfig("scrape_configs:\n  - job_name: x\n    kubernetes_sd_configs: [{role: pods}]\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("unknown Kubernetes SD role \"pods\""), std::string::npos)
      << bad.status().message();
}

TEST(ConfigTest, ScrapeConfigErrors) {
  auto dup = ParseConfig("scrape_configs:\n  - job_name: a\n  - job_name: a\n");
  EXPECT_EQ(dup.status().message(), "found multiple scrape configs with job name \"a\"");
  auto timeout = ParseConfig("scrape_configs:\n  - job_name: a\n    scrape_interval: 5s\n    scrape_timeout: 6s\n");
  EXPECT_NE(timeout.status().message().find(
                "scrape timeout greater than scrape interval for scrape config with job name \"a\""),
            std::string::npos)
      << timeout.status().ToString();
  auto unknown = ParseConfig("scrape_configs:\n  - job_name: a\n    scrape_intervall: 5s\n");
  EXPECT_NE(unknown.status().message().find("field scrape_intervall not found"), std::string::npos);
  auto empty = ParseConfig("scrape_configs:\n  - metrics_path: /x\n");
  EXPECT_NE(empty.status().message().find("job_name is empty"), std::string::npos);
}

TEST(ConfigTest, AgentModeRefusesAlertingRulesAndRemoteRead) {
  auto ok = ParseConfig("scrape_configs:\n  - job_name: a\nremote_write:\n  - url: http://x/api/v1/write\n");
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_TRUE(CheckAgentConfig(*ok).ok());
  auto rules = ParseConfig("rule_files: ['r.yml']\n");
  ASSERT_TRUE(rules.ok());
  EXPECT_EQ(CheckAgentConfig(*rules).message(), "field rule_files is not allowed in agent mode");
  auto read = ParseConfig("remote_read:\n  - url: http://x/api/v1/read\n");
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(CheckAgentConfig(*read).message(), "field remote_read is not allowed in agent mode");
  auto alerting = ParseConfig("alerting:\n  alertmanagers:\n    - static_configs:\n        - targets: ['am:9093']\n");
  ASSERT_TRUE(alerting.ok()) << alerting.status().ToString();
  EXPECT_EQ(CheckAgentConfig(*alerting).message(), "field alerting is not allowed in agent mode");
}

}  // namespace
}  // namespace cairn::server
