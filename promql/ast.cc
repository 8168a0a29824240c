#include "promql/ast.h"

#include <cmath>

namespace cairn::promql {

std::string_view ValueTypeGoName(ValueType t) {
  switch (t) {
    case ValueType::kScalar: return "scalar";
    case ValueType::kVector: return "vector";
    case ValueType::kMatrix: return "matrix";
    case ValueType::kString: return "string";
    case ValueType::kNone: break;
  }
  return "none";
}

std::string_view ValueTypeName(ValueType t) {
  switch (t) {
    case ValueType::kScalar: return "scalar";
    case ValueType::kVector: return "instant vector";
    case ValueType::kMatrix: return "range vector";
    case ValueType::kString: return "string";
    case ValueType::kNone: break;
  }
  return "none";
}

bool IsComparisonOp(BinaryOp op) {
  switch (op) {
    case BinaryOp::kEql: case BinaryOp::kNeq: case BinaryOp::kGtr:
    case BinaryOp::kLss: case BinaryOp::kGte: case BinaryOp::kLte:
      return true;
    default:
      return false;
  }
}

bool IsSetOp(BinaryOp op) {
  return op == BinaryOp::kAnd || op == BinaryOp::kOr || op == BinaryOp::kUnless;
}

std::string_view BinaryOpString(BinaryOp op) {
  switch (op) {
    case BinaryOp::kAdd: return "+";
    case BinaryOp::kSub: return "-";
    case BinaryOp::kMul: return "*";
    case BinaryOp::kDiv: return "/";
    case BinaryOp::kMod: return "%";
    case BinaryOp::kPow: return "^";
    case BinaryOp::kAtan2: return "atan2";
    case BinaryOp::kEql: return "==";
    case BinaryOp::kNeq: return "!=";
    case BinaryOp::kGtr: return ">";
    case BinaryOp::kLss: return "<";
    case BinaryOp::kGte: return ">=";
    case BinaryOp::kLte: return "<=";
    case BinaryOp::kAnd: return "and";
    case BinaryOp::kOr: return "or";
    case BinaryOp::kUnless: return "unless";
    case BinaryOp::kTrimUpper: return "</";
    case BinaryOp::kTrimLower: return ">/";
  }
  return "?";
}

std::string_view AggregateOpString(AggregateOp op) {
  switch (op) {
    case AggregateOp::kSum: return "sum";
    case AggregateOp::kAvg: return "avg";
    case AggregateOp::kCount: return "count";
    case AggregateOp::kMin: return "min";
    case AggregateOp::kMax: return "max";
    case AggregateOp::kGroup: return "group";
    case AggregateOp::kStddev: return "stddev";
    case AggregateOp::kStdvar: return "stdvar";
    case AggregateOp::kTopk: return "topk";
    case AggregateOp::kBottomk: return "bottomk";
    case AggregateOp::kCountValues: return "count_values";
    case AggregateOp::kQuantile: return "quantile";
    case AggregateOp::kLimitk: return "limitk";
    case AggregateOp::kLimitRatio: return "limit_ratio";
  }
  return "?";
}

bool AggregateTakesParam(AggregateOp op) {
  switch (op) {
    case AggregateOp::kTopk: case AggregateOp::kBottomk: case AggregateOp::kCountValues:
    case AggregateOp::kQuantile: case AggregateOp::kLimitk: case AggregateOp::kLimitRatio:
      return true;
    default:
      return false;
  }
}

namespace {

struct TypeVisitor {
  ValueType operator()(const NumberLiteral&) const { return ValueType::kScalar; }
  ValueType operator()(const StringLiteral&) const { return ValueType::kString; }
  ValueType operator()(const VectorSelector&) const { return ValueType::kVector; }
  ValueType operator()(const MatrixSelector&) const { return ValueType::kMatrix; }
  ValueType operator()(const SubqueryExpr&) const { return ValueType::kMatrix; }
  ValueType operator()(const ParenExpr& p) const { return p.expr ? TypeOf(*p.expr) : ValueType::kNone; }
  ValueType operator()(const UnaryExpr& u) const { return u.expr ? TypeOf(*u.expr) : ValueType::kNone; }
  ValueType operator()(const BinaryExpr& b) const {
    if (!b.lhs || !b.rhs) return ValueType::kNone;
    if (TypeOf(*b.lhs) == ValueType::kScalar && TypeOf(*b.rhs) == ValueType::kScalar) {
      return ValueType::kScalar;
    }
    return ValueType::kVector;
  }
  ValueType operator()(const AggregateExpr&) const { return ValueType::kVector; }
  ValueType operator()(const Call& c) const { return c.return_type; }
};

ExprPtr CloneOrNull(const ExprPtr& e) { return e ? CloneExpr(*e) : nullptr; }

VectorSelector CloneSelector(const VectorSelector& vs) {
  VectorSelector out;
  out.name = vs.name;
  out.matchers = vs.matchers;
  out.has_offset = vs.has_offset;
  out.offset = CloneDuration(vs.offset);
  out.at = vs.at;
  out.anchored = vs.anchored;
  out.smoothed = vs.smoothed;
  out.text = vs.text;
  return out;
}

struct CloneVisitor {
  ExprNode operator()(const NumberLiteral& n) const { return n; }
  ExprNode operator()(const StringLiteral& s) const { return s; }
  ExprNode operator()(const VectorSelector& vs) const { return CloneSelector(vs); }
  ExprNode operator()(const MatrixSelector& m) const {
    return MatrixSelector{CloneSelector(m.selector), CloneDuration(m.range)};
  }
  ExprNode operator()(const SubqueryExpr& s) const {
    SubqueryExpr out;
    out.expr = CloneOrNull(s.expr);
    out.range = CloneDuration(s.range);
    out.has_step = s.has_step;
    out.step = CloneDuration(s.step);
    out.has_offset = s.has_offset;
    out.offset = CloneDuration(s.offset);
    out.at = s.at;
    return out;
  }
  ExprNode operator()(const ParenExpr& p) const { return ParenExpr{CloneOrNull(p.expr)}; }
  ExprNode operator()(const UnaryExpr& u) const { return UnaryExpr{u.op, CloneOrNull(u.expr)}; }
  ExprNode operator()(const BinaryExpr& b) const {
    return BinaryExpr{b.op, CloneOrNull(b.lhs), CloneOrNull(b.rhs), b.return_bool, b.matching};
  }
  ExprNode operator()(const AggregateExpr& a) const {
    return AggregateExpr{a.op, CloneOrNull(a.expr), CloneOrNull(a.param), a.grouping, a.without};
  }
  ExprNode operator()(const Call& c) const {
    Call out{c.name, c.func, {}, c.return_type};
    for (const auto& a : c.args) out.args.push_back(CloneOrNull(a));
    return out;
  }
};

bool DoubleEq(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  return a == b;
}

bool PtrEq(const ExprPtr& a, const ExprPtr& b) {
  if (!a || !b) return !a && !b;
  return ExprEqual(*a, *b);
}

bool DurationEq(const Duration& a, const Duration& b) {
  if (a.is_expr() != b.is_expr()) return false;
  return a.is_expr() ? ExprEqual(*a.expr, *b.expr) : a.ms == b.ms;
}

// `offset 0` and no offset mean the same; Prometheus prints neither.
bool OffsetEq(bool has_a, const Duration& a, bool has_b, const Duration& b) {
  bool set_a = has_a && (a.is_expr() || a.ms != 0);
  bool set_b = has_b && (b.is_expr() || b.ms != 0);
  return set_a == set_b && (!set_a || DurationEq(a, b));
}

bool AtEq(const AtModifier& a, const AtModifier& b) {
  return a.kind == b.kind && (a.kind != AtKind::kTimestamp || a.t_ms == b.t_ms);
}

bool OptDoubleEq(const std::optional<double>& a, const std::optional<double>& b) {
  if (a.has_value() != b.has_value()) return false;
  return !a || DoubleEq(*a, *b);
}

// Matchers compare as a multiset: their order carries no meaning.
bool MatchersEq(const storage::Matchers& a, const storage::Matchers& b) {
  if (a.size() != b.size()) return false;
  std::vector<bool> used(b.size(), false);
  for (const auto& m : a) {
    bool found = false;
    for (size_t i = 0; i < b.size() && !found; ++i) {
      if (!used[i] && b[i] == m) used[i] = found = true;
    }
    if (!found) return false;
  }
  return true;
}

bool SelectorEq(const VectorSelector& a, const VectorSelector& b) {
  return a.name == b.name && MatchersEq(a.matchers, b.matchers) &&
         OffsetEq(a.has_offset, a.offset, b.has_offset, b.offset) && AtEq(a.at, b.at) && a.anchored == b.anchored &&
         a.smoothed == b.smoothed;
}

bool MatchingEq(const std::optional<VectorMatching>& a, const std::optional<VectorMatching>& b) {
  if (a.has_value() != b.has_value()) return false;
  if (!a) return true;
  return a->card == b->card && a->on == b->on && a->matching_labels == b->matching_labels &&
         a->include_labels == b->include_labels && OptDoubleEq(a->fill_left, b->fill_left) &&
         OptDoubleEq(a->fill_right, b->fill_right);
}

struct EqualVisitor {
  const ExprNode& other;
  template <typename T>
  const T& O() const { return std::get<T>(other); }

  bool operator()(const NumberLiteral& n) const {
    return DoubleEq(n.value, O<NumberLiteral>().value) && n.is_duration == O<NumberLiteral>().is_duration;
  }
  bool operator()(const StringLiteral& s) const { return s.value == O<StringLiteral>().value; }
  bool operator()(const VectorSelector& vs) const { return SelectorEq(vs, O<VectorSelector>()); }
  bool operator()(const MatrixSelector& m) const {
    const auto& o = O<MatrixSelector>();
    return SelectorEq(m.selector, o.selector) && DurationEq(m.range, o.range);
  }
  bool operator()(const SubqueryExpr& s) const {
    const auto& o = O<SubqueryExpr>();
    return PtrEq(s.expr, o.expr) && DurationEq(s.range, o.range) && s.has_step == o.has_step &&
           DurationEq(s.step, o.step) && OffsetEq(s.has_offset, s.offset, o.has_offset, o.offset) &&
           AtEq(s.at, o.at);
  }
  bool operator()(const ParenExpr& p) const { return PtrEq(p.expr, O<ParenExpr>().expr); }
  bool operator()(const UnaryExpr& u) const {
    return u.op == O<UnaryExpr>().op && PtrEq(u.expr, O<UnaryExpr>().expr);
  }
  bool operator()(const BinaryExpr& b) const {
    const auto& o = O<BinaryExpr>();
    return b.op == o.op && b.return_bool == o.return_bool && MatchingEq(b.matching, o.matching) &&
           PtrEq(b.lhs, o.lhs) && PtrEq(b.rhs, o.rhs);
  }
  bool operator()(const AggregateExpr& a) const {
    const auto& o = O<AggregateExpr>();
    return a.op == o.op && a.without == o.without && a.grouping == o.grouping && PtrEq(a.expr, o.expr) &&
           PtrEq(a.param, o.param);
  }
  bool operator()(const Call& c) const {
    const auto& o = O<Call>();
    if (c.name != o.name || c.args.size() != o.args.size()) return false;
    for (size_t i = 0; i < c.args.size(); ++i) {
      if (!PtrEq(c.args[i], o.args[i])) return false;
    }
    return true;
  }
};

}  // namespace

ValueType TypeOf(const Expr& e) { return std::visit(TypeVisitor{}, e.node); }

Duration CloneDuration(const Duration& d) { return Duration{d.ms, d.expr ? CloneExpr(*d.expr) : nullptr}; }

void ForEachChild(const Expr& e, const std::function<void(const Expr&)>& f) {
  if (const auto* n = e.As<SubqueryExpr>()) {
    f(*n->expr);
  } else if (const auto* p = e.As<ParenExpr>()) {
    f(*p->expr);
  } else if (const auto* u = e.As<UnaryExpr>()) {
    f(*u->expr);
  } else if (const auto* b = e.As<BinaryExpr>()) {
    f(*b->lhs);
    f(*b->rhs);
  } else if (const auto* a = e.As<AggregateExpr>()) {
    if (a->param) f(*a->param);
    f(*a->expr);
  } else if (const auto* c = e.As<Call>()) {
    for (const auto& arg : c->args) f(*arg);
  }
}

ExprPtr CloneExpr(const Expr& e) {
  return std::make_unique<Expr>(Expr{std::visit(CloneVisitor{}, e.node), e.pos});
}

bool ExprEqual(const Expr& a, const Expr& b) {
  if (a.node.index() != b.node.index()) return false;
  return std::visit(EqualVisitor{b.node}, a.node);
}

}  // namespace cairn::promql
