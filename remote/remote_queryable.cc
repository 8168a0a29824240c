#include "remote/remote_queryable.h"

#include <set>
#include <string>
#include <vector>

#include "remote/series_vector.h"

namespace cairn::remote {
namespace {

prometheus::LabelMatcher::Type WireType(storage::MatchType t) {
  switch (t) {
    case storage::MatchType::kEqual:
      return prometheus::LabelMatcher::EQ;
    case storage::MatchType::kNotEqual:
      return prometheus::LabelMatcher::NEQ;
    case storage::MatchType::kRegexMatch:
      return prometheus::LabelMatcher::RE;
    case storage::MatchType::kRegexNoMatch:
      return prometheus::LabelMatcher::NRE;
  }
  return prometheus::LabelMatcher::EQ;
}

class RemoteQuerier final : public storage::Querier {
 public:
  RemoteQuerier(const ReadClient& client, const storage::Labels& external_labels, int64_t min_t_ms,
                int64_t max_t_ms)
      : client_(client), external_labels_(external_labels), min_t_ms_(min_t_ms), max_t_ms_(max_t_ms) {}

  std::unique_ptr<storage::SeriesSet> Select(const storage::SelectHints& hints,
                                             const storage::Matchers& matchers) override {
    auto series = Read(hints, matchers);
    if (!series.ok()) return std::make_unique<ErrorSeriesSet>(series.status());
    return std::make_unique<VectorSeriesSet>(std::move(series).value());
  }

  Result<std::vector<std::string>> LabelValues(const std::string& name, const storage::Matchers& matchers) override {
    auto series = ReadForLabels(matchers);
    if (!series.ok()) return series.status();
    std::set<std::string> values;
    for (const RemoteSeries& s : *series) {
      std::string_view v = s.labels.Get(name);
      if (!v.empty()) values.emplace(v);
    }
    return std::vector<std::string>(values.begin(), values.end());
  }

  Result<std::vector<std::string>> LabelNames(const storage::Matchers& matchers) override {
    auto series = ReadForLabels(matchers);
    if (!series.ok()) return series.status();
    std::set<std::string> names;
    for (const RemoteSeries& s : *series)
      for (const storage::Label& l : s.labels) names.insert(l.name);
    return std::vector<std::string>(names.begin(), names.end());
  }

 private:
  bool HasRequiredMatchers(const storage::Matchers& matchers) const {
    for (const storage::Label& r : client_.config().required_matchers) {
      bool found = false;
      for (const storage::Matcher& m : matchers) {
        if (m.type() == storage::MatchType::kEqual && m.name() == r.name && m.value() == r.value) {
          found = true;
          break;
        }
      }
      if (!found) return false;
    }
    return true;
  }

  Result<std::vector<RemoteSeries>> Read(const storage::SelectHints& hints, const storage::Matchers& matchers) {
    if (!HasRequiredMatchers(matchers)) return std::vector<RemoteSeries>{};
    prometheus::Query q;
    q.set_start_timestamp_ms(min_t_ms_);
    q.set_end_timestamp_ms(max_t_ms_);
    for (const storage::Matcher& m : matchers) {
      prometheus::LabelMatcher* out = q.add_matchers();
      out->set_type(WireType(m.type()));
      out->set_name(m.name());
      out->set_value(m.value());
    }
    // External labels the selector does not name become matchers, and are
    // taken off the answer again (upstream's addExternalLabels).
    std::vector<std::string> added;
    for (const storage::Label& l : external_labels_) {
      bool named = false;
      for (const storage::Matcher& m : matchers) named = named || m.name() == l.name;
      if (named) continue;
      prometheus::LabelMatcher* out = q.add_matchers();
      out->set_type(prometheus::LabelMatcher::EQ);
      out->set_name(l.name);
      out->set_value(l.value);
      added.push_back(l.name);
    }
    prometheus::ReadHints* h = q.mutable_hints();
    h->set_start_ms(hints.start_ms);
    h->set_end_ms(hints.end_ms);
    h->set_step_ms(hints.step_ms);
    h->set_func(hints.func);
    h->set_range_ms(hints.range_ms);
    auto series = client_.Read(q);
    if (!series.ok()) return Status(series.status().code(), "remote_read: " + series.status().message());
    if (!added.empty()) {
      for (RemoteSeries& s : *series)
        for (const std::string& name : added) s.labels = s.labels.Without(name);
      // Removing labels can reorder series; re-sort and join equal ones.
      *series = NormalizeSeries(std::move(series).value());
    }
    return series;
  }

  Result<std::vector<RemoteSeries>> ReadForLabels(storage::Matchers matchers) {
    if (matchers.empty()) {
      auto all = storage::Matcher::Make(storage::MatchType::kRegexMatch, "__name__", ".+");
      if (!all.ok()) return all.status();
      matchers.push_back(std::move(all).value());
    }
    storage::SelectHints hints;
    hints.start_ms = min_t_ms_;
    hints.end_ms = max_t_ms_;
    hints.func = "series";
    return Read(hints, matchers);
  }

  const ReadClient& client_;
  const storage::Labels& external_labels_;
  const int64_t min_t_ms_;
  const int64_t max_t_ms_;
};

// Neither series nor labels: the window is local storage's alone.
class EmptyQuerier final : public storage::Querier {
 public:
  std::unique_ptr<storage::SeriesSet> Select(const storage::SelectHints&, const storage::Matchers&) override {
    return std::make_unique<VectorSeriesSet>(std::vector<RemoteSeries>{});
  }
  Result<std::vector<std::string>> LabelValues(const std::string&, const storage::Matchers&) override {
    return std::vector<std::string>{};
  }
  Result<std::vector<std::string>> LabelNames(const storage::Matchers&) override {
    return std::vector<std::string>{};
  }
};

}  // namespace

RemoteQueryable::RemoteQueryable(std::unique_ptr<ReadClient> client, storage::Labels external_labels,
                                 std::function<int64_t()> local_start_ms)
    : client_(std::move(client)),
      external_labels_(client_->config().filter_external_labels ? std::move(external_labels) : storage::Labels{}),
      local_start_ms_(std::move(local_start_ms)) {}

Result<std::unique_ptr<storage::Querier>> RemoteQueryable::NewQuerier(int64_t min_t_ms, int64_t max_t_ms) {
  if (!client_->config().read_recent && local_start_ms_) {
    // Upstream's preferLocalStorage.
    const int64_t local_start = local_start_ms_();
    if (min_t_ms > local_start) return std::unique_ptr<storage::Querier>(std::make_unique<EmptyQuerier>());
    if (max_t_ms > local_start) max_t_ms = local_start;
  }
  return std::unique_ptr<storage::Querier>(
      std::make_unique<RemoteQuerier>(*client_, external_labels_, min_t_ms, max_t_ms));
}

}  // namespace cairn::remote
