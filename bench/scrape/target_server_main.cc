// scrape-bench-targets: one process serving the scrape bench's targets.
//
//   scrape-bench-targets --listen 127.0.0.1:0 --targets 1000 --series 1000 --port-file F
//
// GET /metrics/<i> (0 <= i < targets) answers target i's node_exporter-like
// exposition (bench/scrape/node_exposition.h), one scrape further on each
// request; anything else is 404. HTTP/1.1 keep-alive, one thread (the
// servers under test get the other cores). The bound port is written to
// --port-file once listening. Stops on SIGTERM/SIGINT.
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <charconv>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "bench/scrape/node_exposition.h"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

struct Targets {
  cairn::bench::NodeExposition exposition;
  std::vector<uint64_t> scrapes;  // per target; one thread, no locking
  explicit Targets(int targets, int series) : exposition(series), scrapes(static_cast<size_t>(targets), 0) {}
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, Targets& targets) : stream_(std::move(socket)), targets_(targets) {}
  void Read() {
    req_ = {};
    http::async_read(stream_, buffer_, req_, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (!ec) self->Answer();
    });
  }

 private:
  void Answer() {
    res_ = {};
    res_.version(req_.version());
    res_.keep_alive(req_.keep_alive());
    constexpr std::string_view kPrefix = "/metrics/";
    const std::string_view target(req_.target().data(), req_.target().size());
    size_t i = 0;
    const bool ok = target.substr(0, kPrefix.size()) == kPrefix &&
                    std::from_chars(target.data() + kPrefix.size(), target.data() + target.size(), i).ec ==
                        std::errc() &&
                    i < targets_.scrapes.size();
    if (ok) {
      res_.result(http::status::ok);
      res_.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
      res_.body().reserve(96 * targets_.exposition.series());
      targets_.exposition.Render(i, ++targets_.scrapes[i], &res_.body());
    } else {
      res_.result(http::status::not_found);
      res_.body() = "not found\n";
    }
    res_.prepare_payload();
    http::async_write(stream_, res_, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (!ec && self->res_.keep_alive()) self->Read();
    });
  }

  beast::tcp_stream stream_;
  Targets& targets_;
  beast::flat_buffer buffer_;
  http::request<http::empty_body> req_;
  http::response<http::string_body> res_;
};

void Accept(tcp::acceptor& acceptor, Targets& targets) {
  acceptor.async_accept([&](beast::error_code ec, tcp::socket socket) {
    if (ec) return;
    std::make_shared<Session>(std::move(socket), targets)->Read();
    Accept(acceptor, targets);
  });
}

}  // namespace

int main(int argc, char** argv) {
  std::string listen = "127.0.0.1:0", port_file;
  int targets = 1000, series = 1000;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--listen") {
      listen = value;
    } else if (flag == "--targets") {
      targets = std::stoi(value);
    } else if (flag == "--series") {
      series = std::stoi(value);
    } else if (flag == "--port-file") {
      port_file = value;
    } else {
      std::fprintf(stderr, "unknown flag %s\n", flag.c_str());
      return 2;
    }
  }
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos || targets <= 0 || series <= 0) {
    std::fprintf(stderr, "usage: %s --listen host:port --targets N --series N [--port-file F]\n", argv[0]);
    return 2;
  }
  Targets state(targets, series);
  asio::io_context ioc(1);
  tcp::acceptor acceptor(ioc, {asio::ip::make_address(listen.substr(0, colon)),
                               static_cast<unsigned short>(std::stoi(listen.substr(colon + 1)))});
  acceptor.listen(4096);
  if (!port_file.empty()) std::ofstream(port_file) << acceptor.local_endpoint().port() << "\n";
  std::fprintf(stderr, "serving %d targets of %zu series on port %u\n", targets, state.exposition.series(),
               acceptor.local_endpoint().port());
  asio::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](beast::error_code, int) { ioc.stop(); });
  Accept(acceptor, state);
  ioc.run();
  return 0;
}
