// Fuzzes the dense block decoder on arbitrary bytes: it must never read out of
// bounds or trip a sanitizer, and anything it decodes must re-encode to a block
// that decodes to the same samples bit for bit. The same bytes, read as
// (timestamp step, value bits) pairs, must also survive encode → decode.
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <vector>

#include "storage/chunk/dense_block.h"

namespace {

using cairn::storage::Sample;
namespace chunk = cairn::storage::chunk;

void RequireRoundTrip(const std::vector<Sample>& samples) {
  std::vector<Sample> again;
  if (!chunk::DecodeDenseBlock(chunk::EncodeDenseBlock(samples), &again).ok()) std::abort();
  if (again.size() != samples.size()) std::abort();
  for (size_t i = 0; i < samples.size(); ++i) {
    if (again[i].t_ms != samples[i].t_ms ||
        std::bit_cast<uint64_t>(again[i].v) != std::bit_cast<uint64_t>(samples[i].v)) {
      std::abort();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  std::vector<Sample> decoded;
  if (chunk::DecodeDenseBlock(bytes, &decoded).ok()) RequireRoundTrip(decoded);

  std::vector<Sample> built;
  int64_t t = 1'764'000'000'000;
  for (size_t off = 0; off + 10 <= size; off += 10) {
    uint16_t step;
    uint64_t bits;
    std::memcpy(&step, data + off, 2);
    std::memcpy(&bits, data + off + 2, 8);
    // Mostly short decimals (the interesting path), some raw bits.
    const double v = (bits & 3) != 0 ? static_cast<double>(static_cast<int64_t>(bits >> 20)) / 100 : std::bit_cast<double>(bits);
    t += 1 + step;
    built.push_back({t, v});
  }
  if (!built.empty()) RequireRoundTrip(built);
  return 0;
}
