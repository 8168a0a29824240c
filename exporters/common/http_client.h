// A small blocking HTTP/1.1 client (Boost.Beast) with a deadline, for
// collectors that read an HTTP source (nginx's stub_status) and for push.
// http:// only. Thread-safe: each call has its own connection.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "exporters/common/scrape_deadline.h"
#include "util/status.h"

namespace cairn::exporters {

struct HttpClientRequest {
  std::string method = "GET";
  std::string url;  // http://host[:port]/path?query
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

struct HttpClientResponse {
  int status = 0;
  std::string content_type;
  std::string body;
};

// Sends the request and reads the whole response before `deadline`.
// kTimeout when the deadline passes, kUnavailable when the connection fails,
// kInvalidArgument for a URL it cannot use; any HTTP status is a result.
Result<HttpClientResponse> HttpFetch(const HttpClientRequest& request, Deadline deadline);

}  // namespace cairn::exporters
