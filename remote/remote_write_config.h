// RemoteWriteConfig: one `remote_write:` entry of prometheus.yml, with
// Prometheus' defaults (config/config.go: DefaultRemoteWriteConfig,
// DefaultQueueConfig, DefaultMetadataConfig). server/config_remote_write.cc
// reads the YAML into it; remote/queue_manager.h runs it.
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "ingest/relabel.h"
#include "scrape/http/http_config.h"

namespace cairn::remote {

// Which message a queue sends (protobuf_message).
enum class WireFormat { kV1, kV2 };  // prometheus.WriteRequest | io.prometheus.write.v2.Request

struct QueueConfig {
  int capacity = 2500;  // samples buffered per shard before the WAL reader blocks
  int max_shards = 200;
  int min_shards = 1;
  int max_samples_per_send = 500;
  int64_t batch_send_deadline_ms = 5000;
  int64_t min_backoff_ms = 30;
  int64_t max_backoff_ms = 5000;
  bool retry_on_http_429 = false;
  int64_t sample_age_limit_ms = 0;  // 0: samples are sent whatever their age
};

struct MetadataConfig {
  bool send = true;
  int64_t send_interval_ms = 60000;
  int max_samples_per_send = 500;
};

struct RemoteWriteConfig {
  std::string url;
  std::string name;  // as configured; "" gets a hash of the config (see QueueName)
  int64_t remote_timeout_ms = 30000;
  std::vector<std::pair<std::string, std::string>> headers;  // sorted by name
  std::vector<ingest::RelabelRule> write_relabel;
  scrape::http::HttpClientConfig http;
  WireFormat protobuf_message = WireFormat::kV1;
  bool send_exemplars = false;
  MetadataConfig metadata;
  QueueConfig queue;
  // The entry as YAML, hashed into the queue's name when `name` is empty
  // (Prometheus hashes the marshalled config the same way).
  std::string fingerprint;
};

// The remote_name label and checkpoint file stem of a queue: `name`, or the
// first 6 hex digits of a hash of the entry, as upstream names unnamed queues.
std::string QueueName(const RemoteWriteConfig& cfg);

}  // namespace cairn::remote
