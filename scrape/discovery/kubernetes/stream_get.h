// StreamGet: one HTTP/1.1 GET to the Kubernetes API server whose body is
// handed over as it arrives, for list responses and for watch streams that
// stay open for minutes (newline-delimited JSON events). Plain or TLS per the
// connection, with its Authorization and User-Agent; one connection per
// request, closed afterwards. scrape/http's TargetFetcher reads whole bodies
// with a size limit, which a watch cannot use; this is its streaming sibling
// on the same http::Client (TLS context and credentials).
// Thread-safety: a free function; concurrent calls are independent.
#pragma once

#include <cstdint>
#include <functional>
#include <stop_token>
#include <string>
#include <string_view>

#include "scrape/discovery/kubernetes/api_connection.h"
#include "util/status.h"

namespace cairn::scrape::discovery::kubernetes {

struct StreamResponse {
  int status = 0;      // e.g. 200, 410
  std::string reason;  // e.g. "OK"
};

// Receives the body in pieces of any size, with the response's status line;
// returning false ends the request (the connection is closed) and StreamGet
// returns successfully.
using BodyFn = std::function<bool(const StreamResponse& head, std::string_view piece)>;

// GETs `path_and_query` below the connection's base URL, calling `on_body`
// for the body (of any status) until it ends. `timeout_ms` bounds the whole
// exchange. Errors: Timeout, Canceled (stop requested), IOError (DNS,
// connect, TLS, a broken stream), and the Client's credential-file errors.
Result<StreamResponse> StreamGet(const ApiConnection& conn, const std::string& path_and_query, int64_t timeout_ms,
                                 std::stop_token stop, const BodyFn& on_body);

}  // namespace cairn::scrape::discovery::kubernetes
