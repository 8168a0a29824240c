// Number formatting as Go prints it, for result labels and annotation texts
// that must match Prometheus byte for byte.
// Thread-safety: pure functions.
#pragma once

#include <string>

#include "storage/labels.h"

namespace cairn::promql {

// Go's strconv.FormatFloat(v, 'g', -1, 64) / fmt "%g": shortest round-trip
// digits, exponent form ("1e+06", "1.5e-05") when the exponent is < -4 or
// >= 6. "+Inf", "-Inf", "NaN".
std::string FormatGoG(double v);

// Go's strconv.FormatFloat(v, 'f', -1, 64): shortest round-trip digits in
// plain decimal notation ("100", "0.000001"). "+Inf", "-Inf", "NaN".
std::string FormatGoF(double v);

// Go's %q of a string: double-quoted, escapes as Go prints them.
std::string GoQuote(const std::string& s);

// Prometheus' labels.String(): {a="b", c="d"} with every label, __name__
// included, values quoted as Go's %q.
std::string GoLabelsString(const storage::Labels& ls);

}  // namespace cairn::promql
