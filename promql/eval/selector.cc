// Vector and matrix selectors: fetching series from storage and cutting them
// into lookback windows or range windows per step.
#include <algorithm>
#include <optional>

#include "promql/eval/evaluator.h"
#include "storage/sample.h"

namespace cairn::promql::eval {

Matrix Evaluator::Fetch(const storage::Matchers& matchers, int64_t mint, int64_t maxt) {
  Matrix out;
  if (maxt < mint) return out;
  auto q = queryable_.NewQuerier(mint, maxt);
  if (!q.ok()) Fail(q.status());
  storage::SelectHints hints;
  hints.start_ms = mint;
  hints.end_ms = maxt;
  hints.step_ms = step_ms_;
  auto set = (*q)->Select(hints, matchers);
  while (set->Next()) {
    const storage::Series& s = set->At();
    Series series;
    series.metric = s.labels();
    auto it = s.Iterator();
    if (it->Seek(mint)) {
      do {
        storage::Sample smp = it->At();
        if (smp.t_ms > maxt) break;
        int64_t st = it->AtST();
        // Start timestamps are kept only once a sample has one.
        if (st != 0 && series.starts.empty()) series.starts.assign(series.floats.size(), 0);
        if (st != 0 || !series.starts.empty()) series.starts.push_back(st);
        series.floats.push_back({smp.t_ms, smp.v});
      } while (it->Next());
    }
    if (!it->status().ok()) Fail(it->status());
    AddSamples(static_cast<int64_t>(series.floats.size()));
    total_samples_ += static_cast<int64_t>(series.floats.size());
    if (!series.floats.empty()) {
      AddSeries(series.metric);
      out.push_back(std::move(series));
    }
  }
  if (!set->status().ok()) Fail(set->status());
  for (const auto& w : set->Warnings()) annotations_.AddWarning(w);
  return out;
}

StepValue Evaluator::EvalVectorSelector(const VectorSelector& vs, const Expr& e, PointValue value) {
  if (vs.smoothed && value == PointValue::kValue) return EvalSmoothedSelector(vs);
  StepValue out;
  out.type = ValueType::kVector;
  StreamVectorSelector(vs, value, [&](Series&& s) {
    AddSamples(static_cast<int64_t>(s.floats.size()));
    AddSeries(s.metric);
    out.series.push_back(std::move(s));
  });
  return out;
}

void Evaluator::StreamVectorSelector(const VectorSelector& vs, PointValue value, const SeriesSink& sink) {
  int64_t offset = ResolveDuration(vs.offset);
  AtModifier at = ResolveAt(vs.at);
  int64_t lookback = opts_.lookback_delta_ms;
  int64_t first_ref = (at.present() ? at.t_ms : start_ms_) - offset;
  int64_t last_ref = (at.present() ? at.t_ms : end_ms_) - offset;
  std::unique_ptr<SeriesStream> in = Select(vs.matchers, first_ref - lookback + 1, last_ref, /*keep_stale=*/true);
  while (in->NextSeries()) {
    Series res;
    for (size_t i = 0; i < num_steps_; ++i) {
      int64_t t = StepTime(i);
      int64_t ref = (at.present() ? at.t_ms : t) - offset;
      std::optional<SeriesStream::Latest> p = in->LatestAt(ref, lookback);
      if (!p || storage::IsStaleNaN(p->point.f)) continue;
      double v = p->point.f;
      if (value == PointValue::kTimestamp) v = static_cast<double>(p->point.t_ms) / 1000.0;
      if (value == PointValue::kStartTimestamp) v = static_cast<double>(p->start_ms) / 1000.0;
      res.floats.push_back({t, v});
    }
    if (res.floats.empty()) continue;
    res.metric = in->metric();
    sink(std::move(res));
  }
}

RangeArg Evaluator::LoadRange(const Expr& e) {
  if (auto* p = e.As<ParenExpr>()) return LoadRange(*p->expr);
  if (auto* sq = e.As<SubqueryExpr>()) return LoadSubqueryRange(*sq, e);
  const auto* ms = e.As<MatrixSelector>();
  if (ms == nullptr) FailExec("expected a range vector argument");
  RangeArg arg;
  arg.selector = &ms->selector;
  arg.range_ms = ResolveDuration(ms->range);
  arg.offset_ms = ResolveDuration(ms->selector.offset);
  arg.at = ResolveAt(ms->selector.at);
  int64_t lo, hi, lo2, hi2;
  WindowOf(arg, 0, lo, hi);
  WindowOf(arg, num_steps_ - 1, lo2, hi2);
  arg.series = Select(ms->selector.matchers, lo + 1, hi2, /*keep_stale=*/false);
  return arg;
}

void Evaluator::WindowOf(const RangeArg& arg, size_t step, int64_t& lo_excl, int64_t& hi_incl) const {
  int64_t ref = arg.at.present() ? arg.at.t_ms : StepTime(step);
  hi_incl = ref - arg.offset_ms;
  lo_excl = hi_incl - arg.range_ms;
}

StepValue Evaluator::WindowedMatrix(RangeArg arg) {
  StepValue out;
  out.type = ValueType::kMatrix;
  int64_t lo, hi;
  WindowOf(arg, 0, lo, hi);
  while (arg.series->NextSeries()) {
    std::span<const FPoint> pts = arg.series->Window(lo, hi);
    if (pts.empty()) continue;
    Series s;
    s.metric = arg.series->metric();
    s.drop_name = arg.series->drop_name();
    s.floats.assign(pts.begin(), pts.end());
    AddSamples(static_cast<int64_t>(s.floats.size()));
    AddSeries(s.metric);
    out.series.push_back(std::move(s));
  }
  return out;
}

StepValue Evaluator::EvalMatrixSelector(const MatrixSelector& ms, const Expr& e) {
  return WindowedMatrix(LoadRange(e));
}

}  // namespace cairn::promql::eval
