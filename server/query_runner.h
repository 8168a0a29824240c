// QueryRunner: runs /api/v1/query and /api/v1/query_range requests on the
// PromQL engine over one Queryable and renders the "data" object
// (COMPAT.md §1.3 result shapes) with the writer's number formats. The
// evaluation stops when the request's cancel flag turns true (the HTTP
// client went away).
// Thread-safety: Run() may be called concurrently; the engine and queryable
// must outlive the runner.
#pragma once

#include <atomic>
#include <functional>

#include "promql/engine.h"
#include "server/api/api_v1.h"
#include "storage/queryable.h"

namespace cairn::server {

class QueryRunner {
 public:
  // `delayed_name_removal`: --enable-feature=promql-delayed-name-removal.
  QueryRunner(const promql::Engine& engine, storage::Queryable& queryable, int64_t max_samples,
              bool delayed_name_removal = false)
      : engine_(engine),
        queryable_(queryable),
        max_samples_(max_samples),
        delayed_name_removal_(delayed_name_removal) {}

  // --query.max-memory for every query it runs; 0 = no bound.
  void set_max_memory_bytes(int64_t bytes) { max_memory_bytes_ = bytes; }

  // Evaluates the request; the answer holds the result until its write_data
  // is dropped. Parse errors are InvalidArgument reading as Prometheus'
  // `invalid parameter "query": 1:5: parse error: ...` (bad_data);
  // evaluation errors keep the engine's codes (execution, timeout, canceled;
  // canceled when req.cancel turned true). When `limit` cuts the result, the
  // warning "results truncated due to limit" comes first, so the API's
  // annotation cap never drops it.
  Result<api::QueryAnswer> Run(const api::QueryRequest& req) const;

  // /api/v1/format_query: the canonical form of `query`; parse errors as Run's.
  static Result<std::string> Format(std::string_view query);
  // /api/v1/parse_query: the syntax tree of `query` as JSON (server/ast_json.h);
  // parse errors as Run's.
  static Result<std::string> ParseTree(std::string_view query);
  // Parses `query` (errors as Run's); true when it has a vector or matrix selector.
  static Result<bool> HasSelectors(std::string_view query);

  // Queries that ended canceled because their client went away
  // (cairn_engine_queries_canceled_total).
  int64_t canceled_total() const { return canceled_total_.load(std::memory_order_relaxed); }

 private:
  const promql::Engine& engine_;
  storage::Queryable& queryable_;
  int64_t max_samples_;
  bool delayed_name_removal_;
  int64_t max_memory_bytes_ = 0;
  mutable std::atomic<int64_t> canceled_total_{0};
};

// Writes a result value as the API renders it: {"resultType":..,"result":..}.
// `flush`, when set, is offered after each series of a vector or matrix;
// writing stops when it returns false. Exposed for tests.
void WriteQueryData(JsonWriter& w, const promql::Value& value,
                    const std::function<bool()>& flush = nullptr);

}  // namespace cairn::server
