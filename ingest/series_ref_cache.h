// SeriesRefCache: remote write's map from a series' wire labels to the series
// ref storage gave it, kept across requests so a known series costs one hash
// and one lookup instead of validating, copying and hashing its labels into a
// Labels for the storage's index on every request (remote write 1.0 resends
// every label of every series in every request).
//
// The key is a 64-bit hash of the wire label names and values; the entry
// holds only the ref. A hit is a candidate, not an answer: the caller checks
// the wire labels against the labels storage holds for the ref
// (Appender::SeriesLabels) before using it, so a hash collision or a series
// storage has since removed falls back to the full path, which Puts the right
// ref. Bounded: a shard that reaches its share of `max_entries` is emptied.
// About 32 bytes per series.
// Thread-safety: all methods are safe from any thread (sharded mutexes).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <vector>

#include "ingest/write_request_decoder.h"
#include "storage/sample.h"

namespace cairn::ingest {

class SeriesRefCache {
 public:
  explicit SeriesRefCache(size_t max_entries = size_t{4} << 20);
  SeriesRefCache(const SeriesRefCache&) = delete;
  SeriesRefCache& operator=(const SeriesRefCache&) = delete;

  // Hash of the labels in wire order (names, values and their boundaries).
  static uint64_t Hash(const std::vector<LabelView>& labels);

  // The ref last Put for `hash`, or 0.
  storage::SeriesRef Get(uint64_t hash) const;
  void Put(uint64_t hash, storage::SeriesRef ref);
  size_t size() const;

 private:
  static constexpr size_t kShards = 32;
  // Open addressing (linear probing) over one array: a lookup touches one
  // cache line, where a node-based map touches a bucket and a node.
  struct Slot {
    uint64_t hash = 0;  // 0 = empty; a hash of 0 is stored as 1
    storage::SeriesRef ref = 0;
  };
  // Own cache lines, so shards locked by different threads do not share one.
  struct alignas(64) Shard {
    mutable std::mutex mu;
    std::vector<Slot> slots;  // size a power of two, at most half full
    size_t used = 0;
  };
  Shard& ShardOf(uint64_t hash) const { return shards_[(hash >> 58) % kShards]; }
  static uint64_t Key(uint64_t hash) { return hash == 0 ? 1 : hash; }
  // The slot holding `key`, or the empty slot where it would go.
  static Slot& Probe(std::vector<Slot>& slots, uint64_t key);
  void Grow(Shard& shard);

  const size_t max_per_shard_;
  mutable std::array<Shard, kShards> shards_;
};

}  // namespace cairn::ingest
