#include "scrape/scrape_cache.h"

#include <unordered_set>

namespace cairn::scrape {

namespace {
// Scrapes an entry may go unseen before a flush forgets it (Prometheus
// keeps series that vanish briefly, e.g. a flapping label, for a while).
constexpr int64_t kKeepIterations = 10;
}  // namespace

ScrapeCache::Entry* ScrapeCache::Get(std::string_view series) {
  auto it = series_.find(series);
  if (it == series_.end()) return nullptr;
  if (it->second.last_iter != iter_) ++seen_;
  it->second.last_iter = iter_;
  return &it->second;
}

ScrapeCache::Entry& ScrapeCache::Add(std::string_view series, storage::SeriesRef ref, storage::Labels labels,
                                     uint64_t hash) {
  Entry& e = series_[std::string(series)];
  if (e.last_iter != iter_) ++seen_;
  e.ref = ref;
  e.labels = std::move(labels);
  e.hash = hash;
  e.last_iter = iter_;
  return e;
}

bool ScrapeCache::IsDropped(std::string_view series) {
  if (dropped_.empty()) return false;  // most jobs drop nothing: no hashing per sample
  auto it = dropped_.find(series);
  if (it == dropped_.end()) return false;
  if (it->second != iter_) ++dropped_seen_;
  it->second = iter_;
  return true;
}

void ScrapeCache::ForEachStale(const std::function<void(const storage::Labels&)>& fn) const {
  // The common case, every series of the previous scrape seen again, costs
  // one comparison per entry; the hash sets are built only when some entry
  // went unseen, since two raw series may share their final labels.
  std::unordered_set<uint64_t> current, emitted;
  bool built = false;
  for (const Entry* e : prev_) {
    if (e->tracked_iter == iter_) continue;
    if (!built) {
      for (const Entry* c : cur_) current.insert(c->hash);
      built = true;
    }
    if (current.count(e->hash) || !emitted.insert(e->hash).second) continue;
    fn(e->labels);
  }
}

void ScrapeCache::IterDone(bool flush) {
  if (flush) {
    // Only a cache holding entries this scrape did not see can have any to
    // forget; the usual scrape sees them all and skips the walk.
    if (seen_ < series_.size()) {
      std::erase_if(series_, [&](const auto& kv) { return iter_ - kv.second.last_iter > kKeepIterations; });
    }
    if (dropped_seen_ < dropped_.size()) {
      std::erase_if(dropped_, [&](const auto& kv) { return iter_ - kv.second > kKeepIterations; });
    }
    std::lock_guard lock(md_mu_);
    std::erase_if(families_, [&](const auto& kv) { return iter_ - kv.second.last_iter > kKeepIterations; });
  }
  prev_.swap(cur_);
  cur_.clear();
  seen_ = 0;
  dropped_seen_ = 0;
  ++iter_;
}

FamilyMetadata& ScrapeCache::Family(std::string_view family) {
  auto it = families_.find(family);
  if (it == families_.end()) {
    it = families_.emplace(std::string(family), FamilyMetadata{}).first;
    MarkChanged(family, it->second);
  }
  it->second.last_iter = iter_;
  return it->second;
}

namespace {
// Sets `field` to `value` when they differ (no allocation when equal) and
// tells whether it did.
template <typename T, typename V>
bool Update(T& field, const V& value) {
  if (field == value) return false;
  field = T(value);
  return true;
}
}  // namespace

void ScrapeCache::MarkChanged(std::string_view family, FamilyMetadata& f) {
  if (f.changed) return;
  f.changed = true;
  changed_.emplace_back(family);
}

void ScrapeCache::SetType(std::string_view family, storage::MetricType type) {
  std::lock_guard lock(md_mu_);
  FamilyMetadata& f = Family(family);
  if (Update(f.md.type, type)) MarkChanged(family, f);
}

void ScrapeCache::SetHelp(std::string_view family, std::string_view help) {
  std::lock_guard lock(md_mu_);
  FamilyMetadata& f = Family(family);
  if (Update(f.md.help, help)) MarkChanged(family, f);
}

void ScrapeCache::SetUnit(std::string_view family, std::string_view unit) {
  std::lock_guard lock(md_mu_);
  FamilyMetadata& f = Family(family);
  if (Update(f.md.unit, unit)) MarkChanged(family, f);
}

void ScrapeCache::TakeChangedMetadata(
    const std::function<void(const std::string&, const storage::Metadata&)>& fn) {
  std::lock_guard lock(md_mu_);
  for (const std::string& family : changed_) {
    auto it = families_.find(family);
    if (it == families_.end()) continue;
    it->second.changed = false;
    fn(family, it->second.md);
  }
  changed_.clear();
}

std::map<std::string, storage::Metadata> ScrapeCache::metadata() const {
  std::lock_guard lock(md_mu_);
  std::map<std::string, storage::Metadata> out;
  for (const auto& [name, f] : families_) out.emplace(name, f.md);
  return out;
}

}  // namespace cairn::scrape
