// The `headers` map of a remote_write or remote_read entry, checked as
// Prometheus 2.42's validateHeaders does: Authorization must come from the
// auth keys, and the headers the client sets itself are reserved. The
// messages are upstream's, without a line number (promtool prints none).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "util/status.h"

namespace cairn::server {

// The headers of `node` (absent or null: none), sorted by name.
Result<std::vector<std::pair<std::string, std::string>>> ParseRemoteHeaders(const YAML::Node& node);

}  // namespace cairn::server
