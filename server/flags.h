// Command-line flags of `cairn`, named as Prometheus names them (COMPAT.md §6)
// and parsed by hand: `--flag=value` and `--flag value` both work; boolean
// flags take no separate value (`--web.enable-lifecycle`,
// `--web.enable-lifecycle=false`, `--no-web.enable-lifecycle`).
// Pure parsing; thread-safety: plain values.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "util/status.h"

namespace cairn::server {

struct ServerFlags {
  std::string config_file = "prometheus.yml";        // --config.file
  std::string tsdb_path = "data/";                    // --storage.tsdb.path
  // --storage.tsdb.retention.time; 15d when neither time nor size is given,
  // 0 (no time limit) when only a size is given.
  int64_t retention_time_ms = 15LL * 86400000;
  int64_t retention_size_bytes = 0;                   // --storage.tsdb.retention.size; 0 = none
  int64_t min_free_disk_bytes = 64ll << 20;           // --storage.min-free-disk-space; 0 = no check
  // --storage.remote.max-wal-retention-size: WAL kept for remote_write
  // queues that have not sent it yet, at most this many bytes; 0 = no bound.
  int64_t remote_max_wal_retention_bytes = 4LL << 30;
  std::string listen_address = "0.0.0.0:9090";        // --web.listen-address
  std::string web_config_file;                        // --web.config.file: TLS, basic auth (webconfig/)
  // Connection limits (docs/security.md, "Connections").
  int64_t web_max_connections = 512;                  // --web.max-connections
  int64_t web_read_header_timeout_ms = 10000;         // --web.read-header-timeout
  int64_t web_read_timeout_ms = 5 * 60000;            // --web.read-timeout: the body
  int64_t web_idle_timeout_ms = 5 * 60000;            // --web.idle-timeout: keep-alive
  bool enable_lifecycle = false;                      // --web.enable-lifecycle: /-/reload, /-/quit
  bool enable_admin_api = false;                      // --web.enable-admin-api
  bool enable_remote_write_receiver = false;          // accepted; Cairn always receives
  std::string grpc_listen_address;                    // --grpc.listen-address; empty = no gRPC
  int64_t query_timeout_ms = 2 * 60000;               // --query.timeout
  int64_t query_max_samples = 50000000;               // --query.max-samples
  int64_t query_max_memory_bytes = 0;                 // --query.max-memory; 0 = none
  int64_t lookback_delta_ms = 5 * 60000;              // --query.lookback-delta
  int64_t query_max_concurrency = 20;                 // --query.max-concurrency; more wait
  int64_t remote_read_sample_limit = 50000000;        // --storage.remote.read-sample-limit; 0 = none
  int64_t remote_read_max_bytes_in_frame = 1 << 20;   // --storage.remote.read-max-bytes-in-frame
  int64_t block_cache_bytes = 512LL << 20;            // --storage.block-cache-size (Cairn's own)
  // Ingest limits (docs/operating.md "Limits"); 0 = none.
  int64_t max_series = 0;                             // --storage.max-series: head series
  int64_t max_label_names_per_series = 0;             // --storage.max-label-names-per-series
  int64_t max_label_name_length = 0;                  // --storage.max-label-name-length
  int64_t max_label_value_length = 0;                 // --storage.max-label-value-length
  int64_t rules_for_outage_tolerance_ms = 3600000;    // --rules.alert.for-outage-tolerance
  int64_t rules_for_grace_period_ms = 600000;         // --rules.alert.for-grace-period
  int64_t rules_resend_delay_ms = 60000;              // --rules.alert.resend-delay
  int64_t rules_query_offset_ms = 0;                  // --rules.query-offset (global.rule_query_offset wins)
  std::string external_url;                           // --web.external-url; empty = http://<hostname>:<port>
  std::string route_prefix;                           // --web.route-prefix; empty = the external URL's path
  std::string log_level = "info";                     // --log.level: debug, info, warn, error
  int64_t alertmanager_queue_capacity = 10000;        // --alertmanager.notification-queue-capacity
  int64_t alertmanager_batch_size = 256;              // --alertmanager.notification-batch-size
  bool alertmanager_drain_on_shutdown = true;         // --alertmanager.drain-notification-queue-on-shutdown
  // --enable-feature, repeatable and comma-separated, as Prometheus takes it.
  // Known names set the fields below; unknown ones are kept for a warning
  // (Prometheus logs and ignores them too).
  std::vector<std::string> unknown_features;
  bool promql_delayed_name_removal = false;           // promql-delayed-name-removal
  // Agent mode (--agent, or --enable-feature=agent as in Prometheus 2.42):
  // scraping and remote_write only, over WAL-only storage (storage/agent).
  bool agent = false;
  std::string agent_path = "data-agent/";             // --storage.agent.path
  int64_t agent_truncate_frequency_ms = 2 * 3600000;  // --storage.agent.wal-truncate-frequency
  int64_t agent_min_wal_time_ms = 5 * 60000;          // --storage.agent.retention.min-time
  int64_t agent_max_wal_time_ms = 4 * 3600000;        // --storage.agent.retention.max-time
  // Flags given that belong to the other mode (with "--"); main refuses
  // them as Prometheus does (exit 3).
  std::vector<std::string> server_only_flags_set, agent_only_flags_set;
  // --storage.remote.flush-deadline: how long queues may keep sending what
  // they hold on shutdown.
  int64_t remote_flush_deadline_ms = 60000;
  bool extra_scrape_metrics = false;                  // extra-scrape-metrics

  // Every flag name (without "--") and its effective value as text, for
  // /api/v1/status/flags.
  std::map<std::string, std::string> values;
};

struct FlagsOutcome {
  enum class Action { kRun, kHelp, kVersion };
  Action action = Action::kRun;
  ServerFlags flags;
};

// Parses argv[1..]. Errors (unknown flag, missing or malformed value) are
// InvalidArgument with a message naming the flag; main exits 2 on them.
Result<FlagsOutcome> ParseFlags(const std::vector<std::string>& args);

// The --help text: one line per flag with its default.
std::string FlagsHelp();

}  // namespace cairn::server
