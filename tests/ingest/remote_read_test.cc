#include "ingest/remote_read.h"

#include <gtest/gtest.h>
#include <snappy.h>

#include <bit>

#include "util/crc32c.h"
#include "ingest/wire_reader.h"
#include "proto/remote.pb.h"
#include "storage/chunk/xor_chunk.h"
#include "storage/memory_storage.h"
#include "tests/ingest/test_util.h"

namespace cairn::ingest {
namespace {

using testing::Snappy;

// A ChunkQueryable over MemoryStorage that cuts each series into XOR chunks
// of `samples_per_chunk` samples with the storage engine's encoder.
class ChunkedMemory final : public storage::ChunkQueryable {
 public:
  ChunkedMemory(storage::MemoryStorage& db, size_t samples_per_chunk) : db_(db), per_chunk_(samples_per_chunk) {}

  Result<std::unique_ptr<storage::ChunkSeriesSet>> SelectChunks(int64_t min_t_ms, int64_t max_t_ms,
                                                                const storage::Matchers& matchers) override {
    auto querier = db_.NewQuerier(min_t_ms, max_t_ms);
    if (!querier.ok()) return querier.status();
    storage::SelectHints hints;
    hints.sorted = true;
    auto set = (*querier)->Select(hints, matchers);
    auto out = std::make_unique<Set>();
    while (set->Next()) {
      auto& [labels, chunks] = out->series.emplace_back();
      labels = set->At().labels();
      std::vector<storage::Sample> samples;
      auto it = set->At().Iterator();
      while (it->Next()) samples.push_back(it->At());
      for (size_t i = 0; i < samples.size(); i += per_chunk_) {
        std::vector<storage::Sample> part(samples.begin() + i,
                                          samples.begin() + std::min(samples.size(), i + per_chunk_));
        chunks.push_back({part.front().t_ms, part.back().t_ms, storage::EncodedChunk::Encoding::kXOR,
                          storage::chunk::EncodeXor(part)});
      }
    }
    return std::unique_ptr<storage::ChunkSeriesSet>(std::move(out));
  }

 private:
  struct Set final : storage::ChunkSeriesSet {
    std::vector<std::pair<storage::Labels, std::vector<storage::EncodedChunk>>> series;
    size_t pos = 0;
    bool Next() override { return ++pos <= series.size(); }
    const storage::Labels& labels() const override { return series[pos - 1].first; }
    const std::vector<storage::EncodedChunk>& chunks() const override { return series[pos - 1].second; }
    Status status() const override { return Status::OK(); }
  };
  storage::MemoryStorage& db_;
  size_t per_chunk_;
};

class RemoteReadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto app = db_.NewAppender();
    for (const char* inst : {"b", "a", "c"}) {
      storage::Labels ls{{"__name__", "up"}, {"instance", inst}, {"job", "node"}};
      for (int i = 0; i < 300; ++i) ASSERT_TRUE(app->Append(0, ls, 1000 * i, i * 0.5).ok());
    }
    storage::Labels other{{"__name__", "other"}};
    ASSERT_TRUE(app->Append(0, other, 5000, storage::StaleNaN()).ok());
    ASSERT_TRUE(app->Commit().ok());
  }

  static prometheus::Query* AddQuery(prometheus::ReadRequest* req, int64_t start, int64_t end,
                                     prometheus::LabelMatcher::Type type, const std::string& name,
                                     const std::string& value) {
    auto* q = req->add_queries();
    q->set_start_timestamp_ms(start);
    q->set_end_timestamp_ms(end);
    auto* m = q->add_matchers();
    m->set_type(type);
    m->set_name(name);
    m->set_value(value);
    return q;
  }

  ReadOutcome Read(const prometheus::ReadRequest& req, RemoteReadLimits limits = {},
                   std::function<bool(std::string_view)> write = nullptr) {
    if (!write) {
      write = [this](std::string_view f) {
        frames_.append(f);
        ++frame_count_;
        return true;
      };
    }
    return HandleRemoteRead(Snappy(req.SerializeAsString()), db_, chunked_, limits, write);
  }

  // Splits frames_, checking each frame's CRC.
  std::vector<prometheus::ChunkedReadResponse> DecodeFrames() {
    std::vector<prometheus::ChunkedReadResponse> out;
    const char* p = frames_.data();
    const char* end = p + frames_.size();
    while (p < end) {
      uint64_t len;
      EXPECT_TRUE(WireReader::ReadVarint(&p, end, &len));
      EXPECT_GE(static_cast<uint64_t>(end - p), len + 4);
      uint32_t crc = 0;
      for (int i = 0; i < 4; ++i) crc = crc << 8 | static_cast<uint8_t>(*p++);
      std::string_view payload(p, len);
      EXPECT_EQ(crc, Crc32c(payload));
      EXPECT_TRUE(out.emplace_back().ParseFromArray(payload.data(), static_cast<int>(len)));
      p += len;
    }
    return out;
  }

  storage::MemoryStorage db_;
  ChunkedMemory chunked_{db_, 120};
  std::string frames_;
  int frame_count_ = 0;
};

std::string LabelsText(const google::protobuf::RepeatedPtrField<prometheus::Label>& labels) {
  std::vector<storage::Label> v;
  for (const auto& l : labels) v.push_back({l.name(), l.value()});
  return storage::Labels::FromSorted(std::move(v)).ToString();
}

TEST_F(RemoteReadTest, SamplesResponseRoundTrips) {
  prometheus::ReadRequest req;
  AddQuery(&req, 10'000, 12'000, prometheus::LabelMatcher::RE, "instance", "a|c");
  AddQuery(&req, 0, 10'000, prometheus::LabelMatcher::EQ, "__name__", "other");
  ReadOutcome out = Read(req);
  ASSERT_EQ(out.http_status, 200) << out.error;
  EXPECT_EQ(out.content_type, "application/x-protobuf");
  EXPECT_EQ(out.content_encoding, "snappy");
  EXPECT_EQ(frame_count_, 0);
  std::string raw;
  ASSERT_TRUE(snappy::Uncompress(out.body.data(), out.body.size(), &raw));
  prometheus::ReadResponse resp;
  ASSERT_TRUE(resp.ParseFromString(raw));
  ASSERT_EQ(resp.results_size(), 2);
  const auto& r0 = resp.results(0);
  ASSERT_EQ(r0.timeseries_size(), 2);
  EXPECT_EQ(LabelsText(r0.timeseries(0).labels()), R"(up{instance="a", job="node"})");
  EXPECT_EQ(LabelsText(r0.timeseries(1).labels()), R"(up{instance="c", job="node"})");
  ASSERT_EQ(r0.timeseries(0).samples_size(), 3);
  EXPECT_EQ(r0.timeseries(0).samples(0).timestamp(), 10'000);
  EXPECT_EQ(r0.timeseries(0).samples(2).value(), 6.0);
  ASSERT_EQ(resp.results(1).timeseries_size(), 1);
  EXPECT_EQ(std::bit_cast<uint64_t>(resp.results(1).timeseries(0).samples(0).value()), storage::kStaleNaNBits);
}

TEST_F(RemoteReadTest, SampleLimitIs400) {
  prometheus::ReadRequest req;
  AddQuery(&req, 0, 1'000'000, prometheus::LabelMatcher::EQ, "__name__", "up");
  RemoteReadLimits limits;
  limits.max_samples = 899;
  ReadOutcome out = Read(req, limits);
  EXPECT_EQ(out.http_status, 400);
  EXPECT_NE(out.error.find("exceeded sample limit"), std::string::npos) << out.error;
  limits.max_samples = 900;
  EXPECT_EQ(Read(req, limits).http_status, 200);
}

TEST_F(RemoteReadTest, BadRequestsAre400) {
  prometheus::ReadRequest req;
  AddQuery(&req, 0, 1, prometheus::LabelMatcher::RE, "job", "(unclosed");
  EXPECT_EQ(Read(req).http_status, 400);
  req.add_accepted_response_types(prometheus::ReadRequest::STREAMED_XOR_CHUNKS);
  EXPECT_EQ(Read(req).http_status, 400);
  EXPECT_EQ(frame_count_, 0);

  EXPECT_EQ(HandleRemoteRead("\xff\xff\xff\xff\xff", db_, chunked_, {}, nullptr).http_status, 400);
  EXPECT_EQ(HandleRemoteRead(Snappy("\x0a\x09garbage"), db_, chunked_, {}, nullptr).http_status, 400);

  prometheus::ReadRequest unknown;
  unknown.add_accepted_response_types(static_cast<prometheus::ReadRequest::ResponseType>(7));
  EXPECT_EQ(Read(unknown).http_status, 400);
}

TEST_F(RemoteReadTest, NegotiationTakesTheFirstSupportedType) {
  prometheus::ReadRequest req;
  AddQuery(&req, 0, 10'000, prometheus::LabelMatcher::EQ, "__name__", "other");
  req.add_accepted_response_types(static_cast<prometheus::ReadRequest::ResponseType>(7));
  req.add_accepted_response_types(prometheus::ReadRequest::SAMPLES);
  req.add_accepted_response_types(prometheus::ReadRequest::STREAMED_XOR_CHUNKS);
  EXPECT_EQ(Read(req).content_type, "application/x-protobuf");
  req.set_accepted_response_types(1, prometheus::ReadRequest::STREAMED_XOR_CHUNKS);
  ReadOutcome out = Read(req);
  EXPECT_EQ(out.content_type, kStreamedReadContentType);
  EXPECT_TRUE(out.body.empty());
  EXPECT_EQ(frame_count_, 1);
}

TEST_F(RemoteReadTest, StreamedChunksRoundTrip) {
  prometheus::ReadRequest req;
  AddQuery(&req, 0, 1'000'000, prometheus::LabelMatcher::EQ, "job", "node");
  AddQuery(&req, 0, 10'000, prometheus::LabelMatcher::EQ, "__name__", "other");
  req.add_accepted_response_types(prometheus::ReadRequest::STREAMED_XOR_CHUNKS);
  ReadOutcome out = Read(req);
  ASSERT_EQ(out.http_status, 200) << out.error;
  EXPECT_TRUE(out.error.empty());
  std::vector<prometheus::ChunkedReadResponse> frames = DecodeFrames();
  ASSERT_EQ(frames.size(), 4u);  // one per series at this frame size
  std::vector<std::string> names;
  for (size_t i = 0; i < frames.size(); ++i) {
    ASSERT_EQ(frames[i].chunked_series_size(), 1);
    const auto& cs = frames[i].chunked_series(0);
    names.push_back(LabelsText(cs.labels()));
    EXPECT_EQ(frames[i].query_index(), i < 3 ? 0 : 1);
    std::vector<storage::Sample> samples;
    for (const auto& c : cs.chunks()) {
      EXPECT_EQ(c.type(), prometheus::Chunk::XOR);
      auto decoded = storage::chunk::DecodeXor(c.data());
      ASSERT_TRUE(decoded.ok());
      EXPECT_EQ(decoded->front().t_ms, c.min_time_ms());
      EXPECT_EQ(decoded->back().t_ms, c.max_time_ms());
      samples.insert(samples.end(), decoded->begin(), decoded->end());
    }
    if (i < 3) {
      EXPECT_EQ(cs.chunks_size(), 3);  // 300 samples in chunks of 120
      ASSERT_EQ(samples.size(), 300u);
      for (int k = 0; k < 300; ++k) {
        EXPECT_EQ(samples[k].t_ms, 1000 * k);
        EXPECT_EQ(samples[k].v, k * 0.5);
      }
    } else {
      ASSERT_EQ(samples.size(), 1u);
      EXPECT_EQ(std::bit_cast<uint64_t>(samples[0].v), storage::kStaleNaNBits);
    }
  }
  EXPECT_EQ(names, (std::vector<std::string>{R"(up{instance="a", job="node"})", R"(up{instance="b", job="node"})",
                                             R"(up{instance="c", job="node"})", "other{}"}));
}

TEST_F(RemoteReadTest, LongSeriesAreSplitAcrossFrames) {
  prometheus::ReadRequest req;
  AddQuery(&req, 0, 1'000'000, prometheus::LabelMatcher::EQ, "instance", "a");
  req.add_accepted_response_types(prometheus::ReadRequest::STREAMED_XOR_CHUNKS);
  RemoteReadLimits limits;
  limits.max_bytes_in_frame = 64;  // smaller than one chunk: one chunk per frame
  ASSERT_EQ(Read(req, limits).http_status, 200);
  std::vector<prometheus::ChunkedReadResponse> frames = DecodeFrames();
  ASSERT_EQ(frames.size(), 3u);
  int64_t next_min = 0;
  for (const auto& f : frames) {
    ASSERT_EQ(f.chunked_series_size(), 1);
    EXPECT_EQ(LabelsText(f.chunked_series(0).labels()), R"(up{instance="a", job="node"})");
    ASSERT_EQ(f.chunked_series(0).chunks_size(), 1);
    EXPECT_EQ(f.chunked_series(0).chunks(0).min_time_ms(), next_min);
    next_min = f.chunked_series(0).chunks(0).max_time_ms() + 1000;
  }
}

TEST_F(RemoteReadTest, ClientGoingAwayStopsTheStream) {
  prometheus::ReadRequest req;
  AddQuery(&req, 0, 1'000'000, prometheus::LabelMatcher::EQ, "job", "node");
  req.add_accepted_response_types(prometheus::ReadRequest::STREAMED_XOR_CHUNKS);
  int calls = 0;
  ReadOutcome out = Read(req, {}, [&](std::string_view) {
    ++calls;
    return false;
  });
  EXPECT_EQ(calls, 1);
  EXPECT_FALSE(out.error.empty());
}

TEST_F(RemoteReadTest, ExternalLabelsAreAddedAndMatched) {
  RemoteReadLimits limits;
  limits.external_labels = storage::Labels{{"replica", "r1"}};
  prometheus::ReadRequest req;
  auto* q = AddQuery(&req, 0, 10'000, prometheus::LabelMatcher::EQ, "__name__", "other");
  auto* m = q->add_matchers();
  m->set_name("replica");
  m->set_value("r1");
  ReadOutcome out = Read(req, limits);
  ASSERT_EQ(out.http_status, 200) << out.error;
  std::string raw;
  ASSERT_TRUE(snappy::Uncompress(out.body.data(), out.body.size(), &raw));
  prometheus::ReadResponse resp;
  ASSERT_TRUE(resp.ParseFromString(raw));
  ASSERT_EQ(resp.results(0).timeseries_size(), 1);
  EXPECT_EQ(LabelsText(resp.results(0).timeseries(0).labels()), R"(other{replica="r1"})");

  req.add_accepted_response_types(prometheus::ReadRequest::STREAMED_XOR_CHUNKS);
  ASSERT_EQ(Read(req, limits).http_status, 200);
  auto frames = DecodeFrames();
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(LabelsText(frames[0].chunked_series(0).labels()), R"(other{replica="r1"})");

  m->set_value("r2");  // another replica's data: nothing here matches
  frames_.clear();
  ASSERT_EQ(Read(req, limits).http_status, 200);
  EXPECT_TRUE(DecodeFrames().empty());
}

}  // namespace
}  // namespace cairn::ingest
