// Varints as protobuf and Go's encoding/binary write them: unsigned LEB128
// (7 bits a byte, least significant group first) and zigzag for signed values.
// Used by Cairn's own on-disk records (WAL, chunk index, head checkpoints);
// these bytes are persisted, so the encoding is frozen.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace cairn {

inline uint64_t ZigZag(int64_t x) { return (static_cast<uint64_t>(x) << 1) ^ static_cast<uint64_t>(x >> 63); }
inline int64_t UnZigZag(uint64_t z) { return static_cast<int64_t>(z >> 1) ^ -static_cast<int64_t>(z & 1); }

inline void PutUvarint(std::string* out, uint64_t x) {
  while (x >= 0x80) {
    out->push_back(static_cast<char>(static_cast<uint8_t>(x) | 0x80));
    x >>= 7;
  }
  out->push_back(static_cast<char>(x));
}

inline void PutVarint(std::string* out, int64_t x) { PutUvarint(out, ZigZag(x)); }

// Reads one uvarint from the front of *in and consumes it. False when *in ends
// first or the value runs past 64 bits (then *in is left partly consumed).
inline bool GetUvarint(std::string_view* in, uint64_t* out) {
  uint64_t x = 0;
  for (int shift = 0; shift < 64 && !in->empty(); shift += 7) {
    const auto b = static_cast<uint8_t>(in->front());
    in->remove_prefix(1);
    x |= uint64_t{static_cast<uint8_t>(b & 0x7f)} << shift;
    if (b < 0x80) {
      *out = x;
      return true;
    }
  }
  return false;
}

inline bool GetVarint(std::string_view* in, int64_t* out) {
  uint64_t z;
  if (!GetUvarint(in, &z)) return false;
  *out = UnZigZag(z);
  return true;
}

}  // namespace cairn
