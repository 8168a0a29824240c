// Config: the parts of prometheus.yml the server reads today — `global`
// (intervals, external_labels with $VAR expansion, scrape defaults),
// `scrape_configs` (server/config_scrape.h), `remote_write`
// (server/config_remote_write.h), `remote_read` (server/config_remote_read.h),
// `storage.tsdb.retention` overrides, `rule_files`, `alerting` — plus the raw text for
// /api/v1/status/config. The other sections Prometheus knows (storage,
// tracing, ...) are accepted and checked for shape only.
// Top-level keys are checked strictly, as upstream does.
// Thread-safety: a value type.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "notifier/alertmanager_config.h"
#include "remote/read_config.h"
#include "remote/remote_write_config.h"
#include "scrape/scrape_config.h"

#include "storage/labels.h"
#include "util/status.h"

namespace cairn::server {

struct Config {
  int64_t scrape_interval_ms = 60000;      // global.scrape_interval
  int64_t scrape_timeout_ms = 10000;       // global.scrape_timeout
  int64_t evaluation_interval_ms = 60000;  // global.evaluation_interval
  storage::Labels external_labels;         // global.external_labels, $VAR/${VAR} expanded
  // storage.tsdb.retention.{time,size}: when set they take precedence over
  // the deprecated --storage.tsdb.retention.* flags.
  std::optional<int64_t> retention_time_ms;
  std::optional<int64_t> retention_size_bytes;
  std::vector<std::shared_ptr<const scrape::ScrapeConfig>> scrape_configs;
  // rule_files patterns, relative ones joined to the config file's directory
  // (server/config_rules.h), and global.rule_query_offset when set.
  std::vector<std::string> rule_files;
  std::optional<int64_t> rule_query_offset_ms;
  notifier::AlertingConfig alerting;  // alerting: Alertmanagers and alert relabeling
  std::vector<remote::RemoteReadConfig> remote_read;  // remote_read entries (server/config_remote_read.h)
  std::vector<remote::RemoteWriteConfig> remote_write;  // remote_write: queues (server/config_remote_write.h)
  std::string yaml;  // the file as read
};

// Parses YAML text. Errors are InvalidArgument naming the line and key.
// Relative paths in it (CA files, file_sd files) are taken from `base_dir`.
Result<Config> ParseConfig(std::string_view yaml, std::string_view base_dir = "");
// Reads and parses `path`; an unreadable file is an IOError.
Result<Config> LoadConfigFile(const std::string& path);
// Agent mode refuses what it cannot do, with Prometheus 2.42's messages
// (config.LoadFile with agentMode): alerting, rule_files, remote_read.
Status CheckAgentConfig(const Config& cfg);

}  // namespace cairn::server
