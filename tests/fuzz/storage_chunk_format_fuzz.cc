// Fuzzes the stored-chunk readers (storage/chunk/chunk_format.h) on arbitrary
// bytes in either format and an arbitrary time window: decoding must never
// read out of bounds or trip a sanitizer, and what remote read would send
// (the window transcoded into XOR chunks) must decode to exactly the samples
// the query path reads from the same window.
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string_view>
#include <vector>

#include "storage/chunk/chunk_format.h"

namespace {

int64_t TakeInt64(const uint8_t*& data, size_t& size) {
  uint64_t v = 0;
  const size_t n = size < 8 ? size : 8;
  std::memcpy(&v, data, n);
  data += n;
  size -= n;
  return static_cast<int64_t>(v);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace chunk = cairn::storage::chunk;
  if (size < 1) return 0;
  const auto format = (data[0] & 1) ? chunk::Format::kDense : chunk::Format::kXor;
  const size_t max_samples = 1 + (data[0] >> 1);  // 1..128: chunk cuts land anywhere
  ++data;
  --size;
  int64_t min_t = TakeInt64(data, size);
  int64_t max_t = TakeInt64(data, size);
  if (min_t > max_t) std::swap(min_t, max_t);
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);

  (void)chunk::NumSamples(format, bytes);
  std::vector<cairn::storage::Sample> read;
  if (!chunk::AppendSamples(format, bytes, min_t, max_t, &read).ok()) return 0;
  std::vector<chunk::XorChunk> sent;
  if (!chunk::ToXorChunks(format, bytes, min_t, max_t, max_samples, &sent).ok()) std::abort();
  std::vector<cairn::storage::Sample> received;
  for (const chunk::XorChunk& c : sent) {
    if (c.num_samples() > max_samples) std::abort();
    if (!chunk::AppendSamples(chunk::Format::kXor, c.bytes(), std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max(), &received).ok()) std::abort();
  }
  if (received.size() != read.size()) std::abort();
  for (size_t i = 0; i < read.size(); ++i) {
    if (received[i].t_ms != read[i].t_ms ||
        std::bit_cast<uint64_t>(received[i].v) != std::bit_cast<uint64_t>(read[i].v)) {
      std::abort();
    }
  }
  return 0;
}
