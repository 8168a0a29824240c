#include "storage/chunk/xor_chunk.h"

#include <bit>
#include <utility>

namespace cairn::storage::chunk {
namespace {

constexpr size_t kHeaderBytes = 2;

// Go's binary.PutUvarint, written byte by byte into the bit stream.
void PutUvarint(BitWriter* w, uint64_t x) {
  while (x >= 0x80) {
    w->WriteByte(static_cast<uint8_t>(x) | 0x80);
    x >>= 7;
  }
  w->WriteByte(static_cast<uint8_t>(x));
}

// Go's binary.PutVarint: zig-zag then uvarint.
void PutVarint(BitWriter* w, int64_t x) {
  uint64_t ux = static_cast<uint64_t>(x) << 1;
  if (x < 0) ux = ~ux;
  PutUvarint(w, ux);
}

// Prometheus' bitRange: does x fit the nbits-wide dod bucket?
bool BitRange(int64_t x, int nbits) {
  const int64_t half = int64_t{1} << (nbits - 1);
  return -(half - 1) <= x && x <= half;
}

void SetCount(std::string* data, uint16_t n) {
  (*data)[0] = static_cast<char>(n >> 8);
  (*data)[1] = static_cast<char>(n & 0xff);
}

}  // namespace

uint16_t XorNumSamples(std::string_view data) {
  if (data.size() < kHeaderBytes) return 0;
  return static_cast<uint16_t>(static_cast<uint8_t>(data[0]) << 8 | static_cast<uint8_t>(data[1]));
}

XorChunk::XorChunk() : data_(kHeaderBytes, '\0') {}

void XorChunk::Append(int64_t t_ms, double v) {
  const uint16_t n = num_samples();
  uint64_t t_delta = 0;
  if (n == 0) {
    BitWriter w(&data_, free_bits_);
    PutVarint(&w, t_ms);
    w.WriteBits(std::bit_cast<uint64_t>(v), 64);
    free_bits_ = static_cast<uint8_t>(w.free_bits());
    min_t_ = t_ms;
    leading_ = 0xff;
    trailing_ = 0;
  } else if (n == 1) {
    t_delta = static_cast<uint64_t>(t_ms) - static_cast<uint64_t>(t_);
    BitWriter w(&data_, free_bits_);
    PutUvarint(&w, t_delta);
    free_bits_ = static_cast<uint8_t>(w.free_bits());
    WriteValue(v);
  } else {
    t_delta = static_cast<uint64_t>(t_ms) - static_cast<uint64_t>(t_);
    const int64_t dod = static_cast<int64_t>(t_delta - t_delta_);
    BitWriter w(&data_, free_bits_);
    const uint64_t udod = static_cast<uint64_t>(dod);
    if (dod == 0) {
      w.WriteBit(false);
    } else if (BitRange(dod, 14)) {
      w.WriteBits(0b10, 2);
      w.WriteBits(udod, 14);
    } else if (BitRange(dod, 17)) {
      w.WriteBits(0b110, 3);
      w.WriteBits(udod, 17);
    } else if (BitRange(dod, 20)) {
      w.WriteBits(0b1110, 4);
      w.WriteBits(udod, 20);
    } else {
      w.WriteBits(0b1111, 4);
      w.WriteBits(udod, 64);
    }
    free_bits_ = static_cast<uint8_t>(w.free_bits());
    WriteValue(v);
  }
  t_ = t_ms;
  v_ = v;
  t_delta_ = t_delta;
  num_ = static_cast<uint16_t>(n + 1);
  SetCount(&data_, num_);
}

void XorChunk::WriteValue(double v) {
  BitWriter w(&data_, free_bits_);
  const uint64_t delta = std::bit_cast<uint64_t>(v) ^ std::bit_cast<uint64_t>(v_);
  if (delta == 0) {
    w.WriteBit(false);
  } else {
    w.WriteBit(true);
    uint8_t lead = static_cast<uint8_t>(std::countl_zero(delta));
    const uint8_t trail = static_cast<uint8_t>(std::countr_zero(delta));
    if (lead >= 32) lead = 31;  // 5 bits hold at most 31
    if (leading_ != 0xff && lead >= leading_ && trail >= trailing_) {
      w.WriteBit(false);
      w.WriteBits(delta >> trailing_, 64 - leading_ - trailing_);
    } else {
      leading_ = lead;
      trailing_ = trail;
      w.WriteBit(true);
      w.WriteBits(lead, 5);
      const int sigbits = 64 - lead - trail;
      w.WriteBits(static_cast<uint64_t>(sigbits), 6);  // 64 wraps to 0
      w.WriteBits(delta >> trail, sigbits);
    }
  }
  free_bits_ = static_cast<uint8_t>(w.free_bits());
}

Result<XorChunk> XorChunk::FromBytes(std::string_view data) {
  XorChunk c;
  if (data.size() < kHeaderBytes) return Status::Corruption("xor chunk: shorter than its header");
  XorIterator it(data);
  bool first = true;
  while (it.Next()) {
    if (first) c.min_t_ = it.t_;
    first = false;
  }
  if (!it.status().ok()) return it.status();
  const size_t used_bits = kHeaderBytes * 8 + it.br_.bits_read();
  if (used_bits > data.size() * 8 || data.size() * 8 - used_bits > 8) {
    return Status::Corruption("xor chunk: trailing bytes after the last sample");
  }
  c.data_.assign(data.data(), data.size());
  c.free_bits_ = static_cast<uint8_t>(data.size() * 8 - used_bits);
  c.num_ = XorNumSamples(data);
  c.t_ = it.t_;
  c.v_ = it.v_;
  c.t_delta_ = it.t_delta_;
  // Keep "no window yet" when none was read, so appending continues exactly
  // as an uninterrupted encoder would.
  c.leading_ = it.window_set_ ? it.leading_ : 0xff;
  c.trailing_ = it.window_set_ ? it.trailing_ : 0;
  return c;
}

XorIterator::XorIterator(std::string_view data)
    : br_(data.size() >= kHeaderBytes ? data.substr(kHeaderBytes) : std::string_view()),
      total_(XorNumSamples(data)) {
  if (data.size() < kHeaderBytes) bad_ = true;
}

Status XorIterator::status() const {
  return bad_ ? Status::Corruption("xor chunk: truncated or damaged bit stream") : Status::OK();
}

bool XorIterator::Fail() {
  bad_ = true;
  return false;
}

bool XorIterator::ReadUvarint(uint64_t* out) {
  uint64_t x = 0;
  int shift = 0;
  for (int i = 0; i < 10; ++i) {
    uint8_t b;
    if (!br_.ReadByte(&b)) return false;
    if (b < 0x80) {
      if (i == 9 && b > 1) return false;  // overflows 64 bits (Go: errOverflow)
      *out = x | uint64_t{b} << shift;
      return true;
    }
    x |= uint64_t{static_cast<uint8_t>(b & 0x7f)} << shift;
    shift += 7;
  }
  return false;
}

bool XorIterator::Next() {
  if (bad_ || read_ == total_) return false;
  if (read_ == 0) {
    uint64_t ux, vbits;
    if (!ReadUvarint(&ux) || !br_.ReadBits(64, &vbits)) return Fail();
    int64_t t = static_cast<int64_t>(ux >> 1);
    if (ux & 1) t = ~t;
    t_ = t;
    v_ = std::bit_cast<double>(vbits);
    ++read_;
    return true;
  }
  if (read_ == 1) {
    if (!ReadUvarint(&t_delta_)) return Fail();
    t_ = static_cast<int64_t>(static_cast<uint64_t>(t_) + t_delta_);
    return ReadValue();
  }
  const int prefix = br_.ReadPrefix4();  // number of leading 1 bits, up to 4
  if (prefix < 0) return Fail();
  int64_t dod = 0;
  static constexpr int kWidths[] = {0, 14, 17, 20};
  if (prefix == 4) {
    uint64_t bits;
    if (!br_.ReadBits(64, &bits)) return Fail();
    dod = static_cast<int64_t>(bits);
  } else if (prefix > 0) {
    const int sz = kWidths[prefix];
    uint64_t bits;
    if (!br_.ReadBits(sz, &bits)) return Fail();
    // Negative values come back as large unsigned ones (see BitRange).
    if (bits > (uint64_t{1} << (sz - 1))) bits -= uint64_t{1} << sz;
    dod = static_cast<int64_t>(bits);
  }
  t_delta_ = t_delta_ + static_cast<uint64_t>(dod);
  t_ = static_cast<int64_t>(static_cast<uint64_t>(t_) + t_delta_);
  return ReadValue();
}

bool XorIterator::ReadValue() {
  bool bit;
  if (!br_.ReadBit(&bit)) return Fail();
  if (bit) {
    if (!br_.ReadBit(&bit)) return Fail();
    int lead, sig;
    if (!bit) {
      lead = leading_;
      sig = 64 - leading_ - trailing_;
    } else {
      uint64_t l, m;
      if (!br_.ReadBits(5, &l) || !br_.ReadBits(6, &m)) return Fail();
      lead = static_cast<int>(l);
      sig = m == 0 ? 64 : static_cast<int>(m);
      if (lead + sig > 64) return Fail();  // no encoder writes this
      leading_ = static_cast<uint8_t>(lead);
      trailing_ = static_cast<uint8_t>(64 - lead - sig);
      window_set_ = true;
    }
    uint64_t bits;
    if (!br_.ReadBits(sig, &bits)) return Fail();
    const int trail = 64 - lead - sig;
    const uint64_t shifted = trail >= 64 ? 0 : bits << trail;
    v_ = std::bit_cast<double>(std::bit_cast<uint64_t>(v_) ^ shifted);
  }
  ++read_;
  return true;
}

Result<std::vector<Sample>> DecodeXor(std::string_view data) {
  std::vector<Sample> out;
  XorIterator it(data);
  while (it.Next()) out.push_back(it.At());
  if (!it.status().ok()) return it.status();
  return out;
}

std::string EncodeXor(const std::vector<Sample>& samples) {
  XorChunk c;
  for (const Sample& s : samples) c.Append(s.t_ms, s.v);
  return std::string(c.bytes());
}

Result<uint64_t> XorFilter(std::string_view data, const std::function<bool(int64_t)>& drop, XorChunk* kept) {
  uint64_t dropped = 0;
  XorIterator it(data);
  while (it.Next()) {
    const Sample s = it.At();
    if (drop(s.t_ms)) {
      ++dropped;
    } else {
      kept->Append(s.t_ms, s.v);
    }
  }
  CAIRN_RETURN_IF_ERROR(it.status());
  return dropped;
}

}  // namespace cairn::storage::chunk
