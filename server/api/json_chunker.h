// JsonChunker: a JsonWriter whose text leaves in pieces through a
// http::ChunkWriter, so a large JSON response (a query's matrix) is never
// held whole. The writer appends to a buffer; MaybeFlush() hands the buffer
// to the ChunkWriter once it holds chunk_bytes. A response that stays under
// one chunk is never sent here at all: take it with TakeUnsent() and answer
// it as an ordinary body.
// Thread-safety: one chunker per response, used from one thread.
#pragma once

#include <cstddef>
#include <string>

#include "util/json_writer.h"
#include "server/http/http_types.h"

namespace cairn::server::api {

class JsonChunker {
 public:
  static constexpr size_t kDefaultChunkBytes = 64 << 10;

  // `out` must outlive the chunker.
  explicit JsonChunker(http::ChunkWriter& out, size_t chunk_bytes = kDefaultChunkBytes)
      : out_(out), chunk_bytes_(chunk_bytes), writer_(&buf_) {}

  JsonWriter& writer() { return writer_; }

  // Sends the buffered text once it reached chunk_bytes. False once the
  // client went away (further output is pointless).
  bool MaybeFlush() { return buf_.size() < chunk_bytes_ || Flush(); }
  // Sends whatever is buffered (the end of a streamed response).
  bool Flush();
  // True once anything went to the ChunkWriter.
  bool streaming() const { return out_.started(); }
  // The text not sent yet; the whole response when !streaming().
  std::string TakeUnsent() { return std::move(buf_); }

 private:
  http::ChunkWriter& out_;
  const size_t chunk_bytes_;
  std::string buf_;
  JsonWriter writer_;
  bool ok_ = true;
};

}  // namespace cairn::server::api
