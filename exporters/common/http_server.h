// The exporter's HTTP server (internal to cairn_exporter_common): Boost.Beast,
// blocking I/O, a connection served by one worker thread at a time, HTTP/1.1
// keep-alive, idle connections closed after two minutes. Exporters are scraped
// by one or two clients, so blocking workers are the simplest thing that lets
// a handler block. Workers are kept for the next connection (starting a thread
// per connection cost more than the rest of a scrape on a loaded host); a new
// one starts only when every worker is busy.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
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
  void Worker();
  void Serve(int fd);

  HttpHandler handler_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::thread acceptor_;
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::condition_variable idle_;
  std::condition_variable work_;
  std::set<int> open_fds_;  // guarded by mu_
  std::deque<int> queue_;   // accepted, not yet picked up; guarded by mu_
  int idle_workers_ = 0;    // guarded by mu_
  int workers_ = 0;         // guarded by mu_
};

}  // namespace cairn::exporters
