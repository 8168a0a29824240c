// Fuzzes the blackbox.yml parser: any text must parse or be refused with a
// message, never crash, hang or trip a sanitizer (yaml-cpp's own exceptions
// included).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "exporters/blackbox/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto c = cairn::blackbox::ParseConfig(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!c.ok() && c.status().message().empty()) std::abort();  // a refusal always says why
  return 0;
}
