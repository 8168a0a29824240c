// The `alerting` section of prometheus.yml, read into
// notifier::AlertingConfig with Prometheus' defaults and checks
// (config/config.go AlertingConfig and AlertmanagerConfig): unknown keys
// refused, api_version v2 only, timeout 10s, scheme http, URLs in
// static_configs refused unless relabel_configs may fix them. Each entry's
// HTTP client keys (scrape/http/http_config.h), discovery keys
// (scrape/discovery/sd_configs.h) and relabel lists
// (server/relabel_config_yaml.h) are read by their own parsers.
// Thread-safety: pure functions.
#pragma once

#include <string_view>

#include <yaml-cpp/yaml.h>

#include "notifier/alertmanager_config.h"
#include "storage/labels.h"
#include "util/status.h"

namespace cairn::server {

// Reads `alerting` (null or absent is no alerting). `base_dir` resolves
// relative file paths (CA files, file_sd files); `validation` is global's
// metric_name_validation_scheme, which the relabel rules are checked under.
Result<notifier::AlertingConfig> ParseAlertingConfig(const YAML::Node& alerting, std::string_view base_dir,
                                                     storage::NameValidationScheme validation);

}  // namespace cairn::server
