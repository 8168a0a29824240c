// Binary operators: scalar/scalar, vector/scalar and vector/vector with
// vector matching (on/ignoring, group_left/group_right, fill modifiers) and
// the set operators and/or/unless.
#include <algorithm>
#include <cmath>
#include <unordered_map>
#include <unordered_set>

#include "promql/eval/evaluator.h"
#include "promql/value_format.h"

namespace cairn::promql::eval {

namespace {

bool IsArithmetic(BinaryOp op) {
  switch (op) {
    case BinaryOp::kAdd: case BinaryOp::kSub: case BinaryOp::kMul: case BinaryOp::kDiv:
    case BinaryOp::kMod: case BinaryOp::kPow: case BinaryOp::kAtan2:
      return true;
    default:
      return false;
  }
}

// Returns the result value and whether a comparison kept the element.
double ElemBinop(BinaryOp op, double l, double r, bool& keep) {
  keep = true;
  switch (op) {
    case BinaryOp::kAdd: return l + r;
    case BinaryOp::kSub: return l - r;
    case BinaryOp::kMul: return l * r;
    case BinaryOp::kDiv: return l / r;
    case BinaryOp::kPow: return std::pow(l, r);
    case BinaryOp::kMod: return std::fmod(l, r);
    case BinaryOp::kAtan2: return std::atan2(l, r);
    case BinaryOp::kEql: keep = l == r; return l;
    case BinaryOp::kNeq: keep = l != r; return l;
    case BinaryOp::kGtr: keep = l > r; return l;
    case BinaryOp::kLss: keep = l < r; return l;
    case BinaryOp::kGte: keep = l >= r; return l;
    case BinaryOp::kLte: keep = l <= r; return l;
    default: keep = false; return 0;
  }
}

// Match signature of a series: the values of the `on` labels, or of all
// labels but the `ignoring` ones and the metric name.
std::string Signature(const storage::Labels& ls, const VectorMatching& m) {
  std::string key;
  if (m.on) {
    for (const auto& name : m.matching_labels) {
      key += name;
      key += '\xff';
      key += ls.Get(name);
      key += '\xfe';
    }
    return key;
  }
  for (const auto& l : ls) {
    if (l.name == storage::kMetricName) continue;
    if (std::find(m.matching_labels.begin(), m.matching_labels.end(), l.name) != m.matching_labels.end()) continue;
    key += l.name;
    key += '\xff';
    key += l.value;
    key += '\xfe';
  }
  return key;
}

storage::Labels MatchedLabels(const storage::Labels& ls, const VectorMatching& m) {
  return m.on ? ls.Keep(m.matching_labels) : ls.Drop(m.matching_labels).WithoutMetricName();
}

storage::Labels ResultMetric(const storage::Labels& lhs, const storage::Labels* rhs, const VectorMatching& m) {
  storage::Labels out = lhs;
  if (m.card == Cardinality::kOneToOne) {
    out = m.on ? out.Keep(m.matching_labels) : out.Drop(m.matching_labels);
  }
  for (const auto& name : m.include_labels) {
    std::string_view v = rhs != nullptr ? rhs->Get(name) : std::string_view();
    out = out.With(name, v);
  }
  return out;
}

}  // namespace

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

  StepVectors lv(lhs.series, start_ms_, step_ms_);
  StepVectors rv(rhs.series, start_ms_, step_ms_);
  OutputBuilder builder;
  auto emit = [&](size_t i, int64_t t, Sample&& s) {
    if (!builder.Add(i, t, std::move(s))) {
      FailExec("vector cannot contain metrics with the same labelset");
    }
  };

  for (size_t i = 0; i < num_steps_; ++i) {
    if ((i & 1023) == 1023) CheckInterrupt();
    int64_t t = StepTime(i);
    const Vector& l = lv.At(i);
    const Vector& r = rv.At(i);
    if (l.empty() && r.empty()) continue;
    if (op == BinaryOp::kAnd || op == BinaryOp::kUnless) {
      std::unordered_set<std::string> rsigs;
      for (const auto& s : r) rsigs.insert(Signature(s.metric, m));
      for (const auto& s : l) {
        bool found = rsigs.count(Signature(s.metric, m)) > 0;
        if (found == (op == BinaryOp::kAnd)) emit(i, t, Sample(s));
      }
      continue;
    }
    if (op == BinaryOp::kOr) {
      std::unordered_set<std::string> lsigs;
      for (const auto& s : l) {
        lsigs.insert(Signature(s.metric, m));
        emit(i, t, Sample(s));
      }
      for (const auto& s : r) {
        if (lsigs.count(Signature(s.metric, m)) == 0) emit(i, t, Sample(s));
      }
      continue;
    }

    const Vector* many = &l;
    const Vector* one = &r;
    bool swapped = m.card == Cardinality::kOneToMany;
    if (swapped) std::swap(many, one);
    // As in Prometheus, fill_left/fill_right apply to the sides after
    // group_right swapped them: fill_left fills the "many" side.
    std::optional<double> fill_many = m.fill_left;
    std::optional<double> fill_one = m.fill_right;

    std::unordered_map<std::string, const Sample*> one_sigs;
    for (const auto& s : *one) {
      std::string sig = Signature(s.metric, m);
      auto [it, inserted] = one_sigs.emplace(sig, &s);
      if (!inserted) {
        std::string a = GoLabelsString(s.metric), b = GoLabelsString(it->second->metric);
        if (b < a) std::swap(a, b);
        FailExec("found duplicate series for the match group " + GoLabelsString(MatchedLabels(s.metric, m)) +
                 " on the " + (swapped ? "left" : "right") + " hand-side of the operation: [" + a + ", " + b +
                 "];many-to-many matching not allowed: matching labels must be unique on one side");
      }
    }
    std::unordered_map<std::string, std::unordered_set<storage::Labels, storage::LabelsHash>> matched;
    std::unordered_set<std::string> many_sigs;
    auto combine = [&](const Sample& ms, const Sample* os, double fv_one, const std::string& sig) {
      storage::Labels metric = ResultMetric(ms.metric, os ? &os->metric : nullptr, m);
      auto [it, first] = matched.try_emplace(sig);
      if (m.card == Cardinality::kOneToOne) {
        if (!first) FailExec("multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)");
      } else if (it->second.count(metric)) {
        FailExec("multiple matches for labels: grouping labels must ensure unique matches");
      }
      it->second.insert(metric);
      double fl = ms.f, fr = os ? os->f : fv_one;
      if (swapped) std::swap(fl, fr);
      bool keep;
      double v = ElemBinop(op, fl, fr, keep);
      if (be.return_bool) {
        v = keep ? 1 : 0;
      } else if (!keep) {
        return;
      }
      bool drop = be.return_bool || IsArithmetic(op) || ms.drop_name;
      emit(i, t, Sample{std::move(metric), t, v, drop});
    };
    for (const auto& s : *many) {
      std::string sig = Signature(s.metric, m);
      many_sigs.insert(sig);
      auto it = one_sigs.find(sig);
      if (it != one_sigs.end()) {
        combine(s, it->second, 0, sig);
      } else if (fill_one) {
        combine(s, nullptr, *fill_one, sig);
      }
    }
    if (fill_many) {
      for (const auto& s : *one) {
        std::string sig = Signature(s.metric, m);
        if (many_sigs.count(sig)) continue;
        double fl = *fill_many, fr = s.f;
        if (swapped) std::swap(fl, fr);
        bool keep;
        double v = ElemBinop(op, fl, fr, keep);
        if (be.return_bool) {
          v = keep ? 1 : 0;
        } else if (!keep) {
          continue;
        }
        emit(i, t, Sample{MatchedLabels(s.metric, m), t, v, true});
      }
    }
  }
  StepValue out;
  out.type = ValueType::kVector;
  out.series = builder.Take();
  return out;
}

}  // namespace cairn::promql::eval
