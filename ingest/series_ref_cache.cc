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

SeriesRefCache::Slot& SeriesRefCache::Probe(std::vector<Slot>& slots, uint64_t key) {
  const size_t mask = slots.size() - 1;
  for (size_t i = key & mask;; i = (i + 1) & mask) {
    if (slots[i].hash == key || slots[i].hash == 0) return slots[i];
  }
}

storage::SeriesRef SeriesRefCache::Get(uint64_t hash) const {
  const uint64_t key = Key(hash);
  Shard& shard = ShardOf(hash);
  std::lock_guard<std::mutex> lock(shard.mu);
  if (shard.slots.empty()) return 0;
  return Probe(shard.slots, key).ref;
}

void SeriesRefCache::Grow(Shard& shard) {
  std::vector<Slot> old;
  old.swap(shard.slots);
  shard.slots.resize(old.empty() ? 64 : old.size() * 2);
  for (const Slot& s : old)
    if (s.hash != 0) Probe(shard.slots, s.hash) = s;
}

void SeriesRefCache::Put(uint64_t hash, storage::SeriesRef ref) {
  const uint64_t key = Key(hash);
  Shard& shard = ShardOf(hash);
  std::lock_guard<std::mutex> lock(shard.mu);
  if (!shard.slots.empty()) {
    Slot& s = Probe(shard.slots, key);
    if (s.hash == key) {
      s.ref = ref;
      return;
    }
  }
  if (shard.used >= max_per_shard_) {
    shard.slots.assign(shard.slots.size(), Slot{});
    shard.used = 0;
  }
  if ((shard.used + 1) * 2 > shard.slots.size()) Grow(shard);
  Probe(shard.slots, key) = Slot{key, ref};
  ++shard.used;
}

size_t SeriesRefCache::size() const {
  size_t n = 0;
  for (const Shard& shard : shards_) {
    std::lock_guard<std::mutex> lock(shard.mu);
    n += shard.used;
  }
  return n;
}

}  // namespace cairn::ingest
