// RemoteReadConfig: one `remote_read:` entry of prometheus.yml, with
// Prometheus 2.42's defaults (config/config.go DefaultRemoteReadConfig):
// remote_timeout 1m, filter_external_labels true, read_recent false. Parsed
// and validated by server/config_remote_read.h; used by remote/read_client.h
// and remote/remote_queryable.h.
// Thread-safety: a plain value.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "scrape/http/http_config.h"
#include "storage/labels.h"

namespace cairn::remote {

struct RemoteReadConfig {
  std::string url;  // http(s)://host:port/api/v1/read
  // The name in metrics and warnings; when unset, the first 6 hex digits of a
  // hash of the entry, as upstream names unnamed remotes.
  std::string name;
  int64_t remote_timeout_ms = 60000;
  // Extra request headers (reserved ones and Authorization refused at parse).
  std::vector<std::pair<std::string, std::string>> headers;
  // false: ranges that local storage covers are not asked of the remote.
  bool read_recent = false;
  // Equality matchers a selector must contain for this remote to be asked.
  storage::Labels required_matchers;
  // true: global.external_labels become matchers sent to the remote (unless
  // the selector names that label) and are removed from the answers.
  bool filter_external_labels = true;
  scrape::http::HttpClientConfig http;
};

}  // namespace cairn::remote
