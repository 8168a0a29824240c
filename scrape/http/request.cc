#include "scrape/http/request.h"

#include <algorithm>
#include <cctype>

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <cctype>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>

#include "scrape/http/url.h"

namespace cairn::scrape::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;
using SteadyTime = std::chrono::steady_clock::time_point;

constexpr int kMaxRedirects = 10;  // Go's http.Client limit

// Go's url.Error names the operation "Post", "Get", ...
std::string OpName(const std::string& method) {
  std::string op = method;
  for (size_t i = 1; i < op.size(); ++i) op[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(op[i])));
  return op;
}

std::string ErrorText(const error_code& ec) {
  std::string m = ec.message();
  if (!m.empty()) m[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(m[0])));
  return m;
}

std::string Describe(const error_code& ec) {
  if (ec == bhttp::error::end_of_stream || ec == asio::error::eof) return "EOF";
  if (ec == bhttp::error::partial_message || ec == asio::ssl::error::stream_truncated) return "unexpected EOF";
  if (ec == asio::error::connection_reset) return "read: connection reset by peer";
  if (ec == asio::error::broken_pipe) return "write: broken pipe";
  return ErrorText(ec);
}

bool IsIpAddress(const std::string& host) {
  error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

// Requests over one connection, kept open between them while the server
// allows it (HTTP/1.1 keep-alive). Every step starts one asynchronous
// operation and runs the io_context until it completes or the deadline
// passes; at the deadline the socket is closed, which completes the
// operation with an error that Step reports as the timeout.
class Exchange {
 public:
  explicit Exchange(const Client& client) : client_(client), resolver_(ioc_) {}

  // Sends one request to `url` and reads the answer. The error strings are
  // the part of Go's url.Error after `<Op> "<url>": `.
  Result<bhttp::response<bhttp::string_body>> Run(const Url& url, const bhttp::request<bhttp::string_body>& req,
                                                  uint64_t body_limit, SteadyTime deadline, std::stop_token stop) {
    deadline_ = deadline;
    stop_ = std::move(stop);
    timed_out_ = canceled_ = false;
    const std::string peer = (url.tls() ? "https://" : "http://") + url.host + ":" + url.port;
    if (socket_ && socket_->is_open() && peer == peer_) {
      // A kept-alive connection the server may have closed meanwhile: if
      // nothing of an answer came back, the request goes again on a new one
      // (Go's transport retries a request that failed on a reused connection).
      bool answered = false;
      auto res = Exchange1(req, body_limit, &answered);
      if (res.ok() || answered || timed_out_ || canceled_) return res;
    }
    CloseSocket();
    CAIRN_RETURN_IF_ERROR(Connect(url));
    peer_ = peer;
    bool answered = false;
    return Exchange1(req, body_limit, &answered);
  }

 private:
  Status Connect(const Url& url) {
    tcp::resolver::results_type endpoints;
    error_code ec = Step([&](auto done) { resolver_.async_resolve(url.host, url.port, [&endpoints, done](error_code e, tcp::resolver::results_type r) {
                           endpoints = std::move(r);
                           done(e);
                         }); },
                         [&] { resolver_.cancel(); });
    CAIRN_RETURN_IF_ERROR(Interrupted());
    if (ec) return Status::Unavailable("dial tcp: lookup " + url.host + ": " + ErrorText(ec));

    tls_.reset();  // it refers to the socket replaced here
    socket_ = std::make_unique<tcp::socket>(ioc_);
    ec = Step([&](auto done) { asio::async_connect(*socket_, endpoints, [done](error_code e, const tcp::endpoint&) { done(e); }); },
              [&] { CloseSocket(); });
    CAIRN_RETURN_IF_ERROR(Interrupted());
    if (ec) {
      std::string addr = endpoints.empty() ? url.host + ":" + url.port
                                           : endpoints.begin()->endpoint().address().to_string() + ":" + url.port;
      return Status::Unavailable("dial tcp " + addr + ": connect: " + ErrorText(ec));
    }
    error_code ignored;
    socket_->set_option(tcp::no_delay(true), ignored);
    if (url.tls()) CAIRN_RETURN_IF_ERROR(Handshake(url));
    return Status::OK();
  }

  // Writes the request and reads its answer on the open connection, which
  // stays open afterwards only if the answer allows it. `*answered`: some of
  // an answer was read.
  Result<bhttp::response<bhttp::string_body>> Exchange1(const bhttp::request<bhttp::string_body>& req,
                                                        uint64_t body_limit, bool* answered) {
    error_code ec = Step([&](auto done) { Visit([&](auto& s) { bhttp::async_write(s, req, [done](error_code e, size_t) { done(e); }); }); },
                         [&] { CloseSocket(); });
    CAIRN_RETURN_IF_ERROR(Interrupted());
    if (ec) {
      CloseSocket();
      return Status::Unavailable(Describe(ec));
    }
    bhttp::response_parser<bhttp::string_body> parser;
    parser.header_limit(1u << 20);
    parser.body_limit(body_limit);
    beast::flat_buffer buffer;
    ec = Step([&](auto done) { Visit([&](auto& s) { bhttp::async_read(s, buffer, parser, [done](error_code e, size_t) { done(e); }); }); },
              [&] { CloseSocket(); });
    *answered = parser.got_some();
    CAIRN_RETURN_IF_ERROR(Interrupted());
    // An answer longer than the limit is still an answer: keep what fit.
    if (ec && ec != bhttp::error::body_limit) {
      CloseSocket();
      return Status::Unavailable(Describe(ec));
    }
    // Bytes left unread (a cut-off body) would be read as the next answer.
    if (ec || !parser.is_done() || !parser.get().keep_alive() || buffer.size() > 0) CloseSocket();
    return parser.release();
  }

 private:
  template <typename Start, typename Cancel>
  error_code Step(Start start, Cancel cancel) {
    std::optional<error_code> result;
    start([&result](error_code e) { result = e; });
    ioc_.restart();
    {
      // Registered after restart(): a stop already requested stops the run at once.
      std::stop_callback on_stop(stop_, [this] { ioc_.stop(); });
      ioc_.run_until(deadline_);
    }
    if (!result) {
      (stop_.stop_requested() ? canceled_ : timed_out_) = true;
      cancel();
      ioc_.restart();
      ioc_.run();
    }
    return result.value_or(error_code(asio::error::timed_out));
  }

  // Go's context errors, once a step ended at the deadline or on a stop.
  Status Interrupted() const {
    if (canceled_) return Status::Canceled("context canceled");
    if (timed_out_) return Status::Timeout("context deadline exceeded");
    return Status::OK();
  }

  Status Handshake(const Url& url) {
    tls_ = std::make_unique<asio::ssl::stream<tcp::socket&>>(*socket_, client_.tls_context());
    const TlsConfig& tls = client_.config().tls_config;
    const std::string& name = tls.server_name.empty() ? url.host : tls.server_name;
    SSL* ssl = tls_->native_handle();
    if (!IsIpAddress(name)) SSL_set_tlsext_host_name(ssl, name.c_str());
    if (tls.insecure_skip_verify) {
      tls_->set_verify_mode(asio::ssl::verify_none);
    } else {
      tls_->set_verify_mode(asio::ssl::verify_peer);
      X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
      if (IsIpAddress(name)) {
        X509_VERIFY_PARAM_set1_ip_asc(param, name.c_str());
      } else {
        X509_VERIFY_PARAM_set1_host(param, name.c_str(), 0);
      }
    }
    error_code ec = Step([&](auto done) { tls_->async_handshake(asio::ssl::stream_base::client, [done](error_code e) { done(e); }); },
                         [&] { CloseSocket(); });
    CAIRN_RETURN_IF_ERROR(Interrupted());
    if (!ec) return Status::OK();
    long verify = SSL_get_verify_result(ssl);
    if (verify != X509_V_OK) {
      return Status::Unavailable(std::string("tls: failed to verify certificate: ") + X509_verify_cert_error_string(verify));
    }
    return Status::Unavailable("tls: " + ec.message());
  }

  template <typename F>
  void Visit(F&& f) {
    if (tls_) {
      f(*tls_);
    } else {
      f(*socket_);
    }
  }

  void CloseSocket() {
    if (!socket_) return;
    error_code ignored;
    socket_->close(ignored);
  }

  const Client& client_;
  SteadyTime deadline_;
  std::stop_token stop_;
  std::string peer_;  // scheme, host and port of the open connection
  asio::io_context ioc_;
  tcp::resolver resolver_;
  std::unique_ptr<tcp::socket> socket_;
  std::unique_ptr<asio::ssl::stream<tcp::socket&>> tls_;
  bool timed_out_ = false;
  bool canceled_ = false;
};

bool IsRedirect(unsigned status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

}  // namespace

struct Session::Impl {
  explicit Impl(const Client& c) : client(c), exchange(c) {}
  const Client& client;
  Exchange exchange;
};

Session::Session(const Client& client) : impl_(std::make_unique<Impl>(client)) {}
Session::~Session() = default;

Result<Response> DoRequest(const Client& client, const Request& request) {
  Session session(client);
  return session.Do(request);
}

Result<Response> Session::Do(const Request& request) {
  const Client& client = impl_->client;
  const SteadyTime deadline = std::chrono::steady_clock::now() + request.timeout;
  const std::string op = OpName(request.method);
  auto parsed = ParseUrl(request.url);
  if (!parsed.ok()) return Status::InvalidArgument(op + " \"" + request.url + "\": " + parsed.status().message());
  Url url = std::move(*parsed);
  const std::string first_host = url.host;
  std::string method = request.method;
  std::string body = request.body;
  bool send_content_headers = true;

  for (int redirects = 0;; ++redirects) {
    auto wrap = [&](const Status& st) {
      return Status(st.code(), op + " \"" + url.ToString() + "\": " + st.message());
    };
    auto auth = client.AuthorizationHeader(url, first_host);
    if (!auth.ok()) return wrap(auth.status());
    bhttp::request<bhttp::string_body> req;
    req.method_string(method);
    req.target(url.target);
    req.version(11);
    req.set(bhttp::field::host, url.Authority());
    req.set(bhttp::field::user_agent, client.user_agent());
    for (const auto& [name, value] : request.headers) {
      // A redirect that became a GET drops the body and what describes it.
      if (!send_content_headers && beast::iequals(name, "Content-Type")) continue;
      req.set(name, value);
    }
    if (!auth->empty()) req.set(bhttp::field::authorization, *auth);
    req.body() = body;
    req.prepare_payload();

    auto res = impl_->exchange.Run(url, req, request.max_response_body_bytes, deadline, request.stop);
    if (!res.ok()) return wrap(res.status());

    const unsigned status = res->result_int();
    if (IsRedirect(status) && client.config().follow_redirects && res->count(bhttp::field::location) > 0) {
      auto next = ResolveLocation(url, std::string((*res)[bhttp::field::location]));
      if (!next.ok()) return wrap(Status::InvalidArgument(next.status().message()));
      // Go's client sends at most 10 requests; the 10th redirect fails,
      // naming the request that received it.
      if (redirects + 1 >= kMaxRedirects) return wrap(Status::Unavailable("stopped after 10 redirects"));
      if (status <= 303 && method != "GET" && method != "HEAD") {
        method = "GET";
        body.clear();
        send_content_headers = false;
      }
      url = std::move(*next);
      continue;
    }
    Response out;
    out.status = static_cast<int>(status);
    std::string reason(res->reason());
    out.status_text = std::to_string(status) + (reason.empty() ? "" : " " + reason);
    out.content_type = std::string((*res)[bhttp::field::content_type]);
    for (const auto& field : *res) out.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    out.body = std::move(res->body());
    return out;
  }
}

std::string Response::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k.size() == name.size() &&
        std::equal(k.begin(), k.end(), name.begin(), [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
      return v;
    }
  }
  return "";
}

}  // namespace cairn::scrape::http
