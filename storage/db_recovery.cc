// DB::Recover: rebuilds the in-memory state at Open. Series come from the
// `series` column family (postings are rebuilt from them, not persisted), head
// state from the last checkpoint in `head`, then the WAL written after that
// checkpoint is replayed. Replay is idempotent: samples the checkpoint
// already holds are recognised as identical duplicates and skipped.
#include "storage/db.h"
#include "storage/wal/records.h"

namespace cairn::storage {

Status DB::Recover() {
  CAIRN_RETURN_IF_ERROR(opts_.fs->CreateDirs(opts_.path));
  ChunkStoreOptions so;
  so.block_cache_bytes = opts_.block_cache_bytes;
  so.fs = opts_.fs;
  auto store = ChunkStore::Open(opts_.path + "/db", so);
  if (!store.ok()) return store.status();
  store_ = std::move(store).value();
  compactor_ = std::make_unique<Compactor>(store_.get(), [this](SeriesRef ref) {
    std::vector<std::pair<int64_t, int64_t>> out;
    for (const Interval& iv : TombstonesFor(ref)) out.emplace_back(iv.min_t_ms, iv.max_t_ms);
    return out;
  });

  uint64_t replay_from = 0;
  if (auto v = store_->GetMeta("meta/wal_replay_from"); v.ok()) replay_from = std::stoull(*v);
  if (auto v = store_->GetMeta("meta/next_ooo_chunk_id"); v.ok()) next_ooo_id_ = std::stoull(*v);

  CAIRN_RETURN_IF_ERROR(store_->ForEachMeta("tomb/", [&](std::string_view key, std::string_view) {
    // tomb/<ref>/<min>/<max>
    const std::string k(key.substr(5));
    const size_t a = k.find('/'), b = k.find('/', a + 1);
    if (a == std::string::npos || b == std::string::npos) return Status::Corruption("bad tombstone key");
    tombstones_[std::stoull(k.substr(0, a))].push_back(
        {std::stoll(k.substr(a + 1, b - a - 1)), std::stoll(k.substr(b + 1))});
    return Status::OK();
  }));

  const uint64_t estimate = store_->EstimateSeries();
  index_.Reserve(estimate);
  for (HeadShard& shard : head_shards_) shard.series.reserve(estimate / kShards + 1);
  CAIRN_RETURN_IF_ERROR(store_->ForEachSeries([&](SeriesRef ref, Labels labels) {
    index_.Add(ref, labels);
    return Status::OK();
  }));
  CAIRN_RETURN_IF_ERROR(store_->ForEachHead([&](SeriesRef ref, std::string_view state) {
    head::MemSeries* s = GetOrCreateMemSeries(ref);
    CAIRN_RETURN_IF_ERROR(s->RestoreCheckpoint(state));
    int64_t lo, hi;
    if (s->Bounds(&lo, &hi)) NoteTimeRange(lo, hi);
    return Status::OK();
  }));
  for (int64_t day : store_->Days()) NoteTimeRange(day * 86'400'000, day * 86'400'000);

  wal::WalOptions wo;
  wo.fsync = opts_.fsync;
  wo.segment_bytes = opts_.wal_segment_bytes;
  wo.fs = opts_.fs;
  auto w = wal::Wal::Open(opts_.path + "/wal", wo);
  if (!w.ok()) return w.status();
  wal_ = std::move(w).value();
  return ReplayWal(replay_from);
}

Status DB::ReplayWal(uint64_t from_segment) {
  uint64_t records = 0;
  WriteSet new_series;
  std::vector<PendingSample> batch;
  std::vector<wal::RefSeries> series;
  std::vector<wal::RefSample> samples;
  Status st = wal_->Replay(from_segment, [&](uint8_t type, std::string_view payload) -> Status {
    ++records;
    switch (static_cast<wal::RecordType>(type)) {
      case wal::RecordType::kSeries:
        series.clear();
        CAIRN_RETURN_IF_ERROR(wal::DecodeSeries(payload, &series));
        for (auto& s : series) {
          if (index_.Add(s.ref, s.labels)) new_series.series.emplace_back(s.ref, std::move(s.labels));
        }
        return Status::OK();
      case wal::RecordType::kSamples:
      case wal::RecordType::kSamplesZstd:
        samples.clear();
        CAIRN_RETURN_IF_ERROR(wal::DecodeSampleRecord(type, payload, &samples));
        for (const auto& s : samples) {
          if (index_.GetLabels(s.ref) == nullptr) continue;  // series record lost with a torn tail
          batch.push_back({GetOrCreateMemSeries(s.ref), s.t_ms, s.v});
        }
        if (batch.size() >= 65536) {
          CAIRN_RETURN_IF_ERROR(ApplySamples(batch));
          batch.clear();
        }
        return Status::OK();
    }
    return Status::Corruption("wal: unknown record type " + std::to_string(type));
  });
  CAIRN_RETURN_IF_ERROR(st);
  CAIRN_RETURN_IF_ERROR(ApplySamples(batch));
  CAIRN_RETURN_IF_ERROR(store_->Write(new_series, false));
  wal_replayed_records_ = records;
  // The counters count this process' appends, not replayed ones.
  samples_appended_total_ = 0;
  out_of_order_samples_total_ = 0;
  duplicate_samples_total_ = 0;
  // Checkpoint what was replayed so the next start does not replay it again.
  if (records > 0) CAIRN_RETURN_IF_ERROR(Checkpoint());
  return Status::OK();
}

}  // namespace cairn::storage
