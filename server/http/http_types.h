// Plain request/response values that the router and every handler speak, so
// handlers never see Beast types and can be tested without sockets.
// Thread-safety: plain values.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cairn::server::http {

struct HttpRequest {
  std::string method;  // upper case: "GET", "POST", ...
  std::string path;    // raw path, without the query string
  std::string query;   // raw query string after '?', still encoded
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  // Filled by the router from ":name" segments of the matched pattern,
  // percent-decoded.
  std::map<std::string, std::string> path_params;
  // Set by the HttpServer: turns true when the client closes its connection
  // while the request is answered asynchronously (HttpResponse::async), so a
  // long computation can stop. Null when no server watches (tests).
  std::shared_ptr<const std::atomic<bool>> client_gone;

  // The first header named `name` (lower case), or "".
  std::string_view Header(std::string_view name) const {
    for (const auto& [k, v] : headers) {
      if (k == name) return v;
    }
    return {};
  }
};

// Writes one piece of a streamed (chunked) response body. The first Write
// sends the response header (status, content type and headers of the
// HttpResponse that carried the stream). Returns false when the client went
// away; the producer should then stop.
class ChunkWriter {
 public:
  virtual ~ChunkWriter() = default;
  virtual bool Write(std::string_view data) = 0;
  // True once the header went out (after the first Write).
  virtual bool started() const = 0;
};

struct HttpResponse;
// Hands the final response of an asynchronous request to the server. Call it
// exactly once, from any thread. From a thread that is not one of the
// server's I/O threads it blocks until the response was written (a streamed
// body is then produced on the calling thread), so the caller's resources
// may back the response until it returns.
using Respond = std::function<void(HttpResponse)>;
// Starts computing a response elsewhere and arranges for `respond` to be
// called with it.
using AsyncProducer = std::function<void(Respond respond)>;
// Produces a streamed body. When it returns without having written anything,
// the returned response is sent instead (an error found before the first
// byte); nullopt then means the carrying response with an empty body.
using StreamProducer = std::function<std::optional<HttpResponse>(ChunkWriter&)>;

struct HttpResponse {
  int status = 200;
  std::string content_type;  // empty = no Content-Type header
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // When set, the body is produced by this callback with chunked transfer
  // encoding; `body` is ignored and the response is never compressed. Runs
  // on the connection's thread while the HttpRequest is still alive, so it
  // may refer to the request.
  StreamProducer stream;
  // When `stream` is set and the client accepts gzip: compress the streamed
  // body on the fly (Content-Encoding: gzip). Off for bodies that carry their
  // own encoding, such as remote read's snappy frames.
  bool gzip_stream = false;
  // When set, the response is not ready yet: the server calls `async` with a
  // Respond callback and leaves the I/O thread free; every other field is
  // ignored. While it waits, the server watches the connection and sets
  // HttpRequest::client_gone when the client goes away. The HttpRequest stays
  // alive until the response is sent.
  AsyncProducer async;

  static HttpResponse Text(int status, std::string text) {
    HttpResponse r;
    r.status = status;
    r.content_type = "text/plain; charset=utf-8";
    r.body = std::move(text);
    return r;
  }
};

using Handler = std::function<HttpResponse(const HttpRequest&)>;

}  // namespace cairn::server::http
