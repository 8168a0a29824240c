// ScrapeCache: what one target's scrape loop remembers between scrapes, as
// Prometheus' scrapeCache: per raw series bytes of the exposition, the
// storage ref and final labels (so a repeated series is appended by ref
// without rebuilding or re-hashing its labels), the series metric relabeling
// dropped, the entries whose samples this and the previous scrape tracked
// for staleness markers, and the metric families' metadata.
// Staleness is tracked by entry, not by a copy of the labels per sample:
// a scrape only stamps each entry it appends and lists it once, so the
// steady state allocates nothing per sample (Prometheus keeps a map of the
// label sets instead; the markers written are the same).
// Thread-safety: a scrape holds mutex() while it uses the cache (a reload
// hands the cache from the old loop to the new one); metadata() is guarded
// on its own for the API's readers.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <xxhash.h>

#include "storage/appender.h"
#include "storage/labels.h"

namespace cairn::scrape {

struct FamilyMetadata {
  storage::Metadata md;
  int64_t last_iter = 0;  // scrape in which the family was last seen
  bool changed = false;   // since the last TakeChangedMetadata
};

class ScrapeCache {
 public:
  struct Entry {
    storage::SeriesRef ref = 0;
    storage::Labels labels;
    uint64_t hash = 0;
    int64_t last_iter = 0;
    int64_t tracked_iter = 0;  // scrape in which a sample was tracked for staleness
  };

  // The entry for `series` (raw bytes), marking it seen in this scrape.
  Entry* Get(std::string_view series);
  Entry& Add(std::string_view series, storage::SeriesRef ref, storage::Labels labels, uint64_t hash);
  // Whether metric relabeling dropped `series`; marks it seen when so.
  bool IsDropped(std::string_view series);
  void AddDropped(std::string_view series) {
    auto [it, inserted] = dropped_.insert_or_assign(std::string(series), iter_);
    (void)it;
    if (inserted) ++dropped_seen_;
  }

  // `e` (an entry of this cache) was appended in this scrape without an
  // explicit timestamp.
  void TrackStaleness(Entry& e) {
    if (e.tracked_iter == iter_) return;
    e.tracked_iter = iter_;
    cur_.push_back(&e);
  }
  // Calls `fn` once for each label set tracked in the previous scrape but
  // not in this one (entries are compared by label hash, as Prometheus'
  // seriesCur/seriesPrev maps are keyed).
  void ForEachStale(const std::function<void(const storage::Labels&)>& fn) const;
  // Ends a scrape: this scrape's set becomes the previous one. With
  // `flush`, entries and dropped series unseen for a while are forgotten.
  void IterDone(bool flush);

  void SetType(std::string_view family, storage::MetricType type);
  void SetHelp(std::string_view family, std::string_view help);
  void SetUnit(std::string_view family, std::string_view unit);
  // A copy of the metadata of the families seen recently, by family name.
  std::map<std::string, storage::Metadata> metadata() const;
  // Calls `fn` for each family whose metadata is new or changed since the
  // last call, so a scrape hands on only what changed.
  void TakeChangedMetadata(const std::function<void(const std::string&, const storage::Metadata&)>& fn);

  std::mutex& mutex() { return mu_; }
  int64_t iter() const { return iter_; }
  size_t size() const { return series_.size(); }

 private:
  struct StringHash {
    using is_transparent = void;
    // XXH3: the raw series bytes are hashed once per scraped sample, and it
    // is several times faster than std::hash on 50-100 byte keys.
    size_t operator()(std::string_view s) const { return XXH3_64bits(s.data(), s.size()); }
  };
  FamilyMetadata& Family(std::string_view family);
  void MarkChanged(std::string_view family, FamilyMetadata& f);
  std::vector<std::string> changed_;  // families with `changed` set, under md_mu_

  std::mutex mu_;
  int64_t iter_ = 1;
  size_t seen_ = 0, dropped_seen_ = 0;  // distinct entries seen in this scrape
  std::unordered_map<std::string, Entry, StringHash, std::equal_to<>> series_;
  std::unordered_map<std::string, int64_t, StringHash, std::equal_to<>> dropped_;  // -> last iter seen
  // Entries tracked in this and the previous scrape, each listed once. They
  // stay valid: an entry tracked in the previous scrape was seen then, so
  // IterDone's flush keeps it (kKeepIterations), and the map's nodes do not
  // move.
  std::vector<Entry*> cur_, prev_;
  mutable std::mutex md_mu_;
  std::unordered_map<std::string, FamilyMetadata, StringHash, std::equal_to<>> families_;
};

}  // namespace cairn::scrape
