// WriteRequestV1Writer: builds a remote-write 1.0 body (prometheus.WriteRequest,
// snappy block format) directly into a byte buffer, without protobuf message
// objects. The remote-write sender (remote/write_encoder) and the ingest bench's
// driver (bench/ingest) both send with it.
//
// Wire shape (COMPAT.md §3.1): WriteRequest{ repeated TimeSeries timeseries = 1 },
// TimeSeries{ repeated Label labels = 1; repeated Sample samples = 2 },
// Label{ string name = 1; string value = 2 }, Sample{ double value = 1; int64 timestamp = 2 }.
// A series' labels are encoded once (EncodeLabels / AppendLabel) and copied into
// every request, which is what makes this faster than building message objects.
//
// Not thread-safe; use one encoder per thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cairn::remote::wire {

class WriteRequestV1Writer {
 public:
  // The `labels` field entries of a TimeSeries, ready for AddSeries(). Labels must
  // already be sorted by name (remote write requires it); this does not check.
  static std::string EncodeLabels(const std::vector<std::pair<std::string, std::string>>& labels);
  // Appends one entry of that field (a Label message) to `*out`.
  static void AppendLabel(std::string* out, std::string_view name, std::string_view value);

  // Starts a TimeSeries with pre-encoded labels; AddSample() then appends its samples
  // and EndSeries() closes it. Calls must not interleave across series.
  void BeginSeries(std::string_view encoded_labels);
  // Starts a TimeSeries with no labels yet; AppendLabel(series_labels(), ...)
  // then adds them, before the first AddSample().
  void BeginSeries() { series_body_.clear(); }
  std::string* series_labels() { return &series_body_; }
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

}  // namespace cairn::remote::wire
