// WireReader: a bounded, zero-copy reader of the protobuf wire format, used by
// the hand-written remote-write decoder (faster than the generated classes:
// no allocation, strings stay views into the input).
//
// It walks the fields of one message: each Next() reads a key and its value.
// Varint and fixed values land in `value`, length-delimited ones in `bytes`
// (a view into the input, valid as long as the input is). Groups (wire types
// 3/4, deprecated since proto2) and any truncated or over-long encoding stop
// the walk with an error. Every read is bounds-checked; no input can make it
// read outside the buffer, loop forever or allocate.
// Thread-safety: a value type; one reader per thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace cairn::ingest {

enum class WireType : uint8_t { kVarint = 0, kFixed64 = 1, kLen = 2, kFixed32 = 5 };

class WireReader {
 public:
  explicit WireReader(std::string_view message) : p_(message.data()), end_(message.data() + message.size()) {}

  // Reads the next field. Returns false at the end of the message or on
  // malformed input; error() tells which (nullptr at a clean end).
  // Inline fast path: a length-delimited field with a one-byte key and a
  // one-byte length, which is what labels, their strings and samples are.
  bool Next() {
    if (p_ >= end_) return false;
    const auto key = static_cast<uint8_t>(*p_);
    if (key >= 0x08 && key < 0x80 && (key & 7) == 2 && end_ - p_ >= 2 && static_cast<uint8_t>(p_[1]) < 0x80) {
      const size_t len = static_cast<uint8_t>(p_[1]);
      if (len <= static_cast<size_t>(end_ - p_ - 2)) {
        field_ = key >> 3;
        type_ = WireType::kLen;
        bytes_ = std::string_view(p_ + 2, len);
        p_ += 2 + len;
        return true;
      }
    }
    return NextSlow();
  }

  uint32_t field() const { return field_; }
  WireType wire_type() const { return type_; }
  // The varint, fixed64 or fixed32 value of the current field.
  uint64_t value() const { return value_; }
  // The payload of the current length-delimited field.
  std::string_view bytes() const { return bytes_; }

  // nullptr when the walk ended cleanly; otherwise what was wrong.
  const char* error() const { return error_; }

  // Reads one varint from [*p, end), advancing *p. False when truncated or
  // longer than 10 bytes.
  static bool ReadVarint(const char** p, const char* end, uint64_t* out);

 private:
  bool NextSlow();
  bool Fail(const char* why) {
    error_ = why;
    p_ = end_;
    return false;
  }

  const char* p_;
  const char* end_;
  uint32_t field_ = 0;
  WireType type_ = WireType::kVarint;
  uint64_t value_ = 0;
  std::string_view bytes_;
  const char* error_ = nullptr;
};

// Decodes a packed or unpacked repeated varint field's current occurrence:
// calls `fn(uint64_t)` for each value. Returns false on malformed input.
template <typename Fn>
bool ForEachVarint(const WireReader& r, Fn&& fn) {
  if (r.wire_type() == WireType::kVarint) {
    fn(r.value());
    return true;
  }
  if (r.wire_type() != WireType::kLen) return true;  // wrong wire type: ignored like an unknown field
  const char* p = r.bytes().data();
  const char* end = p + r.bytes().size();
  while (p < end) {
    uint64_t v;
    if (!WireReader::ReadVarint(&p, end, &v)) return false;
    fn(v);
  }
  return true;
}

}  // namespace cairn::ingest
