// Fuzzes the WAL record decoders (what recovery reads back from disk) on
// arbitrary bytes: they must never read out of bounds or trip a sanitizer,
// and whatever they decode must re-encode to a payload that decodes to the
// same records.
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "storage/wal/records.h"

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

void CheckCompressedSamples(std::string_view payload) {
  std::vector<wal::RefSample> samples;
  if (!wal::DecodeSamplesZstd(payload, &samples).ok()) return;
  std::vector<wal::RefSample> again;
  if (!wal::DecodeSamplesZstd(wal::EncodeSamplesZstd(samples), &again).ok() || again.size() != samples.size()) {
    std::abort();
  }
  for (size_t i = 0; i < samples.size(); ++i) {
    if (again[i].ref != samples[i].ref || again[i].t_ms != samples[i].t_ms ||
        std::bit_cast<uint64_t>(again[i].v) != std::bit_cast<uint64_t>(samples[i].v)) {
      std::abort();
    }
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

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  CheckSeries(bytes);
  CheckSamples(bytes);
  CheckCompressedSamples(bytes);
  return 0;
}
