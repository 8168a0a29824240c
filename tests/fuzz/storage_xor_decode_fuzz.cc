// Fuzzes the XOR chunk decoder on arbitrary bytes: it must never read out of
// bounds or trip a sanitizer, and anything it decodes must re-encode to a
// chunk that decodes to the same samples.
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "storage/chunk/xor_chunk.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using cairn::storage::chunk::DecodeXor;
  using cairn::storage::chunk::EncodeXor;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto samples = DecodeXor(bytes);
  (void)cairn::storage::chunk::XorChunk::FromBytes(bytes);
  if (!samples.ok()) return 0;
  auto again = DecodeXor(EncodeXor(*samples));
  if (!again.ok() || again->size() != samples->size()) std::abort();
  for (size_t i = 0; i < samples->size(); ++i) {
    if ((*again)[i].t_ms != (*samples)[i].t_ms ||
        std::bit_cast<uint64_t>((*again)[i].v) != std::bit_cast<uint64_t>((*samples)[i].v)) {
      std::abort();
    }
  }
  return 0;
}
