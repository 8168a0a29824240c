// HttpServer: the HTTP/1.1 front door, Boost.Beast over Asio with a small
// thread pool. Connections are kept alive; each request is read whole (up to
// body_limit_bytes, beyond which the answer is 413 and the connection
// closes), handed to the Router on the connection's thread, and answered,
// gzip-compressed when the client accepts it. Streamed responses
// (HttpResponse::stream) go out with chunked transfer encoding, gzip-encoded
// on the fly when they allow it (gzip_stream).
//
// Slow work stays off the I/O threads: a handler returns an asynchronous
// response (HttpResponse::async) and responds later from its own thread.
// Meanwhile the connection is watched; when the client closes it, the
// request's client_gone flag turns true so the work can be abandoned (as
// Prometheus cancels a request's context). A streamed asynchronous response
// is produced and written on the responding thread.
//
// With a web config (--web.config.file) the server speaks TLS and asks for
// basic auth as Prometheus' exporter-toolkit does (webconfig/).
//
// Connections are capped and every phase of reading a request has its own
// deadline (HttpServerOptions; docs/security.md, "Connections").
//
// Lifecycle: Start() binds and serves until Stop(). Stop() is graceful: it
// stops accepting, lets requests in flight finish (up to drain_timeout),
// closes idle keep-alive connections and joins the threads.
// Thread-safety: Start/Stop from one controlling thread; port() any time
// after Start() returned OK.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "server/http/router.h"
#include "util/status.h"

namespace cairn::webconfig {
class WebConfigSource;
}

namespace cairn::server::http {

struct HttpServerOptions {
  // "host:port", ":port" or "[v6]:port"; port 0 picks a free port.
  std::string listen_address = "0.0.0.0:9090";
  int threads = 4;
  // Largest request body read; remote write's limit is 32 MiB.
  size_t body_limit_bytes = 32u << 20;
  // Connections (--web.max-connections). At the cap a new connection takes
  // the place of the connection that has waited longest for a request (idle
  // keep-alive, TLS handshake or header still arriving): a flood of slow
  // connections cannot hold the port. When every connection is serving a
  // request, accepting pauses and new connections wait in the kernel's
  // backlog (as Prometheus' netutil.LimitListener).
  size_t max_connections = 512;
  // A request's header (and a TLS handshake) must arrive within this, counted
  // from its first byte (from the accept for a new connection).
  std::chrono::milliseconds read_header_timeout{10000};
  // The body must arrive within this once the header is read.
  std::chrono::milliseconds read_timeout{300000};
  // An idle keep-alive connection is closed after this long.
  std::chrono::milliseconds idle_timeout{300000};
  // How long Stop() waits for requests in flight.
  std::chrono::seconds drain_timeout{30};
  // --web.config.file: TLS (decided at Start), basic auth and response
  // headers, re-read when the file changes. Null = plain HTTP, no auth.
  // Must outlive the server.
  webconfig::WebConfigSource* web_config = nullptr;
};

class HttpServer {
 public:
  // `router` must outlive the server.
  HttpServer(HttpServerOptions options, const Router& router);
  ~HttpServer();  // calls Stop()
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds, listens and starts the threads. Unavailable/InvalidArgument when
  // the address is bad or in use.
  Status Start();
  // The bound port (useful with port 0).
  uint16_t port() const { return port_; }
  void Stop();

  class Impl;

 private:
  HttpServerOptions options_;
  const Router& router_;
  std::unique_ptr<Impl> impl_;
  uint16_t port_ = 0;
};

}  // namespace cairn::server::http
