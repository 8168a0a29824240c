#include "storage/chunk/bstream.h"

namespace cairn::storage::chunk {

void BitWriter::WriteBit(bool bit) {
  if (free_bits_ == 0) {
    out_->push_back('\0');
    free_bits_ = 8;
  }
  if (bit) out_->back() = static_cast<char>(static_cast<uint8_t>(out_->back()) | (1u << (free_bits_ - 1)));
  --free_bits_;
}

void BitWriter::WriteByte(uint8_t b) {
  if (free_bits_ == 0) {
    out_->push_back('\0');
    free_bits_ = 8;
  }
  out_->back() = static_cast<char>(static_cast<uint8_t>(out_->back()) | (b >> (8 - free_bits_)));
  out_->push_back(static_cast<char>(free_bits_ == 8 ? 0 : static_cast<uint8_t>(b << free_bits_)));
}

void BitWriter::WriteBits(uint64_t u, int nbits) {
  if (nbits <= 0) return;
  u <<= 64 - nbits;
  if (nbits >= 8) {
    // The whole bytes as WriteByte would write them one by one, with one
    // resize instead of a push_back per byte.
    if (free_bits_ == 0) {
      out_->push_back('\0');
      free_bits_ = 8;
    }
    const int whole = nbits >> 3;
    const size_t n = out_->size();
    out_->resize(n + static_cast<size_t>(whole));
    auto* p = reinterpret_cast<uint8_t*>(out_->data()) + n - 1;
    const int f = free_bits_;
    for (int i = 0; i < whole; ++i) {
      const auto b = static_cast<uint8_t>(u >> 56);
      u <<= 8;
      p[i] = static_cast<uint8_t>(p[i] | (b >> (8 - f)));
      p[i + 1] = f == 8 ? 0 : static_cast<uint8_t>(b << f);
    }
    nbits &= 7;
  }
  // The remaining < 8 bits, grouped per byte; same result as bit by bit.
  while (nbits > 0) {
    if (free_bits_ == 0) {
      out_->push_back('\0');
      free_bits_ = 8;
    }
    const int take = nbits < free_bits_ ? nbits : free_bits_;
    const uint8_t part = static_cast<uint8_t>(u >> (64 - take));
    out_->back() = static_cast<char>(static_cast<uint8_t>(out_->back()) | (part << (free_bits_ - take)));
    u <<= take;
    free_bits_ -= take;
    nbits -= take;
  }
}

void BitReader::RefillTail() {
  while (valid_ <= 56 && pos_ < data_.size()) {
    buf_ |= uint64_t{static_cast<uint8_t>(data_[pos_++])} << (56 - valid_);
    valid_ += 8;
  }
}

bool BitReader::ReadBitsSlow(int nbits, uint64_t* out) {
  if (nbits == 0) {
    *out = 0;
    return true;
  }
  if (nbits > valid_) Refill();
  if (nbits <= valid_) {
    if (nbits == 64) {
      *out = buf_;
      buf_ = 0;
      valid_ = 0;
    } else {
      *out = Take(nbits);
    }
    return true;
  }
  if (pos_ >= data_.size()) return false;
  // Only a read longer than the 57..64 bits one refill provides gets here.
  const int first = valid_;
  const uint64_t hi = first == 0 ? 0 : Take(first);
  Refill();
  const int rest = nbits - first;
  if (rest > valid_) return false;
  *out = (hi << rest) | Take(rest);
  return true;
}

}  // namespace cairn::storage::chunk
