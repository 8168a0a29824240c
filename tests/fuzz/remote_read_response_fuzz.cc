// Fuzzes the remote-read client's decoding of a server's answer
// (remote/read_response.h). The first byte picks the content type
// (bit 0: streamed chunks, else samples) and, for samples, whether the harness
// snappy-compresses the rest (bit 1) so the fuzzer reaches the protobuf.
// Invariants: no sanitizer finding; an accepted answer has series strictly
// ascending by labels, valid label sets, and strictly ascending timestamps.
#include <snappy.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "remote/read_response.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  const bool streamed = data[0] & 1;
  std::string body;
  if (!streamed && (data[0] & 2)) {
    snappy::Compress(rest.data(), rest.size(), &body);
  } else {
    body.assign(rest);
  }
  const std::string_view type = streamed ? "application/x-streamed-protobuf; proto=prometheus.ChunkedReadResponse"
                                         : "application/x-protobuf";
  auto r = cairn::remote::DecodeReadResponse(type, body, 1 << 20);
  if (!r.ok()) return 0;
  for (size_t i = 0; i < r->size(); ++i) {
    const auto& s = (*r)[i];
    if (i > 0 && !((*r)[i - 1].labels < s.labels)) std::abort();
    std::vector<cairn::storage::Label> raw(s.labels.begin(), s.labels.end());
    if (!cairn::storage::Labels::Validate(raw).ok()) std::abort();
    for (size_t j = 1; j < s.samples.size(); ++j)
      if (s.samples[j - 1].t_ms >= s.samples[j].t_ms) std::abort();
  }
  return 0;
}
