// Evaluator: evaluates one query's AST over all of its steps. Created per
// query by Engine; one node is evaluated once for every step (see
// step_value.h). Node kinds are implemented one per file (selector.cc,
// binary.cc, vector_binop.cc, aggregate.cc, call.cc, subquery.cc,
// extended_range.cc); functions live in promql/functions/.
//
// Errors unwind as EvalAbort (private to the evaluator; Engine catches it and
// returns its Status): execution errors, the sample limit, timeout and
// cancellation.
// Thread-safety: single-threaded, one per query.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "promql/ast.h"
#include "promql/engine.h"
#include "promql/eval/series_stream.h"
#include "promql/eval/step_value.h"
#include "promql/value.h"
#include "storage/queryable.h"

namespace cairn::promql::eval {

struct EvalAbort {
  Status status;
};

// The series a range argument (matrix selector or subquery) selects, streamed
// one at a time (stale markers removed), plus how to cut them into per-step
// windows.
struct RangeArg {
  std::unique_ptr<SeriesStream> series;  // never null once loaded
  int64_t range_ms = 0;
  int64_t offset_ms = 0;
  AtModifier at;            // kTimestamp resolved; kNone otherwise
  const VectorSelector* selector = nullptr;  // null for subqueries
};

class Evaluator {
 public:
  Evaluator(storage::Queryable& queryable, const QueryOptions& opts, int64_t start_ms, int64_t end_ms,
            int64_t step_ms);

  // Evaluates one node over all steps; without delayed name removal its
  // dropped names are removed before it returns.
  StepValue Eval(const Expr& e);

  size_t num_steps() const { return num_steps_; }
  int64_t start_ms() const { return start_ms_; }
  int64_t end_ms() const { return end_ms_; }
  int64_t step_ms() const { return step_ms_; }
  int64_t StepTime(size_t i) const { return start_ms_ + static_cast<int64_t>(i) * step_ms_; }
  const QueryOptions& options() const { return opts_; }
  Annotations& annotations() { return annotations_; }

  [[noreturn]] void Fail(Status st) const;
  [[noreturn]] void FailExec(std::string msg) const { Fail(Status::Execution(std::move(msg))); }
  // Throws on timeout or cancellation.
  void CheckInterrupt();
  // Throws when HeldBytes() is over max_memory_bytes.
  void CheckMemory() const;
  // Counts samples now held; throws when over the max_samples limit or,
  // with their bytes, over max_memory_bytes.
  void AddSamples(int64_t n);
  // Gives back samples counted by AddSamples once they are no longer held.
  void ReleaseSamples(int64_t n) { samples_ -= n; }
  // Counts a series now held in a loaded or computed value (its labels and
  // the Series around its points); throws when over max_memory_bytes. Series
  // bytes are not given back: a query's series sets mostly live to its end.
  void AddSeries(const storage::Labels& metric);
  // Bytes held by the samples and series counted so far (series only while
  // max_memory_bytes is set).
  int64_t HeldBytes() const { return samples_ * kPointBytes + series_bytes_; }
  static constexpr int64_t kPointBytes = sizeof(FPoint);
  // Counts samples read from storage (totalSamples), held or not.
  void CountRead(int64_t n) { total_samples_ += n; }
  QueryStats stats() const { return QueryStats{total_samples_, peak_samples_}; }
  static int64_t CountPoints(const Matrix& m) {
    int64_t n = 0;
    for (const auto& s : m) n += static_cast<int64_t>(s.floats.size());
    return n;
  }

  // "(line:col)" of the start of `e` in the query text.
  std::string PosString(const Expr& e) const;
  void Warn(const Expr& e, const std::string& msg) { annotations_.AddWarning("PromQL warning: " + msg + " " + PosString(e)); }
  void Info(const Expr& e, const std::string& msg) { annotations_.AddInfo("PromQL info: " + msg + " " + PosString(e)); }

  // Resolves a (possibly expression) duration for this query.
  int64_t ResolveDuration(const Duration& d) const;
  // Resolves an @ modifier (start()/end() → the query's start/end).
  AtModifier ResolveAt(const AtModifier& at) const;

  // Opens a matrix selector or subquery argument for windowing per step.
  RangeArg LoadRange(const Expr& e);
  // The window (first, last] of step i for `arg`.
  void WindowOf(const RangeArg& arg, size_t step, int64_t& lo_excl, int64_t& hi_incl) const;
  // A range argument as a matrix value: each series cut to the window of the
  // first (only) step, empty series dropped. Consumes `arg`.
  StepValue WindowedMatrix(RangeArg arg);

  // Streamed evaluation: a node that yields its series one at a time hands
  // each to a sink instead of building the whole matrix, so a consumer such
  // as an aggregation holds one input series at a time. The sink is called
  // while the producer still holds that series' input window, and counts
  // what it keeps (AddSamples) itself.
  using SeriesSink = std::function<void(Series&&)>;
  // Whether EvalSeries can stream `e`: a plain vector selector, or a call of
  // a range function whose range argument is not anchored or smoothed.
  bool StreamsSeries(const Expr& e) const;
  // Precondition: StreamsSeries(e). Emits the series Eval(e) returns, in the
  // same order, with the same points.
  void EvalSeries(const Expr& e, const SeriesSink& sink);

  // Node kinds.
  // What a vector selector's points hold: the sample's value, its timestamp
  // in seconds (timestamp() of a selector) or its start timestamp in seconds,
  // 0 when it has none (start_timestamp() of a selector).
  enum class PointValue { kValue, kTimestamp, kStartTimestamp };
  StepValue EvalVectorSelector(const VectorSelector& vs, const Expr& e, PointValue value = PointValue::kValue);
  StepValue EvalMatrixSelector(const MatrixSelector& ms, const Expr& e);
  StepValue EvalSubquery(const SubqueryExpr& sq, const Expr& e);
  // `x[r] anchored|smoothed` as the argument of `call` (extended_range.cc).
  StepValue EvalExtendedRange(const Call& call, const MatrixSelector& ms, bool smoothed);
  StepValue EvalSmoothedSelector(const VectorSelector& vs);
  StepValue EvalBinary(const BinaryExpr& be, const Expr& e);
  // Vector/vector operators with matching `m` (vector_binop.cc).
  StepValue EvalVectorBinop(const BinaryExpr& be, const VectorMatching& m, const Matrix& lhs, const Matrix& rhs);
  StepValue EvalAggregate(const AggregateExpr& ae, const Expr& e);
  // sum, avg, count, min, max, group, stddev, stdvar over a streamable input,
  // one input series at a time (aggregate.cc).
  StepValue EvalAggregateStreamed(const AggregateExpr& ae);
  StepValue EvalCall(const Call& call, const Expr& e);
  // The range-function half of EvalCall, streamed (call.cc).
  void StreamRangeCall(const Call& call, const Expr& e, const SeriesSink& sink);
  // The vector selector, streamed (selector.cc).
  void StreamVectorSelector(const VectorSelector& vs, PointValue value, const SeriesSink& sink);
  StepValue EvalUnary(const UnaryExpr& ue, const Expr& e);
  // Eval without the name removal (dispatch on the node's kind).
  StepValue EvalNode(const Expr& e);

  // Streams the series matching `matchers` with samples in [mint, maxt].
  std::unique_ptr<SeriesStream> Select(const storage::Matchers& matchers, int64_t mint, int64_t maxt,
                                       bool keep_stale) {
    return SeriesStream::FromStorage(*this, queryable_, matchers, mint, maxt, step_ms_, keep_stale);
  }
  // Fetches the series matching `matchers` with samples in [mint, maxt]
  // (stale markers kept), all points at once: for the rare evaluations that
  // need random access to a series (extended ranges, info()).
  Matrix Fetch(const storage::Matchers& matchers, int64_t mint, int64_t maxt);

  StepValue ScalarValue(double v) const;
  // Bounds of the outermost query, which @ start()/end() refer to inside
  // subqueries. Defaults to this evaluator's own start/end.
  void SetQueryBounds(int64_t start_ms, int64_t end_ms, int64_t step_ms) {
    query_start_ms_ = start_ms;
    query_end_ms_ = end_ms;
    query_step_ms_ = step_ms;
  }
  int64_t query_start_ms() const { return query_start_ms_; }
  int64_t query_end_ms() const { return query_end_ms_; }
  int64_t query_step_ms() const { return query_step_ms_; }
  // The subquery half of LoadRange (subquery.cc).
  RangeArg LoadSubqueryRange(const SubqueryExpr& sq, const Expr& e);
  // Removes the names that nodes marked as dropped, failing when two series
  // then share a label set at one step and merging them otherwise.
  void DropNames(Matrix& m) const;

 private:
  storage::Queryable& queryable_;
  QueryOptions opts_;
  int64_t start_ms_, end_ms_, step_ms_;
  int64_t query_start_ms_, query_end_ms_, query_step_ms_;
  size_t num_steps_;
  std::chrono::steady_clock::time_point deadline_;
  int64_t samples_ = 0;
  int64_t series_bytes_ = 0;  // AddSeries
  int64_t peak_samples_ = 0;
  int64_t total_samples_ = 0;
  uint32_t interrupt_counter_ = 0;
  Annotations annotations_;
};

}  // namespace cairn::promql::eval
