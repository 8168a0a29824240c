// PromQL parsing entry points: queries, series descriptors, selectors and
// durations, with Prometheus 3.x syntax and Prometheus' error messages.
//
// Every function returns InvalidArgument on bad input, with a message that
// reads like Prometheus' own, e.g. `1:14: parse error: unexpected end of
// input` (line:column are 1-based; the column counts bytes). Nothing throws.
// Thread-safety: pure functions; safe from any thread.
//
//   auto expr = parser::ParseExpr("sum by (job) (rate(http_requests_total[5m]))");
//   if (!expr.ok()) return expr.status();
//   const Expr& root = **expr;
#pragma once

#include <cstdint>
#include <string_view>

#include "promql/ast.h"
#include "storage/labels.h"
#include "storage/matcher.h"
#include "util/status.h"

namespace cairn::promql::parser {

// Parses and type-checks a PromQL expression (every experimental feature on:
// duration expressions, anchored/smoothed, fill modifiers, experimental
// functions and aggregators). Unlike Prometheus it rejects trees nested more
// than 256 levels or higher than 1000 nodes ("expression is nested too
// deeply"), so that no input can exhaust a thread's stack.
Result<ExprPtr> ParseExpr(std::string_view query);

// Parses a series descriptor `name{a="b", ...}` (or `{__name__="name", ...}`,
// or `{"name", ...}`) into its label set, as `load` blocks of test scripts
// write them.
Result<storage::Labels> ParseMetric(std::string_view text);

// Parses a vector selector `name{a=~"b"}` into its matchers (the name becomes
// a trailing `__name__` equality matcher), as the API's `match[]` takes it.
// Empty-matching selectors are not rejected here.
Result<storage::Matchers> ParseMetricSelector(std::string_view text);

// Parses a Prometheus duration (`1h30m`, `5m0s`, `10s53ms`, `0`): unit groups
// from y w d h m s ms in that order, each at most once; y = 365d, w = 7d.
Result<int64_t> ParseDurationMs(std::string_view text);

}  // namespace cairn::promql::parser
