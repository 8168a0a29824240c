// libFuzzer target for the rule unit-test file reader: arbitrary bytes must never crash
// ParseTestFile, and the input series of whatever parses must load or fail cleanly.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "rules/unittest/series_loader.h"
#include "rules/unittest/test_file.h"

namespace {

// True when every `xN` repeat count in `values` is below 1000.
bool FewRepeats(std::string_view values) {
  for (size_t i = 0; i < values.size(); ++i) {
    if (values[i] != 'x') continue;
    size_t digits = 0;
    while (i + 1 + digits < values.size() && values[i + 1 + digits] >= '0' && values[i + 1 + digits] <= '9') ++digits;
    if (digits > 3) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto file = cairn::rules::unittest::ParseTestFile(in);
  if (!file.ok()) return 0;
  for (const auto& group : file->tests) {
    // `1x99999999` expands to that many samples, as under promtool: keep the fuzzer's memory small.
    bool small = true;
    for (const auto& s : group.input_series) small = small && FewRepeats(s.values);
    if (small) (void)cairn::rules::unittest::SeriesLoader::Create(group.input_series, group.interval_ms);
  }
  return 0;
}
