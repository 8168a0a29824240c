// BodyDecoder: turns a scrape response body, fed in pieces as it arrives,
// into the exposition bytes — as is, or gunzipped when the response said
// Content-Encoding: gzip — and enforces body_size_limit on the decoded size,
// as Prometheus' readResponse does (a body of limit bytes or more fails with
// "body size limit exceeded"). Decoding stops at the limit, so a gzip bomb
// costs at most `limit` bytes of memory.
// Thread-safety: none; one decoder per response.
#pragma once

#include <zlib.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "util/status.h"

namespace cairn::scrape::http {

// The error text of a body at or over body_size_limit (upstream's
// errBodySizeLimit); a scrape loop compares against it to report -1 bytes.
inline constexpr std::string_view kBodySizeLimitExceeded = "body size limit exceeded";

class BodyDecoder {
 public:
  // `limit_bytes` <= 0 means no limit. `out` receives the decoded body and
  // must outlive the decoder.
  BodyDecoder(bool gzip, int64_t limit_bytes, std::string* out);
  ~BodyDecoder();
  BodyDecoder(const BodyDecoder&) = delete;
  BodyDecoder& operator=(const BodyDecoder&) = delete;

  // Decodes the next piece. Errors: ResourceExhausted(kBodySizeLimitExceeded),
  // Corruption (bad gzip data, in Go's words: "gzip: invalid header", ...).
  // After an error the decoder must not be used again.
  Status Write(std::string_view piece);
  // The body ended: Corruption("unexpected EOF") when a gzip member was cut
  // short, or "EOF" when a gzip body was empty, as Go's gzip reader says.
  Status Finish();

 private:
  Status CheckLimit() const;

  const bool gzip_;
  const int64_t limit_bytes_;
  std::string* out_;
  z_stream zs_{};
  bool zs_ready_ = false;
  bool in_member_ = false;  // inside a gzip member (started, not ended)
  bool any_input_ = false;
};

}  // namespace cairn::scrape::http
