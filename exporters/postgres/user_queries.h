// User queries from a YAML file in postgres_exporter's queries.yaml format
// (`--extend.query-path`), parsed into QueryNamespaces:
//
//   pg_postmaster:                       # namespace = metric prefix
//     query: "SELECT pg_postmaster_start_time() AS start_time_seconds"
//     master: true                       # optional
//     cache_seconds: 30                  # optional: reuse results this long
//     runonserver: ">=10.0.0"            # optional: semver range of servers
//     metrics:
//       - start_time_seconds:
//           usage: "GAUGE"               # LABEL, COUNTER, GAUGE, DISCARD,
//           description: "..."           # MAPPEDMETRIC, DURATION
//           metric_mapping: {a: 1}       # MAPPEDMETRIC only
//
// A column named c of namespace n becomes the metric n_c (DURATION: n_c_milliseconds).
// An unknown usage word counts as DISCARD, as upstream.
// Thread-safety: pure function.
#pragma once

#include <string_view>
#include <vector>

#include "exporters/postgres/query_namespace.h"
#include "util/status.h"

namespace cairn::exporters::postgres {

// The namespaces in `yaml`, sorted by name. InvalidArgument (with yaml-cpp's
// line and column) when it is not YAML or not of this shape.
Result<std::vector<QueryNamespace>> ParseUserQueries(std::string_view yaml);

}  // namespace cairn::exporters::postgres
