#include "server/api/json_chunker.h"

namespace cairn::server::api {

bool JsonChunker::Flush() {
  if (!ok_) return false;
  if (buf_.empty()) return true;
  ok_ = out_.Write(buf_);
  // The writer keeps only nesting state, so the text it appended may go.
  buf_.clear();
  return ok_;
}

}  // namespace cairn::server::api
