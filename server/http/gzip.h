// gzip for HTTP responses (zlib, gzip wrapper). Pure functions.
#pragma once

#include <string>
#include <string_view>

namespace cairn::server::http {

// zlib's level for every gzip'd response. The fastest: a range query's 33 MB
// of JSON took 4 s at zlib's default level on this project's 2-core machine and
// about 0.5 s at level 1, for an answer 18 % larger (bench/run_ui_render.py:
// 0.41-0.53x Prometheus 2.42's UI time at the default level, 0.23x at level 1).
inline constexpr int kGzipLevel = 1;  // Z_BEST_SPEED

// True when an Accept-Encoding header value admits gzip (a "gzip" token not
// weighted q=0).
bool AcceptsGzip(std::string_view accept_encoding);

// The gzip member of `data`; false only when zlib fails (out of memory).
bool GzipCompress(std::string_view data, std::string* out);

}  // namespace cairn::server::http
