#include "server/http/http_server.h"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cctype>
#include <condition_variable>
#include <future>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>
#include <vector>

#include "server/http/gzip.h"
#include "server/http/gzip_chunk_writer.h"
#include "webconfig/web_config_source.h"

namespace cairn::server::http {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;

// What the server knows of a connection, whatever its transport.
class SessionBase : public std::enable_shared_from_this<SessionBase> {
 public:
  virtual ~SessionBase() = default;
  // Called on shutdown: closes the connection unless a request is being served.
  virtual void CloseIfIdle() = 0;
  // Called to make room at the connection cap: closes the connection if it
  // is still waiting for a request, and reports to EvictionDone either way.
  virtual void Evict() = 0;
};

class HttpServer::Impl {
 public:
  Impl(const HttpServerOptions& options, const Router& router)
      : options_(options), router_(router), acceptor_(net::make_strand(ioc_)) {}

  Status Listen(uint16_t* port);
  void Run();
  void Stop();

  void Register(SessionBase* s, std::weak_ptr<SessionBase> w);
  // `evicted`: an Evict() call ends with this connection.
  void Unregister(SessionBase* s, uint64_t waiting_since, bool evicted);
  void BusyChanged(int delta);
  // A connection starts waiting for a request (evictable at the cap, oldest
  // first): returns its place in line, for StopWaiting.
  uint64_t StartWaiting(std::weak_ptr<SessionBase> w);
  void StopWaiting(uint64_t place);
  // An Evict() call found its connection no longer waiting.
  void EvictionDone();

  const HttpServerOptions& options() const { return options_; }
  const Router& router() const { return router_; }
  bool stopping() const { return stopping_.load(); }
  bool io_stopped() const { return ioc_.stopped(); }

 private:
  void DoAccept();
  // After an accept: under the cap the connection starts at once. At the cap
  // it is parked (not read from) and accepting pauses, while the connection
  // that has waited longest for a request is evicted; the parked one starts
  // when a connection is gone (Unregister). So the cap is never exceeded, and
  // when every connection is busy a new one waits, as in netutil.LimitListener.
  void OnAccepted(tcp::socket socket);
  // Requires mu_. While a connection is parked and no eviction is under way:
  // takes the connection waiting longest out of line for the caller to Evict.
  std::shared_ptr<SessionBase> PickEvictionLocked();
  // Requires mu_. When a parked connection fits: hands it to the acceptor's
  // strand, which starts it and resumes accepting.
  void StartParkedIfRoomLocked();
  // Plain or TLS, as the web config says; TLS with the config of this moment.
  void StartSession(tcp::socket socket);

  HttpServerOptions options_;
  const Router& router_;
  // Before ioc_: handlers still queued when the io_context is destroyed own
  // Sessions, whose destructors unregister here.
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<SessionBase*, std::weak_ptr<SessionBase>> sessions_;
  int busy_ = 0;
  // Connections waiting for a request, by place in line (oldest first).
  std::map<uint64_t, std::weak_ptr<SessionBase>> waiting_;
  uint64_t next_place_ = 0;
  size_t evicting_ = 0;  // Evict() calls not yet done
  std::optional<tcp::socket> parked_;  // accepted at the cap, not started yet

  net::io_context ioc_;
  tcp::acceptor acceptor_;
  std::vector<std::thread> threads_;
  std::atomic<bool> stopping_{false};
  bool running_ = false;
};

// Writes chunks synchronously on the connection's stream, the header first.
template <class Stream>
class SocketChunkWriter final : public ChunkWriter {
 public:
  SocketChunkWriter(Stream& stream, bhttp::response<bhttp::empty_body>& header)
      : stream_(stream), header_(header) {}
  bool Write(std::string_view data) override {
    if (failed_) return false;
    beast::error_code ec;
    if (!started_) {
      started_ = true;
      bhttp::response_serializer<bhttp::empty_body> sr{header_};
      bhttp::write_header(stream_, sr, ec);
      if (ec) return Fail();
    }
    if (data.empty()) return true;
    net::write(stream_, bhttp::make_chunk(net::const_buffer(data.data(), data.size())), ec);
    if (ec) return Fail();
    return true;
  }
  bool started() const override { return started_; }
  bool failed() const { return failed_; }

 private:
  bool Fail() {
    failed_ = true;
    return false;
  }
  Stream& stream_;
  bhttp::response<bhttp::empty_body>& header_;
  bool started_ = false;
  bool failed_ = false;
};

// One connection. Stream is beast::tcp_stream (plain HTTP) or
// beast::ssl_stream<beast::tcp_stream> (HTTPS, --web.config.file with
// tls_server_config); the TLS context is held for the connection's life, so
// a reloaded config applies to the next connection.
template <class Stream>
class Session final : public SessionBase {
 public:
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

  template <class... StreamArgs>
  Session(HttpServer::Impl* server, std::shared_ptr<net::ssl::context> tls, StreamArgs&&... stream_args)
      : tls_(std::move(tls)), stream_(std::forward<StreamArgs>(stream_args)...), server_(server) {}
  ~Session() override { server_->Unregister(this, waiting_since_, evicted_); }

  void Start() {
    server_->Register(this, weak_from_this());
    if constexpr (kTls) {
      net::dispatch(stream_.get_executor(), beast::bind_front_handler(&Session::DoHandshake, Self()));
    } else {
      net::dispatch(stream_.get_executor(), beast::bind_front_handler(&Session::ReadHeader, Self()));
    }
  }

  void CloseIfIdle() override {
    net::post(stream_.get_executor(), [self = Self()] {
      if (!self->busy_) self->Tcp().socket().close();
    });
  }

  void Evict() override {
    net::post(stream_.get_executor(), [self = Self()] {
      if (self->waiting_since_ == 0 || self->evicted_) return self->server_->EvictionDone();
      // Done when the connection is gone (Unregister).
      self->evicted_ = true;
      self->Close();
    });
  }

 private:
  std::shared_ptr<Session> Self() { return std::static_pointer_cast<Session>(shared_from_this()); }
  beast::tcp_stream& Tcp() { return beast::get_lowest_layer(stream_); }

  void DoHandshake() {
    SetWaiting(true);
    Tcp().expires_after(server_->options().read_header_timeout);
    stream_.async_handshake(net::ssl::stream_base::server,
                            beast::bind_front_handler(&Session::OnHandshake, Self()));
  }

  // A failed handshake (no or an unknown client certificate, no common
  // protocol) closes the connection, as Go's server does.
  void OnHandshake(beast::error_code ec) {
    if (ec) return Close();
    ReadHeader();
  }

  // --web.config.file's part of a request: its headers on every answer, and
  // basic auth when users are configured. An answer when the request stops
  // here (401, or 500 while the file is broken, as upstream).
  std::optional<HttpResponse> Admit(const HttpRequest& req) {
    webconfig::WebConfigSource* source = server_->options().web_config;
    web_.reset();
    if (source == nullptr) return std::nullopt;
    auto current = source->Current();
    if (!current.ok()) {
      std::fprintf(stderr, "cairn: web config: %s\n", current.status().message().c_str());
      return HttpResponse::Text(500, "Internal Server Error\n");
    }
    web_ = *current;
    const auto& users = web_->config.users;
    if (users.empty()) return std::nullopt;
    // At most all but one I/O thread may wait for bcrypt, so a flood of
    // uncached passwords leaves a thread for everyone else.
    const int max_waiting = std::max(1, server_->options().threads - 1);
    switch (source->auth().Decide(users, req.Header("authorization"), max_waiting)) {
      case webconfig::BasicAuthChecker::Verdict::kAllowed:
        return std::nullopt;
      case webconfig::BasicAuthChecker::Verdict::kBusy: {
        HttpResponse busy = HttpResponse::Text(503, "Service Unavailable: too many password checks at once\n");
        busy.headers.emplace_back("Retry-After", "1");
        return busy;
      }
      case webconfig::BasicAuthChecker::Verdict::kDenied:
        break;
    }
    HttpResponse r = HttpResponse::Text(401, "Unauthorized\n");
    r.headers.emplace_back("WWW-Authenticate", "Basic");
    return r;
  }

  // The web config's headers (http_server_config.headers) on an answer.
  template <class Message>
  void AddConfiguredHeaders(Message& res) const {
    if (!web_) return;
    for (const auto& [name, value] : web_->config.headers) res.set(name, value);
  }

  // Between requests: waits up to the idle timeout for the next request's
  // first byte, then gives its header the header timeout (as Go's
  // IdleTimeout and ReadHeaderTimeout).
  void DoRead() {
    if (server_->stopping()) return Close();
    SetWaiting(true);
    if (buffer_.size() > 0) return ReadHeader();  // pipelined
    Tcp().expires_after(server_->options().idle_timeout);
    stream_.async_read_some(buffer_.prepare(4096), [self = Self()](beast::error_code ec, size_t n) {
      if (ec) return self->Close();
      self->buffer_.commit(n);
      self->ReadHeader();
    });
  }

  // A new connection comes here directly: its header timeout counts from
  // the accept.
  void ReadHeader() {
    if (server_->stopping()) return Close();
    SetWaiting(true);
    parser_.emplace();
    // The limit is enforced in OnHeader: Beast would reject an oversized
    // Content-Length while parsing the header, before a 413 can be sent.
    parser_->body_limit((std::numeric_limits<std::uint64_t>::max)());
    parser_->header_limit(1 << 20);
    Tcp().expires_after(server_->options().read_header_timeout);
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             beast::bind_front_handler(&Session::OnHeader, Self()));
  }

  void OnHeader(beast::error_code ec, size_t) {
    if (ec) return Close();
    SetWaiting(false);
    auto length = parser_->content_length();
    if (length && *length > server_->options().body_limit_bytes) return RejectTooLarge();
    parser_->body_limit(server_->options().body_limit_bytes);  // chunked bodies
    Tcp().expires_after(server_->options().read_timeout);
    bhttp::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&Session::OnRead, Self()));
  }

  // A declared body over the limit: read and discard it (bounded) so the
  // client, which is still sending, gets to read the 413 instead of a reset.
  void RejectTooLarge() {
    SetBusy(true);
    constexpr uint64_t kMaxDrainBytes = 256ull << 20;
    bhttp::request_parser<bhttp::buffer_body> drain{std::move(*parser_)};
    drain.body_limit((std::numeric_limits<std::uint64_t>::max)());
    std::vector<char> scratch(64 << 10);
    uint64_t drained = 0;
    beast::error_code ec;
    while (!drain.is_done() && drained < kMaxDrainBytes) {
      drain.get().body().data = scratch.data();
      drain.get().body().size = scratch.size();
      bhttp::read(stream_, buffer_, drain, ec);
      if (ec == bhttp::error::need_buffer) ec = {};
      if (ec) break;
      drained += scratch.size() - drain.get().body().size;
    }
    Send(HttpResponse::Text(413, "request body too large\n"), /*keep_alive=*/false, /*head=*/false,
         /*accept_gzip=*/false);
  }

  void OnRead(beast::error_code ec, size_t) {
    if (ec == bhttp::error::body_limit) {
      SetBusy(true);
      HttpResponse r = HttpResponse::Text(413, "request body too large\n");
      return Send(std::move(r), /*keep_alive=*/false, /*head=*/false, /*accept_gzip=*/false);
    }
    if (ec) return Close();
    SetBusy(true);
    auto& msg = parser_->get();
    auto req = std::make_shared<HttpRequest>();
    req->method = std::string(msg.method_string());
    std::string_view target(msg.target().data(), msg.target().size());
    size_t q = target.find('?');
    req->path = std::string(target.substr(0, q));
    if (q != std::string_view::npos) req->query = std::string(target.substr(q + 1));
    for (const auto& field : msg) {
      std::string name(field.name_string());
      std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
      req->headers.emplace_back(std::move(name), std::string(field.value()));
    }
    req->body = std::move(msg.body());
    auto client_gone = std::make_shared<std::atomic<bool>>(false);
    req->client_gone = client_gone;
    Reply reply;
    reply.keep_alive = msg.keep_alive();
    reply.head = msg.method() == bhttp::verb::head;
    reply.accept_gzip = AcceptsGzip(req->Header("accept-encoding"));
    version_ = msg.version();
    if (std::optional<HttpResponse> refused = Admit(*req)) return Answer(std::move(*refused), reply);
    HttpResponse resp = server_->router().Route(*req);
    if (resp.async) return StartAsync(std::move(req), std::move(client_gone), std::move(resp.async), reply);
    Answer(std::move(resp), reply);
  }

  // How the current request wants its answer.
  struct Reply {
    bool keep_alive = true;
    bool head = false;
    bool accept_gzip = false;
  };

  // On the strand: sends a ready response.
  void Answer(HttpResponse r, const Reply& reply) {
    if (r.stream && !reply.head) return SendStreamed(std::move(r), reply);
    r.stream = nullptr;
    Send(std::move(r), reply.keep_alive, reply.head, reply.accept_gzip);
  }

  // The handler computes elsewhere. Until it responds, the I/O thread is free
  // and the connection is watched so that a client that hangs up is noticed.
  void StartAsync(std::shared_ptr<HttpRequest> req, std::shared_ptr<std::atomic<bool>> client_gone,
                  AsyncProducer async, Reply reply) {
    pending_request_ = std::move(req);
    client_gone_ = std::move(client_gone);
    Tcp().expires_never();
    watching_ = true;
    WatchForClose();
    auto self = Self();
    auto answered = std::make_shared<std::atomic<bool>>(false);
    async([self, reply, answered](HttpResponse r) {
      if (answered->exchange(true)) return;  // a second call is a handler bug; ignore it
      self->OnAsyncResponse(std::move(r), reply);
    });
  }

  // Waits for the socket to become readable without consuming anything: an
  // orderly close or a reset while the request is computed means the client
  // is gone. Bytes of a pipelined next request end the watch (they stay
  // unread for DoRead).
  void WatchForClose() {
    Tcp().socket().async_wait(tcp::socket::wait_read, [self = Self()](beast::error_code ec) {
      if (!self->watching_ || ec == net::error::operation_aborted) return;
      if (!ec) {
        char byte;
        ssize_t n = ::recv(self->Tcp().socket().native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
        if (n > 0) {
          self->watching_ = false;  // pipelined data; the client is still there
          return;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return self->WatchForClose();
      }
      self->watching_ = false;
      self->client_gone_->store(true);
    });
  }

  // On the strand: ends the close watch so the socket can be written.
  void StopWatching() {
    if (!watching_) return;
    watching_ = false;
    beast::error_code ec;
    Tcp().socket().cancel(ec);
  }

  // The handler's answer, from any thread.
  void OnAsyncResponse(HttpResponse r, const Reply& reply) {
    auto strand = stream_.get_executor();
    // Sessions run on a strand of the io_context (DoAccept).
    const auto* on = strand.template target<net::strand<net::io_context::executor_type>>();
    if (on != nullptr && on->running_in_this_thread()) {
      // Answered synchronously from within the handler on the I/O thread.
      StopWatching();
      pending_request_.reset();
      return Answer(std::move(r), reply);
    }
    if (!r.stream || reply.head) {
      net::post(strand, [self = Self(), r = std::move(r), reply]() mutable {
        self->StopWatching();
        self->pending_request_.reset();
        self->Answer(std::move(r), reply);
      });
      return;
    }
    // A streamed body is produced here, on the responding thread, so that
    // serializing a large result never occupies an I/O thread. The strand
    // first hands over the socket; nothing else touches it until OnWrite.
    auto handed_over = std::make_shared<std::promise<void>>();
    auto handed = handed_over->get_future();
    net::post(strand, [self = Self(), handed_over] {
      self->StopWatching();
      handed_over->set_value();
    });
    // A stopped server never runs the strand again; give up then.
    while (handed.wait_for(std::chrono::milliseconds(100)) != std::future_status::ready) {
      if (server_->io_stopped()) return;
    }
    StreamResult out = StreamBody(r, reply);
    net::post(strand, [self = Self(), r = std::move(r), out = std::move(out), reply]() mutable {
      self->pending_request_.reset();
      self->AfterStream(std::move(r), std::move(out), reply);
    });
  }

  void Send(HttpResponse r, bool keep_alive, bool head, bool accept_gzip) {
    auto res = std::make_shared<bhttp::response<bhttp::string_body>>();
    res->version(version_);
    res->result(static_cast<unsigned>(r.status));
    res->set(bhttp::field::server, "cairn");
    if (!r.content_type.empty()) res->set(bhttp::field::content_type, r.content_type);
    AddConfiguredHeaders(*res);
    bool has_encoding = false;
    for (const auto& [k, v] : r.headers) {
      res->insert(k, v);
      if (beast::iequals(k, "Content-Encoding")) has_encoding = true;
    }
    if (accept_gzip && !has_encoding && !r.body.empty()) {
      std::string gz;
      if (GzipCompress(r.body, &gz)) {
        r.body = std::move(gz);
        res->set(bhttp::field::content_encoding, "gzip");
        res->set(bhttp::field::vary, "Accept-Encoding");
      }
    }
    if (head) {
      res->content_length(r.body.size());
    } else {
      res->body() = std::move(r.body);
      res->prepare_payload();
    }
    res->keep_alive(keep_alive && !server_->stopping());
    bool close = !res->keep_alive();
    Tcp().expires_after(std::chrono::seconds(60));
    if (head) {
      auto sr = std::make_shared<bhttp::response_serializer<bhttp::string_body>>(*res);
      bhttp::async_write_header(stream_, *sr,
                                [self = Self(), res, sr, close](beast::error_code ec, size_t) {
                                  self->OnWrite(close, ec);
                                });
      return;
    }
    bhttp::async_write(stream_, *res, [self = Self(), res, close](beast::error_code ec, size_t) {
      self->OnWrite(close, ec);
    });
  }

  // What producing a streamed body came to.
  struct StreamResult {
    bool started = false;  // the header went out: the response is committed
    bool failed = false;   // a write failed (the client went away)
    bool keep_alive = false;
    beast::error_code ec;
    std::optional<HttpResponse> fallback;  // when nothing was streamed
  };

  // Runs the producer with blocking writes on the socket, the header first.
  // Safe on any thread that owns the socket for the duration.
  StreamResult StreamBody(HttpResponse& r, const Reply& reply) {
    bhttp::response<bhttp::empty_body> res;
    res.version(version_);
    res.result(static_cast<unsigned>(r.status));
    res.set(bhttp::field::server, "cairn");
    if (!r.content_type.empty()) res.set(bhttp::field::content_type, r.content_type);
    AddConfiguredHeaders(res);
    for (const auto& [k, v] : r.headers) res.insert(k, v);
    const bool gzip = r.gzip_stream && reply.accept_gzip;
    if (gzip) {
      res.set(bhttp::field::content_encoding, "gzip");
      res.set(bhttp::field::vary, "Accept-Encoding");
    }
    res.chunked(true);
    res.keep_alive(reply.keep_alive && !server_->stopping());
    SocketChunkWriter<Stream> socket_writer(stream_, res);
    StreamResult out;
    if (gzip) {
      GzipChunkWriter gz(socket_writer);
      out.fallback = r.stream(gz);
      if (gz.started() && !socket_writer.failed()) gz.Finish();
      out.started = gz.started();
    } else {
      out.fallback = r.stream(socket_writer);
      out.started = socket_writer.started();
    }
    out.failed = socket_writer.failed();
    out.keep_alive = res.keep_alive();
    if (out.started && !out.failed) net::write(stream_, bhttp::make_chunk_last(), out.ec);
    return out;
  }

  // On the strand, after StreamBody: the fallback when nothing was streamed,
  // else the next request.
  void AfterStream(HttpResponse r, StreamResult out, const Reply& reply) {
    if (!out.started) {
      // Nothing streamed: answer with an ordinary response.
      if (!out.fallback) {
        out.fallback = std::move(r);
        out.fallback->stream = nullptr;
      }
      return Send(std::move(*out.fallback), reply.keep_alive, /*head=*/false, reply.accept_gzip);
    }
    OnWrite(!out.keep_alive || out.failed, out.ec);
  }

  void SendStreamed(HttpResponse r, const Reply& reply) {
    Tcp().expires_never();
    StreamResult out = StreamBody(r, reply);
    AfterStream(std::move(r), std::move(out), reply);
  }

  void OnWrite(bool close, beast::error_code ec) {
    SetBusy(false);
    if (ec || close) return Close();
    DoRead();
  }

  // On the strand.
  void SetWaiting(bool waiting) {
    if (waiting == (waiting_since_ != 0)) return;
    if (waiting) {
      waiting_since_ = server_->StartWaiting(weak_from_this());
    } else {
      server_->StopWaiting(waiting_since_);
      waiting_since_ = 0;
    }
  }

  void SetBusy(bool busy) {
    if (busy == busy_) return;
    busy_ = busy;
    server_->BusyChanged(busy ? 1 : -1);
  }

  void Close() {
    beast::error_code ec;
    Tcp().socket().shutdown(tcp::socket::shutdown_send, ec);
    Tcp().socket().close(ec);
  }

  std::shared_ptr<net::ssl::context> tls_;  // before stream_, which uses it
  Stream stream_;
  HttpServer::Impl* server_;
  std::shared_ptr<const webconfig::LoadedWebConfig> web_;  // as of the current request
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  unsigned version_ = 11;
  bool busy_ = false;
  bool evicted_ = false;
  uint64_t waiting_since_ = 0;  // place in the server's line of waiting connections; 0 = not waiting
  // While an asynchronous response is computed (strand-only except the
  // atomics, which the handler's thread reads).
  std::shared_ptr<HttpRequest> pending_request_;
  std::shared_ptr<std::atomic<bool>> client_gone_;
  bool watching_ = false;
};

namespace {

// Splits "host:port", ":port", "[v6]:port".
bool SplitHostPort(const std::string& addr, std::string* host, std::string* port) {
  size_t colon = addr.rfind(':');
  if (colon == std::string::npos) return false;
  *host = addr.substr(0, colon);
  *port = addr.substr(colon + 1);
  if (host->size() >= 2 && host->front() == '[' && host->back() == ']') *host = host->substr(1, host->size() - 2);
  if (host->empty()) *host = "0.0.0.0";
  return !port->empty();
}

}  // namespace

Status HttpServer::Impl::Listen(uint16_t* port) {
  std::string host, port_str;
  if (!SplitHostPort(options_.listen_address, &host, &port_str)) {
    return Status::InvalidArgument("invalid listen address \"" + options_.listen_address + "\"");
  }
  beast::error_code ec;
  tcp::resolver resolver(ioc_);
  auto results = resolver.resolve(host, port_str, tcp::resolver::passive, ec);
  if (ec || results.empty()) {
    return Status::InvalidArgument("cannot resolve listen address \"" + options_.listen_address +
                                   "\": " + ec.message());
  }
  tcp::endpoint ep = results.begin()->endpoint();
  acceptor_.open(ep.protocol(), ec);
  if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(ep, ec);
  if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return Status::Unavailable("listen on " + options_.listen_address + ": " + ec.message());
  *port = acceptor_.local_endpoint().port();
  return Status::OK();
}

void HttpServer::Impl::Run() {
  running_ = true;
  DoAccept();
  for (int i = 0; i < std::max(1, options_.threads); ++i) {
    threads_.emplace_back([this] { ioc_.run(); });
  }
}

void HttpServer::Impl::DoAccept() {
  acceptor_.async_accept(net::make_strand(ioc_), [this](beast::error_code ec, tcp::socket socket) {
    if (stopping_) return;
    if (ec == net::error::no_descriptors) {
      // Out of file descriptors: retrying at once would spin; the backlog
      // keeps the connection until a descriptor is free.
      auto timer = std::make_shared<net::steady_timer>(acceptor_.get_executor(), std::chrono::milliseconds(50));
      timer->async_wait([this, timer](beast::error_code) {
        if (!stopping_) DoAccept();
      });
      return;
    }
    if (ec) return DoAccept();  // e.g. the client reset before the accept
    OnAccepted(std::move(socket));
  });
}

void HttpServer::Impl::OnAccepted(tcp::socket socket) {
  std::shared_ptr<SessionBase> evict;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (sessions_.size() >= std::max<size_t>(1, options_.max_connections)) {
      parked_.emplace(std::move(socket));
      evict = PickEvictionLocked();
    }
  }
  // Outside the lock: Start registers, and dropping the last reference of an
  // evicted connection runs ~Session; both lock.
  if (evict) evict->Evict();
  if (socket.is_open()) {
    StartSession(std::move(socket));
    DoAccept();
  }
}

std::shared_ptr<SessionBase> HttpServer::Impl::PickEvictionLocked() {
  if (!parked_ || evicting_ > 0) return nullptr;
  while (!waiting_.empty()) {
    std::shared_ptr<SessionBase> s = waiting_.begin()->second.lock();
    waiting_.erase(waiting_.begin());
    if (s) {
      ++evicting_;
      return s;
    }
  }
  return nullptr;  // every connection is busy: the parked one waits for one to end
}

void HttpServer::Impl::StartParkedIfRoomLocked() {
  if (!parked_ || stopping_ || sessions_.size() >= std::max<size_t>(1, options_.max_connections)) return;
  auto socket = std::make_shared<tcp::socket>(std::move(*parked_));
  parked_.reset();
  net::post(acceptor_.get_executor(), [this, socket] {
    if (stopping_) return;
    StartSession(std::move(*socket));
    DoAccept();
  });
}

uint64_t HttpServer::Impl::StartWaiting(std::weak_ptr<SessionBase> w) {
  std::shared_ptr<SessionBase> evict;
  uint64_t place;
  {
    std::lock_guard<std::mutex> lock(mu_);
    place = ++next_place_;
    waiting_.emplace(place, std::move(w));
    evict = PickEvictionLocked();  // someone to make room for a parked connection
  }
  if (evict) evict->Evict();
  return place;
}

void HttpServer::Impl::StopWaiting(uint64_t place) {
  std::lock_guard<std::mutex> lock(mu_);
  waiting_.erase(place);
}

void HttpServer::Impl::EvictionDone() {
  std::shared_ptr<SessionBase> evict;
  {
    std::lock_guard<std::mutex> lock(mu_);
    --evicting_;
    evict = PickEvictionLocked();  // the last pick had become busy; try the next
  }
  if (evict) evict->Evict();
}

void HttpServer::Impl::StartSession(tcp::socket socket) {
  webconfig::WebConfigSource* source = options_.web_config;
  if (source == nullptr || !source->tls_enabled()) {
    std::make_shared<Session<beast::tcp_stream>>(this, nullptr, std::move(socket))->Start();
    return;
  }
  // Upstream reads the config on every handshake; a broken file fails them.
  auto current = source->Current();
  if (!current.ok()) {
    std::fprintf(stderr, "cairn: web config: %s\n", current.status().message().c_str());
    beast::error_code ec;
    socket.close(ec);
    return;
  }
  std::shared_ptr<net::ssl::context> ctx = (*current)->tls;
  net::ssl::context& ctx_ref = *ctx;
  std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(this, std::move(ctx), std::move(socket), ctx_ref)
      ->Start();
}

void HttpServer::Impl::Register(SessionBase* s, std::weak_ptr<SessionBase> w) {
  std::lock_guard<std::mutex> lock(mu_);
  sessions_[s] = std::move(w);
}

void HttpServer::Impl::Unregister(SessionBase* s, uint64_t waiting_since, bool evicted) {
  std::lock_guard<std::mutex> lock(mu_);
  sessions_.erase(s);
  if (evicted) --evicting_;
  if (waiting_since != 0) waiting_.erase(waiting_since);
  StartParkedIfRoomLocked();
  cv_.notify_all();
}

void HttpServer::Impl::BusyChanged(int delta) {
  std::lock_guard<std::mutex> lock(mu_);
  busy_ += delta;
  cv_.notify_all();
}

void HttpServer::Impl::Stop() {
  if (!running_) return;
  running_ = false;
  stopping_ = true;
  net::post(acceptor_.get_executor(), [this] {
    beast::error_code ec;
    acceptor_.close(ec);
  });
  std::vector<std::shared_ptr<SessionBase>> open;
  {
    std::unique_lock<std::mutex> lock(mu_);
    // Requests in flight finish; their connections then close themselves.
    cv_.wait_for(lock, options_.drain_timeout, [this] { return busy_ == 0; });
    parked_.reset();  // never started; closes it while the io_context lives
    for (auto& [raw, weak] : sessions_) {
      if (auto s = weak.lock()) open.push_back(std::move(s));
    }
  }
  // Outside the lock: dropping the last reference runs ~Session, which locks.
  for (auto& s : open) s->CloseIfIdle();
  open.clear();
  {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, std::chrono::seconds(5), [this] { return sessions_.empty(); });
  }
  ioc_.stop();
  for (auto& t : threads_) t.join();
  threads_.clear();
}

HttpServer::HttpServer(HttpServerOptions options, const Router& router)
    : options_(std::move(options)), router_(router) {}

HttpServer::~HttpServer() { Stop(); }

Status HttpServer::Start() {
  impl_ = std::make_unique<Impl>(options_, router_);
  CAIRN_RETURN_IF_ERROR(impl_->Listen(&port_));
  impl_->Run();
  return Status::OK();
}

void HttpServer::Stop() {
  if (impl_) impl_->Stop();
}

}  // namespace cairn::server::http
