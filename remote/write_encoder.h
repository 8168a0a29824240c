// The body of one remote-write request: a batch of samples of relabeled
// series → the uncompressed protobuf of remote write 1.0
// (prometheus.WriteRequest) or 2.0 (io.prometheus.write.v2.Request, labels
// interned in its symbol table), then snappy. One encoder per format; the
// receiving side's decoder is ingest/write_request_decoder.h.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "remote/remote_write_config.h"
#include "storage/appender.h"
#include "storage/labels.h"

namespace cairn::remote {

struct OutSample {
  const storage::Labels* labels;  // the series as sent (external labels and relabeling applied)
  int64_t t_ms;
  double v;
};

// Samples of one series stay in their order; series appear in the order
// of their first sample.
std::string EncodeWriteRequest(std::span<const OutSample> batch, WireFormat format);

struct OutMetadata {
  std::string_view family;  // metric family name
  const storage::Metadata* md;
};

// A remote write 1.0 request holding metadata only, as Prometheus 2.42's
// metadata watcher sends every metadata_config.send_interval.
std::string EncodeMetadataRequest(std::span<const OutMetadata> batch);

// Snappy block compression, as remote write sends it.
std::string SnappyCompress(std::string_view raw);

// Content-Type and X-Prometheus-Remote-Write-Version of a request in `format`.
std::string_view ContentType(WireFormat format);
std::string_view ProtocolVersion(WireFormat format);

}  // namespace cairn::remote
