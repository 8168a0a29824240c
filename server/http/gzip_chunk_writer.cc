#include "server/http/gzip_chunk_writer.h"

#include "server/http/gzip.h"

namespace cairn::server::http {
namespace {

// Compressed bytes per chunk handed to the socket.
constexpr size_t kOutBufferBytes = 64 << 10;

}  // namespace

GzipChunkWriter::GzipChunkWriter(ChunkWriter& out) : out_(out), buf_(kOutBufferBytes, '\0') {
  // windowBits 15 + 16 selects the gzip wrapper.
  ok_ = deflateInit2(&zs_, kGzipLevel, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK;
}

GzipChunkWriter::~GzipChunkWriter() {
  if (ok_) deflateEnd(&zs_);
}

bool GzipChunkWriter::Write(std::string_view data) {
  if (!ok_) return false;
  if (data.empty()) return true;
  accepted_ = true;
  zs_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs_.avail_in = static_cast<uInt>(data.size());
  return Pump(Z_NO_FLUSH);
}

bool GzipChunkWriter::Finish() {
  if (!ok_) return false;
  zs_.next_in = nullptr;
  zs_.avail_in = 0;
  return Pump(Z_FINISH);
}

bool GzipChunkWriter::Pump(int flush) {
  for (;;) {
    zs_.next_out = reinterpret_cast<Bytef*>(buf_.data());
    zs_.avail_out = static_cast<uInt>(buf_.size());
    int rc = deflate(&zs_, flush);
    if (rc == Z_STREAM_ERROR) {
      ok_ = false;
      return false;
    }
    size_t produced = buf_.size() - zs_.avail_out;
    // Under Z_NO_FLUSH zlib keeps small outputs to itself; a full buffer goes out.
    if (produced > 0 && !out_.Write(std::string_view(buf_.data(), produced))) {
      ok_ = false;
      return false;
    }
    if (flush == Z_FINISH) {
      if (rc == Z_STREAM_END) return true;
    } else if (zs_.avail_in == 0 && zs_.avail_out != 0) {
      return true;
    }
  }
}

}  // namespace cairn::server::http
