// PostgresCollector: what postgres_exporter 0.11 exports by default, from one
// PostgreSQL server, on every Collect():
//   pg_up, pg_static{version,short_version}, pg_settings_*, the built-in
//   namespaces (pg_stat_database_*, pg_stat_database_conflicts_*,
//   pg_locks_count, pg_stat_replication_*, pg_replication_slots_*,
//   pg_stat_archiver_*, pg_stat_activity_count/_max_tx_duration), the
//   "database" and "bgwriter" collectors (pg_database_size_bytes,
//   pg_stat_bgwriter_*_total, pg_scrape_collector_*), the user's queries
//   (--extend.query-path), and pg_exporter_* about the scrapes themselves.
// Samples from the server carry server="<host>:<port>" (dsn.h).
//
// A server that is down, refuses the login or is too slow gives pg_up 0 and an
// error line in the log; the scrape still answers. Every wait on the server is
// bounded by the scrape's deadline (exporters/common/scrape_deadline.h).
// Thread-safety: Collect() may be called from any thread; calls are serialised.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <prometheus/collectable.h>

#include "exporters/postgres/pg_connection.h"
#include "exporters/postgres/query_namespace.h"

namespace cairn::exporters::postgres {

struct PostgresCollectorOptions {
  std::string dsn;                     // DATA_SOURCE_NAME / --data-source-name
  std::string user_queries_path;       // --extend.query-path; "" = none
  bool disable_default_metrics = false;   // --disable-default-metrics
  bool disable_settings_metrics = false;  // --disable-settings-metrics
};

class PostgresCollector : public prometheus::Collectable {
 public:
  explicit PostgresCollector(PostgresCollectorOptions options);

  std::vector<prometheus::MetricFamily> Collect() const override;
  // One scrape that must end by `deadline` (what Collect() does with the
  // current scrape's deadline).
  std::vector<prometheus::MetricFamily> CollectBy(Deadline deadline) const;

 private:
  struct CachedRows {
    std::chrono::steady_clock::time_point at;
    QueryResult result;
  };
  struct State {
    PgConnection conn;
    double scrapes = 0;
    std::vector<QueryNamespace> user_queries;
    bool user_queries_error = false;
    std::string user_queries_hash;
    std::map<std::string, CachedRows> cache;  // namespace → its last rows (cache_seconds)
    explicit State(std::string dsn) : conn(std::move(dsn)) {}
  };

  void LoadUserQueries();
  // Runs everything that needs the server; false when the connection failed.
  bool ScrapeServer(Deadline deadline, FamilySet* out, bool* had_error) const;

  PostgresCollectorOptions options_;
  std::string server_;  // the `server` label value
  mutable std::mutex mu_;
  mutable State state_;  // guarded by mu_
};

}  // namespace cairn::exporters::postgres
