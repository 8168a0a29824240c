// The parser of Go's text/template language (text/template/parse/parse.go):
// text, actions, pipelines, variables, if/else if/with/range/else, break and
// continue, define/template/block, comments and trim markers. Functions are
// checked against `has_function` at parse time, as Go checks its FuncMap.
// Errors read as Go's: "template: NAME:LINE: MESSAGE" (no column).
// Thread-safety: pure function.
#pragma once

#include <functional>
#include <string_view>

#include "rules/template/node.h"
#include "util/status.h"

namespace cairn::rules::tmpl {

// Parses `text` as template `name` into `set` (which keeps the text for
// error positions). InvalidArgument with Go's message on a syntax error.
Status ParseTemplate(std::string_view name, std::string_view text,
                     const std::function<bool(std::string_view)>& has_function, TemplateSet* set);

// Parenthesized pipelines nest at most this deep (Go allows 10000; Cairn's
// recursive parser keeps to less so deep input cannot exhaust the stack).
inline constexpr int kMaxParseDepth = 1000;

}  // namespace cairn::rules::tmpl
