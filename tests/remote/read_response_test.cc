// The client's decoding of remote-read answers: SAMPLES and
// STREAMED_XOR_CHUNKS bodies as Cairn's and Prometheus' servers write them,
// and the damaged ones it must refuse.
#include "remote/read_response.h"

#include <gtest/gtest.h>
#include <snappy.h>

#include "ingest/remote_read.h"
#include "proto/remote.pb.h"
#include "storage/chunk/xor_chunk.h"

namespace cairn::remote {
namespace {

constexpr std::string_view kStreamed = "application/x-streamed-protobuf; proto=prometheus.ChunkedReadResponse";
constexpr size_t kMax = 1 << 20;

void SetLabels(google::protobuf::RepeatedPtrField<prometheus::Label>* out, const storage::Labels& ls) {
  for (const storage::Label& l : ls) {
    prometheus::Label* p = out->Add();
    p->set_name(l.name);
    p->set_value(l.value);
  }
}

std::string SamplesBody(const std::vector<RemoteSeries>& series, int results = 1) {
  prometheus::ReadResponse resp;
  for (int r = 0; r < results; ++r) {
    prometheus::QueryResult* qr = resp.add_results();
    for (const RemoteSeries& s : series) {
      prometheus::TimeSeries* ts = qr->add_timeseries();
      SetLabels(ts->mutable_labels(), s.labels);
      for (const storage::Sample& smp : s.samples) {
        prometheus::Sample* p = ts->add_samples();
        p->set_timestamp(smp.t_ms);
        p->set_value(smp.v);
      }
    }
  }
  std::string raw = resp.SerializeAsString(), out;
  snappy::Compress(raw.data(), raw.size(), &out);
  return out;
}

// One frame per (labels, chunks) entry.
std::string StreamedBody(const std::vector<std::pair<storage::Labels, std::vector<std::vector<storage::Sample>>>>& in,
                         int64_t query_index = 0) {
  std::string body;
  for (const auto& [labels, chunks] : in) {
    prometheus::ChunkedReadResponse msg;
    msg.set_query_index(query_index);
    prometheus::ChunkedSeries* cs = msg.add_chunked_series();
    SetLabels(cs->mutable_labels(), labels);
    for (const auto& samples : chunks) {
      prometheus::Chunk* c = cs->add_chunks();
      c->set_type(prometheus::Chunk::XOR);
      c->set_min_time_ms(samples.front().t_ms);
      c->set_max_time_ms(samples.back().t_ms);
      c->set_data(storage::chunk::EncodeXor(samples));
    }
    ingest::AppendReadFrame(msg.SerializeAsString(), &body);
  }
  return body;
}

const storage::Labels kA{{"__name__", "up"}, {"job", "a"}};
const storage::Labels kB{{"__name__", "up"}, {"job", "b"}};

TEST(ReadResponseTest, SamplesSortedAndChecked) {
  auto r = DecodeReadResponse("application/x-protobuf",
                              SamplesBody({{kB, {{2000, 2}, {1000, 1}}}, {kA, {{1000, 5}, {1000, 6}}}}), kMax);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].labels, kA);
  ASSERT_EQ((*r)[0].samples.size(), 1u);  // one sample per timestamp, the first
  EXPECT_EQ((*r)[0].samples[0].v, 5);
  EXPECT_EQ((*r)[1].labels, kB);
  ASSERT_EQ((*r)[1].samples.size(), 2u);
  EXPECT_EQ((*r)[1].samples[0].t_ms, 1000);
}

TEST(ReadResponseTest, SamplesRefusals) {
  EXPECT_EQ(DecodeReadResponse("application/x-protobuf", "not snappy \xff\xff\xff\xff\xff", kMax).status().message(),
            "error reading response: snappy: corrupt input");
  EXPECT_EQ(DecodeReadResponse("", SamplesBody({}, 2), kMax).status().message(), "responses: want 1, got 2");
  EXPECT_FALSE(DecodeReadResponse("", SamplesBody({{storage::Labels{{"", "x"}}, {}}}), kMax).ok());
  EXPECT_EQ(DecodeReadResponse("", SamplesBody({{kA, {{1, 1}}}}), 4).status().code(),
            StatusCode::kResourceExhausted);
}

TEST(ReadResponseTest, StreamedJoinsSplitSeries) {
  auto r = DecodeReadResponse(kStreamed,
                              StreamedBody({{kA, {{{1000, 1}, {2000, 2}}}},
                                            {kA, {{{3000, 3}}}},
                                            {kB, {{{1000, 7}}, {{5000, 8}, {6000, 9.5}}}}}),
                              kMax);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].labels, kA);
  ASSERT_EQ((*r)[0].samples.size(), 3u);
  EXPECT_EQ((*r)[0].samples[2].v, 3);
  ASSERT_EQ((*r)[1].samples.size(), 3u);
  EXPECT_EQ((*r)[1].samples[2].t_ms, 6000);
  EXPECT_EQ((*r)[1].samples[2].v, 9.5);
}

TEST(ReadResponseTest, StreamedRefusals) {
  std::string body = StreamedBody({{kA, {{{1000, 1}}}}});
  std::string bad_crc = body;
  bad_crc[1] ^= 1;
  EXPECT_EQ(DecodeReadResponse(kStreamed, bad_crc, kMax).status().code(), StatusCode::kCorruption);
  EXPECT_EQ(DecodeReadResponse(kStreamed, body.substr(0, body.size() - 1), kMax).status().code(),
            StatusCode::kCorruption);
  EXPECT_FALSE(DecodeReadResponse(kStreamed, StreamedBody({{kA, {{{1000, 1}}}}}, 1), kMax).ok());
  prometheus::ChunkedReadResponse msg;
  prometheus::ChunkedSeries* cs = msg.add_chunked_series();
  SetLabels(cs->mutable_labels(), kA);
  prometheus::Chunk* c = cs->add_chunks();
  c->set_type(prometheus::Chunk::HISTOGRAM);
  c->set_data("xx");
  std::string hist;
  ingest::AppendReadFrame(msg.SerializeAsString(), &hist);
  EXPECT_EQ(DecodeReadResponse(kStreamed, hist, kMax).status().code(), StatusCode::kUnsupported);
  c->set_type(prometheus::Chunk::XOR);
  c->set_data(std::string("\x00\x05\x01", 3));  // claims 5 samples, holds none
  std::string torn;
  ingest::AppendReadFrame(msg.SerializeAsString(), &torn);
  EXPECT_EQ(DecodeReadResponse(kStreamed, torn, kMax).status().code(), StatusCode::kCorruption);
  EXPECT_TRUE(DecodeReadResponse(kStreamed, "", kMax).ok());  // no series at all
}

}  // namespace
}  // namespace cairn::remote
