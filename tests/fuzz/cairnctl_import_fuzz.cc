// Fuzzes `cairnctl import`'s line decoders: the first byte picks the format
// (OpenMetrics, Prometheus text, JSON lines, CSV with a fixed mapping), the
// rest is one line. No line may crash a decoder; a failed line adds nothing.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "tools/cairnctl/import_formats.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using cairn::cairnctl::ImportSample;
  using cairn::cairnctl::MakeLineDecoder;
  if (size == 0) return 0;
  static const char* const kFormats[] = {"openmetrics", "prometheus", "jsonl", "csv"};
  auto decoder = MakeLineDecoder(kFormats[data[0] % 4], "1:label:host,2:metric:m,3:metric:n,4:time:rfc3339");
  if (!decoder.ok()) std::abort();
  std::string_view line(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::vector<ImportSample> out;
  if (!(*decoder)->Decode(line, &out).ok() && !out.empty()) std::abort();
  for (const auto& s : out) {
    for (size_t i = 1; i < s.labels.size(); ++i) {
      if (s.labels[i - 1].first > s.labels[i].first) std::abort();  // labels must come sorted
    }
  }
  return 0;
}
