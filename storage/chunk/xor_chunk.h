// XorChunk / XorIterator: Prometheus' float chunk encoding, bit for bit
// (tsdb/chunkenc/xor.go; layout in storage/docs/format.md):
//
//   uint16 BE sample count | varint t0 | 64 bits v0 | uvarint (t1 - t0) | v1 XOR |
//   then per sample: delta-of-delta timestamp (0 / 10+14 / 110+17 / 1110+20 /
//   1111+64 bits) and the XOR of the value with the previous one.
//
// The bytes a chunk produces are exactly those Prometheus produces for the
// same samples, so they can be served over remote read's STREAMED_XOR_CHUNKS
// unchanged. Value bits are kept exactly (NaN payloads, the stale marker).
// A chunk holds at most 65535 samples (the header's range).
// Thread-safety: plain values; one thread at a time per object. Iterators
// only read the bytes they were given.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/chunk/bstream.h"
#include "storage/sample.h"
#include "util/status.h"

namespace cairn::storage::chunk {

// Sample count of encoded chunk bytes (0 when shorter than the header).
uint16_t XorNumSamples(std::string_view data);

class XorChunk {
 public:
  XorChunk();

  // Rebuilds a chunk (and its append state) from Prometheus-encoded bytes.
  // Fails with Corruption when the bytes do not decode to the count in the
  // header.
  static Result<XorChunk> FromBytes(std::string_view data);

  // Encodes one sample. Precondition: fewer than 65535 samples; timestamps
  // are expected to ascend (callers route others elsewhere), though any
  // int64 round-trips.
  void Append(int64_t t_ms, double v);

  uint16_t num_samples() const { return num_; }
  bool empty() const { return num_ == 0; }
  // The encoded chunk, header included. Valid until the next Append.
  std::string_view bytes() const { return data_; }
  int64_t min_t_ms() const { return min_t_; }
  int64_t max_t_ms() const { return t_; }
  double last_value() const { return v_; }

  // Drops spare capacity (for chunks that will not grow).
  void Compact() { data_.shrink_to_fit(); }

 private:
  void WriteValue(double v);

  std::string data_;
  int64_t min_t_ = 0;
  int64_t t_ = 0;
  double v_ = 0;
  uint64_t t_delta_ = 0;
  uint8_t leading_ = 0xff;  // 0xff: no leading/trailing window yet
  uint8_t trailing_ = 0;
  uint16_t num_ = 0;        // samples encoded (mirrors the header)
  uint8_t free_bits_ = 0;   // unused low bits of the last byte (0..8, see BitWriter)
};

// Decodes chunk bytes. Safe on arbitrary input: damaged bytes end iteration
// with a Corruption status instead of reading out of bounds.
class XorIterator {
 public:
  // `data` must outlive the iterator.
  explicit XorIterator(std::string_view data);

  // Advances; false at the end or on damage (see status()).
  bool Next();
  Sample At() const { return {t_, v_}; }
  Status status() const;

 private:
  friend class XorChunk;  // FromBytes rebuilds append state from a finished iteration
  bool Fail();
  bool ReadValue();
  bool ReadUvarint(uint64_t* out);

  BitReader br_;
  uint16_t total_ = 0;
  uint16_t read_ = 0;
  bool bad_ = false;
  int64_t t_ = 0;
  double v_ = 0;
  uint64_t t_delta_ = 0;
  uint8_t leading_ = 0;
  uint8_t trailing_ = 0;
  bool window_set_ = false;  // a leading/trailing window has been read
};

// Convenience: all samples of a chunk, or Corruption.
Result<std::vector<Sample>> DecodeXor(std::string_view data);
// Convenience: encodes `samples` into one chunk's bytes.
std::string EncodeXor(const std::vector<Sample>& samples);

// Re-encodes `data` into `*kept` without the samples whose timestamp `drop`
// accepts (deletes rewrite chunks with it). Returns how many were dropped,
// or Corruption when `data` does not decode.
Result<uint64_t> XorFilter(std::string_view data, const std::function<bool(int64_t t_ms)>& drop, XorChunk* kept);

}  // namespace cairn::storage::chunk
