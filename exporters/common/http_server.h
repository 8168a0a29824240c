// The exporter's HTTP server (internal to cairn_exporter_common): Boost.Beast,
// blocking I/O, a connection served by one worker thread at a time, HTTP/1.1
// keep-alive, idle connections closed after two minutes. Exporters are scraped
// by one or two clients, so blocking workers are the simplest thing that lets
// a handler block. Workers are kept for the next connection (starting a thread
// per connection cost more than the rest of a scrape on a loaded host); a new
// one starts only when every worker is busy.
// With --web.config.file (webconfig/) connections speak TLS, requests need
// basic auth and answers carry the configured headers, as upstream's
// exporter-toolkit does; the server and the exporters share one implementation.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>
#include <set>
#include <string>
#include <thread>

#include "exporters/common/http_types.h"
#include "util/status.h"

namespace cairn::webconfig {
class WebConfigSource;
}

namespace cairn::exporters {

class HttpServer {
 public:
  // `web_config` (may be null: plain HTTP, no auth) must outlive the server.
  explicit HttpServer(HttpHandler handler, webconfig::WebConfigSource* web_config = nullptr)
      : handler_(std::move(handler)), web_config_(web_config) {}
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
  // Reads and answers requests on `stream` until it closes.
  template <class Stream>
  void ServeRequests(Stream& stream);
  // The web config's verdict on a request: an answer when it stops here.
  std::optional<HttpResponse> Admit(const HttpRequest& req, std::vector<std::pair<std::string, std::string>>* headers);

  HttpHandler handler_;
  webconfig::WebConfigSource* web_config_;
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
