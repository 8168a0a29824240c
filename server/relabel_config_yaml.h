// Reads the relabel rule lists of prometheus.yml (scrape_configs'
// relabel_configs and metric_relabel_configs, remote_write's
// write_relabel_configs, alerting's alert_relabel_configs) into
// ingest::RelabelConfig, the way upstream unmarshals them with yaml
// UnmarshalStrict: unknown and repeated keys are errors, omitted keys keep
// Prometheus' defaults, and `regex` is compiled here, since a bad regex is a
// parse error upstream too.
//
// Validation is a separate step (ingest::MakeRelabelRules), which callers run
// once the whole file is read and the section's metric_name_validation_scheme
// is known, as upstream's Config.Validate runs after unmarshalling.
// Thread-safety: pure functions.
#pragma once

#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "ingest/relabel_config.h"
#include "util/status.h"

namespace cairn::server {

// One rule (a YAML map). Errors are InvalidArgument naming the line.
Result<ingest::RelabelConfig> ParseRelabelConfig(const YAML::Node& node);

// A list of rules; null or absent reads as no rules. An empty or null entry
// fails with `null_rule_error`, whose wording upstream varies by section
// ("empty or null target relabeling rule in scrape config", "empty or null
// relabeling rule in remote write config", ...).
Result<std::vector<ingest::RelabelConfig>> ParseRelabelConfigs(const YAML::Node& list,
                                                               std::string_view null_rule_error);

}  // namespace cairn::server
