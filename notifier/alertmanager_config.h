// The `alerting` section of prometheus.yml, resolved: how Alertmanagers are
// discovered and talked to (config/config.go AlertingConfig and
// AlertmanagerConfig). server/config_alerting.cc reads the YAML into it;
// notifier/ knows no YAML.
// Thread-safety: value types; the Manager shares them read-only.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ingest/relabel.h"
#include "scrape/discovery/sd_configs.h"
#include "scrape/http/http_config.h"

namespace cairn::notifier {

// One `alertmanagers` entry.
struct AlertmanagerConfig {
  // The entry's YAML as written: a reload keeps the discovered Alertmanagers
  // and their queues of an entry whose text is unchanged (upstream compares
  // a hash of the marshalled config).
  std::string fingerprint;
  scrape::discovery::SdConfigs discovery;  // static_configs, file_sd_configs, ...
  scrape::http::HttpClientConfig http;     // basic_auth, authorization, tls_config, ...
  std::string scheme = "http";             // initial __scheme__
  std::string path_prefix;                 // before /api/v2/alerts
  int64_t timeout_ms = 10000;              // per POST
  // Only "v2": Prometheus 3 rejects v1, and so does the parser.
  std::string api_version = "v2";
  std::vector<ingest::RelabelRule> relabel;        // relabel_configs: which Alertmanagers, at which address
  std::vector<ingest::RelabelRule> alert_relabel;  // alert_relabel_configs: alerts for this entry only
};

struct AlertingConfig {
  std::vector<ingest::RelabelRule> alert_relabel;  // alerting.alert_relabel_configs, for every Alertmanager
  std::vector<std::shared_ptr<const AlertmanagerConfig>> alertmanagers;
};

}  // namespace cairn::notifier
