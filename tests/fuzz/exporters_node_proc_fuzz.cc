// Fuzzes the node exporter's /proc and /sys parsers on arbitrary text: the
// first byte picks the parser, the rest is the file. None may crash, read out
// of bounds or trip a sanitizer, and what they accept must be self-consistent
// (a diskstats line never claims more counters than it has room for).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "exporters/node/proc_parsers.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cairn::exporters::node;
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 10) {
    case 0: (void)ParseProcStat(text); break;
    case 1: {
      auto m = ParseMeminfo(text);
      if (m.ok()) {
        for (const auto& f : *m) {
          if (f.name.empty()) std::abort();
        }
      }
      break;
    }
    case 2: (void)ParseLoadavg(text); break;
    case 3: (void)ParseMounts(text); break;
    case 4: {
      auto d = ParseDiskstats(text);
      if (d.ok()) {
        for (const auto& s : *d) {
          if (s.stat_count < 11 || s.stat_count > 17) std::abort();
        }
      }
      break;
    }
    case 5: (void)ParseNetDev(text); break;
    case 6: (void)ParseVmstat(text); break;
    case 7: (void)ParsePressure(text); break;
    case 8: (void)ParseUdevProperties(text); break;
    default: (void)SplitWords(text); break;
  }
  return 0;
}
