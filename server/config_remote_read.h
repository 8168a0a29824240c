// The `remote_read` section of prometheus.yml, read into
// remote::RemoteReadConfig entries with Prometheus 2.42's defaults and
// checks (config/config.go RemoteReadConfig.UnmarshalYAML and
// Config.UnmarshalYAML): unknown keys refused, url required, no Authorization
// or reserved header in `headers`, names unique, the HTTP client keys read by
// scrape/http's parser.
// Thread-safety: pure functions.
#pragma once

#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "remote/read_config.h"
#include "util/status.h"

namespace cairn::server {

// Reads `remote_read` (null or absent is none). `base_dir` resolves relative
// file paths (CA files, credentials files). Errors: InvalidArgument naming the
// line, Unsupported for an option Cairn does not implement (oauth2, sigv4...).
Result<std::vector<remote::RemoteReadConfig>> ParseRemoteReadConfigs(const YAML::Node& list,
                                                                     std::string_view base_dir);

}  // namespace cairn::server
