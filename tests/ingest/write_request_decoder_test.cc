#include "ingest/write_request_decoder.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ingest/wire_reader.h"
#include "proto/remote.pb.h"
#include "proto/write_v2.pb.h"

namespace cairn::ingest {
namespace {

// Hand-built wire bytes, so the tests cover encodings the generated
// serializer never produces (unpacked repeated fields, reordered fields).
std::string Varint(uint64_t v) {
  std::string s;
  while (v >= 0x80) {
    s.push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  s.push_back(static_cast<char>(v));
  return s;
}
std::string Key(uint32_t field, int wire_type) { return Varint((uint64_t{field} << 3) | wire_type); }
std::string Len(uint32_t field, const std::string& payload) {
  return Key(field, 2) + Varint(payload.size()) + payload;
}

struct Collector final : WriteRequestVisitor {
  struct Series {
    std::vector<std::pair<std::string, std::string>> labels;
    std::vector<DecodedSample> samples;
    int64_t histograms, exemplars;
    bool has_metadata;
    std::string family, help, unit;
    storage::MetricType type;
  };
  std::vector<Series> series;
  std::vector<std::string> metadata_families;
  Status OnSeries(const SeriesView& s) override {
    Series out{{}, s.samples, s.histograms, s.exemplars, s.has_metadata, std::string(s.metadata.family),
               std::string(s.metadata.help), std::string(s.metadata.unit), s.metadata.type};
    for (const auto& l : s.labels) out.labels.emplace_back(l.name, l.value);
    series.push_back(std::move(out));
    return Status::OK();
  }
  Status OnMetadata(const MetadataView& md) override {
    metadata_families.emplace_back(md.family);
    return Status::OK();
  }
};

TEST(WriteRequestDecoderTest, V1MatchesGeneratedEncoding) {
  prometheus::WriteRequest req;
  auto* ts = req.add_timeseries();
  auto* l = ts->add_labels();
  l->set_name("__name__");
  l->set_value("up");
  auto* s = ts->add_samples();
  s->set_value(-2.5);
  s->set_timestamp(-7);  // negative timestamps are ten-byte varints
  ts->add_exemplars();
  ts->add_histograms();
  req.add_metadata()->set_metric_family_name("up");
  Collector c;
  ASSERT_TRUE(DecodeWriteRequest(req.SerializeAsString(), RemoteWriteVersion::kV1, c).ok());
  ASSERT_EQ(c.series.size(), 1u);
  EXPECT_EQ(c.series[0].labels, (std::vector<std::pair<std::string, std::string>>{{"__name__", "up"}}));
  ASSERT_EQ(c.series[0].samples.size(), 1u);
  EXPECT_EQ(c.series[0].samples[0].v, -2.5);
  EXPECT_EQ(c.series[0].samples[0].t_ms, -7);
  EXPECT_EQ(c.series[0].exemplars, 1);
  EXPECT_EQ(c.series[0].histograms, 1);
  EXPECT_EQ(c.metadata_families, std::vector<std::string>{"up"});
}

TEST(WriteRequestDecoderTest, UnknownFieldsAreSkipped) {
  std::string sample = Key(1, 1) + std::string("\0\0\0\0\0\0\xf0\x3f", 8) + Key(2, 0) + Varint(42) +
                       Key(9, 5) + "abcd" + Key(10, 0) + Varint(1);
  std::string series = Len(1, Len(1, "__name__") + Len(2, "m")) + Len(2, sample) + Len(15, "junk");
  std::string req = Key(7, 0) + Varint(3) + Len(1, series) + Key(2, 1) + "12345678";
  Collector c;
  ASSERT_TRUE(DecodeWriteRequest(req, RemoteWriteVersion::kV1, c).ok());
  ASSERT_EQ(c.series.size(), 1u);
  ASSERT_EQ(c.series[0].samples.size(), 1u);
  EXPECT_EQ(c.series[0].samples[0].v, 1.0);
  EXPECT_EQ(c.series[0].samples[0].t_ms, 42);
}

TEST(WriteRequestDecoderTest, MalformedInputIsAnError) {
  const std::vector<std::string> bad = {
      std::string("\x0a\x05\x0a", 3),             // length past the end
      std::string("\x08", 1),                     // truncated varint value
      std::string("\x0b\x0c", 2),                 // group wire type
      std::string("\x09\x01\x02", 3),             // truncated fixed64
      std::string("\x00\x01", 2),                 // field number 0
      std::string(11, '\xff'),                    // over-long varint key
      Len(1, Len(2, std::string("\x09\x01", 2))),  // bad nested sample
  };
  for (const std::string& b : bad) {
    Collector c;
    Status st = DecodeWriteRequest(b, RemoteWriteVersion::kV1, c);
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << testing::PrintToString(b);
  }
}

TEST(WriteRequestDecoderTest, NestedErrorsNameTheCause) {
  Collector c;
  // A Label holding a start-group key.
  Status st = DecodeWriteRequest(Len(1, Len(1, Key(3, 3))), RemoteWriteVersion::kV1, c);
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("Label"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("group"), std::string::npos) << st.message();
  st = DecodeWriteRequest(Len(5, Len(2, Key(2, 0) + "\x80")), RemoteWriteVersion::kV2, c);
  EXPECT_NE(st.message().find("Sample: truncated varint"), std::string::npos) << st.message();
}

TEST(WriteRequestDecoderTest, V2PackedAndUnpackedRefsAndLateSymbols) {
  // labels_refs once packed (field 1, wire type 2) and once unpacked, and the
  // symbols after the series on the wire.
  std::string packed_series = Len(1, Varint(1) + Varint(2)) + Len(2, Key(2, 0) + Varint(5) + Key(3, 0) + Varint(4)) +
                              Len(5, Key(1, 0) + Varint(2) + Key(3, 0) + Varint(3) + Key(4, 0) + Varint(0));
  std::string unpacked_series = Key(1, 0) + Varint(1) + Key(1, 0) + Varint(3) + Len(4, "") + Len(3, "");
  std::string req = Len(5, packed_series) + Len(5, unpacked_series) + Len(4, "") + Len(4, "__name__") +
                    Len(4, "g") + Len(4, "help text") + Len(4, "other");
  Collector c;
  Status st = DecodeWriteRequest(req, RemoteWriteVersion::kV2, c);
  ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_EQ(c.series.size(), 2u);
  EXPECT_EQ(c.series[0].labels, (std::vector<std::pair<std::string, std::string>>{{"__name__", "g"}}));
  ASSERT_EQ(c.series[0].samples.size(), 1u);
  EXPECT_EQ(c.series[0].samples[0].t_ms, 5);
  EXPECT_EQ(c.series[0].samples[0].start_t_ms, 4);
  EXPECT_TRUE(c.series[0].has_metadata);
  EXPECT_EQ(c.series[0].type, storage::MetricType::kGauge);
  EXPECT_EQ(c.series[0].family, "g");
  EXPECT_EQ(c.series[0].help, "help text");
  EXPECT_EQ(c.series[1].labels, (std::vector<std::pair<std::string, std::string>>{{"__name__", "help text"}}));
  EXPECT_EQ(c.series[1].exemplars, 1);
  EXPECT_EQ(c.series[1].histograms, 1);
  EXPECT_FALSE(c.series[1].has_metadata);
}

TEST(WriteRequestDecoderTest, V2RejectsBadReferences) {
  std::string symbols = Len(4, "") + Len(4, "a");
  Collector c;
  EXPECT_FALSE(DecodeWriteRequest(symbols + Len(5, Len(1, Varint(1) + Varint(2))), RemoteWriteVersion::kV2, c).ok());
  EXPECT_FALSE(DecodeWriteRequest(symbols + Len(5, Len(1, Varint(1))), RemoteWriteVersion::kV2, c).ok());
  EXPECT_FALSE(
      DecodeWriteRequest(symbols + Len(5, Len(5, Key(3, 0) + Varint(7))), RemoteWriteVersion::kV2, c).ok());
  EXPECT_FALSE(DecodeWriteRequest(Len(4, "x") + Len(5, ""), RemoteWriteVersion::kV2, c).ok());
  EXPECT_TRUE(c.series.empty());
}

TEST(WireReaderTest, ReadsEveryWireType) {
  std::string msg = Key(1, 0) + Varint(300) + Key(2, 1) + std::string("\x01\0\0\0\0\0\0\0", 8) + Len(3, "xy") +
                    Key(4, 5) + std::string("\x02\0\0\0", 4);
  WireReader r(msg);
  ASSERT_TRUE(r.Next());
  EXPECT_EQ(r.field(), 1u);
  EXPECT_EQ(r.value(), 300u);
  ASSERT_TRUE(r.Next());
  EXPECT_EQ(r.wire_type(), WireType::kFixed64);
  EXPECT_EQ(r.value(), 1u);
  ASSERT_TRUE(r.Next());
  EXPECT_EQ(r.bytes(), "xy");
  ASSERT_TRUE(r.Next());
  EXPECT_EQ(r.wire_type(), WireType::kFixed32);
  EXPECT_EQ(r.value(), 2u);
  EXPECT_FALSE(r.Next());
  EXPECT_EQ(r.error(), nullptr);
}

}  // namespace
}  // namespace cairn::ingest
