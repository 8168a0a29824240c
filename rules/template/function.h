// A function a template can call: Go's FuncMap entry reduced to what
// text/template's evalCall needs (parameter types for argument checking and
// conversion, variadic or not) and a body. Builtins (builtins.h) and
// Prometheus' functions (prom_functions.h) are both tables of these.
// Thread-safety: immutable tables; bodies are pure unless documented.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "rules/template/value.h"
#include "util/status.h"

namespace cairn::rules::tmpl {

// The Go parameter types of template functions.
enum class ParamType {
  kAny,           // interface{}
  kReflectValue,  // reflect.Value (the builtins): anything, nil included
  kString,
  kFloat64,
  kInt,
  kBool,
  kSamples,  // template.queryResult
  kSample,   // *template.sample
};

// Go's name for a parameter type, as errors print it.
const char* ParamTypeName(ParamType t);

struct Function {
  std::vector<ParamType> params;  // when variadic, the last entry is the element type
  bool variadic = false;
  // The call. A non-OK Status is the Go error; its message is printed after
  // "error calling NAME: ".
  std::function<Result<Value>(const std::vector<Value>& args)> body;
};

using FuncMap = std::map<std::string, Function, std::less<>>;

}  // namespace cairn::rules::tmpl
