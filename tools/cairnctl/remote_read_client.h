// ReadSeries: every sample of the series matching some selectors, through
// remote read with STREAMED_XOR_CHUNKS — the frames (uvarint length,
// big-endian CRC-32C, ChunkedReadResponse) are checked and the XOR chunks
// decoded with storage/chunk's decoder. Used by `export`.
// Thread-safety: a free function.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "storage/sample.h"
#include "util/status.h"

namespace cairn::cairnctl {

struct ReadSeries {
  std::vector<std::pair<std::string, std::string>> labels;  // sorted by name
  std::vector<storage::Sample> samples;                      // ascending by time
};

// One query per selector (PromQL series selectors); a series matched by
// several selectors is returned once. Errors: InvalidArgument for a bad
// selector, Corruption for a damaged frame or chunk, Unavailable for what
// the server answered instead.
Result<std::vector<ReadSeries>> RemoteReadSeries(const std::string& read_url, const std::vector<std::string>& selectors,
                                                  int64_t start_ms, int64_t end_ms, std::chrono::milliseconds timeout);

// Splits a STREAMED_XOR_CHUNKS body into series (exposed for tests).
Result<std::vector<ReadSeries>> DecodeChunkedBody(std::string_view body, int64_t start_ms, int64_t end_ms);

}  // namespace cairn::cairnctl
