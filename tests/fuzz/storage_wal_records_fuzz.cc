// Fuzzes the WAL decoders (what recovery and `tsdb verify` read back from
// disk) on arbitrary bytes: the segment reader (record framing and CRCs) and
// the record payload decoders must never read out of bounds or trip a
// sanitizer; every record the segment reader accepts re-encodes to exactly
// the bytes it came from, and whatever the payload decoders decode must
// re-encode to a payload that decodes to the same records.
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "storage/wal/records.h"
#include "storage/wal/wal.h"

namespace wal = cairn::storage::wal;

namespace {

void CheckSeries(std::string_view payload) {
  std::vector<wal::RefSeries> series;
  if (!wal::DecodeSeries(payload, &series).ok()) return;
  std::vector<wal::RefSeries> again;
  if (!wal::DecodeSeries(wal::EncodeSeries(series), &again).ok() || again.size() != series.size()) std::abort();
  for (size_t i = 0; i < series.size(); ++i) {
    if (again[i].ref != series[i].ref || !(again[i].labels == series[i].labels)) std::abort();
  }
}

void CheckSamples(std::string_view payload) {
  std::vector<wal::RefSample> samples;
  if (!wal::DecodeSamples(payload, &samples).ok()) return;
  std::vector<wal::RefSample> again;
  if (!wal::DecodeSamples(wal::EncodeSamples(samples), &again).ok() || again.size() != samples.size()) std::abort();
  for (size_t i = 0; i < samples.size(); ++i) {
    if (again[i].ref != samples[i].ref || again[i].t_ms != samples[i].t_ms ||
        std::bit_cast<uint64_t>(again[i].v) != std::bit_cast<uint64_t>(samples[i].v)) {
      std::abort();
    }
  }
}

void CheckSegment(std::string_view bytes) {
  wal::SegmentReader reader(bytes);
  uint8_t type;
  std::string_view payload;
  size_t pos = 0;
  while (reader.Next(&type, &payload)) {
    std::string again;
    wal::Wal::EncodeRecord(type, payload, &again);
    if (bytes.substr(pos, again.size()) != again) std::abort();
    pos += again.size();
    if (reader.offset() != pos) std::abort();
  }
  // It stops early exactly when it says why.
  if (reader.damage().empty() != (pos == bytes.size()) || reader.offset() != pos) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  CheckSegment(bytes);
  CheckSeries(bytes);
  CheckSamples(bytes);
  return 0;
}
