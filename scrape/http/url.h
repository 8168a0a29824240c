// Url: the parts of an http(s) URL the scrape client needs, and the
// resolution of a redirect's Location against the URL that answered it.
// Pure functions; thread-safety: plain values.
#pragma once

#include <string>
#include <string_view>

#include "util/status.h"

namespace cairn::scrape::http {

struct Url {
  std::string scheme;    // "http" or "https" (lower case)
  std::string userinfo;  // "user:password" as written before '@', or empty
  std::string host;      // a name or an address; IPv6 without brackets
  std::string port;      // as written, or the scheme's default
  bool explicit_port = false;
  std::string target;    // path and query, "/" when the URL has none; no fragment

  bool tls() const { return scheme == "https"; }
  // The Host header: the host (bracketed if IPv6) and the port as written.
  std::string Authority() const;
  // scheme://authority/target (userinfo left out: it is a secret).
  std::string ToString() const;
};

// Parses an absolute http or https URL. Errors (InvalidArgument) use Go's
// net/http wording: `unsupported protocol scheme "ftp"`, "http: no Host in
// request URL".
Result<Url> ParseUrl(std::string_view text);

// The URL a redirect's Location header points to, relative to `base`
// (RFC 3986 §5.2: absolute, "//host/...", "/path", "path", "?query").
Result<Url> ResolveLocation(const Url& base, std::string_view location);

}  // namespace cairn::scrape::http
