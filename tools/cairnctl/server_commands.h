// Commands about the server itself: status (build info, runtime, flags, head
// figures), health, ready, reload. See docs/cairnctl.md.
#pragma once

#include <CLI/CLI.hpp>

#include "tools/cairnctl/command.h"

namespace cairn::cairnctl {

void RegisterServerCommands(CLI::App& root, const GlobalOptions& g);

}  // namespace cairn::cairnctl
