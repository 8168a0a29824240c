// HttpClient: a minimal blocking HTTP/1.1 client over one keep-alive TCP connection,
// enough for remote-write POSTs to a local server.
//
// It connects lazily, reuses the connection between requests, and reconnects (once
// per request) when the server closed an idle connection. Responses are read in
// full: Content-Length, chunked, or close-delimited bodies.
//
// Not thread-safe: one client per thread (one connection each).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/status.h"

namespace cairn::bench {

// A parsed "http://host[:port][/path]" URL; the port defaults to 80, the path to "/".
struct HttpUrl {
  std::string host;
  uint16_t port = 80;
  std::string path = "/";
};

// InvalidArgument for anything but a plain http:// URL (no https, no user info).
Result<HttpUrl> ParseHttpUrl(std::string_view url);

struct HttpResponse {
  int status = 0;
  std::string body;
};

class HttpClient {
 public:
  HttpClient(std::string host, uint16_t port) : host_(std::move(host)), port_(port) {}
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // POSTs `body` to `path` with the given extra headers (Host, Content-Length and
  // Connection are added). Returns the response, or an IOError/Timeout status when
  // the connection failed; any HTTP status, 5xx included, is a successful Result.
  Result<HttpResponse> Post(std::string_view path, std::string_view body,
                            const std::vector<std::pair<std::string, std::string>>& headers);

 private:
  Status Connect();
  void Close();
  Status SendAll(std::string_view bytes);
  Result<HttpResponse> ReadResponse();
  // Reads more bytes into in_; IOError on error or EOF.
  Status Fill();
  Status ReadBody(size_t length, std::string* body);
  Status ReadChunked(std::string* body);
  Result<std::string> ReadLine();

  std::string host_;
  uint16_t port_;
  int fd_ = -1;
  std::string in_;   // bytes received and not consumed yet
  bool peer_closes_ = false;
};

}  // namespace cairn::bench
