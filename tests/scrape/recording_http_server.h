// RecordingServer: an HTTP/1.1 server on a free 127.0.0.1 port that records
// every request it receives and answers with what the test's responder
// returns — a stand-in Alertmanager for the notifier's and DoRequest's tests.
// Each connection is served on its own thread, read until the client closes
// it (kept-alive clients such as remote write's shards hold theirs open);
// connections() counts the connections accepted.
// Thread-safety: requests() and set_responder() may be called from the test
// thread while the server runs.
#pragma once

#include <sys/socket.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace cairn::testing {

struct RecordedRequest {
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
};

struct CannedResponse {
  int status = 200;
  std::map<std::string, std::string> headers;
  std::string body;
  std::chrono::milliseconds delay{0};  // before answering
  // Closes the connection after answering without saying so, as a server's
  // idle timeout does to a kept-alive connection.
  bool close_after = false;
};

class RecordingServer {
 public:
  using Responder = std::function<CannedResponse(const RecordedRequest&)>;

  RecordingServer() : acceptor_(ioc_, {boost::asio::ip::make_address("127.0.0.1"), 0}) {
    thread_ = std::thread([this] { Serve(); });
  }
  ~RecordingServer() {
    stopping_ = true;
    // Unblocks accept().
    boost::system::error_code ec;
    boost::asio::ip::tcp::socket s(ioc_);
    s.connect({boost::asio::ip::make_address("127.0.0.1"), port()}, ec);
    thread_.join();
    {
      // Ends the reads of connections their clients still hold open.
      std::lock_guard<std::mutex> lock(mu_);
      for (const auto& c : sockets_) ::shutdown(c->native_handle(), SHUT_RDWR);
    }
    for (auto& t : connection_threads_) t.join();
  }

  uint16_t port() const { return acceptor_.local_endpoint().port(); }
  std::string url(const std::string& path = "") const { return "http://127.0.0.1:" + std::to_string(port()) + path; }

  void set_responder(Responder r) {
    std::lock_guard<std::mutex> lock(mu_);
    responder_ = std::move(r);
  }

  std::vector<RecordedRequest> requests() const {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }

  size_t connections() const {
    std::lock_guard<std::mutex> lock(mu_);
    return sockets_.size();
  }

  // Waits until at least `n` requests were answered (or `timeout` passed).
  bool WaitForRequests(size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return answered_ >= n; });
  }

 private:
  void Serve() {
    while (true) {
      auto socket = std::make_shared<boost::asio::ip::tcp::socket>(ioc_);
      boost::system::error_code ec;
      acceptor_.accept(*socket, ec);
      if (stopping_) return;
      if (ec) continue;
      {
        std::lock_guard<std::mutex> lock(mu_);
        sockets_.push_back(socket);
      }
      connection_threads_.emplace_back([this, socket] { ServeConnection(*socket); });
    }
  }

  void ServeConnection(boost::asio::ip::tcp::socket& socket) {
    namespace http = boost::beast::http;
    boost::system::error_code ec;
    {
      boost::beast::flat_buffer buffer;
      while (true) {
        http::request<http::string_body> req;
        http::read(socket, buffer, req, ec);
        if (ec) break;
        RecordedRequest rec;
        rec.method = std::string(req.method_string());
        rec.target = std::string(req.target());
        for (const auto& f : req) {
          std::string name(f.name_string());
          for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
          rec.headers[name] = std::string(f.value());
        }
        rec.body = req.body();
        Responder responder;
        {
          std::lock_guard<std::mutex> lock(mu_);
          requests_.push_back(rec);
          responder = responder_;
        }
        CannedResponse canned = responder ? responder(rec) : CannedResponse{};
        if (canned.delay.count() > 0) std::this_thread::sleep_for(canned.delay);
        http::response<http::string_body> res{static_cast<http::status>(canned.status), 11};
        res.keep_alive(req.keep_alive());  // before the canned headers, which may say "Connection: close"
        for (const auto& [k, v] : canned.headers) res.set(k, v);
        res.body() = canned.body;
        res.prepare_payload();
        http::write(socket, res, ec);
        {
          std::lock_guard<std::mutex> lock(mu_);
          ++answered_;
        }
        cv_.notify_all();
        if (canned.close_after) socket.close(ec);
        if (ec || !req.keep_alive() || canned.close_after || !res.keep_alive()) break;
      }
    }
  }

  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mu_;
  std::condition_variable cv_;
  Responder responder_;
  std::vector<RecordedRequest> requests_;
  size_t answered_ = 0;
  std::vector<std::shared_ptr<boost::asio::ip::tcp::socket>> sockets_;  // guarded by mu_
  std::vector<std::thread> connection_threads_;                          // the Serve thread's
  std::thread thread_;
};

}  // namespace cairn::testing
