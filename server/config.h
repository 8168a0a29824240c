// Config: the parts of prometheus.yml the server reads today — `global`
// (intervals, external_labels with $VAR expansion) and `storage.tsdb.retention`
// overrides — plus the raw text for /api/v1/status/config. Scrape and rule
// sections are accepted (they are checked for shape only) until those parts
// land. Top-level keys are checked strictly, as upstream does.
// Thread-safety: a value type.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

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
  std::string yaml;  // the file as read
};

// Parses YAML text. Errors are InvalidArgument naming the line and key.
Result<Config> ParseConfig(std::string_view yaml);
// Reads and parses `path`; an unreadable file is an IOError.
Result<Config> LoadConfigFile(const std::string& path);

}  // namespace cairn::server
