#include "promql/eval/evaluator.h"

#include <algorithm>
#include <cmath>
#include <unordered_set>

#include "promql/parser/duration.h"

namespace cairn::promql::eval {

Evaluator::Evaluator(storage::Queryable& queryable, const QueryOptions& opts, int64_t start_ms,
                     int64_t end_ms, int64_t step_ms)
    : queryable_(queryable), opts_(opts), start_ms_(start_ms), end_ms_(end_ms), step_ms_(step_ms),
      query_start_ms_(start_ms), query_end_ms_(end_ms), query_step_ms_(start_ms == end_ms ? 0 : step_ms) {
  num_steps_ = static_cast<size_t>((end_ms - start_ms) / step_ms) + 1;
  deadline_ = opts.timeout.count() > 0 ? std::chrono::steady_clock::now() + opts.timeout
                                       : std::chrono::steady_clock::time_point::max();
}

void Evaluator::Fail(Status st) const { throw EvalAbort{std::move(st)}; }

void Evaluator::CheckInterrupt() {
  if (opts_.cancel != nullptr && opts_.cancel->load(std::memory_order_relaxed)) {
    Fail(Status::Canceled("query was canceled in expression evaluation"));
  }
  if (std::chrono::steady_clock::now() > deadline_) {
    Fail(Status::Timeout("query timed out in expression evaluation"));
  }
}

void Evaluator::AddSamples(int64_t n) {
  samples_ += n;
  peak_samples_ = std::max(peak_samples_, samples_);
  if (samples_ > opts_.max_samples) {
    Fail(Status::ResourceExhausted("query processing would load too many samples into memory in query execution"));
  }
  CheckMemory();
  if ((++interrupt_counter_ & 63) == 0) CheckInterrupt();
}

void Evaluator::AddSeries(const storage::Labels& metric) {
  if (opts_.max_memory_bytes <= 0) return;  // no bound: skip the walk over the labels
  int64_t bytes = sizeof(Series);
  for (const storage::Label& l : metric) {
    bytes += static_cast<int64_t>(sizeof(storage::Label) + l.name.size() + l.value.size());
  }
  series_bytes_ += bytes;
  CheckMemory();
}

void Evaluator::CheckMemory() const {
  if (opts_.max_memory_bytes > 0 && HeldBytes() > opts_.max_memory_bytes) {
    // A sibling of max_samples' message, with the same errorType (execution).
    Fail(Status::ResourceExhausted("query processing would use more than " + std::to_string(opts_.max_memory_bytes) +
                                   " bytes of memory (--query.max-memory) in query execution"));
  }
}

std::string Evaluator::PosString(const Expr& e) const {
  int line = 1, col = 1;
  const std::string& q = opts_.query_text;
  for (int32_t i = 0; i < e.pos.start && i < static_cast<int32_t>(q.size()); ++i) {
    if (q[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  if (q.empty()) col = e.pos.start + 1;
  return "(" + std::to_string(line) + ":" + std::to_string(col) + ")";
}

int64_t Evaluator::ResolveDuration(const Duration& d) const {
  if (!d.is_expr()) return d.ms;
  parser::DurationContext ctx;
  ctx.step_ms = query_step_ms_;
  ctx.range_ms = query_end_ms_ - query_start_ms_;
  auto r = parser::EvalDuration(d, ctx);
  if (!r.ok()) FailExec(r.status().message());
  return *r;
}

AtModifier Evaluator::ResolveAt(const AtModifier& at) const {
  AtModifier out = at;
  if (at.kind == AtKind::kStart) {
    out.kind = AtKind::kTimestamp;
    out.t_ms = query_start_ms_;
  } else if (at.kind == AtKind::kEnd) {
    out.kind = AtKind::kTimestamp;
    out.t_ms = query_end_ms_;
  }
  return out;
}

StepValue Evaluator::ScalarValue(double v) const {
  StepValue out;
  out.type = ValueType::kScalar;
  out.scalars.assign(num_steps_, v);
  return out;
}

StepValue Evaluator::EvalUnary(const UnaryExpr& ue, const Expr& e) {
  StepValue v = Eval(*ue.expr);
  if (ue.op == UnaryOp::kAdd) return v;
  if (v.type == ValueType::kScalar) {
    for (double& x : v.scalars) x = -x;
    return v;
  }
  for (auto& s : v.series) {
    for (auto& p : s.floats) p.f = -p.f;
    s.drop_name = true;
  }
  return v;
}

StepValue Evaluator::Eval(const Expr& e) {
  StepValue v = EvalNode(e);
  // Without delayed name removal every node removes the names it drops at
  // once, as Prometheus' rangeEval does per step (and fails on duplicates).
  if (!opts_.delayed_name_removal && (v.type == ValueType::kVector || v.type == ValueType::kMatrix)) {
    DropNames(v.series);
  }
  return v;
}

StepValue Evaluator::EvalNode(const Expr& e) {
  CheckInterrupt();
  return std::visit(
      [&](const auto& n) -> StepValue {
        using T = std::decay_t<decltype(n)>;
        if constexpr (std::is_same_v<T, NumberLiteral>) {
          return ScalarValue(n.value);
        } else if constexpr (std::is_same_v<T, StringLiteral>) {
          StepValue v;
          v.type = ValueType::kString;
          v.str = n.value;
          return v;
        } else if constexpr (std::is_same_v<T, VectorSelector>) {
          return EvalVectorSelector(n, e);
        } else if constexpr (std::is_same_v<T, MatrixSelector>) {
          return EvalMatrixSelector(n, e);
        } else if constexpr (std::is_same_v<T, SubqueryExpr>) {
          return EvalSubquery(n, e);
        } else if constexpr (std::is_same_v<T, ParenExpr>) {
          return Eval(*n.expr);
        } else if constexpr (std::is_same_v<T, UnaryExpr>) {
          return EvalUnary(n, e);
        } else if constexpr (std::is_same_v<T, BinaryExpr>) {
          return EvalBinary(n, e);
        } else if constexpr (std::is_same_v<T, AggregateExpr>) {
          return EvalAggregate(n, e);
        } else {
          return EvalCall(n, e);
        }
      },
      e.node);
}

void Evaluator::DropNames(Matrix& m) const {
  bool any = false;
  for (auto& s : m) {
    if (s.drop_name) {
      s.metric.Erase({storage::kMetricName, "__type__", "__unit__"});
      s.drop_name = false;
      any = true;
    }
  }
  if (!any) return;
  // The common case has no duplicates: check by pointer, copying no labels.
  struct PtrHash {
    size_t operator()(const storage::Labels* l) const { return static_cast<size_t>(l->Hash()); }
  };
  struct PtrEq {
    bool operator()(const storage::Labels* a, const storage::Labels* b) const { return *a == *b; }
  };
  std::unordered_set<const storage::Labels*, PtrHash, PtrEq> seen;
  seen.reserve(m.size());
  bool dup = false;
  for (const auto& s : m) {
    if (!seen.insert(&s.metric).second) {
      dup = true;
      break;
    }
  }
  if (!dup) return;
  // Same labels are fine when the series never share a timestamp (they are
  // merged), as Prometheus' operators merge series per step.
  std::unordered_map<storage::Labels, std::vector<int64_t>, storage::LabelsHash> times;
  for (const auto& s : m) {
    auto& ts = times[s.metric];
    for (const auto& p : s.floats) ts.push_back(p.t_ms);
  }
  for (auto& [labels, ts] : times) {
    std::sort(ts.begin(), ts.end());
    if (std::adjacent_find(ts.begin(), ts.end()) != ts.end()) {
      FailExec("vector cannot contain metrics with the same labelset");
    }
  }
  // Merge series that share labels after dropping the name.
  Matrix merged;
  std::unordered_map<storage::Labels, size_t, storage::LabelsHash> index;
  for (auto& s : m) {
    auto it = index.find(s.metric);
    if (it == index.end()) {
      index.emplace(s.metric, merged.size());
      merged.push_back(std::move(s));
      continue;
    }
    auto& dst = merged[it->second].floats;
    dst.insert(dst.end(), s.floats.begin(), s.floats.end());
    std::sort(dst.begin(), dst.end(), [](const FPoint& a, const FPoint& b) { return a.t_ms < b.t_ms; });
  }
  m = std::move(merged);
}

}  // namespace cairn::promql::eval
