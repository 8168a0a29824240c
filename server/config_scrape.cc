#include "server/config_scrape.h"

#include <set>

#include "server/api/params.h"
#include "server/relabel_config_yaml.h"
#include "util/duration.h"

namespace cairn::server {

namespace {

namespace expo = ingest::exposition;

std::string Where(const YAML::Node& n) { return "line " + std::to_string(n.Mark().line + 1); }

Status Bad(const YAML::Node& n, const std::string& msg) { return Status::InvalidArgument(Where(n) + ": " + msg); }

Result<int64_t> Duration(const YAML::Node& n, std::string_view key) {
  if (!n.IsScalar()) return Bad(n, std::string(key) + " must be a duration");
  auto d = ParseDurationMs(n.Scalar());
  if (!d.ok()) return Bad(n, std::string(key) + ": " + d.status().message());
  return d;
}

Result<uint64_t> Count(const YAML::Node& n, std::string_view key) {
  try {
    return n.as<uint64_t>();
  } catch (const YAML::Exception&) {
    return Bad(n, "cannot unmarshal " + n.Scalar() + " into " + std::string(key) + " (an unsigned integer)");
  }
}

Result<bool> Bool(const YAML::Node& n, std::string_view key) {
  try {
    return n.as<bool>();
  } catch (const YAML::Exception&) {
    return Bad(n, "cannot unmarshal " + n.Scalar() + " into " + std::string(key) + " (a bool)");
  }
}

Result<int64_t> Bytes(const YAML::Node& n, std::string_view key) {
  auto b = api::ParseByteSize(n.Scalar());
  if (!b.ok()) return Bad(n, std::string(key) + ": " + b.status().message());
  return b;
}

Result<std::vector<expo::ScrapeProtocol>> Protocols(const YAML::Node& n) {
  if (!n.IsSequence()) return Bad(n, "scrape_protocols must be a list");
  std::vector<std::string> names;
  for (const auto& item : n) names.push_back(item.as<std::string>());
  auto p = expo::ParseScrapeProtocols(names);
  if (!p.ok()) return Bad(n, p.status().message());
  return p;
}

Result<storage::NameValidationScheme> Scheme(const YAML::Node& n) {
  const std::string v = n.as<std::string>();
  if (v.empty() || v == "utf8") return storage::NameValidationScheme::kUtf8;
  if (v == "legacy") return storage::NameValidationScheme::kLegacy;
  return Bad(n, "unknown metric name validation scheme \"" + v + "\"");
}

// Keys of a scrape_config besides the HTTP client and discovery ones.
const std::set<std::string>& OwnKeys() {
  static const std::set<std::string> keys = {
      "job_name", "honor_labels", "honor_timestamps", "track_timestamps_staleness", "params", "scrape_interval",
      "scrape_timeout", "scrape_protocols", "fallback_scrape_protocol", "scrape_classic_histograms",
      "always_scrape_classic_histograms", "convert_classic_histograms_to_nhcb", "scrape_native_histograms",
      "metrics_path", "scheme", "enable_compression", "body_size_limit", "sample_limit", "target_limit",
      "label_limit", "label_name_length_limit", "label_value_length_limit", "native_histogram_bucket_limit",
      "native_histogram_min_bucket_factor", "keep_dropped_targets", "metric_name_validation_scheme",
      "metric_name_escaping_scheme", "scrape_failure_log_file", "relabel_configs", "metric_relabel_configs"};
  return keys;
}

Result<std::shared_ptr<const scrape::ScrapeConfig>> ParseOne(const YAML::Node& n, const ScrapeDefaults& d,
                                                             std::string_view base_dir) {
  if (!n.IsMap()) return Bad(n, "scrape config must be a map");
  for (const auto& kv : n) {
    const std::string key = kv.first.as<std::string>();
    if (!OwnKeys().count(key) && !scrape::http::IsHttpClientConfigKey(key) && !scrape::discovery::IsSdConfigKey(key)) {
      return Bad(kv.first, "field " + key + " not found in type config.ScrapeConfig");
    }
  }
  auto cfg = std::make_shared<scrape::ScrapeConfig>();
  cfg->fingerprint = YAML::Dump(n);
  scrape::TargetDefaults& t = cfg->target;
  scrape::SampleRules& s = cfg->samples;
  t.job_name = n["job_name"] ? n["job_name"].as<std::string>() : "";
  if (t.job_name.empty()) return Bad(n, "job_name is empty");

  t.scrape_interval_ms = d.scrape_interval_ms;
  if (n["scrape_interval"]) CAIRN_ASSIGN_OR_RETURN(t.scrape_interval_ms, Duration(n["scrape_interval"], "scrape_interval"));
  int64_t timeout = 0;
  if (n["scrape_timeout"]) CAIRN_ASSIGN_OR_RETURN(timeout, Duration(n["scrape_timeout"], "scrape_timeout"));
  if (timeout > t.scrape_interval_ms) {
    return Bad(n, "scrape timeout greater than scrape interval for scrape config with job name \"" + t.job_name + "\"");
  }
  if (timeout == 0) timeout = std::min(d.scrape_timeout_ms, t.scrape_interval_ms);
  t.scrape_timeout_ms = timeout;
  if (n["metrics_path"]) t.metrics_path = n["metrics_path"].as<std::string>();
  if (n["scheme"]) t.scheme = n["scheme"].as<std::string>();
  if (t.scheme.empty()) t.scheme = "http";
  if (t.scheme != "http" && t.scheme != "https") return Bad(n["scheme"], "invalid scheme \"" + t.scheme + "\"");
  if (const YAML::Node p = n["params"]; p && !p.IsNull()) {
    if (!p.IsMap()) return Bad(p, "params must be a map of lists");
    for (const auto& kv : p) {
      auto& values = t.params[kv.first.as<std::string>()];
      if (kv.second.IsSequence()) {
        for (const auto& v : kv.second) values.push_back(v.as<std::string>());
      } else if (!kv.second.IsNull()) {
        return Bad(kv.second, "params values must be lists");
      }
    }
  }
  if (n["honor_labels"]) CAIRN_ASSIGN_OR_RETURN(s.honor_labels, Bool(n["honor_labels"], "honor_labels"));
  if (n["honor_timestamps"]) CAIRN_ASSIGN_OR_RETURN(s.honor_timestamps, Bool(n["honor_timestamps"], "honor_timestamps"));
  if (n["track_timestamps_staleness"]) {
    CAIRN_ASSIGN_OR_RETURN(s.track_timestamps_staleness,
                           Bool(n["track_timestamps_staleness"], "track_timestamps_staleness"));
  }
  if (n["enable_compression"]) {
    CAIRN_ASSIGN_OR_RETURN(cfg->enable_compression, Bool(n["enable_compression"], "enable_compression"));
  }
  cfg->scrape_protocols = d.scrape_protocols.empty() ? expo::DefaultScrapeProtocols() : d.scrape_protocols;
  if (n["scrape_protocols"]) CAIRN_ASSIGN_OR_RETURN(cfg->scrape_protocols, Protocols(n["scrape_protocols"]));
  if (const YAML::Node f = n["fallback_scrape_protocol"]; f && !f.IsNull() && !f.as<std::string>().empty()) {
    auto p = expo::ParseScrapeProtocol(f.as<std::string>());
    if (!p.ok()) return Bad(f, p.status().message());
    cfg->fallback_scrape_protocol = *p;
  }
  cfg->body_size_limit_bytes = d.body_size_limit_bytes;
  if (n["body_size_limit"]) CAIRN_ASSIGN_OR_RETURN(cfg->body_size_limit_bytes, Bytes(n["body_size_limit"], "body_size_limit"));
  s.sample_limit = d.sample_limit;
  s.label_limit = d.label_limit;
  s.label_name_length_limit = d.label_name_length_limit;
  s.label_value_length_limit = d.label_value_length_limit;
  cfg->target_limit = d.target_limit;
  cfg->keep_dropped_targets = d.keep_dropped_targets;
  s.validation = d.validation;
  if (n["sample_limit"]) CAIRN_ASSIGN_OR_RETURN(s.sample_limit, Count(n["sample_limit"], "sample_limit"));
  if (n["label_limit"]) CAIRN_ASSIGN_OR_RETURN(s.label_limit, Count(n["label_limit"], "label_limit"));
  if (n["label_name_length_limit"]) {
    CAIRN_ASSIGN_OR_RETURN(s.label_name_length_limit, Count(n["label_name_length_limit"], "label_name_length_limit"));
  }
  if (n["label_value_length_limit"]) {
    CAIRN_ASSIGN_OR_RETURN(s.label_value_length_limit,
                           Count(n["label_value_length_limit"], "label_value_length_limit"));
  }
  if (n["target_limit"]) CAIRN_ASSIGN_OR_RETURN(cfg->target_limit, Count(n["target_limit"], "target_limit"));
  if (n["keep_dropped_targets"]) {
    CAIRN_ASSIGN_OR_RETURN(cfg->keep_dropped_targets, Count(n["keep_dropped_targets"], "keep_dropped_targets"));
  }
  if (n["metric_name_validation_scheme"]) {
    CAIRN_ASSIGN_OR_RETURN(s.validation, Scheme(n["metric_name_validation_scheme"]));
  }

  auto relabel = ParseRelabelConfigs(n["relabel_configs"], "empty or null target relabeling rule in scrape config");
  if (!relabel.ok()) return relabel.status();
  auto rules = ingest::MakeRelabelRules(std::move(*relabel), s.validation);
  if (!rules.ok()) return rules.status().WithContext("relabel_configs of job \"" + t.job_name + "\"");
  cfg->relabel = std::move(*rules);
  auto metric = ParseRelabelConfigs(n["metric_relabel_configs"], "empty or null metric relabeling rule in scrape config");
  if (!metric.ok()) return metric.status();
  auto metric_rules = ingest::MakeRelabelRules(std::move(*metric), s.validation);
  if (!metric_rules.ok()) return metric_rules.status().WithContext("metric_relabel_configs of job \"" + t.job_name + "\"");
  s.metric_relabel = std::move(*metric_rules);

  CAIRN_RETURN_IF_ERROR(scrape::http::ParseHttpClientConfig(n, base_dir, &cfg->http));
  auto sd = scrape::discovery::ParseSdConfigs(n);
  if (!sd.ok()) return sd.status();
  cfg->discovery = std::move(*sd);
  // file_sd paths are relative to the config file, as Prometheus' SetDirectory makes them.
  if (!base_dir.empty()) {
    for (auto& f : cfg->discovery.file) {
      for (auto& path : f.files) {
        if (!path.empty() && path.front() != '/') path = std::string(base_dir) + "/" + path;
      }
    }
    for (auto& k : cfg->discovery.kubernetes) scrape::discovery::kubernetes::SetDirectory(k, std::string(base_dir));
    for (auto& h : cfg->discovery.http) scrape::discovery::SetDirectory(h, std::string(base_dir));
  }
  return std::shared_ptr<const scrape::ScrapeConfig>(std::move(cfg));
}

}  // namespace

Status ParseScrapeDefaults(const YAML::Node& g, ScrapeDefaults* d) {
  if (g["scrape_protocols"]) CAIRN_ASSIGN_OR_RETURN(d->scrape_protocols, Protocols(g["scrape_protocols"]));
  if (g["body_size_limit"]) CAIRN_ASSIGN_OR_RETURN(d->body_size_limit_bytes, Bytes(g["body_size_limit"], "body_size_limit"));
  if (g["sample_limit"]) CAIRN_ASSIGN_OR_RETURN(d->sample_limit, Count(g["sample_limit"], "sample_limit"));
  if (g["label_limit"]) CAIRN_ASSIGN_OR_RETURN(d->label_limit, Count(g["label_limit"], "label_limit"));
  if (g["label_name_length_limit"]) {
    CAIRN_ASSIGN_OR_RETURN(d->label_name_length_limit, Count(g["label_name_length_limit"], "label_name_length_limit"));
  }
  if (g["label_value_length_limit"]) {
    CAIRN_ASSIGN_OR_RETURN(d->label_value_length_limit,
                           Count(g["label_value_length_limit"], "label_value_length_limit"));
  }
  if (g["target_limit"]) CAIRN_ASSIGN_OR_RETURN(d->target_limit, Count(g["target_limit"], "target_limit"));
  if (g["keep_dropped_targets"]) {
    CAIRN_ASSIGN_OR_RETURN(d->keep_dropped_targets, Count(g["keep_dropped_targets"], "keep_dropped_targets"));
  }
  if (g["metric_name_validation_scheme"]) {
    CAIRN_ASSIGN_OR_RETURN(d->validation, Scheme(g["metric_name_validation_scheme"]));
  }
  return Status::OK();
}

Result<std::vector<std::shared_ptr<const scrape::ScrapeConfig>>> ParseScrapeConfigs(const YAML::Node& list,
                                                                                  const ScrapeDefaults& defaults,
                                                                                  std::string_view base_dir) {
  std::vector<std::shared_ptr<const scrape::ScrapeConfig>> out;
  if (!list || list.IsNull()) return out;
  if (!list.IsSequence()) return Bad(list, "scrape_configs must be a list");
  std::set<std::string> names;
  for (const auto& item : list) {
    if (item.IsNull()) return Bad(item, "empty or null scrape config section");
    auto cfg = ParseOne(item, defaults, base_dir);
    if (!cfg.ok()) return cfg.status();
    const std::string& name = (*cfg)->target.job_name;
    if (!names.insert(name).second) {
      return Status::InvalidArgument("found multiple scrape configs with job name \"" + name + "\"");
    }
    out.push_back(std::move(*cfg));
  }
  return out;
}

}  // namespace cairn::server
