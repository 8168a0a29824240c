#include "storage/db.h"

#include <sys/statvfs.h>

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "storage/db_appender.h"
#include "storage/db_querier.h"
#include "storage/wal/records.h"

namespace cairn::storage {

namespace {

DBOptions WithDefaultFileSystem(DBOptions opts) {
  if (!opts.fs) opts.fs = fs::DefaultFileSystem();
  return opts;
}

}  // namespace

DB::DB(const DBOptions& opts, Clock& clock) : opts_(WithDefaultFileSystem(opts)), clock_(clock) {}

DB::~DB() { Close().ok(); }

Result<std::unique_ptr<DB>> DB::Open(const DBOptions& opts, Clock& clock) {
  if (opts.path.empty()) return Status::InvalidArgument("storage path is empty");
  if (opts.samples_per_chunk < 2 || opts.samples_per_chunk > 65535) {
    return Status::InvalidArgument("samples_per_chunk must be in [2, 65535]");
  }
  std::unique_ptr<DB> db(new DB(opts, clock));
  CAIRN_RETURN_IF_ERROR(db->Recover());
  db->last_checkpoint_ms_ = clock.NowMs();
  if (opts.background_poll_ms > 0) db->bg_ = std::thread([d = db.get()] { d->BackgroundLoop(); });
  return db;
}

Status DB::Close() {
  if (closed_.exchange(true)) return Status::OK();
  if (!wal_ || !store_) return Status::OK();  // Open failed part-way
  {
    std::lock_guard<std::mutex> lock(bg_mu_);
    stop_ = true;
  }
  bg_cv_.notify_all();
  if (bg_.joinable()) bg_.join();
  Status st = wal_->Log({});  // flush records only enqueued so far
  if (st.ok()) st = Checkpoint();
  if (st.ok() && opts_.dense_compaction) {
    // What is complete goes dense now, within a bound so a stop stays prompt;
    // the rest waits for the next run.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    for (;;) {
      auto pass = CompactionPass(opts_.compaction_windows_per_pass);
      if (!pass.ok()) {
        st = pass.status();
        break;
      }
      if (!pass->more || std::chrono::steady_clock::now() >= deadline) break;
    }
  }
  if (st.ok()) st = store_->Flush();
  // Release files and locks now, so the directory can be reopened at once.
  // Commits and series creation check closed_ under commit_mu_.
  std::lock_guard<std::mutex> rewrite(rewrite_mu_);
  std::lock_guard<std::mutex> gate(commit_gate_);
  std::unique_lock<std::shared_mutex> lock(commit_mu_);
  final_fsyncs_ = wal_->fsyncs_total();
  final_fsync_seconds_ = wal_->fsync_seconds_total();
  wal_.reset();
  store_.reset();
  return st;
}

void DB::BackgroundLoop() {
  std::unique_lock<std::mutex> lock(bg_mu_);
  while (!stop_) {
    bg_cv_.wait_for(lock, std::chrono::milliseconds(opts_.background_poll_ms));
    if (stop_) break;
    lock.unlock();
    const int64_t now = clock_.NowMs();
    const bool by_time = opts_.checkpoint_interval_ms > 0 &&
                         now - last_checkpoint_ms_.load() >= opts_.checkpoint_interval_ms;
    const bool by_bytes = wal_bytes_since_checkpoint_.load() >= opts_.checkpoint_wal_bytes;
    if (by_time || by_bytes) Checkpoint().ok();  // errors resurface on the next commit or Close
    if (now - last_retention_ms_.load() >= opts_.retention_check_interval_ms) ApplyRetention().ok();
    if (opts_.dense_compaction && now - last_compaction_ms_.load() >= opts_.compaction_interval_ms) {
      last_compaction_ms_ = now;
      CompactionPass(opts_.compaction_windows_per_pass).ok();  // a failed pass is retried by the next
    }
    lock.lock();
  }
}

std::shared_lock<std::shared_mutex> DB::LockForCommit() const {
  std::lock_guard<std::mutex> gate(commit_gate_);
  return std::shared_lock<std::shared_mutex>(commit_mu_);
}

head::MemSeries* DB::GetOrCreateMemSeries(SeriesRef ref) {
  HeadShard& shard = head_shards_[ref % kShards];
  std::lock_guard<std::mutex> lock(shard.mu);
  auto& slot = shard.series[ref];
  if (!slot) {
    slot = std::make_unique<head::MemSeries>(ref, opts_.samples_per_chunk, &head_chunks_);
    head_series_.fetch_add(1, std::memory_order_relaxed);
  }
  return slot.get();
}

head::MemSeries* DB::GetOrCreateIndexedMemSeries(SeriesRef ref) {
  HeadShard& shard = head_shards_[ref % kShards];
  std::lock_guard<std::mutex> lock(shard.mu);
  auto& slot = shard.series[ref];
  if (!slot) {
    // RemoveSeriesLocked takes a series out of the index before the head
    // map (under this lock), so a ref found unindexed here is gone for good.
    if (index_.GetLabels(ref) == nullptr) {
      shard.series.erase(ref);
      return nullptr;
    }
    slot = std::make_unique<head::MemSeries>(ref, opts_.samples_per_chunk, &head_chunks_);
    head_series_.fetch_add(1, std::memory_order_relaxed);
  }
  return slot.get();
}

head::MemSeries* DB::FindMemSeries(SeriesRef ref) const {
  const HeadShard& shard = head_shards_[ref % kShards];
  std::lock_guard<std::mutex> lock(shard.mu);
  auto it = shard.series.find(ref);
  return it == shard.series.end() ? nullptr : it->second.get();
}

std::vector<head::MemSeries*> DB::AllMemSeries() const {
  std::vector<head::MemSeries*> out;
  for (const HeadShard& shard : head_shards_) {
    std::lock_guard<std::mutex> lock(shard.mu);
    for (const auto& [ref, s] : shard.series) out.push_back(s.get());
  }
  return out;
}

Status DB::CheckFreeSpace() {
  if (opts_.min_free_disk_bytes == 0) return Status::OK();
  const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::steady_clock::now().time_since_epoch())
                          .count();
  int64_t last = free_space_checked_ms_.load();
  if (now - last >= 1000 && free_space_checked_ms_.compare_exchange_strong(last, now)) {
    struct statvfs st;
    if (::statvfs(opts_.path.c_str(), &st) == 0) {
      free_space_low_ = static_cast<uint64_t>(st.f_bavail) * st.f_frsize < opts_.min_free_disk_bytes;
    }
  }
  if (!free_space_low_) return Status::OK();
  return Status::Unavailable("disk almost full: less than " + std::to_string(opts_.min_free_disk_bytes) +
                             " bytes free under " + opts_.path + "; writes resume when space is freed");
}

Result<std::pair<SeriesRef, head::MemSeries*>> DB::GetOrCreateSeries(const Labels& labels) {
  // Known series: one hash lookup, no global lock. (Removed meanwhile: it is
  // created anew below, under a new ref.)
  if (const SeriesRef ref = index_.Lookup(labels); ref != 0) {
    if (head::MemSeries* s = GetOrCreateIndexedMemSeries(ref)) return std::make_pair(ref, s);
  }
  CAIRN_RETURN_IF_ERROR(CheckFreeSpace());
  auto lock = LockForCommit();
  if (closed_) return Status::Unavailable("storage is closed");
  CAIRN_RETURN_IF_ERROR(Labels::Validate(labels.vec()));
  // The head bound: only a series the index does not know yet is refused,
  // so series that exist keep flowing. The commit lock is shared: writers
  // creating series at the same moment may overshoot by one each.
  if (opts_.max_series > 0 && head_series_.load(std::memory_order_relaxed) >= opts_.max_series &&
      index_.Lookup(labels) == 0) {
    series_limit_refused_total_.fetch_add(1, std::memory_order_relaxed);
    return Status::ResourceExhausted("per-server series limit of " + std::to_string(opts_.max_series) +
                                     " reached (--storage.max-series); new series are refused");
  }
  // The series record is queued before anyone else can find the new ref, so
  // it reaches the WAL ahead of every sample record that uses the ref.
  const auto e = index_.GetOrCreate(labels, [&](SeriesRef ref) {
    wal_->Enqueue({{static_cast<uint8_t>(wal::RecordType::kSeries), wal::EncodeSeries({{ref, labels}})}});
  });
  head::MemSeries* s = GetOrCreateIndexedMemSeries(e.ref);
  if (s == nullptr) return Status::Unavailable("series removed while being created; retry");
  if (e.created) {
    series_created_total_.fetch_add(1, std::memory_order_relaxed);
    WriteSet ws;
    ws.series.emplace_back(e.ref, labels);
    Status st = store_->Write(ws, false);
    if (!st.ok()) {
      // The series exists now (its WAL record is queued); a checkpoint must
      // not drop that record before the series is in RocksDB.
      std::lock_guard<std::mutex> unwritten(unwritten_series_mu_);
      unwritten_series_.emplace_back(e.ref, labels);
      return st;
    }
  }
  return std::make_pair(e.ref, s);
}

void DB::NoteTimeRange(int64_t min_t_ms, int64_t max_t_ms) {
  int64_t cur = min_time_ms_.load(std::memory_order_relaxed);
  while (min_t_ms < cur && !min_time_ms_.compare_exchange_weak(cur, min_t_ms, std::memory_order_relaxed)) {
  }
  cur = max_time_ms_.load(std::memory_order_relaxed);
  while (max_t_ms > cur && !max_time_ms_.compare_exchange_weak(cur, max_t_ms, std::memory_order_relaxed)) {
  }
}

Status DB::ApplySamples(const std::vector<PendingSample>& samples) {
  std::vector<head::ClosedChunk> closed;
  uint64_t appended = 0, ooo = 0, conflicts = 0;
  int64_t lo = INT64_MAX, hi = INT64_MIN;
  for (const PendingSample& p : samples) {
    switch (p.series->Append(p.t_ms, p.v, next_ooo_id_, &closed)) {
      case head::AppendOutcome::kOutOfOrder:
        ++ooo;
        [[fallthrough]];
      case head::AppendOutcome::kAppended:
        ++appended;
        lo = std::min(lo, p.t_ms);
        hi = std::max(hi, p.t_ms);
        break;
      case head::AppendOutcome::kConflict:
        ++conflicts;
        break;
      case head::AppendOutcome::kDuplicate:
        break;
    }
  }
  if (appended > 0) NoteTimeRange(lo, hi);
  samples_appended_total_.fetch_add(appended, std::memory_order_relaxed);
  out_of_order_samples_total_.fetch_add(ooo, std::memory_order_relaxed);
  duplicate_samples_total_.fetch_add(conflicts, std::memory_order_relaxed);
  return FlushClosed(&closed);
}

Status DB::FlushClosed(std::vector<head::ClosedChunk>* closed) {
  if (closed->empty()) return Status::OK();
  WriteSet ws;
  ws.chunks = std::move(*closed);
  closed->clear();
  // Their samples are in the WAL, which keeps them until a checkpoint has
  // flushed this write to SST files: RocksDB's log need not hold them too.
  CAIRN_RETURN_IF_ERROR(store_->WriteUnlogged(ws));
  for (const head::ClosedChunk& c : ws.chunks) {
    if (head::MemSeries* s = FindMemSeries(c.ref)) s->ForgetFlushed(c.min_t_ms, c.id);
  }
  return Status::OK();
}

Status DB::Checkpoint() {
  std::lock_guard<std::mutex> ckpt(checkpoint_mu_);
  return CheckpointLocked();
}

Status DB::CheckpointLocked() {
  uint64_t segment;
  {
    std::lock_guard<std::mutex> gate(commit_gate_);
    std::unique_lock<std::shared_mutex> lock(commit_mu_);
    auto seg = wal_->Rotate();
    if (!seg.ok()) return seg.status();
    segment = *seg;
    wal_bytes_since_checkpoint_ = 0;
  }
  WriteSet ws;
  {
    std::lock_guard<std::mutex> unwritten(unwritten_series_mu_);
    ws.series = unwritten_series_;
  }
  const size_t unwritten_count = ws.series.size();
  size_t bytes = 0;
  for (head::MemSeries* s : AllMemSeries()) {
    if (s->removed()) continue;  // its `head` entry is gone with the series
    std::string state;
    if (!s->EncodeCheckpoint(&state, &ws.chunks)) continue;
    bytes += state.size();
    checkpoint_bytes_total_.fetch_add(state.size(), std::memory_order_relaxed);
    ws.heads.emplace_back(s->ref(), std::move(state));
    if (bytes >= (8u << 20)) {
      CAIRN_RETURN_IF_ERROR(store_->WriteUnlogged(ws));
      ws = WriteSet();
      bytes = 0;
    }
  }
  // Head states, their chunks and the chunks closed since the last
  // checkpoint went past RocksDB's log (segments below S hold their
  // samples): the flush makes them durable, and only then may
  // wal_replay_from move to S. The OOO chunk id bound is flushed with the
  // chunks that used ids below it.
  ws.meta.emplace_back("meta/next_ooo_chunk_id", std::to_string(next_ooo_id_.load() + 1));
  CAIRN_RETURN_IF_ERROR(store_->WriteUnlogged(ws));
  CAIRN_RETURN_IF_ERROR(store_->FlushMemtables());
  WriteSet meta;
  meta.meta.emplace_back("meta/wal_replay_from", std::to_string(segment));
  // The synced write also makes every earlier unsynced logged write durable
  // (new series, CleanTombstones' rewrites).
  CAIRN_RETURN_IF_ERROR(store_->Write(meta, true));
  if (unwritten_count > 0) {
    std::lock_guard<std::mutex> unwritten(unwritten_series_mu_);
    unwritten_series_.erase(unwritten_series_.begin(), unwritten_series_.begin() + unwritten_count);
  }
  CAIRN_RETURN_IF_ERROR(wal_->DeleteSegmentsBefore(WalDeleteBefore(segment)));
  checkpoints_total_.fetch_add(1, std::memory_order_relaxed);
  last_checkpoint_ms_ = clock_.NowMs();
  // Head series removed by CleanTombstones (which ends with a checkpoint)
  // are freed here once nothing holds them; later checkpoints retry.
  reclaimer_.Reclaim();
  return Status::OK();
}

Result<CompactionStats> DB::CompactionPass(size_t max_windows) {
  std::lock_guard<std::mutex> rewrite(rewrite_mu_);
  if (!store_) return Status::Unavailable("storage is closed");
  // Complete windows: ended a head chunk range before the newest sample, so
  // every series still receiving samples has closed and flushed its chunks
  // there. Later arrivals (out-of-order chunks, a quiet series' last open
  // chunk) land as XOR chunks, move the window's XOR count and are merged in
  // by a later pass.
  const int64_t newest = max_time_ms_.load();
  if (newest < INT64_MIN + head::kChunkRangeMs) return CompactionStats();
  auto stats = compactor_->RunPass(newest - head::kChunkRangeMs, max_windows);
  if (stats.ok()) {
    compacted_windows_total_.fetch_add(stats->windows, std::memory_order_relaxed);
    compacted_chunks_total_.fetch_add(stats->chunks_in, std::memory_order_relaxed);
    dense_blocks_written_total_.fetch_add(stats->blocks_out, std::memory_order_relaxed);
  }
  return stats;
}

Result<CompactionStats> DB::CompactChunks() {
  if (closed_) return Status::Unavailable("storage is closed");
  CompactionStats total;
  for (;;) {
    auto pass = CompactionPass(opts_.compaction_windows_per_pass);
    if (!pass.ok()) return pass.status();
    total.Add(*pass);
    if (!pass->more) return total;
  }
}

uint64_t DB::WalDeleteBefore(uint64_t replay_from) {
  if (!opts_.wal_keep_from) return replay_from;
  uint64_t keep = std::min(replay_from, opts_.wal_keep_from());
  if (keep == replay_from || opts_.wal_keep_max_bytes == 0) return keep;
  auto segs = wal_->Segments();
  if (!segs.ok()) return keep;  // keep everything; the next checkpoint retries
  uint64_t kept_bytes = 0;
  for (const wal::SegmentFile& f : *segs) {
    if (f.segment >= keep && f.segment < replay_from) kept_bytes += f.bytes;
  }
  // Oldest first, so the reader loses its oldest backlog, not its newest.
  for (const wal::SegmentFile& f : *segs) {
    if (kept_bytes <= opts_.wal_keep_max_bytes || f.segment >= replay_from) break;
    if (f.segment < keep) continue;
    kept_bytes -= f.bytes;
    keep = f.segment + 1;
    wal_segments_dropped_unread_total_.fetch_add(1, std::memory_order_relaxed);
  }
  return keep;
}

std::optional<Labels> DB::SeriesLabels(SeriesRef ref) const {
  const Labels* l = index_.GetLabels(ref);
  if (l == nullptr) return std::nullopt;
  return *l;
}

Status DB::ApplyRetention() {
  const int64_t now = clock_.NowMs();
  last_retention_ms_ = now;
  constexpr int64_t kDayMs = 86'400'000;
  if (opts_.retention_ms > 0) {
    const int64_t cutoff = now - opts_.retention_ms;
    bool dropped = false;
    for (int64_t day : store_->Days()) {
      if ((day + 1) * kDayMs > cutoff) break;
      CAIRN_RETURN_IF_ERROR(store_->DropDay(day));
      dropped = true;
    }
    if (dropped) {
      time_retentions_total_.fetch_add(1, std::memory_order_relaxed);
      RecomputeMinTime();
    }
  }
  if (opts_.retention_bytes > 0) {
    uint64_t total = store_->DiskBytes() + wal_->DiskBytes();
    auto days = store_->Days();
    bool dropped = false;
    // The newest partition stays: it is where current data lands.
    for (size_t i = 0; i + 1 < days.size() && total > static_cast<uint64_t>(opts_.retention_bytes); ++i) {
      const uint64_t b = store_->DayBytes(days[i]);
      CAIRN_RETURN_IF_ERROR(store_->DropDay(days[i]));
      total = b > total ? 0 : total - b;
      dropped = true;
    }
    if (dropped) {
      size_retentions_total_.fetch_add(1, std::memory_order_relaxed);
      RecomputeMinTime();
    }
  }
  return Status::OK();
}

void DB::RecomputeMinTime() {
  // Commits paused, so no sample lands between the walk and the store. This
  // walks every series, but only after retention dropped a partition.
  std::lock_guard<std::mutex> gate(commit_gate_);
  std::unique_lock<std::shared_mutex> lock(commit_mu_);
  int64_t oldest = INT64_MAX;
  if (const auto days = store_->Days(); !days.empty()) oldest = days.front() * 86'400'000;
  const auto pin = reclaimer_.Enter();
  for (const head::MemSeries* m : AllMemSeries()) {
    int64_t lo, hi;
    if (m->Bounds(&lo, &hi)) oldest = std::min(oldest, lo);
  }
  if (oldest != INT64_MAX) min_time_ms_.store(oldest);
}

bool DB::TimeRange(int64_t* min_ms, int64_t* max_ms) const {
  // [lo, hi] spans every sample appended or recovered (and the start of every
  // partition found at open); retention raises lo (RecomputeMinTime). The
  // newest sample is always in the head (a series' open chunk holds its
  // newest sample), so hi is the newest time.
  const int64_t lo = min_time_ms_.load(), hi = max_time_ms_.load();
  if (lo > hi) return false;
  *min_ms = lo;
  *max_ms = hi;
  return true;
}

DBStats DB::Stats() const {
  DBStats s;
  s.head_series = head_series_.load(std::memory_order_relaxed);
  s.removed_series_unfreed = reclaimer_.Pending();
  s.chunks_in_head = static_cast<uint64_t>(std::max<int64_t>(0, head_chunks_.load(std::memory_order_relaxed)));
  s.samples_appended_total = samples_appended_total_.load();
  s.series_created_total = series_created_total_.load();
  s.out_of_order_samples_total = out_of_order_samples_total_.load();
  s.duplicate_samples_total = duplicate_samples_total_.load();
  s.time_retentions_total = time_retentions_total_.load();
  s.size_retentions_total = size_retentions_total_.load();
  s.checkpoints_total = checkpoints_total_.load();
  s.checkpoint_bytes_total = checkpoint_bytes_total_.load();
  s.wal_replayed_records = wal_replayed_records_.load();
  s.wal_segments_dropped_unread_total = wal_segments_dropped_unread_total_.load();
  s.series_limit_refused_total = series_limit_refused_total_.load();
  s.compacted_windows_total = compacted_windows_total_.load();
  s.compacted_chunks_total = compacted_chunks_total_.load();
  s.dense_blocks_written_total = dense_blocks_written_total_.load();
  std::shared_lock<std::shared_mutex> lock(commit_mu_);
  if (!wal_ || !store_) {  // closed
    s.wal_fsyncs_total = final_fsyncs_;
    s.wal_fsync_seconds_total = final_fsync_seconds_;
    return s;
  }
  s.wal_fsyncs_total = wal_->fsyncs_total();
  s.wal_fsync_seconds_total = wal_->fsync_seconds_total();
  s.wal_bytes_written_total = wal_->bytes_written_total();
  const StoreWriteBytes w = store_->WriteBytes();
  s.store_log_bytes_total = w.log;
  s.store_flush_bytes_total = w.flush;
  s.store_compaction_bytes_total = w.compaction;
  TimeRange(&s.min_time_ms, &s.max_time_ms);
  s.disk_bytes = store_->DiskBytes() + wal_->DiskBytes();
  return s;
}

std::vector<DB::Interval> DB::TombstonesFor(SeriesRef ref) const {
  std::shared_lock<std::shared_mutex> lock(tomb_mu_);
  auto it = tombstones_.find(ref);
  return it == tombstones_.end() ? std::vector<Interval>() : it->second;
}

Status DB::DeleteSeries(const Matchers& matchers, int64_t min_t_ms, int64_t max_t_ms) {
  if (min_t_ms > max_t_ms) return Status::InvalidArgument("delete: start after end");
  const auto refs = index_.Select(matchers);
  WriteSet ws;
  for (SeriesRef ref : refs) {
    ws.meta.emplace_back(TombstoneKey(ref, min_t_ms, max_t_ms), "");
  }
  CAIRN_RETURN_IF_ERROR(store_->Write(ws, true));
  std::unique_lock<std::shared_mutex> lock(tomb_mu_);
  for (SeriesRef ref : refs) tombstones_[ref].push_back({min_t_ms, max_t_ms});
  return Status::OK();
}

Result<std::string> DB::Snapshot(const std::string& dir) {
  std::error_code ec;
  if (std::filesystem::exists(dir, ec)) return Status::InvalidArgument("snapshot dir exists: " + dir);
  Result<std::string> made = SnapshotInto(dir);
  if (!made.ok()) {
    // A partial snapshot (a full disk, say) is removed: nothing later may
    // take it for a whole one, and its space comes back.
    std::filesystem::remove_all(dir, ec);
  }
  return made;
}

Result<std::string> DB::SnapshotInto(const std::string& dir) {
  fs::FileSystem& files = *opts_.fs;
  CAIRN_RETURN_IF_ERROR(files.CreateDirs(dir + "/wal"));
  CAIRN_RETURN_IF_ERROR(Checkpoint());
  // Commits are paused while the WAL tail is copied so it matches the
  // RocksDB checkpoint taken right after.
  std::lock_guard<std::mutex> gate(commit_gate_);
  std::unique_lock<std::shared_mutex> lock(commit_mu_);
  auto segments = files.List(opts_.path + "/wal");
  if (!segments.ok()) return segments.status();
  for (const fs::DirEntry& e : *segments) {
    auto content = files.ReadFile(opts_.path + "/wal/" + e.name);
    if (!content.ok()) return content.status();
    auto out = files.OpenForAppend(dir + "/wal/" + e.name, /*truncate=*/true);
    if (!out.ok()) return out.status();
    CAIRN_RETURN_IF_ERROR((*out)->Append(*content));
    CAIRN_RETURN_IF_ERROR((*out)->Sync());
    CAIRN_RETURN_IF_ERROR((*out)->Close());
  }
  CAIRN_RETURN_IF_ERROR(files.SyncDir(dir + "/wal"));
  // RocksDB's checkpoint syncs the files it copies; hard links share synced data.
  CAIRN_RETURN_IF_ERROR(store_->Checkpoint(dir + "/db"));
  CAIRN_RETURN_IF_ERROR(files.SyncDir(dir));
  return dir;
}

std::map<std::string, Metadata> DB::GetMetadata() const {
  std::lock_guard<std::mutex> lock(meta_mu_);
  return metadata_;
}

std::unique_ptr<Appender> DB::NewAppender() { return std::make_unique<DBAppender>(this); }

Result<std::unique_ptr<Querier>> DB::NewQuerier(int64_t min_t_ms, int64_t max_t_ms) {
  if (closed_) return Status::Unavailable("storage is closed");
  return std::unique_ptr<Querier>(new DBQuerier(this, min_t_ms, max_t_ms));
}

}  // namespace cairn::storage
