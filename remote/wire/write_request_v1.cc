#include "remote/wire/write_request_v1.h"

#include <bit>
#include <cstring>

#include <snappy.h>

namespace cairn::remote::wire {
namespace {

// Protobuf tags: (field number << 3) | wire type.
constexpr char kTagLengthDelimited1 = 0x0a;  // field 1, LEN
constexpr char kTagLengthDelimited2 = 0x12;  // field 2, LEN
constexpr char kTagFixed64Field1 = 0x09;     // field 1, I64 (Sample.value)
constexpr char kTagVarintField2 = 0x10;      // field 2, VARINT (Sample.timestamp)

void PutVarint(std::string* out, uint64_t v) {
  char buf[10];
  int n = 0;
  while (v >= 0x80) {
    buf[n++] = static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  buf[n++] = static_cast<char>(v);
  out->append(buf, n);
}

size_t VarintSize(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) v >>= 7, ++n;
  return n;
}

void PutLengthDelimited(std::string* out, char tag, std::string_view bytes) {
  out->push_back(tag);
  PutVarint(out, bytes.size());
  out->append(bytes);
}

}  // namespace

static_assert(std::endian::native == std::endian::little, "Sample.value is copied as little-endian");

std::string WriteRequestV1Writer::EncodeLabels(
    const std::vector<std::pair<std::string, std::string>>& labels) {
  std::string out;
  for (const auto& [name, value] : labels) AppendLabel(&out, name, value);
  return out;
}

void WriteRequestV1Writer::AppendLabel(std::string* out, std::string_view name, std::string_view value) {
  // Label body: two length-delimited fields, so its length is known up front.
  const size_t body = 2 + VarintSize(name.size()) + name.size() + VarintSize(value.size()) + value.size();
  out->push_back(kTagLengthDelimited1);
  PutVarint(out, body);
  PutLengthDelimited(out, kTagLengthDelimited1, name);
  PutLengthDelimited(out, kTagLengthDelimited2, value);
}

void WriteRequestV1Writer::BeginSeries(std::string_view encoded_labels) {
  series_body_.assign(encoded_labels);
}

void WriteRequestV1Writer::AddSample(int64_t t_ms, double value) {
  // Sample body: value tag + 8 bytes, timestamp tag + varint (at most 10 bytes).
  char body[1 + 8 + 1 + 10];
  size_t n = 0;
  body[n++] = kTagFixed64Field1;
  std::memcpy(body + n, &value, 8);  // protobuf fixed64 is little-endian, as is x86-64
  n += 8;
  body[n++] = kTagVarintField2;
  uint64_t v = static_cast<uint64_t>(t_ms);
  while (v >= 0x80) {
    body[n++] = static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  body[n++] = static_cast<char>(v);
  series_body_.push_back(kTagLengthDelimited2);
  series_body_.push_back(static_cast<char>(n));  // n <= 20 fits a one-byte varint
  series_body_.append(body, n);
}

void WriteRequestV1Writer::EndSeries() {
  PutLengthDelimited(&buffer_, kTagLengthDelimited1, series_body_);
  ++series_;
}

void WriteRequestV1Writer::CompressTo(std::string* out) const {
  out->clear();
  snappy::Compress(buffer_.data(), buffer_.size(), out);
}

void WriteRequestV1Writer::Clear() {
  buffer_.clear();
  series_ = 0;
}

}  // namespace cairn::remote::wire
