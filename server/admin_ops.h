// Admin operations shared by the HTTP admin API (/api/v1/admin/tsdb/*, with
// --web.enable-admin-api) and the gRPC Admin service: snapshots and series
// deletion on the storage::DB, snapshot listing and removal, tombstone
// cleaning and compaction.
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

struct SnapshotInfo {
  std::string name;
  uint64_t bytes = 0;      // apparent size of its files (hard links share blocks with the data dir)
  int64_t created_ms = 0;  // the directory's modification time
};
// Snapshots under <data_dir>/snapshots, oldest first (names sort by time).
Result<std::vector<SnapshotInfo>> ListSnapshots(const std::string& data_dir);
// Removes <data_dir>/snapshots/<name>. InvalidArgument for a name that is
// not a plain directory name; NotFound when there is no such snapshot.
Status RemoveSnapshot(const std::string& data_dir, const std::string& name);

// What compaction freed: the data directory's bytes (RocksDB files and WAL).
struct CompactOutcome {
  uint64_t bytes_before = 0;
  uint64_t bytes_after = 0;
};
Result<CompactOutcome> CompactStorage(storage::DB& db);

// Deletes [start_ms, end_ms] of every series matching any selector. Each
// selector must parse and hold a matcher that does not match "".
Status DeleteSeries(storage::DB& db, const api::SelectorParser& parse, const std::vector<std::string>& selectors,
                    int64_t start_ms, int64_t end_ms);

}  // namespace cairn::server
