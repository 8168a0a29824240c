// The JSON tree of a parsed PromQL expression that /api/v1/parse_query
// returns, in the shape Prometheus' web API gives its UI's tree view: one
// object per node with a "type" ("aggregation", "binaryExpr", "call",
// "matrixSelector", "subquery", "numberLiteral", "parenExpr",
// "stringLiteral", "unaryExpr", "vectorSelector") and that node's fields,
// keys in sorted order as Go's encoder writes a map. Durations and
// timestamps are milliseconds; a duration written as an expression (3.x)
// shows as 0, as upstream reports an unevaluated one.
// Thread-safety: pure function.
#pragma once

#include "promql/ast.h"
#include "util/json_writer.h"

namespace cairn::server {

void WriteAstJson(JsonWriter& w, const promql::Expr& e);

}  // namespace cairn::server
