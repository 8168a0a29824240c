// Go's fmt package over template values: Sprint, Sprintln and Sprintf with
// Go's verbs, flags, width and precision, its %!verb(type=value) complaints
// and its strconv float formatting, so `printf "%.2f" $value` and friends
// print what Prometheus prints (golang/go src/fmt/print.go and format.go,
// Go 1.19 as Prometheus 2.42 was built with).
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "rules/template/value.h"

namespace cairn::rules::tmpl {

// fmt.Sprint: operands printed with %v, a space between two operands when
// neither is a string.
std::string GoSprint(const std::vector<Value>& args);
// fmt.Sprintln: spaces between all operands and a trailing newline.
std::string GoSprintln(const std::vector<Value>& args);
// fmt.Sprintf.
std::string GoSprintf(std::string_view format, const std::vector<Value>& args);

// What an action {{...}} writes for a value: text/template's printValue,
// i.e. fmt.Fprint after dereferencing pointers, and "<no value>" for nil.
std::string GoPrintActionValue(const Value& v);

// strconv.FormatFloat(v, fmt, prec, 64) for fmt in e E f g G b x X; prec -1
// is the shortest representation that reads back exactly.
std::string GoFormatFloat(double v, char fmt, int prec);

}  // namespace cairn::rules::tmpl
