#include "promql/parser/checker.h"

#include <string>

#include "promql/functions_table.h"
#include "promql/parser/parse_error.h"
#include "promql/parser/quote.h"
#include "storage/labels.h"

namespace cairn::promql::parser {
namespace {

bool IsSpaceChar(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

class Checker {
 public:
  explicit Checker(std::string_view q) : q_(q) {}

  Status Run(Expr& root) {
    Check(root);
    return err_;
  }

 private:
  bool failed() const { return !err_.ok(); }
  void Error(int32_t pos, const std::string& msg) {
    if (!failed()) err_ = ParseError(q_, pos, msg);
  }

  void ExpectType(Expr& e, ValueType want, const std::string& context) {
    ValueType t = Check(e);
    if (failed()) return;
    if (t != want) {
      Error(e.pos.start, "expected type " + std::string(ValueTypeName(want)) + " in " + context + ", got " +
                             std::string(ValueTypeName(t)));
    }
  }

  void CheckSelector(const VectorSelector& vs, PosRange pos) {
    if (!vs.name.empty()) {
      for (size_t i = 0; i + 1 < vs.matchers.size(); ++i) {
        if (vs.matchers[i].name() == storage::kMetricName) {
          Error(pos.start, "metric name must not be set twice: " + GoQuote(vs.name) + " or " +
                               GoQuote(vs.matchers[i].value()));
          return;
        }
      }
      return;
    }
    for (const auto& m : vs.matchers) {
      if (!m.MatchesEmpty()) return;
    }
    Error(pos.start, "vector selector must contain at least one non-empty matcher");
  }

  // Start of the operator between the operands, skipping blanks.
  int32_t OpPos(const BinaryExpr& b) const {
    int32_t p = b.lhs->pos.end;
    while (p < static_cast<int32_t>(q_.size()) && IsSpaceChar(q_[p])) ++p;
    return p;
  }

  void CheckBinary(BinaryExpr& b, PosRange pos) {
    ValueType lt = Check(*b.lhs);
    if (failed()) return;
    ValueType rt = Check(*b.rhs);
    if (failed()) return;
    const std::string op(BinaryOpString(b.op));
    if (b.return_bool && !IsComparisonOp(b.op)) {
      return Error(OpPos(b), "bool modifier can only be used on comparison operators");
    }
    if (IsComparisonOp(b.op) && !b.return_bool && lt == ValueType::kScalar && rt == ValueType::kScalar) {
      return Error(OpPos(b), "comparisons between scalars must use BOOL modifier");
    }
    if (b.matching && IsSetOp(b.op) && b.matching->card == Cardinality::kOneToOne) {
      b.matching->card = Cardinality::kManyToMany;
    }
    if (b.matching && b.matching->on) {
      for (const auto& l1 : b.matching->matching_labels) {
        for (const auto& l2 : b.matching->include_labels) {
          if (l1 == l2) return Error(OpPos(b), "label " + GoQuote(l1) + " must not occur in ON and GROUP clause at once");
        }
      }
    }
    if (lt != ValueType::kScalar && lt != ValueType::kVector) {
      return Error(b.lhs->pos.start, "binary expression must contain only scalar and instant vector types");
    }
    if (rt != ValueType::kScalar && rt != ValueType::kVector) {
      return Error(b.rhs->pos.start, "binary expression must contain only scalar and instant vector types");
    }
    if ((lt != ValueType::kVector || rt != ValueType::kVector) && b.matching) {
      if (!b.matching->matching_labels.empty()) {
        return Error(pos.start, "vector matching only allowed between instant vectors");
      }
      b.matching.reset();
    } else if (IsSetOp(b.op) && b.matching) {
      if (b.matching->card == Cardinality::kOneToMany || b.matching->card == Cardinality::kManyToOne) {
        return Error(pos.start, "no grouping allowed for " + GoQuote(op) + " operation");
      }
      if (b.matching->card != Cardinality::kManyToMany) {
        return Error(pos.start, "set operations must always be many-to-many");
      }
    }
    if ((lt == ValueType::kScalar || rt == ValueType::kScalar) && IsSetOp(b.op)) {
      return Error(pos.start, "set operator " + GoQuote(op) + " not allowed in binary scalar expression");
    }
  }

  void CheckCall(Call& c, PosRange pos) {
    const Function& fn = *c.func;
    const int nargs = static_cast<int>(fn.arg_types.size());
    const int got = static_cast<int>(c.args.size());
    const std::string name = GoQuote(fn.name);
    if (fn.variadic == 0) {
      if (nargs != got) {
        return Error(pos.start, "expected " + std::to_string(nargs) + " argument(s) in call to " + name + ", got " +
                                    std::to_string(got));
      }
    } else {
      int min = nargs - 1;
      if (min > got) {
        return Error(pos.start, "expected at least " + std::to_string(min) + " argument(s) in call to " + name +
                                    ", got " + std::to_string(got));
      }
      if (fn.variadic > 0 && min + fn.variadic < got) {
        return Error(pos.start, "expected at most " + std::to_string(min + fn.variadic) +
                                    " argument(s) in call to " + name + ", got " + std::to_string(got));
      }
    }
    for (int i = 0; i < got; ++i) {
      int ti = i;
      if (ti >= nargs) {
        if (fn.variadic == 0) break;
        ti = nargs - 1;
      }
      if (fn.name == "info" && i == 1) {
        // The second argument of info() is a label selector for the info
        // series; it may match everything.
        if (c.args[1]->As<VectorSelector>() == nullptr) {
          return Error(c.args[1]->pos.start,
                       "expected label selectors as the second argument to \"info\" function, got " +
                           std::string(ValueTypeName(TypeOf(*c.args[1]))));
        }
        continue;
      }
      ExpectType(*c.args[i], fn.arg_types[ti], "call to function " + name);
      if (failed()) return;
    }
  }

  ValueType Check(Expr& e) {
    if (failed()) return ValueType::kNone;
    if (auto* vs = e.As<VectorSelector>()) {
      CheckSelector(*vs, e.pos);
    } else if (auto* ms = e.As<MatrixSelector>()) {
      CheckSelector(ms->selector, e.pos);
    } else if (auto* sq = e.As<SubqueryExpr>()) {
      ValueType t = Check(*sq->expr);
      if (!failed() && t != ValueType::kVector) {
        Error(e.pos.start, "subquery is only allowed on instant vector, got " + std::string(ValueTypeGoName(t)) +
                               " instead");
      }
    } else if (auto* p = e.As<ParenExpr>()) {
      Check(*p->expr);
    } else if (auto* u = e.As<UnaryExpr>()) {
      ValueType t = Check(*u->expr);
      if (!failed() && t != ValueType::kScalar && t != ValueType::kVector) {
        Error(e.pos.start, "unary expression only allowed on expressions of type scalar or instant vector, got " +
                               GoQuote(ValueTypeName(t)));
      }
    } else if (auto* b = e.As<BinaryExpr>()) {
      CheckBinary(*b, e.pos);
    } else if (auto* a = e.As<AggregateExpr>()) {
      ExpectType(*a->expr, ValueType::kVector, "aggregation expression");
      if (!failed() && a->param) {
        ValueType want = a->op == AggregateOp::kCountValues ? ValueType::kString : ValueType::kScalar;
        ExpectType(*a->param, want, "aggregation parameter");
      }
    } else if (auto* c = e.As<Call>()) {
      CheckCall(*c, e.pos);
    }
    return failed() ? ValueType::kNone : TypeOf(e);
  }

  std::string_view q_;
  Status err_;
};

}  // namespace

Status CheckAst(Expr& root, std::string_view query) { return Checker(query).Run(root); }

}  // namespace cairn::promql::parser
