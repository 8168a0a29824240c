#include "ingest/write_request_decoder.h"

#include <bit>
#include <string>

#include "ingest/wire_reader.h"

namespace cairn::ingest {
namespace {

Status Malformed(std::string_view what, const char* error) {
  std::string msg = "malformed protobuf in ";
  msg += what;
  if (error != nullptr) {
    msg += ": ";
    msg += error;
  }
  return Status::InvalidArgument(std::move(msg));
}

Status Malformed(std::string_view what, const WireReader& r) { return Malformed(what, r.error()); }

// Metric type enums of 1.0 (MetricMetadata.MetricType) and 2.0
// (Metadata.MetricType) share their numbering with storage::MetricType.
storage::MetricType ToMetricType(uint64_t v) {
  return v <= static_cast<uint64_t>(storage::MetricType::kStateset) ? static_cast<storage::MetricType>(v)
                                                                    : storage::MetricType::kUnknown;
}

// Sample (1.0 and 2.0 share fields 1 and 2; 2.0 adds start_timestamp = 3).
// Returns the wire error, nullptr when well formed.
const char* DecodeSample(std::string_view msg, DecodedSample* s) {
  WireReader r(msg);
  while (r.Next()) {
    switch (r.field()) {
      case 1:
        if (r.wire_type() == WireType::kFixed64) s->v = std::bit_cast<double>(r.value());
        break;
      case 2:
        if (r.wire_type() == WireType::kVarint) s->t_ms = static_cast<int64_t>(r.value());
        break;
      case 3:
        if (r.wire_type() == WireType::kVarint) s->start_t_ms = static_cast<int64_t>(r.value());
        break;
      default:
        break;
    }
  }
  return r.error();
}

const char* DecodeLabel(std::string_view msg, LabelView* l) {
  WireReader r(msg);
  while (r.Next()) {
    if (r.wire_type() != WireType::kLen) continue;
    if (r.field() == 1) l->name = r.bytes();
    if (r.field() == 2) l->value = r.bytes();
  }
  return r.error();
}

Status DecodeSeriesV1(std::string_view msg, SeriesView* s) {
  s->labels.clear();
  s->samples.clear();
  s->histograms = 0;
  s->exemplars = 0;
  WireReader r(msg);
  while (r.Next()) {
    if (r.wire_type() != WireType::kLen) continue;
    switch (r.field()) {
      case 1:
        if (const char* err = DecodeLabel(r.bytes(), &s->labels.emplace_back())) return Malformed("Label", err);
        break;
      case 2:
        if (const char* err = DecodeSample(r.bytes(), &s->samples.emplace_back())) return Malformed("Sample", err);
        s->samples.back().start_t_ms = 0;  // not a 1.0 field
        break;
      case 3:
        ++s->exemplars;
        break;
      case 4:
        ++s->histograms;
        break;
      default:
        break;
    }
  }
  if (r.error() != nullptr) return Malformed("TimeSeries", r);
  return Status::OK();
}

Status DecodeMetadataV1(std::string_view msg, MetadataView* md) {
  *md = MetadataView{};
  WireReader r(msg);
  while (r.Next()) {
    if (r.field() == 1 && r.wire_type() == WireType::kVarint) md->type = ToMetricType(r.value());
    if (r.wire_type() != WireType::kLen) continue;
    if (r.field() == 2) md->family = r.bytes();
    if (r.field() == 4) md->help = r.bytes();
    if (r.field() == 5) md->unit = r.bytes();
  }
  if (r.error() != nullptr) return Malformed("MetricMetadata", r);
  return Status::OK();
}

Status DecodeV1(std::string_view message, WriteRequestVisitor& visitor) {
  SeriesView series;
  MetadataView md;
  WireReader r(message);
  while (r.Next()) {
    if (r.wire_type() != WireType::kLen) continue;
    if (r.field() == 1) {
      CAIRN_RETURN_IF_ERROR(DecodeSeriesV1(r.bytes(), &series));
      CAIRN_RETURN_IF_ERROR(visitor.OnSeries(series));
    } else if (r.field() == 3) {
      CAIRN_RETURN_IF_ERROR(DecodeMetadataV1(r.bytes(), &md));
      CAIRN_RETURN_IF_ERROR(visitor.OnMetadata(md));
    }
  }
  if (r.error() != nullptr) return Malformed("WriteRequest", r);
  return Status::OK();
}

class SymbolTable {
 public:
  explicit SymbolTable(std::vector<std::string_view> symbols) : symbols_(std::move(symbols)) {}
  bool Lookup(uint64_t ref, std::string_view* out) const {
    if (ref >= symbols_.size()) return false;
    *out = symbols_[ref];
    return true;
  }

 private:
  std::vector<std::string_view> symbols_;
};

Status DecodeSeriesV2(std::string_view msg, const SymbolTable& symbols, std::vector<uint64_t>* refs,
                      SeriesView* s) {
  s->labels.clear();
  s->samples.clear();
  s->histograms = 0;
  s->exemplars = 0;
  s->has_metadata = false;
  s->metadata = MetadataView{};
  refs->clear();
  uint64_t help_ref = 0, unit_ref = 0;
  WireReader r(msg);
  while (r.Next()) {
    switch (r.field()) {
      case 1:
        if (!ForEachVarint(r, [refs](uint64_t v) { refs->push_back(v); }))
          return Malformed("labels_refs", "truncated packed varint");
        break;
      case 2:
        if (r.wire_type() != WireType::kLen) break;
        if (const char* err = DecodeSample(r.bytes(), &s->samples.emplace_back())) return Malformed("Sample", err);
        break;
      case 3:
        if (r.wire_type() == WireType::kLen) ++s->histograms;
        break;
      case 4:
        if (r.wire_type() == WireType::kLen) ++s->exemplars;
        break;
      case 5: {
        if (r.wire_type() != WireType::kLen) break;
        s->has_metadata = true;
        WireReader m(r.bytes());
        while (m.Next()) {
          if (m.wire_type() != WireType::kVarint) continue;
          if (m.field() == 1) s->metadata.type = ToMetricType(m.value());
          if (m.field() == 3) help_ref = m.value();
          if (m.field() == 4) unit_ref = m.value();
        }
        if (m.error() != nullptr) return Malformed("Metadata", m);
        break;
      }
      default:
        break;
    }
  }
  if (r.error() != nullptr) return Malformed("TimeSeries", r);
  if (refs->size() % 2 != 0) return Status::InvalidArgument("labels_refs has an odd number of entries");
  s->labels.resize(refs->size() / 2);
  for (size_t i = 0; i < s->labels.size(); ++i) {
    if (!symbols.Lookup((*refs)[2 * i], &s->labels[i].name) ||
        !symbols.Lookup((*refs)[2 * i + 1], &s->labels[i].value))
      return Status::InvalidArgument("label symbol reference out of range");
  }
  if (s->has_metadata) {
    if (!symbols.Lookup(help_ref, &s->metadata.help) || !symbols.Lookup(unit_ref, &s->metadata.unit))
      return Status::InvalidArgument("metadata symbol reference out of range");
    for (const LabelView& l : s->labels)
      if (l.name == storage::kMetricName) s->metadata.family = l.value;
  }
  return Status::OK();
}

Status DecodeV2(std::string_view message, WriteRequestVisitor& visitor) {
  // Symbols may follow the series on the wire, so collect them first.
  std::vector<std::string_view> symbols;
  WireReader r(message);
  while (r.Next()) {
    if (r.field() == 4 && r.wire_type() == WireType::kLen) symbols.push_back(r.bytes());
  }
  if (r.error() != nullptr) return Malformed("Request", r);
  if (!symbols.empty() && !symbols[0].empty()) return Status::InvalidArgument("symbols[0] must be the empty string");
  const SymbolTable table(std::move(symbols));

  SeriesView series;
  std::vector<uint64_t> refs;
  WireReader ts(message);
  while (ts.Next()) {
    if (ts.field() != 5 || ts.wire_type() != WireType::kLen) continue;
    CAIRN_RETURN_IF_ERROR(DecodeSeriesV2(ts.bytes(), table, &refs, &series));
    CAIRN_RETURN_IF_ERROR(visitor.OnSeries(series));
  }
  return Status::OK();
}

}  // namespace

Status DecodeWriteRequest(std::string_view message, RemoteWriteVersion version, WriteRequestVisitor& visitor) {
  return version == RemoteWriteVersion::kV1 ? DecodeV1(message, visitor) : DecodeV2(message, visitor);
}

}  // namespace cairn::ingest
