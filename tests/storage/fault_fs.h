// FaultFileSystem: a storage::fs::FileSystem for tests that simulates power
// cuts and I/O errors over real files in a temporary directory.
//
// It remembers, per file written through it, how many bytes were synced, and
// every directory entry created, renamed or removed since its directory was
// last synced. PowerCut() then does to the files what losing power would: cuts
// every file back to its synced bytes and undoes the unsynced entries (newest
// first: created files vanish, removed ones come back with their synced
// content, renames go back). RocksDB's files get the same treatment through
// ForRocksDB(), so a cut covers the whole engine.
//
// A cut in the middle of a run: Freeze() (or FreezeAfter(n)) makes every later
// mutating operation fail with IOError and change nothing — the process no
// longer reaches the disk, as after the cut; the test then destroys the DB,
// calls PowerCut() and reopens. Sync and Freeze are atomic with respect to
// each other, so a commit acknowledged before the freeze was synced.
//
// Syncs only move the synced marks; the real fsync is skipped, since what
// survives is what PowerCut decides, not the device (and tests stay fast).
// So the files are durable only as far as the page cache is: fine for a
// test's temporary directory.
//
// Directory creation is treated as durable at once (Cairn's and RocksDB's
// directories exist before the files a test cares about). Hard links count
// as created entries. A renamed directory (RocksDB's checkpoint, i.e.
// DB::Snapshot) is undone as a whole, but the files in it are no longer
// followed one by one.
//
// Thread-safety: all methods are safe from any thread (one mutex, held across
// the real system call, so a freeze never overlaps an operation).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "storage/fs/file_system.h"

namespace cairn::storage::testing {

class FaultFileSystem final : public fs::FileSystem {
 public:
  FaultFileSystem();
  ~FaultFileSystem() override;

  Result<std::unique_ptr<fs::WritableFile>> OpenForAppend(const std::string& path, bool truncate) override;
  Result<std::string> ReadFile(const std::string& path) override;
  Status Truncate(const std::string& path, uint64_t bytes) override;
  Status Rename(const std::string& from, const std::string& to) override;
  Status Remove(const std::string& path) override;
  Status CreateDirs(const std::string& dir) override;
  Status SyncDir(const std::string& dir) override;
  Result<std::vector<fs::DirEntry>> List(const std::string& dir) override;
  std::shared_ptr<rocksdb::FileSystem> ForRocksDB() override;

  // From now on every mutating operation fails with IOError, doing nothing.
  void Freeze();
  // Lets `n` more mutating operations through, then freezes.
  void FreezeAfter(uint64_t n);
  bool frozen() const;
  // Applies the cut (see above), then forgets all state: what is on disk now
  // counts as durable, and operations succeed again — unless `thaw` is false
  // (a process that cuts its own power and exits: nothing may write after).
  Status PowerCut(bool thaw = true);

  // Mutating operations performed so far (appends, syncs, creates, renames,
  // removes, truncates, directory syncs; RocksDB's info LOG not counted, so
  // the count of a scripted run does not depend on RocksDB's logging).
  uint64_t ops() const;
  // The `n`-th next mutating operation (1: the next one) fails with `error`
  // (e.g. "EIO", "ENOSPC") without doing anything; later ones succeed.
  void FailNth(uint64_t n, std::string error);
  // The same, counting only operations on paths containing `path_substr`
  // (Cairn's own files, say, not RocksDB's). "ENOSPC" fails as a full disk
  // does: Unavailable (fs::FileSystem's contract).
  void FailNthOn(uint64_t n, std::string error, std::string path_substr);

  // Switches that remove durability, for tests that prove a power-cut test
  // has teeth: file syncs of paths containing `substr` succeed without
  // syncing; directory syncs succeed without syncing.
  void IgnoreFileSyncs(std::string substr);
  void IgnoreDirSyncs(bool ignore);

  // Used by the RocksDB adapter (fault_fs.cc); each returns non-OK, doing
  // nothing, when frozen or when the operation is the one set to fail.
  struct Rocks;
  friend struct Rocks;

 private:
  struct FileState {
    uint64_t size = 0;    // bytes written through us
    uint64_t synced = 0;  // of which synced
  };
  enum class EntryOp { kCreate, kRemove, kRename };
  struct PendingEntry {
    EntryOp op;
    std::string dir;            // the directory whose sync makes it durable
    std::string path;           // created / removed / rename target
    std::string from;           // rename source
    bool had_old = false;       // remove: always; rename: target existed before
    std::string old_content;    // durable content removed or replaced
  };

  // Counts the operation and decides whether it may run (requires mu_).
  Status Admit(const std::string& path);
  // The durable bytes of `path` as they are now (requires mu_).
  std::string DurableContent(const std::string& path) const;
  // Bookkeeping of a file written through us (requires mu_).
  void NoteOpened(const std::string& path, bool existed, bool truncate);
  void NoteAppended(const std::string& path, uint64_t bytes);
  Status NoteSynced(const std::string& path);  // syncs unless ignored
  void NoteRemoved(const std::string& path);
  void NoteRenamed(const std::string& from, const std::string& to);
  void NoteDirSynced(const std::string& dir);

  mutable std::mutex mu_;
  std::map<std::string, FileState> files_;
  std::vector<PendingEntry> pending_;
  bool frozen_ = false;
  uint64_t ops_ = 0;
  uint64_t freeze_at_ = UINT64_MAX;  // freeze once ops_ reaches it
  uint64_t fail_at_ = 0;             // 0: none
  std::string fail_error_;
  uint64_t fail_countdown_ = 0;      // FailNthOn: matching operations left; 0: none
  std::string fail_path_;
  std::string ignore_sync_substr_;
  bool ignore_dir_syncs_ = false;
  std::shared_ptr<rocksdb::FileSystem> rocks_;
};

}  // namespace cairn::storage::testing
