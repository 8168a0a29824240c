// Number formatting as Go prints it, for result labels and annotation texts
// that must match Prometheus byte for byte.
// Thread-safety: pure functions.
#pragma once

#include <string>

#include "storage/labels.h"
#include "util/go_quote.h"
#include "util/go_strconv.h"

namespace cairn::promql {

// Go's strconv.FormatFloat(v, 'g', -1, 64) / fmt "%g" (util/go_strconv.h).
inline std::string FormatGoG(double v) { return GoFormatFloatG(v); }

// Go's strconv.FormatFloat(v, 'f', -1, 64): shortest round-trip digits in
// plain decimal notation ("100", "0.000001"). "+Inf", "-Inf", "NaN".
std::string FormatGoF(double v);

// Prometheus' labels.FormatOpenMetricsFloat: FormatGoG, with ".0" appended
// when that has neither '.' nor 'e' ("1.0", "1e+06", "0.25").
std::string FormatOpenMetricsFloat(double v);

// Go's %q of a string (util/go_quote.h).
using ::cairn::GoQuote;

// Prometheus' labels.String(): {a="b", c="d"} with every label, __name__
// included, values quoted as Go's %q.
std::string GoLabelsString(const storage::Labels& ls);

}  // namespace cairn::promql
