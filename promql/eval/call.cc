// Function calls: dispatch to the range-function and vector-function tables
// (promql/functions/registry.h), plus the calls whose evaluation depends on
// the argument's syntax: timestamp(selector), absent(), absent_over_time().
#include <algorithm>
#include <unordered_map>

#include "promql/eval/evaluator.h"
#include "promql/functions/registry.h"

namespace cairn::promql::eval {

namespace {

const Expr& Unwrap(const Expr& e) {
  if (auto* p = e.As<ParenExpr>()) return Unwrap(*p->expr);
  return e;
}

const VectorSelector* RangeSelectorOf(const Expr& e) {
  if (auto* ms = Unwrap(e).As<MatrixSelector>()) return &ms->selector;
  return nullptr;
}

// Labels absent() reports, as Prometheus builds them: each name's first
// matcher, when it is an equality, sets the label (to nothing when its value
// is empty: `l=""` means the label is absent); any later matcher of the name,
// and any other kind of matcher, removes it again.
storage::Labels AbsentLabels(const Expr& arg) {
  const Expr& e = Unwrap(arg);
  const VectorSelector* vs = e.As<VectorSelector>();
  if (vs == nullptr) {
    if (auto* ms = e.As<MatrixSelector>()) vs = &ms->selector;
  }
  if (vs == nullptr) return {};
  storage::Labels out;
  std::vector<std::string_view> set;  // names whose equality matcher was taken
  for (const auto& m : vs->matchers) {
    if (m.name() == storage::kMetricName) continue;
    const bool first = std::find(set.begin(), set.end(), m.name()) == set.end();
    if (m.type() == storage::MatchType::kEqual && first) {
      out = out.With(m.name(), m.value());
      set.push_back(m.name());
    } else {
      out = out.Without(m.name());
    }
  }
  return out;
}

}  // namespace

StepValue Evaluator::EvalCall(const Call& call, const Expr& e) {
  functions::FuncContext ctx{*this, call, e};
  const std::string& name = call.name;

  if (name == "timestamp" && !call.args.empty()) {
    if (auto* vs = Unwrap(*call.args[0]).As<VectorSelector>()) {
      StepValue v = EvalVectorSelector(*vs, *call.args[0], PointValue::kTimestamp);
      for (auto& s : v.series) s.drop_name = true;
      return v;
    }
  }

  // Start timestamps exist only on samples read from storage: of any other
  // expression the result is empty.
  if (name == "start_timestamp") {
    const auto* vs = Unwrap(*call.args[0]).As<VectorSelector>();
    if (vs == nullptr) {
      StepValue none;
      none.type = ValueType::kVector;
      return none;
    }
    StepValue v = EvalVectorSelector(*vs, *call.args[0], PointValue::kStartTimestamp);
    for (auto& s : v.series) s.drop_name = true;
    return v;
  }

  if (name == "info") return functions::InfoCall(*this, call, e);

  for (const auto& arg : call.args) {
    const VectorSelector* vs = RangeSelectorOf(*arg);
    if (vs == nullptr) continue;
    if (vs->smoothed && name != "rate" && name != "increase" && name != "delta") {
      FailExec("smoothed modifier can only be used with: delta, increase, rate - not with " + name);
    }
    if (vs->anchored && name != "rate" && name != "increase" && name != "delta" && name != "changes" &&
        name != "resets") {
      FailExec("anchored modifier can only be used with: changes, delta, increase, rate, resets - not with " + name);
    }
    if (vs->smoothed || vs->anchored) {
      return EvalExtendedRange(call, *Unwrap(*arg).As<MatrixSelector>(), vs->smoothed);
    }
  }

  if (name == "absent" || name == "absent_over_time") {
    StepValue v;
    if (name == "absent") {
      v = Eval(*call.args[0]);
    } else {
      RangeArg ra = LoadRange(*call.args[0]);
      v.type = ValueType::kVector;
      std::vector<bool> present(num_steps_, false);
      while (ra.series->NextSeries()) {
        for (size_t i = 0; i < num_steps_; ++i) {
          int64_t lo, hi;
          WindowOf(ra, i, lo, hi);
          if (!ra.series->Window(lo, hi).empty()) present[i] = true;
        }
      }
      Series one;
      for (size_t i = 0; i < num_steps_; ++i) {
        if (present[i]) one.floats.push_back({StepTime(i), 1});
      }
      v.series.push_back(std::move(one));
    }
    std::vector<bool> has(num_steps_, false);
    for (const auto& s : v.series) {
      for (const auto& p : s.floats) has[static_cast<size_t>((p.t_ms - start_ms_) / step_ms_)] = true;
    }
    StepValue out;
    out.type = ValueType::kVector;
    Series s;
    s.metric = AbsentLabels(*call.args[0]);
    for (size_t i = 0; i < num_steps_; ++i) {
      if (!has[i]) s.floats.push_back({StepTime(i), 1});
    }
    if (!s.floats.empty()) out.series.push_back(std::move(s));
    return out;
  }

  if (functions::FindRangeFunction(name) != nullptr) {
    StepValue out;
    out.type = ValueType::kVector;
    StreamRangeCall(call, e, [&](Series&& s) {
      AddSamples(static_cast<int64_t>(s.floats.size()));
      AddSeries(s.metric);
      out.series.push_back(std::move(s));
    });
    return out;
  }

  if (functions::VectorFn vf = functions::FindVectorFunction(name)) {
    std::vector<StepValue> args;
    args.reserve(call.args.size());
    for (const auto& a : call.args) args.push_back(Eval(*a));
    return vf(args, ctx);
  }
  FailExec("function \"" + name + "\" is not supported");
}

void Evaluator::StreamRangeCall(const Call& call, const Expr& e, const SeriesSink& sink) {
  const functions::RangeFunction* rf = functions::FindRangeFunction(call.name);
  functions::FuncContext ctx{*this, call, e};
  size_t matrix_arg = 0;
  while (matrix_arg < call.args.size() && TypeOf(*call.args[matrix_arg]) != ValueType::kMatrix) ++matrix_arg;
  if (matrix_arg == call.args.size()) FailExec("function " + call.name + " needs a range vector");
  std::vector<StepValue> scalars;
  for (size_t a = 0; a < call.args.size(); ++a) {
    if (a != matrix_arg) scalars.push_back(Eval(*call.args[a]));
  }
  RangeArg ra = LoadRange(*call.args[matrix_arg]);
  std::vector<double> params(scalars.size());
  functions::RangeWindow w;
  w.range_ms = ra.range_ms;
  w.params = params;
  w.from_selector = ra.selector != nullptr;
  while (ra.series->NextSeries()) {
    Series res;
    w.metric = &ra.series->metric();
    w.metric_name = w.metric->MetricName();
    for (size_t i = 0; i < num_steps_; ++i) {
      int64_t lo, hi;
      WindowOf(ra, i, lo, hi);
      w.points = ra.series->Window(lo, hi);
      if (w.points.empty()) continue;  // no function yields a value for an empty window
      for (size_t p = 0; p < scalars.size(); ++p) params[p] = scalars[p].scalars[i];
      w.starts = ra.series->WindowStarts();
      w.range_start_ms = lo;
      w.range_end_ms = hi;
      w.t_ms = StepTime(i);
      std::optional<double> v = rf->fn(w, ctx);
      if (v) res.floats.push_back({w.t_ms, *v});
    }
    if (res.floats.empty()) continue;
    res.metric = ra.series->metric();
    res.drop_name = ra.series->drop_name() || !rf->keep_name;
    sink(std::move(res));
  }
}

bool Evaluator::StreamsSeries(const Expr& e) const {
  const Expr& u = Unwrap(e);
  if (const auto* vs = u.As<VectorSelector>()) return !vs->smoothed;
  const auto* call = u.As<Call>();
  if (call == nullptr || functions::FindRangeFunction(call->name) == nullptr) return false;
  // EvalCall answers these from the argument's syntax, before the table.
  const std::string& n = call->name;
  if (n == "timestamp" || n == "start_timestamp" || n == "info" || n == "absent" || n == "absent_over_time") {
    return false;
  }
  for (const auto& arg : call->args) {
    const VectorSelector* vs = RangeSelectorOf(*arg);
    if (vs != nullptr && (vs->smoothed || vs->anchored)) return false;
  }
  return true;
}

void Evaluator::EvalSeries(const Expr& e, const SeriesSink& sink) {
  CheckInterrupt();
  const Expr& u = Unwrap(e);
  if (const auto* vs = u.As<VectorSelector>()) return StreamVectorSelector(*vs, PointValue::kValue, sink);
  if (opts_.delayed_name_removal) return StreamRangeCall(*u.As<Call>(), u, sink);
  // Names are removed at once, as Eval does for a whole node: series that
  // become equal must not share a step. Each label set remembers its steps.
  std::unordered_map<storage::Labels, std::vector<bool>, storage::LabelsHash> steps_of;
  StreamRangeCall(*u.As<Call>(), u, [&](Series&& s) {
    if (s.drop_name) {
      s.metric.Erase({storage::kMetricName, "__type__", "__unit__"});
      s.drop_name = false;
      auto [it, inserted] = steps_of.try_emplace(s.metric);
      std::vector<bool>& seen = it->second;
      if (inserted) seen.assign(num_steps_, false);
      for (const FPoint& p : s.floats) {
        const auto i = static_cast<size_t>((p.t_ms - start_ms_) / step_ms_);
        if (seen[i]) FailExec("vector cannot contain metrics with the same labelset");
        seen[i] = true;
      }
    }
    sink(std::move(s));
  });
}

}  // namespace cairn::promql::eval
