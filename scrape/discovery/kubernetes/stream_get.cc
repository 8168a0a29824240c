#include "scrape/discovery/kubernetes/stream_get.h"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <array>
#include <chrono>
#include <limits>
#include <optional>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

namespace cairn::scrape::discovery::kubernetes {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using error_code = beast::error_code;

bool IsIpAddress(const std::string& host) {
  error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

// One request on one stream type (beast::tcp_stream or an ssl_stream over
// it); the handlers run inside io_context::run() on the caller's thread.
template <typename Stream>
struct Exchange {
  Exchange(Stream& s, const bhttp::request<bhttp::empty_body>& r, const BodyFn& f) : stream(s), req(r), on_body(f) {}

  Stream& stream;
  bhttp::request<bhttp::empty_body> req;
  const BodyFn& on_body;
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::buffer_body> parser;
  std::array<char, 64 * 1024> chunk{};
  StreamResponse response;
  error_code error;
  const char* step = "";

  void Fail(const char* where, error_code ec) {
    step = where;
    error = ec;
  }

  void Start() {
    bhttp::async_write(stream, req, [this](error_code ec, size_t) {
      if (ec) return Fail("write", ec);
      // The body is read piecewise below; a watch has no end to limit.
      parser.body_limit(std::numeric_limits<std::uint64_t>::max());
      bhttp::async_read_header(stream, buffer, parser, [this](error_code ec, size_t) {
        if (ec) return Fail("read", ec);
        response.status = static_cast<int>(parser.get().result_int());
        response.reason = std::string(parser.get().reason());
        ReadBody();
      });
    });
  }

  void ReadBody() {
    if (parser.is_done()) return;
    parser.get().body().data = chunk.data();
    parser.get().body().size = chunk.size();
    bhttp::async_read_some(stream, buffer, parser, [this](error_code ec, size_t) {
      if (ec == bhttp::error::need_buffer) ec = {};
      const size_t n = chunk.size() - parser.get().body().size;
      if (n > 0 && !on_body(response, std::string_view(chunk.data(), n))) return;  // the caller has what it needs
      if (ec) return Fail("read", ec);
      ReadBody();
    });
  }
};

}  // namespace

Result<StreamResponse> StreamGet(const ApiConnection& conn, const std::string& path_and_query, int64_t timeout_ms,
                                 std::stop_token stop, const BodyFn& on_body) {
  const http::Url url = conn.UrlFor(path_and_query);
  auto auth = conn.client->AuthorizationHeader(url, url.host);
  if (!auth.ok()) return auth.status();

  asio::io_context ioc;
  tcp::resolver resolver(ioc);
  beast::ssl_stream<beast::tcp_stream> tls(ioc, conn.client->tls_context());
  beast::tcp_stream& tcp_stream = beast::get_lowest_layer(tls);

  bhttp::request<bhttp::empty_body> req;
  req.method(bhttp::verb::get);
  req.target(url.target);
  req.version(11);
  req.set(bhttp::field::host, url.Authority());
  req.set(bhttp::field::user_agent, conn.client->user_agent());
  req.set(bhttp::field::accept, "application/json");
  if (!auth->empty()) req.set(bhttp::field::authorization, *auth);

  Exchange<beast::tcp_stream> plain(tcp_stream, req, on_body);
  Exchange<beast::ssl_stream<beast::tcp_stream>> secure(tls, req, on_body);
  error_code setup_error;
  const char* setup_step = "";

  tcp_stream.expires_after(std::chrono::milliseconds(timeout_ms));
  resolver.async_resolve(url.host, url.port, [&](error_code ec, tcp::resolver::results_type results) {
    if (ec) {
      setup_error = ec;
      setup_step = "lookup";
      return;
    }
    tcp_stream.async_connect(results, [&](error_code ec, const tcp::endpoint&) {
      if (ec) {
        setup_error = ec;
        setup_step = "dial";
        return;
      }
      if (!url.tls()) return plain.Start();
      const http::TlsConfig& cfg = conn.client->config().tls_config;
      const std::string& name = cfg.server_name.empty() ? url.host : cfg.server_name;
      SSL* ssl = tls.native_handle();
      if (!IsIpAddress(name)) SSL_set_tlsext_host_name(ssl, name.c_str());
      if (cfg.insecure_skip_verify) {
        tls.set_verify_mode(asio::ssl::verify_none);
      } else {
        tls.set_verify_mode(asio::ssl::verify_peer);
        X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
        if (IsIpAddress(name)) {
          X509_VERIFY_PARAM_set1_ip_asc(param, name.c_str());
        } else {
          X509_VERIFY_PARAM_set1_host(param, name.c_str(), 0);
        }
      }
      tls.async_handshake(asio::ssl::stream_base::client, [&](error_code ec) {
        if (ec) {
          setup_error = ec;
          setup_step = "tls handshake";
          return;
        }
        secure.Start();
      });
    });
  });
  bool canceled = false;
  std::stop_callback on_stop(stop, [&] {
    asio::post(ioc, [&] {
      canceled = true;
      resolver.cancel();
      tcp_stream.cancel();
    });
  });
  ioc.run();

  const bool tls_used = url.tls();
  const error_code ec = setup_error ? setup_error : (tls_used ? secure.error : plain.error);
  const char* step = setup_error ? setup_step : (tls_used ? secure.step : plain.step);
  const std::string what = "GET " + url.ToString();
  if (canceled && ec) return Status::Canceled(what + ": canceled");
  if (ec == beast::error::timeout) return Status::Timeout(what + ": timeout after " + std::to_string(timeout_ms) + "ms");
  // A stream that ends cleanly (end of chunked body or connection close
  // after the headers) is the normal end of a watch.
  if (ec && !(ec == bhttp::error::end_of_stream || ec == asio::error::eof || ec == asio::ssl::error::stream_truncated)) {
    return Status::IOError(what + ": " + step + ": " + ec.message());
  }
  if (ec && (tls_used ? secure.response.status : plain.response.status) == 0) {
    return Status::IOError(what + ": " + step + ": " + ec.message());
  }
  return tls_used ? secure.response : plain.response;
}

}  // namespace cairn::scrape::discovery::kubernetes
