// Binary operators: scalar/scalar and vector/scalar here; vector/vector
// (matching and set operators) in vector_binop.cc.
#include <cmath>

#include "promql/eval/binop.h"
#include "promql/eval/evaluator.h"

namespace cairn::promql::eval {


StepValue Evaluator::EvalBinary(const BinaryExpr& be, const Expr& e) {
  StepValue lhs = Eval(*be.lhs);
  StepValue rhs = Eval(*be.rhs);
  BinaryOp op = be.op;
  bool cmp = IsComparisonOp(op);

  if (lhs.type == ValueType::kScalar && rhs.type == ValueType::kScalar) {
    StepValue out = ScalarValue(0);
    for (size_t i = 0; i < num_steps_; ++i) {
      bool keep;
      double v = ElemBinop(op, lhs.scalars[i], rhs.scalars[i], keep);
      if (cmp) v = keep ? 1 : 0;
      out.scalars[i] = v;
    }
    return out;
  }

  if (lhs.type == ValueType::kScalar || rhs.type == ValueType::kScalar) {
    bool swap = lhs.type == ValueType::kScalar;
    StepValue& vec = swap ? rhs : lhs;
    const std::vector<double>& sc = swap ? lhs.scalars : rhs.scalars;
    StepValue out;
    out.type = ValueType::kVector;
    for (auto& s : vec.series) {
      Series r;
      r.metric = std::move(s.metric);
      r.drop_name = s.drop_name || IsArithmetic(op) || be.return_bool;
      for (const auto& p : s.floats) {
        size_t i = static_cast<size_t>((p.t_ms - start_ms_) / step_ms_);
        double l = p.f, rv = sc[i];
        if (swap) std::swap(l, rv);
        bool keep;
        double v = ElemBinop(op, l, rv, keep);
        if (cmp && swap) v = p.f;
        if (be.return_bool) {
          v = keep ? 1 : 0;
          keep = true;
        }
        if (keep) r.floats.push_back({p.t_ms, v});
      }
      if (!r.floats.empty()) out.series.push_back(std::move(r));
    }
    return out;
  }

  VectorMatching m;
  if (be.matching) m = *be.matching;
  if (IsSetOp(op)) m.card = Cardinality::kManyToMany;
  return EvalVectorBinop(be, m, lhs.series, rhs.series);
}

}  // namespace cairn::promql::eval
