// The WAL record payloads the DB writes (layout: storage/docs/format.md).
// Series records name a series ref before any sample record uses it; sample
// records carry (ref, t_ms, value bits). Decoders are safe on any bytes.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "storage/labels.h"
#include "storage/sample.h"
#include "util/status.h"

namespace cairn::storage::wal {

// Frozen: written to disk. The engine writes kSamplesZstd; kSamples is still
// read (WALs written before it).
enum class RecordType : uint8_t { kSeries = 1, kSamples = 2, kSamplesZstd = 3 };

struct RefSeries {
  SeriesRef ref = 0;
  Labels labels;
};

struct RefSample {
  SeriesRef ref = 0;
  int64_t t_ms = 0;
  double v = 0;
};

std::string EncodeSeries(const std::vector<RefSeries>& series);
std::string EncodeSamples(const std::vector<RefSample>& samples);
Status DecodeSeries(std::string_view payload, std::vector<RefSeries>* out);
Status DecodeSamples(std::string_view payload, std::vector<RefSample>* out);

// The same samples laid out in columns (refs as deltas, timestamps, then the
// values' bits one byte plane at a time) and zstd-compressed: a third to a
// half of EncodeSamples' bytes, so a third to a half of the WAL's share of
// the bytes written per sample (issue 14).
std::string EncodeSamplesZstd(const std::vector<RefSample>& samples);
Status DecodeSamplesZstd(std::string_view payload, std::vector<RefSample>* out);
// Decodes a record of either samples type; InvalidArgument for other types.
Status DecodeSampleRecord(uint8_t type, std::string_view payload, std::vector<RefSample>* out);

}  // namespace cairn::storage::wal
