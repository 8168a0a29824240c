// Remote-read endpoint (POST /api/v1/read, shared/COMPAT.md §4): a
// snappy-compressed `prometheus.ReadRequest` in, samples or streamed XOR
// chunks out.
//
// Negotiation: the first of the request's accepted_response_types that we
// speak wins (SAMPLES or STREAMED_XOR_CHUNKS); an empty list means SAMPLES.
//  - SAMPLES: the whole snappy-compressed ReadResponse is returned in
//    outcome.body (Content-Type application/x-protobuf, Content-Encoding
//    snappy). More than max_samples samples → 400 "exceeded sample limit".
//  - STREAMED_XOR_CHUNKS: each frame — uvarint(len) ‖ big-endian CRC-32C of
//    the payload ‖ payload (a ChunkedReadResponse) — is passed to write_frame
//    as it is produced, and outcome.body stays empty. The first write_frame
//    call means a 200 response with kStreamedReadContentType has begun; an
//    error after that is only reported in outcome.error (for logging).
//    write_frame returns false when the client went away, which stops the read.
// On any other status the server answers with outcome.error as a text body.
// Thread-safety: may run concurrently (the server caps concurrency, upstream
// --storage.remote.read-concurrent-limit); write_frame runs on the caller's
// thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "storage/queryable.h"

namespace cairn::ingest {

inline constexpr std::string_view kStreamedReadContentType =
    "application/x-streamed-protobuf; proto=prometheus.ChunkedReadResponse";

struct RemoteReadLimits {
  // Upstream --storage.remote.read-sample-limit (SAMPLES responses only).
  int64_t max_samples = 50000000;
  // Upstream --storage.remote.read-max-bytes-in-frame: target payload size of
  // one streamed frame (a single chunk bigger than this still goes whole).
  size_t max_bytes_in_frame = 1 << 20;
  // Largest decoded request accepted.
  size_t max_request_bytes = 32 << 20;
  // prometheus.yml global.external_labels: added to every series served;
  // equality matchers on them with their value are rewritten to match "".
  storage::Labels external_labels;
};

struct ReadOutcome {
  int http_status = 200;
  std::string content_type;
  std::string content_encoding;
  std::string body;
  std::string error;
};

ReadOutcome HandleRemoteRead(std::string_view snappy_body, storage::Queryable& q, storage::ChunkQueryable& cq,
                             const RemoteReadLimits& limits,
                             const std::function<bool(std::string_view frame)>& write_frame);

// uvarint(len(payload)) ‖ big-endian CRC-32C(payload) ‖ payload, appended to *out.
void AppendReadFrame(std::string_view payload, std::string* out);

}  // namespace cairn::ingest
