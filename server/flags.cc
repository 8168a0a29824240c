#include "server/flags.h"

#include <charconv>
#include <functional>
#include <string_view>

#include "promql/parser/parser.h"
#include "server/api/params.h"

namespace cairn::server {
namespace {

struct FlagDef {
  std::string_view name;
  std::string_view default_value;
  std::string_view help;
  bool is_bool;
  std::function<Status(ServerFlags&, const std::string&)> set;
  bool agent_only = false;  // Prometheus' agentOnlyFlag
};

// Prometheus 2.42's server-only flags that Cairn has, and Cairn's own flags
// that only mean something with the full storage and query engine.
bool ServerOnly(std::string_view name) {
  for (std::string_view p : {"storage.tsdb.", "storage.remote.read-", "storage.max-", "rules.", "query.",
                             "alertmanager.notification-queue-capacity", "storage.block-cache-size"}) {
    if (name.substr(0, p.size()) == p) return true;
  }
  return false;
}

Status SetBool(bool* field, const std::string& v) {
  if (v == "true" || v == "1") {
    *field = true;
  } else if (v == "false" || v == "0") {
    *field = false;
  } else {
    return Status::InvalidArgument("expected true or false, got \"" + v + "\"");
  }
  return Status::OK();
}

Status SetInt(int64_t* field, const std::string& v) {
  int64_t n = 0;
  auto res = std::from_chars(v.data(), v.data() + v.size(), n);
  if (v.empty() || res.ec != std::errc() || res.ptr != v.data() + v.size() || n < 0) {
    return Status::InvalidArgument("expected a non-negative integer, got \"" + v + "\"");
  }
  *field = n;
  return Status::OK();
}

Status SetPositive(int64_t* field, const std::string& v) {
  CAIRN_RETURN_IF_ERROR(SetInt(field, v));
  if (*field < 1) return Status::InvalidArgument("must be at least 1, got \"" + v + "\"");
  return Status::OK();
}

Status SetDuration(int64_t* field, const std::string& v) {
  auto d = promql::parser::ParseDurationMs(v);
  if (!d.ok()) return d.status();
  *field = *d;
  return Status::OK();
}

Status SetPositiveDuration(int64_t* field, const std::string& v) {
  CAIRN_RETURN_IF_ERROR(SetDuration(field, v));
  if (*field <= 0) return Status::InvalidArgument("must be a positive duration, got \"" + v + "\"");
  return Status::OK();
}

// --enable-feature names. Features Cairn always has (experimental functions)
// are accepted and change nothing.
Status SetFeatures(ServerFlags& f, const std::string& v) {
  size_t pos = 0;
  while (pos <= v.size()) {
    size_t comma = v.find(',', pos);
    if (comma == std::string::npos) comma = v.size();
    std::string name = v.substr(pos, comma - pos);
    pos = comma + 1;
    if (name.empty()) continue;
    if (name == "agent") {
      f.agent = true;
    } else if (name == "promql-delayed-name-removal") {
      f.promql_delayed_name_removal = true;
    } else if (name == "extra-scrape-metrics") {
      f.extra_scrape_metrics = true;
    } else if (name != "promql-experimental-functions") {
      f.unknown_features.push_back(name);
    }
  }
  return Status::OK();
}

const std::vector<FlagDef>& Defs() {
  static const std::vector<FlagDef> defs = {
      {"config.file", "prometheus.yml", "Prometheus configuration file path.", false,
       [](ServerFlags& f, const std::string& v) { f.config_file = v; return Status::OK(); }},
      {"storage.tsdb.path", "data/", "Base path for metrics storage.", false,
       [](ServerFlags& f, const std::string& v) { f.tsdb_path = v; return Status::OK(); }},
      {"storage.tsdb.retention.time", "15d",
       "How long to retain samples (units y w d h m s ms). 15d when neither time nor size is set.", false,
       [](ServerFlags& f, const std::string& v) { return SetDuration(&f.retention_time_ms, v); }},
      {"storage.tsdb.retention.size", "0B", "Maximum bytes of storage blocks to retain (B KB MB GB TB PB EB).",
       false,
       [](ServerFlags& f, const std::string& v) {
         auto n = api::ParseByteSize(v);
         if (!n.ok()) return n.status();
         f.retention_size_bytes = *n;
         return Status::OK();
       }},
      {"storage.min-free-disk-space", "64MB",
       "Writes are refused with 503 while the data directory's file system has less free space than this "
       "(so the database never meets a full disk mid-write); they resume once space is freed. 0 disables it.",
       false,
       [](ServerFlags& f, const std::string& v) {
         if (v == "0") {  // off; a size otherwise needs its unit
           f.min_free_disk_bytes = 0;
           return Status::OK();
         }
         auto n = api::ParseByteSize(v);
         if (!n.ok()) return n.status();
         f.min_free_disk_bytes = *n;
         return Status::OK();
       }},
      {"storage.remote.max-wal-retention-size", "4GB",
       "Most WAL bytes kept for remote_write queues that have not sent them yet (a dead receiver cannot fill the "
       "disk); past it the oldest segments are deleted and their samples lost to the queue. 0 means no bound.",
       false,
       [](ServerFlags& f, const std::string& v) {
         auto n = api::ParseByteSize(v);
         if (!n.ok()) return n.status();
         f.remote_max_wal_retention_bytes = *n;
         return Status::OK();
       }},
      {"web.listen-address", "0.0.0.0:9090", "Address to listen on for the web interface and API.", false,
       [](ServerFlags& f, const std::string& v) { f.listen_address = v; return Status::OK(); }},
      {"web.config.file", "",
       "[EXPERIMENTAL] Path to configuration file that can enable TLS or authentication.", false,
       [](ServerFlags& f, const std::string& v) { f.web_config_file = v; return Status::OK(); }},
      {"web.max-connections", "512",
       "Maximum number of simultaneous connections. Beyond it a new connection replaces the one that has waited "
       "longest for a request header; when every connection is serving a request, new ones wait in the kernel's "
       "backlog.",
       false,
       [](ServerFlags& f, const std::string& v) { return SetPositive(&f.web_max_connections, v); }},
      {"web.read-header-timeout", "10s",
       "Maximum duration for reading a request's header once its first byte arrived.", false,
       [](ServerFlags& f, const std::string& v) { return SetPositiveDuration(&f.web_read_header_timeout_ms, v); }},
      {"web.read-timeout", "5m", "Maximum duration before timing out read of the request body.", false,
       [](ServerFlags& f, const std::string& v) { return SetPositiveDuration(&f.web_read_timeout_ms, v); }},
      {"web.idle-timeout", "5m", "How long an idle keep-alive connection waits for its next request.", false,
       [](ServerFlags& f, const std::string& v) { return SetPositiveDuration(&f.web_idle_timeout_ms, v); }},
      {"web.enable-lifecycle", "false", "Enable shutdown and reload via HTTP request.", true,
       [](ServerFlags& f, const std::string& v) { return SetBool(&f.enable_lifecycle, v); }},
      {"web.enable-admin-api", "false", "Enable API endpoints for admin control actions.", true,
       [](ServerFlags& f, const std::string& v) { return SetBool(&f.enable_admin_api, v); }},
      {"web.enable-remote-write-receiver", "false",
       "Accepted for compatibility; Cairn always receives remote write.", true,
       [](ServerFlags& f, const std::string& v) { return SetBool(&f.enable_remote_write_receiver, v); }},
      {"grpc.listen-address", "", "Address for the gRPC RemoteStorage and Admin services; empty = off.", false,
       [](ServerFlags& f, const std::string& v) { f.grpc_listen_address = v; return Status::OK(); }},
      {"query.timeout", "2m", "Maximum time a query may take before being aborted.", false,
       [](ServerFlags& f, const std::string& v) { return SetDuration(&f.query_timeout_ms, v); }},
      {"query.max-samples", "50000000", "Maximum number of samples a single query can load into memory.", false,
       [](ServerFlags& f, const std::string& v) { return SetInt(&f.query_max_samples, v); }},
      {"query.max-memory", "0B",
       "Cairn only: most bytes one query may hold (loaded samples and series, intermediate results), counted "
       "while loading; past it the query fails. 0 = no bound (B KB MB GB ...).",
       false,
       [](ServerFlags& f, const std::string& v) {
         auto n = api::ParseByteSize(v);
         if (!n.ok()) return n.status();
         f.query_max_memory_bytes = *n;
         return Status::OK();
       }},
      {"query.lookback-delta", "5m", "How far back to look for a sample of an instant selector.", false,
       [](ServerFlags& f, const std::string& v) { return SetDuration(&f.lookback_delta_ms, v); }},
      {"query.max-concurrency", "20", "Maximum number of queries executed concurrently.", false,
       [](ServerFlags& f, const std::string& v) {
         CAIRN_RETURN_IF_ERROR(SetInt(&f.query_max_concurrency, v));
         if (f.query_max_concurrency < 1) {
           return Status::InvalidArgument("must be at least 1, got \"" + v + "\"");
         }
         return Status::OK();
       }},
      {"storage.remote.read-sample-limit", "50000000",
       "Maximum samples returned by one remote read query (SAMPLES response); 0 = no limit.", false,
       [](ServerFlags& f, const std::string& v) { return SetInt(&f.remote_read_sample_limit, v); }},
      {"storage.remote.read-max-bytes-in-frame", "1048576",
       "Maximum bytes of chunk data in one streamed remote read frame.", false,
       [](ServerFlags& f, const std::string& v) { return SetInt(&f.remote_read_max_bytes_in_frame, v); }},
      {"storage.max-series", "0",
       "Cairn only: most series the head may hold; past it new series are refused (remote write answers 400 "
       "naming the limit, scrapes drop them) while existing series keep flowing. 0 = no bound.",
       false, [](ServerFlags& f, const std::string& v) { return SetInt(&f.max_series, v); }},
      {"storage.max-label-names-per-series", "0",
       "Cairn only: most labels (with __name__) a remote-written series may have; 0 = no bound.", false,
       [](ServerFlags& f, const std::string& v) { return SetInt(&f.max_label_names_per_series, v); }},
      {"storage.max-label-name-length", "0",
       "Cairn only: longest label name (bytes) a remote-written series may have; 0 = no bound.", false,
       [](ServerFlags& f, const std::string& v) { return SetInt(&f.max_label_name_length, v); }},
      {"storage.max-label-value-length", "0",
       "Cairn only: longest label value (bytes) a remote-written series may have; 0 = no bound.", false,
       [](ServerFlags& f, const std::string& v) { return SetInt(&f.max_label_value_length, v); }},
      {"storage.block-cache-size", "512MB",
       "Cairn only: memory for decompressed chunk blocks read by queries (B KB MB GB ...).", false,
       [](ServerFlags& f, const std::string& v) {
         auto n = api::ParseByteSize(v);
         if (!n.ok()) return n.status();
         f.block_cache_bytes = *n;
         return Status::OK();
       }},
      {"rules.alert.for-outage-tolerance", "1h",
       "Max time to tolerate prometheus outage for restoring \"for\" state of alert.", false,
       [](ServerFlags& f, const std::string& v) { return SetDuration(&f.rules_for_outage_tolerance_ms, v); }},
      {"rules.alert.for-grace-period", "10m",
       "Minimum duration between alert and restored \"for\" state. This is maintained only for alerts with "
       "configured \"for\" time greater than grace period.",
       false, [](ServerFlags& f, const std::string& v) { return SetDuration(&f.rules_for_grace_period_ms, v); }},
      {"rules.alert.resend-delay", "1m", "Minimum amount of time to wait before resending an alert to Alertmanager.",
       false, [](ServerFlags& f, const std::string& v) { return SetDuration(&f.rules_resend_delay_ms, v); }},
      {"rules.query-offset", "0s",
       "The default offset of rule evaluation queries; a group's query_offset or global.rule_query_offset wins.",
       false, [](ServerFlags& f, const std::string& v) { return SetDuration(&f.rules_query_offset_ms, v); }},
      {"web.external-url", "",
       "The URL under which Cairn is externally reachable (for alert generator URLs and $externalURL).", false,
       [](ServerFlags& f, const std::string& v) { f.external_url = v; return Status::OK(); }},
      {"web.route-prefix", "",
       "Prefix for the internal routes of web endpoints. Defaults to path of --web.external-url.", false,
       [](ServerFlags& f, const std::string& v) { f.route_prefix = v; return Status::OK(); }},
      {"alertmanager.notification-queue-capacity", "10000",
       "The capacity of the queue for pending Alertmanager notifications (per Alertmanager).", false,
       [](ServerFlags& f, const std::string& v) { return SetPositive(&f.alertmanager_queue_capacity, v); }},
      {"alertmanager.notification-batch-size", "256",
       "The maximum number of notifications per batch to send to the Alertmanager.", false,
       [](ServerFlags& f, const std::string& v) { return SetPositive(&f.alertmanager_batch_size, v); }},
      {"alertmanager.drain-notification-queue-on-shutdown", "true",
       "Send any outstanding Alertmanager notifications when shutting down (within a few seconds); "
       "if false they are dropped.",
       true,
       [](ServerFlags& f, const std::string& v) { return SetBool(&f.alertmanager_drain_on_shutdown, v); }},
      {"enable-feature", "",
       "Comma-separated feature names to enable (repeatable): agent, promql-delayed-name-removal, "
       "extra-scrape-metrics; "
       "promql-experimental-functions is always on.",
       false, SetFeatures},
      {"agent", "false",
       "Run as an agent: scrape and remote_write only, over WAL-only storage (also --enable-feature=agent).",
       true, [](ServerFlags& f, const std::string& v) { return SetBool(&f.agent, v); }},
      {"storage.agent.path", "data-agent/", "Base path for metrics storage. Use with agent mode only.", false,
       [](ServerFlags& f, const std::string& v) { f.agent_path = v; return Status::OK(); }, true},
      {"storage.agent.wal-truncate-frequency", "2h",
       "The frequency at which to truncate the WAL and remove old data. Use with agent mode only.", false,
       [](ServerFlags& f, const std::string& v) { return SetDuration(&f.agent_truncate_frequency_ms, v); },
       true},
      {"storage.agent.retention.min-time", "5m",
       "Minimum age samples may be before being considered for deletion when the WAL is truncated. Use with "
       "agent mode only.",
       false, [](ServerFlags& f, const std::string& v) { return SetDuration(&f.agent_min_wal_time_ms, v); },
       true},
      {"storage.agent.retention.max-time", "4h",
       "Maximum age samples may be before being forcibly deleted when the WAL is truncated. Use with agent mode "
       "only.",
       false, [](ServerFlags& f, const std::string& v) { return SetDuration(&f.agent_max_wal_time_ms, v); },
       true},
      {"storage.remote.flush-deadline", "1m", "How long to wait flushing sample on shutdown or config reload.",
       false, [](ServerFlags& f, const std::string& v) { return SetDuration(&f.remote_flush_deadline_ms, v); }},
      {"log.level", "info", "Only log messages with the given severity or above: debug, info, warn, error.", false,
       [](ServerFlags& f, const std::string& v) {
         if (v != "debug" && v != "info" && v != "warn" && v != "error") {
           return Status::InvalidArgument("expected one of debug, info, warn, error, got \"" + v + "\"");
         }
         f.log_level = v;
         return Status::OK();
       }},
  };
  return defs;
}

const FlagDef* Find(std::string_view name) {
  for (const auto& d : Defs()) {
    if (d.name == name) return &d;
  }
  return nullptr;
}

}  // namespace

Result<FlagsOutcome> ParseFlags(const std::vector<std::string>& args) {
  FlagsOutcome out;
  for (const auto& d : Defs()) out.flags.values[std::string(d.name)] = std::string(d.default_value);
  bool time_set = false;
  bool size_set = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") {
      out.action = FlagsOutcome::Action::kHelp;
      return out;
    }
    if (arg == "--version") {
      out.action = FlagsOutcome::Action::kVersion;
      return out;
    }
    if (arg.size() < 3 || arg.compare(0, 2, "--") != 0) {
      return Status::InvalidArgument("unexpected argument \"" + arg + "\"; flags start with --");
    }
    std::string name = arg.substr(2);
    std::string value;
    bool has_value = false;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
      has_value = true;
    }
    const FlagDef* def = Find(name);
    if (def == nullptr && !has_value && name.rfind("no-", 0) == 0) {
      def = Find(name.substr(3));
      if (def != nullptr && def->is_bool) {
        name = name.substr(3);
        value = "false";
        has_value = true;
      } else {
        def = nullptr;
      }
    }
    if (def == nullptr) return Status::InvalidArgument("unknown flag --" + name);
    if (!has_value) {
      if (def->is_bool) {
        value = "true";
      } else if (i + 1 < args.size()) {
        value = args[++i];
      } else {
        return Status::InvalidArgument("flag --" + name + " needs a value");
      }
    }
    Status st = def->set(out.flags, value);
    if (!st.ok()) return Status::InvalidArgument("invalid value for --" + name + ": " + st.message());
    std::string& shown = out.flags.values[name];
    shown = (name == "enable-feature" && !shown.empty()) ? shown + "," + value : value;
    if (def->agent_only) out.flags.agent_only_flags_set.push_back("--" + name);
    if (ServerOnly(name)) out.flags.server_only_flags_set.push_back("--" + name);
    if (name == "storage.tsdb.retention.time") time_set = true;
    if (name == "storage.tsdb.retention.size") size_set = true;
  }
  if (out.flags.agent) out.flags.values["agent"] = "true";
  if (size_set && !time_set) {
    out.flags.retention_time_ms = 0;
    out.flags.values["storage.tsdb.retention.time"] = "0s";
  }
  return out;
}

std::string FlagsHelp() {
  std::string out =
      "usage: cairn [<flags>]\n\nCairn, a Prometheus-compatible time-series database server.\n\nFlags:\n"
      "  --help                     Show this help.\n"
      "  --version                  Show the version.\n";
  for (const auto& d : Defs()) {
    std::string line = "  --" + std::string(d.name);
    if (!d.is_bool) line += "=<value>";
    out += line + "\n      " + std::string(d.help);
    if (!d.default_value.empty()) out += " (default: " + std::string(d.default_value) + ")";
    out += "\n";
  }
  return out;
}

}  // namespace cairn::server
