// The scrape sections of prometheus.yml: `global`'s scrape defaults and each
// `scrape_configs` entry, read into scrape::ScrapeConfig with Prometheus'
// defaults and checks (config/config.go ScrapeConfig.Validate): job names
// unique and non-empty, scrape_timeout no longer than scrape_interval,
// unknown keys refused. relabel_configs (server/relabel_config_yaml.h), the
// HTTP client keys (scrape/http/http_config.h) and the service discovery
// keys (scrape/discovery/sd_configs.h) are read by their own parsers.
// Thread-safety: pure functions.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "scrape/scrape_config.h"
#include "util/status.h"

namespace cairn::server {

// global: defaults every job inherits.
struct ScrapeDefaults {
  int64_t scrape_interval_ms = 60000;
  int64_t scrape_timeout_ms = 10000;
  std::vector<ingest::exposition::ScrapeProtocol> scrape_protocols;  // empty = Prometheus' default order
  int64_t body_size_limit_bytes = 0;
  uint64_t sample_limit = 0, label_limit = 0, label_name_length_limit = 0, label_value_length_limit = 0;
  uint64_t target_limit = 0, keep_dropped_targets = 0;
  storage::NameValidationScheme validation = storage::NameValidationScheme::kUtf8;
};

// Reads global's scrape keys into `out` (the caller has set the intervals).
Status ParseScrapeDefaults(const YAML::Node& global, ScrapeDefaults* out);

// Reads `scrape_configs` (a list; null is none). `base_dir` resolves relative
// file paths (CA files, file_sd files).
Result<std::vector<std::shared_ptr<const scrape::ScrapeConfig>>> ParseScrapeConfigs(const YAML::Node& list,
                                                                                  const ScrapeDefaults& defaults,
                                                                                  std::string_view base_dir);

}  // namespace cairn::server
