// Decoding of a remote-read answer on the client side: the body a server
// sent for a ReadRequest of one query, in whichever form it chose — the
// content type tells (ingest/remote_read.h describes both):
//  - STREAMED_XOR_CHUNKS ("application/x-streamed-protobuf;
//    proto=prometheus.ChunkedReadResponse"): frames of uvarint(len) ‖
//    big-endian CRC-32C ‖ ChunkedReadResponse, XOR chunks decoded to samples;
//    a series split over several frames is joined again.
//  - SAMPLES (anything else, as upstream's client assumes): one
//    snappy-compressed ReadResponse holding exactly one QueryResult.
// Label sets are checked as upstream's FromQueryResult checks them, series
// are returned sorted by labels with their samples ascending and one sample
// per timestamp. Safe on arbitrary input (fuzzed: tests/fuzz).
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "storage/labels.h"
#include "storage/sample.h"
#include "util/status.h"

namespace cairn::remote {

struct RemoteSeries {
  storage::Labels labels;
  std::vector<storage::Sample> samples;  // ascending by time
};

// Errors: InvalidArgument / Corruption with upstream-like text ("error reading
// response: snappy: corrupt input", "responses: want 1, got 2", "invalid label
// name: ...", "checksum mismatch in frame ..."), ResourceExhausted when the
// decoded answer exceeds `max_decoded_bytes`.
Result<std::vector<RemoteSeries>> DecodeReadResponse(std::string_view content_type, std::string_view body,
                                                     size_t max_decoded_bytes);

// Sorts series by labels, joins series with equal labels and leaves each with
// ascending samples, one per timestamp (the first seen wins).
std::vector<RemoteSeries> NormalizeSeries(std::vector<RemoteSeries> series);

}  // namespace cairn::remote
