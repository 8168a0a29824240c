// Fuzzes the remote-write receiver. The first byte picks 1.0 or 2.0 and
// whether the rest is sent as the raw body (exercising the snappy decoder)
// or snappy-compressed first (so the protobuf decoder sees the fuzz bytes).
// Invariants: no sanitizer finding; every outcome is 204, 400 or 413; a 204
// wrote every sample the decoder saw and rejected none.
#include <snappy.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "ingest/remote_write.h"
#include "ingest/write_request_decoder.h"
#include "storage/memory_storage.h"

namespace {

struct Counter final : cairn::ingest::WriteRequestVisitor {
  int64_t samples = 0;
  cairn::Status OnSeries(const cairn::ingest::SeriesView& s) override {
    samples += static_cast<int64_t>(s.samples.size());
    return cairn::Status::OK();
  }
  cairn::Status OnMetadata(const cairn::ingest::MetadataView&) override { return cairn::Status::OK(); }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const bool v2 = data[0] & 1;
  const bool raw_body = data[0] & 2;
  const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::string body;
  if (raw_body) {
    body.assign(rest);
  } else {
    snappy::Compress(rest.data(), rest.size(), &body);
  }
  const std::string_view content_type =
      v2 ? "application/x-protobuf;proto=io.prometheus.write.v2.Request" : "application/x-protobuf";
  cairn::storage::MemoryStorage db;
  cairn::ingest::RemoteWriteLimits limits;
  limits.max_decoded_bytes = 1 << 20;
  cairn::ingest::WriteOutcome out =
      cairn::ingest::HandleRemoteWrite(body, content_type, "snappy", db, nullptr, limits);
  if (out.http_status != 204 && out.http_status != 400 && out.http_status != 413) std::abort();
  if (!raw_body && out.http_status == 204) {
    Counter c;
    auto version = v2 ? cairn::ingest::RemoteWriteVersion::kV2 : cairn::ingest::RemoteWriteVersion::kV1;
    if (!cairn::ingest::DecodeWriteRequest(rest, version, c).ok()) std::abort();
    if (out.samples_written != c.samples || out.samples_rejected != 0) std::abort();
  }
  return 0;
}
