// DoRequest: one blocking HTTP/1.1 request and its whole answer, for the
// clients that are not scrapes — the notifier's POSTs to Alertmanager, and
// remote write after it. TLS, credentials and redirects come from the
// caller's Client (its http_config), so every client honours basic_auth,
// authorization, tls_config and follow_redirects the same way scrapes do.
//
//   auto client = Client::Create(am_cfg.http).value();
//   auto r = DoRequest(*client, {.method = "POST", .url = url,
//                                .headers = {{"Content-Type", "application/json"}},
//                                .body = payload, .timeout = 10s});
//   if (!r.ok()) ...;                        // `Post "<url>": context deadline exceeded`
//   if (r->status / 100 != 2) ...;           // the caller judges the status
//
// Each DoRequest call opens its own connection and closes it afterwards, for
// callers that send a request every few seconds at most. A Session keeps its
// connection open between requests while the server allows (HTTP/1.1
// keep-alive), for callers that send many: remote write's shards. Errors read like Go's url.Error, as Prometheus logs them:
// `Post "http://am:9093/api/v2/alerts": dial tcp 127.0.0.1:9093: connect:
// connection refused`, `... context deadline exceeded`.
//
// Thread-safety: DoRequest is a free function; concurrent calls (with one
// shared Client or several) are independent. A Session is used by one thread
// at a time.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <stop_token>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "scrape/http/client.h"
#include "util/status.h"

namespace cairn::scrape::http {

struct Request {
  std::string method = "GET";  // upper case, as sent
  std::string url;             // http:// or https://, with path and query
  // Sent as given. Host, User-Agent (the Client's), Authorization (from the
  // Client's http_config) and Content-Length are set by DoRequest.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // Bounds the whole exchange: resolving, connecting, TLS, redirects and
  // reading the answer, as a Go context deadline does.
  std::chrono::milliseconds timeout{10000};
  // The response body is cut off beyond this many bytes (the answer is still
  // returned): callers only log or parse small answers.
  uint64_t max_response_body_bytes = 1 << 20;
  // A stop request ends the exchange at once with Canceled ("context
  // canceled"), as cancelling a Go request's context does.
  std::stop_token stop;
};

struct Response {
  int status = 0;            // e.g. 200
  std::string status_text;   // Go's resp.Status, e.g. "200 OK"
  std::string content_type;  // the Content-Type header, "" when absent
  std::string body;          // as received (no decoding), possibly cut off
  // Every response header as received (names as sent), for callers that
  // read more than Content-Type (remote write: Retry-After, *-Written).
  std::vector<std::pair<std::string, std::string>> headers;
  // The first header named `name` (case-insensitive), or "".
  std::string Header(std::string_view name) const;
};

// Sends `request` and returns the final answer, whatever its status. With
// follow_redirects, 301/302/303 turn the request into a body-less GET and
// 307/308 repeat it as it was (Go's rules), at most 10 times; credentials
// only follow to the first host and its subdomains. Errors: InvalidArgument
// for a bad URL, Timeout at the deadline, Unavailable for connection, TLS and
// protocol failures, Canceled on a stop request, IOError for an unreadable
// credentials file.
Result<Response> DoRequest(const Client& client, const Request& request);

// Requests to the same scheme, host and port over one kept-alive connection;
// a request to another one (or a redirect there) closes it and opens anew.
// A request that fails on a reused connection before any answer arrives is
// sent once more on a new one, as Go's transport does. `client` must outlive
// the session.
class Session {
 public:
  explicit Session(const Client& client);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // DoRequest's contract, on this session's connection.
  Result<Response> Do(const Request& request);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cairn::scrape::http
