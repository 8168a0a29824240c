// nginx's stub_status page parser on arbitrary bytes: never crashes; a parsed
// page has non-negative counts.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "exporters/nginx/stub_status.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto s = cairn::exporters::nginx::ParseStubStatus(std::string_view(reinterpret_cast<const char*>(data), size));
  if (s.ok() && (s->active < 0 || s->accepts < 0 || s->requests < 0 || s->waiting < 0)) std::abort();
  return 0;
}
