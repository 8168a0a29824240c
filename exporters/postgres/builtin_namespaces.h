// The views postgres_exporter 0.11 reads by default through query namespaces
// (its builtinMetricMaps and queryOverrides): pg_stat_database,
// pg_stat_database_conflicts, pg_locks, pg_stat_replication,
// pg_replication_slots, pg_stat_archiver and pg_stat_activity, each with the
// query that fits the server's version.
// Thread-safety: pure function.
#pragma once

#include <vector>

#include "exporters/postgres/query_namespace.h"

namespace cairn::exporters::postgres {

// The built-in namespaces for a server of `server_version` (150400 = 15.4).
std::vector<QueryNamespace> BuiltinNamespaces(int server_version);

}  // namespace cairn::exporters::postgres
