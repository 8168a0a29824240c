// The PromQL function table: every function's name, argument types, arity and
// return type, in one place. The parser's type checks read it; the engine
// dispatches on Function::name (or on the pointer a parsed Call carries).
//
// Arity follows Prometheus: `arg_types` lists every argument type; when
// `variadic` is 0 exactly that many arguments are required. Otherwise the last
// listed argument is optional and `variadic` says how many times it may
// repeat: N > 0 means up to N, -1 means without limit (so at least
// arg_types.size() - 1 arguments are required in both cases).
// Thread-safety: the table is immutable static data.
#pragma once

#include <string_view>
#include <vector>

#include "promql/ast.h"

namespace cairn::promql {

struct Function {
  std::string_view name;
  std::vector<ValueType> arg_types;
  int variadic = 0;
  ValueType return_type = ValueType::kVector;
  bool experimental = false;  // behind --enable-feature=promql-experimental-functions upstream
};

// The entry for `name` (case-sensitive), or nullptr when there is none.
const Function* LookupFunction(std::string_view name);

// All entries, sorted by name.
const std::vector<Function>& AllFunctions();

}  // namespace cairn::promql
