// The PromQL abstract syntax tree: plain data produced by ParseExpr
// (promql/parser/parser.h), evaluated by the engine and printed back by
// Format (promql/printer.h).
//
// Shape: an Expr is a position, plus one node alternative held in a
// std::variant, so consumers dispatch with std::visit or std::get_if. Children
// are owned through ExprPtr (unique ownership); CloneExpr deep-copies a tree
// and ExprEqual compares two trees ignoring source positions.
//
// Time values: every timestamp and duration is int64 milliseconds, as in
// Prometheus. Durations written in a query (ranges, offsets, subquery steps)
// are a Duration: a constant, or (Prometheus 3.x) an arithmetic duration
// expression such as `[2m*(10+5)]` or `offset -step()` that the engine
// evaluates once per query (it may depend on the query's step and range).
//
// Nodes as the parser builds them (Prometheus' parser does the same):
//   - `-1` is folded into NumberLiteral{-1}; `-x` for non-literals stays a
//     UnaryExpr. `+x` stays a UnaryExpr with op kAdd.
//   - A VectorSelector's matchers include the metric name as a `__name__`
//     equality matcher when a name was written outside the braces.
//   - `x[5m] offset 1m @ 10` puts offset and @ on the inner selector.
//   - BinaryExpr::matching is set when both operands are instant vectors
//     (always for set operators), otherwise it is absent.
//
// Thread-safety: plain values; a tree may be read from many threads at once.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "storage/matcher.h"

namespace cairn::promql {

struct Function;  // promql/functions_table.h

// The type a PromQL expression evaluates to. kNone only for an invalid tree.
enum class ValueType { kNone, kScalar, kVector, kMatrix, kString };

// "scalar", "instant vector", "range vector", "string" (as Prometheus' errors
// name them), "none".
std::string_view ValueTypeName(ValueType t);
// Go's ValueType strings: "scalar", "vector", "matrix", "string", "none"
// (function signatures in /api/v1/parse_query, a few parser messages).
std::string_view ValueTypeGoName(ValueType t);

// Byte offsets [start, end) into the parsed query text.
struct PosRange {
  int32_t start = 0;
  int32_t end = 0;
  friend bool operator==(const PosRange&, const PosRange&) = default;
};

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

// A duration written in a query. When `expr` is null the value is `ms`;
// otherwise `expr` is a duration expression over NumberLiteral (seconds),
// ParenExpr, UnaryExpr, BinaryExpr (+ - * / % ^) and Calls of `step()`,
// `range()`, `min_of(a, b)`, `max_of(a, b)`; its value in seconds times 1000
// is the duration. Use EvalDuration (promql/parser/duration.h) to resolve it.
struct Duration {
  int64_t ms = 0;
  ExprPtr expr;
  bool is_expr() const { return expr != nullptr; }
};

// The `@` modifier of a selector or subquery.
enum class AtKind { kNone, kTimestamp, kStart, kEnd };
struct AtModifier {
  AtKind kind = AtKind::kNone;
  int64_t t_ms = 0;  // set for kTimestamp only
  bool present() const { return kind != AtKind::kNone; }
};

struct NumberLiteral {
  double value = 0;
  // Written as a duration (`1h30m`); printed back as one.
  bool is_duration = false;
};

struct StringLiteral {
  std::string value;  // unescaped
};

// `name{matchers} [offset d] [@ t] [anchored|smoothed]`.
struct VectorSelector {
  std::string name;            // metric name, empty when only matchers were given
  storage::Matchers matchers;  // all matchers, incl. __name__="name" when a name was written
  bool has_offset = false;     // `offset` was written (even `offset 0`)
  Duration offset;             // positive looks back in time, negative forward
  AtModifier at;
  bool anchored = false;       // 3.x extended range selectors
  bool smoothed = false;
  std::string text;            // the selector's source text, informational only
};

// `selector[range]`; offset, @ and anchored/smoothed live on `selector`.
struct MatrixSelector {
  VectorSelector selector;
  Duration range;
};

// `expr[range:step] [offset d] [@ t]`.
struct SubqueryExpr {
  ExprPtr expr;
  Duration range;
  bool has_step = false;  // false for `[10m:]`: the engine's default resolution
  Duration step;
  bool has_offset = false;
  Duration offset;
  AtModifier at;
};

struct ParenExpr {
  ExprPtr expr;
};

enum class UnaryOp { kAdd, kSub };
struct UnaryExpr {
  UnaryOp op = UnaryOp::kSub;
  ExprPtr expr;
};

enum class BinaryOp {
  kAdd, kSub, kMul, kDiv, kMod, kPow, kAtan2,
  kEql, kNeq, kGtr, kLss, kGte, kLte,
  kAnd, kOr, kUnless,
  kTrimUpper,  // `</`: native-histogram trim of buckets above a bound
  kTrimLower,  // `>/`: trim of buckets below a bound
};
bool IsComparisonOp(BinaryOp op);
bool IsSetOp(BinaryOp op);
// "+", "==", "and", "atan2", "</", ...
std::string_view BinaryOpString(BinaryOp op);

enum class Cardinality { kOneToOne, kManyToOne, kOneToMany, kManyToMany };

struct VectorMatching {
  Cardinality card = Cardinality::kOneToOne;
  // on(...) when true, ignoring(...) (or nothing written) when false.
  bool on = false;
  std::vector<std::string> matching_labels;
  // group_left(...)/group_right(...) extra labels.
  std::vector<std::string> include_labels;
  // fill / fill_left / fill_right (3.x): value used for a missing series on
  // that side. fill(v) sets both.
  std::optional<double> fill_left;
  std::optional<double> fill_right;
};

struct BinaryExpr {
  BinaryOp op = BinaryOp::kAdd;
  ExprPtr lhs;
  ExprPtr rhs;
  bool return_bool = false;  // `bool` modifier (comparisons only)
  std::optional<VectorMatching> matching;
};

enum class AggregateOp {
  kSum, kAvg, kCount, kMin, kMax, kGroup, kStddev, kStdvar,
  kTopk, kBottomk, kCountValues, kQuantile, kLimitk, kLimitRatio,
};
// "sum", "count_values", "limit_ratio", ...
std::string_view AggregateOpString(AggregateOp op);
// True for topk, bottomk, count_values, quantile, limitk, limit_ratio.
bool AggregateTakesParam(AggregateOp op);

struct AggregateExpr {
  AggregateOp op = AggregateOp::kSum;
  ExprPtr expr;
  ExprPtr param;                   // set iff AggregateTakesParam(op)
  std::vector<std::string> grouping;
  bool without = false;            // `without (...)` rather than `by (...)`
};

struct Call {
  std::string name;
  const Function* func = nullptr;  // entry of the function table; never null after parsing
  std::vector<ExprPtr> args;
  ValueType return_type = ValueType::kNone;  // copied from the table
};

using ExprNode = std::variant<NumberLiteral, StringLiteral, VectorSelector, MatrixSelector,
                              SubqueryExpr, ParenExpr, UnaryExpr, BinaryExpr, AggregateExpr, Call>;

struct Expr {
  ExprNode node;
  PosRange pos;

  template <typename T>
  const T* As() const { return std::get_if<T>(&node); }
  template <typename T>
  T* As() { return std::get_if<T>(&node); }
};

// The value type `e` evaluates to.
ValueType TypeOf(const Expr& e);

template <typename T>
ExprPtr MakeExpr(T node, PosRange pos = {}) {
  return std::make_unique<Expr>(Expr{ExprNode(std::move(node)), pos});
}

// Calls `f` on each direct child expression of `e` (operands, arguments,
// aggregation parameter, inner expression), in source order. Duration
// expressions are not children.
void ForEachChild(const Expr& e, const std::function<void(const Expr&)>& f);

// Deep copy (positions kept).
ExprPtr CloneExpr(const Expr& e);
Duration CloneDuration(const Duration& d);
// Structural equality, ignoring positions and VectorSelector::text; a
// selector's matchers compare as a set and `offset 0` equals no offset. NaN literals compare equal to NaN.
bool ExprEqual(const Expr& a, const Expr& b);

}  // namespace cairn::promql
