// The hand-written WriteRequest encoder, checked by decoding its output with
// Cairn's remote-write decoder (ingest/write_request_decoder.h).
#include "remote/wire/write_request_v1.h"

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <snappy.h>

#include "ingest/write_request_decoder.h"

namespace cairn::remote::wire {
namespace {

struct Collected {
  std::vector<std::pair<std::string, std::string>> labels;
  std::vector<std::pair<int64_t, uint64_t>> samples;  // value as bits
};

class Collector : public ingest::WriteRequestVisitor {
 public:
  Status OnSeries(const ingest::SeriesView& s) override {
    Collected c;
    for (const auto& l : s.labels) c.labels.emplace_back(std::string(l.name), std::string(l.value));
    for (const auto& x : s.samples) c.samples.emplace_back(x.t_ms, std::bit_cast<uint64_t>(x.v));
    series.push_back(std::move(c));
    return Status::OK();
  }
  Status OnMetadata(const ingest::MetadataView&) override { return Status::OK(); }
  std::vector<Collected> series;
};

TEST(WriteRequestV1WriterTest, DecodesToTheSameSeriesAndBitExactSamples) {
  const std::vector<std::pair<std::string, std::string>> a = {
      {"__name__", "node_cpu_seconds_total"}, {"cpu", "0"}, {"mode", "idle"}};
  // A long value forces a multi-byte length varint.
  const std::vector<std::pair<std::string, std::string>> b = {{"__name__", "x"},
                                                              {"long", std::string(300, 'v')}};
  const double stale = std::bit_cast<double>(uint64_t{0x7ff0000000000002});
  WriteRequestV1Writer enc;
  enc.BeginSeries(WriteRequestV1Writer::EncodeLabels(a));
  enc.AddSample(1795680000123, 12.34);
  enc.AddSample(1795680015120, stale);
  enc.EndSeries();
  enc.BeginSeries(WriteRequestV1Writer::EncodeLabels(b));
  enc.AddSample(-5, -0.0);
  enc.AddSample(std::numeric_limits<int64_t>::max(), 1e300);
  enc.EndSeries();
  EXPECT_EQ(enc.series(), 2u);

  std::string body, raw;
  enc.CompressTo(&body);
  ASSERT_TRUE(snappy::Uncompress(body.data(), body.size(), &raw));
  EXPECT_EQ(raw, enc.raw());

  Collector c;
  ASSERT_TRUE(ingest::DecodeWriteRequest(raw, ingest::RemoteWriteVersion::kV1, c).ok());
  ASSERT_EQ(c.series.size(), 2u);
  EXPECT_EQ(c.series[0].labels, a);
  EXPECT_EQ(c.series[1].labels, b);
  const std::vector<std::pair<int64_t, uint64_t>> want0 = {
      {1795680000123, std::bit_cast<uint64_t>(12.34)}, {1795680015120, 0x7ff0000000000002}};
  const std::vector<std::pair<int64_t, uint64_t>> want1 = {
      {-5, std::bit_cast<uint64_t>(-0.0)},
      {std::numeric_limits<int64_t>::max(), std::bit_cast<uint64_t>(1e300)}};
  EXPECT_EQ(c.series[0].samples, want0);
  EXPECT_EQ(c.series[1].samples, want1);
}

TEST(WriteRequestV1WriterTest, LabelsAppendedOneByOneEqualEncodeLabels) {
  const std::vector<std::pair<std::string, std::string>> labels = {
      {"__name__", "node_cpu_seconds_total"}, {"", ""}, {"long", std::string(200, 'v')}};
  std::string appended;
  for (const auto& [name, value] : labels) WriteRequestV1Writer::AppendLabel(&appended, name, value);
  EXPECT_EQ(appended, WriteRequestV1Writer::EncodeLabels(labels));

  WriteRequestV1Writer a, b;
  a.BeginSeries(WriteRequestV1Writer::EncodeLabels(labels));
  b.BeginSeries();
  for (const auto& [name, value] : labels) WriteRequestV1Writer::AppendLabel(b.series_labels(), name, value);
  for (auto* w : {&a, &b}) {
    w->AddSample(1795680000123, 0.5);
    w->EndSeries();
  }
  EXPECT_EQ(a.raw(), b.raw());
}

TEST(WriteRequestV1WriterTest, ClearStartsAnEmptyRequest) {
  WriteRequestV1Writer enc;
  enc.BeginSeries(WriteRequestV1Writer::EncodeLabels({{"__name__", "up"}}));
  enc.AddSample(1, 1);
  enc.EndSeries();
  enc.Clear();
  EXPECT_TRUE(enc.raw().empty());
  EXPECT_EQ(enc.series(), 0u);
  enc.BeginSeries(WriteRequestV1Writer::EncodeLabels({{"__name__", "down"}}));
  enc.AddSample(2, 0);
  enc.EndSeries();
  Collector c;
  ASSERT_TRUE(ingest::DecodeWriteRequest(enc.raw(), ingest::RemoteWriteVersion::kV1, c).ok());
  ASSERT_EQ(c.series.size(), 1u);
  EXPECT_EQ(c.series[0].labels[0].second, "down");
}

}  // namespace
}  // namespace cairn::remote::wire
