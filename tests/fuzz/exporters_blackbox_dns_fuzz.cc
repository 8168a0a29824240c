// Fuzzes the blackbox exporter's DNS message decoder on arbitrary bytes (what
// a DNS server, or anything answering on its port, may send): it must never
// read out of bounds, loop on compression pointers or trip a sanitizer, and
// every record it decodes must render as text.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "exporters/blackbox/dns_message.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto m = cairn::blackbox::DecodeDnsMessage(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!m.ok()) return 0;
  size_t total = 0;
  for (const auto* section : {&m->answer, &m->authority, &m->additional})
    for (const auto& rr : *section) total += rr.String().size();
  volatile size_t sink = total;  // keeps the rendering from being optimized out
  (void)sink;
  return 0;
}
