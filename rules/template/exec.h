// The executor of parsed text/templates (text/template/exec.go): walks the
// tree with Go's semantics for dot, variables, fields and map keys
// (missingkey=zero), pipelines, function calls with argument checking, and
// if/with/range/template/break/continue. Errors read as Go's:
//   template: NAME:LINE:COL: executing "NAME" at <NODE>: MESSAGE
// Thread-safety: Execute is reentrant; `funcs` and `set` are read only.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "rules/template/function.h"
#include "rules/template/node.h"
#include "rules/template/value.h"
#include "util/status.h"

namespace cairn::rules::tmpl {

// Nested {{template}} calls allowed (Go allows 100000; Cairn's recursive
// walk stops earlier so it cannot exhaust the stack).
inline constexpr int kMaxExecDepth = 1000;

// Executes template `name` of `set` with `dot` as data. `funcs` are the
// function maps, searched in order (put Builtins() last, as Go consults its
// builtins after the template's own functions); the builtin `and`/`or`
// short-circuit as in Go 1.18+. kExecution with Go's message on failure.
Result<std::string> ExecuteTemplate(const TemplateSet& set, std::string_view name, const Value& dot,
                                    const std::vector<const FuncMap*>& funcs);

}  // namespace cairn::rules::tmpl
