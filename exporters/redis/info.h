// Redis INFO text and CONFIG GET replies turned into redis_exporter 1.x's
// metric families (oliver006/redis_exporter: exporter/info.go, metrics.go and
// the metric maps in exporter.go), as pure functions:
//   - mapped INFO fields as gauges or counters under upstream's names
//     (used_memory → redis_memory_used_bytes, keyspace_hits →
//     redis_keyspace_hits_total, ...), "db*", "cmdstat_*" and "cluster_*"
//     fields under their own names;
//   - # Commandstats → redis_commands_total, _duration_seconds_total,
//     _rejected_calls_total, _failed_calls_total {cmd};
//   - # Latencystats (Redis 7) → the summary redis_latency_percentiles_usec{cmd};
//   - # Errorstats → redis_errors_total{err};
//   - # Keyspace → redis_db_keys, redis_db_keys_expiring, redis_db_avg_ttl_seconds
//     {db}, zero for the databases INFO does not list;
//   - # Replication → connected slaves' offset and lag, a replica's master link;
//   - redis_instance_info, redis_slave_info, redis_start_time_seconds.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "exporters/family_set/family_set.h"

namespace cairn::exporters::redis {

struct InfoField {
  std::string section;  // "Memory" (from "# Memory")
  std::string key;
  std::string value;
};

// The "key:value" lines of INFO, each with the section it is in. Lines
// without ':' or shorter than two bytes are skipped; surrounding whitespace
// (and the \r of \r\n) is trimmed.
std::vector<InfoField> ParseInfo(std::string_view text);

// CONFIG GET * as name/value pairs: adds redis_config_io_threads,
// redis_config_maxclients and redis_config_maxmemory, and returns the
// "databases" setting (0 when absent or not a number).
int ConfigToFamilies(const std::vector<std::string>& pairs, FamilySet* out);

// Adds the families INFO yields. `db_count` databases get redis_db_keys even
// when INFO lists none of their keys; `now_unix_s` dates start_time_seconds.
void InfoToFamilies(const std::vector<InfoField>& info, int db_count, double now_unix_s, FamilySet* out);

// CLUSTER INFO's "key:value" lines that the metric maps know.
void ClusterInfoToFamilies(std::string_view text, FamilySet* out);

// Keyspace value "keys=1,expires=0,avg_ttl=0" → counts; false when malformed.
struct KeyspaceStats {
  double keys = 0, expires = 0, avg_ttl_s = -1, cached_keys = -1;
};
bool ParseKeyspace(std::string_view value, KeyspaceStats* out);

}  // namespace cairn::exporters::redis
