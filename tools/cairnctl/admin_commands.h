// cairnctl's storage administration against a running server, through the
// HTTP admin API (the server needs --web.enable-admin-api):
//   delete --match ... [--start --end]   POST /api/v1/admin/tsdb/delete_series
//   clean-tombstones                     POST /api/v1/admin/tsdb/clean_tombstones
//   compact                              POST /api/v1/admin/tsdb/compact (bytes before/after)
//   snapshot create|list|remove NAME     /api/v1/admin/tsdb/snapshot, .../snapshots
#pragma once

#include "tools/cairnctl/command.h"

namespace cairn::cairnctl {

void RegisterAdminCommands(CLI::App& root, const GlobalOptions& g);

}  // namespace cairn::cairnctl
