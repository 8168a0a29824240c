// strconv.FormatFloat for the verbs Go's fmt uses, so template output prints
// numbers digit for digit as Prometheus does (golang/go src/strconv/ftoa.go).
// Thread-safety: pure function.
#pragma once

#include <string>

namespace cairn::rules::tmpl {

// strconv.FormatFloat(v, fmt, prec, 64) for fmt in e E f g G b x X; prec -1
// is the shortest representation that reads back exactly. NaN, +Inf, -Inf.
std::string GoFormatFloat(double v, char fmt, int prec);

}  // namespace cairn::rules::tmpl
