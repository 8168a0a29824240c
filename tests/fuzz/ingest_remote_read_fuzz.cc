// Fuzzes the remote-read request path: the fuzz bytes (after a selector
// byte) are the ReadRequest protobuf, snappy-compressed by the harness, or
// the raw body. Queries run against a small in-memory storage and a fixed
// chunk source. Invariants: no sanitizer finding; status is 200 or 400;
// every streamed frame is well formed (length, CRC, parsable payload).
#include <snappy.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "util/crc32c.h"
#include "ingest/remote_read.h"
#include "ingest/wire_reader.h"
#include "proto/remote.pb.h"
#include "storage/memory_storage.h"

namespace {

// Two series with opaque chunk bytes (the path never decodes them).
class FixedChunks final : public cairn::storage::ChunkQueryable {
 public:
  cairn::Result<std::unique_ptr<cairn::storage::ChunkSeriesSet>> SelectChunks(
      int64_t, int64_t, const cairn::storage::Matchers& matchers) override {
    auto set = std::make_unique<Set>();
    for (const auto& labels : {cairn::storage::Labels{{"__name__", "up"}, {"job", "a"}},
                               cairn::storage::Labels{{"__name__", "up"}, {"job", "b"}}}) {
      bool match = true;
      for (const auto& m : matchers) match = match && m.Matches(labels.Get(m.name()));
      if (match) set->series.push_back(labels);
    }
    return std::unique_ptr<cairn::storage::ChunkSeriesSet>(std::move(set));
  }

 private:
  struct Set final : cairn::storage::ChunkSeriesSet {
    std::vector<cairn::storage::Labels> series;
    std::vector<cairn::storage::EncodedChunk> chunks_{{0, 10, cairn::storage::EncodedChunk::Encoding::kXOR, "ab"},
                                                      {11, 20, cairn::storage::EncodedChunk::Encoding::kXOR, "cd"}};
    size_t pos = 0;
    bool Next() override { return ++pos <= series.size(); }
    const cairn::storage::Labels& labels() const override { return series[pos - 1]; }
    const std::vector<cairn::storage::EncodedChunk>& chunks() const override { return chunks_; }
    cairn::Status status() const override { return cairn::Status::OK(); }
  };
};

cairn::storage::MemoryStorage* Storage() {
  static cairn::storage::MemoryStorage* db = [] {
    auto* s = new cairn::storage::MemoryStorage();
    auto app = s->NewAppender();
    for (const char* job : {"a", "b"})
      for (int i = 0; i < 50; ++i)
        (void)app->Append(0, cairn::storage::Labels{{"__name__", "up"}, {"job", job}}, i * 1000, i);
    (void)app->Commit();
    return s;
  }();
  return db;
}

void CheckFrame(std::string_view frame) {
  const char* p = frame.data();
  const char* end = p + frame.size();
  uint64_t len;
  if (!cairn::ingest::WireReader::ReadVarint(&p, end, &len) || static_cast<uint64_t>(end - p) != len + 4) std::abort();
  uint32_t crc = 0;
  for (int i = 0; i < 4; ++i) crc = crc << 8 | static_cast<uint8_t>(*p++);
  if (crc != cairn::Crc32c(std::string_view(p, len))) std::abort();
  prometheus::ChunkedReadResponse msg;
  if (!msg.ParseFromArray(p, static_cast<int>(len)) || msg.chunked_series_size() != 1) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::string body;
  if (data[0] & 1) {
    body.assign(rest);
  } else {
    snappy::Compress(rest.data(), rest.size(), &body);
  }
  FixedChunks chunks;
  cairn::ingest::RemoteReadLimits limits;
  limits.max_samples = 150;
  limits.max_bytes_in_frame = 40;
  limits.max_request_bytes = 1 << 20;
  cairn::ingest::ReadOutcome out = cairn::ingest::HandleRemoteRead(body, *Storage(), chunks, limits, [](std::string_view f) {
    CheckFrame(f);
    return true;
  });
  if (out.http_status != 200 && out.http_status != 400) std::abort();
  return 0;
}
