// DB: Cairn's durable storage engine. It implements the storage API faces
// (Queryable, Appendable, ChunkQueryable; see storage/queryable.h and
// storage/appender.h) over an in-memory head, a WAL and RocksDB:
//
//   Append -> per-series head chunk (XOR, Prometheus encoding) + WAL record;
//   Commit -> WAL group commit (fsync shared by concurrent commits), then the
//             samples become visible; closed chunks go to day partitions.
//   Checkpoint -> open head state to RocksDB, older WAL segments deleted, so
//             restart replays only the WAL written since.
//   Queries merge on-disk chunks, head chunks and out-of-order data, drop
//             duplicates and apply deletion tombstones.
//
// Duplicates: a sample whose timestamp is already stored, in the head or in
// a chunk in RocksDB, fails Append with DuplicateSample when its value bits
// differ and is dropped silently when they match. Only samples at or before
// the newest timestamp a series has persisted read RocksDB for this (the
// in-order path does not). Two appenders racing to write the same new
// out-of-order timestamp can both pass Append; the later one is then dropped
// at Commit (counted in duplicate_samples_total), and reads always show one
// sample per timestamp (the earlier-written). Series leave the index and the
// head only when CleanTombstones finds all their data deleted (their memory is
// freed once no appender or reader holds them, at the latest by the next
// checkpoint); churned series otherwise cost memory for the process' lifetime.
//
// Usage:
//   auto db = DB::Open({.path = dir}, SystemClock::Default());
//   if (!db.ok()) return db.status();
//   auto app = (*db)->NewAppender();
//   app->Append(0, labels, t_ms, v); CAIRN_RETURN_IF_ERROR(app->Commit());
//   ...; CAIRN_RETURN_IF_ERROR((*db)->Close());
//
// Thread-safety: every method is safe from any thread. Appenders, Queriers
// and ChunkSeriesSets it hands out must not outlive it and belong to one
// thread at a time. Stats() stays valid after Close(); see Close() for the rest.
#pragma once

#include <array>
#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "storage/appender.h"
#include "storage/chunk_store.h"
#include "storage/compactor.h"
#include "storage/db_options.h"
#include "storage/head/mem_series.h"
#include "storage/head/series_reclaimer.h"
#include "storage/index/series_index.h"
#include "storage/queryable.h"
#include "storage/wal/wal.h"
#include "util/clock.h"

namespace cairn::storage {

class DB final : public Queryable, public Appendable, public ChunkQueryable {
 public:
  // Opens or creates the database at opts.path and recovers it: series and
  // the last head checkpoint from RocksDB, then the WAL written after it.
  // `clock` must outlive the DB.
  static Result<std::unique_ptr<DB>> Open(const DBOptions& opts, Clock& clock);
  // Calls Close() when it was not called.
  ~DB() override;

  Result<std::unique_ptr<Querier>> NewQuerier(int64_t min_t_ms, int64_t max_t_ms) override;
  std::unique_ptr<Appender> NewAppender() override;
  Result<std::unique_ptr<ChunkSeriesSet>> SelectChunks(int64_t min_t_ms, int64_t max_t_ms,
                                                       const Matchers& matchers) override;

  // Stops background work, checkpoints the head, flushes RocksDB and releases
  // the directory (it may be reopened at once). Later calls return OK and do
  // nothing; appends and commits then fail with Unavailable, and queriers
  // must already be gone.
  Status Close();
  // Counters and gauges (see DBStats), read from running counters: O(1) in
  // the number of series (it lists the data directory for disk_bytes).
  DBStats Stats() const;
  // The span [*min_ms, *max_ms] of the data held (DBStats' min/max_time_ms)
  // without Stats()' directory listing; false when the DB holds no sample.
  bool TimeRange(int64_t* min_ms, int64_t* max_ms) const;

  // Cardinality of the whole index (every series, head or stored) from its
  // postings: what /api/v1/status/tsdb lists. Lists cut to `limit`.
  CardinalityStats Cardinality(size_t limit) const { return index_.Stats(limit); }

  // Deletes the samples of matching series in [min_t_ms, max_t_ms] (a
  // tombstone, durable on return, applied to every later read).
  Status DeleteSeries(const Matchers& matchers, int64_t min_t_ms, int64_t max_t_ms);
  // Writes a consistent copy of the database to `dir` (a RocksDB checkpoint,
  // hard-linked where possible, plus the WAL written since the head
  // checkpoint). Returns `dir`. `dir` must not exist.
  Result<std::string> Snapshot(const std::string& dir);

  // Physically removes deleted samples: every chunk a tombstone touches is
  // rewritten without them (or dropped when emptied), in RocksDB and in the
  // head; series left without data leave `series`, `head` and the index.
  // Then the head is checkpointed (so no WAL segment holding deleted samples
  // survives) and the tombstones are forgotten. Commits pause per batch of
  // series, not for the whole run. The space is freed by the next Compact().
  Result<CleanTombstonesResult> CleanTombstones();
  // Checkpoints the head, flushes RocksDB and compacts every column family
  // down to its bottommost level, so deleted and rewritten chunks leave the
  // files. Blocks until done.
  Status Compact();

  // Rewrites the closed chunks of every complete compaction window into
  // dense blocks now (normally done in the background, a bounded pass at a
  // time). A window is complete when it ended at least head::kChunkRangeMs
  // before the newest sample: live series have flushed it from the head.
  Result<CompactionStats> CompactChunks();

  // Checkpoints the head now (normally done in the background).
  Status Checkpoint();
  // Drops partitions past the time or size limit now (normally periodic).
  Status ApplyRetention();

  // The labels of series `ref`, or nullopt when no series has it (for WAL
  // readers meeting a ref whose series record they did not read).
  std::optional<Labels> SeriesLabels(SeriesRef ref) const;

  // Latest metadata per metric family (from Appender::UpdateMetadata; not
  // persisted).
  std::map<std::string, Metadata> GetMetadata() const;

 private:
  friend class DBAppender;
  friend class DBQuerier;
  friend class DBSeriesSet;
  friend class DBChunkSeriesSet;

  struct Interval {
    int64_t min_t_ms;
    int64_t max_t_ms;
  };

  DB(const DBOptions& opts, Clock& clock);
  Status Recover();
  Status ReplayWal(uint64_t from_segment);
  void BackgroundLoop();
  Status CheckpointLocked();  // requires checkpoint_mu_
  // One compaction pass of at most `max_windows` series-windows.
  Result<CompactionStats> CompactionPass(size_t max_windows);
  // Unavailable while free space is under opts_.min_free_disk_bytes.
  Status CheckFreeSpace();
  Result<std::string> SnapshotInto(const std::string& dir);  // Snapshot's work; leaves a partial dir on failure
  // The segment below which a checkpoint whose WAL replay starts at
  // `replay_from` deletes: lower while a WAL reader needs older segments
  // (DBOptions::wal_keep_from), within wal_keep_max_bytes.
  uint64_t WalDeleteBefore(uint64_t replay_from);
  // Key of a tombstone in the `default` family: tomb/<ref>/<min_t>/<max_t>.
  static std::string TombstoneKey(SeriesRef ref, int64_t min_t_ms, int64_t max_t_ms);

  // CleanTombstones' work on one series, commits paused: fills `ws` with the
  // chunk rewrites; true when the series has no data left.
  Result<bool> CleanSeries(SeriesRef ref, const std::vector<Interval>& tombs, WriteSet* ws,
                           CleanTombstonesResult* res);
  // Takes emptied series out of the index and the stores; commits paused.
  Status RemoveSeriesLocked(const std::vector<SeriesRef>& refs, WriteSet* ws);
  // Brings a series CleanTombstones removed back, for a commit that appended
  // to it meanwhile (under the shared commit lock). Returns the ref and head
  // series to commit to: the old ones, or the ones its labels got since.
  Result<std::pair<SeriesRef, head::MemSeries*>> RestoreRemoved(head::MemSeries* s);

  // Returns the head series for `ref`, creating it when absent (recovery).
  head::MemSeries* GetOrCreateMemSeries(SeriesRef ref);
  // The same for a live append: nullptr, creating nothing, when `ref` left
  // the index meanwhile (CleanTombstones removed it). Call it pinned.
  head::MemSeries* GetOrCreateIndexedMemSeries(SeriesRef ref);
  head::MemSeries* FindMemSeries(SeriesRef ref) const;
  std::vector<head::MemSeries*> AllMemSeries() const;
  // Resolves labels to a series, creating and logging a new one.
  Result<std::pair<SeriesRef, head::MemSeries*>> GetOrCreateSeries(const Labels& labels);

  struct PendingSample {
    head::MemSeries* series;
    int64_t t_ms;
    double v;
  };
  // Applies samples to the head and writes the chunks they close.
  Status ApplySamples(const std::vector<PendingSample>& samples);
  Status FlushClosed(std::vector<head::ClosedChunk>* closed);

  // Samples of `ref` in [min_t_ms, max_t_ms]: merged, de-duplicated, with
  // tombstones applied.
  Status LoadSamples(SeriesRef ref, int64_t min_t_ms, int64_t max_t_ms, ChunkStore::Reader* reader,
                     std::vector<Sample>* out) const;
  // Raw chunks of `ref` overlapping the window: disk first, then head.
  Status LoadChunks(SeriesRef ref, int64_t min_t_ms, int64_t max_t_ms, ChunkStore::Reader* reader,
                    std::vector<head::ChunkData>* chunks, std::vector<Sample>* ooo) const;
  bool HasData(SeriesRef ref, int64_t min_t_ms, int64_t max_t_ms, ChunkStore::Reader* reader) const;
  // Value bits of the sample of `ref` at `t_ms` in RocksDB chunks, or nullopt
  // when none holds one. Unavailable after Close.
  Result<std::optional<uint64_t>> FindOnDisk(SeriesRef ref, int64_t t_ms) const;
  std::vector<Interval> TombstonesFor(SeriesRef ref) const;
  void NoteTimeRange(int64_t min_t_ms, int64_t max_t_ms);
  // Resets min_time_ms_ to the oldest data left after retention dropped
  // partitions (oldest partition start, or oldest head sample if older).
  void RecomputeMinTime();

  const DBOptions opts_;
  Clock& clock_;
  std::unique_ptr<ChunkStore> store_;
  std::unique_ptr<wal::Wal> wal_;
  index::SeriesIndex index_;

  static constexpr size_t kShards = 64;
  struct HeadShard {
    mutable std::mutex mu;
    std::unordered_map<SeriesRef, std::unique_ptr<head::MemSeries>> series;
  };
  std::array<HeadShard, kShards> head_shards_;

  // Commits hold it shared from WAL write to head apply; Checkpoint takes it
  // exclusively to rotate the WAL between commits. Writers pass commit_gate_
  // first, so a waiting checkpoint is not starved by back-to-back commits
  // (the rwlock itself prefers readers).
  mutable std::shared_mutex commit_mu_;
  mutable std::mutex commit_gate_;
  std::shared_lock<std::shared_mutex> LockForCommit() const;
  std::mutex checkpoint_mu_;  // one checkpoint at a time
  // Held by whatever rewrites stored chunks (CleanTombstones, compaction
  // passes), so two rewrites of one chunk never interleave; Close takes it
  // before releasing the store.
  std::mutex rewrite_mu_;
  std::unique_ptr<Compactor> compactor_;  // set by Recover
  std::atomic<int64_t> free_space_checked_ms_{INT64_MIN / 2};  // steady clock
  std::atomic<bool> free_space_low_{false};
  // New series whose RocksDB record failed (a full disk): the next
  // checkpoint writes them before it lets the WAL holding them go.
  std::mutex unwritten_series_mu_;
  std::vector<std::pair<SeriesRef, Labels>> unwritten_series_;  // guarded by unwritten_series_mu_
  std::atomic<uint64_t> next_ooo_id_{1};

  mutable std::shared_mutex tomb_mu_;
  std::unordered_map<SeriesRef, std::vector<Interval>> tombstones_;  // guarded by tomb_mu_

  // Head series CleanTombstones removed leave the head map, flagged removed,
  // into the reclaimer, which frees them once no appender or reader can hold
  // them (every MemSeries pointer taken outside commit_mu_ is taken pinned).
  mutable head::SeriesReclaimer reclaimer_;
  std::mutex removed_mu_;  // serialises RestoreRemoved

  mutable std::mutex meta_mu_;
  std::map<std::string, Metadata> metadata_;  // guarded by meta_mu_

  std::atomic<uint64_t> head_series_{0};   // entries in head_shards_
  std::atomic<int64_t> head_chunks_{0};    // sum of MemSeries::NumChunks, kept by the series
  std::atomic<uint64_t> samples_appended_total_{0};
  std::atomic<uint64_t> series_created_total_{0};
  std::atomic<uint64_t> out_of_order_samples_total_{0};
  std::atomic<uint64_t> duplicate_samples_total_{0};
  std::atomic<uint64_t> time_retentions_total_{0};
  std::atomic<uint64_t> size_retentions_total_{0};
  std::atomic<uint64_t> checkpoints_total_{0};
  std::atomic<uint64_t> checkpoint_bytes_total_{0};  // head states and chunks checkpoints wrote
  std::atomic<uint64_t> wal_replayed_records_{0};
  std::atomic<uint64_t> wal_segments_dropped_unread_total_{0};
  std::atomic<uint64_t> series_limit_refused_total_{0};
  std::atomic<int64_t> min_time_ms_{INT64_MAX};
  std::atomic<int64_t> max_time_ms_{INT64_MIN};
  std::atomic<uint64_t> wal_bytes_since_checkpoint_{0};
  std::atomic<int64_t> last_checkpoint_ms_{0};
  std::atomic<int64_t> last_retention_ms_{0};
  std::atomic<int64_t> last_compaction_ms_{0};
  std::atomic<uint64_t> compacted_windows_total_{0};
  std::atomic<uint64_t> compacted_chunks_total_{0};
  std::atomic<uint64_t> dense_blocks_written_total_{0};

  std::mutex bg_mu_;
  std::condition_variable bg_cv_;
  bool stop_ = false;  // guarded by bg_mu_
  std::thread bg_;
  std::atomic<bool> closed_{false};
  uint64_t final_fsyncs_ = 0;         // WAL counters kept for Stats() after Close
  double final_fsync_seconds_ = 0;
};

}  // namespace cairn::storage
