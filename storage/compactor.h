// Compactor: rewrites closed chunks into dense blocks (issue 14; layout in
// storage/docs/format.md, "Dense block" and "Compaction").
//
// The unit is one series over one compaction window (kCompactionWindowMs,
// aligned to the epoch, inside one day partition). Every stored chunk of the
// series with its min time in the window — XOR chunks and earlier dense blocks
// alike — is decoded, merged (sorted; a timestamp held twice is kept once),
// cut by the series' tombstones, and written back as one dense block (split
// only past kDenseBlockMaxSamples) in the same atomic WriteSet that deletes
// the inputs. Queries therefore see either all the inputs or the block, never
// both nor neither: a ChunkStore::Reader reads one partition through one
// RocksDB iterator, refreshed only between series.
//
// Finding work is cheap: ChunkStore counts XOR writes per window
// (XorWriteEpochs); a window is swept when it is complete (ends at or before
// the horizon the caller passes) and its count moved since its last sweep.
// A pass is bounded (max_windows series-windows rewritten) and the next pass
// resumes where it stopped. After a sweep that rewrote a quarter of a day
// partition's bytes or more, or finished a complete day, RocksDB compacts the
// partition, so the deleted inputs leave the disk at once rather than with
// RocksDB's own compactions (which leave them for long in the bottom level);
// the quarter bounds how often the current day is rewritten so.
//
// Thread-safety: RunPass calls are serialised internally; the caller keeps
// other rewriters of stored chunks (CleanTombstones) out while one runs.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "storage/chunk_store.h"

namespace cairn::storage {

// Dense blocks carry ids from here up (the piece index added), so no block
// ever shares a key with a chunk the head writes (id 0 in order, small
// counters out of order): WAL replay rewriting an already-compacted XOR chunk
// then adds a duplicate that reads merge and the next pass folds in, instead
// of overwriting a block holding other samples.
inline constexpr uint64_t kDenseBlockIdBase = uint64_t{1} << 63;

struct CompactionStats {
  uint64_t windows = 0;          // series-windows rewritten
  uint64_t chunks_in = 0;        // stored chunks read and deleted
  uint64_t blocks_out = 0;       // dense blocks written
  uint64_t samples_out = 0;      // samples in them
  uint64_t samples_dropped = 0;  // duplicates and tombstoned samples left out
  uint64_t bytes_in = 0;         // chunk bytes read (before RocksDB's compression)
  uint64_t bytes_out = 0;        // block bytes written
  uint64_t windows_damaged = 0;  // left as they are: a chunk did not decode (tsdb verify names it)
  uint64_t days_compacted = 0;   // day partitions RocksDB rewrote to drop the inputs
  bool more = false;             // complete windows remain for a later pass

  void Add(const CompactionStats& o);
};

class Compactor {
 public:
  // Tombstoned ranges of a series, as inclusive [min, max] pairs.
  using TombstonesFn = std::function<std::vector<std::pair<int64_t, int64_t>>(SeriesRef)>;

  Compactor(ChunkStore* store, TombstonesFn tombstones) : store_(store), tombstones_(std::move(tombstones)) {}

  // Rewrites up to about `max_windows` series-windows that end at or before
  // `horizon_ms` and hold XOR chunks, oldest windows first.
  Result<CompactionStats> RunPass(int64_t horizon_ms, size_t max_windows);

 private:
  // One series' chunks of one window, in key order.
  struct Input {
    int64_t min_t_ms;
    int64_t max_t_ms;
    uint64_t id;
    chunk::Format format;
    std::string data;
  };
  // Adds the window's rewrite (deletes and block puts) to `ws`; Corruption
  // (adding nothing) when an input does not decode.
  Status CompactWindow(SeriesRef ref, const std::vector<Input>& in, WriteSet* ws, CompactionStats* stats);

  // A sweep of one day's dirty windows [lo_ms, hi_ms), resumable by series.
  struct Sweep {
    int64_t day = 0;
    int64_t lo_ms = 0;
    int64_t hi_ms = 0;
    SeriesRef next_ref = 0;
    uint64_t bytes_replaced = 0;         // chunk bytes of the windows rewritten so far
    std::map<int64_t, uint64_t> epochs;  // of the swept windows, read when the sweep began
  };

  ChunkStore* store_;
  TombstonesFn tombstones_;
  std::mutex mu_;                      // one pass at a time
  std::map<int64_t, uint64_t> swept_;  // window start -> XOR epoch it was last swept at; guarded by mu_
  std::optional<Sweep> sweep_;         // unfinished sweep; guarded by mu_
};

}  // namespace cairn::storage
