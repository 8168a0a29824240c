// Fuzzes WAL segment framing as the remote-write WAL watcher reads it
// (storage/wal/segment_reader.h) on arbitrary bytes: frames never reach past
// the data, and any cut inside a whole record reads as kIncomplete — a torn
// tail is waited on, never taken for a different record or for damage. The
// payloads go through the record decoders as the watcher does.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "storage/wal/records.h"
#include "storage/wal/segment_reader.h"

namespace wal = cairn::storage::wal;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  std::vector<wal::RefSeries> series;
  std::vector<wal::RefSample> samples;
  while (!rest.empty()) {
    wal::Frame frame;
    if (wal::ReadFrame(rest, &frame) != wal::FrameStatus::kRecord) break;
    if (frame.size > rest.size() || frame.size < 9 + frame.payload.size()) std::abort();
    for (size_t cut : {size_t{0}, size_t{1}, size_t{8}, frame.size / 2, frame.size - 1}) {
      if (cut >= frame.size) continue;
      wal::Frame torn;
      if (wal::ReadFrame(rest.substr(0, cut), &torn) != wal::FrameStatus::kIncomplete) std::abort();
    }
    series.clear();
    samples.clear();
    (void)wal::DecodeSeries(frame.payload, &series);
    (void)wal::DecodeSamples(frame.payload, &samples);
    samples.clear();
    (void)wal::DecodeSamplesZstd(frame.payload, &samples);
    rest.remove_prefix(frame.size);
  }
  return 0;
}
