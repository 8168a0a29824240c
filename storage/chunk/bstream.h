// BitWriter / BitReader: the MSB-first bit stream under Prometheus' XOR chunk,
// with the exact byte-growth behaviour of tsdb/chunkenc/bstream.go (it decides
// the length of the encoded chunk). Bits fill each byte from its most
// significant bit down; a value of n bits is written most significant bit
// first. The writer appends to a caller-visible std::string so a chunk's
// header bytes can sit in front of the stream.
// Thread-safety: plain values; one thread at a time per object.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
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

// Decoding is the innermost loop of every query, so the common case (the
// bits are already buffered) is inline; refills load 8 bytes at once when
// that many remain.
class BitReader {
 public:
  // Reads `data` (not owned; must outlive the reader).
  explicit BitReader(std::string_view data) : data_(data) {}

  // Each returns false, leaving *out unspecified, when the stream ends first.
  bool ReadBit(bool* out) {
    if (valid_ == 0 && !RefillSome()) return false;
    *out = (buf_ >> 63) != 0;
    buf_ <<= 1;
    --valid_;
    return true;
  }
  // `nbits` in 0..64.
  bool ReadBits(int nbits, uint64_t* out) {
    if (nbits > valid_) Refill();
    if (nbits <= valid_ && nbits < 64) {
      *out = Take(nbits);
      return true;
    }
    return ReadBitsSlow(nbits, out);
  }
  bool ReadByte(uint8_t* out) {
    uint64_t v;
    if (!ReadBits(8, &v)) return false;
    *out = static_cast<uint8_t>(v);
    return true;
  }
  // Up to 4 leading one bits (the XOR chunk's timestamp prefix) consumed as
  // one read, together with the zero that ends them when there are fewer
  // than 4. Returns the count of ones, or -1 when the stream ends first.
  int ReadPrefix4() {
    if (valid_ < 4) Refill();
    if (valid_ >= 4) {
      const int ones = __builtin_clzll(~buf_ | (uint64_t{1} << 59));  // at most 4
      const int used = ones < 4 ? ones + 1 : 4;
      buf_ <<= used;
      valid_ -= used;
      return ones;
    }
    int ones = 0;
    for (; ones < 4; ++ones) {
      bool bit;
      if (!ReadBit(&bit)) return -1;
      if (!bit) break;
    }
    return ones;
  }
  // Bits consumed so far.
  size_t bits_read() const { return pos_ * 8 - static_cast<size_t>(valid_); }

 private:
  void Refill() {
    if (valid_ <= 56 && pos_ + 8 <= data_.size()) {
      // Whole bytes that fit below the valid bits, from one big-endian load.
      uint64_t w;
      std::memcpy(&w, data_.data() + pos_, 8);
      if constexpr (std::endian::native == std::endian::little) w = __builtin_bswap64(w);
      const int bytes = (64 - valid_) >> 3;
      if (bytes < 8) w &= ~uint64_t{0} << (64 - bytes * 8);
      buf_ |= w >> valid_;
      valid_ += bytes * 8;
      pos_ += static_cast<size_t>(bytes);
      return;
    }
    RefillTail();
  }
  // Byte-wise refill near the end of the data.
  void RefillTail();
  // Refills; false when no bit is left.
  bool RefillSome() {
    Refill();
    return valid_ > 0;
  }
  bool ReadBitsSlow(int nbits, uint64_t* out);
  // Takes n (<= valid_, < 64) bits from the buffer.
  uint64_t Take(int n) {
    if (n == 0) return 0;
    const uint64_t v = buf_ >> (64 - n);
    buf_ <<= n;
    valid_ -= n;
    return v;
  }

  std::string_view data_;
  size_t pos_ = 0;     // next byte of data_ to load into buf_
  uint64_t buf_ = 0;   // left-aligned unread bits; the bits below them are zero
  int valid_ = 0;      // number of valid bits in buf_
};

}  // namespace cairn::storage::chunk
