// SplitMix64: a tiny, fast, seedable pseudo-random generator, plus a stateless
// mixing function. The ingest bench uses them so that the same --seed yields the
// same series and samples whatever the concurrency or the order of generation.
//
// Not thread-safe per object; give each thread or series its own generator.
#pragma once

#include <cstdint>

namespace cairn::bench {

// One round of the SplitMix64 finaliser: a bijective 64-bit mix.
inline uint64_t Mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// A hash of several words, for values that must depend only on (seed, ids).
inline uint64_t HashWords(uint64_t a, uint64_t b, uint64_t c = 0) {
  return Mix64(Mix64(Mix64(a) ^ b) ^ c);
}

class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}

  uint64_t Next() {
    state_ += 0x9e3779b97f4a7c15ULL;
    uint64_t z = state_;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

  // Uniform in [0, 1).
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

  // Uniform integer in [0, n); n > 0.
  uint64_t Below(uint64_t n) { return Next() % n; }

  // Roughly normal (mean 0, sd 1): the sum of four uniforms, rescaled. Cheap and
  // bounded (|x| < 3.5), which suits random walks.
  double RoughNormal() {
    return (Uniform() + Uniform() + Uniform() + Uniform() - 2.0) * 1.7320508;
  }

 private:
  uint64_t state_;
};

}  // namespace cairn::bench
