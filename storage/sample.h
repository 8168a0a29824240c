// Sample: one float sample, and the bit patterns Prometheus gives meaning to.
// A stale marker is the NaN 0x7ff0000000000002; it must be stored and sent
// bit for bit, never canonicalised. Ordinary NaN is 0x7ff8000000000001.
#pragma once

#include <bit>
#include <cstdint>

namespace cairn::storage {

inline constexpr uint64_t kStaleNaNBits = 0x7ff0000000000002ULL;
inline constexpr uint64_t kNormalNaNBits = 0x7ff8000000000001ULL;

inline double StaleNaN() { return std::bit_cast<double>(kStaleNaNBits); }
inline bool IsStaleNaN(double v) { return std::bit_cast<uint64_t>(v) == kStaleNaNBits; }

struct Sample {
  int64_t t_ms = 0;
  double v = 0;
};

// Two samples are the same when timestamp and value bits are equal (so an
// identical resend of a NaN is a duplicate, not a conflict).
inline bool SameSample(const Sample& a, const Sample& b) {
  return a.t_ms == b.t_ms && std::bit_cast<uint64_t>(a.v) == std::bit_cast<uint64_t>(b.v);
}

using SeriesRef = uint64_t;

}  // namespace cairn::storage
