#include "storage/wal/records.h"

#include <bit>

#include "util/varint.h"

namespace cairn::storage::wal {
namespace {

void PutString(std::string* out, std::string_view s) {
  PutUvarint(out, s.size());
  out->append(s);
}

class Decoder {
 public:
  explicit Decoder(std::string_view in) : in_(in) {}
  bool done() const { return pos_ == in_.size(); }
  bool Uvarint(uint64_t* out) {
    std::string_view rest = in_.substr(pos_);
    const size_t before = rest.size();
    const bool ok = GetUvarint(&rest, out);
    pos_ += before - rest.size();
    return ok;
  }
  bool Fixed64(uint64_t* out) {
    if (in_.size() - pos_ < 8) return false;
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= uint64_t{static_cast<uint8_t>(in_[pos_ + i])} << (8 * i);
    pos_ += 8;
    *out = v;
    return true;
  }
  bool String(std::string* out) {
    uint64_t n;
    if (!Uvarint(&n) || in_.size() - pos_ < n) return false;
    out->assign(in_.data() + pos_, n);
    pos_ += n;
    return true;
  }

 private:
  std::string_view in_;
  size_t pos_ = 0;
};

}  // namespace

std::string EncodeSeries(const std::vector<RefSeries>& series) {
  std::string out;
  for (const RefSeries& s : series) {
    PutUvarint(&out, s.ref);
    PutUvarint(&out, s.labels.size());
    for (const Label& l : s.labels) {
      PutString(&out, l.name);
      PutString(&out, l.value);
    }
  }
  return out;
}

std::string EncodeSamples(const std::vector<RefSample>& samples) {
  std::string out;
  if (samples.empty()) return out;
  out.reserve(samples.size() * 14 + 10);
  // Timestamps are stored relative to the first one: a batch is usually one
  // scrape, so the deltas take a byte or two instead of six.
  const int64_t base = samples.front().t_ms;
  PutUvarint(&out, ZigZag(base));
  for (const RefSample& s : samples) {
    PutUvarint(&out, s.ref);
    PutUvarint(&out, ZigZag(static_cast<int64_t>(static_cast<uint64_t>(s.t_ms) - static_cast<uint64_t>(base))));
    const uint64_t bits = std::bit_cast<uint64_t>(s.v);
    for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((bits >> (8 * i)) & 0xff));
  }
  return out;
}

Status DecodeSeries(std::string_view payload, std::vector<RefSeries>* out) {
  Decoder d(payload);
  while (!d.done()) {
    RefSeries s;
    uint64_t n;
    if (!d.Uvarint(&s.ref) || !d.Uvarint(&n) || n > payload.size()) {
      return Status::Corruption("wal: bad series record");
    }
    std::vector<Label> labels(n);
    for (Label& l : labels) {
      if (!d.String(&l.name) || !d.String(&l.value)) return Status::Corruption("wal: bad series record");
    }
    s.labels = Labels::FromUnsorted(std::move(labels));
    out->push_back(std::move(s));
  }
  return Status::OK();
}

Status DecodeSamples(std::string_view payload, std::vector<RefSample>* out) {
  Decoder d(payload);
  if (d.done()) return Status::OK();
  uint64_t zbase;
  if (!d.Uvarint(&zbase)) return Status::Corruption("wal: bad samples record");
  const int64_t base = UnZigZag(zbase);
  while (!d.done()) {
    RefSample s;
    uint64_t zz, bits;
    if (!d.Uvarint(&s.ref) || !d.Uvarint(&zz) || !d.Fixed64(&bits)) {
      return Status::Corruption("wal: bad samples record");
    }
    s.t_ms = static_cast<int64_t>(static_cast<uint64_t>(base) + static_cast<uint64_t>(UnZigZag(zz)));
    s.v = std::bit_cast<double>(bits);
    out->push_back(s);
  }
  return Status::OK();
}

}  // namespace cairn::storage::wal
