// Decoding of remote-write request bodies (after snappy) straight from the
// protobuf wire format into per-series views, without building protobuf
// objects: `prometheus.WriteRequest` (1.0) and `io.prometheus.write.v2.Request`
// (2.0, symbols resolved). See proto/remote.proto and proto/write_v2.proto.
//
// The decoder checks only the wire format (and, for 2.0, symbol references);
// label rules (sorted, unique, UTF-8, __name__) are the caller's to check.
// It allocates only its reused per-series buffers, so memory stays bounded by
// the largest series, not the request.
// Thread-safety: stateless functions; the visitor is called on the caller's
// thread.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "storage/appender.h"
#include "util/status.h"

namespace cairn::ingest {

enum class RemoteWriteVersion { kV1, kV2 };

struct LabelView {
  std::string_view name;
  std::string_view value;
};

struct DecodedSample {
  int64_t t_ms = 0;
  double v = 0;            // bit-exact, stale markers included
  int64_t start_t_ms = 0;  // 2.0 start (created) timestamp; 0 = unset
};

struct MetadataView {
  std::string_view family;  // 1.0: metric_family_name; 2.0: the series' __name__
  storage::MetricType type = storage::MetricType::kUnknown;
  std::string_view help;
  std::string_view unit;
};

// One series as it came on the wire. Views point into the request body.
struct SeriesView {
  std::vector<LabelView> labels;  // wire order, unvalidated
  std::vector<DecodedSample> samples;
  int64_t histograms = 0;  // native histogram samples (not decoded)
  int64_t exemplars = 0;   // exemplars (not decoded)
  bool has_metadata = false;  // 2.0 only
  MetadataView metadata;
};

class WriteRequestVisitor {
 public:
  virtual ~WriteRequestVisitor() = default;
  // Each series in wire order; `series` is valid only during the call. A
  // non-OK Status stops decoding and is returned by DecodeWriteRequest.
  virtual Status OnSeries(const SeriesView& series) = 0;
  // 1.0 metadata entries (2.0 carries metadata inside SeriesView).
  virtual Status OnMetadata(const MetadataView& md) = 0;
};

// Walks `message` (an uncompressed protobuf) and calls `visitor`. Returns
// InvalidArgument naming the problem when the bytes are not a well-formed
// request; series visited before the problem was found must then be
// discarded by the caller (roll back).
Status DecodeWriteRequest(std::string_view message, RemoteWriteVersion version,
                          WriteRequestVisitor& visitor);

}  // namespace cairn::ingest
