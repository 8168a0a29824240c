// `cairnctl import`: backfill a file (OpenMetrics/Prometheus text, VictoriaMetrics
// JSON lines, CSV; see import_formats.h) into a running server by batched,
// concurrent remote write. Bad lines are reported with their line numbers and
// are fatal unless --skip-bad-lines. Old and out-of-order samples are sent as
// they are; Cairn's storage takes them (it keeps out-of-order data), other
// servers need their own out-of-order window.
#pragma once

#include <CLI/CLI.hpp>

#include "tools/cairnctl/command.h"

namespace cairn::cairnctl {

void RegisterImportCommands(CLI::App& root, const GlobalOptions& g);

}  // namespace cairn::cairnctl
