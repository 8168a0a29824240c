#include "scrape/http/body_decoder.h"

#include <cstring>

namespace cairn::scrape::http {

BodyDecoder::BodyDecoder(bool gzip, int64_t limit_bytes, std::string* out)
    : gzip_(gzip), limit_bytes_(limit_bytes), out_(out) {}

BodyDecoder::~BodyDecoder() {
  if (zs_ready_) inflateEnd(&zs_);
}

Status BodyDecoder::CheckLimit() const {
  if (limit_bytes_ > 0 && static_cast<int64_t>(out_->size()) >= limit_bytes_) {
    return Status::ResourceExhausted(std::string(kBodySizeLimitExceeded));
  }
  return Status::OK();
}

Status BodyDecoder::Write(std::string_view piece) {
  if (piece.empty()) return Status::OK();
  any_input_ = true;
  if (!gzip_) {
    if (limit_bytes_ > 0) {
      // Keep at most `limit` bytes: reaching it already fails the scrape.
      size_t room = static_cast<size_t>(limit_bytes_) - out_->size();
      out_->append(piece.substr(0, room));
    } else {
      out_->append(piece);
    }
    return CheckLimit();
  }
  if (!zs_ready_) {
    if (inflateInit2(&zs_, 16 + MAX_WBITS) != Z_OK) return Status::Internal("zlib inflateInit2 failed");
    zs_ready_ = true;
  }
  zs_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(piece.data()));
  zs_.avail_in = static_cast<uInt>(piece.size());
  char buf[16384];
  while (zs_.avail_in > 0) {
    size_t room = sizeof(buf);
    if (limit_bytes_ > 0) room = std::min(room, static_cast<size_t>(limit_bytes_) - out_->size());
    zs_.next_out = reinterpret_cast<Bytef*>(buf);
    zs_.avail_out = static_cast<uInt>(room);
    in_member_ = true;
    int rc = inflate(&zs_, Z_NO_FLUSH);
    out_->append(buf, room - zs_.avail_out);
    if (rc == Z_STREAM_END) {
      // Go's reader is multistream: another member may follow.
      in_member_ = false;
      inflateReset(&zs_);
    } else if (rc == Z_DATA_ERROR) {
      const char* msg = zs_.msg ? zs_.msg : "";
      if (std::strcmp(msg, "incorrect header check") == 0 || std::strcmp(msg, "unknown compression method") == 0) {
        return Status::Corruption("gzip: invalid header");
      }
      if (std::strcmp(msg, "incorrect data check") == 0 || std::strcmp(msg, "incorrect length check") == 0) {
        return Status::Corruption("gzip: invalid checksum");
      }
      return Status::Corruption(std::string("flate: corrupt input (") + msg + ")");
    } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
      return Status::Internal("zlib inflate failed: " + std::to_string(rc));
    }
    CAIRN_RETURN_IF_ERROR(CheckLimit());
  }
  return Status::OK();
}

Status BodyDecoder::Finish() {
  if (!gzip_) return Status::OK();
  if (!any_input_) return Status::Corruption("EOF");
  if (in_member_) return Status::Corruption("unexpected EOF");
  return Status::OK();
}

}  // namespace cairn::scrape::http
