// DB's read path: gathering a series' chunks from head and disk, merging
// them into one sample sequence, and remote read's chunk selection.
#include <algorithm>
#include <bit>

#include "storage/chunk/chunk_format.h"
#include "storage/db.h"
#include "storage/db_querier.h"

namespace cairn::storage {

Status DB::LoadChunks(SeriesRef ref, int64_t min_t_ms, int64_t max_t_ms, ChunkStore::Reader* reader,
                      std::vector<head::ChunkData>* chunks, std::vector<Sample>* ooo) const {
  // Head first, then disk: a chunk leaves the head only after it is on disk,
  // so it is seen at least once (duplicates are merged away).
  head::HeadSnapshot hs;
  {
    const auto pin = reclaimer_.Enter();
    if (const head::MemSeries* s = FindMemSeries(ref)) hs = s->Snapshot(min_t_ms, max_t_ms);
  }
  CAIRN_RETURN_IF_ERROR(reader->Read(ref, chunks));
  for (auto& c : hs.chunks) chunks->push_back(std::move(c));
  *ooo = std::move(hs.ooo);
  return Status::OK();
}

Status DB::LoadSamples(SeriesRef ref, int64_t min_t_ms, int64_t max_t_ms, ChunkStore::Reader* reader,
                       std::vector<Sample>* out) const {
  std::vector<head::ChunkData> chunks;
  std::vector<Sample> ooo;
  CAIRN_RETURN_IF_ERROR(LoadChunks(ref, min_t_ms, max_t_ms, reader, &chunks, &ooo));
  out->clear();
  for (const auto& c : chunks) {
    Status st = chunk::AppendSamples(c.format, c.data, min_t_ms, max_t_ms, out);
    if (!st.ok()) return st.WithContext("series " + std::to_string(ref));
  }
  out->insert(out->end(), ooo.begin(), ooo.end());
  const auto by_time = [](const Sample& a, const Sample& b) { return a.t_ms < b.t_ms; };
  if (!std::is_sorted(out->begin(), out->end(), by_time)) std::stable_sort(out->begin(), out->end(), by_time);
  // Equal timestamps: keep the first (disk before head, in-order before OOO).
  out->erase(std::unique(out->begin(), out->end(),
                         [](const Sample& a, const Sample& b) { return a.t_ms == b.t_ms; }),
             out->end());
  const auto tombs = TombstonesFor(ref);
  if (!tombs.empty()) {
    std::erase_if(*out, [&](const Sample& s) {
      return std::any_of(tombs.begin(), tombs.end(),
                         [&](const Interval& iv) { return s.t_ms >= iv.min_t_ms && s.t_ms <= iv.max_t_ms; });
    });
  }
  return Status::OK();
}

bool DB::HasData(SeriesRef ref, int64_t min_t_ms, int64_t max_t_ms, ChunkStore::Reader* reader) const {
  {
    const auto pin = reclaimer_.Enter();
    if (const head::MemSeries* s = FindMemSeries(ref)) {
      int64_t lo, hi;
      if (s->Bounds(&lo, &hi) && hi >= min_t_ms && lo <= max_t_ms && TombstonesFor(ref).empty()) return true;
    }
  }
  if (TombstonesFor(ref).empty()) return reader->HasData(ref);
  std::vector<Sample> samples;
  return LoadSamples(ref, min_t_ms, max_t_ms, reader, &samples).ok() && !samples.empty();
}

Result<std::optional<uint64_t>> DB::FindOnDisk(SeriesRef ref, int64_t t_ms) const {
  // Held shared so Close cannot release store_ underneath.
  auto lock = LockForCommit();
  if (closed_ || !store_) return Status::Unavailable("storage is closed");
  std::vector<head::ChunkData> chunks;
  CAIRN_RETURN_IF_ERROR(store_->NewReader(t_ms, t_ms)->Read(ref, &chunks));
  for (const head::ChunkData& c : chunks) {
    if (t_ms < c.min_t_ms || t_ms > c.max_t_ms) continue;
    std::vector<Sample> at;
    Status st = chunk::AppendSamples(c.format, c.data, t_ms, t_ms, &at);
    if (!st.ok()) return st.WithContext("series " + std::to_string(ref));
    if (!at.empty()) return std::optional<uint64_t>(std::bit_cast<uint64_t>(at.front().v));
  }
  return std::optional<uint64_t>();
}

Result<std::unique_ptr<ChunkSeriesSet>> DB::SelectChunks(int64_t min_t_ms, int64_t max_t_ms,
                                                         const Matchers& matchers) {
  if (closed_) return Status::Unavailable("storage is closed");
  return std::unique_ptr<ChunkSeriesSet>(new DBChunkSeriesSet(this, min_t_ms, max_t_ms, matchers));
}

}  // namespace cairn::storage
