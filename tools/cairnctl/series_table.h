// Tables of series and samples from API answers (query results, series
// lists), shared by the query commands and cardinality: the table form shows
// each series as `name{a="x"}`; the CSV form gives every label name its own
// column (union over the answer, __name__ first, then sorted), which is what
// a spreadsheet or `import --format csv` wants.
// Thread-safety: pure functions.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "tools/cairnctl/command.h"
#include "tools/cairnctl/json_value.h"
#include "tools/cairnctl/output.h"

namespace cairn::cairnctl {

// A query's "data" ({"resultType": ..., "result": ...}) as a table with
// columns series, value, timestamp (vector, matrix: one row per sample) or
// value, timestamp (scalar, string). Values in Prometheus' float format.
Table QueryResultTable(const JsonValue& data, OutputFormat format);

// A list of label sets (the /api/v1/series answer).
Table SeriesListTable(const JsonValue& data, OutputFormat format);

// Re-formats an API sample value string ("1.50" -> "1.5"); non-numbers as given.
std::string FormatSampleValue(const std::string& api_value);

}  // namespace cairn::cairnctl
