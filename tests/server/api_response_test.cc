// The success envelope: the annotation cap with upstream's "omitted" line,
// and the streamed form, whose bytes (plain and gzip) equal the whole form.
#include "server/api/api_response.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "server/http/gzip_chunk_writer.h"
#include "tests/server/gunzip.h"

namespace cairn::server::api {
namespace {

// Collects what a streamed response writes, chunk by chunk.
class RecordingWriter final : public http::ChunkWriter {
 public:
  bool Write(std::string_view data) override {
    if (fail_after_ >= 0 && static_cast<int>(chunks.size()) >= fail_after_) return false;
    if (!data.empty()) chunks.emplace_back(data);
    started_ = true;
    return true;
  }
  bool started() const override { return started_; }
  std::string Joined() const {
    std::string all;
    for (const auto& c : chunks) all += c;
    return all;
  }
  std::vector<std::string> chunks;
  int fail_after_ = -1;  // refuse writes once this many chunks went out

 private:
  bool started_ = false;
};

using testing::Gunzip;

std::vector<std::string> Numbered(const std::string& prefix, int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) out.push_back(prefix + std::to_string(i));
  return out;
}

// A "data" value of `n` strings, offering a flush after each.
StreamedData ManyStrings(int n) {
  return [n](JsonWriter& w, const std::function<bool()>& flush) {
    w.BeginArray();
    for (int i = 0; i < n; ++i) {
      w.String("value number " + std::to_string(i) + " with some padding to make the body large");
      if (!flush()) return;
    }
    w.EndArray();
  };
}

TEST(ApiResponseTest, AnnotationsAreCappedWithACountOfTheRest) {
  auto r = ApiSuccess([](JsonWriter& w) { w.Null(); }, Numbered("w", 300), Numbered("i", 12));
  std::string want = R"({"status":"success","data":null,"warnings":[)";
  for (int i = 0; i < 10; ++i) want += "\"w" + std::to_string(i) + "\",";
  want += R"("290 more warning annotations omitted"],"infos":[)";
  for (int i = 0; i < 10; ++i) want += "\"i" + std::to_string(i) + "\",";
  want += R"("2 more info annotations omitted"]})";
  EXPECT_EQ(r.body, want);
}

TEST(ApiResponseTest, ExactlyTenAnnotationsNeedNoCountLine) {
  auto r = ApiSuccess([](JsonWriter& w) { w.Null(); }, Numbered("w", 10));
  EXPECT_EQ(r.body.find("omitted"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find(R"("w9"])"), std::string::npos) << r.body;
}

TEST(ApiResponseTest, LargeStreamedBodyEqualsTheWholeFormInChunks) {
  const int n = 20000;  // ~1.4 MB of JSON
  auto whole = ApiSuccess([&](JsonWriter& w) { ManyStrings(n)(w, [] { return true; }); }, {"careful"}, {"note"});
  auto streamed = ApiSuccessStreamed(ManyStrings(n), {"careful"}, {"note"});
  ASSERT_TRUE(streamed.stream);
  EXPECT_TRUE(streamed.gzip_stream);
  RecordingWriter out;
  EXPECT_FALSE(streamed.stream(out).has_value());
  EXPECT_GT(out.chunks.size(), 10u);
  for (const auto& c : out.chunks) EXPECT_LE(c.size(), 80u << 10);
  EXPECT_EQ(out.Joined(), whole.body);

  // The same through the on-the-fly gzip encoder.
  RecordingWriter raw;
  {
    http::GzipChunkWriter gz(raw);
    EXPECT_FALSE(streamed.stream(gz).has_value());
    ASSERT_TRUE(gz.started());
    EXPECT_TRUE(gz.Finish());
  }
  EXPECT_GT(raw.chunks.size(), 1u);
  EXPECT_EQ(Gunzip(raw.Joined()), whole.body);
}

TEST(ApiResponseTest, SmallStreamedBodyFallsBackToAWholeResponse) {
  auto whole = ApiSuccess([](JsonWriter& w) { ManyStrings(3)(w, [] { return true; }); });
  auto streamed = ApiSuccessStreamed(ManyStrings(3), {}, {});
  RecordingWriter out;
  auto fallback = streamed.stream(out);
  EXPECT_FALSE(out.started());
  ASSERT_TRUE(fallback.has_value());
  EXPECT_EQ(fallback->status, 200);
  EXPECT_EQ(fallback->content_type, "application/json");
  EXPECT_EQ(fallback->body, whole.body);
}

TEST(ApiResponseTest, StreamStopsWhenTheClientGoesAway) {
  int offered = 0;
  StreamedData counting = [&](JsonWriter& w, const std::function<bool()>& flush) {
    w.BeginArray();
    for (int i = 0; i < 100000; ++i) {
      w.String("padding padding padding padding padding padding padding padding");
      ++offered;
      if (!flush()) return;
    }
    w.EndArray();
  };
  auto streamed = ApiSuccessStreamed(counting, {}, {});
  RecordingWriter out;
  out.fail_after_ = 2;
  EXPECT_FALSE(streamed.stream(out).has_value());
  EXPECT_EQ(out.chunks.size(), 2u);
  EXPECT_LT(offered, 5000);  // stopped soon after the third chunk was refused
}

}  // namespace
}  // namespace cairn::server::api
