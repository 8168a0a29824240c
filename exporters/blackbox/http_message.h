// The HTTP/1.1 pieces the http prober needs: target URLs (with redirect
// resolution as Go's url.ResolveReference for the common forms) and an
// incremental response parser (status line, headers, Content-Length or
// chunked bodies). Standalone and allocation-light so it can be fuzzed.
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/status.h"

namespace cairn::blackbox {

struct Url {
  std::string scheme;  // "http" or "https"
  std::string userinfo;
  std::string host;  // without brackets for IPv6
  std::string port;  // "" = the scheme's default
  std::string path_query;  // "/path?query", at least "/"

  uint16_t PortOrDefault() const;
  // host[:port] as written (IPv6 bracketed), for the Host header.
  std::string HostPort() const;
  std::string String() const;
};

// Parses an absolute http(s) URL.
Result<Url> ParseUrl(std::string_view text);
// `location` (a Location header) relative to `base`.
Result<Url> ResolveUrl(const Url& base, std::string_view location);

struct HttpResponseHead {
  std::string proto;  // "HTTP/1.1"
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names canonicalized as Go's textproto
  int64_t content_length = -1;  // -1 = unknown (chunked or read to close)
  bool chunked = false;

  // All values of a header (canonical name).
  std::vector<std::string> Values(std::string_view canonical_name) const;
  std::string Get(std::string_view canonical_name) const;
};

// Parses the head at the start of `buf`. Returns the bytes it took, 0 when
// the head is not complete yet, or InvalidArgument for a malformed head.
Result<size_t> ParseResponseHead(std::string_view buf, HttpResponseHead* head);

// Decodes a chunked body incrementally: Feed appends payload bytes to `out`.
class ChunkedDecoder {
 public:
  Status Feed(std::string_view data, std::string* out);
  bool done() const { return state_ == State::kDone; }

 private:
  enum class State { kSize, kSizeLineEnd, kData, kDataCr, kDataLf, kTrailer, kDone };
  State state_ = State::kSize;
  uint64_t remaining_ = 0;
  bool saw_digit_ = false;
  std::string trailer_line_;
};

// Go's textproto.CanonicalMIMEHeaderKey for ASCII header names.
std::string CanonicalHeaderKey(std::string_view key);

}  // namespace cairn::blackbox
