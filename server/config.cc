#include "server/config.h"

#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include "promql/parser/parser.h"
#include "server/api/params.h"
#include "server/config_rules.h"
#include "server/config_alerting.h"
#include "server/config_remote_read.h"
#include "server/config_remote_write.h"
#include "server/config_scrape.h"

namespace cairn::server {
namespace {

std::string Where(const YAML::Node& n) { return "line " + std::to_string(n.Mark().line + 1); }

Status BadKey(const YAML::Node& n, std::string_view section, const std::string& key) {
  return Status::InvalidArgument(Where(n) + ": field " + key + " not found in " + std::string(section));
}

Result<int64_t> ReadDuration(const YAML::Node& n, std::string_view key) {
  if (!n.IsScalar()) return Status::InvalidArgument(Where(n) + ": " + std::string(key) + " must be a duration");
  auto d = promql::parser::ParseDurationMs(n.Scalar());
  if (!d.ok()) return Status::InvalidArgument(Where(n) + ": " + std::string(key) + ": " + d.status().message());
  return d;
}

// $VAR and ${VAR} from the environment; "$$" is a literal '$'.
std::string ExpandEnv(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '$' || i + 1 >= s.size()) {
      out.push_back(s[i]);
      continue;
    }
    if (s[i + 1] == '$') {
      out.push_back('$');
      ++i;
      continue;
    }
    std::string name;
    size_t j = i + 1;
    if (s[j] == '{') {
      size_t close = s.find('}', j);
      if (close == std::string_view::npos) {
        out.push_back(s[i]);
        continue;
      }
      name = std::string(s.substr(j + 1, close - j - 1));
      j = close + 1;
    } else {
      while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '_')) ++j;
      name = std::string(s.substr(i + 1, j - i - 1));
    }
    if (name.empty()) {
      out.push_back(s[i]);
      continue;
    }
    if (const char* v = std::getenv(name.c_str())) out += v;
    i = j - 1;
  }
  return out;
}

Status ParseGlobal(const YAML::Node& g, Config* cfg) {
  if (!g.IsMap()) return Status::InvalidArgument(Where(g) + ": global must be a map");
  static const std::set<std::string> kKnown = {
      "scrape_interval", "scrape_timeout", "scrape_protocols", "evaluation_interval", "rule_query_offset",
      "external_labels", "query_log_file", "scrape_failure_log_file", "body_size_limit", "sample_limit",
      "label_limit", "label_name_length_limit", "label_value_length_limit", "target_limit",
      "keep_dropped_targets", "metric_name_validation_scheme", "metric_name_escaping_scheme",
      "always_scrape_classic_histograms", "convert_classic_histograms_to_nhcb",
      "scrape_native_histograms", "extra_scrape_metrics"};
  for (const auto& kv : g) {
    std::string key = kv.first.as<std::string>();
    if (!kKnown.count(key)) return BadKey(kv.first, "config.GlobalConfig", key);
  }
  if (g["scrape_interval"]) {
    auto d = ReadDuration(g["scrape_interval"], "scrape_interval");
    if (!d.ok()) return d.status();
    cfg->scrape_interval_ms = *d;
  }
  if (g["scrape_timeout"]) {
    auto d = ReadDuration(g["scrape_timeout"], "scrape_timeout");
    if (!d.ok()) return d.status();
    cfg->scrape_timeout_ms = *d;
  } else if (cfg->scrape_timeout_ms > cfg->scrape_interval_ms) {
    cfg->scrape_timeout_ms = cfg->scrape_interval_ms;
  }
  if (cfg->scrape_timeout_ms > cfg->scrape_interval_ms) {
    return Status::InvalidArgument("global scrape timeout greater than scrape interval");
  }
  if (g["evaluation_interval"]) {
    auto d = ReadDuration(g["evaluation_interval"], "evaluation_interval");
    if (!d.ok()) return d.status();
    cfg->evaluation_interval_ms = *d;
  }
  if (g["rule_query_offset"]) {
    auto d = ReadDuration(g["rule_query_offset"], "rule_query_offset");
    if (!d.ok()) return d.status();
    cfg->rule_query_offset_ms = *d;
  }
  if (const YAML::Node el = g["external_labels"]) {
    if (!el.IsMap() && !el.IsNull()) return Status::InvalidArgument(Where(el) + ": external_labels must be a map");
    std::vector<storage::Label> labels;
    for (const auto& kv : el) {
      std::string name = kv.first.as<std::string>();
      std::string value = ExpandEnv(kv.second.IsNull() ? "" : kv.second.as<std::string>());
      if (value.empty()) continue;
      labels.push_back({std::move(name), std::move(value)});
    }
    std::sort(labels.begin(), labels.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    Status st = storage::Labels::Validate(labels);
    if (!st.ok()) return Status::InvalidArgument(Where(el) + ": external_labels: " + st.message());
    cfg->external_labels = storage::Labels::FromSorted(std::move(labels));
  }
  return Status::OK();
}

Status ParseStorage(const YAML::Node& s, Config* cfg) {
  if (!s.IsMap()) return Status::InvalidArgument(Where(s) + ": storage must be a map");
  for (const auto& kv : s) {
    std::string key = kv.first.as<std::string>();
    if (key != "tsdb" && key != "exemplars") return BadKey(kv.first, "config.StorageConfig", key);
  }
  const YAML::Node tsdb = s["tsdb"];
  if (!tsdb || tsdb.IsNull()) return Status::OK();
  const YAML::Node retention = tsdb["retention"];
  if (!retention || retention.IsNull()) return Status::OK();
  if (retention["time"]) {
    auto d = ReadDuration(retention["time"], "retention.time");
    if (!d.ok()) return d.status();
    cfg->retention_time_ms = *d;
  }
  if (retention["size"]) {
    auto n = api::ParseByteSize(retention["size"].as<std::string>());
    if (!n.ok()) return Status::InvalidArgument(Where(retention["size"]) + ": retention.size: " + n.status().message());
    cfg->retention_size_bytes = *n;
  }
  return Status::OK();
}

}  // namespace

Result<Config> ParseConfig(std::string_view yaml, std::string_view base_dir) {
  Config cfg;
  cfg.yaml = std::string(yaml);
  try {
    YAML::Node root = YAML::Load(cfg.yaml);
    if (root.IsNull()) return cfg;
    if (!root.IsMap()) return Status::InvalidArgument("configuration must be a YAML map");
    static const std::set<std::string> kTopLevel = {
        "global", "rule_files", "scrape_config_files", "scrape_configs", "alerting", "remote_write",
        "remote_read", "storage", "tracing", "otlp", "runtime"};
    for (const auto& kv : root) {
      std::string key = kv.first.as<std::string>();
      if (!kTopLevel.count(key)) return BadKey(kv.first, "config.Config", key);
    }
    if (root["global"] && !root["global"].IsNull()) CAIRN_RETURN_IF_ERROR(ParseGlobal(root["global"], &cfg));
    if (root["storage"] && !root["storage"].IsNull()) CAIRN_RETURN_IF_ERROR(ParseStorage(root["storage"], &cfg));
    ScrapeDefaults scrape_defaults;
    scrape_defaults.scrape_interval_ms = cfg.scrape_interval_ms;
    scrape_defaults.scrape_timeout_ms = cfg.scrape_timeout_ms;
    if (root["global"] && root["global"].IsMap()) {
      CAIRN_RETURN_IF_ERROR(ParseScrapeDefaults(root["global"], &scrape_defaults));
    }
    CAIRN_ASSIGN_OR_RETURN(cfg.scrape_configs, ParseScrapeConfigs(root["scrape_configs"], scrape_defaults, base_dir));
    CAIRN_ASSIGN_OR_RETURN(cfg.rule_files, ParseRuleFiles(root["rule_files"], base_dir));
    CAIRN_ASSIGN_OR_RETURN(cfg.remote_read, ParseRemoteReadConfigs(root["remote_read"], base_dir));
    CAIRN_ASSIGN_OR_RETURN(cfg.alerting, ParseAlertingConfig(root["alerting"], base_dir, scrape_defaults.validation));
    CAIRN_ASSIGN_OR_RETURN(cfg.remote_write,
                           ParseRemoteWriteConfigs(root["remote_write"], base_dir, scrape_defaults.validation));
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument("yaml: line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  return cfg;
}

Result<Config> LoadConfigFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError("open " + path + ": cannot read file");
  std::ostringstream ss;
  ss << in.rdbuf();
  const size_t slash = path.rfind('/');
  auto cfg = ParseConfig(ss.str(), slash == std::string::npos ? "" : std::string_view(path).substr(0, slash));
  if (!cfg.ok()) return cfg.status().WithContext("parsing YAML file " + path);
  return cfg;
}

Status CheckAgentConfig(const Config& cfg) {
  if (!cfg.alerting.alertmanagers.empty() || !cfg.alerting.alert_relabel.empty()) {
    return Status::InvalidArgument("field alerting is not allowed in agent mode");
  }
  if (!cfg.rule_files.empty()) return Status::InvalidArgument("field rule_files is not allowed in agent mode");
  if (!cfg.remote_read.empty()) return Status::InvalidArgument("field remote_read is not allowed in agent mode");
  return Status::OK();
}

}  // namespace cairn::server
