// prometheus.yml's `remote_write` section: Prometheus 2.42's defaults, what
// each key sets, and upstream's messages for what it refuses.
#include "server/config_remote_write.h"

#include <gtest/gtest.h>

#include "server/config.h"

namespace cairn::server {
namespace {

Result<std::vector<remote::RemoteWriteConfig>> Parse(const std::string& yaml) {
  auto cfg = ParseConfig(yaml);
  if (!cfg.ok()) return cfg.status();
  return cfg->remote_write;
}

std::string Error(const std::string& yaml) {
  auto r = Parse(yaml);
  return r.ok() ? "" : r.status().message();
}

TEST(ConfigRemoteWriteTest, AbsentIsNoQueues) {
  auto r = Parse("global:\n  scrape_interval: 15s\n");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
}

TEST(ConfigRemoteWriteTest, Defaults) {
  auto r = Parse("remote_write:\n  - url: http://cortex:9009/api/v1/push\n");
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), 1u);
  const auto& c = (*r)[0];
  EXPECT_EQ(c.url, "http://cortex:9009/api/v1/push");
  EXPECT_EQ(c.name, "");
  EXPECT_EQ(c.remote_timeout_ms, 30000);
  EXPECT_EQ(c.protobuf_message, remote::WireFormat::kV1);
  EXPECT_FALSE(c.send_exemplars);
  EXPECT_EQ(c.queue.capacity, 2500);
  EXPECT_EQ(c.queue.max_shards, 200);
  EXPECT_EQ(c.queue.min_shards, 1);
  EXPECT_EQ(c.queue.max_samples_per_send, 500);
  EXPECT_EQ(c.queue.batch_send_deadline_ms, 5000);
  EXPECT_EQ(c.queue.min_backoff_ms, 30);
  EXPECT_EQ(c.queue.max_backoff_ms, 5000);
  EXPECT_FALSE(c.queue.retry_on_http_429);
  EXPECT_EQ(c.queue.sample_age_limit_ms, 0);
  EXPECT_TRUE(c.metadata.send);
  EXPECT_EQ(c.metadata.send_interval_ms, 60000);
  EXPECT_TRUE(c.write_relabel.empty());
  EXPECT_EQ(remote::QueueName(c).size(), 6u);
}

TEST(ConfigRemoteWriteTest, EveryKey) {
  auto r = Parse(R"(
remote_write:
  - url: https://mimir:8080/api/v1/push
    name: mimir
    remote_timeout: 10s
    headers: {X-Scope-OrgID: team-a}
    send_exemplars: true
    protobuf_message: io.prometheus.write.v2.Request
    basic_auth: {username: u, password: p}
    tls_config: {insecure_skip_verify: true}
    write_relabel_configs:
      - source_labels: [__name__]
        regex: go_.*
        action: drop
    queue_config:
      capacity: 10000
      max_shards: 5
      min_shards: 2
      max_samples_per_send: 1000
      batch_send_deadline: 1s
      min_backoff: 100ms
      max_backoff: 10s
      retry_on_http_429: true
      sample_age_limit: 1h
    metadata_config: {send: false, send_interval: 30s}
)");
  ASSERT_TRUE(r.ok()) << r.status().message();
  const auto& c = (*r)[0];
  EXPECT_EQ(c.name, "mimir");
  EXPECT_EQ(remote::QueueName(c), "mimir");
  EXPECT_EQ(c.remote_timeout_ms, 10000);
  ASSERT_EQ(c.headers.size(), 1u);
  EXPECT_EQ(c.headers[0].first, "X-Scope-OrgID");
  EXPECT_EQ(c.headers[0].second, "team-a");
  EXPECT_TRUE(c.send_exemplars);
  EXPECT_EQ(c.protobuf_message, remote::WireFormat::kV2);
  ASSERT_TRUE(c.http.basic_auth.has_value());
  EXPECT_EQ(c.http.basic_auth->username, "u");
  EXPECT_TRUE(c.http.tls_config.insecure_skip_verify);
  EXPECT_EQ(c.write_relabel.size(), 1u);
  EXPECT_EQ(c.queue.capacity, 10000);
  EXPECT_EQ(c.queue.max_shards, 5);
  EXPECT_EQ(c.queue.min_shards, 2);
  EXPECT_EQ(c.queue.max_samples_per_send, 1000);
  EXPECT_EQ(c.queue.batch_send_deadline_ms, 1000);
  EXPECT_EQ(c.queue.min_backoff_ms, 100);
  EXPECT_EQ(c.queue.max_backoff_ms, 10000);
  EXPECT_TRUE(c.queue.retry_on_http_429);
  EXPECT_EQ(c.queue.sample_age_limit_ms, 3600000);
  EXPECT_FALSE(c.metadata.send);
  EXPECT_EQ(c.metadata.send_interval_ms, 30000);
}

TEST(ConfigRemoteWriteTest, UnnamedQueuesGetDistinctHashNames) {
  auto r = Parse("remote_write:\n  - url: http://a/push\n  - url: http://b/push\n");
  ASSERT_TRUE(r.ok());
  EXPECT_NE(remote::QueueName((*r)[0]), remote::QueueName((*r)[1]));
}

TEST(ConfigRemoteWriteTest, UpstreamMessages) {
  EXPECT_EQ(Error("remote_write:\n  - name: x\n"), "url for remote_write is empty");
  EXPECT_EQ(Error("remote_write:\n  - url: http://a\n    headers: {X-Prometheus-Remote-Write-Version: x}\n"),
            "X-Prometheus-Remote-Write-Version is a reserved header. It must not be changed");
  EXPECT_EQ(Error("remote_write:\n  - url: http://a\n    headers: {Authorization: x}\n"),
            "authorization header must be changed via the basic_auth, authorization, oauth2, or sigv4 parameter");
  EXPECT_EQ(Error("remote_write:\n  - url: http://a\n    name: queue1\n  - url: http://b\n    name: queue1\n"),
            "found multiple remote write configs with job name \"queue1\"");
  EXPECT_EQ(Error("remote_write:\n  - url: http://a\n    write_relabel_configs: [null]\n"),
            "empty or null relabeling rule in remote write config");
  EXPECT_EQ(Error("remote_write:\n  - url: http://a\n    protobuf_message: io.prometheus.writet.v2.Request\n"),
            "invalid protobuf_message value: unknown type for remote write protobuf message "
            "io.prometheus.writet.v2.Request, supported: prometheus.WriteRequest, io.prometheus.write.v2.Request");
  EXPECT_EQ(Error("remote_write:\n  - url: http://a\n    bogus: 1\n"), "line 3: field bogus not found in type config.plain");
  EXPECT_NE(Error("remote_write:\n  - url: http://a\n    queue_config: {min_shards: 0}\n"), "");
  EXPECT_NE(Error("remote_write:\n  - url: http://a\n    queue_config: {batch_send_deadline: soon}\n"), "");
}

}  // namespace
}  // namespace cairn::server
