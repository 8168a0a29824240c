// Subqueries: the inner expression is evaluated once as a range query over
// every inner step any outer step needs (inner steps are aligned to multiples
// of the subquery step), then cut into per-step windows like a matrix selector.
#include "promql/eval/evaluator.h"

namespace cairn::promql::eval {

namespace {
int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}
}  // namespace

RangeArg Evaluator::LoadSubqueryRange(const SubqueryExpr& sq, const Expr& e) {
  RangeArg arg;
  arg.range_ms = ResolveDuration(sq.range);
  arg.offset_ms = ResolveDuration(sq.offset);
  arg.at = ResolveAt(sq.at);
  int64_t step = sq.has_step ? ResolveDuration(sq.step) : opts_.default_subquery_step_ms;
  if (step <= 0) FailExec("subquery step must be positive");
  int64_t lo, hi, lo2, hi2;
  WindowOf(arg, 0, lo, hi);
  WindowOf(arg, num_steps_ - 1, lo2, hi2);
  int64_t inner_start = FloorDiv(lo, step) * step;
  if (inner_start <= lo) inner_start += step;
  if (inner_start > hi2) {
    arg.series = SeriesStream::FromMatrix(*this, {}, 0);
    return arg;
  }
  int64_t inner_end = inner_start + FloorDiv(hi2 - inner_start, step) * step;
  // Every inner step holds at least one value; refuse before allocating.
  if ((inner_end - inner_start) / step + 1 > opts_.max_samples) {
    Fail(Status::ResourceExhausted("query processing would load too many samples into memory in query execution"));
  }
  Evaluator inner(queryable_, opts_, inner_start, inner_end, step);
  inner.SetQueryBounds(query_start_ms_, query_end_ms_, query_step_ms_);
  StepValue v = inner.Eval(*sq.expr);
  annotations_.Merge(inner.annotations());
  series_bytes_ += inner.series_bytes_;
  AddSamples(inner.samples_);
  total_samples_ += inner.total_samples_;
  peak_samples_ = std::max(peak_samples_, samples_ - inner.samples_ + inner.peak_samples_);
  Matrix m;
  if (v.type == ValueType::kScalar) {
    Series s;
    for (size_t i = 0; i < v.scalars.size(); ++i) s.floats.push_back({inner.StepTime(i), v.scalars[i]});
    m.push_back(std::move(s));
  } else {
    m = std::move(v.series);
  }
  arg.series = SeriesStream::FromMatrix(*this, std::move(m), inner.samples_);
  return arg;
}

StepValue Evaluator::EvalSubquery(const SubqueryExpr& sq, const Expr& e) {
  return WindowedMatrix(LoadSubqueryRange(sq, e));
}

}  // namespace cairn::promql::eval
