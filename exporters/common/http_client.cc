#include "exporters/common/http_client.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
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

}  // namespace

Result<HttpClientResponse> HttpFetch(const HttpClientRequest& request, Deadline deadline) {
  Result<Url> url = ParseHttpUrl(request.url);
  if (!url.ok()) return url.status();
  if (std::chrono::steady_clock::now() >= deadline) return Status::Timeout("deadline passed before the request");

  asio::io_context ioc;
  Status status = Status::Internal("request did not run");
  HttpClientResponse result;
  bool timed_out = false;

  auto run = [&]() -> asio::awaitable<void> {
    beast::tcp_stream stream(ioc);
    try {
      stream.expires_at(deadline);
      // A numeric address needs no resolver (asio's runs on a thread of its own).
      beast::error_code not_numeric;
      auto address = asio::ip::make_address(url->host, not_numeric);
      if (!not_numeric) {
        co_await stream.async_connect(
            asio::ip::tcp::endpoint(address, static_cast<unsigned short>(std::stoi(url->port))), asio::use_awaitable);
      } else {
        asio::ip::tcp::resolver resolver(ioc);
        auto endpoints = co_await resolver.async_resolve(url->host, url->port, asio::use_awaitable);
        co_await stream.async_connect(endpoints, asio::use_awaitable);
      }
      stream.socket().set_option(asio::ip::tcp::no_delay(true));

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
      co_await http::async_write(stream, req, asio::use_awaitable);

      beast::flat_buffer buffer;
      http::response_parser<http::string_body> parser;
      parser.body_limit(kMaxResponseBytes);
      co_await http::async_read(stream, buffer, parser, asio::use_awaitable);
      auto& res = parser.get();
      result.status = static_cast<int>(res.result_int());
      result.content_type = std::string(res[http::field::content_type]);
      result.body = std::move(res.body());
      status = Status::OK();
    } catch (const boost::system::system_error& e) {
      if (e.code() == beast::error::timeout) {
        timed_out = true;
      } else {
        status = Status::Unavailable(e.code().message());
      }
    }
    beast::error_code ignored;
    stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  };
  asio::co_spawn(ioc, run, asio::detached);
  ioc.run();
  if (timed_out) {
    return Status::Timeout("context deadline exceeded");
  }
  if (!status.ok()) return status;
  return result;
}

}  // namespace cairn::exporters
