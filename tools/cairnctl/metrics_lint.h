// LintExposition: `promtool check metrics`' linter (client_golang's promlint)
// over a text-format exposition, read with Cairn's own exposition parser
// (ingest/exposition).
//
// Samples are grouped into families as the text format defines them: a
// sample `x_bucket`, `x_sum` or `x_count` belongs to family `x` when `x` is
// declared a histogram (or, for _sum/_count, a summary); any other sample
// name is its own family, untyped unless a TYPE line says otherwise.
// Families without samples are not linted. The checks and their texts are
// promlint's: help text, non-base units, the _total suffix, names and labels
// reserved for histograms and summaries, the type in the name, ':' in names,
// camelCase, abbreviated units. Problems are sorted by metric, then text.
//
// Thread-safety: pure function.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace cairn::cairnctl {

struct LintProblem {
  std::string metric;
  std::string text;
};

// Errors: InvalidArgument with the parser's message when the exposition does
// not parse (promtool then prints "error while linting: ...").
Result<std::vector<LintProblem>> LintExposition(std::string_view exposition);

}  // namespace cairn::cairnctl
