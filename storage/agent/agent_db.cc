#include "storage/agent/agent_db.h"

#include <chrono>
#include <filesystem>

#include "storage/wal/records.h"

namespace cairn::storage {
namespace {

uint8_t SeriesType() { return static_cast<uint8_t>(wal::RecordType::kSeries); }

}  // namespace

// AgentAppender: buffers samples against their series (created, and their
// records queued to the WAL, at Append); Commit logs them as one samples
// record and raises each series' newest timestamp.
class AgentAppender final : public Appender {
 public:
  explicit AgentAppender(AgentDB* db) : db_(db) {}
  ~AgentAppender() override { Rollback(); }

  Result<SeriesRef> Append(SeriesRef ref, const Labels& labels, int64_t t_ms, double v,
                           const AppendOptions&) override {
    std::shared_ptr<AgentDB::Series> s = ref != 0 ? db_->Find(ref) : nullptr;
    if (s == nullptr) {
      if (labels.empty()) return Status::InvalidArgument("empty label set");
      auto r = db_->GetOrCreate(labels);
      if (!r.ok()) return r.status();
      s = std::move(r).value();
    }
    pending_.push_back({std::move(s), t_ms, v});
    return pending_.back().series->ref;
  }

  // Metadata is not WAL-logged in agent mode (Prometheus 2.42's agent
  // ignores it too); the scrape manager keeps its own cache for the API.
  Status UpdateMetadata(const std::string&, const Metadata&) override { return Status::OK(); }

  Status Commit() override {
    if (pending_.empty()) return Status::OK();
    Status st;
    {
      std::lock_guard<std::mutex> gate(db_->commit_gate_);
      std::shared_lock<std::shared_mutex> lock(db_->commit_mu_);
      if (db_->closed_) {
        Rollback();
        return Status::Unavailable("storage is closed");
      }
      std::vector<wal::RefSample> records;
      records.reserve(pending_.size());
      for (Pending& p : pending_) {
        // GC'd between Append and Commit: its labels get a series again.
        if (p.series->gone.load()) {
          auto r = db_->GetOrCreateLocked(p.series->labels);
          if (!r.ok()) {
            st = r.status();
            break;
          }
          p.series = std::move(r).value();
        }
        records.push_back({p.series->ref, p.t_ms, p.v});
      }
      if (st.ok()) st = db_->wal_->Log({{static_cast<uint8_t>(wal::RecordType::kSamplesZstd), wal::EncodeSamplesZstd(records)}});
      if (st.ok()) {
        uint64_t ooo = 0;
        for (const Pending& p : pending_) {
          int64_t cur = p.series->last_t_ms.load(std::memory_order_relaxed);
          if (p.t_ms < cur) ++ooo;
          while (p.t_ms > cur && !p.series->last_t_ms.compare_exchange_weak(cur, p.t_ms)) {
          }
        }
        db_->samples_appended_total_.fetch_add(pending_.size(), std::memory_order_relaxed);
        db_->out_of_order_total_.fetch_add(ooo, std::memory_order_relaxed);
      }
    }
    Rollback();
    return st;
  }

  void Rollback() override { pending_.clear(); }

 private:
  struct Pending {
    std::shared_ptr<AgentDB::Series> series;
    int64_t t_ms;
    double v;
  };
  AgentDB* db_;
  std::vector<Pending> pending_;
};

AgentDB::AgentDB(const AgentOptions& opts, Clock& clock) : opts_(opts), clock_(clock) {}

AgentDB::~AgentDB() { Close().ok(); }

Result<std::unique_ptr<AgentDB>> AgentDB::Open(const AgentOptions& opts, Clock& clock) {
  std::unique_ptr<AgentDB> db(new AgentDB(opts, clock));
  std::error_code ec;
  std::filesystem::create_directories(opts.path, ec);
  if (ec) return Status::IOError("create " + opts.path + ": " + ec.message());
  wal::WalOptions wo;
  wo.fsync = opts.fsync;
  wo.segment_bytes = opts.wal_segment_bytes;
  auto w = wal::Wal::Open(opts.path + "/wal", wo);
  if (!w.ok()) return w.status();
  db->wal_ = std::move(w).value();
  CAIRN_RETURN_IF_ERROR(db->Replay());
  db->last_truncate_ms_ = clock.NowMs();
  if (opts.background_poll_ms > 0) db->bg_ = std::thread([p = db.get()] { p->BackgroundLoop(); });
  return db;
}

Status AgentDB::Replay() {
  const auto start = std::chrono::steady_clock::now();
  std::vector<wal::RefSeries> series;
  std::vector<wal::RefSample> samples;
  Status st = wal_->Replay(0, [&](uint8_t type, std::string_view payload) -> Status {
    switch (static_cast<wal::RecordType>(type)) {
      case wal::RecordType::kSeries:
        series.clear();
        CAIRN_RETURN_IF_ERROR(wal::DecodeSeries(payload, &series));
        for (auto& s : series) {
          if (by_ref_.count(s.ref) != 0) continue;  // relogged by a truncation
          auto p = std::make_shared<Series>();
          p->ref = s.ref;
          p->labels = std::move(s.labels);
          by_ref_[p->ref] = p;
          // A series GC'd and created again has two refs; appends go to the newer.
          auto& slot = by_labels_[p->labels];
          if (!slot || slot->ref < p->ref) slot = p;
          next_ref_ = std::max(next_ref_, p->ref + 1);
        }
        return Status::OK();
      case wal::RecordType::kSamples:
      case wal::RecordType::kSamplesZstd:
        samples.clear();
        CAIRN_RETURN_IF_ERROR(wal::DecodeSampleRecord(type, payload, &samples));
        for (const auto& s : samples) {
          auto it = by_ref_.find(s.ref);
          if (it == by_ref_.end()) continue;  // series record lost with a torn tail
          if (s.t_ms > it->second->last_t_ms.load()) it->second->last_t_ms = s.t_ms;
        }
        return Status::OK();
    }
    return Status::Corruption("wal: unknown record type " + std::to_string(type));
  });
  replay_seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (st.code() == StatusCode::kCorruption) corruptions_total_.fetch_add(1);
  return st;
}

void AgentDB::BackgroundLoop() {
  std::unique_lock<std::mutex> lock(bg_mu_);
  while (!stop_) {
    bg_cv_.wait_for(lock, std::chrono::milliseconds(opts_.background_poll_ms));
    if (stop_) break;
    lock.unlock();
    if (opts_.truncate_frequency_ms > 0 && clock_.NowMs() - last_truncate_ms_.load() >= opts_.truncate_frequency_ms) {
      Truncate().ok();  // counted in checkpoint_*_failed_total; the next run retries
    }
    lock.lock();
  }
}

std::shared_ptr<AgentDB::Series> AgentDB::Find(SeriesRef ref) const {
  std::lock_guard<std::mutex> lock(series_mu_);
  auto it = by_ref_.find(ref);
  return it == by_ref_.end() ? nullptr : it->second;
}

Result<std::shared_ptr<AgentDB::Series>> AgentDB::GetOrCreate(const Labels& labels) {
  {
    std::lock_guard<std::mutex> lock(series_mu_);
    auto it = by_labels_.find(labels);
    if (it != by_labels_.end()) return it->second;
  }
  std::lock_guard<std::mutex> gate(commit_gate_);
  std::shared_lock<std::shared_mutex> lock(commit_mu_);
  if (closed_) return Status::Unavailable("storage is closed");
  return GetOrCreateLocked(labels);
}

Result<std::shared_ptr<AgentDB::Series>> AgentDB::GetOrCreateLocked(const Labels& labels) {
  CAIRN_RETURN_IF_ERROR(Labels::Validate(labels.vec()));
  std::lock_guard<std::mutex> lock(series_mu_);
  auto& slot = by_labels_[labels];
  if (slot) return slot;
  auto s = std::make_shared<Series>();
  s->ref = next_ref_++;
  s->labels = labels;
  slot = s;
  by_ref_[s->ref] = s;
  // Queued before anyone can find the ref, so the record reaches the WAL
  // ahead of every samples record using it.
  wal_->Enqueue({{SeriesType(), wal::EncodeSeries({{s->ref, labels}})}});
  return s;
}

std::optional<Labels> AgentDB::SeriesLabels(SeriesRef ref) const {
  std::lock_guard<std::mutex> lock(series_mu_);
  if (auto it = by_ref_.find(ref); it != by_ref_.end()) return it->second->labels;
  if (auto it = deleted_.find(ref); it != deleted_.end()) return it->second.labels;
  return std::nullopt;
}

uint64_t AgentDB::KeepFrom(uint64_t relogged) {
  if (!opts_.wal_keep_from) return relogged;
  uint64_t keep = std::min(relogged, opts_.wal_keep_from());
  if (keep == relogged || opts_.wal_keep_max_bytes == 0) return keep;
  auto segs = wal_->Segments();
  if (!segs.ok()) return keep;
  uint64_t kept_bytes = 0;
  for (const wal::SegmentFile& f : *segs) {
    if (f.segment >= keep && f.segment < relogged) kept_bytes += f.bytes;
  }
  // Oldest first: a queue loses its oldest backlog, not its newest.
  for (const wal::SegmentFile& f : *segs) {
    if (kept_bytes <= opts_.wal_keep_max_bytes || f.segment >= relogged) break;
    if (f.segment < keep) continue;
    kept_bytes -= f.bytes;
    keep = f.segment + 1;
    dropped_unread_total_.fetch_add(1, std::memory_order_relaxed);
  }
  return keep;
}

Status AgentDB::Truncate() {
  const auto start = std::chrono::steady_clock::now();
  const int64_t now = clock_.NowMs();
  last_truncate_ms_ = now;
  // Prometheus' run(): series quiet since what every queue sent (less a
  // margin) are dead, and nothing older than max_wal_time is kept alive.
  int64_t lowest = opts_.lowest_sent_ms ? opts_.lowest_sent_ms() : 0;
  int64_t mint = lowest == INT64_MAX ? 0 : lowest - opts_.min_wal_time_ms;
  mint = std::max<int64_t>({mint, 0, now - opts_.max_wal_time_ms});

  std::lock_guard<std::mutex> gate(commit_gate_);
  std::unique_lock<std::shared_mutex> commit(commit_mu_);
  if (closed_) return Status::Unavailable("storage is closed");
  checkpoint_creations_total_.fetch_add(1);
  auto segs = wal_->Segments();
  const uint64_t newest = segs.ok() && !segs->empty() ? segs->back().segment : 0;
  std::vector<wal::RefSeries> relog;
  {
    std::lock_guard<std::mutex> lock(series_mu_);
    for (auto it = by_ref_.begin(); it != by_ref_.end();) {
      Series& s = *it->second;
      if (s.last_t_ms.load() >= mint) {
        ++it;
        continue;
      }
      s.gone = true;
      deleted_[s.ref] = {s.labels, newest};
      if (auto l = by_labels_.find(s.labels); l != by_labels_.end() && l->second.get() == &s) by_labels_.erase(l);
      it = by_ref_.erase(it);
    }
    relog.reserve(by_ref_.size() + deleted_.size());
    for (const auto& [ref, s] : by_ref_) relog.push_back({ref, s->labels});
    for (const auto& [ref, d] : deleted_) relog.push_back({ref, d.labels});
  }
  // The new segment starts with every series record a replay or a queue
  // may need, so the older segments are needed only for their samples.
  auto relogged = wal_->Rotate();
  if (!relogged.ok()) {
    checkpoint_creations_failed_total_.fetch_add(1);
    return relogged.status();
  }
  if (!relog.empty()) {
    if (Status st = wal_->Log({{SeriesType(), wal::EncodeSeries(relog)}}); !st.ok()) {
      checkpoint_creations_failed_total_.fetch_add(1);
      return st;
    }
  }
  const uint64_t keep = KeepFrom(*relogged);
  checkpoint_deletions_total_.fetch_add(1);
  Status st = wal_->DeleteSegmentsBefore(keep);
  if (!st.ok()) {
    checkpoint_deletions_failed_total_.fetch_add(1);
  } else {
    std::lock_guard<std::mutex> lock(series_mu_);
    for (auto it = deleted_.begin(); it != deleted_.end();) {
      it = it->second.segment < keep ? deleted_.erase(it) : std::next(it);
    }
  }
  truncate_count_.fetch_add(1);
  truncate_nanos_.fetch_add(static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start).count()));
  return st;
}

Status AgentDB::Close() {
  if (closed_.exchange(true)) return Status::OK();
  {
    std::lock_guard<std::mutex> lock(bg_mu_);
    stop_ = true;
  }
  bg_cv_.notify_all();
  if (bg_.joinable()) bg_.join();
  if (!wal_) return Status::OK();
  std::lock_guard<std::mutex> gate(commit_gate_);
  std::unique_lock<std::shared_mutex> lock(commit_mu_);
  Status st = wal_->Log({});  // flush series records only enqueued so far
  wal_.reset();
  return st;
}

std::unique_ptr<Appender> AgentDB::NewAppender() { return std::make_unique<AgentAppender>(this); }

// Internal, not Unavailable: the storage will never answer (2.42's
// ErrUnsupported is a plain error, a 500 from /federate and /api/v1/read).
Result<std::unique_ptr<Querier>> AgentDB::NewQuerier(int64_t, int64_t) { return Status::Internal(kUnsupported); }

Result<std::unique_ptr<ChunkSeriesSet>> AgentDB::SelectChunks(int64_t, int64_t, const Matchers&) {
  return Status::Internal(kUnsupported);
}

AgentStats AgentDB::Stats() const {
  AgentStats s;
  {
    std::lock_guard<std::mutex> lock(series_mu_);
    s.active_series = by_ref_.size();
    s.deleted_series = deleted_.size();
  }
  s.samples_appended_total = samples_appended_total_.load();
  s.out_of_order_samples_total = out_of_order_total_.load();
  s.corruptions_total = corruptions_total_.load();
  s.data_replay_duration_seconds = replay_seconds_;
  s.checkpoint_creations_total = checkpoint_creations_total_.load();
  s.checkpoint_creations_failed_total = checkpoint_creations_failed_total_.load();
  s.checkpoint_deletions_total = checkpoint_deletions_total_.load();
  s.checkpoint_deletions_failed_total = checkpoint_deletions_failed_total_.load();
  s.truncate_duration_seconds_sum = truncate_nanos_.load() / 1e9;
  s.truncate_duration_seconds_count = truncate_count_.load();
  s.wal_segments_dropped_unread_total = dropped_unread_total_.load();
  if (auto segs = wal::ListSegmentFiles(opts_.path + "/wal"); segs.ok()) {
    for (const wal::SegmentFile& f : *segs) s.wal_bytes += f.bytes;
  }
  return s;
}

}  // namespace cairn::storage
