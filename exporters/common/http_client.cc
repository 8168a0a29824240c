#include "exporters/common/http_client.h"

#include <optional>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

namespace cairn::exporters {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

constexpr uint64_t kMaxResponseBytes = 64u << 20;

struct Url {
  std::string host;
  std::string port;
  std::string target;
};

Result<Url> ParseHttpUrl(const std::string& url) {
  constexpr std::string_view kScheme = "http://";
  if (url.compare(0, kScheme.size(), kScheme) != 0) {
    return Status::InvalidArgument("unsupported URL (only http:// is supported): " + url);
  }
  std::string rest = url.substr(kScheme.size());
  size_t slash = rest.find_first_of("/?");
  std::string authority = rest.substr(0, slash);
  Url out;
  out.target = slash == std::string::npos ? "/" : rest.substr(slash);
  if (out.target[0] == '?') out.target = "/" + out.target;
  if (size_t at = authority.rfind('@'); at != std::string::npos) authority = authority.substr(at + 1);
  if (!authority.empty() && authority[0] == '[') {  // [::1]:port
    size_t close = authority.find(']');
    if (close == std::string::npos) return Status::InvalidArgument("bad host in URL: " + url);
    out.host = authority.substr(1, close - 1);
    out.port = close + 1 < authority.size() && authority[close + 1] == ':' ? authority.substr(close + 2) : "80";
  } else {
    size_t colon = authority.rfind(':');
    out.host = authority.substr(0, colon);
    out.port = colon == std::string::npos ? "80" : authority.substr(colon + 1);
  }
  if (out.host.empty() || out.port.empty() || out.port.size() > 5 ||
      out.port.find_first_not_of("0123456789") != std::string::npos || std::stoi(out.port) > 65535) {
    return Status::InvalidArgument("bad host or port in URL: " + url);
  }
  return out;
}

// Runs one asynchronous operation to completion on `ioc` and returns its
// error. Plain completion handlers rather than C++20 coroutines: clang 14 (the
// fuzz build) has no <coroutine> that Boost.Asio's awaitables accept. The
// stream's expiry ends a step at the deadline with beast::error::timeout.
template <typename Start>
beast::error_code RunStep(asio::io_context& ioc, Start start) {
  std::optional<beast::error_code> result;
  start([&result](beast::error_code ec, auto&&...) { result = ec; });
  ioc.restart();
  ioc.run();
  return result.value_or(asio::error::operation_aborted);
}

}  // namespace

Result<HttpClientResponse> HttpFetch(const HttpClientRequest& request, Deadline deadline) {
  Result<Url> url = ParseHttpUrl(request.url);
  if (!url.ok()) return url.status();
  if (std::chrono::steady_clock::now() >= deadline) return Status::Timeout("deadline passed before the request");

  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  const auto failed = [&](beast::error_code ec) -> Status {
    if (ec == beast::error::timeout) return Status::Timeout("context deadline exceeded");
    return Status::Unavailable(ec.message());
  };
  stream.expires_at(deadline);
  // A numeric address needs no resolver (asio's runs on a thread of its own).
  beast::error_code not_numeric;
  auto address = asio::ip::make_address(url->host, not_numeric);
  beast::error_code ec;
  if (!not_numeric) {
    asio::ip::tcp::endpoint endpoint(address, static_cast<unsigned short>(std::stoi(url->port)));
    ec = RunStep(ioc, [&](auto done) { stream.async_connect(endpoint, done); });
  } else {
    asio::ip::tcp::resolver resolver(ioc);
    asio::ip::tcp::resolver::results_type endpoints;
    ec = RunStep(ioc, [&](auto done) {
      resolver.async_resolve(url->host, url->port,
                             [&endpoints, done](beast::error_code e, asio::ip::tcp::resolver::results_type r) {
                               endpoints = std::move(r);
                               done(e);
                             });
    });
    if (!ec) ec = RunStep(ioc, [&](auto done) { stream.async_connect(endpoints, done); });
  }
  if (ec) return failed(ec);
  stream.socket().set_option(asio::ip::tcp::no_delay(true), ec);

  http::request<http::string_body> req;
  req.method(http::string_to_verb(request.method));
  req.target(url->target);
  req.version(11);
  req.set(http::field::host, url->host + ":" + url->port);
  req.set(http::field::user_agent, "cairn-exporter/1.0");
  for (const auto& [name, value] : request.headers) req.set(name, value);
  if (!request.body.empty() || request.method == "POST" || request.method == "PUT") {
    req.body() = request.body;
    req.prepare_payload();
  }
  ec = RunStep(ioc, [&](auto done) { http::async_write(stream, req, done); });
  if (ec) return failed(ec);

  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(kMaxResponseBytes);
  ec = RunStep(ioc, [&](auto done) { http::async_read(stream, buffer, parser, done); });
  if (ec) return failed(ec);
  auto& res = parser.get();
  HttpClientResponse result;
  result.status = static_cast<int>(res.result_int());
  result.content_type = std::string(res[http::field::content_type]);
  result.body = std::move(res.body());
  beast::error_code ignored;
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  return result;
}

}  // namespace cairn::exporters
