// SeriesLoader: a test group's `input_series`, expanded and appended to storage in time order
// as the evaluation advances (Prometheus' promql.LazyLoader.WithSamplesTill), so a rule or query
// evaluated at t sees only samples at or before the latest evaluation, as under promtool.
// Thread-safety: single-threaded.
#pragma once

#include <cstdint>
#include <vector>

#include "rules/unittest/test_file.h"
#include "storage/appender.h"
#include "storage/labels.h"

namespace cairn::rules::unittest {

class SeriesLoader {
 public:
  // Parses every series (PromQL series notation) and expands its values, sample k at
  // k * interval_ms. Errors: a series or value list that does not parse, a native histogram
  // (Cairn's engine has none), a series given twice. With interval_ms == 0 only the first value
  // of each series is kept (at 0), as under promtool.
  static Result<SeriesLoader> Create(const std::vector<InputSeries>& series, int64_t interval_ms);

  // Appends, in one commit, every sample with a timestamp <= t_ms not appended before.
  Status AppendTill(storage::Appendable& db, int64_t t_ms);

 private:
  struct PendingSample {
    int64_t t_ms;
    size_t series;  // index into labels_
    double value;
  };
  std::vector<storage::Labels> labels_;
  std::vector<PendingSample> samples_;  // ascending by t_ms
  size_t next_ = 0;
};

}  // namespace cairn::rules::unittest
