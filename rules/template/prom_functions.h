// Prometheus' template functions (prometheus/prometheus template/template.go
// and prometheus/common helpers/templates): humanize*, toTime, toDuration,
// now, query, first, label, value, strvalue, sortByLabel, args,
// reReplaceAll, match, title, toUpper, toLower, safeHtml, stripPort,
// stripDomain, graphLink, tableLink, externalURL, pathPrefix, parseDuration,
// urlQueryEscape — with upstream's output and error texts.
// Thread-safety: the static table is immutable; the per-expansion table
// calls `query` on the executing thread.
#pragma once

#include <cstdint>
#include <string>

#include "rules/template/expander.h"
#include "rules/template/function.h"

namespace cairn::rules::tmpl {

// Functions that need nothing from the expansion.
const FuncMap& PrometheusStaticFunctions();

// The functions bound to one expansion: query (through `query`, which may be
// empty), now, externalURL and pathPrefix. `query` must outlive the map.
FuncMap PrometheusBoundFunctions(const QueryFn* query, int64_t eval_time_ms, const std::string& external_url);

// Every function name a template may use (builtins and Prometheus'), for
// the parser's check.
bool IsTemplateFunction(std::string_view name);

// common/helpers/templates.ConvertToFloat: float64, int, a string through
// strconv.ParseFloat; anything else "can't convert T to float".
Result<double> ConvertToFloat(const Value& v);

}  // namespace cairn::rules::tmpl
