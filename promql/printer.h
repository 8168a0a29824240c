// Prints a PromQL AST back as canonical PromQL text, the way Prometheus'
// Expr.String() does (used by /api/v1/format_query and in error messages):
// single spaces around binary operators, `sum by (a) (x)`, sorted matchers,
// durations as `1h30m`, `@ <seconds with 3 decimals>`, numbers as Go's %v.
// Parsing the output yields an equal tree (ExprEqual) for any parsed tree.
// Thread-safety: pure functions.
#pragma once

#include <string>

#include "promql/ast.h"

namespace cairn::promql {

std::string Format(const Expr& e);

// The multi-line form /api/v1/format_query returns (Prometheus' Pretty):
// any node whose Format() is longer than 100 bytes is split, children
// indented two spaces per level (binary operators on their own line between
// the operands, call arguments and aggregation bodies one per line).
// Short expressions print exactly as Format().
std::string Pretty(const Expr& e, int level = 0);

// A float as Go's fmt %v prints it: "1", "0.5", "1e+06", "+Inf", "NaN".
std::string FormatFloat(double v);

}  // namespace cairn::promql
