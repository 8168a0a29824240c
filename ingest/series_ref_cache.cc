#include "ingest/series_ref_cache.h"

#include <xxhash.h>

namespace cairn::ingest {

SeriesRefCache::SeriesRefCache(size_t max_entries) : max_per_shard_(max_entries / kShards + 1) {}

uint64_t SeriesRefCache::Hash(const std::vector<LabelView>& labels) {
  // Chained seeds keep boundaries apart: {a="bc"} and {ab="c"} differ.
  uint64_t h = labels.size();
  for (const LabelView& l : labels) {
    h = XXH3_64bits_withSeed(l.name.data(), l.name.size(), h);
    h = XXH3_64bits_withSeed(l.value.data(), l.value.size(), h);
  }
  return h;
}

storage::SeriesRef SeriesRefCache::Get(uint64_t hash) const {
  const Shard& shard = ShardOf(hash);
  std::lock_guard<std::mutex> lock(shard.mu);
  auto it = shard.refs.find(hash);
  return it == shard.refs.end() ? 0 : it->second;
}

void SeriesRefCache::Put(uint64_t hash, storage::SeriesRef ref) {
  Shard& shard = ShardOf(hash);
  std::lock_guard<std::mutex> lock(shard.mu);
  if (shard.refs.size() >= max_per_shard_ && shard.refs.find(hash) == shard.refs.end()) shard.refs.clear();
  shard.refs[hash] = ref;
}

size_t SeriesRefCache::size() const {
  size_t n = 0;
  for (const Shard& shard : shards_) {
    std::lock_guard<std::mutex> lock(shard.mu);
    n += shard.refs.size();
  }
  return n;
}

}  // namespace cairn::ingest
