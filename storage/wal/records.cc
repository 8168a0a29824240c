#include "storage/wal/records.h"

#include <zstd.h>

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
  bool Rest(std::string_view* out) {
    *out = in_.substr(pos_);
    pos_ = in_.size();
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

namespace {

// zstd's fastest level: at ~40 KB per commit it costs microseconds, and
// higher levels gained little on sample columns.
constexpr int kZstdLevel = 1;
// A decoded record larger than this is taken for damage (a commit of
// 10M samples would be ~110 MB).
constexpr unsigned long long kMaxColumnsBytes = 256ull << 20;

}  // namespace

std::string EncodeSamplesZstd(const std::vector<RefSample>& samples) {
  const size_t n = samples.size();
  std::string cols;
  cols.reserve(n * 12 + 20);
  PutUvarint(&cols, n);
  if (n > 0) {
    const int64_t base = samples.front().t_ms;
    PutUvarint(&cols, ZigZag(base));
    SeriesRef prev = 0;
    for (const RefSample& s : samples) {
      PutUvarint(&cols, ZigZag(static_cast<int64_t>(s.ref - prev)));
      prev = s.ref;
    }
    for (const RefSample& s : samples) {
      PutUvarint(&cols, ZigZag(static_cast<int64_t>(static_cast<uint64_t>(s.t_ms) - static_cast<uint64_t>(base))));
    }
    // Byte planes: the sign, exponent and top mantissa bytes of similar
    // values repeat, which the compressor finds only when they sit together.
    const size_t planes = cols.size();
    cols.resize(planes + 8 * n);
    for (size_t i = 0; i < n; ++i) {
      const uint64_t bits = std::bit_cast<uint64_t>(samples[i].v);
      for (size_t k = 0; k < 8; ++k) cols[planes + k * n + i] = static_cast<char>((bits >> (8 * k)) & 0xff);
    }
  }
  std::string out(ZSTD_compressBound(cols.size()), '\0');
  const size_t z = ZSTD_compress(out.data(), out.size(), cols.data(), cols.size(), kZstdLevel);
  // Compressing into a buffer of ZSTD_compressBound bytes cannot fail.
  out.resize(ZSTD_isError(z) ? 0 : z);
  return out;
}

Status DecodeSamplesZstd(std::string_view payload, std::vector<RefSample>* out) {
  const Status bad = Status::Corruption("wal: bad compressed samples record");
  const unsigned long long size = ZSTD_getFrameContentSize(payload.data(), payload.size());
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN || size > kMaxColumnsBytes) return bad;
  std::string cols(size, '\0');
  const size_t got = ZSTD_decompress(cols.data(), cols.size(), payload.data(), payload.size());
  if (ZSTD_isError(got) || got != size) return bad;
  Decoder d(cols);
  uint64_t n;
  if (!d.Uvarint(&n)) return bad;
  if (n == 0) return d.done() ? Status::OK() : bad;
  // Each sample takes at least 10 bytes (two varints and eight planes).
  if (n > cols.size() / 10) return bad;
  uint64_t zbase;
  if (!d.Uvarint(&zbase)) return bad;
  const int64_t base = UnZigZag(zbase);
  const size_t first = out->size();
  const auto fail = [&] {
    out->resize(first);
    return bad;
  };
  out->resize(first + n);
  RefSample* s = out->data() + first;
  SeriesRef prev = 0;
  for (uint64_t i = 0; i < n; ++i) {
    uint64_t z;
    if (!d.Uvarint(&z)) return fail();
    prev += static_cast<SeriesRef>(UnZigZag(z));
    s[i].ref = prev;
  }
  for (uint64_t i = 0; i < n; ++i) {
    uint64_t z;
    if (!d.Uvarint(&z)) return fail();
    s[i].t_ms = static_cast<int64_t>(static_cast<uint64_t>(base) + static_cast<uint64_t>(UnZigZag(z)));
  }
  std::string_view planes;
  if (!d.Rest(&planes) || planes.size() != 8 * n) return fail();
  for (uint64_t i = 0; i < n; ++i) {
    uint64_t bits = 0;
    for (size_t k = 0; k < 8; ++k) bits |= uint64_t{static_cast<uint8_t>(planes[k * n + i])} << (8 * k);
    s[i].v = std::bit_cast<double>(bits);
  }
  return Status::OK();
}

Status DecodeSampleRecord(uint8_t type, std::string_view payload, std::vector<RefSample>* out) {
  switch (static_cast<RecordType>(type)) {
    case RecordType::kSamples:
      return DecodeSamples(payload, out);
    case RecordType::kSamplesZstd:
      return DecodeSamplesZstd(payload, out);
    default:
      return Status::InvalidArgument("wal: record type " + std::to_string(type) + " holds no samples");
  }
}

}  // namespace cairn::storage::wal
