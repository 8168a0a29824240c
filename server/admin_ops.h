// Admin operations shared by the HTTP admin API (/api/v1/admin/tsdb/*, with
// --web.enable-admin-api) and the gRPC Admin service: snapshots and series
// deletion on the storage::DB.
// Thread-safety: as storage::DB (any thread).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "server/api/api_v1.h"
#include "storage/db.h"

namespace cairn::server {

// Writes a snapshot to <data_dir>/snapshots/<YYYYMMDDTHHMMSSZ>-<16 hex> and
// returns its name.
Result<std::string> TakeSnapshot(storage::DB& db, const std::string& data_dir, int64_t now_ms);

// Deletes [start_ms, end_ms] of every series matching any selector. Each
// selector must parse and hold a matcher that does not match "".
Status DeleteSeries(storage::DB& db, const api::SelectorParser& parse, const std::vector<std::string>& selectors,
                    int64_t start_ms, int64_t end_ms);

}  // namespace cairn::server
