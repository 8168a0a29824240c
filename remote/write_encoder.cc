#include "remote/write_encoder.h"

#include <snappy.h>

#include <unordered_map>
#include <vector>

#include "proto/remote.pb.h"
#include "proto/write_v2.pb.h"
#include "remote/wire/write_request_v1.h"

namespace cairn::remote {
namespace {

// Indices of each series' samples in the batch, series in first-seen order.
std::vector<std::vector<size_t>> GroupBySeries(std::span<const OutSample> batch) {
  std::unordered_map<const storage::Labels*, size_t> index;
  std::vector<std::vector<size_t>> groups;
  for (size_t i = 0; i < batch.size(); ++i) {
    auto [it, inserted] = index.emplace(batch[i].labels, groups.size());
    if (inserted) groups.emplace_back();
    groups[it->second].push_back(i);
  }
  return groups;
}

// 1.0 is written straight into the body (remote/wire): no message objects,
// each series' label bytes written once per batch.
std::string EncodeV1(std::span<const OutSample> batch) {
  wire::WriteRequestV1Writer writer;
  for (const auto& group : GroupBySeries(batch)) {
    writer.BeginSeries();
    for (const storage::Label& l : *batch[group.front()].labels) {
      wire::WriteRequestV1Writer::AppendLabel(writer.series_labels(), l.name, l.value);
    }
    for (size_t i : group) writer.AddSample(batch[i].t_ms, batch[i].v);
    writer.EndSeries();
  }
  return std::string(writer.raw());
}

std::string EncodeV2(std::span<const OutSample> batch) {
  io::prometheus::write::v2::Request req;
  std::unordered_map<std::string_view, uint32_t> symbols;
  req.add_symbols("");  // symbols[0] is "" by the spec
  symbols.emplace("", 0);
  auto intern = [&](const std::string& s) {
    auto [it, inserted] = symbols.emplace(s, static_cast<uint32_t>(req.symbols_size()));
    if (inserted) req.add_symbols(s);
    return it->second;
  };
  for (const auto& group : GroupBySeries(batch)) {
    io::prometheus::write::v2::TimeSeries* ts = req.add_timeseries();
    for (const storage::Label& l : *batch[group.front()].labels) {
      ts->add_labels_refs(intern(l.name));
      ts->add_labels_refs(intern(l.value));
    }
    for (size_t i : group) {
      io::prometheus::write::v2::Sample* s = ts->add_samples();
      s->set_timestamp(batch[i].t_ms);
      s->set_value(batch[i].v);
    }
  }
  return req.SerializeAsString();
}

}  // namespace

std::string EncodeWriteRequest(std::span<const OutSample> batch, WireFormat format) {
  return format == WireFormat::kV2 ? EncodeV2(batch) : EncodeV1(batch);
}

std::string EncodeMetadataRequest(std::span<const OutMetadata> batch) {
  prometheus::WriteRequest req;
  for (const OutMetadata& m : batch) {
    prometheus::MetricMetadata* pm = req.add_metadata();
    // storage::MetricType follows the protobuf enum's order.
    pm->set_type(static_cast<prometheus::MetricMetadata::MetricType>(m.md->type));
    pm->set_metric_family_name(std::string(m.family));
    pm->set_help(m.md->help);
    pm->set_unit(m.md->unit);
  }
  return req.SerializeAsString();
}

std::string SnappyCompress(std::string_view raw) {
  std::string out;
  snappy::Compress(raw.data(), raw.size(), &out);
  return out;
}

std::string_view ContentType(WireFormat format) {
  return format == WireFormat::kV2 ? "application/x-protobuf;proto=io.prometheus.write.v2.Request"
                                   : "application/x-protobuf";
}

std::string_view ProtocolVersion(WireFormat format) { return format == WireFormat::kV2 ? "2.0.0" : "0.1.0"; }

}  // namespace cairn::remote
