// text/template's predefined functions (text/template/funcs.go): and, or,
// not, len, index, slice, print, printf, println, html, js, urlquery, call
// and the comparisons eq, ne, lt, le, gt, ge, with Go's error messages.
// Thread-safety: the table is immutable.
#pragma once

#include "rules/template/function.h"

namespace cairn::rules::tmpl {

const FuncMap& Builtins();

// What html/js/urlquery and friends print for their arguments: the only
// argument when it is a string, else fmt.Sprint of the dereferenced values.
std::string EvalArgsString(const std::vector<Value>& args);


}  // namespace cairn::rules::tmpl
