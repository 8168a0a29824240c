#include "scrape/http/target_fetcher.h"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <cctype>
#include <charconv>
#include <limits>
#include <optional>

#include "scrape/http/body_decoder.h"
#include "scrape/http/url.h"
#include "scrape/http/x509_error.h"

namespace cairn::scrape::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

constexpr int kMaxRedirects = 10;  // Go's http.Client limit
constexpr auto kIdleConnTimeout = std::chrono::minutes(5);  // upstream's idleConnTimeout
constexpr size_t kHeaderLimitBytes = 1u << 20;

// strconv.FormatFloat(seconds, 'f', -1, 64): the shortest decimal that reads back.
std::string FormatSeconds(std::chrono::milliseconds d) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof(buf), static_cast<double>(d.count()) / 1000.0, std::chars_format::fixed);
  return std::string(buf, r.ptr);
}

bool IsIpAddress(const std::string& host) {
  error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

// One TCP (and maybe TLS) connection to one origin, kept between fetches.
struct Connection {
  std::string scheme, host, port;
  std::unique_ptr<tcp::socket> plain;
  std::unique_ptr<asio::ssl::stream<tcp::socket>> tls;
  beast::flat_buffer buffer;  // bytes read past the last response belong here
  std::chrono::steady_clock::time_point idle_since;
  // The server's certificate as the handshake saw it: OpenSSL keeps no peer
  // certificate after a failed verification, and the error text names its SANs.
  std::unique_ptr<X509, decltype(&X509_free)> server_cert{nullptr, X509_free};

  tcp::socket& socket() { return tls ? tls->next_layer() : *plain; }
  template <typename F>
  void Visit(F&& f) {
    if (tls) {
      f(*tls);
    } else {
      f(*plain);
    }
  }
  bool Serves(const Url& u) const { return scheme == u.scheme && host == u.host && port == u.port; }
};

// Errors that mean a kept-alive connection was closed by the server before
// it read our request: the request can safely be sent again on a new one.
bool IsStaleConnection(const error_code& ec) {
  return ec == asio::error::eof || ec == bhttp::error::end_of_stream || ec == asio::error::connection_reset ||
         ec == asio::error::broken_pipe || ec == asio::ssl::error::stream_truncated;
}

// An OS error as Go prints it ("connection refused", lower case).
std::string ErrorText(const error_code& ec) {
  std::string m = ec.message();
  if (!m.empty()) m[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(m[0])));
  return m;
}

// Go's wording for what broke while talking to the server.
std::string Describe(const error_code& ec) {
  if (ec == bhttp::error::end_of_stream || ec == asio::error::eof) return "EOF";
  if (ec == bhttp::error::partial_message || ec == asio::ssl::error::stream_truncated) return "unexpected EOF";
  if (ec == asio::error::connection_reset) return "read: connection reset by peer";
  if (ec == asio::error::broken_pipe) return "write: broken pipe";
  return ErrorText(ec);
}

}  // namespace

class TargetFetcher::Impl : public std::enable_shared_from_this<Impl> {
 public:
  Impl(asio::any_io_executor executor, std::shared_ptr<const Client> client)
      : strand_(asio::make_strand(executor)),
        client_(std::move(client)),
        resolver_(strand_),
        deadline_(strand_) {}

  void Start(FetchRequest request, Callback done) {
    if (busy_) {
      done(Status::Internal("a fetch for this target is already in flight"));
      return;
    }
    busy_ = true;
    ++generation_;
    timed_out_ = false;
    redirects_ = 0;
    request_ = std::move(request);
    done_ = std::move(done);
    result_ = FetchResult{};
    auto url = ParseUrl(request_.url);
    if (!url.ok()) {
      Finish(Status::InvalidArgument("Get \"" + request_.url + "\": " + url.status().message()));
      return;
    }
    url_ = std::move(*url);
    first_host_ = url_.host;
    deadline_.expires_after(request_.timeout);
    deadline_.async_wait([self = shared_from_this(), gen = generation_](error_code ec) {
      if (!ec) self->OnDeadline(gen);
    });
    Hop();
  }

  void CloseIdle() {
    if (!busy_) conn_.reset();
  }

  asio::strand<asio::any_io_executor>& strand() { return strand_; }
  uint64_t connections_opened() const { return connections_opened_.load(std::memory_order_relaxed); }

 private:
  // One request of the fetch: the first, or one after a redirect.
  void Hop() {
    if (conn_ && (!conn_->Serves(url_) || std::chrono::steady_clock::now() - conn_->idle_since > kIdleConnTimeout)) {
      conn_.reset();
    }
    if (conn_) {
      reused_ = true;
      SendRequest();
    } else {
      Connect();
    }
  }

  void Connect() {
    reused_ = false;
    conn_.reset();
    resolver_.async_resolve(url_.host, url_.port,
                            [self = shared_from_this()](error_code ec, tcp::resolver::results_type results) {
                              self->OnResolve(ec, std::move(results));
                            });
  }

  void OnResolve(error_code ec, tcp::resolver::results_type results) {
    if (ec) return FailHop(ec, "dial tcp: lookup " + url_.host + ": " + ErrorText(ec));
    conn_ = std::make_unique<Connection>();
    conn_->scheme = url_.scheme;
    conn_->host = url_.host;
    conn_->port = url_.port;
    if (url_.tls()) {
      conn_->tls = std::make_unique<asio::ssl::stream<tcp::socket>>(strand_, client_->tls_context());
    } else {
      conn_->plain = std::make_unique<tcp::socket>(strand_);
    }
    asio::async_connect(conn_->socket(), results,
                        [self = shared_from_this(), results](error_code ec, const tcp::endpoint&) {
                          self->OnConnect(ec, results);
                        });
  }

  void OnConnect(error_code ec, const tcp::resolver::results_type& results) {
    if (ec) {
      std::string addr = results.empty() ? url_.host + ":" + url_.port
                                         : results.begin()->endpoint().address().to_string() + ":" + url_.port;
      return FailHop(ec, "dial tcp " + addr + ": connect: " + ErrorText(ec));
    }
    connections_opened_.fetch_add(1, std::memory_order_relaxed);
    error_code ignored;
    conn_->socket().set_option(tcp::no_delay(true), ignored);
    if (!conn_->tls) return SendRequest();

    const TlsConfig& tls = client_->config().tls_config;
    const std::string& name = tls.server_name.empty() ? url_.host : tls.server_name;
    SSL* ssl = conn_->tls->native_handle();
    if (!IsIpAddress(name)) SSL_set_tlsext_host_name(ssl, name.c_str());
    if (tls.insecure_skip_verify) {
      conn_->tls->set_verify_mode(asio::ssl::verify_none);
    } else {
      conn_->tls->set_verify_mode(asio::ssl::verify_peer);
      conn_->tls->set_verify_callback([conn = conn_.get()](bool preverified, asio::ssl::verify_context& ctx) {
        X509_STORE_CTX* store = ctx.native_handle();
        if (X509_STORE_CTX_get_error_depth(store) == 0) {
          X509* leaf = X509_STORE_CTX_get_current_cert(store);
          if (leaf && X509_up_ref(leaf) == 1) conn->server_cert.reset(leaf);
        }
        return preverified;
      });
      X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
      if (IsIpAddress(name)) {
        X509_VERIFY_PARAM_set1_ip_asc(param, name.c_str());
      } else {
        X509_VERIFY_PARAM_set1_host(param, name.c_str(), 0);
      }
    }
    conn_->tls->async_handshake(asio::ssl::stream_base::client,
                                [self = shared_from_this()](error_code ec) { self->OnHandshake(ec); });
  }

  void OnHandshake(error_code ec) {
    if (!ec) return SendRequest();
    long verify = SSL_get_verify_result(conn_->tls->native_handle());
    if (verify != X509_V_OK) {
      const TlsConfig& tls = client_->config().tls_config;
      const std::string& name = tls.server_name.empty() ? url_.host : tls.server_name;
      return FailHop(ec, "tls: failed to verify certificate: " + X509ErrorText(verify, conn_->server_cert.get(), name));
    }
    FailHop(ec, "tls: " + ec.message());
  }

  void SendRequest() {
    auto auth = client_->AuthorizationHeader(url_, first_host_);
    if (!auth.ok()) return Finish(Status(auth.status().code(), Wrap(auth.status().message())));
    req_ = {};
    req_.method(bhttp::verb::get);
    req_.target(url_.target);
    req_.version(11);
    req_.set(bhttp::field::host, url_.Authority());
    req_.set(bhttp::field::user_agent, client_->user_agent());
    req_.set(bhttp::field::accept, request_.accept);
    req_.set(bhttp::field::accept_encoding, request_.enable_compression ? "gzip" : "identity");
    if (!auth->empty()) req_.set(bhttp::field::authorization, *auth);
    req_.set("X-Prometheus-Scrape-Timeout-Seconds", FormatSeconds(request_.timeout));
    conn_->Visit([&](auto& stream) {
      bhttp::async_write(stream, req_, [self = shared_from_this()](error_code ec, size_t) { self->OnWrite(ec); });
    });
  }

  void OnWrite(error_code ec) {
    if (ec) return RetryOrFail(ec);
    parser_.emplace();
    parser_->header_limit(kHeaderLimitBytes);
    // The decoded size is what is limited (BodyDecoder). Not boost::none:
    // Beast 1.74 compares a Content-Length against an empty optional as
    // "over the limit".
    parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
    conn_->Visit([&](auto& stream) {
      bhttp::async_read_header(stream, conn_->buffer, *parser_,
                               [self = shared_from_this()](error_code ec, size_t) { self->OnHeader(ec); });
    });
  }

  void OnHeader(error_code ec) {
    if (ec) return RetryOrFail(ec);
    const auto& res = parser_->get();
    const unsigned status = res.result_int();
    const bool redirect = status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    if (redirect && client_->config().follow_redirects && res.count(bhttp::field::location) > 0) {
      auto next = ResolveLocation(url_, std::string(res[bhttp::field::location]));
      if (!next.ok()) return Finish(Status::InvalidArgument(Wrap(next.status().message())));
      // Go's client sends at most 10 requests: the 10th redirect fails,
      // naming the request that received it.
      if (++redirects_ >= kMaxRedirects) {
        conn_.reset();
        return Finish(Status::Unavailable(Wrap("stopped after 10 redirects")));
      }
      next_url_ = std::move(*next);
      decoder_.reset();  // the redirect's own body is read and dropped
      return ReadBody();
    }
    if (status != 200) {
      conn_.reset();  // not worth draining an error body to keep the connection
      std::string reason(res.reason());
      return Finish(Status::Unavailable("server returned HTTP status " + std::to_string(status) +
                                        (reason.empty() ? "" : " " + reason)));
    }
    next_url_.reset();
    result_.content_type = std::string(res[bhttp::field::content_type]);
    const bool gzip = res[bhttp::field::content_encoding] == "gzip";
    decoder_.emplace(gzip, request_.body_size_limit_bytes, &result_.body);
    // Bodies of one target keep their size from scrape to scrape: room for
    // the last one (and some growth) saves growing the string by doubling,
    // each step a copy of what was read so far (Prometheus' scrape buffer
    // is sized from the last scrape too).
    result_.body.reserve(last_body_size_ + last_body_size_ / 8);
    ReadBody();
  }

  void ReadBody() {
    if (parser_->is_done()) return OnBodyDone();
    parser_->get().body().data = chunk_;
    parser_->get().body().size = sizeof(chunk_);
    conn_->Visit([&](auto& stream) {
      bhttp::async_read(stream, conn_->buffer, *parser_,
                        [self = shared_from_this()](error_code ec, size_t) { self->OnBodyRead(ec); });
    });
  }

  void OnBodyRead(error_code ec) {
    if (ec == bhttp::error::need_buffer) ec = {};
    const size_t got = sizeof(chunk_) - parser_->get().body().size;
    if (got > 0 && decoder_) {
      Status st = decoder_->Write(std::string_view(chunk_, got));
      if (!st.ok()) {
        conn_.reset();
        return Finish(st);
      }
    }
    if (ec) {
      conn_.reset();
      // Go reports body read errors bare, without the request.
      return Finish(timed_out_ ? Status::Timeout("context deadline exceeded") : Status::Unavailable(Describe(ec)));
    }
    ReadBody();
  }

  void OnBodyDone() {
    if (parser_->keep_alive()) {
      conn_->idle_since = std::chrono::steady_clock::now();
    } else {
      conn_.reset();
    }
    if (next_url_) {
      url_ = std::move(*next_url_);
      next_url_.reset();
      return Hop();
    }
    Status st = decoder_->Finish();
    if (!st.ok()) return Finish(st);
    last_body_size_ = result_.body.size();
    Finish(std::move(result_));
  }

  // A kept-alive connection the server closed meanwhile gets one new try.
  void RetryOrFail(error_code ec) {
    if (reused_ && !timed_out_ && IsStaleConnection(ec)) return Connect();
    FailHop(ec, Describe(ec));
  }

  // A failure before the response headers: Go's url.Error, `Get "<url>": ...`.
  void FailHop(error_code ec, const std::string& what) {
    conn_.reset();
    if (timed_out_) return Finish(Status::Timeout(Wrap("context deadline exceeded")));
    Finish(Status::Unavailable(Wrap(what)));
  }

  std::string Wrap(const std::string& what) const { return "Get \"" + url_.ToString() + "\": " + what; }

  void OnDeadline(uint64_t gen) {
    if (!busy_ || gen != generation_) return;
    timed_out_ = true;
    resolver_.cancel();
    // Closing the socket makes the pending operation complete with an error,
    // which its handler reports as the timeout.
    if (conn_) {
      error_code ignored;
      conn_->socket().close(ignored);
    }
  }

  void Finish(Result<FetchResult> result) {
    deadline_.cancel();
    parser_.reset();
    decoder_.reset();
    busy_ = false;
    Callback done = std::move(done_);
    done_ = nullptr;
    done(std::move(result));
  }

  asio::strand<asio::any_io_executor> strand_;
  const std::shared_ptr<const Client> client_;
  tcp::resolver resolver_;
  asio::steady_timer deadline_;
  std::unique_ptr<Connection> conn_;
  std::atomic<uint64_t> connections_opened_{0};

  // The fetch in flight.
  bool busy_ = false;
  uint64_t generation_ = 0;  // tells a stale deadline from the current one
  bool timed_out_ = false;
  bool reused_ = false;
  int redirects_ = 0;
  FetchRequest request_;
  Callback done_;
  Url url_;
  std::string first_host_;
  std::optional<Url> next_url_;
  FetchResult result_;
  size_t last_body_size_ = 0;  // decoded size of the last complete body
  bhttp::request<bhttp::empty_body> req_;
  std::optional<bhttp::response_parser<bhttp::buffer_body>> parser_;
  std::optional<BodyDecoder> decoder_;
  char chunk_[32768];
};

TargetFetcher::TargetFetcher(asio::any_io_executor executor, std::shared_ptr<const Client> client)
    : impl_(std::make_shared<Impl>(std::move(executor), std::move(client))) {}

TargetFetcher::~TargetFetcher() = default;

void TargetFetcher::AsyncFetch(FetchRequest request, Callback done) {
  asio::post(impl_->strand(), [impl = impl_, request = std::move(request), done = std::move(done)]() mutable {
    impl->Start(std::move(request), std::move(done));
  });
}

void TargetFetcher::Close() {
  asio::post(impl_->strand(), [impl = impl_] { impl->CloseIdle(); });
}

uint64_t TargetFetcher::connections_opened() const { return impl_->connections_opened(); }

}  // namespace cairn::scrape::http
