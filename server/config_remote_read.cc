#include "server/config_remote_read.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <set>

#include "ingest/md5.h"
#include "scrape/http/url.h"
#include "server/config_remote_headers.h"
#include "util/duration.h"
#include "util/go_quote.h"

namespace cairn::server {
namespace {

std::string Where(const YAML::Node& n) { return "line " + std::to_string(n.Mark().line + 1); }

Status Bad(const YAML::Node& n, const std::string& msg) { return Status::InvalidArgument(Where(n) + ": " + msg); }

const std::set<std::string>& OwnKeys() {
  static const std::set<std::string> keys = {"url", "remote_timeout", "headers", "read_recent", "name",
                                             "required_matchers", "filter_external_labels"};
  return keys;
}

Result<bool> Bool(const YAML::Node& n, std::string_view key) {
  if (!n.IsScalar()) return Bad(n, std::string(key) + " must be a boolean");
  const std::string v = n.Scalar();
  if (v == "true" || v == "True" || v == "TRUE" || v == "yes" || v == "on") return true;
  if (v == "false" || v == "False" || v == "FALSE" || v == "no" || v == "off") return false;
  return Bad(n, "cannot unmarshal !!str `" + v + "` into bool");
}

// Upstream names an unnamed remote by the first 6 hex digits of its config's
// hash; the entry's YAML text stands in for upstream's JSON form.
std::string HashName(const YAML::Node& n) {
  const ingest::Md5Digest d = ingest::Md5(YAML::Dump(n));
  char hex[7];
  std::snprintf(hex, sizeof hex, "%02x%02x%02x", d[0], d[1], d[2]);
  return hex;
}

Result<remote::RemoteReadConfig> ParseOne(const YAML::Node& n, std::string_view base_dir) {
  if (!n.IsMap()) return Bad(n, "remote read config must be a map");
  for (const auto& kv : n) {
    const std::string key = kv.first.as<std::string>();
    if (!OwnKeys().count(key) && !scrape::http::IsHttpClientConfigKey(key)) {
      if (key == "sigv4" || key == "azuread") {
        return Status::Unsupported(Where(kv.first) + ": " + key + " is not supported by Cairn");
      }
      return Bad(kv.first, "field " + key + " not found in type config.RemoteReadConfig");
    }
  }
  remote::RemoteReadConfig cfg;
  const YAML::Node url = n["url"];
  if (!url || url.IsNull() || (url.IsScalar() && url.Scalar().empty())) {
    return Bad(n, "url for remote_read is empty");
  }
  cfg.url = url.as<std::string>();
  // Upstream accepts any URL and fails at every read; Cairn's client speaks
  // http and https only, so another one is refused while loading.
  if (auto parsed = scrape::http::ParseUrl(cfg.url); !parsed.ok()) return Bad(url, parsed.status().message());
  if (const YAML::Node t = n["remote_timeout"]; t && !t.IsNull()) {
    auto d = ParseDurationMs(t.as<std::string>());
    if (!d.ok()) return Bad(t, d.status().message());
    cfg.remote_timeout_ms = *d;
  }
  CAIRN_ASSIGN_OR_RETURN(cfg.headers, ParseRemoteHeaders(n["headers"]));
  if (const YAML::Node r = n["read_recent"]; r && !r.IsNull()) {
    CAIRN_ASSIGN_OR_RETURN(cfg.read_recent, Bool(r, "read_recent"));
  }
  if (const YAML::Node f = n["filter_external_labels"]; f && !f.IsNull()) {
    CAIRN_ASSIGN_OR_RETURN(cfg.filter_external_labels, Bool(f, "filter_external_labels"));
  }
  if (const YAML::Node m = n["required_matchers"]; m && !m.IsNull()) {
    if (!m.IsMap()) return Bad(m, "required_matchers must be a map");
    std::vector<storage::Label> labels;
    for (const auto& kv : m) {
      const std::string name = kv.first.as<std::string>();
      if (!storage::IsLegacyLabelName(name)) return Bad(kv.first, GoQuote(name) + " is not a valid label name");
      labels.push_back({name, kv.second.IsNull() ? "" : kv.second.as<std::string>()});
    }
    cfg.required_matchers = storage::Labels::FromUnsorted(std::move(labels));
  }
  if (const YAML::Node nm = n["name"]; nm && !nm.IsNull()) cfg.name = nm.as<std::string>();
  CAIRN_RETURN_IF_ERROR(scrape::http::ParseHttpClientConfig(n, base_dir, &cfg.http));
  return cfg;
}

}  // namespace

Result<std::vector<remote::RemoteReadConfig>> ParseRemoteReadConfigs(const YAML::Node& list,
                                                                     std::string_view base_dir) {
  std::vector<remote::RemoteReadConfig> out;
  if (!list || list.IsNull()) return out;
  if (!list.IsSequence()) return Bad(list, "remote_read must be a list");
  std::set<std::string> names, dumps;
  for (const YAML::Node& entry : list) {
    if (entry.IsNull()) return Status::InvalidArgument("empty or null remote read config section");
    remote::RemoteReadConfig cfg;
    CAIRN_ASSIGN_OR_RETURN(cfg, ParseOne(entry, base_dir));
    // Unnamed entries are told apart by their hash, so only names must differ.
    if (!cfg.name.empty() && !names.insert(cfg.name).second) {
      return Status::InvalidArgument("found multiple remote read configs with job name " + GoQuote(cfg.name));
    }
    if (!dumps.insert(YAML::Dump(entry)).second) {
      return Status::InvalidArgument("duplicate remote read configs are not allowed, found duplicate for URL: " +
                                     cfg.url);
    }
    if (cfg.name.empty()) cfg.name = HashName(entry);
    out.push_back(std::move(cfg));
  }
  return out;
}

}  // namespace cairn::server
