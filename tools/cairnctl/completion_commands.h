// `cairnctl completion bash`: a bash completion script generated from the
// CLI11 command tree at run time, so it always lists exactly the commands
// and options this binary has (including groups registered later).
//   source <(cairnctl completion bash)
#pragma once

#include <CLI/CLI.hpp>

#include <string>

#include "tools/cairnctl/command.h"

namespace cairn::cairnctl {

void RegisterCompletionCommands(CLI::App& root, const GlobalOptions& g);

// The script for `root`'s tree (exposed for tests).
std::string BashCompletion(const CLI::App& root);

}  // namespace cairn::cairnctl
