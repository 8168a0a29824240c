// QueryRunner: runs /api/v1/query and /api/v1/query_range requests on the
// PromQL engine over one Queryable and renders the "data" object
// (COMPAT.md §1.3 result shapes) with the writer's number formats.
// Thread-safety: Run() may be called concurrently; the engine and queryable
// must outlive the runner.
#pragma once

#include "promql/engine.h"
#include "server/api/api_v1.h"
#include "storage/queryable.h"

namespace cairn::server {

class QueryRunner {
 public:
  QueryRunner(const promql::Engine& engine, storage::Queryable& queryable, int64_t max_samples)
      : engine_(engine), queryable_(queryable), max_samples_(max_samples) {}

  // Parse errors are InvalidArgument (bad_data); evaluation errors keep the
  // engine's codes (execution, timeout, canceled).
  Result<api::QueryAnswer> Run(const api::QueryRequest& req) const;

  // /api/v1/format_query: the canonical form of `query`.
  static Result<std::string> Format(std::string_view query);
  // /api/v1/parse_query: the syntax tree of `query` as JSON (server/ast_json.h).
  static Result<std::string> ParseTree(std::string_view query);
  // Parses `query`; true when it has a vector or matrix selector.
  static Result<bool> HasSelectors(std::string_view query);

 private:
  const promql::Engine& engine_;
  storage::Queryable& queryable_;
  int64_t max_samples_;
};

// Writes a result value as the API renders it: {"resultType":..,"result":..}.
// Exposed for tests.
void WriteQueryData(api::JsonWriter& w, const promql::Value& value);

}  // namespace cairn::server
