#include "tools/promql_test/step_invariance.h"

#include <string_view>

namespace cairn::promql_test {

namespace {

using namespace cairn::promql;

bool IsTimeFunction(std::string_view n) {
  for (std::string_view f : {"time", "timestamp", "predict_linear", "minute", "hour", "day_of_month", "day_of_week",
                             "day_of_year", "days_in_month", "month", "year", "start", "end", "range", "step"}) {
    if (n == f) return true;
  }
  return false;
}

void Pin(Expr& e, int64_t t) {
  std::visit(
      [&](auto& n) {
        using T = std::decay_t<decltype(n)>;
        if constexpr (std::is_same_v<T, VectorSelector>) {
          if (!n.at.present()) n.at = AtModifier{AtKind::kTimestamp, t};
        } else if constexpr (std::is_same_v<T, MatrixSelector>) {
          if (!n.selector.at.present()) n.selector.at = AtModifier{AtKind::kTimestamp, t};
        } else if constexpr (std::is_same_v<T, SubqueryExpr>) {
          if (!n.at.present()) n.at = AtModifier{AtKind::kTimestamp, t};
        } else if constexpr (std::is_same_v<T, ParenExpr> || std::is_same_v<T, UnaryExpr>) {
          Pin(*n.expr, t);
        } else if constexpr (std::is_same_v<T, BinaryExpr>) {
          Pin(*n.lhs, t);
          Pin(*n.rhs, t);
        } else if constexpr (std::is_same_v<T, AggregateExpr>) {
          Pin(*n.expr, t);
          if (n.param) Pin(*n.param, t);
        } else if constexpr (std::is_same_v<T, Call>) {
          for (auto& a : n.args) Pin(*a, t);
        }
      },
      e.node);
}

}  // namespace

bool AllowsStepInvariance(const Expr& e) {
  return std::visit(
      [&](const auto& n) -> bool {
        using T = std::decay_t<decltype(n)>;
        if constexpr (std::is_same_v<T, ParenExpr> || std::is_same_v<T, UnaryExpr>) {
          return AllowsStepInvariance(*n.expr);
        } else if constexpr (std::is_same_v<T, BinaryExpr>) {
          return AllowsStepInvariance(*n.lhs) && AllowsStepInvariance(*n.rhs);
        } else if constexpr (std::is_same_v<T, AggregateExpr>) {
          return AllowsStepInvariance(*n.expr) && (!n.param || AllowsStepInvariance(*n.param));
        } else if constexpr (std::is_same_v<T, Call>) {
          if (IsTimeFunction(n.name)) return false;
          for (const auto& a : n.args) {
            if (!AllowsStepInvariance(*a)) return false;
          }
          return true;
        } else {
          return true;
        }
      },
      e.node);
}

ExprPtr PinAt(const Expr& e, int64_t t_ms) {
  ExprPtr copy = CloneExpr(e);
  Pin(*copy, t_ms);
  return copy;
}

std::vector<int64_t> VariantTimes(int64_t t) {
  if (t == 0) return {-1000, 0, 1000};
  return {-10 * t, 0, t / 5, t, 10 * t};
}

}  // namespace cairn::promql_test
