// Fuzzes the remote-write receiver. The first byte picks 1.0 or 2.0 and
// whether the rest is sent as the raw body (exercising the snappy decoder)
// or snappy-compressed first (so the protobuf decoder sees the fuzz bytes).
// Invariants: no sanitizer finding; every outcome is 204, 400 or 413; a 204
// wrote every sample the decoder saw and rejected none; and the hand-written
// decoder agrees with the generated protobuf parser on every message the
// latter accepts (same series, labels, samples bit for bit).
#include <snappy.h>

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/remote_write.h"
#include "ingest/write_request_decoder.h"
#include "proto/remote.pb.h"
#include "proto/write_v2.pb.h"
#include "storage/memory_storage.h"

namespace {

using cairn::ingest::DecodedSample;
using cairn::ingest::RemoteWriteVersion;

struct Series {
  std::vector<std::pair<std::string, std::string>> labels;
  std::vector<DecodedSample> samples;
  int64_t histograms = 0, exemplars = 0;
};

struct Collector final : cairn::ingest::WriteRequestVisitor {
  std::vector<Series> series;
  int64_t samples = 0;
  int metadata = 0;
  cairn::Status OnSeries(const cairn::ingest::SeriesView& s) override {
    Series& out = series.emplace_back();
    for (const auto& l : s.labels) out.labels.emplace_back(l.name, l.value);
    out.samples = s.samples;
    out.histograms = s.histograms;
    out.exemplars = s.exemplars;
    samples += static_cast<int64_t>(s.samples.size());
    return cairn::Status::OK();
  }
  cairn::Status OnMetadata(const cairn::ingest::MetadataView&) override {
    ++metadata;
    return cairn::Status::OK();
  }
};

void Check(bool ok) {
  if (!ok) std::abort();
}

bool SameSample(const DecodedSample& a, int64_t t, double v, int64_t start) {
  return a.t_ms == t && std::bit_cast<uint64_t>(a.v) == std::bit_cast<uint64_t>(v) && a.start_t_ms == start;
}

// Our decoder may refuse what C++ protobuf accepts only for groups (skipped
// as unknown fields by protobuf, refused by us), keys wider than 32 bits
// (protobuf truncates them; Go's, which Prometheus uses, refuses them like
// us) and the 2.0 symbol rules.
bool AllowedDisagreement(const cairn::Status& st) {
  const std::string& m = st.message();
  return m.find("group") != std::string::npos || m.find("invalid field number") != std::string::npos ||
         m.find("symbol") != std::string::npos ||
         m.find("labels_refs") != std::string::npos;
}

void CompareV1(std::string_view raw) {
  prometheus::WriteRequest want;
  if (!want.ParseFromArray(raw.data(), static_cast<int>(raw.size()))) return;
  Collector got;
  cairn::Status st = cairn::ingest::DecodeWriteRequest(raw, RemoteWriteVersion::kV1, got);
  if (!st.ok()) return Check(AllowedDisagreement(st));
  Check(got.series.size() == static_cast<size_t>(want.timeseries_size()));
  Check(got.metadata == want.metadata_size());
  for (size_t i = 0; i < got.series.size(); ++i) {
    const auto& w = want.timeseries(static_cast<int>(i));
    const Series& g = got.series[i];
    Check(g.labels.size() == static_cast<size_t>(w.labels_size()));
    for (size_t k = 0; k < g.labels.size(); ++k)
      Check(g.labels[k].first == w.labels(k).name() && g.labels[k].second == w.labels(k).value());
    Check(g.samples.size() == static_cast<size_t>(w.samples_size()));
    for (size_t k = 0; k < g.samples.size(); ++k)
      Check(SameSample(g.samples[k], w.samples(k).timestamp(), w.samples(k).value(), 0));
    Check(g.histograms == w.histograms_size() && g.exemplars == w.exemplars_size());
  }
}

void CompareV2(std::string_view raw) {
  io::prometheus::write::v2::Request want;
  if (!want.ParseFromArray(raw.data(), static_cast<int>(raw.size()))) return;
  Collector got;
  cairn::Status st = cairn::ingest::DecodeWriteRequest(raw, RemoteWriteVersion::kV2, got);
  if (!st.ok()) return Check(AllowedDisagreement(st));
  Check(got.series.size() == static_cast<size_t>(want.timeseries_size()));
  for (size_t i = 0; i < got.series.size(); ++i) {
    const auto& w = want.timeseries(static_cast<int>(i));
    const Series& g = got.series[i];
    Check(g.labels.size() * 2 == static_cast<size_t>(w.labels_refs_size()));
    for (size_t k = 0; k < g.labels.size(); ++k)
      Check(g.labels[k].first == want.symbols(w.labels_refs(2 * k)) &&
            g.labels[k].second == want.symbols(w.labels_refs(2 * k + 1)));
    Check(g.samples.size() == static_cast<size_t>(w.samples_size()));
    for (size_t k = 0; k < g.samples.size(); ++k)
      Check(SameSample(g.samples[k], w.samples(k).timestamp(), w.samples(k).value(),
                       w.samples(k).start_timestamp()));
    Check(g.histograms == w.histograms_size() && g.exemplars == w.exemplars_size());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const bool v2 = data[0] & 1;
  const bool raw_body = data[0] & 2;
  const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::string body;
  if (raw_body) {
    body.assign(rest);
  } else {
    snappy::Compress(rest.data(), rest.size(), &body);
  }
  const std::string_view content_type =
      v2 ? "application/x-protobuf;proto=io.prometheus.write.v2.Request" : "application/x-protobuf";
  cairn::storage::MemoryStorage db;
  cairn::ingest::RemoteWriteLimits limits;
  limits.max_decoded_bytes = 1 << 20;
  cairn::ingest::WriteOutcome out =
      cairn::ingest::HandleRemoteWrite(body, content_type, "snappy", db, nullptr, limits);
  Check(out.http_status == 204 || out.http_status == 400 || out.http_status == 413);
  if (raw_body) return 0;
  if (out.http_status == 204) {
    Collector c;
    Check(cairn::ingest::DecodeWriteRequest(rest, v2 ? RemoteWriteVersion::kV2 : RemoteWriteVersion::kV1, c).ok());
    Check(out.samples_written == c.samples && out.samples_rejected == 0);
  }
  if (v2) {
    CompareV2(rest);
  } else {
    CompareV1(rest);
  }
  return 0;
}
