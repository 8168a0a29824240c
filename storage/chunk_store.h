// ChunkStore: Cairn's RocksDB layer (layout: storage/docs/format.md).
//
// Column families: `default` (meta keys and tombstones), `series` (ref ->
// labels), `head` (ref -> checkpointed head state of a series) and one
// `chunks_YYYYMMDD` per UTC day holding closed chunks (XOR, or dense blocks
// written by compaction; the value says which) keyed big-endian by
// (series ref, chunk min time, chunk id), so one seek reads a series' chunks
// in time order. A chunk lives in the partition of its min time; retention
// drops whole partitions. Chunk partitions use zstd on every level and
// 64 KiB blocks.
//
// Writes go through a WriteSet applied atomically (one RocksDB WriteBatch);
// missing day partitions are created on the way.
// Thread-safety: all methods are safe from any thread. A Reader belongs to
// one thread and must not outlive its ChunkStore.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "storage/fs/file_system.h"
#include "storage/head/mem_series.h"
#include "storage/labels.h"
#include "util/status.h"

namespace rocksdb {
class DB;
class ColumnFamilyHandle;
class Iterator;
class Snapshot;
class Cache;
class Env;
class Statistics;
}  // namespace rocksdb

namespace cairn::storage {

// Compaction rewrites a series' chunks of one window of this length, aligned
// to the epoch, into dense blocks (storage/compactor.h). 6 h: dense blocks of
// 2/4/6/12/24 h of the ingest bench's fleet take 1.888/1.796/1.762/1.713/1.701
// bytes a sample (bench/dense_block_bench 300 <hours>); past 6 h the gain is
// ~3 %, while a query decodes whole blocks and readers look back one window.
// A multiple of head::kChunkRangeMs dividing a day, so no XOR chunk crosses a
// window and no window crosses a day partition.
inline constexpr int64_t kCompactionWindowMs = 6 * 3600 * 1000;
static_assert(kCompactionWindowMs % head::kChunkRangeMs == 0 && 86'400'000 % kCompactionWindowMs == 0);
// No stored chunk spans more: XOR chunks stay in one 2 h range, dense blocks
// in one aligned compaction window (see ChunkStore::ReadFrom).
inline constexpr int64_t kMaxChunkSpanMs = kCompactionWindowMs;

struct ChunkStoreOptions {
  // Shared block cache for all column families.
  size_t block_cache_bytes = 512ull << 20;
  // Memtable memory across all column families (RocksDB db_write_buffer_size).
  size_t memtable_budget_bytes = 64ull << 20;
  // RocksDB data block size for chunk partitions; bigger blocks compress better.
  size_t chunk_block_bytes = 64ull << 10;
  // RocksDB's files go through fs->ForRocksDB(); null: RocksDB's default.
  std::shared_ptr<fs::FileSystem> fs;
};

// Where a stored chunk lives: its key in the partition of its min time.
struct ChunkKeyRef {
  SeriesRef ref = 0;
  int64_t min_t_ms = 0;
  uint64_t id = 0;
};

// Everything one atomic write may carry. Deletions are applied before the
// puts, so a chunk rewritten under its old key survives.
struct WriteSet {
  std::vector<std::pair<SeriesRef, Labels>> series;
  std::vector<std::pair<SeriesRef, std::string>> heads;
  std::vector<head::ClosedChunk> chunks;
  std::vector<std::pair<std::string, std::string>> meta;
  std::vector<ChunkKeyRef> deleted_chunks;
  std::vector<SeriesRef> deleted_series;  // its `series` and `head` entries
  std::vector<std::string> deleted_meta;
  bool empty() const {
    return series.empty() && heads.empty() && chunks.empty() && meta.empty() && deleted_chunks.empty() &&
           deleted_series.empty() && deleted_meta.empty();
  }
};

// One chunk as a full scan finds it. `damage` is empty when the key and the
// value header parse; otherwise it says what is wrong, and only `day` and
// whatever parsed before the damage are set.
struct StoredChunk {
  int64_t day = 0;
  SeriesRef ref = 0;
  int64_t min_t_ms = 0;
  int64_t max_t_ms = 0;
  uint64_t id = 0;
  chunk::Format format = chunk::Format::kXor;
  std::string_view data;  // the chunk in `format`, without the value's header
  size_t stored_bytes = 0;  // key + value, before RocksDB's compression
  std::string damage;
};

// Bytes RocksDB wrote to its files since Open, by cause (its statistics
// tickers): what the store adds to the engine's write amplification.
struct StoreWriteBytes {
  uint64_t log = 0;         // RocksDB's own write-ahead log
  uint64_t flush = 0;       // memtables written out as L0 SST files
  uint64_t compaction = 0;  // SST files rewritten by compactions
};

struct ChunkStoreOpenOptions {
  // Opens without writing anything (offline inspection); Write, DropDay,
  // Flush and Compact then fail.
  bool read_only = false;
};

class ChunkStore {
 public:
  static Result<std::unique_ptr<ChunkStore>> Open(const std::string& dir, const ChunkStoreOptions& opts,
                                                  const ChunkStoreOpenOptions& open = {});
  ~ChunkStore();
  ChunkStore(const ChunkStore&) = delete;
  ChunkStore& operator=(const ChunkStore&) = delete;

  // Applies `ws` atomically. With `sync` the RocksDB log is fsynced, which
  // also makes every earlier unsynced write durable.
  Status Write(const WriteSet& ws, bool sync);
  // Applies `ws` to the memtables only, past RocksDB's log: for data another
  // log (Cairn's WAL) already holds, which must then be kept until
  // FlushMemtables() returned. A crash before that loses the write; writing
  // every byte once more in RocksDB's log is what it saves.
  Status WriteUnlogged(const WriteSet& ws);

  Result<std::string> GetMeta(const std::string& key) const;  // NotFound when absent
  Status ForEachMeta(const std::string& prefix,
                     const std::function<Status(std::string_view key, std::string_view value)>& fn) const;
  Status ForEachSeries(const std::function<Status(SeriesRef, Labels)>& fn) const;
  Status ForEachHead(const std::function<Status(SeriesRef, std::string_view)>& fn) const;

  // Reads the chunks of series overlapping a window. Each Read sees the
  // latest committed chunks (iterators are refreshed when a Write stored
  // chunks since the reader's last Read), so a caller that
  // snapshots the head first and then reads here misses no chunk that moved
  // from head to disk in between.
  class Reader {
   public:
    ~Reader();
    // Appends chunks of `ref` overlapping [min_t_ms, max_t_ms], in key order.
    Status Read(SeriesRef ref, std::vector<head::ChunkData>* out);
    // True when `ref` has a chunk overlapping the window.
    bool HasData(SeriesRef ref);

   private:
    friend class ChunkStore;
    Reader() = default;
    void Rebuild();

    const ChunkStore* store_ = nullptr;
    uint64_t generation_ = 0;
    uint64_t chunk_writes_ = 0;  // store_->chunk_writes_ when the iterators were last refreshed
    std::vector<std::unique_ptr<rocksdb::Iterator>> iters_;
    int64_t min_t_ms_ = 0;
    int64_t max_t_ms_ = 0;
  };
  std::unique_ptr<Reader> NewReader(int64_t min_t_ms, int64_t max_t_ms) const;

  // Every stored chunk of `ref`, in every partition, oldest partition first.
  Status ForEachChunkOf(SeriesRef ref, const std::function<Status(const StoredChunk&)>& fn) const;
  // The chunks of day partition `day` whose min time lies in [lo_ms, hi_ms),
  // series `from_ref` and later, in key order, while `fn` returns true
  // (compaction's sweep: one seek per series skips its other windows; blocks
  // are not cached).
  Status ForEachChunkInRange(int64_t day, SeriesRef from_ref, int64_t lo_ms, int64_t hi_ms,
                             const std::function<bool(const StoredChunk&)>& fn) const;
  // Per compaction window (its start, aligned to kCompactionWindowMs), a
  // number that grows with every Write putting XOR chunks there; the windows
  // of partitions found at open start at 1 (unknown). Compaction sweeps a
  // window again only when its number moved since it last swept it.
  std::map<int64_t, uint64_t> XorWriteEpochs() const;
  // The start of the compaction window holding `t_ms`.
  static int64_t WindowOf(int64_t t_ms);
  // The smallest chunk min time that can reach `t_ms`: an XOR chunk spans
  // less than head::kChunkRangeMs, and a dense block lies inside one aligned
  // compaction window, so one reaching `t_ms` starts in its window.
  static int64_t ReadFrom(int64_t t_ms);
  // Every chunk of every partition, in key order per partition (a full scan,
  // for offline inspection; blocks are not kept in the cache).
  Status ForEachChunk(const std::function<Status(const StoredChunk&)>& fn) const;
  // Reads every SST file and checks its block checksums (RocksDB's CRCs).
  Status VerifyChecksums() const;

  // RocksDB's estimate of the number of stored series (for pre-sizing).
  uint64_t EstimateSeries() const;

  // Day partitions (days since the epoch, UTC), oldest first.
  std::vector<int64_t> Days() const;
  // Drops a day partition and its data.
  Status DropDay(int64_t day);
  // Bytes of SST files of a day partition.
  uint64_t DayBytes(int64_t day) const;
  // Bytes of all files under the RocksDB directory.
  uint64_t DiskBytes() const;
  StoreWriteBytes WriteBytes() const;
  // Writes every column family's memtable out as SST files and returns once
  // RocksDB has synced them, the MANIFEST and the directory: every write
  // applied before the call, unlogged ones included, is durable then.
  Status FlushMemtables();
  // FlushMemtables(), then syncs the RocksDB log.
  Status Flush();
  // Flushes, then rewrites every column family down to the bottommost level,
  // so deleted keys and overwritten values leave the files.
  Status Compact();
  // Rewrites one day partition down to the bottommost level, so the chunks
  // deleted there (rewritten by compaction) leave its files.
  Status CompactDay(int64_t day);
  // Writes a RocksDB checkpoint (hard links) to `dir`.
  Status Checkpoint(const std::string& dir) const;

  static int64_t DayOf(int64_t t_ms);
  static std::string DayName(int64_t day);  // "chunks_YYYYMMDD"

 private:
  ChunkStore() = default;
  Result<rocksdb::ColumnFamilyHandle*> DayHandleLocked(int64_t day);  // requires exclusive cf_mu_
  bool TryResume();  // after a write failed for want of space; true when RocksDB is writable again
  Status Apply(const WriteSet& ws, bool sync, bool logged);

  std::string dir_;
  ChunkStoreOptions opts_;
  std::shared_ptr<rocksdb::Cache> cache_;
  std::shared_ptr<rocksdb::Statistics> stats_;
  std::unique_ptr<rocksdb::Env> env_;  // over opts_.fs; outlives db_
  std::unique_ptr<rocksdb::DB> db_;
  rocksdb::ColumnFamilyHandle* default_cf_ = nullptr;
  rocksdb::ColumnFamilyHandle* series_cf_ = nullptr;
  rocksdb::ColumnFamilyHandle* head_cf_ = nullptr;
  mutable std::shared_mutex cf_mu_;
  std::map<int64_t, rocksdb::ColumnFamilyHandle*> days_;  // guarded by cf_mu_
  std::atomic<uint64_t> generation_{1};  // bumped when partitions come or go
  std::atomic<uint64_t> chunk_writes_{0};  // bumped after each Write that stored chunks
  mutable std::mutex xor_epochs_mu_;
  std::map<int64_t, uint64_t> xor_epochs_;  // window start -> epoch; guarded by xor_epochs_mu_
  // Steady-clock ms of the last DB::Resume() attempt after a full disk.
  std::atomic<int64_t> last_resume_ms_{0};
};

}  // namespace cairn::storage
