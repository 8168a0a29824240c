// DB::CleanTombstones and DB::Compact: deletes that free space. Tombstones
// hide samples on read; cleaning rewrites the chunks they touch so the
// samples are gone from the stored bytes, and compaction makes RocksDB drop
// the superseded versions from its files.
#include <algorithm>

#include "storage/chunk/chunk_format.h"
#include "storage/chunk/dense_block.h"
#include "storage/chunk/xor_chunk.h"
#include "storage/db.h"
#include "storage/wal/records.h"

namespace cairn::storage {
namespace {

// Series cleaned per pause of commits: small enough that writers wait
// milliseconds, big enough that the lock is not taken per series.
constexpr size_t kCleanBatch = 256;

}  // namespace

std::string DB::TombstoneKey(SeriesRef ref, int64_t min_t_ms, int64_t max_t_ms) {
  return "tomb/" + std::to_string(ref) + "/" + std::to_string(min_t_ms) + "/" + std::to_string(max_t_ms);
}

Result<CleanTombstonesResult> DB::CleanTombstones() {
  std::lock_guard<std::mutex> ckpt(checkpoint_mu_);  // also keeps Close from releasing the store
  std::lock_guard<std::mutex> rewrite(rewrite_mu_);  // no compaction pass rewrites these chunks meanwhile
  if (closed_) return Status::Unavailable("storage is closed");
  std::unordered_map<SeriesRef, std::vector<Interval>> tombs;
  {
    std::shared_lock<std::shared_mutex> lock(tomb_mu_);
    tombs = tombstones_;
  }
  CleanTombstonesResult res;
  if (tombs.empty()) return res;
  std::vector<SeriesRef> refs;
  refs.reserve(tombs.size());
  for (const auto& [ref, ivs] : tombs) {
    refs.push_back(ref);
    res.tombstones += ivs.size();
  }
  std::sort(refs.begin(), refs.end());
  res.series_touched = refs.size();

  for (size_t i = 0; i < refs.size(); i += kCleanBatch) {
    // Commits paused: no sample lands in, and no chunk leaves, the head of
    // a series while its chunks are rewritten.
    std::lock_guard<std::mutex> gate(commit_gate_);
    std::unique_lock<std::shared_mutex> lock(commit_mu_);
    WriteSet ws;
    std::vector<SeriesRef> emptied;
    for (size_t j = i; j < std::min(refs.size(), i + kCleanBatch); ++j) {
      auto empty = CleanSeries(refs[j], tombs[refs[j]], &ws, &res);
      if (!empty.ok()) return empty.status();
      if (*empty) emptied.push_back(refs[j]);
    }
    CAIRN_RETURN_IF_ERROR(RemoveSeriesLocked(emptied, &ws));
    res.series_removed += emptied.size();
    CAIRN_RETURN_IF_ERROR(store_->Write(ws, false));
  }
  // The WAL before this checkpoint still holds the deleted samples; the
  // checkpoint stores the cleaned heads (and syncs the rewrites) and then
  // deletes those segments. Only then may the tombstones go.
  CAIRN_RETURN_IF_ERROR(CheckpointLocked());
  WriteSet forget;
  for (const auto& [ref, ivs] : tombs) {
    for (const Interval& iv : ivs) forget.deleted_meta.push_back(TombstoneKey(ref, iv.min_t_ms, iv.max_t_ms));
  }
  CAIRN_RETURN_IF_ERROR(store_->Write(forget, true));
  std::unique_lock<std::shared_mutex> lock(tomb_mu_);
  for (const auto& entry : tombs) {
    // Not a structured binding: clang 14 (the fuzz build) cannot capture one in the lambda below.
    const std::vector<Interval>& ivs = entry.second;
    auto it = tombstones_.find(entry.first);
    if (it == tombstones_.end()) continue;
    // Tombstones written while cleaning ran stay for the next run.
    std::erase_if(it->second, [&](const Interval& iv) {
      return std::any_of(ivs.begin(), ivs.end(), [&](const Interval& done) {
        return done.min_t_ms == iv.min_t_ms && done.max_t_ms == iv.max_t_ms;
      });
    });
    if (it->second.empty()) tombstones_.erase(it);
  }
  return res;
}

Result<bool> DB::CleanSeries(SeriesRef ref, const std::vector<Interval>& tombs, WriteSet* ws,
                             CleanTombstonesResult* res) {
  std::vector<std::pair<int64_t, int64_t>> ranges;
  for (const Interval& iv : tombs) ranges.emplace_back(iv.min_t_ms, iv.max_t_ms);
  const auto deleted = [&](int64_t t) {
    return std::any_of(ranges.begin(), ranges.end(), [t](const auto& r) { return t >= r.first && t <= r.second; });
  };
  bool has_data = false;
  if (head::MemSeries* m = FindMemSeries(ref)) {
    res->samples_removed += m->DeleteRanges(ranges);
    int64_t lo, hi;
    has_data = m->Bounds(&lo, &hi);
  }
  CAIRN_RETURN_IF_ERROR(store_->ForEachChunkOf(ref, [&](const StoredChunk& c) -> Status {
    const bool touched = std::any_of(ranges.begin(), ranges.end(), [&](const auto& r) {
      return c.max_t_ms >= r.first && c.min_t_ms <= r.second;
    });
    if (!touched) {
      has_data = true;
      return Status::OK();
    }
    const bool covered = std::any_of(ranges.begin(), ranges.end(), [&](const auto& r) {
      return c.min_t_ms >= r.first && c.max_t_ms <= r.second;
    });
    ws->deleted_chunks.push_back({ref, c.min_t_ms, c.id});
    if (covered) {  // no need to decode it
      ++res->chunks_dropped;
      res->samples_removed += chunk::NumSamples(c.format, c.data);
      return Status::OK();
    }
    if (c.format == chunk::Format::kDense) {
      // A dense block is rewritten as a dense block, under the key of its new
      // first sample and its own id (as below).
      std::vector<Sample> samples;
      Status st = chunk::DecodeDenseBlock(c.data, &samples);
      if (!st.ok()) return st.WithContext("series " + std::to_string(ref));
      const size_t before = samples.size();
      std::erase_if(samples, [&](const Sample& s) { return deleted(s.t_ms); });
      res->samples_removed += before - samples.size();
      if (samples.empty()) {
        ++res->chunks_dropped;
        return Status::OK();
      }
      ++res->chunks_rewritten;
      ws->chunks.push_back({ref, samples.front().t_ms, samples.back().t_ms, c.id, chunk::EncodeDenseBlock(samples),
                            chunk::Format::kDense});
      has_data = true;
      return Status::OK();
    }
    chunk::XorChunk kept;
    auto dropped = chunk::XorFilter(c.data, deleted, &kept);
    if (!dropped.ok()) return dropped.status().WithContext("series " + std::to_string(ref));
    res->samples_removed += *dropped;
    if (kept.empty()) {
      ++res->chunks_dropped;
      return Status::OK();
    }
    // The new min time lies inside the old chunk's span, so it stays in the
    // same day partition and cannot collide with another chunk's key.
    ++res->chunks_rewritten;
    kept.Compact();
    ws->chunks.push_back({ref, kept.min_t_ms(), kept.max_t_ms(), c.id, std::string(kept.bytes())});
    has_data = true;
    return Status::OK();
  }));
  return !has_data && index_.GetLabels(ref) != nullptr;
}

Status DB::RemoveSeriesLocked(const std::vector<SeriesRef>& refs, WriteSet* ws) {
  if (refs.empty()) return Status::OK();
  std::vector<Labels> labels;
  labels.reserve(refs.size());
  for (SeriesRef ref : refs) {
    const Labels* ls = index_.GetLabels(ref);
    labels.push_back(ls != nullptr ? *ls : Labels());
  }
  // Index first: GetOrCreateIndexedMemSeries then cannot bring a head entry
  // back between the two steps.
  index_.Remove(refs);
  for (size_t i = 0; i < refs.size(); ++i) {
    std::unique_ptr<head::MemSeries> m;
    {
      HeadShard& shard = head_shards_[refs[i] % kShards];
      std::lock_guard<std::mutex> lock(shard.mu);
      auto node = shard.series.extract(refs[i]);
      if (!node.empty()) m = std::move(node.mapped());
    }
    if (m == nullptr) continue;  // only on disk: nothing in the head
    // Flagged for an appender that still holds it: its Commit brings it back.
    m->set_removed(true);
    head_series_.fetch_sub(1, std::memory_order_relaxed);
    reclaimer_.Retire(std::move(m), std::move(labels[i]));
  }
  ws->deleted_series.insert(ws->deleted_series.end(), refs.begin(), refs.end());
  return Status::OK();
}

Result<std::pair<SeriesRef, head::MemSeries*>> DB::RestoreRemoved(head::MemSeries* s) {
  std::lock_guard<std::mutex> lock(removed_mu_);
  const SeriesRef ref = s->ref();
  if (!s->removed()) return std::make_pair(ref, s);
  Labels labels;
  std::unique_ptr<head::MemSeries> owned = reclaimer_.Unretire(s, &labels);
  if (owned == nullptr) return Status::Internal("removed series " + std::to_string(ref) + " is not retired");
  // Appended again after removal under a new ref: commit to that one.
  if (const SeriesRef now = index_.Lookup(labels); now != 0) {
    reclaimer_.Retire(std::move(owned), labels);
    head::MemSeries* cur = GetOrCreateIndexedMemSeries(now);
    if (cur == nullptr) return Status::Internal("series " + std::to_string(now) + " vanished");
    return std::make_pair(now, cur);
  }
  // Back into the head map before the index: once the index has the ref
  // again, a concurrent Append's label lookup finds it and must then find
  // this very series in the head, not create another one for the ref.
  HeadShard& shard = head_shards_[ref % kShards];
  {
    std::lock_guard<std::mutex> shard_lock(shard.mu);
    if (!shard.series.try_emplace(ref, std::move(owned)).second) {  // owned is left untouched then
      reclaimer_.Retire(std::move(owned), labels);
      return Status::Internal("removed series " + std::to_string(ref) + " is in the head");
    }
  }
  if (!index_.Add(ref, labels)) {
    // A concurrent commit created the labels under a new ref meanwhile:
    // retire ours again and commit to that one.
    {
      std::lock_guard<std::mutex> shard_lock(shard.mu);
      owned = std::move(shard.series.extract(ref).mapped());
    }
    reclaimer_.Retire(std::move(owned), labels);
    const SeriesRef now = index_.Lookup(labels);
    head::MemSeries* cur = now != 0 ? GetOrCreateIndexedMemSeries(now) : nullptr;
    if (cur == nullptr) return Status::Internal("cannot restore series " + std::to_string(ref));
    return std::make_pair(now, cur);
  }
  wal_->Enqueue({{static_cast<uint8_t>(wal::RecordType::kSeries), wal::EncodeSeries({{ref, labels}})}});
  WriteSet ws;
  ws.series.emplace_back(ref, labels);
  CAIRN_RETURN_IF_ERROR(store_->Write(ws, false));
  s->set_removed(false);
  head_series_.fetch_add(1, std::memory_order_relaxed);
  return std::make_pair(ref, s);
}

Status DB::Compact() {
  std::lock_guard<std::mutex> ckpt(checkpoint_mu_);  // also keeps Close from releasing the store
  if (closed_) return Status::Unavailable("storage is closed");
  CAIRN_RETURN_IF_ERROR(CheckpointLocked());
  return store_->Compact();
}

}  // namespace cairn::storage
