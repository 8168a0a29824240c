// GzipChunkWriter: compresses a streamed (chunked) body on the fly into one
// gzip member, so a large response is neither held whole nor sent
// uncompressed to a client that accepts gzip. Output goes to the wrapped
// ChunkWriter whenever zlib has a buffer's worth; Finish() adds the rest and
// the gzip trailer.
// Thread-safety: one writer per response, used from one thread at a time.
#pragma once

#include <zlib.h>

#include <string>
#include <string_view>

#include "server/http/http_types.h"

namespace cairn::server::http {

class GzipChunkWriter final : public ChunkWriter {
 public:
  // `out` must outlive the writer.
  explicit GzipChunkWriter(ChunkWriter& out);
  ~GzipChunkWriter() override;
  GzipChunkWriter(const GzipChunkWriter&) = delete;
  GzipChunkWriter& operator=(const GzipChunkWriter&) = delete;

  // False once the client went away or zlib failed.
  bool Write(std::string_view data) override;
  // True once any body byte was accepted: the response is then committed to
  // streaming even if zlib has not produced output yet.
  bool started() const override { return accepted_ || out_.started(); }
  // Flushes what zlib holds and the gzip trailer. Call once, after the last
  // Write, only when started(). False when the client went away.
  bool Finish();

 private:
  // Runs deflate over the pending input with `flush`, forwarding full output
  // buffers; false on a write or zlib failure.
  bool Pump(int flush);

  ChunkWriter& out_;
  z_stream zs_{};
  bool ok_ = false;
  bool accepted_ = false;
  std::string buf_;
};

}  // namespace cairn::server::http
