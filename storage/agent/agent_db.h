// AgentDB: the WAL-only storage of agent mode (`cairn --agent`), Cairn's
// counterpart of Prometheus' tsdb/agent.DB. It keeps no chunks, no RocksDB
// and no head samples — only, per series, its labels and newest timestamp —
// and writes every commit to the same WAL format (storage/wal) the server's
// DB writes, so the remote_write queues' WalWatcher reads it unchanged.
//
// Why its own files and not a DBOptions mode of DB: DB is built around the
// head chunks and RocksDB (recovery, checkpoints, retention, queries all
// assume them); switching each off behind a flag would touch most of db*.cc
// for a mode that shares only the WAL. The WAL (storage/wal/wal.h) and its
// record codec are the seam both use, and all the agent needs.
//
// Truncation (every truncate_frequency_ms, as the agent's `run` loop):
//   1. series GC: series with no sample since mint leave the series map
//      (kept as "deleted" — still answering SeriesLabels — until the WAL
//      segments that may mention them are gone). mint is the lowest
//      timestamp every queue has sent minus min_wal_time_ms, but never
//      older than now - max_wal_time_ms (Prometheus' run()).
//   2. the WAL moves to a new segment that starts with the series records
//      of every live and deleted series. That plays the role of Prometheus'
//      checkpoint: a restart replays the kept segments and knows every
//      series, whatever older segments were deleted.
//   3. segments older than that one are deleted, except those a queue has
//      not yet confirmed (wal_keep_from: the queues' saved positions), and
//      those only up to wal_keep_max_bytes (a dead receiver cannot fill the
//      disk; dropped segments count in wal_segments_dropped_unread_total).
// So once the queues have sent it, the WAL shrinks to about one segment per
// truncation interval.
//
// Differences from Prometheus' agent, on purpose: out-of-order samples are
// accepted and forwarded (Cairn accepts them everywhere; the receiver
// decides) and counted in out_of_order_samples_total; segments are kept
// for the queues by their confirmed positions rather than by a checkpoint
// of samples newer than mint.
//
// Queries: NewQuerier and SelectChunks fail with Internal "unsupported
// operation with WAL-only storage" (Prometheus' agent.ErrUnsupported).
// Thread-safety: every method is safe from any thread; an Appender belongs to
// one thread at a time and must not outlive the AgentDB.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "storage/appender.h"
#include "storage/queryable.h"
#include "storage/wal/wal.h"
#include "util/clock.h"

namespace cairn::storage {

struct AgentOptions {
  // --storage.agent.path. Holds `wal/`.
  std::string path;
  bool fsync = true;
  uint64_t wal_segment_bytes = 128ull << 20;
  // --storage.agent.wal-truncate-frequency (Prometheus: 2h).
  int64_t truncate_frequency_ms = 2LL * 3600 * 1000;
  // --storage.agent.retention.min-time / max-time (Prometheus: 5m / 4h).
  int64_t min_wal_time_ms = 5LL * 60 * 1000;
  int64_t max_wal_time_ms = 4LL * 3600 * 1000;
  // The oldest segment some remote_write queue still needs (UINT64_MAX: none).
  std::function<uint64_t()> wal_keep_from;
  // The lowest "highest sent timestamp" over the queues (Prometheus'
  // LowestSentTimestamp); INT64_MAX when no queue runs.
  std::function<int64_t()> lowest_sent_ms;
  // Bound on the bytes of segments kept only for the queues; 0: no bound.
  uint64_t wal_keep_max_bytes = 0;
  // Real-time poll period of the truncation thread; 0 starts none (tests call
  // Truncate()).
  int64_t background_poll_ms = 1000;
};

// The prometheus_agent_* figures (tsdb/agent/db.go's dbMetrics).
struct AgentStats {
  uint64_t active_series = 0;
  uint64_t deleted_series = 0;  // GC'd, kept until their segments go
  uint64_t samples_appended_total = 0;
  uint64_t out_of_order_samples_total = 0;
  uint64_t corruptions_total = 0;
  double data_replay_duration_seconds = 0;
  uint64_t checkpoint_creations_total = 0;  // truncations that relogged the series
  uint64_t checkpoint_creations_failed_total = 0;
  uint64_t checkpoint_deletions_total = 0;  // segment deletions attempted
  uint64_t checkpoint_deletions_failed_total = 0;
  double truncate_duration_seconds_sum = 0;
  uint64_t truncate_duration_seconds_count = 0;
  uint64_t wal_segments_dropped_unread_total = 0;
  uint64_t wal_bytes = 0;  // segment files on disk
};

class AgentDB final : public Queryable, public Appendable, public ChunkQueryable {
 public:
  // Opens (creating) opts.path and replays the WAL found there for the series
  // map. `clock` must outlive the AgentDB.
  static Result<std::unique_ptr<AgentDB>> Open(const AgentOptions& opts, Clock& clock);
  ~AgentDB() override;

  std::unique_ptr<Appender> NewAppender() override;
  Result<std::unique_ptr<Querier>> NewQuerier(int64_t min_t_ms, int64_t max_t_ms) override;
  Result<std::unique_ptr<ChunkSeriesSet>> SelectChunks(int64_t min_t_ms, int64_t max_t_ms,
                                                       const Matchers& matchers) override;

  // One truncation (see above) now; normally periodic.
  Status Truncate();
  // Stops the truncation thread and closes the WAL. Later appends fail.
  Status Close();

  // Labels of `ref` (live or deleted), for WAL readers that did not read its
  // series record.
  std::optional<Labels> SeriesLabels(SeriesRef ref) const;
  AgentStats Stats() const;

  // The error every read answers.
  static constexpr const char* kUnsupported = "unsupported operation with WAL-only storage";

 private:
  friend class AgentAppender;
  struct Series {
    SeriesRef ref = 0;
    Labels labels;
    std::atomic<int64_t> last_t_ms{INT64_MIN};
    std::atomic<bool> gone{false};  // GC'd (set under the exclusive commit lock)
  };

  AgentDB(const AgentOptions& opts, Clock& clock);
  Status Replay();
  void BackgroundLoop();
  // Finds or creates (logging its record) the series of `labels`.
  Result<std::shared_ptr<Series>> GetOrCreate(const Labels& labels);
  // The same with commit_mu_ already held (shared or exclusive).
  Result<std::shared_ptr<Series>> GetOrCreateLocked(const Labels& labels);
  std::shared_ptr<Series> Find(SeriesRef ref) const;
  // Oldest segment to keep, given that segments below `relogged` are not
  // needed for series; counts segments dropped past the byte bound.
  uint64_t KeepFrom(uint64_t relogged);

  const AgentOptions opts_;
  Clock& clock_;
  std::unique_ptr<wal::Wal> wal_;

  // Commits hold it shared from WAL write to timestamp update; Truncate holds
  // it exclusively while it GCs and relogs, so no commit sees a half-done GC.
  // Writers pass commit_gate_ first, so a waiting truncation is not starved
  // by back-to-back commits (the rwlock itself prefers readers).
  mutable std::shared_mutex commit_mu_;
  mutable std::mutex commit_gate_;
  mutable std::mutex series_mu_;  // guards the three maps and next_ref_
  std::unordered_map<SeriesRef, std::shared_ptr<Series>> by_ref_;
  std::unordered_map<Labels, std::shared_ptr<Series>, LabelsHash> by_labels_;
  // GC'd series: labels and the newest segment that may mention them.
  struct Deleted {
    Labels labels;
    uint64_t segment;
  };
  std::unordered_map<SeriesRef, Deleted> deleted_;
  SeriesRef next_ref_ = 1;

  std::atomic<uint64_t> samples_appended_total_{0}, out_of_order_total_{0}, corruptions_total_{0},
      checkpoint_creations_total_{0}, checkpoint_creations_failed_total_{0}, checkpoint_deletions_total_{0},
      checkpoint_deletions_failed_total_{0}, truncate_count_{0}, truncate_nanos_{0}, dropped_unread_total_{0};
  double replay_seconds_ = 0;
  std::atomic<int64_t> last_truncate_ms_{0};

  std::mutex bg_mu_;
  std::condition_variable bg_cv_;
  bool stop_ = false;  // guarded by bg_mu_
  std::thread bg_;
  std::atomic<bool> closed_{false};
};

}  // namespace cairn::storage
