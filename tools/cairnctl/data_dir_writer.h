// DataDirWriter: `cairnctl import --data-dir`, the offline backfill. It opens
// a stopped server's data directory with the storage engine itself and
// appends through its Appender, so old and out-of-order samples take the same
// path (and land in the same day partitions and out-of-order chunks) as they
// would in the server. Close() checkpoints the head and flushes RocksDB, so
// the next `cairn --storage.tsdb.path=DIR` finds every sample without
// replaying the WAL.
//
// A running server holds the directory (RocksDB's LOCK file, a POSIX record
// lock); Open refuses it (Unavailable) naming the holder's PID.
// Retention is off while importing (the server applies its own when it
// starts), and the WAL is not fsynced per batch: an import that dies midway
// is simply run again (identical samples are dropped as duplicates).
//
// Thread-safety: Write() may be called from several threads at once.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "storage/db.h"
#include "tools/cairnctl/import_formats.h"
#include "util/clock.h"
#include "util/status.h"

namespace cairn::cairnctl {

class DataDirWriter {
 public:
  static Result<std::unique_ptr<DataDirWriter>> Open(const std::string& dir);
  ~DataDirWriter();

  // Appends and commits one batch. A sample the engine refuses (a different
  // value at a stored timestamp, bad labels) fails the batch with the
  // engine's error, as the server's 4xx fails a remote-write import.
  Status Write(const std::vector<ImportSample>& batch);
  Status Close();

 private:
  DataDirWriter() = default;
  std::unique_ptr<storage::DB> db_;
};

// The PID of a process holding a POSIX lock on `dir`/db/LOCK (RocksDB's
// lock), or 0 when none does or the file is absent.
int DataDirLockHolder(const std::string& dir);

}  // namespace cairn::cairnctl
