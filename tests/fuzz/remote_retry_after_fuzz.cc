// Fuzzes the Retry-After reader (remote/retry_after.h).
// Invariants: no sanitizer finding; a delay is never negative; a parsed
// HTTP-date lies between year 0 and 9999.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "remote/retry_after.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view v(reinterpret_cast<const char*>(data), size);
  if (auto ms = cairn::remote::RetryAfterMs(v, 1'700'000'000'000); ms && *ms < 0) std::abort();
  if (auto at = cairn::remote::ParseHttpDateMs(v); at && (*at < -62'200'000'000'000 || *at > 253'403'000'000'000)) {
    std::abort();
  }
  return 0;
}
