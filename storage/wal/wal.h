// Wal: Cairn's write-ahead log. Append-only segment files (<dir>/00000001,
// ...) holding CRC32C-checked records (layout: storage/docs/format.md). The
// WAL does not interpret record payloads; storage/wal/records.h defines them.
//
// Group commit: Log() buffers a batch and returns only once that batch is
// written and fdatasync'ed. Whichever caller finds no sync in progress becomes
// the leader, writes everything buffered so far with one write() and one
// fdatasync(), then wakes every caller whose batch that covered; callers that
// arrive meanwhile buffer and wait for the next round. So N concurrent commits
// share about one fsync.
//
// Files: through WalOptions::fs (storage/fs/file_system.h). A new segment's
// directory entry is synced before the first record in it is acknowledged.
//
// Recovery: Replay() reads segments in order; a torn or corrupt record in the
// last segment (a crash mid-write) is truncated away, not fatal. New writes
// always go to a fresh segment after the newest existing one.
// Thread-safety: all methods are safe from any thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "storage/fs/file_system.h"
#include "storage/wal/segment_reader.h"
#include "util/status.h"

namespace cairn::storage::wal {

struct WalOptions {
  // A segment is closed and a new one started once it exceeds this size
  // (Prometheus' WAL uses 128 MiB segments).
  uint64_t segment_bytes = 128ull << 20;
  // fdatasync each group commit. Off only for tests/benchmarks that accept
  // losing acknowledged writes on power loss.
  bool fsync = true;
  // Where segments are written; null: fs::DefaultFileSystem().
  std::shared_ptr<fs::FileSystem> fs;
};

// One record as it sits in a segment.
struct WalRecord {
  uint8_t type = 0;
  std::string payload;
};

class Wal {
 public:
  // Opens (creating) `dir`. Existing segments are left for Replay(); the first
  // write goes to a new segment numbered after the newest one.
  static Result<std::unique_ptr<Wal>> Open(const std::string& dir, const WalOptions& opts);
  ~Wal();

  Wal(const Wal&) = delete;
  Wal& operator=(const Wal&) = delete;

  // Feeds every intact record of segments >= `from_segment`, oldest first, to
  // `fn` (a non-OK return stops replay and is returned). A damaged record in
  // the last segment truncates that segment there; in an earlier segment it is
  // Corruption. Call before the first Log().
  Status Replay(uint64_t from_segment,
                const std::function<Status(uint8_t type, std::string_view payload)>& fn);

  // Appends the records as one batch and waits until they are durable (see
  // the group commit note above). A full disk (Unavailable from the file
  // system) fails only the batches written at that moment: the torn bytes are
  // cut off the segment, records from Enqueue are kept for the next write,
  // and later calls try again. After any other I/O error every later call
  // fails.
  Status Log(const std::vector<WalRecord>& records);

  // Buffers records for the next group commit without waiting for it; they
  // reach disk before the records of any Log() call that starts later.
  void Enqueue(const std::vector<WalRecord>& records);

  // Closes the current segment (after syncing it) and starts a new one.
  // Returns the new segment's number: every record logged after Rotate()
  // returns is in that segment or a later one. Callers make sure no Log() is
  // in flight whose records they need on the old side.
  Result<uint64_t> Rotate();

  // Removes segment files numbered below `segment`.
  Status DeleteSegmentsBefore(uint64_t segment);

  // The segment files on disk with their sizes, oldest first.
  Result<std::vector<SegmentFile>> Segments() const;
  // Total bytes of segment files on disk.
  uint64_t DiskBytes() const;
  uint64_t fsyncs_total() const { return fsyncs_total_.load(std::memory_order_relaxed); }
  double fsync_seconds_total() const { return fsync_nanos_total_.load(std::memory_order_relaxed) / 1e9; }
  // Bytes appended to segment files since Open (what the WAL costs the disk).
  uint64_t bytes_written_total() const { return bytes_written_total_.load(std::memory_order_relaxed); }

  // Encodes one record in the segment layout (exposed for tests).
  static void EncodeRecord(uint8_t type, std::string_view payload, std::string* out);

 private:
  Wal(std::string dir, const WalOptions& opts);
  std::string SegmentPath(uint64_t n) const;
  Status OpenSegment(uint64_t n);            // requires file ownership
  Status WriteAndSync(const std::string& buf);  // requires file ownership
  // A leader's write of everything buffered, with the rules of Log() for its
  // failure. Requires mu_ held in `lock` and busy_ set by the caller.
  Status WriteBuffered(std::unique_lock<std::mutex>& lock);
  Result<std::vector<uint64_t>> ListSegments() const;

  const std::string dir_;
  const WalOptions opts_;
  const std::shared_ptr<fs::FileSystem> fs_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::string pending_;           // guarded by mu_: encoded, not yet written
  std::string pending_enqueued_;  // guarded by mu_: the Enqueue records in pending_
  // guarded by mu_: batches a full disk failed, as (first ticket, last
  // ticket) -> the error; a few recent ones, for their waiting callers.
  std::vector<std::pair<std::pair<uint64_t, uint64_t>, Status>> failed_batches_;
  uint64_t next_ticket_ = 0;      // guarded by mu_: last batch buffered
  uint64_t done_ticket_ = 0;      // guarded by mu_: last batch durable (or failed)
  bool busy_ = false;             // guarded by mu_: a leader owns the file
  Status error_;                  // guarded by mu_: sticky I/O error

  // Owned by whoever set busy_ (or by Open/Replay before any Log).
  std::unique_ptr<fs::WritableFile> file_;
  uint64_t segment_ = 0;
  uint64_t segment_size_ = 0;

  std::atomic<uint64_t> fsyncs_total_{0};
  std::atomic<uint64_t> fsync_nanos_total_{0};
  std::atomic<uint64_t> bytes_written_total_{0};
};

}  // namespace cairn::storage::wal
