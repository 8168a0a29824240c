#include "exporters/postgres/builtin_namespaces.h"

#include <utility>

namespace cairn::exporters::postgres {

namespace {

constexpr int kV92 = 90200;
constexpr int kV94 = 90400;
constexpr int kV10 = 100000;

ColumnMapping Col(ColumnUsage usage, const char* description, VersionRange versions = {}) {
  return ColumnMapping{usage, description, {}, versions};
}

const ColumnUsage L = ColumnUsage::kLabel;
const ColumnUsage C = ColumnUsage::kCounter;
const ColumnUsage G = ColumnUsage::kGauge;
const ColumnUsage D = ColumnUsage::kDiscard;

QueryNamespace StatDatabase() {
  QueryNamespace ns{"pg_stat_database", "", {}, true, 0, ""};
  ns.columns = {
      {"datid", Col(L, "OID of the database")},
      {"datname", Col(L, "Name of the database")},
      {"numbackends", Col(G, "Backends connected to this database now (the view's only current-state column).")},
      {"xact_commit", Col(C, "Transactions committed in this database")},
      {"xact_rollback", Col(C, "Transactions rolled back in this database")},
      {"blks_read", Col(C, "Disk blocks read in this database")},
      {"blks_hit", Col(C, "Disk blocks found in PostgreSQL's buffer cache, so no read was needed")},
      {"tup_returned", Col(C, "Rows returned by queries in this database")},
      {"tup_fetched", Col(C, "Rows fetched by queries in this database")},
      {"tup_inserted", Col(C, "Rows inserted by queries in this database")},
      {"tup_updated", Col(C, "Rows updated by queries in this database")},
      {"tup_deleted", Col(C, "Rows deleted by queries in this database")},
      {"conflicts", Col(C, "Queries canceled by conflicts with recovery in this database (standbys only)")},
      {"temp_files", Col(C, "Temporary files created by queries in this database")},
      {"temp_bytes", Col(C, "Bytes written to temporary files by queries in this database")},
      {"deadlocks", Col(C, "Deadlocks detected in this database")},
      {"blk_read_time", Col(C, "Time backends spent reading data file blocks in this database, in milliseconds")},
      {"blk_write_time", Col(C, "Time backends spent writing data file blocks in this database, in milliseconds")},
      {"stats_reset", Col(C, "Time at which these statistics were last reset")},
  };
  return ns;
}

QueryNamespace StatDatabaseConflicts() {
  QueryNamespace ns{"pg_stat_database_conflicts", "", {}, true, 0, ""};
  ns.columns = {
      {"datid", Col(L, "OID of the database")},
      {"datname", Col(L, "Name of the database")},
      {"confl_tablespace", Col(C, "Queries in this database canceled because of dropped tablespaces")},
      {"confl_lock", Col(C, "Queries in this database canceled because of lock timeouts")},
      {"confl_snapshot", Col(C, "Queries in this database canceled because of old snapshots")},
      {"confl_bufferpin", Col(C, "Queries in this database canceled because of pinned buffers")},
      {"confl_deadlock", Col(C, "Queries in this database canceled because of deadlocks")},
  };
  return ns;
}

QueryNamespace Locks() {
  // Every lock mode for every database, zero where none is held.
  QueryNamespace ns{"pg_locks",
                    "SELECT pg_database.datname, tmp.mode, COALESCE(count, 0) AS count "
                    "FROM (VALUES ('accesssharelock'), ('rowsharelock'), ('rowexclusivelock'), "
                    "('shareupdateexclusivelock'), ('sharelock'), ('sharerowexclusivelock'), ('exclusivelock'), "
                    "('accessexclusivelock'), ('sireadlock')) AS tmp(mode) CROSS JOIN pg_database "
                    "LEFT JOIN (SELECT database, lower(mode) AS mode, count(*) AS count FROM pg_locks "
                    "WHERE database IS NOT NULL GROUP BY database, lower(mode)) AS tmp2 "
                    "ON tmp.mode = tmp2.mode AND pg_database.oid = tmp2.database ORDER BY 1",
                    {},
                    true,
                    0,
                    ""};
  ns.columns = {
      {"datname", Col(L, "Name of the database")},
      {"mode", Col(L, "Lock mode")},
      {"count", Col(G, "Number of locks")},
  };
  return ns;
}

QueryNamespace StatReplication(int version) {
  QueryNamespace ns{"pg_stat_replication", "", {}, true, 0, ""};
  if (version >= kV10) {
    ns.query =
        "SELECT *, (CASE pg_is_in_recovery() WHEN 't' THEN NULL ELSE pg_current_wal_lsn() END) AS pg_current_wal_lsn, "
        "(CASE pg_is_in_recovery() WHEN 't' THEN NULL ELSE pg_wal_lsn_diff(pg_current_wal_lsn(), pg_lsn('0/0'))::float "
        "END) AS pg_current_wal_lsn_bytes, (CASE pg_is_in_recovery() WHEN 't' THEN NULL ELSE "
        "pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::float END) AS pg_wal_lsn_diff FROM pg_stat_replication";
  } else if (version >= kV92) {
    ns.query =
        "SELECT *, (CASE pg_is_in_recovery() WHEN 't' THEN NULL ELSE pg_current_xlog_location() END) AS "
        "pg_current_xlog_location, (CASE pg_is_in_recovery() WHEN 't' THEN NULL ELSE "
        "pg_xlog_location_diff(pg_current_xlog_location(), replay_location)::float END) AS pg_xlog_location_diff "
        "FROM pg_stat_replication";
  } else {
    ns.query =
        "SELECT *, (CASE pg_is_in_recovery() WHEN 't' THEN NULL ELSE pg_current_xlog_location() END) AS "
        "pg_current_xlog_location FROM pg_stat_replication";
  }
  const VersionRange before92{0, kV92}, from92{kV92}, before10{0, kV10}, from10{kV10}, from92to10{kV92, kV10};
  ns.columns = {
      {"procpid", Col(D, "", before92)},
      {"pid", Col(D, "", from92)},
      {"usesysid", Col(D, "")},
      {"usename", Col(D, "")},
      {"application_name", Col(L, "Name of the application connected to this WAL sender")},
      {"client_addr", Col(L, "IP address of the client connected to this WAL sender (empty for a Unix socket)")},
      {"client_hostname", Col(D, "")},
      {"client_port", Col(D, "")},
      {"backend_start", Col(D, "")},
      {"backend_xmin", Col(D, "")},
      {"state", Col(L, "State of the WAL sender")},
      {"sent_location", Col(D, "", before10)},
      {"write_location", Col(D, "", before10)},
      {"flush_location", Col(D, "", before10)},
      {"replay_location", Col(D, "", before10)},
      {"sent_lsn", Col(D, "", from10)},
      {"write_lsn", Col(D, "", from10)},
      {"flush_lsn", Col(D, "", from10)},
      {"replay_lsn", Col(D, "", from10)},
      {"sync_priority", Col(D, "")},
      {"sync_state", Col(D, "")},
      {"slot_name", Col(L, "Replication slot name", from92)},
      {"plugin", Col(D, "")},
      {"slot_type", Col(D, "")},
      {"datoid", Col(D, "")},
      {"database", Col(D, "")},
      {"active", Col(D, "")},
      {"active_pid", Col(D, "")},
      {"xmin", Col(D, "")},
      {"catalog_xmin", Col(D, "")},
      {"restart_lsn", Col(D, "")},
      {"pg_current_xlog_location", Col(D, "")},
      {"pg_current_wal_lsn", Col(D, "", from10)},
      {"pg_current_wal_lsn_bytes", Col(G, "Current WAL position in bytes", from10)},
      {"pg_xlog_location_diff", Col(G, "Replication lag behind the primary in bytes", from92to10)},
      {"pg_wal_lsn_diff", Col(G, "Replication lag behind the primary in bytes", from10)},
      {"confirmed_flush_lsn", Col(D, "")},
      {"write_lag", Col(D, "", from10)},
      {"flush_lag", Col(D, "", from10)},
      {"replay_lag", Col(D, "", from10)},
  };
  return ns;
}

QueryNamespace ReplicationSlots(int version) {
  QueryNamespace ns{"pg_replication_slots", "", {}, true, 0, ""};
  if (version >= kV10) {
    ns.query =
        "SELECT slot_name, database, active, pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn) FROM "
        "pg_replication_slots";
  } else if (version >= kV94) {
    ns.query =
        "SELECT slot_name, database, active, pg_xlog_location_diff(pg_current_xlog_location(), restart_lsn) FROM "
        "pg_replication_slots";
  }
  ns.columns = {
      {"slot_name", Col(L, "Replication slot name")},
      {"database", Col(L, "Database of the slot")},
      {"active", Col(G, "Whether the slot is in use (1) or not (0)")},
      {"pg_wal_lsn_diff", Col(G, "Replication lag of the slot in bytes")},
  };
  return ns;
}

QueryNamespace StatArchiver() {
  QueryNamespace ns{"pg_stat_archiver",
                    "SELECT *, extract(epoch from now() - last_archived_time) AS last_archive_age FROM pg_stat_archiver",
                    {},
                    true,
                    0,
                    ""};
  ns.columns = {
      {"archived_count", Col(C, "WAL files archived successfully")},
      {"last_archived_wal", Col(D, "")},
      {"last_archived_time", Col(D, "")},
      {"failed_count", Col(C, "Failed attempts to archive WAL files")},
      {"last_failed_wal", Col(D, "")},
      {"last_failed_time", Col(D, "")},
      {"stats_reset", Col(D, "")},
      {"last_archive_age", Col(G, "Seconds since a WAL segment was last archived successfully")},
  };
  return ns;
}

QueryNamespace StatActivity(int version) {
  QueryNamespace ns{"pg_stat_activity", "", {}, true, 0, ""};
  if (version >= kV92) {
    // Every state for every database, zero where no backend is in it.
    ns.query =
        "SELECT pg_database.datname, tmp.state, COALESCE(count, 0) AS count, COALESCE(max_tx_duration, 0) AS "
        "max_tx_duration FROM (VALUES ('active'), ('idle'), ('idle in transaction'), ('idle in transaction "
        "(aborted)'), ('fastpath function call'), ('disabled')) AS tmp(state) CROSS JOIN pg_database LEFT JOIN "
        "(SELECT datname, state, count(*) AS count, MAX(EXTRACT(EPOCH FROM now() - xact_start))::float AS "
        "max_tx_duration FROM pg_stat_activity GROUP BY datname, state) AS tmp2 ON tmp.state = tmp2.state AND "
        "pg_database.datname = tmp2.datname";
  } else {
    ns.query =
        "SELECT datname, 'unknown' AS state, COALESCE(count(*), 0) AS count, COALESCE(MAX(EXTRACT(EPOCH FROM now() "
        "- xact_start))::float, 0) AS max_tx_duration FROM pg_stat_activity GROUP BY datname";
  }
  ns.columns = {
      {"datname", Col(L, "Name of the database")},
      {"state", Col(L, "Connection state", VersionRange{kV92})},
      {"count", Col(G, "number of connections in this state")},
      {"max_tx_duration", Col(G, "max duration in seconds any active transaction has been running")},
  };
  return ns;
}

}  // namespace

std::vector<QueryNamespace> BuiltinNamespaces(int server_version) {
  std::vector<QueryNamespace> out;
  out.push_back(StatDatabase());
  out.push_back(StatDatabaseConflicts());
  out.push_back(Locks());
  out.push_back(StatReplication(server_version));
  QueryNamespace slots = ReplicationSlots(server_version);
  if (!slots.query.empty()) out.push_back(std::move(slots));  // none before 9.4
  out.push_back(StatArchiver());
  out.push_back(StatActivity(server_version));
  return out;
}

}  // namespace cairn::exporters::postgres
