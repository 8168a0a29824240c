// The exporter's HTTP server (internal to cairn_exporter_common): Boost.Beast,
// blocking I/O, one thread per connection, HTTP/1.1 keep-alive, idle
// connections closed after two minutes. Exporters are scraped by one or two
// clients, so a thread each is the simplest thing that lets a handler block.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "exporters/common/http_types.h"
#include "util/status.h"

namespace cairn::exporters {

class HttpServer {
 public:
  explicit HttpServer(HttpHandler handler) : handler_(std::move(handler)) {}
  ~HttpServer();  // Stop()s and waits for connection threads

  // Binds "host:port", ":port", "[v6]:port" (empty host = every address).
  Status Listen(const std::string& address);
  int port() const { return port_; }
  // Accepts on a thread of its own until Stop().
  void Start();
  void Stop();

 private:
  void AcceptLoop();
  void Serve(int fd);

  HttpHandler handler_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::thread acceptor_;
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::condition_variable idle_;
  std::set<int> open_fds_;  // guarded by mu_
  int live_connections_ = 0;  // guarded by mu_
};

}  // namespace cairn::exporters
