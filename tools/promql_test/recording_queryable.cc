#include "tools/promql_test/recording_queryable.h"

namespace cairn::promql_test {

namespace {

class RecordingSeriesSet final : public storage::SeriesSet {
 public:
  RecordingSeriesSet(std::unique_ptr<storage::SeriesSet> base, const std::set<storage::Labels>& watched,
                     bool& touched)
      : base_(std::move(base)), watched_(watched), touched_(touched) {}
  bool Next() override {
    if (!base_->Next()) return false;
    if (watched_.count(base_->At().labels())) touched_ = true;
    return true;
  }
  const storage::Series& At() const override { return base_->At(); }
  Status status() const override { return base_->status(); }
  std::vector<std::string> Warnings() const override { return base_->Warnings(); }

 private:
  std::unique_ptr<storage::SeriesSet> base_;
  const std::set<storage::Labels>& watched_;
  bool& touched_;
};

}  // namespace

class RecordingQuerier final : public storage::Querier {
 public:
  RecordingQuerier(std::unique_ptr<storage::Querier> base, RecordingQueryable& owner)
      : base_(std::move(base)), owner_(owner) {}
  std::unique_ptr<storage::SeriesSet> Select(const storage::SelectHints& hints,
                                             const storage::Matchers& matchers) override {
    for (const auto& ls : owner_.watched_) {
      bool all = true;
      for (const auto& m : matchers) all = all && m.Matches(ls.Get(m.name()));
      if (all) owner_.touched_ = true;
    }
    return std::make_unique<RecordingSeriesSet>(base_->Select(hints, matchers), owner_.watched_, owner_.touched_);
  }
  Result<std::vector<std::string>> LabelValues(const std::string& name, const storage::Matchers& m) override {
    return base_->LabelValues(name, m);
  }
  Result<std::vector<std::string>> LabelNames(const storage::Matchers& m) override { return base_->LabelNames(m); }

 private:
  std::unique_ptr<storage::Querier> base_;
  RecordingQueryable& owner_;
};

Result<std::unique_ptr<storage::Querier>> RecordingQueryable::NewQuerier(int64_t min_t_ms, int64_t max_t_ms) {
  auto q = base_.NewQuerier(min_t_ms, max_t_ms);
  if (!q.ok()) return q.status();
  return std::unique_ptr<storage::Querier>(std::make_unique<RecordingQuerier>(std::move(q).value(), *this));
}

}  // namespace cairn::promql_test
