// WriteRequestEncoder: builds a remote-write 1.0 body (prometheus.WriteRequest,
// snappy block format) directly into a byte buffer, without a protobuf library.
//
// Wire shape (COMPAT.md §3.1): WriteRequest{ repeated TimeSeries timeseries = 1 },
// TimeSeries{ repeated Label labels = 1; repeated Sample samples = 2 },
// Label{ string name = 1; string value = 2 }, Sample{ double value = 1; int64 timestamp = 2 }.
// A series' labels are encoded once (EncodeLabels) and copied into every request,
// which is what makes this faster than building message objects.
//
// Not thread-safe; use one encoder per thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cairn::bench {

class WriteRequestEncoder {
 public:
  // The `labels` field entries of a TimeSeries, ready for AddSeries(). Labels must
  // already be sorted by name (remote write requires it); this does not check.
  static std::string EncodeLabels(const std::vector<std::pair<std::string, std::string>>& labels);

  // Starts a TimeSeries with pre-encoded labels; AddSample() then appends its samples
  // and EndSeries() closes it. Calls must not interleave across series.
  void BeginSeries(std::string_view encoded_labels);
  void AddSample(int64_t t_ms, double value);
  void EndSeries();

  // The uncompressed WriteRequest built so far.
  std::string_view raw() const { return buffer_; }
  size_t series() const { return series_; }

  // Snappy-compresses the request into `*out` (replacing its contents).
  void CompressTo(std::string* out) const;

  // Empties the request; keeps the allocated buffer.
  void Clear();

 private:
  std::string buffer_;
  std::string series_body_;  // the TimeSeries being built
  size_t series_ = 0;
};

}  // namespace cairn::bench
