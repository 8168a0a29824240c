#!/usr/bin/env bash
# Enforces the dependency direction of shared/STYLE.md §1 on #include lines, so
# a header reached through the shared include root still fails CI when a
# lower layer includes an upper one (linking alone only catches used symbols).
set -uo pipefail
root="${1:-$(cd "$(dirname "$0")/.." && pwd)}"
cd "$root" || exit 2

api='storage/(cardinality|labels|matcher|sample|queryable|querier_warnings|appender|memory_storage)\.h'
declare -A allowed=(
  [util]='^util/'
  # The web config (--web.config.file), shared by the server and the exporters.
  [webconfig]='^(util|webconfig)/'
  [storage]="^(util|storage)/"
  [promql]="^(util|promql)/|^${api}$"
  [ingest]="^(util|ingest|proto)/|^${api}$"
  [scrape]="^(util|ingest|scrape)/|^${api}$"
  [rules]="^(util|promql|rules)/|^${api}$"
  [notifier]="^(util|ingest|scrape|notifier)/|^${api}$"
  # remote read decodes XOR chunks with the engine's codec (storage/chunk); the
  # remote-write sender reads the WAL's files and records, never the engine.
  [remote]="^(util|ingest|scrape|proto|remote)/|^storage/chunk/|^${api}$|^storage/wal/(records|segment_reader)\\.h$"
  [exporters]='^(util|proto|webconfig|exporters)/'
  [exporters/common]='^(util|proto|webconfig|exporters/common)/'
  # Tools speak to the server over the wire (HTTP API, remote write/read, gRPC)
  # and open storage for offline work; they never reach into server/.
  # The one exception: `check config` reuses the server's config loader.
  [tools]="^(util|storage|promql|ingest|scrape|rules|proto|tools)/|^server/config(_rules)?\\.h$"
)
# Third-party headers a layer must not reach (storage knows no wire or HTTP).
declare -A forbidden_system=(
  [util]='^(rocksdb|google|grpc|grpcpp|boost|yaml-cpp|re2)/'
  [webconfig]='^(rocksdb|google|grpc|grpcpp|re2)/'
  [storage]='^(google|grpc|grpcpp|boost|yaml-cpp)/'
  [promql]='^(rocksdb|google|grpc|grpcpp|yaml-cpp)/'
  [ingest]='^(rocksdb|boost|yaml-cpp)/'
  [scrape]='^(rocksdb|google|grpc|grpcpp)/'
  [rules]='^(rocksdb|google|grpc|grpcpp|boost/(beast|asio))'
  [notifier]='^(rocksdb|google|grpc|grpcpp)/'
  [remote]='^(rocksdb|grpc|grpcpp|yaml-cpp)/'
  [exporters]='^(rocksdb|grpc|grpcpp)/'
  [exporters/common]='^(rocksdb|grpc|grpcpp|google)/'
  [tools]='^$'
)

violations=0
checked=0
# exporters/common is checked on its own (stricter: no exporter's code); the
# exporters' own directories as "exporters".
for layer in util webconfig storage promql ingest scrape rules notifier remote exporters exporters/common tools; do
  [ -d "$layer" ] || continue
  prune=()
  [ "$layer" = exporters ] && prune=(-path exporters/common -prune -o)
  # util/asio is where Boost.Asio and Beast are compiled once (cairn_asio):
  # Boost's code, linked only by the parts that speak HTTP.
  [ "$layer" = util ] && prune=(-path util/asio -prune -o)
  while IFS= read -r -d '' file; do
    checked=$((checked + 1))
    while IFS= read -r inc; do
      if ! [[ $inc =~ ${allowed[$layer]} ]]; then
        echo "layering: $file includes \"$inc\" (not allowed in $layer/)"
        violations=$((violations + 1))
      fi
    done < <(sed -nE 's/^[[:space:]]*#[[:space:]]*include[[:space:]]+"([^"]+)".*/\1/p' "$file")
    while IFS= read -r inc; do
      if [[ $inc =~ ${forbidden_system[$layer]} ]]; then
        echo "layering: $file includes <$inc> (not allowed in $layer/)"
        violations=$((violations + 1))
      fi
    done < <(sed -nE 's/^[[:space:]]*#[[:space:]]*include[[:space:]]+<([^>]+)>.*/\1/p' "$file")
  done < <(find "$layer" "${prune[@]}" \( -name '*.h' -o -name '*.cc' \) -print0)
done
echo "layering: $checked files checked, $violations violations"
[ "$violations" -eq 0 ]
