// MemSeries: one active series in the head. It owns the open in-order XOR
// chunk, the out-of-order (OOO) buffer and the chunks it closed that are not
// yet confirmed written to RocksDB, all behind one per-series mutex (appends
// never take a global lock).
//
// In-order samples (t > the newest timestamp seen) go to the open chunk, which
// is closed at `samples_per_chunk` samples or when a sample crosses the 2 h
// boundary after the chunk's first sample (boundaries aligned to the epoch,
// as Prometheus' head blocks are). Older samples go to the OOO buffer, kept
// sorted, and leave as their own chunks (split at 2 h boundaries) once it holds
// `samples_per_chunk` samples. A sample whose timestamp is already in the head
// (open chunk, OOO buffer or a closed chunk not yet on disk) is a duplicate:
// identical bits are ignored, different bits are a conflict. Chunks already
// in RocksDB are not consulted here; MayBeOnDisk() tells the DB when it must
// look there (see DB and DBAppender::Append).
// Thread-safety: all methods lock the series' mutex; safe from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "storage/chunk/chunk_format.h"
#include "storage/chunk/xor_chunk.h"
#include "storage/sample.h"
#include "util/status.h"

namespace cairn::storage::head {

inline constexpr int64_t kChunkRangeMs = 2 * 3600 * 1000;

// A closed chunk on its way to RocksDB. id 0 marks an in-order chunk; OOO
// chunks carry a unique id so two of them never share a key. The head writes
// XOR chunks; compaction writes dense blocks (storage/compactor.h).
struct ClosedChunk {
  SeriesRef ref = 0;
  int64_t min_t_ms = 0;
  int64_t max_t_ms = 0;
  uint64_t id = 0;
  std::string data;
  chunk::Format format = chunk::Format::kXor;
};

// Chunk bytes plus bounds and format, as a query sees them (head chunks are
// always XOR; stored ones either format).
struct ChunkData {
  int64_t min_t_ms = 0;
  int64_t max_t_ms = 0;
  std::string data;
  chunk::Format format = chunk::Format::kXor;
};

// What a query reads from the head for one series.
struct HeadSnapshot {
  std::vector<ChunkData> chunks;  // open chunk and unflushed closed chunks
  std::vector<Sample> ooo;        // OOO buffer samples in the window, sorted
};

enum class AppendOutcome { kAppended, kOutOfOrder, kDuplicate, kConflict };

class MemSeries {
 public:
  // `chunk_gauge`, when given, must outlive the series; it is kept equal to
  // the sum of NumChunks() over every series sharing it (a DB-wide gauge), so
  // nobody has to walk the series to learn it. The series adds its changes,
  // so the gauge must start at 0 with the first series.
  MemSeries(SeriesRef ref, int samples_per_chunk, std::atomic<int64_t>* chunk_gauge = nullptr)
      : ref_(ref), samples_per_chunk_(samples_per_chunk), chunk_gauge_(chunk_gauge) {}

  SeriesRef ref() const { return ref_; }

  // Appends one sample; chunks it closes are appended to `*closed` and stay
  // readable here until ForgetFlushed(). `next_ooo_id` supplies OOO chunk ids.
  AppendOutcome Append(int64_t t_ms, double v, std::atomic<uint64_t>& next_ooo_id,
                       std::vector<ClosedChunk>* closed);
  // Would Append report a conflict? (For Appender::Append's early error.)
  bool Conflicts(int64_t t_ms, double v) const;

  // Drops a closed chunk once RocksDB holds it.
  void ForgetFlushed(int64_t min_t_ms, uint64_t id);
  // False when no chunk this series wrote to RocksDB can hold `t_ms` (it is
  // newer than every persisted chunk); lock-free. After RestoreCheckpoint it
  // conservatively covers everything up to the restored newest timestamp.
  bool MayBeOnDisk(int64_t t_ms) const { return t_ms <= disk_max_t_.load(std::memory_order_relaxed); }

  // Head data overlapping [min_t_ms, max_t_ms].
  HeadSnapshot Snapshot(int64_t min_t_ms, int64_t max_t_ms) const;
  // Smallest/largest timestamp held in the head; false when it holds none.
  bool Bounds(int64_t* min_t_ms, int64_t* max_t_ms) const;

  // Checkpoint support. EncodeCheckpoint serialises open chunk, OOO buffer and
  // newest timestamp, copies unflushed closed chunks to `*unflushed`, and
  // clears the dirty flag; returns false (writing nothing) when nothing
  // changed since the last checkpoint.
  bool EncodeCheckpoint(std::string* out, std::vector<ClosedChunk>* unflushed);
  // Restores state written by EncodeCheckpoint.
  Status RestoreCheckpoint(std::string_view in);

  // Number of chunks the head holds (open + unflushed + OOO buffer if any).
  size_t NumChunks() const;

  // Removes the head's samples inside any of `ranges` (inclusive [min, max]
  // pairs): from the open chunk, the OOO buffer and unflushed closed chunks
  // (rewritten, or dropped when emptied). Returns the number removed. The
  // newest in-order timestamp stays, so later appends at or before it still
  // take the out-of-order path.
  uint64_t DeleteRanges(const std::vector<std::pair<int64_t, int64_t>>& ranges);

  // Set by the DB while the series is out of the index (all its data was
  // deleted); an appender holding it must bring it back before committing.
  bool removed() const { return removed_.load(std::memory_order_acquire); }
  void set_removed(bool r) { removed_.store(r, std::memory_order_release); }

 private:
  void CloseHead(std::vector<ClosedChunk>* closed);
  void CloseOoo(std::atomic<uint64_t>& next_ooo_id, std::vector<ClosedChunk>* closed);
  // Looks `t_ms` up in the head; returns true and its value bits when found.
  bool FindLocked(int64_t t_ms, uint64_t* bits) const;

  size_t NumChunksLocked() const;  // requires mu_
  // Adds the change of NumChunksLocked() over its lifetime to chunk_gauge_.
  // Create it after locking mu_, so it is destroyed before the unlock.
  class GaugeUpdate {
   public:
    explicit GaugeUpdate(const MemSeries& s) : s_(s), before_(s.NumChunksLocked()) {}
    ~GaugeUpdate();
    GaugeUpdate(const GaugeUpdate&) = delete;
    GaugeUpdate& operator=(const GaugeUpdate&) = delete;

   private:
    const MemSeries& s_;
    const size_t before_;
  };

  const SeriesRef ref_;
  const int samples_per_chunk_;
  std::atomic<int64_t>* const chunk_gauge_;
  mutable std::mutex mu_;
  chunk::XorChunk head_;                 // guarded by mu_
  std::vector<Sample> ooo_;              // guarded by mu_; sorted by t
  std::vector<ClosedChunk> unflushed_;   // guarded by mu_
  // Newest in-order timestamp; written under mu_, read without it by
  // Conflicts() to skip locking for the usual in-order append.
  std::atomic<int64_t> max_t_{INT64_MIN};
  bool dirty_ = false;                   // guarded by mu_; changed since checkpoint
  // Upper bound of the timestamps in this series' chunks in RocksDB (never
  // lowered); written under mu_, read without it by MayBeOnDisk().
  std::atomic<int64_t> disk_max_t_{INT64_MIN};
  std::atomic<bool> removed_{false};
};

}  // namespace cairn::storage::head
