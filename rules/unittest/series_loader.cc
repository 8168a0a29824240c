#include "rules/unittest/series_loader.h"

#include <algorithm>
#include <set>

#include "promql/parser/parser.h"
#include "promql/testing/series_values.h"

namespace cairn::rules::unittest {

Result<SeriesLoader> SeriesLoader::Create(const std::vector<InputSeries>& series, int64_t interval_ms) {
  SeriesLoader loader;
  std::set<storage::Labels> seen;
  for (const InputSeries& s : series) {
    auto labels = promql::parser::ParseMetric(s.series);
    if (!labels.ok()) {
      return Status::InvalidArgument("error in load command: series \"" + s.series + "\": " +
                                     labels.status().message());
    }
    if (!seen.insert(*labels).second) {
      return Status::InvalidArgument("error in load command: series \"" + s.series + "\" is given twice");
    }
    auto values = promql::testing::ParseSeriesValues(s.values);
    if (!values.ok()) {
      return Status::InvalidArgument("error in load command: series \"" + s.series + "\": " +
                                     values.status().message());
    }
    const size_t index = loader.labels_.size();
    loader.labels_.push_back(std::move(labels).value());
    bool has_sample = false;
    for (size_t k = 0; k < values->size(); ++k) {
      const promql::testing::SeriesValue& v = (*values)[k];
      if (v.kind == promql::testing::SeriesValue::Kind::kHistogram) {
        return Status::InvalidArgument("error in load command: series \"" + s.series +
                                       "\": native histograms are not supported");
      }
      if (v.kind == promql::testing::SeriesValue::Kind::kGap) continue;
      // Without an `interval` every value lands at 0; Prometheus' head keeps the first and drops
      // the later ones as out of order, and so does promtool.
      if (interval_ms == 0 && has_sample) continue;
      has_sample = true;
      loader.samples_.push_back({static_cast<int64_t>(k) * interval_ms, index, v.f});
    }
  }
  std::stable_sort(loader.samples_.begin(), loader.samples_.end(),
                   [](const PendingSample& a, const PendingSample& b) { return a.t_ms < b.t_ms; });
  return loader;
}

Status SeriesLoader::AppendTill(storage::Appendable& db, int64_t t_ms) {
  if (next_ >= samples_.size() || samples_[next_].t_ms > t_ms) return Status::OK();
  auto app = db.NewAppender();
  for (; next_ < samples_.size() && samples_[next_].t_ms <= t_ms; ++next_) {
    const PendingSample& s = samples_[next_];
    auto r = app->Append(0, labels_[s.series], s.t_ms, s.value, storage::AppendOptions{});
    if (!r.ok()) return r.status();
  }
  return app->Commit();
}

}  // namespace cairn::rules::unittest
