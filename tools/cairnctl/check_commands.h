// promtool's offline checks, with Cairn's own loaders: `check config`,
// `check rules`, `check metrics` (lint an exposition on stdin) and `test
// rules` (rule unit tests in promtool's format). Output follows promtool's
// ("Checking <file>", "  SUCCESS: ...", "  FAILED: ..."), and so do the
// exit codes: 0 fine, 1 a file failed its check, 3 lint problems (`check
// metrics`, as promtool's lintErrExitCode), 2 bad usage or a missing file.
#pragma once

#include <CLI/CLI.hpp>

#include "tools/cairnctl/command.h"

namespace cairn::cairnctl {

void RegisterCheckCommands(CLI::App& root, const GlobalOptions& g);

}  // namespace cairn::cairnctl
