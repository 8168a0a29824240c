#include "server/flags.h"

#include <gtest/gtest.h>

namespace cairn::server {
namespace {

TEST(FlagsTest, DefaultsMatchPrometheus) {
  auto r = ParseFlags({});
  ASSERT_TRUE(r.ok());
  const ServerFlags& f = r->flags;
  EXPECT_EQ(f.config_file, "prometheus.yml");
  EXPECT_EQ(f.tsdb_path, "data/");
  EXPECT_EQ(f.retention_time_ms, 15LL * 86400000);
  EXPECT_EQ(f.listen_address, "0.0.0.0:9090");
  EXPECT_EQ(f.query_timeout_ms, 120000);
  EXPECT_EQ(f.lookback_delta_ms, 300000);
  EXPECT_EQ(f.query_max_samples, 50000000);
  EXPECT_EQ(f.query_max_concurrency, 20);
  EXPECT_EQ(f.values.at("query.max-concurrency"), "20");
  EXPECT_FALSE(f.enable_lifecycle);
  EXPECT_EQ(f.values.at("query.timeout"), "2m");
  EXPECT_EQ(f.values.at("web.listen-address"), "0.0.0.0:9090");
}

TEST(FlagsTest, ConnectionAndDiskLimits) {
  auto r = ParseFlags({});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->flags.web_max_connections, 512);  // Prometheus' default
  EXPECT_EQ(r->flags.web_read_timeout_ms, 300000);  // Prometheus' --web.read-timeout default
  EXPECT_EQ(r->flags.web_read_header_timeout_ms, 10000);
  EXPECT_EQ(r->flags.web_idle_timeout_ms, 300000);
  EXPECT_EQ(r->flags.min_free_disk_bytes, 64ll << 20);
  r = ParseFlags({"--web.max-connections=3", "--web.read-header-timeout=2s", "--web.read-timeout=1m",
                  "--web.idle-timeout=30s", "--storage.min-free-disk-space=0"});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->flags.web_max_connections, 3);
  EXPECT_EQ(r->flags.web_read_header_timeout_ms, 2000);
  EXPECT_EQ(r->flags.web_read_timeout_ms, 60000);
  EXPECT_EQ(r->flags.web_idle_timeout_ms, 30000);
  EXPECT_EQ(r->flags.min_free_disk_bytes, 0);
  EXPECT_FALSE(ParseFlags({"--web.max-connections=0"}).ok());
  EXPECT_FALSE(ParseFlags({"--web.read-header-timeout=0s"}).ok());
}

TEST(FlagsTest, EnableFeatureIsRepeatableAndCommaSeparated) {
  auto none = ParseFlags({});
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->flags.promql_delayed_name_removal);  // Prometheus' default
  auto r = ParseFlags({"--enable-feature=promql-experimental-functions,promql-delayed-name-removal",
                       "--enable-feature", "no-such-feature"});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->flags.promql_delayed_name_removal);
  EXPECT_EQ(r->flags.unknown_features, std::vector<std::string>{"no-such-feature"});
  EXPECT_EQ(r->flags.values.at("enable-feature"),
            "promql-experimental-functions,promql-delayed-name-removal,no-such-feature");
}

TEST(FlagsTest, EqualsAndSeparateValueForms) {
  auto r = ParseFlags({"--config.file=/etc/p.yml", "--storage.tsdb.path", "/var/data", "--web.enable-lifecycle",
                       "--query.timeout=30s", "--storage.tsdb.retention.time", "1y", "--grpc.listen-address=:9095",
                       "--no-web.enable-admin-api", "--web.enable-remote-write-receiver=true"});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const ServerFlags& f = r->flags;
  EXPECT_EQ(f.config_file, "/etc/p.yml");
  EXPECT_EQ(f.tsdb_path, "/var/data");
  EXPECT_TRUE(f.enable_lifecycle);
  EXPECT_FALSE(f.enable_admin_api);
  EXPECT_TRUE(f.enable_remote_write_receiver);
  EXPECT_EQ(f.query_timeout_ms, 30000);
  EXPECT_EQ(f.retention_time_ms, 365LL * 86400000);
  EXPECT_EQ(f.grpc_listen_address, ":9095");
  EXPECT_EQ(f.values.at("config.file"), "/etc/p.yml");
  EXPECT_EQ(f.values.at("web.enable-lifecycle"), "true");
}

TEST(FlagsTest, SizeOnlyDisablesTimeRetention) {
  auto r = ParseFlags({"--storage.tsdb.retention.size=10GB"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->flags.retention_size_bytes, 10LL << 30);
  EXPECT_EQ(r->flags.retention_time_ms, 0);
}

TEST(FlagsTest, HelpAndVersion) {
  EXPECT_EQ(ParseFlags({"--help"})->action, FlagsOutcome::Action::kHelp);
  EXPECT_EQ(ParseFlags({"--version"})->action, FlagsOutcome::Action::kVersion);
  EXPECT_NE(FlagsHelp().find("--storage.tsdb.retention.time"), std::string::npos);
}

TEST(FlagsTest, ErrorsNameTheFlag) {
  auto unknown = ParseFlags({"--web.listen-adress=:1"});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().message(), "unknown flag --web.listen-adress");
  auto missing = ParseFlags({"--config.file"});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("needs a value"), std::string::npos);
  EXPECT_FALSE(ParseFlags({"--query.timeout=fast"}).ok());
  EXPECT_FALSE(ParseFlags({"--storage.tsdb.retention.size=10"}).ok());
  EXPECT_FALSE(ParseFlags({"--web.enable-lifecycle=maybe"}).ok());
  EXPECT_FALSE(ParseFlags({"--log.level=loud"}).ok());
  EXPECT_FALSE(ParseFlags({"positional"}).ok());
  EXPECT_FALSE(ParseFlags({"--query.max-samples=-5"}).ok());
  EXPECT_FALSE(ParseFlags({"--storage.max-series=-1"}).ok());
  EXPECT_FALSE(ParseFlags({"--query.max-memory=lots"}).ok());
  EXPECT_FALSE(ParseFlags({"--query.max-concurrency=0"}).ok());
  auto two = ParseFlags({"--query.max-concurrency", "2"});
  ASSERT_TRUE(two.ok());
  EXPECT_EQ(two->flags.query_max_concurrency, 2);
}

TEST(FlagsTest, AgentModeAndItsFlags) {
  auto feature = ParseFlags({"--enable-feature=agent"});
  ASSERT_TRUE(feature.ok());
  EXPECT_TRUE(feature->flags.agent);
  EXPECT_EQ(feature->flags.values.at("agent"), "true");
  EXPECT_EQ(feature->flags.agent_path, "data-agent/");  // 2.42's default
  EXPECT_EQ(feature->flags.agent_truncate_frequency_ms, 2 * 3600000);
  EXPECT_EQ(feature->flags.remote_flush_deadline_ms, 60000);

  auto r = ParseFlags({"--agent", "--storage.agent.path=/a", "--storage.agent.retention.max-time=1h",
                       "--storage.tsdb.path=/d", "--query.timeout=1m", "--storage.remote.flush-deadline=10s",
                       "--storage.remote.max-wal-retention-size=1GB"});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->flags.agent);
  EXPECT_EQ(r->flags.agent_path, "/a");
  EXPECT_EQ(r->flags.agent_max_wal_time_ms, 3600000);
  EXPECT_EQ(r->flags.remote_flush_deadline_ms, 10000);
  // What main refuses in agent mode (2.42's serverOnlyFlag list); remote
  // write flags belong to both modes.
  EXPECT_EQ(r->flags.server_only_flags_set, (std::vector<std::string>{"--storage.tsdb.path", "--query.timeout"}));
  EXPECT_EQ(r->flags.agent_only_flags_set,
            (std::vector<std::string>{"--storage.agent.path", "--storage.agent.retention.max-time"}));
}

TEST(FlagsTest, IngestAndQueryLimits) {
  auto r = ParseFlags({"--storage.max-series=100000", "--storage.max-label-names-per-series=30",
                       "--storage.max-label-name-length=1024", "--storage.max-label-value-length=2048",
                       "--query.max-memory=512MB"});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const ServerFlags& f = r->flags;
  EXPECT_EQ(f.max_series, 100000);
  EXPECT_EQ(f.max_label_names_per_series, 30);
  EXPECT_EQ(f.max_label_name_length, 1024);
  EXPECT_EQ(f.max_label_value_length, 2048);
  EXPECT_EQ(f.query_max_memory_bytes, 512LL << 20);
  EXPECT_EQ(f.values.at("query.max-memory"), "512MB");
  // Off by default, and server-only (an agent refuses them as it refuses --query.*).
  auto d = ParseFlags({});
  EXPECT_EQ(d->flags.max_series, 0);
  EXPECT_EQ(d->flags.query_max_memory_bytes, 0);
  EXPECT_EQ(r->flags.server_only_flags_set.size(), 5u);
}

}  // namespace
}  // namespace cairn::server
