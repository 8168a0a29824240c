#include "server/config_remote_write.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "server/relabel_config_yaml.h"
#include "server/config_remote_headers.h"
#include "util/duration.h"
#include "util/go_quote.h"

namespace cairn::server {
namespace {

std::string Where(const YAML::Node& n) { return "line " + std::to_string(n.Mark().line + 1); }

Status Bad(const YAML::Node& n, const std::string& msg) { return Status::InvalidArgument(Where(n) + ": " + msg); }

bool Present(const YAML::Node& n) { return n && !n.IsNull(); }

Result<int64_t> Duration(const YAML::Node& n, std::string_view key) {
  if (!n.IsScalar()) return Bad(n, std::string(key) + " must be a duration");
  auto d = ParseDurationMs(n.Scalar());
  if (!d.ok()) return Bad(n, std::string(key) + ": " + d.status().message());
  return *d;
}

Result<int> Int(const YAML::Node& n, std::string_view key) {
  try {
    return n.as<int>();
  } catch (const YAML::Exception&) {
    return Bad(n, "cannot unmarshal !!str `" + (n.IsScalar() ? n.Scalar() : std::string()) + "` into int (" +
                      std::string(key) + ")");
  }
}

Result<bool> Bool(const YAML::Node& n, std::string_view key) {
  try {
    return n.as<bool>();
  } catch (const YAML::Exception&) {
    return Bad(n, "cannot unmarshal !!str `" + (n.IsScalar() ? n.Scalar() : std::string()) + "` into bool (" +
                      std::string(key) + ")");
  }
}

Status CheckKeys(const YAML::Node& map, const std::set<std::string>& keys, std::string_view type) {
  for (const auto& kv : map) {
    const std::string key = kv.first.as<std::string>();
    if (!keys.count(key)) return Bad(kv.first, "field " + key + " not found in type " + std::string(type));
  }
  return Status::OK();
}

Status ParseQueue(const YAML::Node& q, remote::QueueConfig* out) {
  if (!q.IsMap()) return Bad(q, "queue_config must be a map");
  CAIRN_RETURN_IF_ERROR(CheckKeys(q,
                                  {"capacity", "max_shards", "min_shards", "max_samples_per_send",
                                   "batch_send_deadline", "min_backoff", "max_backoff", "retry_on_http_429",
                                   "sample_age_limit"},
                                  "config.plain"));
  // Upstream's omitempty ints: a zero keeps nothing special, so 0 is taken
  // as given; the queue clamps what it cannot run with.
  if (Present(q["capacity"])) CAIRN_ASSIGN_OR_RETURN(out->capacity, Int(q["capacity"], "capacity"));
  if (Present(q["max_shards"])) CAIRN_ASSIGN_OR_RETURN(out->max_shards, Int(q["max_shards"], "max_shards"));
  if (Present(q["min_shards"])) CAIRN_ASSIGN_OR_RETURN(out->min_shards, Int(q["min_shards"], "min_shards"));
  if (Present(q["max_samples_per_send"])) {
    CAIRN_ASSIGN_OR_RETURN(out->max_samples_per_send, Int(q["max_samples_per_send"], "max_samples_per_send"));
  }
  if (Present(q["batch_send_deadline"])) {
    CAIRN_ASSIGN_OR_RETURN(out->batch_send_deadline_ms, Duration(q["batch_send_deadline"], "batch_send_deadline"));
  }
  if (Present(q["min_backoff"])) CAIRN_ASSIGN_OR_RETURN(out->min_backoff_ms, Duration(q["min_backoff"], "min_backoff"));
  if (Present(q["max_backoff"])) CAIRN_ASSIGN_OR_RETURN(out->max_backoff_ms, Duration(q["max_backoff"], "max_backoff"));
  if (Present(q["retry_on_http_429"])) {
    CAIRN_ASSIGN_OR_RETURN(out->retry_on_http_429, Bool(q["retry_on_http_429"], "retry_on_http_429"));
  }
  if (Present(q["sample_age_limit"])) {
    CAIRN_ASSIGN_OR_RETURN(out->sample_age_limit_ms, Duration(q["sample_age_limit"], "sample_age_limit"));
  }
  // A queue that cannot run at all is refused here rather than spinning.
  if (out->min_shards < 1 || out->max_shards < out->min_shards) {
    return Bad(q, "queue_config: min_shards must be at least 1 and at most max_shards");
  }
  if (out->max_samples_per_send < 1 || out->capacity < 1) {
    return Bad(q, "queue_config: capacity and max_samples_per_send must be positive");
  }
  return Status::OK();
}

Status ParseMetadata(const YAML::Node& m, remote::MetadataConfig* out) {
  if (!m.IsMap()) return Bad(m, "metadata_config must be a map");
  CAIRN_RETURN_IF_ERROR(CheckKeys(m, {"send", "send_interval", "max_samples_per_send"}, "config.MetadataConfig"));
  if (Present(m["send"])) CAIRN_ASSIGN_OR_RETURN(out->send, Bool(m["send"], "send"));
  if (Present(m["send_interval"])) {
    CAIRN_ASSIGN_OR_RETURN(out->send_interval_ms, Duration(m["send_interval"], "send_interval"));
  }
  if (Present(m["max_samples_per_send"])) {
    CAIRN_ASSIGN_OR_RETURN(out->max_samples_per_send, Int(m["max_samples_per_send"], "max_samples_per_send"));
  }
  return Status::OK();
}

const std::set<std::string>& OwnKeys() {
  static const std::set<std::string> keys = {"url", "remote_timeout", "headers", "write_relabel_configs", "name",
                                             "send_exemplars", "send_native_histograms", "protobuf_message",
                                             "queue_config", "metadata_config", "sigv4", "azuread", "google_iam",
                                             "round_robin_dns"};
  return keys;
}

Result<remote::RemoteWriteConfig> ParseOne(const YAML::Node& n, std::string_view base_dir,
                                           storage::NameValidationScheme validation) {
  if (!n.IsMap()) return Bad(n, "remote_write entry must be a map");
  for (const auto& kv : n) {
    const std::string key = kv.first.as<std::string>();
    if (!OwnKeys().count(key) && !scrape::http::IsHttpClientConfigKey(key)) {
      return Bad(kv.first, "field " + key + " not found in type config.plain");
    }
  }
  for (const char* k : {"sigv4", "azuread", "google_iam"}) {
    if (Present(n[k])) return Status::Unsupported(Where(n[k]) + ": " + k + " is not supported by Cairn");
  }
  remote::RemoteWriteConfig cfg;
  cfg.fingerprint = YAML::Dump(n);
  if (!Present(n["url"]) || n["url"].Scalar().empty()) return Status::InvalidArgument("url for remote_write is empty");
  cfg.url = n["url"].Scalar();
  if (cfg.url.rfind("http://", 0) != 0 && cfg.url.rfind("https://", 0) != 0) {
    return Bad(n["url"], "unsupported scheme in remote_write url " + GoQuote(cfg.url));
  }
  if (Present(n["name"])) cfg.name = n["name"].Scalar();
  if (Present(n["remote_timeout"])) {
    CAIRN_ASSIGN_OR_RETURN(cfg.remote_timeout_ms, Duration(n["remote_timeout"], "remote_timeout"));
  }
  CAIRN_ASSIGN_OR_RETURN(cfg.headers, ParseRemoteHeaders(n["headers"]));
  if (Present(n["send_exemplars"])) CAIRN_ASSIGN_OR_RETURN(cfg.send_exemplars, Bool(n["send_exemplars"], "send_exemplars"));
  if (const YAML::Node p = n["protobuf_message"]; Present(p)) {
    const std::string msg = p.Scalar();
    if (msg == "prometheus.WriteRequest") {
      cfg.protobuf_message = remote::WireFormat::kV1;
    } else if (msg == "io.prometheus.write.v2.Request") {
      cfg.protobuf_message = remote::WireFormat::kV2;
    } else {
      return Status::InvalidArgument("invalid protobuf_message value: unknown type for remote write protobuf message " +
                                     msg + ", supported: prometheus.WriteRequest, io.prometheus.write.v2.Request");
    }
  }
  if (Present(n["queue_config"])) CAIRN_RETURN_IF_ERROR(ParseQueue(n["queue_config"], &cfg.queue));
  if (Present(n["metadata_config"])) CAIRN_RETURN_IF_ERROR(ParseMetadata(n["metadata_config"], &cfg.metadata));
  CAIRN_RETURN_IF_ERROR(scrape::http::ParseHttpClientConfig(n, base_dir, &cfg.http));
  auto relabel = ParseRelabelConfigs(n["write_relabel_configs"], "empty or null relabeling rule in remote write config");
  if (!relabel.ok()) return relabel.status();
  CAIRN_ASSIGN_OR_RETURN(cfg.write_relabel, ingest::MakeRelabelRules(std::move(*relabel), validation));
  return cfg;
}

}  // namespace

Result<std::vector<remote::RemoteWriteConfig>> ParseRemoteWriteConfigs(const YAML::Node& list,
                                                                       std::string_view base_dir,
                                                                       storage::NameValidationScheme validation) {
  std::vector<remote::RemoteWriteConfig> out;
  if (!list || list.IsNull()) return out;
  if (!list.IsSequence()) return Bad(list, "remote_write must be a list");
  std::set<std::string> names;
  for (const YAML::Node& n : list) {
    auto cfg = ParseOne(n, base_dir, validation);
    if (!cfg.ok()) return cfg.status();
    if (!cfg->name.empty() && !names.insert(cfg->name).second) {
      return Status::InvalidArgument("found multiple remote write configs with job name " + GoQuote(cfg->name));
    }
    out.push_back(std::move(*cfg));
  }
  return out;
}

}  // namespace cairn::server
