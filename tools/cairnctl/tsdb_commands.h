// cairnctl tsdb: offline work on a stopped server's data directory, read-only
// (library code in storage/inspect.h and storage/verify.h):
//   tsdb inspect DIR                  partitions, series, chunks, samples, bytes per sample, WAL
//   tsdb analyze DIR [--limit --match] cardinality, churn, largest series (like promtool's)
//   tsdb verify DIR                   chunk and index checks; exit 1 on damage
#pragma once

#include "tools/cairnctl/command.h"

namespace cairn::cairnctl {

void RegisterTsdbCommands(CLI::App& root, const GlobalOptions& g);

}  // namespace cairn::cairnctl
