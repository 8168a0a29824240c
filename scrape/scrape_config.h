// ScrapeConfig: one `scrape_configs` entry of prometheus.yml, resolved
// (global defaults applied, relabel rules compiled), as the scrape manager
// runs it. server/ parses the YAML into it; scrape/ knows no YAML of jobs.
// Thread-safety: a value type; pools share it read-only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ingest/exposition/scrape_negotiation.h"
#include "ingest/relabel.h"
#include "scrape/discovery/sd_configs.h"
#include "scrape/http/http_config.h"
#include "scrape/scrape_append.h"
#include "scrape/target.h"

namespace cairn::scrape {

struct ScrapeConfig {
  // The job's YAML as written (after global defaults are known): a reload
  // keeps a pool whose text and globals are unchanged as it is.
  std::string fingerprint;
  // job_name, intervals, metrics_path, scheme, params: what targets inherit.
  TargetDefaults target;
  // How samples become series: honor_labels, honor_timestamps,
  // track_timestamps_staleness, limits, metric_relabel_configs.
  SampleRules samples;
  std::vector<ingest::RelabelRule> relabel;  // relabel_configs
  std::vector<ingest::exposition::ScrapeProtocol> scrape_protocols = ingest::exposition::DefaultScrapeProtocols();
  std::optional<ingest::exposition::ScrapeProtocol> fallback_scrape_protocol;
  bool enable_compression = true;
  int64_t body_size_limit_bytes = 0;  // 0 = none
  uint64_t target_limit = 0;          // 0 = none
  uint64_t keep_dropped_targets = 0;  // 0 = all
  http::HttpClientConfig http;
  discovery::SdConfigs discovery;     // static_configs, file_sd_configs, ...
};

}  // namespace cairn::scrape
