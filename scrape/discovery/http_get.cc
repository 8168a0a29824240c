#include "scrape/discovery/http_get.h"

#include <cctype>
#include <chrono>
#include <optional>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace cairn::scrape::discovery {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// Limits a body so a misbehaving server cannot exhaust memory; Prometheus
// has no limit here, but target lists are small.
constexpr uint64_t kMaxBodyBytes = 64ull << 20;

// One request's state; the completion handlers run on the caller's thread
// inside io_context::run().
struct Exchange {
  asio::io_context ioc;
  tcp::resolver resolver{ioc};
  beast::tcp_stream stream{ioc};
  // Bounds name resolution, which the stream's own timeout does not cover.
  asio::steady_timer resolve_deadline{ioc};
  bool resolve_timed_out = false;
  beast::flat_buffer buffer;
  http::request<http::empty_body> req;
  std::optional<http::response_parser<http::string_body>> parser;
  beast::error_code error;
  const char* step = "";

  void Fail(const char* where, beast::error_code ec) {
    step = where;
    error = resolve_timed_out ? beast::error::timeout : ec;
  }
};

}  // namespace

Result<HttpUrl> ParseHttpUrl(const std::string& url) {
  HttpUrl u;
  const size_t colon = url.find("://");
  if (colon == std::string::npos) return Status::InvalidArgument("URL scheme must be 'http' or 'https'");
  u.scheme = url.substr(0, colon);
  for (char& c : u.scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (u.scheme != "http" && u.scheme != "https") {
    return Status::InvalidArgument("URL scheme must be 'http' or 'https'");
  }
  const size_t host_start = colon + 3;
  const size_t path_start = url.find_first_of("/?#", host_start);
  std::string authority = url.substr(host_start, path_start == std::string::npos ? std::string::npos
                                                                                : path_start - host_start);
  if (const size_t at = authority.rfind('@'); at != std::string::npos) authority = authority.substr(at + 1);
  if (!authority.empty() && authority[0] == '[') {
    const size_t close = authority.find(']');
    if (close == std::string::npos) return Status::InvalidArgument("missing ']' in host");
    u.host = authority.substr(1, close - 1);
    if (close + 1 < authority.size() && authority[close + 1] == ':') u.port = authority.substr(close + 2);
  } else if (const size_t c = authority.rfind(':'); c != std::string::npos) {
    u.host = authority.substr(0, c);
    u.port = authority.substr(c + 1);
  } else {
    u.host = authority;
  }
  if (u.host.empty()) return Status::InvalidArgument("host is missing in URL");
  if (u.port.empty()) u.port = u.scheme == "https" ? "443" : "80";
  u.target = path_start == std::string::npos ? "/" : url.substr(path_start);
  if (const size_t hash = u.target.find('#'); hash != std::string::npos) u.target.resize(hash);
  if (u.target.empty() || u.target[0] != '/') u.target.insert(0, "/");
  return u;
}

Result<HttpResponse> HttpGet(const HttpUrl& url, const std::vector<std::pair<std::string, std::string>>& headers,
                             int64_t timeout_ms, std::stop_token stop) {
  if (url.scheme != "http") return Status::Unsupported("https URLs are not yet supported by http_sd_configs");
  Exchange x;
  x.req.method(http::verb::get);
  x.req.target(url.target);
  x.req.version(11);
  const bool v6 = url.host.find(':') != std::string::npos;
  const bool default_port = url.port == "80";
  x.req.set(http::field::host, (v6 ? "[" + url.host + "]" : url.host) + (default_port ? "" : ":" + url.port));
  for (const auto& [k, v] : headers) x.req.set(k, v);
  x.parser.emplace();
  x.parser->body_limit(kMaxBodyBytes);

  x.stream.expires_after(std::chrono::milliseconds(timeout_ms));
  x.resolve_deadline.expires_after(std::chrono::milliseconds(timeout_ms));
  x.resolve_deadline.async_wait([&](beast::error_code ec) {
    if (ec) return;  // canceled: resolution finished first
    x.resolve_timed_out = true;
    x.resolver.cancel();
  });
  x.resolver.async_resolve(url.host, url.port, [&](beast::error_code ec, tcp::resolver::results_type results) {
    x.resolve_deadline.cancel();
    if (ec) return x.Fail("resolve", ec);
    x.stream.async_connect(results, [&](beast::error_code ec, const tcp::endpoint&) {
      if (ec) return x.Fail("connect", ec);
      http::async_write(x.stream, x.req, [&](beast::error_code ec, size_t) {
        if (ec) return x.Fail("write", ec);
        http::async_read(x.stream, x.buffer, *x.parser, [&](beast::error_code ec, size_t) {
          if (ec) return x.Fail("read", ec);
          beast::error_code ignored;
          x.stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
        });
      });
    });
  });
  bool canceled = false;
  std::stop_callback on_stop(stop, [&] {
    asio::post(x.ioc, [&] {
      canceled = true;
      x.resolver.cancel();
      x.stream.cancel();
    });
  });
  x.ioc.run();
  if (canceled && x.error) return Status::Canceled("GET " + url.target + ": canceled");
  if (x.error == beast::error::timeout) {
    return Status::Timeout(std::string(x.step) + " " + url.host + ":" + url.port + ": timeout after " +
                           std::to_string(timeout_ms) + "ms");
  }
  if (x.error) return Status::IOError(std::string(x.step) + " " + url.host + ":" + url.port + ": " + x.error.message());
  auto& res = x.parser->get();
  HttpResponse out;
  out.status = static_cast<int>(res.result_int());
  out.reason = std::string(res.reason());
  if (auto it = res.find(http::field::content_type); it != res.end()) out.content_type = std::string(it->value());
  out.body = std::move(res.body());
  return out;
}

}  // namespace cairn::scrape::discovery
