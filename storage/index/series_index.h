// SeriesIndex: the in-memory series index. Maps a label set to its series
// ref (sharded hash map with one mutex per shard, so appends of different
// series rarely contend), a ref back to its labels, and every label
// name/value pair to the sorted refs carrying it (postings).
//
// Matcher evaluation follows Prometheus' PostingsForMatchers: an equality
// matcher is one postings lookup; a regex matcher runs RE2 over the label's
// distinct values (never over series) and unions their postings; matchers
// that accept the empty value (a series without the label) are applied by
// subtracting the postings of the values they reject; the rest intersect.
//
// Removed series (Remove: all their data was deleted) leave the maps and the
// postings, but their labels stay allocated, so a Labels pointer handed out
// stays valid for the index's lifetime. Refs are assigned monotonically from
// 1 and never reused.
// Thread-safety: all methods are safe from any thread.
#pragma once

#include <array>
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "storage/index/postings.h"
#include "storage/cardinality.h"
#include "storage/labels.h"
#include "storage/matcher.h"

namespace cairn::storage::index {

class SeriesIndex {
 public:
  SeriesIndex() = default;
  SeriesIndex(const SeriesIndex&) = delete;
  SeriesIndex& operator=(const SeriesIndex&) = delete;

  struct Entry {
    SeriesRef ref = 0;
    bool created = false;  // true when this call created the series
  };
  // The ref for `labels`, creating the series with the next ref if new.
  // `on_create` (optional) runs for a new series before any other caller
  // can look it up by labels (under the shard lock: keep it short, and do not
  // call back into the index). Precondition: labels are non-empty and valid.
  Entry GetOrCreate(const Labels& labels, const std::function<void(SeriesRef)>& on_create = {});

  // Registers a series with a known ref (recovery). Returns false, changing
  // nothing, when the ref or the labels are already registered.
  bool Add(SeriesRef ref, const Labels& labels);

  // Removes series from the label and ref maps and from the postings (names
  // and values left without series disappear). Unknown refs are skipped;
  // returns how many were removed.
  size_t Remove(const std::vector<SeriesRef>& refs);

  // Pre-sizes the hash maps for about `n` series (recovery).
  void Reserve(size_t n);

  // The labels of `ref`, or nullptr when unknown. Valid for the index's life.
  const Labels* GetLabels(SeriesRef ref) const;
  // The ref for `labels`, or 0.
  SeriesRef Lookup(const Labels& labels) const;

  // Sorted refs of series matching every matcher (all series when empty).
  Postings Select(const Matchers& matchers) const;
  // Sorted refs carrying name=value.
  Postings PostingsFor(const std::string& name, const std::string& value) const;
  // All label names, sorted; all values of `name`, sorted.
  std::vector<std::string> LabelNames() const;
  std::vector<std::string> LabelValues(const std::string& name) const;

  // Cardinality figures from the postings, each list cut to `limit`. Holds
  // the postings lock shared for one pass over the label pairs.
  CardinalityStats Stats(size_t limit) const;

  size_t NumSeries() const { return num_series_.load(std::memory_order_relaxed); }
  SeriesRef MaxRef() const { return next_ref_.load(std::memory_order_relaxed) - 1; }

 private:
  static constexpr size_t kShards = 64;
  struct LabelShard {
    mutable std::mutex mu;
    std::unordered_map<Labels, SeriesRef, LabelsHash> by_labels;
  };
  struct RefShard {
    mutable std::mutex mu;
    std::unordered_map<SeriesRef, const Labels*> by_ref;
  };

  // Postings of all values of `name` that `m` accepts (accept=true) or rejects.
  Postings ValuesPostings(const Matcher& m, bool accept) const;
  void AddPostings(SeriesRef ref, const Labels& labels);

  using LabelNode = std::unordered_map<Labels, SeriesRef, LabelsHash>::node_type;

  std::array<LabelShard, kShards> label_shards_;
  mutable std::mutex removed_mu_;
  std::vector<LabelNode> removed_;  // guarded by removed_mu_; keeps removed labels' storage alive
  std::array<RefShard, kShards> ref_shards_;
  std::atomic<SeriesRef> next_ref_{1};
  std::atomic<size_t> num_series_{0};

  mutable std::shared_mutex postings_mu_;
  // name -> value -> refs; guarded by postings_mu_.
  std::map<std::string, std::map<std::string, Postings, std::less<>>, std::less<>> postings_;
  Postings all_;  // guarded by postings_mu_
};

}  // namespace cairn::storage::index
