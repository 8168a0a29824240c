// What the exporters' HTTP server reads from a client, on arbitrary bytes: the
// query string (blackbox's /probe?target=&module=), the Accept and
// Accept-Encoding headers, and the scrape timeout header. Never crashes.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "exporters/common/exposition.h"
#include "exporters/common/http_types.h"
#include "exporters/common/scrape_deadline.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto params = cairn::exporters::ParseQueryString(in);
  (void)params;
  (void)cairn::exporters::NegotiateFormat(in);
  (void)cairn::exporters::AcceptsGzip(in);
  auto now = std::chrono::steady_clock::now();
  (void)cairn::exporters::ScrapeDeadlineFromHeader(in, now);
  return 0;
}
