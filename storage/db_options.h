// DBOptions, DBStats and CleanTombstonesResult: the knobs, the counters and
// the admin results of the storage engine
// (storage/db.h). Defaults suit a server; tests shrink the intervals.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "storage/fs/file_system.h"

namespace cairn::storage {

struct DBOptions {
  // Data directory (--storage.tsdb.path). Holds `db/` (RocksDB) and `wal/`.
  std::string path;
  // Drop day partitions that end more than this long ago
  // (--storage.tsdb.retention.time, default 15d). 0 disables time retention.
  int64_t retention_ms = 15LL * 24 * 3600 * 1000;
  // Drop the oldest day partitions while the data directory is bigger than
  // this (--storage.tsdb.retention.size). 0 disables size retention.
  int64_t retention_bytes = 0;
  // fdatasync the WAL before a Commit returns. Turning it off risks losing
  // acknowledged samples on power loss (not on a process crash).
  bool fsync = true;
  // Every file the engine writes (WAL segments, RocksDB, snapshots) goes
  // through this file system; null: fs::DefaultFileSystem(). Tests put a
  // fault-injecting one here (storage/docs/durability.md).
  std::shared_ptr<fs::FileSystem> fs;

  // Samples per closed chunk (Prometheus' head cuts chunks at 120 samples).
  int samples_per_chunk = 120;
  // Checkpoint the head to RocksDB at least this often (clock time), so WAL
  // replay on restart stays short. 0 disables time-driven checkpoints.
  int64_t checkpoint_interval_ms = 5LL * 60 * 1000;
  // ...or once this many WAL bytes were written since the last checkpoint.
  uint64_t checkpoint_wal_bytes = 256ull << 20;
  // Commits are refused (Unavailable: 503 to remote write) while the file
  // system of `path` has less free space than this, checked at most once a
  // second, so that RocksDB's own files never meet a full disk (a failed
  // append to its log leaves the log writer unusable). 0 = no check.
  uint64_t min_free_disk_bytes = 0;
  // WAL segment size (Prometheus: 128 MiB segments).
  uint64_t wal_segment_bytes = 128ull << 20;
  // How often (clock time) retention is checked.
  int64_t retention_check_interval_ms = 60LL * 1000;
  // Real-time poll period of the background thread that runs checkpoints and
  // retention when due. 0 starts no thread (tests call Checkpoint() and
  // ApplyRetention() themselves).
  int64_t background_poll_ms = 1000;
  // RocksDB block cache shared by all column families. It holds decompressed
  // chunk blocks: a query over recent data reads blocks that also hold older
  // chunks of the same series, so a cache smaller than the blocks one big
  // query touches makes every query decompress them again (zstd was ~40% of
  // a `rate` over 23k series with 64 MiB). Filled by reads only.
  uint64_t block_cache_bytes = 512ull << 20;

  // WAL readers outside the engine (remote-write queues tail the WAL): when
  // set, called at each checkpoint for the oldest segment some reader still
  // needs (UINT64_MAX: none); that segment and later ones are kept past the
  // checkpoint, so a receiver outage or a restart does not lose what the
  // queue had not yet sent. Called from the checkpointing thread.
  std::function<uint64_t()> wal_keep_from;
  // Bound on the bytes of segments kept only for those readers
  // (--storage.remote.max-wal-retention-size): past it the oldest go anyway,
  // counted in DBStats::wal_segments_dropped_unread_total. 0: no bound.
  uint64_t wal_keep_max_bytes = 0;

  // Most series the head may hold (--storage.max-series); 0: no bound.
  // Past it, creating a new series fails with ResourceExhausted (counted in
  // DBStats::series_limit_refused_total); samples of series the head already
  // holds, or that the index knows from before a restart, are still taken.
  uint64_t max_series = 0;

  // Compaction of closed chunks into dense blocks (storage/compactor.h): a
  // background pass this often (clock time), rewriting at most this many
  // series-windows, plus what is complete at Close. false: chunks stay XOR.
  bool dense_compaction = true;
  int64_t compaction_interval_ms = 60LL * 1000;
  uint64_t compaction_windows_per_pass = 4096;
};

// What DB::CleanTombstones did.
struct CleanTombstonesResult {
  uint64_t tombstones = 0;          // tombstones applied and then forgotten
  uint64_t series_touched = 0;      // series they covered
  uint64_t chunks_rewritten = 0;    // stored chunks rewritten without deleted samples
  uint64_t chunks_dropped = 0;      // stored chunks all of whose samples were deleted
  uint64_t samples_removed = 0;     // from stored chunks and the head
  uint64_t series_removed = 0;      // series left without data, gone from the index
};

struct DBStats {
  uint64_t head_series = 0;                 // series with head state in memory
  uint64_t removed_series_unfreed = 0;      // removed by CleanTombstones, memory not yet freed
  uint64_t samples_appended_total = 0;      // samples committed (in order + OOO)
  uint64_t series_created_total = 0;
  uint64_t out_of_order_samples_total = 0;  // accepted into OOO chunks
  uint64_t duplicate_samples_total = 0;     // rejected: same timestamp, other value
  uint64_t wal_fsyncs_total = 0;
  double wal_fsync_seconds_total = 0;
  uint64_t chunks_in_head = 0;
  int64_t min_time_ms = 0;                  // oldest sample time stored (0 when empty)
  int64_t max_time_ms = 0;                  // newest sample time stored (0 when empty)
  uint64_t disk_bytes = 0;                  // RocksDB files + WAL segments
  uint64_t time_retentions_total = 0;       // retention runs that dropped partitions by age
  uint64_t size_retentions_total = 0;       // ... by size
  uint64_t checkpoints_total = 0;
  // Bytes written for the engine since Open, by cause (write amplification;
  // bench/README.md). The checkpoint bytes are RocksDB values, so they are
  // also in store_log_bytes_total and, later, in the flushes.
  uint64_t wal_bytes_written_total = 0;       // Cairn's WAL segments
  uint64_t checkpoint_bytes_total = 0;        // head states (and their chunks) written by checkpoints
  uint64_t store_log_bytes_total = 0;         // RocksDB's own log
  uint64_t store_flush_bytes_total = 0;       // RocksDB memtable flushes
  uint64_t store_compaction_bytes_total = 0;  // RocksDB compactions
  uint64_t wal_replayed_records = 0;        // records replayed at the last open
  // Segments a WAL reader still needed, deleted because the kept segments
  // passed DBOptions::wal_keep_max_bytes.
  uint64_t wal_segments_dropped_unread_total = 0;
  // Appends refused because they would have created a series past
  // DBOptions::max_series (one per refused Append call).
  uint64_t series_limit_refused_total = 0;
  // Compaction into dense blocks: series-windows rewritten, the stored
  // chunks they replaced and the dense blocks written.
  uint64_t compacted_windows_total = 0;
  uint64_t compacted_chunks_total = 0;
  uint64_t dense_blocks_written_total = 0;
};

}  // namespace cairn::storage
