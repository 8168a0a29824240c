#include "exporters/redis/info.h"

#include <cctype>
#include <cmath>
#include <optional>
#include <map>
#include <set>

#include "util/go_strconv.h"

namespace cairn::exporters::redis {

namespace {

using prometheus::MetricType;

// INFO field → metric name (without "redis_") for gauges, as upstream maps them.
const std::map<std::string, std::string>& GaugeMap() {
  static const std::map<std::string, std::string> m = {
      // Server
      {"uptime_in_seconds", "uptime_in_seconds"}, {"process_id", "process_id"},
      {"io_threads_active", "io_threads_active"},
      // Clients
      {"connected_clients", "connected_clients"}, {"blocked_clients", "blocked_clients"},
      {"tracking_clients", "tracking_clients"}, {"clients_in_timeout_table", "clients_in_timeout_table"},
      {"client_longest_output_list", "client_longest_output_list"},
      {"client_biggest_input_buf", "client_biggest_input_buf"},
      {"client_recent_max_output_buffer", "client_recent_max_output_buffer_bytes"},
      {"client_recent_max_input_buffer", "client_recent_max_input_buffer_bytes"},
      // Memory
      {"allocator_active", "allocator_active_bytes"}, {"allocator_allocated", "allocator_allocated_bytes"},
      {"allocator_resident", "allocator_resident_bytes"}, {"allocator_frag_ratio", "allocator_frag_ratio"},
      {"allocator_frag_bytes", "allocator_frag_bytes"}, {"allocator_rss_ratio", "allocator_rss_ratio"},
      {"allocator_rss_bytes", "allocator_rss_bytes"}, {"used_memory", "memory_used_bytes"},
      {"used_memory_rss", "memory_used_rss_bytes"}, {"used_memory_peak", "memory_used_peak_bytes"},
      {"used_memory_lua", "memory_used_lua_bytes"}, {"used_memory_overhead", "memory_used_overhead_bytes"},
      {"used_memory_startup", "memory_used_startup_bytes"}, {"used_memory_dataset", "memory_used_dataset_bytes"},
      {"used_memory_scripts", "memory_used_scripts_bytes"}, {"number_of_cached_scripts", "number_of_cached_scripts"},
      {"maxmemory", "memory_max_bytes"}, {"maxmemory_reservation", "memory_max_reservation_bytes"},
      {"maxmemory_desired_reservation", "memory_max_reservation_desired_bytes"},
      {"maxfragmentationmemory_reservation", "memory_max_fragmentation_reservation_bytes"},
      {"maxfragmentationmemory_desired_reservation", "memory_max_fragmentation_reservation_desired_bytes"},
      {"mem_fragmentation_ratio", "mem_fragmentation_ratio"}, {"mem_fragmentation_bytes", "mem_fragmentation_bytes"},
      {"mem_clients_slaves", "mem_clients_slaves"}, {"mem_clients_normal", "mem_clients_normal"},
      {"expired_stale_perc", "expired_stale_percentage"},
      {"mem_not_counted_for_evict", "mem_not_counted_for_eviction_bytes"},
      {"lazyfree_pending_objects", "lazyfree_pending_objects"}, {"active_defrag_running", "active_defrag_running"},
      {"migrate_cached_sockets", "migrate_cached_sockets_total"}, {"active_defrag_hits", "defrag_hits"},
      {"active_defrag_misses", "defrag_misses"}, {"active_defrag_key_hits", "defrag_key_hits"},
      {"active_defrag_key_misses", "defrag_key_misses"},
      {"expired_time_cap_reached_count", "expired_time_cap_reached_total"},
      // Persistence
      {"loading", "loading_dump_file"}, {"rdb_changes_since_last_save", "rdb_changes_since_last_save"},
      {"rdb_bgsave_in_progress", "rdb_bgsave_in_progress"}, {"rdb_last_save_time", "rdb_last_save_timestamp_seconds"},
      {"rdb_last_bgsave_status", "rdb_last_bgsave_status"}, {"rdb_last_bgsave_time_sec", "rdb_last_bgsave_duration_sec"},
      {"rdb_current_bgsave_time_sec", "rdb_current_bgsave_duration_sec"},
      {"rdb_last_cow_size", "rdb_last_cow_size_bytes"}, {"aof_enabled", "aof_enabled"},
      {"aof_rewrite_in_progress", "aof_rewrite_in_progress"}, {"aof_rewrite_scheduled", "aof_rewrite_scheduled"},
      {"aof_last_rewrite_time_sec", "aof_last_rewrite_duration_sec"},
      {"aof_current_rewrite_time_sec", "aof_current_rewrite_duration_sec"},
      {"aof_last_cow_size", "aof_last_cow_size_bytes"}, {"aof_current_size", "aof_current_size_bytes"},
      {"aof_base_size", "aof_base_size_bytes"}, {"aof_pending_rewrite", "aof_pending_rewrite"},
      {"aof_buffer_length", "aof_buffer_length"}, {"aof_rewrite_buffer_length", "aof_rewrite_buffer_length"},
      {"aof_pending_bio_fsync", "aof_pending_bio_fsync"}, {"aof_delayed_fsync", "aof_delayed_fsync"},
      {"aof_last_bgrewrite_status", "aof_last_bgrewrite_status"}, {"aof_last_write_status", "aof_last_write_status"},
      {"module_fork_in_progress", "module_fork_in_progress"}, {"module_fork_last_cow_size", "module_fork_last_cow_size"},
      // Stats
      {"pubsub_channels", "pubsub_channels"}, {"pubsub_patterns", "pubsub_patterns"},
      {"latest_fork_usec", "latest_fork_usec"}, {"tracking_total_keys", "tracking_total_keys"},
      {"tracking_total_items", "tracking_total_items"}, {"tracking_total_prefixes", "tracking_total_prefixes"},
      // Replication
      {"connected_slaves", "connected_slaves"}, {"repl_backlog_size", "replication_backlog_bytes"},
      {"repl_backlog_active", "repl_backlog_is_active"},
      {"repl_backlog_first_byte_offset", "repl_backlog_first_byte_offset"},
      {"repl_backlog_histlen", "repl_backlog_history_bytes"}, {"master_repl_offset", "master_repl_offset"},
      {"second_repl_offset", "second_repl_offset"}, {"slave_expires_tracked_keys", "slave_expires_tracked_keys"},
      {"slave_priority", "slave_priority"}, {"sync_full", "replica_resyncs_full"},
      {"sync_partial_ok", "replica_partial_resync_accepted"}, {"sync_partial_err", "replica_partial_resync_denied"},
      // Cluster
      {"cluster_stats_messages_sent", "cluster_messages_sent_total"},
      {"cluster_stats_messages_received", "cluster_messages_received_total"},
      // KeyDB
      {"server_threads", "server_threads_total"}, {"long_lock_waits", "long_lock_waits_total"},
      {"current_client_thread", "current_client_thread"},
  };
  return m;
}

// INFO field → metric name (without "redis_") for counters.
const std::map<std::string, std::string>& CounterMap() {
  static const std::map<std::string, std::string> m = {
      {"total_connections_received", "connections_received_total"},
      {"total_commands_processed", "commands_processed_total"},
      {"rejected_connections", "rejected_connections_total"},
      {"total_net_input_bytes", "net_input_bytes_total"},
      {"total_net_output_bytes", "net_output_bytes_total"},
      {"expired_keys", "expired_keys_total"},
      {"cached_keys", "cached_keys_total"},
      {"evicted_keys", "evicted_keys_total"},
      {"keyspace_hits", "keyspace_hits_total"},
      {"keyspace_misses", "keyspace_misses_total"},
      {"used_cpu_sys", "cpu_sys_seconds_total"},
      {"used_cpu_user", "cpu_user_seconds_total"},
      {"used_cpu_sys_children", "cpu_sys_children_seconds_total"},
      {"used_cpu_user_children", "cpu_user_children_seconds_total"},
      {"used_cpu_sys_main_thread", "cpu_sys_main_thread_seconds_total"},
      {"used_cpu_user_main_thread", "cpu_user_main_thread_seconds_total"},
      {"unexpected_error_replies", "unexpected_error_replies"},
      {"total_error_replies", "total_error_replies"},
      {"total_reads_processed", "total_reads_processed"},
      {"total_writes_processed", "total_writes_processed"},
      {"io_threaded_reads_processed", "io_threaded_reads_processed"},
      {"io_threaded_writes_processed", "io_threaded_writes_processed"},
      {"dump_payload_sanitizations", "dump_payload_sanitizations"},
      {"storage_provider_read_hits", "storage_provider_read_hits"},
      {"storage_provider_read_misses", "storage_provider_read_misses"},
  };
  return m;
}

// Help texts of the families that carry labels or are derived.
std::string Help(const std::string& metric) {
  static const std::map<std::string, std::string> m = {
      {"commands_duration_seconds_total", "Total amount of time in seconds spent per command"},
      {"commands_failed_calls_total", "Total number of errors prior command execution per command"},
      {"commands_rejected_calls_total", "Total number of errors within command execution per command"},
      {"commands_total", "Total number of calls per command"},
      {"latency_percentiles_usec", "A summary of latency percentile distribution per command"},
      {"connected_slave_lag_seconds", "Lag of connected slave"},
      {"connected_slave_offset_bytes", "Offset of connected slave"},
      {"db_avg_ttl_seconds", "Avg TTL in seconds"},
      {"db_keys", "Total number of keys by DB"},
      {"db_keys_expiring", "Total number of expiring keys by DB"},
      {"db_keys_cached", "Total number of cached keys by DB"},
      {"errors_total", "Total number of errors per error type"},
      {"instance_info", "Information about the Redis instance"},
      {"master_last_io_seconds_ago", "Master last io seconds ago"},
      {"master_link_up", "Master link status on Redis slave"},
      {"master_sync_in_progress", "Master sync in progress"},
      {"slave_info", "Information about the Redis slave"},
      {"slave_repl_offset", "Slave replication offset"},
      {"start_time_seconds", "Start time of the Redis instance since unix epoch in seconds."},
  };
  auto it = m.find(metric);
  return it != m.end() ? it->second : metric + " metric";
}

void Gauge(FamilySet* out, const std::string& metric, double v, LabelPairs labels = {}) {
  out->Add("redis_" + metric, Help(metric), MetricType::Gauge, std::move(labels), v);
}
void Counter(FamilySet* out, const std::string& metric, double v, LabelPairs labels = {}) {
  out->Add("redis_" + metric, Help(metric), MetricType::Counter, std::move(labels), v);
}

std::optional<double> Float(std::string_view s) {
  GoFloat f = GoParseFloat(s);
  if (f.error != GoNumError::kNone) return std::nullopt;
  return f.value;
}

// "name=value" → value.
std::optional<double> ExtractVal(std::string_view s) {
  size_t eq = s.find('=');
  if (eq == std::string_view::npos || s.find('=', eq + 1) != std::string_view::npos) return std::nullopt;
  return Float(s.substr(eq + 1));
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    size_t p = s.find(sep, start);
    out.push_back(s.substr(start, p == std::string_view::npos ? std::string_view::npos : p - start));
    if (p == std::string_view::npos) break;
    start = p + 1;
  }
  return out;
}

bool StartsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

std::string Sanitize(std::string_view name) {
  std::string out(name);
  for (char& c : out) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') c = '_';
  }
  return out;
}

// key =~ ^master(_[0-9]+)?_<suffix>: "master_host", "master_1_host"; with
// `anchored_end` the suffix must end the key.
bool IsMasterField(std::string_view key, std::string_view suffix, bool anchored_end) {
  if (!StartsWith(key, "master_")) return false;
  std::string_view rest = key.substr(7);
  auto matches = [&](std::string_view r) {
    return anchored_end ? r == suffix : StartsWith(r, suffix);
  };
  if (matches(rest)) return true;
  size_t digits = 0;
  while (digits < rest.size() && std::isdigit(static_cast<unsigned char>(rest[digits]))) ++digits;
  return digits > 0 && digits < rest.size() && rest[digits] == '_' && matches(rest.substr(digits + 1));
}

bool IncludeMetric(const std::string& key) {
  return StartsWith(key, "db") || StartsWith(key, "cmdstat_") || StartsWith(key, "cluster_") ||
         GaugeMap().count(key) != 0 || CounterMap().count(key) != 0;
}

// One mapped or passed-through INFO field (upstream's parseAndRegisterConstMetric).
void AddField(const std::string& key, const std::string& value, FamilySet* out) {
  std::string original = Sanitize(key);
  std::string metric = original;
  MetricType type = MetricType::Gauge;
  if (auto g = GaugeMap().find(original); g != GaugeMap().end()) {
    metric = g->second;
  } else if (auto c = CounterMap().find(original); c != CounterMap().end()) {
    metric = c->second;
    type = MetricType::Counter;
  }
  double v = 0;  // upstream registers 0 for a value it cannot parse
  if (value == "ok" || value == "true") {
    v = 1;
  } else if (value == "err" || value == "fail" || value == "false") {
    v = 0;
  } else {
    v = Float(value).value_or(0);
  }
  if (metric == "latest_fork_usec") {
    metric = "latest_fork_seconds";
    v /= 1e6;
  }
  out->Add("redis_" + metric, Help(metric), type, {}, v);
}

// "slave0:ip=10.0.0.1,port=6379,state=online,offset=1751844676,lag=0"
bool AddConnectedSlave(const std::string& key, const std::string& value, FamilySet* out) {
  if (!StartsWith(key, "slave") || key.size() < 6 || !std::isdigit(static_cast<unsigned char>(key[5]))) return false;
  std::map<std::string, std::string> kv;
  for (std::string_view part : Split(value, ',')) {
    std::vector<std::string_view> x = Split(part, '=');
    if (x.size() != 2) return false;
    kv[std::string(x[0])] = std::string(x[1]);
  }
  std::optional<double> offset = Float(kv["offset"]);
  if (!offset) return false;
  double lag = -1;
  if (kv.count("lag") != 0) {
    std::optional<double> l = Float(kv["lag"]);
    if (!l) return false;
    lag = *l;
  }
  LabelPairs labels = {{"slave_ip", kv["ip"]}, {"slave_port", kv["port"]}, {"slave_state", kv["state"]}};
  Gauge(out, "connected_slave_offset_bytes", *offset, labels);
  if (lag > -1) Gauge(out, "connected_slave_lag_seconds", lag, labels);
  return true;
}

// Go's strconv.Atoi, 0 on failure (upstream ignores the error).
double Atoi(const std::string& s) {
  GoInt i = GoParseInt64(s);
  return i.error == GoNumError::kNone ? static_cast<double>(i.value) : 0;
}

bool AddReplicationField(const std::string& key, const std::string& value, const std::string& master_host,
                         const std::string& master_port, FamilySet* out) {
  LabelPairs master = {{"master_host", master_host}, {"master_port", master_port}};
  if (IsMasterField(key, "link_status", false)) {
    Gauge(out, "master_link_up", value == "up" ? 1 : 0, master);
    return true;
  }
  if (IsMasterField(key, "last_io_seconds_ago", false) || IsMasterField(key, "sync_in_progress", false) ||
      StartsWith(key, "slave_repl_offset")) {
    std::string metric = key;
    if (key.size() >= 19 && key.compare(key.size() - 19, 19, "last_io_seconds_ago") == 0) {
      metric = "master_last_io_seconds_ago";
    } else if (key.size() >= 16 && key.compare(key.size() - 16, 16, "sync_in_progress") == 0) {
      metric = "master_sync_in_progress";
    }
    Gauge(out, metric, Atoi(value), master);
    return true;
  }
  return AddConnectedSlave(key, value, out);
}

struct CommandStats {
  std::string cmd;
  double calls = 0, usec = 0, rejected = 0, failed = 0;
  bool extended = false;  // Redis 6.2+: rejected_calls and failed_calls
};

// "cmdstat_get" : "calls=21,usec=175,usec_per_call=8.33[,rejected_calls=0,failed_calls=0]"
std::optional<CommandStats> ParseCommandStats(const std::string& key, const std::string& value) {
  if (!StartsWith(key, "cmdstat_")) return std::nullopt;
  CommandStats s;
  s.cmd = key.substr(8);
  std::vector<std::string_view> parts = Split(value, ',');
  if (parts.size() < 3) return std::nullopt;
  std::optional<double> calls = ExtractVal(parts[0]), usec = ExtractVal(parts[1]);
  if (!calls || !usec) return std::nullopt;
  s.calls = *calls;
  s.usec = *usec;
  if (parts.size() >= 5) {
    std::optional<double> rejected = ExtractVal(parts[3]), failed = ExtractVal(parts[4]);
    if (!rejected || !failed) return std::nullopt;
    s.rejected = *rejected;
    s.failed = *failed;
    s.extended = true;
  }
  return s;
}

// "latency_percentiles_usec_get" : "p50=0.001,p99=1.003,p99.9=4.015"
bool ParseLatencyStats(const std::string& key, const std::string& value, std::string* cmd,
                       std::map<double, double>* percentiles) {
  const std::string prefix = "latency_percentiles_usec_";
  if (!StartsWith(key, prefix)) return false;
  *cmd = key.substr(prefix.size());
  for (std::string_view kv : Split(value, ',')) {
    std::vector<std::string_view> x = Split(kv, '=');
    if (x.size() != 2 || x[0].empty()) return false;
    std::optional<double> p = Float(x[0].substr(1)), v = Float(x[1]);
    if (!p || !v) return false;
    (*percentiles)[*p] = *v;
  }
  return true;
}

}  // namespace

std::vector<InfoField> ParseInfo(std::string_view text) {
  std::vector<InfoField> out;
  std::string section;
  for (std::string_view line : Split(text, '\n')) {
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.front()))) line.remove_prefix(1);
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) line.remove_suffix(1);
    if (StartsWith(line, "# ")) {
      section = std::string(line.substr(2));
      continue;
    }
    size_t colon = line.find(':');
    if (line.size() < 2 || colon == std::string_view::npos) continue;
    out.push_back({section, std::string(line.substr(0, colon)), std::string(line.substr(colon + 1))});
  }
  return out;
}

bool ParseKeyspace(std::string_view value, KeyspaceStats* out) {
  std::vector<std::string_view> parts = Split(value, ',');
  if (parts.size() < 2 || parts.size() > 4) return false;
  KeyspaceStats s;
  std::optional<double> keys = ExtractVal(parts[0]), expires = ExtractVal(parts[1]);
  if (!keys || !expires) return false;
  s.keys = *keys;
  s.expires = *expires;
  if (parts.size() > 2) {
    std::optional<double> ttl = ExtractVal(parts[2]);
    if (!ttl) return false;
    s.avg_ttl_s = *ttl / 1000;
  }
  if (parts.size() > 3) {
    std::optional<double> cached = ExtractVal(parts[3]);
    if (!cached) return false;
    s.cached_keys = *cached;
  }
  *out = s;
  return true;
}

int ConfigToFamilies(const std::vector<std::string>& pairs, FamilySet* out) {
  int databases = 0;
  for (size_t i = 0; i + 1 < pairs.size(); i += 2) {
    const std::string& key = pairs[i];
    const std::string& value = pairs[i + 1];
    if (key == "databases") {
      GoInt n = GoParseInt64(value);
      if (n.error == GoNumError::kNone && n.value > 0 && n.value < 1 << 20) databases = static_cast<int>(n.value);
    }
    if (key == "io-threads" || key == "maxclients" || key == "maxmemory") {
      if (std::optional<double> v = Float(value)) Gauge(out, "config_" + Sanitize(key), *v);
    }
  }
  return databases;
}

void InfoToFamilies(const std::vector<InfoField>& info, int db_count, double now_unix_s, FamilySet* out) {
  std::map<std::string, std::string> values;
  std::set<std::string> seen_dbs;
  std::map<std::string, CommandStats> commands;
  std::map<std::string, std::map<double, double>> latencies;
  std::string master_host, master_port;
  for (const InfoField& f : info) {
    values[f.key] = f.value;
    if (IsMasterField(f.key, "host", false)) master_host = f.value;
    if (IsMasterField(f.key, "port", false)) master_port = f.value;
    if (f.section == "Replication") {
      if (AddReplicationField(f.key, f.value, master_host, master_port, out)) continue;
    } else if (f.section == "Server") {
      if (f.key == "uptime_in_seconds") {
        if (std::optional<double> up = Float(f.value)) Gauge(out, "start_time_seconds", std::floor(now_unix_s) - *up);
      }
    } else if (f.section == "Commandstats") {
      if (std::optional<CommandStats> s = ParseCommandStats(f.key, f.value)) {
        LabelPairs cmd = {{"cmd", s->cmd}};
        Counter(out, "commands_total", s->calls, cmd);
        Counter(out, "commands_duration_seconds_total", s->usec / 1e6, cmd);
        if (s->extended) {
          Counter(out, "commands_rejected_calls_total", s->rejected, cmd);
          Counter(out, "commands_failed_calls_total", s->failed, cmd);
        }
        commands[s->cmd] = *s;
      }
      continue;
    } else if (f.section == "Latencystats") {
      std::string cmd;
      std::map<double, double> percentiles;
      if (ParseLatencyStats(f.key, f.value, &cmd, &percentiles)) latencies[cmd] = std::move(percentiles);
      continue;
    } else if (f.section == "Errorstats") {
      if (StartsWith(f.key, "errorstat_")) {
        if (std::optional<double> count = ExtractVal(f.value)) {
          Counter(out, "errors_total", *count, {{"err", f.key.substr(10)}});
        }
      }
      continue;
    } else if (f.section == "Keyspace") {
      KeyspaceStats ks;
      if (StartsWith(f.key, "db") && ParseKeyspace(f.value, &ks)) {
        LabelPairs db = {{"db", f.key}};
        Gauge(out, "db_keys", ks.keys, db);
        Gauge(out, "db_keys_expiring", ks.expires, db);
        if (ks.cached_keys > -1) Gauge(out, "db_keys_cached", ks.cached_keys, db);
        if (ks.avg_ttl_s > -1) Gauge(out, "db_avg_ttl_seconds", ks.avg_ttl_s, db);
        seen_dbs.insert(f.key);
        continue;
      }
    }
    if (IncludeMetric(f.key)) AddField(f.key, f.value, out);
  }
  // The latency summary needs the count and sum Commandstats gave.
  for (const auto& [cmd, percentiles] : latencies) {
    auto c = commands.find(cmd);
    if (c == commands.end()) continue;
    std::vector<prometheus::ClientMetric::Quantile> quantiles;
    for (const auto& [p, v] : percentiles) quantiles.push_back({p, v});
    out->AddSummary("redis_latency_percentiles_usec", Help("latency_percentiles_usec"), {{"cmd", cmd}},
                    static_cast<uint64_t>(c->second.calls), c->second.usec, std::move(quantiles));
  }
  for (int i = 0; i < db_count; ++i) {
    std::string db = "db" + std::to_string(i);
    if (seen_dbs.count(db) != 0) continue;
    Gauge(out, "db_keys", 0, {{"db", db}});
    Gauge(out, "db_keys_expiring", 0, {{"db", db}});
  }
  Gauge(out, "instance_info", 1,
        {{"role", values["role"]},
         {"redis_version", values["redis_version"]},
         {"redis_build_id", values["redis_build_id"]},
         {"redis_mode", values["redis_mode"]},
         {"os", values["os"]},
         {"maxmemory_policy", values["maxmemory_policy"]},
         {"tcp_port", values["tcp_port"]},
         {"run_id", values["run_id"]},
         {"process_id", values["process_id"]}});
  if (values["role"] == "slave") {
    Gauge(out, "slave_info", 1,
          {{"master_host", values["master_host"]},
           {"master_port", values["master_port"]},
           {"read_only", values["slave_read_only"]}});
  }
}

void ClusterInfoToFamilies(std::string_view text, FamilySet* out) {
  for (std::string_view line : Split(text, '\n')) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::vector<std::string_view> kv = Split(line, ':');
    if (kv.size() != 2) continue;
    std::string key(kv[0]);
    if (IncludeMetric(key)) AddField(key, std::string(kv[1]), out);
  }
}

}  // namespace cairn::exporters::redis
