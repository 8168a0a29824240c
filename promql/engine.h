// Engine: evaluates a parsed PromQL expression against a Queryable.
//
// The engine holds no storage: each query is handed the Queryable it reads
// (local storage, storage plus remote read, a test fixture). A range query
// evaluates every node once over all steps, sliding through each series'
// samples once, rather than re-running the expression per step.
//
// Semantics follow Prometheus 3.x: left-open windows (t - range, t], lookback
// delta for instant selectors, staleness markers, @ and offset, subqueries,
// __name__ removal either at each node (Prometheus' default) or delayed to the
// end (QueryOptions::delayed_name_removal).
//
// Errors: Status codes kExecution (evaluation failed, e.g. many-to-many
// matching), kTimeout, kCanceled, kResourceExhausted (the max_samples limit,
// also hit up front by a range query or subquery with more steps than the
// limit; message exactly as Prometheus'), kInvalidArgument (bad query
// parameters, e.g. step <= 0). Nothing throws.
//
// Thread-safety: an Engine is immutable after construction and safe to share;
// queries may run concurrently from any threads. The Expr and Queryable must
// outlive the call.
//
//   Engine engine;
//   auto r = engine.InstantQuery(storage, *expr, t_ms, QueryOptions{});
//   if (!r.ok()) return r.status();
//   const Vector* v = std::get_if<Vector>(&r->value);
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

#include "promql/ast.h"
#include "promql/value.h"
#include "storage/queryable.h"
#include "util/status.h"

namespace cairn::promql {

struct QueryOptions {
  // How far back an instant selector looks for a sample
  // (--query.lookback-delta).
  int64_t lookback_delta_ms = 5 * 60 * 1000;
  // Most samples a query may hold in memory at once (--query.max-samples).
  int64_t max_samples = 50'000'000;
  // Most bytes a query may hold at once (--query.max-memory); 0 = no bound.
  // Counted with the samples: each held point as sizeof(FPoint), each
  // loaded or produced series as its labels' bytes plus its own struct
  // (Evaluator::AddSamples / AddSeries), checked as they grow.
  int64_t max_memory_bytes = 0;
  // Wall-clock limit for one query (--query.timeout); zero means none.
  std::chrono::milliseconds timeout{std::chrono::minutes(2)};
  // Step of subqueries written without one (`[10m:]`)
  // (--query.default-step semantics of rule evaluation: 1m).
  int64_t default_subquery_step_ms = 60 * 1000;
  // Set to true from another thread to abort the query with kCanceled.
  const std::atomic<bool>* cancel = nullptr;
  // Prometheus 3.x delayed __name__ removal: functions and operators that drop
  // the metric name only mark it, and it is removed when the result leaves the
  // engine, so `sum(rate({__name__=~"a|b"}[5m]))` works. Off by default, as in
  // Prometheus (--enable-feature=promql-delayed-name-removal); then the name is
  // removed at each node and two series that become equal at a step fail with
  // "vector cannot contain metrics with the same labelset". Upstream's test
  // engine runs its scripts with it on, and so does promql-test.
  bool delayed_name_removal = false;
  // Query text the Expr was parsed from; used to render annotation positions
  // as "(line:col)". When empty, positions are rendered as on line 1.
  std::string query_text;
};

// Sample counts of one query, as the API's `stats=all` reports them.
struct QueryStats {
  int64_t total_queryable_samples = 0;  // samples read from storage
  int64_t peak_samples = 0;             // most samples held at once
};

struct QueryResult {
  Value value;
  Annotations annotations;
  QueryStats stats;
};

class Engine {
 public:
  Engine() = default;

  // Evaluates `expr` at `t_ms`. A scalar, string, vector or (for a range
  // selector or subquery at the top) matrix result.
  Result<QueryResult> InstantQuery(storage::Queryable& queryable, const Expr& expr, int64_t t_ms,
                                   const QueryOptions& opts) const;

  // Evaluates `expr` at start, start+step, ... <= end. The result is a Matrix
  // sorted by labels (a scalar result is one series with no labels).
  // Precondition checks: step_ms > 0 and end >= start, else kInvalidArgument;
  // the expression must be a scalar or instant vector, else kInvalidArgument.
  Result<QueryResult> RangeQuery(storage::Queryable& queryable, const Expr& expr, int64_t start_ms,
                                 int64_t end_ms, int64_t step_ms, const QueryOptions& opts) const;
};

}  // namespace cairn::promql
