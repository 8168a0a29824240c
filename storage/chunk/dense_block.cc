#include "storage/chunk/dense_block.h"

#include <zstd.h>

#include <bit>
#include <cmath>
#include <algorithm>
#include <cstring>

#include "util/varint.h"

namespace cairn::storage::chunk {
namespace {

constexpr uint8_t kVersion = 1;
constexpr uint8_t kFlagZstd = 1;
constexpr uint8_t kTimestampsDod = 0;
constexpr uint8_t kTimestampsGrid = 1;
constexpr uint8_t kValuesDecimal = 0;
constexpr uint8_t kValuesXorBits = 1;
constexpr int kMaxExponent = 18;                      // 10^18 < 2^63; 10^E is exact up to E = 22
constexpr int64_t kMaxMantissa = int64_t{1} << 53;    // integers a double holds exactly
constexpr int kZstdLevel = 3;  // 9 and 19 gained 0.5 % and 2 % in size for 1.3x and 1.8x decode time

constexpr int64_t kPow10[kMaxExponent + 1] = {1,
                                               10,
                                               100,
                                               1000,
                                               10000,
                                               100000,
                                               1000000,
                                               10000000,
                                               100000000,
                                               1000000000,
                                               10000000000,
                                               100000000000,
                                               1000000000000,
                                               10000000000000,
                                               100000000000000,
                                               1000000000000000,
                                               10000000000000000,
                                               100000000000000000,
                                               1000000000000000000};

// Wrapping arithmetic: deltas of arbitrary int64s must not be undefined.
int64_t WrapSub(int64_t a, int64_t b) { return static_cast<int64_t>(static_cast<uint64_t>(a) - static_cast<uint64_t>(b)); }
int64_t WrapAdd(int64_t a, int64_t b) { return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b)); }
int64_t WrapMul(int64_t a, size_t b) { return static_cast<int64_t>(static_cast<uint64_t>(a) * b); }

// GetVarint with a fast path for the one-byte varints that most samples are.
inline bool ReadVarint(std::string_view* in, int64_t* out) {
  if (!in->empty() && static_cast<uint8_t>(in->front()) < 0x80) {
    *out = UnZigZag(static_cast<uint8_t>(in->front()));
    in->remove_prefix(1);
    return true;
  }
  return GetVarint(in, out);
}

void PutFixed64(std::string* out, uint64_t x) {
  char le[8];
  for (int b = 0; b < 8; ++b) le[b] = static_cast<char>(x >> (8 * b));
  out->append(le, 8);
}

bool GetFixed64(std::string_view* in, uint64_t* out) {
  if (in->size() < 8) return false;
  uint64_t x = 0;
  for (int b = 0; b < 8; ++b) x |= uint64_t{static_cast<uint8_t>((*in)[b])} << (8 * b);
  in->remove_prefix(8);
  *out = x;
  return true;
}

size_t UvarintSize(uint64_t x) { return static_cast<size_t>(std::bit_width(x | 1) + 6) / 7; }

double FromDecimal(int64_t m, int e) {
  return e == 0 ? static_cast<double>(m) : static_cast<double>(m) / static_cast<double>(kPow10[e]);
}

// The value as m / 10^e with the smallest e, when one exists that gives back
// exactly v's bits and keeps |m| <= 2^53.
bool ToDecimal(double v, int64_t* m, int* e) {
  if (!std::isfinite(v)) return false;
  for (int k = 0; k <= kMaxExponent; ++k) {
    const double scaled = v * static_cast<double>(kPow10[k]);
    if (!(std::fabs(scaled) <= static_cast<double>(kMaxMantissa))) return false;
    const double rounded = std::nearbyint(scaled);
    const auto cand = static_cast<int64_t>(rounded);
    if (std::bit_cast<uint64_t>(FromDecimal(cand, k)) == std::bit_cast<uint64_t>(v)) {
      *m = cand;
      *e = k;
      return true;
    }
  }
  return false;
}

struct Exception {
  uint32_t index;
  uint64_t bits;
};

// Zig-zag varints of the first differences (order 1) or second differences
// (order 2) of `m`, after the first value (and, for order 2, the first delta).
void PutDifferences(const std::vector<int64_t>& m, int order, std::string* out) {
  PutVarint(out, m[0]);
  if (m.size() < 2) return;
  int64_t prev_delta = WrapSub(m[1], m[0]);
  if (order == 2) PutVarint(out, prev_delta);
  for (size_t i = (order == 2 ? 2 : 1); i < m.size(); ++i) {
    const int64_t delta = WrapSub(m[i], m[i - 1]);
    PutVarint(out, order == 1 ? delta : WrapSub(delta, prev_delta));
    prev_delta = delta;
  }
}

bool GetDifferences(std::string_view* in, size_t n, int order, std::vector<int64_t>* m) {
  m->resize(n);
  int64_t x;
  if (!ReadVarint(in, &x)) return false;
  (*m)[0] = x;
  if (n < 2) return true;
  int64_t delta = 0;
  size_t i = 1;
  if (order == 2) {
    if (!ReadVarint(in, &delta)) return false;
    (*m)[1] = WrapAdd((*m)[0], delta);
    i = 2;
  }
  for (; i < n; ++i) {
    if (!ReadVarint(in, &x)) return false;
    delta = order == 1 ? x : WrapAdd(delta, x);
    (*m)[i] = WrapAdd((*m)[i - 1], delta);
  }
  return true;
}

void EncodeValues(std::span<const Sample> samples, std::string* body) {
  const size_t n = samples.size();
  std::vector<int64_t> mantissa(n);
  std::vector<int> exponent(n, -1);
  std::vector<Exception> exceptions;
  int block_e = 0;
  for (size_t i = 0; i < n; ++i) {
    if (ToDecimal(samples[i].v, &mantissa[i], &exponent[i])) {
      block_e = std::max(block_e, exponent[i]);
    } else {
      exponent[i] = -1;
    }
  }
  // Rescale to the block's exponent; a value whose mantissa would then exceed
  // 2^53 becomes an exception. An exception repeats the previous mantissa, so
  // it costs the differences nothing.
  int64_t last = 0;
  for (size_t i = 0; i < n; ++i) {
    bool ok = exponent[i] >= 0;
    if (ok) {
      const int64_t scale = kPow10[block_e - exponent[i]];
      const int64_t limit = kMaxMantissa / scale;
      ok = mantissa[i] >= -limit && mantissa[i] <= limit;
      if (ok) mantissa[i] *= scale;
      ok = ok && std::bit_cast<uint64_t>(FromDecimal(mantissa[i], block_e)) == std::bit_cast<uint64_t>(samples[i].v);
    }
    if (!ok) {
      exceptions.push_back({static_cast<uint32_t>(i), std::bit_cast<uint64_t>(samples[i].v)});
      mantissa[i] = last;
    }
    last = mantissa[i];
  }
  if (exceptions.size() * 4 > n) {
    // Mostly not short decimals (ratios, averages): XORed bits, left to zstd.
    body->push_back(static_cast<char>(kValuesXorBits));
    uint64_t prev = 0;
    for (const Sample& s : samples) {
      const uint64_t bits = std::bit_cast<uint64_t>(s.v);
      PutFixed64(body, bits ^ prev);
      prev = bits;
    }
    return;
  }
  std::string deltas, dods;
  PutDifferences(mantissa, 1, &deltas);
  PutDifferences(mantissa, 2, &dods);
  const bool use_dods = dods.size() < deltas.size();
  body->push_back(static_cast<char>(kValuesDecimal));
  body->push_back(static_cast<char>(block_e));
  body->push_back(static_cast<char>(use_dods ? 2 : 1));
  PutUvarint(body, exceptions.size());
  uint32_t prev_index = 0;
  for (const Exception& x : exceptions) {
    PutUvarint(body, x.index - prev_index);
    prev_index = x.index;
    PutFixed64(body, x.bits);
  }
  *body += use_dods ? dods : deltas;
}


bool GetByte(std::string_view* in, uint8_t* out) {
  if (in->empty()) return false;
  *out = static_cast<uint8_t>(in->front());
  in->remove_prefix(1);
  return true;
}

Status Corrupt(const char* what) { return Status::Corruption(std::string("dense block: ") + what); }

Status DecodeValues(std::string_view* in, std::vector<Sample>* out) {
  const size_t n = out->size();
  uint8_t mode;
  if (!GetByte(in, &mode)) return Corrupt("no value mode");
  if (mode == kValuesXorBits) {
    uint64_t prev = 0;
    for (Sample& s : *out) {
      uint64_t x;
      if (!GetFixed64(in, &x)) return Corrupt("values end early");
      prev ^= x;
      s.v = std::bit_cast<double>(prev);
    }
    return Status::OK();
  }
  if (mode != kValuesDecimal) return Corrupt("unknown value mode");
  uint8_t e, order;
  if (!GetByte(in, &e) || e > kMaxExponent) return Corrupt("bad exponent");
  if (!GetByte(in, &order) || (order != 1 && order != 2)) return Corrupt("bad difference order");
  uint64_t num_exceptions;
  if (!GetUvarint(in, &num_exceptions) || num_exceptions > n) return Corrupt("bad exception count");
  std::vector<Exception> exceptions(num_exceptions);
  uint64_t index = 0;
  for (size_t i = 0; i < num_exceptions; ++i) {
    uint64_t gap;
    if (!GetUvarint(in, &gap) || (i > 0 && gap == 0) || gap >= n || index + gap >= n) {
      return Corrupt("bad exception index");
    }
    index += gap;
    exceptions[i].index = static_cast<uint32_t>(index);
    if (!GetFixed64(in, &exceptions[i].bits)) return Corrupt("exceptions end early");
  }
  std::vector<int64_t> mantissa;
  if (!GetDifferences(in, n, order, &mantissa)) return Corrupt("mantissas end early");
  for (size_t i = 0; i < n; ++i) (*out)[i].v = FromDecimal(mantissa[i], e);
  for (const Exception& x : exceptions) (*out)[x.index].v = std::bit_cast<double>(x.bits);
  return Status::OK();
}

// Timestamps, in whichever of two forms is smaller:
//   grid:  t0, the interval g, then zig-zag (t_i - (t0 + i*g)) per sample: a
//          scrape's jitter around its grid, whatever came before it;
//   dod:   t0, t1 - t0, then zig-zag delta-of-deltas (irregular series).
void EncodeTimestamps(std::span<const Sample> samples, std::string* body) {
  const size_t n = samples.size();
  std::vector<int64_t> deltas;
  for (size_t i = 1; i < n; ++i) deltas.push_back(WrapSub(samples[i].t_ms, samples[i - 1].t_ms));
  int64_t grid = 0;
  if (!deltas.empty()) {
    std::vector<int64_t> sorted = deltas;
    std::nth_element(sorted.begin(), sorted.begin() + sorted.size() / 2, sorted.end());
    grid = sorted[sorted.size() / 2];
  }
  size_t grid_size = 0, dod_size = 0;
  int64_t prev_delta = deltas.empty() ? 0 : deltas[0];
  for (size_t i = 1; i < n; ++i) {
    grid_size += UvarintSize(ZigZag(WrapSub(samples[i].t_ms, WrapAdd(samples[0].t_ms, WrapMul(grid, i)))));
    dod_size += UvarintSize(ZigZag(i == 1 ? deltas[0] : WrapSub(deltas[i - 1], prev_delta)));
    if (i > 1) prev_delta = deltas[i - 1];
  }
  const bool use_grid = grid_size <= dod_size;
  body->push_back(static_cast<char>(use_grid ? kTimestampsGrid : kTimestampsDod));
  PutVarint(body, samples[0].t_ms);
  if (use_grid) {
    PutVarint(body, grid);
    for (size_t i = 1; i < n; ++i) PutVarint(body, WrapSub(samples[i].t_ms, WrapAdd(samples[0].t_ms, WrapMul(grid, i))));
    return;
  }
  prev_delta = 0;
  for (size_t i = 1; i < n; ++i) {
    PutVarint(body, i == 1 ? deltas[0] : WrapSub(deltas[i - 1], prev_delta));
    prev_delta = deltas[i - 1];
  }
}

}  // namespace

std::string EncodeDenseBlock(std::span<const Sample> samples) {
  const size_t n = samples.size();
  std::string body;
  body.reserve(n * 3 + 32);
  EncodeTimestamps(samples, &body);
  if (n > 0) EncodeValues(samples, &body);

  std::string out;
  out.push_back(static_cast<char>(kVersion));
  std::string packed(ZSTD_compressBound(body.size()), '\0');
  const size_t packed_size = ZSTD_compress(packed.data(), packed.size(), body.data(), body.size(), kZstdLevel);
  const bool zstd = !ZSTD_isError(packed_size) && packed_size + UvarintSize(body.size()) < body.size();
  out.push_back(static_cast<char>(zstd ? kFlagZstd : 0));
  PutUvarint(&out, n);
  if (zstd) {
    PutUvarint(&out, body.size());
    out.append(packed.data(), packed_size);
  } else {
    out += body;
  }
  return out;
}

uint64_t DenseBlockNumSamples(std::string_view data) {
  uint8_t version, flags;
  uint64_t n;
  if (!GetByte(&data, &version) || version != kVersion || !GetByte(&data, &flags) || !GetUvarint(&data, &n) ||
      n > kDenseBlockMaxSamples) {
    return 0;
  }
  return n;
}

Status DecodeDenseBlock(std::string_view data, std::vector<Sample>* out) {
  out->clear();
  uint8_t version, flags;
  if (!GetByte(&data, &version) || version != kVersion) return Corrupt("unknown version");
  if (!GetByte(&data, &flags) || (flags & ~kFlagZstd) != 0) return Corrupt("unknown flags");
  uint64_t n;
  if (!GetUvarint(&data, &n) || n == 0 || n > kDenseBlockMaxSamples) return Corrupt("bad sample count");
  std::string unpacked;
  std::string_view body = data;
  if (flags & kFlagZstd) {
    uint64_t raw_size;
    // A sample takes at most 10 (timestamp) + 10 (mantissa) + 8 (exception) + 10 (its gap) bytes.
    if (!GetUvarint(&data, &raw_size) || raw_size > n * 38 + 64) return Corrupt("bad body size");
    unpacked.resize(raw_size);
    const size_t got = ZSTD_decompress(unpacked.data(), unpacked.size(), data.data(), data.size());
    if (ZSTD_isError(got) || got != raw_size) return Corrupt("zstd body does not decompress");
    body = unpacked;
  }
  out->resize(n);
  uint8_t ts_mode;
  if (!GetByte(&body, &ts_mode) || ts_mode > kTimestampsGrid) return Corrupt("unknown timestamp mode");
  int64_t t0;
  if (!GetVarint(&body, &t0)) return Corrupt("no first timestamp");
  (*out)[0].t_ms = t0;
  int64_t grid = 0, delta = 0;
  if (ts_mode == kTimestampsGrid && !GetVarint(&body, &grid)) return Corrupt("no grid interval");
  for (size_t i = 1; i < n; ++i) {
    int64_t x;
    if (!ReadVarint(&body, &x)) return Corrupt("timestamps end early");
    int64_t next;
    if (ts_mode == kTimestampsGrid) {
      next = WrapAdd(WrapAdd(t0, WrapMul(grid, i)), x);
    } else {
      delta = i == 1 ? x : WrapAdd(delta, x);
      next = WrapAdd((*out)[i - 1].t_ms, delta);
    }
    if (next <= (*out)[i - 1].t_ms) return Corrupt("timestamps do not ascend");
    (*out)[i].t_ms = next;
  }
  Status st = DecodeValues(&body, out);
  if (!st.ok()) return st;
  if (!body.empty()) return Corrupt("trailing bytes");
  return Status::OK();
}

}  // namespace cairn::storage::chunk
