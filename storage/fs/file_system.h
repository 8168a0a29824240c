// FileSystem: the seam under every file the storage engine writes (LevelDB's
// `Env` idea). The WAL writes, syncs, lists, truncates and removes its
// segments through it, and RocksDB gets its file system from it
// (ForRocksDB), so a test can put a fault-injecting file system under the
// whole engine and cut power: whatever was not fsynced is lost
// (tests/storage/fault_fs.h; storage/docs/durability.md).
//
// Durability contract, as on a POSIX file system: bytes appended to a file
// survive a power cut only once WritableFile::Sync returned OK; a file
// created, renamed or removed survives (or stays gone) only once SyncDir of
// its directory returned OK.
//
// Errors: a full disk (ENOSPC, EDQUOT) is Unavailable, which callers treat
// as passing (the write is refused, retried later); other failures are IOError.
//
// Production uses DefaultFileSystem() (POSIX calls; RocksDB's own default).
// Thread-safety: every method is safe from any thread; a WritableFile belongs
// to one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace rocksdb {
class FileSystem;
}  // namespace rocksdb

namespace cairn::storage::fs {

// A file open for appending.
class WritableFile {
 public:
  virtual ~WritableFile() = default;
  virtual Status Append(std::string_view data) = 0;
  // fdatasync: the bytes appended so far survive a power cut.
  virtual Status Sync() = 0;
  // Closes without syncing (the destructor closes too, ignoring errors).
  virtual Status Close() = 0;
};

struct DirEntry {
  std::string name;  // without the directory
  uint64_t bytes = 0;
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;

  // Opens `path` for appending, creating it when absent; `truncate` empties
  // an existing file first.
  virtual Result<std::unique_ptr<WritableFile>> OpenForAppend(const std::string& path, bool truncate) = 0;
  // The whole content of `path`.
  virtual Result<std::string> ReadFile(const std::string& path) = 0;
  // Cuts `path` to `bytes` and syncs it: durable on return (recovery cuts a
  // torn WAL tail; were the cut lost, the tail would reappear in a segment
  // that is no longer the last).
  virtual Status Truncate(const std::string& path, uint64_t bytes) = 0;
  // Atomically replaces `to` with `from` (rename(2)).
  virtual Status Rename(const std::string& from, const std::string& to) = 0;
  // Removes a file; a missing one is OK.
  virtual Status Remove(const std::string& path) = 0;
  // Creates `dir` and its missing parents.
  virtual Status CreateDirs(const std::string& dir) = 0;
  // fsync of a directory: entries created, renamed or removed in it survive.
  virtual Status SyncDir(const std::string& dir) = 0;
  // Regular files of `dir` (any order); a missing directory lists as empty.
  virtual Result<std::vector<DirEntry>> List(const std::string& dir) = 0;

  // The file system RocksDB opens its database with: the same files, the
  // same faults.
  virtual std::shared_ptr<rocksdb::FileSystem> ForRocksDB() = 0;
};

// The POSIX file system (one shared instance).
std::shared_ptr<FileSystem> DefaultFileSystem();

// The directory part of `path` ("a/b/c" -> "a/b", "c" -> ".").
std::string DirName(const std::string& path);

}  // namespace cairn::storage::fs
