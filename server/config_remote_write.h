// The `remote_write` section of prometheus.yml, read into
// remote::RemoteWriteConfig with Prometheus 2.42's defaults and checks
// (config/config.go RemoteWriteConfig, QueueConfig, MetadataConfig): url
// required, unknown keys refused, reserved and Authorization headers
// refused, names unique, relabel rules checked. The HTTP client keys are
// read by scrape/http's parser, the relabel lists by
// server/relabel_config_yaml.h.
// Thread-safety: pure functions.
#pragma once

#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "remote/remote_write_config.h"
#include "storage/labels.h"
#include "util/status.h"

namespace cairn::server {

// Reads `remote_write` (null or absent: no queues). `base_dir` resolves
// relative file paths; `validation` is the scheme relabel rules are checked
// under.
Result<std::vector<remote::RemoteWriteConfig>> ParseRemoteWriteConfigs(const YAML::Node& list,
                                                                       std::string_view base_dir,
                                                                       storage::NameValidationScheme validation);

}  // namespace cairn::server
