// ScriptParser: reads a PromQL test script (`*.test`, see
// shared/promql-testdata/FORMAT.md) into commands. It checks the script's own
// syntax (commands, times, label sets, value notation, expect lines) but not
// the PromQL of eval lines; the runner parses those.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "tools/promql_test/commands.h"
#include "util/status.h"

namespace cairn::promql_test {

// Parses script text; `path` is used in error messages ("<path>:<line>: ...").
Result<Script> ParseScript(std::string path, std::string_view text);

// Reads and parses a file.
Result<Script> ParseScriptFile(const std::string& path);

}  // namespace cairn::promql_test
