// `cairnctl export`: every sample of the series matching --match between
// --start and --end, read through remote read (STREAMED_XOR_CHUNKS), written
// as OpenMetrics text, VictoriaMetrics JSON lines or CSV to stdout or --file,
// or sent to another server with --to-remote-write. What `export` writes,
// `import` reads back unchanged (stale markers excepted: text formats have
// one NaN).
#pragma once

#include <CLI/CLI.hpp>

#include "tools/cairnctl/command.h"

namespace cairn::cairnctl {

void RegisterExportCommands(CLI::App& root, const GlobalOptions& g);

}  // namespace cairn::cairnctl
