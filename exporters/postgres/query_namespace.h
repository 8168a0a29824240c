// A query namespace of postgres_exporter: a query (or "SELECT * FROM <name>")
// whose columns map to metrics named "<name>_<column>" by their usage, as in
// postgres_exporter 0.11's builtinMetricMaps and its queries.yaml format
// (cmd/postgres_exporter/postgres_exporter.go, namespace.go). Both the
// built-in views and the user's queries are QueryNamespaces.
//
// Rows come from libpq in text form; RowsToFamilies converts them the way
// Go's lib/pq values convert in upstream (dbToFloat64, dbToString): NULL is
// NaN (and "" as a label), booleans 1/0, timestamps Unix seconds.
// Thread-safety: plain data and pure functions.
#pragma once

#include <climits>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "exporters/family_set/family_set.h"

namespace cairn::exporters::postgres {

enum class ColumnUsage { kDiscard, kLabel, kCounter, kGauge, kMappedMetric, kDuration, kHistogram };

// "LABEL" → kLabel ...; nullopt for an unknown word (upstream then falls back
// to DISCARD).
std::optional<ColumnUsage> ParseColumnUsage(const std::string& word);

// Server versions as server_version_num counts them (15.4 → 150400).
struct VersionRange {
  int min = 0;        // inclusive
  int max = INT_MAX;  // exclusive
  bool Contains(int version) const { return version >= min && version < max; }
};

struct ColumnMapping {
  ColumnUsage usage = ColumnUsage::kDiscard;
  std::string description;
  std::map<std::string, double> value_map;  // MAPPEDMETRIC: text → value
  VersionRange versions;                    // outside it the column is discarded
};

struct QueryNamespace {
  std::string name;   // "pg_stat_database"; the metric prefix
  std::string query;  // "" = SELECT * FROM <name>;
  std::map<std::string, ColumnMapping> columns;
  bool master = false;
  uint64_t cache_seconds = 0;
  std::string run_on_server;  // a semver range such as ">=10.0.0"; "" = any
};

// Column types as far as value conversion cares (from the result's type OIDs).
enum class PgType { kText, kInt, kFloat, kBool, kTimestamp };
PgType PgTypeOfOid(unsigned oid);

struct QueryResult {
  std::vector<std::string> columns;
  std::vector<PgType> types;
  std::vector<std::vector<std::optional<std::string>>> rows;  // nullopt = NULL
};

// Adds one sample per metric column per row to `out`, labelled with the
// namespace's LABEL columns and `server_labels`. Columns the namespace does
// not know become untyped "Unknown metric from <name>" samples when their
// value is numeric. Values that cannot be converted are skipped and described
// in `errors` (upstream's non-fatal errors).
void RowsToFamilies(const QueryNamespace& ns, int server_version, const QueryResult& result,
                    const LabelPairs& server_labels, FamilySet* out, std::vector<std::string>* errors);

// lib/pq value → float64 as upstream's dbToFloat64; nullopt when not numeric.
std::optional<double> ValueOf(PgType type, const std::optional<std::string>& text);
// lib/pq value → label text as upstream's dbToString.
std::string LabelOf(PgType type, const std::optional<std::string>& text);
// Go's time.ParseDuration in milliseconds ("1h2m", "300ms", "1.5s"); nullopt
// when malformed.
std::optional<double> ParseGoDurationMs(const std::string& text);
struct ServerVersion {
  // Each part is at most kMaxPart, so Num() fits an int.
  static constexpr int kMaxPart = 99999;
  int major = 0, minor = 0, patch = 0;
  // 150400 for 15.4.0; lossy when minor or patch exceed 99, so ranges compare
  // versions part by part (operator<=>), never by Num().
  int Num() const { return major * 10000 + minor * 100 + patch; }
  auto operator<=>(const ServerVersion&) const = default;
  std::string String() const;  // "15.4.0", as semver prints it (pg_static's short_version)
};
// The version in SELECT version()'s text ("PostgreSQL 15.4 (Debian ...) on ...")
// as upstream's `^\w+ ((\d+)(\.\d+)?(\.\d+)?)`; nullopt when none or when a
// part exceeds ServerVersion::kMaxPart.
std::optional<ServerVersion> ParseServerVersion(const std::string& version_string);
// Whether a semver range of the blang/semver kind (">=9.6.0 <12.0.0",
// alternatives joined by "||") contains `version`; false when malformed.
bool VersionInRange(const std::string& range, const ServerVersion& version);

}  // namespace cairn::exporters::postgres
