// The read commands against a running server's HTTP API: query (instant and
// range), series, labels, label-values. See docs/cairnctl.md.
#pragma once

#include <CLI/CLI.hpp>

#include "tools/cairnctl/command.h"

namespace cairn::cairnctl {

void RegisterQueryCommands(CLI::App& root, const GlobalOptions& g);

}  // namespace cairn::cairnctl
