// `cairnctl cardinality`: where the head's series come from — top metric
// names, label names (by distinct values), label pairs — with counts and
// share of the head, from /api/v1/status/tsdb (`limit`, and `match[]` to
// narrow it to some selectors, which Cairn answers through the index).
#pragma once

#include <CLI/CLI.hpp>

#include "tools/cairnctl/command.h"

namespace cairn::cairnctl {

void RegisterCardinalityCommands(CLI::App& root, const GlobalOptions& g);

}  // namespace cairn::cairnctl
