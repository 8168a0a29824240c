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

}  // namespace
}  // namespace cairn::server
