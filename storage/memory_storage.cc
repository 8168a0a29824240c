#include "storage/memory_storage.h"

#include <algorithm>
#include <set>

namespace cairn::storage {

namespace {

class VectorIterator final : public SeriesIterator {
 public:
  VectorIterator(const std::vector<Sample>* samples, const std::vector<int64_t>* starts)
      : samples_(samples), starts_(starts) {}
  bool Next() override {
    if (pos_ + 1 >= static_cast<ptrdiff_t>(samples_->size())) {
      pos_ = static_cast<ptrdiff_t>(samples_->size());
      return false;
    }
    ++pos_;
    return true;
  }
  bool Seek(int64_t t_ms) override {
    if (pos_ < 0) pos_ = 0;
    if (pos_ >= static_cast<ptrdiff_t>(samples_->size())) return false;
    if ((*samples_)[pos_].t_ms >= t_ms) return true;
    auto it = std::lower_bound(samples_->begin() + pos_, samples_->end(), t_ms,
                               [](const Sample& s, int64_t t) { return s.t_ms < t; });
    pos_ = it - samples_->begin();
    return it != samples_->end();
  }
  Sample At() const override { return (*samples_)[pos_]; }
  int64_t AtST() const override { return (*starts_)[pos_]; }
  Status status() const override { return Status::OK(); }

 private:
  const std::vector<Sample>* samples_;
  const std::vector<int64_t>* starts_;
  ptrdiff_t pos_ = -1;
};

class VectorSeries final : public Series {
 public:
  VectorSeries(Labels labels, std::vector<Sample> samples, std::vector<int64_t> starts)
      : labels_(std::move(labels)), samples_(std::move(samples)), starts_(std::move(starts)) {}
  const Labels& labels() const override { return labels_; }
  std::unique_ptr<SeriesIterator> Iterator() const override {
    return std::make_unique<VectorIterator>(&samples_, &starts_);
  }

 private:
  Labels labels_;
  std::vector<Sample> samples_;
  std::vector<int64_t> starts_;
};

class VectorSeriesSet final : public SeriesSet {
 public:
  explicit VectorSeriesSet(std::vector<VectorSeries> series) : series_(std::move(series)) {}
  bool Next() override { return ++pos_ < series_.size(); }
  const Series& At() const override { return series_[pos_]; }
  Status status() const override { return Status::OK(); }

 private:
  std::vector<VectorSeries> series_;
  size_t pos_ = static_cast<size_t>(-1);
};

bool MatchesAll(const Labels& ls, const Matchers& ms) {
  for (const Matcher& m : ms)
    if (!m.Matches(ls.Get(m.name()))) return false;
  return true;
}

}  // namespace

class MemoryQuerier final : public Querier {
 public:
  MemoryQuerier(MemoryStorage* s, int64_t mint, int64_t maxt) : s_(s), mint_(mint), maxt_(maxt) {}

  std::unique_ptr<SeriesSet> Select(const SelectHints& hints, const Matchers& matchers) override {
    std::vector<VectorSeries> out;
    std::lock_guard<std::mutex> lock(s_->mu_);
    for (const auto& [labels, data] : s_->series_) {
      if (!MatchesAll(labels, matchers)) continue;
      auto lo = std::lower_bound(data.samples.begin(), data.samples.end(), mint_,
                                 [](const Sample& s, int64_t t) { return s.t_ms < t; });
      auto hi = std::upper_bound(data.samples.begin(), data.samples.end(), maxt_,
                                 [](int64_t t, const Sample& s) { return t < s.t_ms; });
      if (lo >= hi) continue;
      auto first = data.starts.begin() + (lo - data.samples.begin());
      out.emplace_back(labels, std::vector<Sample>(lo, hi), std::vector<int64_t>(first, first + (hi - lo)));
      if (hints.limit != 0 && out.size() >= hints.limit) break;
    }
    return std::make_unique<VectorSeriesSet>(std::move(out));
  }

  Result<std::vector<std::string>> LabelValues(const std::string& name, const Matchers& matchers) override {
    std::set<std::string> vals;
    ForEachInWindow(matchers, [&](const Labels& ls) {
      if (ls.Has(name)) vals.emplace(ls.Get(name));
    });
    return std::vector<std::string>(vals.begin(), vals.end());
  }

  Result<std::vector<std::string>> LabelNames(const Matchers& matchers) override {
    std::set<std::string> names;
    ForEachInWindow(matchers, [&](const Labels& ls) {
      for (const Label& l : ls) names.insert(l.name);
    });
    return std::vector<std::string>(names.begin(), names.end());
  }

 private:
  template <typename F>
  void ForEachInWindow(const Matchers& matchers, F&& f) {
    std::lock_guard<std::mutex> lock(s_->mu_);
    for (const auto& [labels, data] : s_->series_) {
      if (!MatchesAll(labels, matchers)) continue;
      auto lo = std::lower_bound(data.samples.begin(), data.samples.end(), mint_,
                                 [](const Sample& s, int64_t t) { return s.t_ms < t; });
      if (lo == data.samples.end() || lo->t_ms > maxt_) continue;
      f(labels);
    }
  }

  MemoryStorage* s_;
  int64_t mint_, maxt_;
};

class MemoryAppender final : public Appender {
 public:
  explicit MemoryAppender(MemoryStorage* s) : s_(s) {}
  ~MemoryAppender() override { Rollback(); }

  Result<SeriesRef> Append(SeriesRef, const Labels& labels, int64_t t_ms, double v,
                           const AppendOptions& opts) override {
    if (labels.empty()) return Status::InvalidArgument("empty label set");
    auto pending = pending_.find(labels);
    if (pending == pending_.end()) {
      Status st = s_->CheckAppend(labels, Sample{t_ms, v});
      if (!st.ok()) return st;
      pending = pending_.emplace(labels, std::vector<MemoryStorage::PendingSample>{}).first;
    } else {
      Status st = s_->CheckAppend(labels, Sample{t_ms, v}, /*known_valid=*/true);
      if (!st.ok()) return st;
    }
    pending->second.push_back({{t_ms, v}, opts.start_t_ms});
    return SeriesRef{0};
  }
  Status UpdateMetadata(const std::string&, const Metadata&) override { return Status::OK(); }
  Status Commit() override {
    for (auto& [labels, samples] : pending_) s_->Insert(labels, samples);
    pending_.clear();
    return Status::OK();
  }
  void Rollback() override { pending_.clear(); }

 private:
  MemoryStorage* s_;
  std::map<Labels, std::vector<MemoryStorage::PendingSample>> pending_;
};

Result<std::unique_ptr<Querier>> MemoryStorage::NewQuerier(int64_t min_t_ms, int64_t max_t_ms) {
  return std::unique_ptr<Querier>(std::make_unique<MemoryQuerier>(this, min_t_ms, max_t_ms));
}

std::unique_ptr<Appender> MemoryStorage::NewAppender() { return std::make_unique<MemoryAppender>(this); }

void MemoryStorage::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  series_.clear();
}

size_t MemoryStorage::NumSeries() const {
  std::lock_guard<std::mutex> lock(mu_);
  return series_.size();
}

Status MemoryStorage::CheckAppend(const Labels& labels, const Sample& s, bool known_valid) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto found = series_.find(labels);
  if (found == series_.end()) {
    if (known_valid) return Status::OK();
    return Labels::Validate(labels.vec());
  }
  const std::vector<Sample>& samples = found->second.samples;
  auto it = std::lower_bound(samples.begin(), samples.end(), s.t_ms,
                             [](const Sample& a, int64_t t) { return a.t_ms < t; });
  if (it != samples.end() && it->t_ms == s.t_ms && !SameSample(*it, s)) {
    return Status::DuplicateSample("duplicate sample for timestamp " + std::to_string(s.t_ms) + " of series " +
                                   labels.ToString());
  }
  return Status::OK();
}

void MemoryStorage::Insert(const Labels& labels, const std::vector<PendingSample>& samples) {
  std::lock_guard<std::mutex> lock(mu_);
  SeriesData& d = series_[labels];
  if (d.labels.empty()) d.labels = labels;
  for (const auto& [s, start_t_ms] : samples) {
    auto it = std::lower_bound(d.samples.begin(), d.samples.end(), s.t_ms,
                               [](const Sample& a, int64_t t) { return a.t_ms < t; });
    // The first sample of a timestamp wins: a later one in the same batch (or
    // a concurrent batch) is dropped, as the engine's head does.
    if (it != d.samples.end() && it->t_ms == s.t_ms) continue;
    d.starts.insert(d.starts.begin() + (it - d.samples.begin()), start_t_ms);
    d.samples.insert(it, s);
  }
}

}  // namespace cairn::storage
