// Type checks of a parsed PromQL tree, as Prometheus' checkAST does them:
// operand types of binary operators, aggregations and calls, `bool` only on
// comparisons, set operators only between vectors, vector matching only
// between vectors, selectors that must match something. It also normalises
// BinaryExpr::matching (dropped unless both sides are vectors; many-to-many
// for set operators).
// Thread-safety: mutates only `root`.
#pragma once

#include <string_view>

#include "promql/ast.h"
#include "util/status.h"

namespace cairn::promql::parser {

// OK, or the first error as "L:C: parse error: ..." against `query`.
Status CheckAst(Expr& root, std::string_view query);

}  // namespace cairn::promql::parser
