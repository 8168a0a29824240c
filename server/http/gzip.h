// gzip for HTTP responses (zlib, gzip wrapper). Pure functions.
#pragma once

#include <string>
#include <string_view>

namespace cairn::server::http {

// True when an Accept-Encoding header value admits gzip (a "gzip" token not
// weighted q=0).
bool AcceptsGzip(std::string_view accept_encoding);

// The gzip member of `data`; false only when zlib fails (out of memory).
bool GzipCompress(std::string_view data, std::string* out);

}  // namespace cairn::server::http
