// FakeKubernetesApi: a small Kubernetes API server for tests, on 127.0.0.1.
// Each route (a collection path such as /api/v1/pods) answers a list GET
// with a fixed JSON body, and the first watch GET on it with a chunked
// stream of newline-delimited watch events. Watches are answered once the
// test calls ReleaseWatches(), so the test sees the listed state first.
// Later watches stay open without events until the server stops. A route
// can answer its first watch with 410 Gone instead, and then serve a second
// list body (and the events on the watch after it). It
// records every request line and Authorization header.
// Thread-safety: routes are set before Start(); the accessors lock.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <sys/socket.h>

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace cairn::scrape::discovery::kubernetes::testing {

class FakeKubernetesApi {
 public:
  struct Route {
    std::string list_body;                 // JSON of a *List
    std::vector<std::string> watch_lines;  // watch events, one JSON object each
    bool first_watch_gone = false;         // answer the first watch with 410
    std::string relist_body;               // the list after a 410 (defaults to list_body)
  };
  struct Request {
    std::string target;
    std::string authorization;
  };

  void AddRoute(const std::string& path, Route route) { routes_[path] = std::move(route); }

  // Listens on an ephemeral port; returns "http://127.0.0.1:<port>".
  std::string Start() {
    acceptor_.open(boost::asio::ip::tcp::v4());
    acceptor_.set_option(boost::asio::socket_base::reuse_address(true));
    acceptor_.bind({boost::asio::ip::make_address("127.0.0.1"), 0});
    acceptor_.listen();
    accept_thread_ = std::thread([this] { AcceptLoop(); });
    return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port());
  }

  void ReleaseWatches() {
    std::lock_guard lock(mu_);
    released_ = true;
    cv_.notify_all();
  }

  std::vector<Request> requests() const {
    std::lock_guard lock(mu_);
    return requests_;
  }

  ~FakeKubernetesApi() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
      released_ = true;
      cv_.notify_all();
      for (auto* s : sockets_) {
        boost::system::error_code ignored;
        s->shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
      }
    }
    // Closing alone does not wake a thread blocked in accept(); shutdown does.
    ::shutdown(acceptor_.native_handle(), SHUT_RDWR);
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    if (accept_thread_.joinable()) accept_thread_.join();
    for (auto& t : connections_) t.join();
  }

 private:
  void AcceptLoop() {
    for (;;) {
      boost::asio::ip::tcp::socket socket(ioc_);
      boost::system::error_code ec;
      acceptor_.accept(socket, ec);
      if (ec) return;
      std::lock_guard lock(mu_);
      if (stopping_) return;
      connections_.emplace_back([this, s = std::move(socket)]() mutable { Serve(std::move(s)); });
    }
  }

  void Serve(boost::asio::ip::tcp::socket socket) {
    namespace http = boost::beast::http;
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
      sockets_.push_back(&socket);
    }
    boost::beast::flat_buffer buffer;
    http::request<http::empty_body> req;
    boost::system::error_code ec;
    http::read(socket, buffer, req, ec);
    if (!ec) Respond(socket, req);
    std::lock_guard lock(mu_);
    std::erase(sockets_, &socket);
  }

  void Respond(boost::asio::ip::tcp::socket& socket, const boost::beast::http::request<boost::beast::http::empty_body>& req) {
    namespace http = boost::beast::http;
    const std::string target(req.target());
    const std::string path = target.substr(0, target.find('?'));
    const bool watch = target.find("watch=true") != std::string::npos;
    bool gone = false;
    bool stream_events = false;
    std::string list_body;
    const Route* route = nullptr;
    {
      std::lock_guard lock(mu_);
      requests_.push_back({target, std::string(req[http::field::authorization])});
      auto it = routes_.find(path);
      if (it != routes_.end()) {
        route = &it->second;
        int& watches = watch_count_[path];
        int& lists = list_count_[path];
        if (watch) {
          gone = route->first_watch_gone && watches == 0;
          stream_events = watches == (route->first_watch_gone ? 1 : 0);
          ++watches;
        } else {
          list_body = lists > 0 && !route->relist_body.empty() ? route->relist_body : route->list_body;
          ++lists;
        }
      }
    }
    boost::system::error_code ec;
    if (watch) {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return released_; });
    }
    if (route == nullptr || gone) {
      http::response<http::string_body> res{route == nullptr ? http::status::not_found : http::status::gone, 11};
      res.set(http::field::content_type, "application/json");
      res.body() = route == nullptr
                       ? R"({"kind":"Status","apiVersion":"v1","status":"Failure","message":"the server could not find the requested resource","reason":"NotFound","code":404})"
                       : R"({"kind":"Status","apiVersion":"v1","status":"Failure","message":"too old resource version","reason":"Expired","code":410})";
      res.prepare_payload();
      http::write(socket, res, ec);
      return;
    }
    if (!watch) {
      http::response<http::string_body> res{http::status::ok, 11};
      res.set(http::field::content_type, "application/json");
      res.body() = list_body;
      res.prepare_payload();
      http::write(socket, res, ec);
      return;
    }
    http::response<http::empty_body> res{http::status::ok, 11};
    res.set(http::field::content_type, "application/json");
    res.chunked(true);
    http::response_serializer<http::empty_body> sr{res};
    http::write_header(socket, sr, ec);
    if (ec) return;
    std::unique_lock lock(mu_);
    if (stream_events && !stopping_) {
      lock.unlock();
      for (const auto& line : route->watch_lines) {
        const std::string data = line + "\n";
        boost::asio::write(socket, http::make_chunk(boost::asio::buffer(data)), ec);
        if (ec) return;
      }
      lock.lock();
    }
    cv_.wait(lock, [&] { return stopping_; });
  }

  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::acceptor acceptor_{ioc_};
  std::thread accept_thread_;
  std::map<std::string, Route> routes_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool released_ = false;
  bool stopping_ = false;
  std::vector<std::thread> connections_;
  std::vector<boost::asio::ip::tcp::socket*> sockets_;
  std::vector<Request> requests_;
  std::map<std::string, int> watch_count_;
  std::map<std::string, int> list_count_;
};

}  // namespace cairn::scrape::discovery::kubernetes::testing
