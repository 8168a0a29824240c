// Fuzzes cairnctl's JSON reader (API answers, VictoriaMetrics JSON-lines
// import): no input may crash it, and whatever it accepts must serialize to
// text that parses back to the same serialization.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "tools/cairnctl/json_value.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using cairn::cairnctl::ParseJson;
  auto v = ParseJson(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!v.ok()) return 0;
  std::string once = v->Serialize();
  auto again = ParseJson(once);
  if (!again.ok() || again->Serialize() != once) std::abort();
  return 0;
}
