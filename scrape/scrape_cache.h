// ScrapeCache: what one target's scrape loop remembers between scrapes, as
// Prometheus' scrapeCache: per raw series bytes of the exposition, the
// storage ref and final labels (so a repeated series is appended by ref
// without rebuilding or re-hashing its labels), the series metric relabeling
// dropped, the label sets seen in this and the previous scrape (for
// staleness markers), and the metric families' metadata.
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
  };

  // The entry for `series` (raw bytes), marking it seen in this scrape.
  Entry* Get(std::string_view series);
  Entry& Add(std::string_view series, storage::SeriesRef ref, storage::Labels labels, uint64_t hash);
  // Whether metric relabeling dropped `series`; marks it seen when so.
  bool IsDropped(std::string_view series);
  void AddDropped(std::string_view series) { dropped_.insert_or_assign(std::string(series), iter_); }

  // A label set appended in this scrape without an explicit timestamp.
  void TrackStaleness(uint64_t hash, const storage::Labels& labels) { cur_.try_emplace(hash, labels); }
  // Calls `fn` for each label set seen in the previous scrape but not this one.
  void ForEachStale(const std::function<void(const storage::Labels&)>& fn) const;
  // Ends a scrape: this scrape's set becomes the previous one. With
  // `flush`, entries and dropped series unseen for a while are forgotten.
  void IterDone(bool flush);
  // Every label set of the previous scrape (for end-of-run staleness).
  void ForEachPrevious(const std::function<void(const storage::Labels&)>& fn) const;

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
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  FamilyMetadata& Family(std::string_view family);
  void MarkChanged(std::string_view family, FamilyMetadata& f);
  std::vector<std::string> changed_;  // families with `changed` set, under md_mu_

  std::mutex mu_;
  int64_t iter_ = 1;
  std::unordered_map<std::string, Entry, StringHash, std::equal_to<>> series_;
  std::unordered_map<std::string, int64_t, StringHash, std::equal_to<>> dropped_;  // -> last iter seen
  std::unordered_map<uint64_t, storage::Labels> cur_, prev_;
  mutable std::mutex md_mu_;
  std::unordered_map<std::string, FamilyMetadata, StringHash, std::equal_to<>> families_;
};

}  // namespace cairn::scrape
