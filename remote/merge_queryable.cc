#include "remote/merge_queryable.h"

#include <algorithm>
#include <set>
#include <string>

#include "remote/series_vector.h"
#include "storage/querier_warnings.h"

namespace cairn::remote {
namespace {

// A secondary's answer, held whole so its failure is known before merging.
struct SecondaryAnswer {
  std::vector<RemoteSeries> series;
  size_t next = 0;
};

Result<std::vector<RemoteSeries>> Drain(storage::SeriesSet& set) {
  std::vector<RemoteSeries> out;
  while (set.Next()) {
    RemoteSeries s;
    s.labels = set.At().labels();
    auto it = set.At().Iterator();
    while (it->Next()) s.samples.push_back(it->At());
    if (!it->status().ok()) return it->status();
    out.push_back(std::move(s));
  }
  if (!set.status().ok()) return set.status();
  return out;
}

// The local set merged with the secondaries' answers, in label order.
class MergedSeriesSet final : public storage::SeriesSet {
 public:
  MergedSeriesSet(std::unique_ptr<storage::SeriesSet> local, std::vector<SecondaryAnswer> secondaries,
                  std::vector<std::string> warnings)
      : local_(std::move(local)), secondaries_(std::move(secondaries)), warnings_(std::move(warnings)) {}

  bool Next() override {
    if (local_needs_advance_) {
      local_valid_ = local_->Next();
      local_needs_advance_ = false;
    }
    const storage::Labels* min = local_valid_ ? &local_->At().labels() : nullptr;
    for (const SecondaryAnswer& s : secondaries_) {
      if (s.next < s.series.size() && (min == nullptr || s.series[s.next].labels < *min)) {
        min = &s.series[s.next].labels;
      }
    }
    if (min == nullptr) return false;
    const storage::Labels labels = *min;
    bool in_secondary = false;
    for (const SecondaryAnswer& s : secondaries_) {
      in_secondary = in_secondary || (s.next < s.series.size() && s.series[s.next].labels == labels);
    }
    const bool in_local = local_valid_ && local_->At().labels() == labels;
    if (in_local) local_needs_advance_ = true;
    if (in_local && !in_secondary) {
      current_ = &local_->At();
      return true;
    }
    // Priority order: local, then the secondaries; a later sample at a time
    // already taken is dropped.
    RemoteSeries merged;
    merged.labels = labels;
    if (in_local) {
      auto it = local_->At().Iterator();
      while (it->Next()) merged.samples.push_back(it->At());
      if (!it->status().ok()) {
        error_ = it->status();
        return false;
      }
    }
    for (SecondaryAnswer& s : secondaries_) {
      if (s.next < s.series.size() && s.series[s.next].labels == labels) {
        auto& src = s.series[s.next++].samples;
        merged.samples.insert(merged.samples.end(), src.begin(), src.end());
      }
    }
    auto by_time = [](const storage::Sample& a, const storage::Sample& b) { return a.t_ms < b.t_ms; };
    std::stable_sort(merged.samples.begin(), merged.samples.end(), by_time);
    merged.samples.erase(std::unique(merged.samples.begin(), merged.samples.end(),
                                     [](const storage::Sample& a, const storage::Sample& b) {
                                       return a.t_ms == b.t_ms;
                                     }),
                         merged.samples.end());
    merged_ = std::make_unique<VectorSeries>(std::move(merged));
    current_ = merged_.get();
    return true;
  }

  const storage::Series& At() const override { return *current_; }

  Status status() const override {
    if (!error_.ok()) return error_;
    return local_->status();
  }

  std::vector<std::string> Warnings() const override {
    std::vector<std::string> out = local_->Warnings();
    out.insert(out.end(), warnings_.begin(), warnings_.end());
    return out;
  }

 private:
  std::unique_ptr<storage::SeriesSet> local_;
  bool local_valid_ = false;
  bool local_needs_advance_ = true;
  std::vector<SecondaryAnswer> secondaries_;
  std::vector<std::string> warnings_;
  std::unique_ptr<VectorSeries> merged_;
  const storage::Series* current_ = nullptr;
  Status error_;
};

class MergeQuerier final : public storage::Querier, public storage::QuerierWarnings {
 public:
  MergeQuerier(std::unique_ptr<storage::Querier> local, std::vector<std::shared_ptr<storage::Queryable>> remotes,
               std::vector<std::unique_ptr<storage::Querier>> secondaries, std::vector<std::string> warnings)
      : remotes_(std::move(remotes)),
        local_(std::move(local)),
        secondaries_(std::move(secondaries)),
        warnings_(std::move(warnings)) {}

  std::unique_ptr<storage::SeriesSet> Select(const storage::SelectHints& hints,
                                             const storage::Matchers& matchers) override {
    storage::SelectHints sorted = hints;
    sorted.sorted = true;  // the merge walks every source in label order
    std::vector<SecondaryAnswer> answers;
    std::vector<std::string> warnings;
    for (auto& q : secondaries_) {
      auto set = q->Select(sorted, matchers);
      auto series = Drain(*set);
      if (!series.ok()) {
        warnings.push_back(series.status().message());
        continue;
      }
      for (auto& w : set->Warnings()) warnings.push_back(std::move(w));
      answers.push_back({std::move(series).value(), 0});
    }
    return std::make_unique<MergedSeriesSet>(local_->Select(sorted, matchers), std::move(answers),
                                             std::move(warnings));
  }

  Result<std::vector<std::string>> LabelValues(const std::string& name, const storage::Matchers& matchers) override {
    return Union([&](storage::Querier& q) { return q.LabelValues(name, matchers); });
  }

  Result<std::vector<std::string>> LabelNames(const storage::Matchers& matchers) override {
    return Union([&](storage::Querier& q) { return q.LabelNames(matchers); });
  }

  std::vector<std::string> Warnings() const override { return warnings_; }

 private:
  template <typename Fn>
  Result<std::vector<std::string>> Union(const Fn& list) {
    auto local = list(*local_);
    if (!local.ok()) return local.status();
    std::set<std::string> all(local->begin(), local->end());
    for (auto& q : secondaries_) {
      auto r = list(*q);
      if (!r.ok()) {
        warnings_.push_back(r.status().message());
        continue;
      }
      all.insert(r->begin(), r->end());
    }
    return std::vector<std::string>(all.begin(), all.end());
  }

  // Kept alive while their queriers are: a reload may drop them meanwhile.
  const std::vector<std::shared_ptr<storage::Queryable>> remotes_;
  std::unique_ptr<storage::Querier> local_;
  std::vector<std::unique_ptr<storage::Querier>> secondaries_;
  std::vector<std::string> warnings_;
};

}  // namespace

void MergeQueryable::SetRemotes(std::vector<std::shared_ptr<storage::Queryable>> remotes) {
  std::lock_guard<std::mutex> lock(mu_);
  remotes_ = std::move(remotes);
}

Result<std::unique_ptr<storage::Querier>> MergeQueryable::NewQuerier(int64_t min_t_ms, int64_t max_t_ms) {
  std::vector<std::shared_ptr<storage::Queryable>> remotes;
  {
    std::lock_guard<std::mutex> lock(mu_);
    remotes = remotes_;
  }
  auto local = local_.NewQuerier(min_t_ms, max_t_ms);
  if (remotes.empty() || !local.ok()) return local;
  std::vector<std::unique_ptr<storage::Querier>> secondaries;
  std::vector<std::string> warnings;
  for (const auto& r : remotes) {
    auto q = r->NewQuerier(min_t_ms, max_t_ms);
    if (!q.ok()) {
      warnings.push_back(q.status().message());
      continue;
    }
    secondaries.push_back(std::move(q).value());
  }
  return std::unique_ptr<storage::Querier>(
      std::make_unique<MergeQuerier>(std::move(local).value(), std::move(remotes), std::move(secondaries),
                                     std::move(warnings)));
}

}  // namespace cairn::remote
