#include "ingest/wire_reader.h"

#include <cstring>

namespace cairn::ingest {

bool WireReader::ReadVarint(const char** p, const char* end, uint64_t* out) {
  const char* q = *p;
  uint64_t result = 0;
  for (int shift = 0; shift < 70; shift += 7) {
    if (q >= end) return false;
    uint64_t byte = static_cast<uint8_t>(*q++);
    result |= (byte & 0x7f) << shift;
    if (byte < 0x80) {
      *out = result;
      *p = q;
      return true;
    }
  }
  return false;  // more than 10 bytes
}

bool WireReader::NextSlow() {
  uint64_t key;
  if (!ReadVarint(&p_, end_, &key)) return Fail("truncated field key");
  uint64_t number = key >> 3;
  if (number == 0 || number > 0x1fffffff) return Fail("invalid field number");
  field_ = static_cast<uint32_t>(number);
  switch (key & 7) {
    case 0:
      type_ = WireType::kVarint;
      if (!ReadVarint(&p_, end_, &value_)) return Fail("truncated varint");
      return true;
    case 1:
      type_ = WireType::kFixed64;
      if (end_ - p_ < 8) return Fail("truncated fixed64");
      std::memcpy(&value_, p_, 8);  // little-endian hosts only (x86-64, arm64)
      p_ += 8;
      return true;
    case 2: {
      type_ = WireType::kLen;
      uint64_t len;
      if (!ReadVarint(&p_, end_, &len)) return Fail("truncated length");
      if (len > static_cast<uint64_t>(end_ - p_)) return Fail("length-delimited field overruns message");
      bytes_ = std::string_view(p_, len);
      p_ += len;
      return true;
    }
    case 5: {
      type_ = WireType::kFixed32;
      if (end_ - p_ < 4) return Fail("truncated fixed32");
      uint32_t v;
      std::memcpy(&v, p_, 4);
      value_ = v;
      p_ += 4;
      return true;
    }
    default:
      return Fail("unsupported wire type (group or invalid)");
  }
}

}  // namespace cairn::ingest
