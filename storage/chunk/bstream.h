// BitWriter / BitReader: the MSB-first bit stream under Prometheus' XOR chunk,
// with the exact byte-growth behaviour of tsdb/chunkenc/bstream.go (it decides
// the length of the encoded chunk). Bits fill each byte from its most
// significant bit down; a value of n bits is written most significant bit
// first. The writer appends to a caller-visible std::string so a chunk's
// header bytes can sit in front of the stream.
// Thread-safety: plain values; one thread at a time per object.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace cairn::storage::chunk {

class BitWriter {
 public:
  // Appends to `*out` (not owned; must outlive the writer). `free_bits` (0..8)
  // is how many low bits of the last byte of `*out` are still unused, as left
  // by an earlier writer's free_bits().
  explicit BitWriter(std::string* out, int free_bits = 0) : out_(out), free_bits_(free_bits) {}

  void WriteBit(bool bit);
  // Writes the low `nbits` (0..64) bits of `u`, most significant first: whole
  // bytes with WriteByte, then the rest bit by bit (as bstream.writeBits).
  void WriteBits(uint64_t u, int nbits);
  // Writes 8 bits. Like Prometheus' bstream.writeByte it always appends one
  // byte, so a byte-aligned stream carries one trailing all-free byte
  // (free_bits() == 8). That byte is part of the encoded chunk.
  void WriteByte(uint8_t b);

  // Unused low bits in the last byte (0..8).
  int free_bits() const { return free_bits_; }

 private:
  std::string* out_;
  int free_bits_;
};

class BitReader {
 public:
  // Reads `data` (not owned; must outlive the reader).
  explicit BitReader(std::string_view data) : data_(data) {}

  // Each returns false, leaving *out unspecified, when the stream ends first.
  bool ReadBit(bool* out);
  // `nbits` in 0..64.
  bool ReadBits(int nbits, uint64_t* out);
  bool ReadByte(uint8_t* out);
  // Bits consumed so far.
  size_t bits_read() const { return pos_ * 8 - static_cast<size_t>(valid_); }

 private:
  void Refill();
  // Takes n (<= valid_) bits from the buffer.
  uint64_t Take(int n);

  std::string_view data_;
  size_t pos_ = 0;     // next byte of data_ to load into buf_
  uint64_t buf_ = 0;   // left-aligned unread bits
  int valid_ = 0;      // number of valid bits in buf_
};

}  // namespace cairn::storage::chunk
