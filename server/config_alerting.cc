#include "server/config_alerting.h"

#include <set>

#include "server/relabel_config_yaml.h"
#include "util/duration.h"
#include "util/go_quote.h"

namespace cairn::server {
namespace {

std::string Where(const YAML::Node& n) { return "line " + std::to_string(n.Mark().line + 1); }

Status Bad(const YAML::Node& n, const std::string& msg) { return Status::InvalidArgument(Where(n) + ": " + msg); }

Result<std::vector<ingest::RelabelRule>> Rules(const YAML::Node& list, std::string_view null_rule_error,
                                               storage::NameValidationScheme validation) {
  auto configs = ParseRelabelConfigs(list, null_rule_error);
  if (!configs.ok()) return configs.status();
  return ingest::MakeRelabelRules(std::move(*configs), validation);
}

// An alertmanagers entry's own keys, besides the HTTP client and discovery ones.
const std::set<std::string>& OwnKeys() {
  static const std::set<std::string> keys = {"scheme", "path_prefix", "timeout", "api_version", "relabel_configs",
                                             "alert_relabel_configs", "sigv4"};
  return keys;
}

Result<std::shared_ptr<const notifier::AlertmanagerConfig>> ParseAlertmanager(
    const YAML::Node& n, std::string_view base_dir, storage::NameValidationScheme validation) {
  if (!n.IsMap()) return Bad(n, "alertmanager config must be a map");
  for (const auto& kv : n) {
    const std::string key = kv.first.as<std::string>();
    if (!OwnKeys().count(key) && !scrape::http::IsHttpClientConfigKey(key) && !scrape::discovery::IsSdConfigKey(key)) {
      return Bad(kv.first, "field " + key + " not found in type config.AlertmanagerConfig");
    }
  }
  if (n["sigv4"] && !n["sigv4"].IsNull()) return Status::Unsupported(Where(n["sigv4"]) + ": sigv4 is not supported by Cairn");
  auto cfg = std::make_shared<notifier::AlertmanagerConfig>();
  cfg->fingerprint = YAML::Dump(n);
  if (const YAML::Node s = n["scheme"]; s && !s.IsNull()) cfg->scheme = s.as<std::string>();
  if (cfg->scheme.empty()) cfg->scheme = "http";
  // Upstream takes any scheme and fails at every send; Cairn's client speaks
  // only these two, so another one is refused while loading.
  if (cfg->scheme != "http" && cfg->scheme != "https") {
    return Bad(n["scheme"], "invalid scheme " + GoQuote(cfg->scheme) + " for alertmanager config");
  }
  if (const YAML::Node p = n["path_prefix"]; p && !p.IsNull()) cfg->path_prefix = p.as<std::string>();
  if (const YAML::Node t = n["timeout"]; t && !t.IsNull()) {
    auto d = ParseDurationMs(t.as<std::string>());
    if (!d.ok()) return Bad(t, d.status().message());
    cfg->timeout_ms = *d;
  }
  if (const YAML::Node v = n["api_version"]; v) {
    const std::string version = v.IsNull() ? "" : v.as<std::string>();
    if (version != "v2") {
      return Bad(v, "expected Alertmanager api version to be one of [v2] but got " + version);
    }
  }
  CAIRN_RETURN_IF_ERROR(scrape::http::ParseHttpClientConfig(n, base_dir, &cfg->http));
  auto sd = scrape::discovery::ParseSdConfigs(n);
  if (!sd.ok()) return sd.status();
  cfg->discovery = std::move(*sd);
  // file_sd paths are relative to the config file, as SetDirectory makes them.
  if (!base_dir.empty()) {
    for (auto& f : cfg->discovery.file) {
      for (auto& path : f.files) {
        if (!path.empty() && path.front() != '/') path = std::string(base_dir) + "/" + path;
      }
    }
  }
  CAIRN_ASSIGN_OR_RETURN(cfg->relabel,
                         Rules(n["relabel_configs"], "empty or null Alertmanager target relabeling rule", validation));
  CAIRN_ASSIGN_OR_RETURN(cfg->alert_relabel, Rules(n["alert_relabel_configs"],
                                                   "empty or null Alertmanager alert relabeling rule", validation));
  // Users putting URLs in static targets: relabeling might still fix those,
  // so only an entry without relabel_configs is checked.
  if (cfg->relabel.empty()) {
    for (const auto& group : cfg->discovery.static_groups) {
      for (const auto& target : group.targets) {
        std::string_view addr = target.Get(scrape::discovery::kAddressLabel);
        if (addr.find('/') != std::string_view::npos) {
          return Status::InvalidArgument(GoQuote(addr) + " is not a valid hostname");
        }
      }
    }
  }
  return std::shared_ptr<const notifier::AlertmanagerConfig>(std::move(cfg));
}

}  // namespace

Result<notifier::AlertingConfig> ParseAlertingConfig(const YAML::Node& alerting, std::string_view base_dir,
                                                     storage::NameValidationScheme validation) {
  notifier::AlertingConfig out;
  if (!alerting || alerting.IsNull()) return out;
  if (!alerting.IsMap()) return Bad(alerting, "alerting must be a map");
  for (const auto& kv : alerting) {
    const std::string key = kv.first.as<std::string>();
    if (key != "alert_relabel_configs" && key != "alertmanagers") {
      return Bad(kv.first, "field " + key + " not found in type config.AlertingConfig");
    }
  }
  CAIRN_ASSIGN_OR_RETURN(out.alert_relabel,
                         Rules(alerting["alert_relabel_configs"], "empty or null alert relabeling rule", validation));
  const YAML::Node list = alerting["alertmanagers"];
  if (!list || list.IsNull()) return out;
  if (!list.IsSequence()) return Bad(list, "alertmanagers must be a list");
  for (const auto& item : list) {
    if (item.IsNull()) return Bad(item, "empty or null alertmanager config");
    auto cfg = ParseAlertmanager(item, base_dir, validation);
    if (!cfg.ok()) return cfg.status();
    out.alertmanagers.push_back(std::move(*cfg));
  }
  return out;
}

}  // namespace cairn::server
