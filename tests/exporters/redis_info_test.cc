#include "exporters/redis/info.h"

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "exporters/redis/redis_address.h"

namespace cairn::exporters::redis {
namespace {

using prometheus::MetricFamily;
using prometheus::MetricType;

std::string ReadTestdata(const std::string& name) {
  std::ifstream in(std::string(CAIRN_EXPORTERS_TESTDATA) + "/" + name, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

const MetricFamily* Find(const std::vector<MetricFamily>& fs, const std::string& name) {
  for (const MetricFamily& f : fs) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

const prometheus::ClientMetric* Sample(const std::vector<MetricFamily>& fs, const std::string& name,
                                       const std::string& label = "", const std::string& value = "") {
  const MetricFamily* f = Find(fs, name);
  if (f == nullptr) return nullptr;
  for (const auto& m : f->metric) {
    if (label.empty()) return &m;
    for (const auto& l : m.label) {
      if (l.name == label && l.value == value) return &m;
    }
  }
  return nullptr;
}

class RedisInfoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    info_ = ParseInfo(ReadTestdata("redis_7_0_info_all.txt"));
    FamilySet set;
    InfoToFamilies(info_, 16, 1796647439.7, &set);
    families_ = set.Take();
  }
  std::vector<InfoField> info_;
  std::vector<MetricFamily> families_;
};

TEST_F(RedisInfoTest, ParsesSectionsAndTrimsCarriageReturns) {
  ASSERT_FALSE(info_.empty());
  EXPECT_EQ(info_[0].section, "Server");
  EXPECT_EQ(info_[0].key, "redis_version");
  EXPECT_EQ(info_[0].value, "7.0.15");
  bool saw_keyspace = false;
  for (const InfoField& f : info_) {
    EXPECT_EQ(f.value.find('\r'), std::string::npos);
    if (f.section == "Keyspace" && f.key == "db0") saw_keyspace = true;
  }
  EXPECT_TRUE(saw_keyspace);
}

TEST_F(RedisInfoTest, MapsFieldsToUpstreamNamesAndTypes) {
  const MetricFamily* mem = Find(families_, "redis_memory_used_bytes");
  ASSERT_NE(mem, nullptr);
  EXPECT_EQ(mem->type, MetricType::Gauge);
  EXPECT_EQ(mem->metric[0].gauge.value, 1163488);
  const MetricFamily* processed = Find(families_, "redis_commands_processed_total");
  ASSERT_NE(processed, nullptr);
  EXPECT_EQ(processed->type, MetricType::Counter);
  EXPECT_EQ(processed->metric[0].counter.value, 13);
  for (const char* name : {"redis_connected_clients", "redis_memory_max_bytes", "redis_keyspace_hits_total",
                           "redis_keyspace_misses_total", "redis_connected_slaves", "redis_uptime_in_seconds",
                           "redis_cluster_enabled", "redis_latest_fork_seconds", "redis_rdb_last_bgsave_status"}) {
    EXPECT_NE(Find(families_, name), nullptr) << name;
  }
  EXPECT_EQ(Find(families_, "redis_latest_fork_usec"), nullptr);
  EXPECT_EQ(Find(families_, "redis_redis_version"), nullptr);  // not a mapped field
  EXPECT_EQ(Sample(families_, "redis_rdb_last_bgsave_status")->gauge.value, 1);  // "ok"
  EXPECT_EQ(Sample(families_, "redis_start_time_seconds")->gauge.value, 1796647439 - 1246);
}

TEST_F(RedisInfoTest, CommandStatsAndLatencySummaries) {
  const auto* calls = Sample(families_, "redis_commands_total", "cmd", "set");
  ASSERT_NE(calls, nullptr);
  EXPECT_EQ(calls->counter.value, 2);
  EXPECT_DOUBLE_EQ(Sample(families_, "redis_commands_duration_seconds_total", "cmd", "set")->counter.value, 754e-6);
  EXPECT_NE(Sample(families_, "redis_commands_failed_calls_total", "cmd", "get"), nullptr);
  const MetricFamily* latency = Find(families_, "redis_latency_percentiles_usec");
  ASSERT_NE(latency, nullptr);
  EXPECT_EQ(latency->type, MetricType::Summary);
  const auto* get = Sample(families_, "redis_latency_percentiles_usec", "cmd", "get");
  ASSERT_NE(get, nullptr);
  EXPECT_EQ(get->summary.sample_count, 2u);
  EXPECT_EQ(get->summary.sample_sum, 11);
  ASSERT_EQ(get->summary.quantile.size(), 3u);
  EXPECT_EQ(get->summary.quantile[2].quantile, 99.9);
  EXPECT_EQ(get->summary.quantile[2].value, 7.007);
  EXPECT_EQ(Sample(families_, "redis_errors_total", "err", "ERR")->counter.value, 1);
}

TEST_F(RedisInfoTest, KeyspaceWithZeroesForUnlistedDatabases) {
  EXPECT_EQ(Sample(families_, "redis_db_keys", "db", "db0")->gauge.value, 2);
  EXPECT_EQ(Sample(families_, "redis_db_keys_expiring", "db", "db0")->gauge.value, 1);
  EXPECT_DOUBLE_EQ(Sample(families_, "redis_db_avg_ttl_seconds", "db", "db0")->gauge.value, 99.848);
  EXPECT_EQ(Sample(families_, "redis_db_keys", "db", "db3")->gauge.value, 1);
  EXPECT_EQ(Sample(families_, "redis_db_keys", "db", "db15")->gauge.value, 0);
  EXPECT_EQ(Find(families_, "redis_db_keys")->metric.size(), 16u);
  EXPECT_EQ(Sample(families_, "redis_db_avg_ttl_seconds", "db", "db15"), nullptr);
}

TEST_F(RedisInfoTest, InstanceInfo) {
  const auto* info = Sample(families_, "redis_instance_info");
  ASSERT_NE(info, nullptr);
  std::map<std::string, std::string> labels;
  for (const auto& l : info->label) labels[l.name] = l.value;
  EXPECT_EQ(labels["role"], "master");
  EXPECT_EQ(labels["redis_version"], "7.0.15");
  EXPECT_EQ(labels["os"], "Linux 6.1.0 x86_64");
  EXPECT_EQ(labels["tcp_port"], "56379");
  EXPECT_EQ(labels["maxmemory_policy"], "noeviction");
  EXPECT_EQ(labels.size(), 9u);
  EXPECT_EQ(Find(families_, "redis_slave_info"), nullptr);
}

TEST(RedisInfo, ReplicaAndConnectedSlaves) {
  std::string text =
      "# Replication\r\nrole:slave\r\nmaster_host:10.0.0.1\r\nmaster_port:6380\r\nmaster_link_status:up\r\n"
      "master_last_io_seconds_ago:3\r\nmaster_sync_in_progress:0\r\nslave_repl_offset:1234\r\n"
      "slave_read_only:1\r\nslave0:ip=10.0.0.2,port=6379,state=online,offset=99,lag=1\r\n"
      "slave1:ip=10.0.0.3,port=6379,state=wait_bgsave,offset=0\r\nconnected_slaves:2\r\n";
  FamilySet set;
  InfoToFamilies(ParseInfo(text), 0, 0, &set);
  std::vector<MetricFamily> fs = set.Take();
  const auto* link = Sample(fs, "redis_master_link_up", "master_host", "10.0.0.1");
  ASSERT_NE(link, nullptr);
  EXPECT_EQ(link->gauge.value, 1);
  EXPECT_EQ(Sample(fs, "redis_master_last_io_seconds_ago")->gauge.value, 3);
  EXPECT_EQ(Sample(fs, "redis_slave_repl_offset")->gauge.value, 1234);
  EXPECT_EQ(Sample(fs, "redis_connected_slave_offset_bytes", "slave_ip", "10.0.0.2")->gauge.value, 99);
  EXPECT_EQ(Sample(fs, "redis_connected_slave_lag_seconds", "slave_ip", "10.0.0.2")->gauge.value, 1);
  EXPECT_EQ(Sample(fs, "redis_connected_slave_lag_seconds", "slave_ip", "10.0.0.3"), nullptr);  // no lag field
  EXPECT_EQ(Sample(fs, "redis_connected_slaves")->gauge.value, 2);
  const auto* slave_info = Sample(fs, "redis_slave_info", "read_only", "1");
  ASSERT_NE(slave_info, nullptr);
}

TEST(RedisInfo, OldCommandStatsFormatAndOddValues) {
  std::string text =
      "# Commandstats\ncmdstat_get:calls=21,usec=175,usec_per_call=8.33\ncmdstat_bad:calls=x\n"
      "# Stats\nkeyspace_hits:notanumber\n# Keyspace\ndb0:keys=1\n";
  FamilySet set;
  InfoToFamilies(ParseInfo(text), 1, 0, &set);
  std::vector<MetricFamily> fs = set.Take();
  EXPECT_EQ(Sample(fs, "redis_commands_total", "cmd", "get")->counter.value, 21);
  EXPECT_EQ(Find(fs, "redis_commands_rejected_calls_total"), nullptr);
  EXPECT_EQ(Sample(fs, "redis_commands_total", "cmd", "bad"), nullptr);
  EXPECT_EQ(Sample(fs, "redis_keyspace_hits_total")->counter.value, 0);  // upstream registers 0
  // A malformed keyspace line is passed through under its own name, as upstream does.
  EXPECT_NE(Find(fs, "redis_db0"), nullptr);
  EXPECT_EQ(Sample(fs, "redis_db_keys", "db", "db0")->gauge.value, 0);
}

TEST(RedisInfo, LatencyWithoutCommandStatsHasNoSummary) {
  std::string text = "# Commandstats\ncmdstat_get:calls=1,usec=2,usec_per_call=2.00\n# Latencystats\n"
                     "latency_percentiles_usec_get:p50=2.001\nlatency_percentiles_usec_set:p50=1.003\n";
  FamilySet set;
  InfoToFamilies(ParseInfo(text), 0, 0, &set);
  std::vector<MetricFamily> fs = set.Take();
  EXPECT_NE(Sample(fs, "redis_latency_percentiles_usec", "cmd", "get"), nullptr);
  EXPECT_EQ(Sample(fs, "redis_latency_percentiles_usec", "cmd", "set"), nullptr);
}

TEST(RedisInfo, ConfigAndClusterInfo) {
  FamilySet set;
  int dbs = ConfigToFamilies({"databases", "32", "maxmemory", "1048576", "io-threads", "4", "maxclients", "100",
                              "appendonly", "no"},
                             &set);
  EXPECT_EQ(dbs, 32);
  ClusterInfoToFamilies("cluster_state:ok\r\ncluster_slots_assigned:16384\r\ncluster_stats_messages_sent:10\r\n",
                        &set);
  std::vector<MetricFamily> fs = set.Take();
  EXPECT_EQ(Sample(fs, "redis_config_maxmemory")->gauge.value, 1048576);
  EXPECT_EQ(Sample(fs, "redis_config_io_threads")->gauge.value, 4);
  EXPECT_EQ(Sample(fs, "redis_config_maxclients")->gauge.value, 100);
  EXPECT_EQ(Find(fs, "redis_config_appendonly"), nullptr);
  EXPECT_EQ(Sample(fs, "redis_cluster_state")->gauge.value, 1);
  EXPECT_EQ(Sample(fs, "redis_cluster_slots_assigned")->gauge.value, 16384);
  EXPECT_EQ(Sample(fs, "redis_cluster_messages_sent_total")->gauge.value, 10);
  FamilySet none;
  EXPECT_EQ(ConfigToFamilies({"databases", "many"}, &none), 0);
}

TEST(RedisInfo, Keyspace) {
  KeyspaceStats ks;
  ASSERT_TRUE(ParseKeyspace("keys=10,expires=2,avg_ttl=1500,cached_keys=3", &ks));
  EXPECT_EQ(ks.keys, 10);
  EXPECT_EQ(ks.avg_ttl_s, 1.5);
  EXPECT_EQ(ks.cached_keys, 3);
  EXPECT_FALSE(ParseKeyspace("keys=10", &ks));
  EXPECT_FALSE(ParseKeyspace("keys=a,expires=1", &ks));
  EXPECT_FALSE(ParseKeyspace("a=1,b=2,c=3,d=4,e=5", &ks));
}

TEST(RedisAddress, Forms) {
  Result<RedisAddress> a = ParseRedisAddress("redis://user:pw@cache.example:6380/2");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->host, "cache.example");
  EXPECT_EQ(a->port, 6380);
  EXPECT_EQ(a->user, "user");
  EXPECT_EQ(a->password, "pw");
  EXPECT_EQ(a->db, 2);
  a = ParseRedisAddress("127.0.0.1:7000");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 7000);
  a = ParseRedisAddress("redis://localhost");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->port, 6379);
  a = ParseRedisAddress("unix:///run/redis.sock");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->unix_path, "/run/redis.sock");
  EXPECT_FALSE(ParseRedisAddress("rediss://h:1").ok());
  EXPECT_FALSE(ParseRedisAddress("redis://h:99999").ok());
  EXPECT_FALSE(ParseRedisAddress("http://h:1").ok());
  EXPECT_EQ(RedactRedisAddress("redis://u:secret@h:1"), "redis://u:xxxxx@h:1");
  EXPECT_EQ(RedactRedisAddress("redis://h:1"), "redis://h:1");
}

}  // namespace
}  // namespace cairn::exporters::redis
