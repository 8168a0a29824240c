#include "server/http/http_server.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <cctype>
#include <condition_variable>
#include <limits>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "server/http/gzip.h"

namespace cairn::server::http {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;

class Session;

class HttpServer::Impl {
 public:
  Impl(const HttpServerOptions& options, const Router& router)
      : options_(options), router_(router), acceptor_(net::make_strand(ioc_)) {}

  Status Listen(uint16_t* port);
  void Run();
  void Stop();

  void Register(Session* s, std::weak_ptr<Session> w);
  void Unregister(Session* s);
  void BusyChanged(int delta);

  const HttpServerOptions& options() const { return options_; }
  const Router& router() const { return router_; }
  bool stopping() const { return stopping_.load(); }

 private:
  void DoAccept();

  HttpServerOptions options_;
  const Router& router_;
  net::io_context ioc_;
  tcp::acceptor acceptor_;
  std::vector<std::thread> threads_;
  std::atomic<bool> stopping_{false};
  bool running_ = false;

  std::mutex mu_;
  std::condition_variable cv_;
  std::map<Session*, std::weak_ptr<Session>> sessions_;
  int busy_ = 0;
};

// Writes chunks synchronously on the connection's socket, the header first.
class SocketChunkWriter final : public ChunkWriter {
 public:
  SocketChunkWriter(beast::tcp_stream& stream, bhttp::response<bhttp::empty_body>& header)
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
  beast::tcp_stream& stream_;
  bhttp::response<bhttp::empty_body>& header_;
  bool started_ = false;
  bool failed_ = false;
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, HttpServer::Impl* server) : stream_(std::move(socket)), server_(server) {}
  ~Session() { server_->Unregister(this); }

  void Start() {
    server_->Register(this, weak_from_this());
    net::dispatch(stream_.get_executor(), beast::bind_front_handler(&Session::DoRead, shared_from_this()));
  }

  // Called on shutdown: closes the connection unless a request is being served.
  void CloseIfIdle() {
    net::post(stream_.get_executor(), [self = shared_from_this()] {
      if (!self->busy_) self->stream_.socket().close();
    });
  }

 private:
  void DoRead() {
    if (server_->stopping()) return Close();
    parser_.emplace();
    // The limit is enforced in OnHeader: Beast would reject an oversized
    // Content-Length while parsing the header, before a 413 can be sent.
    parser_->body_limit((std::numeric_limits<std::uint64_t>::max)());
    parser_->header_limit(1 << 20);
    stream_.expires_after(server_->options().idle_timeout);
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             beast::bind_front_handler(&Session::OnHeader, shared_from_this()));
  }

  void OnHeader(beast::error_code ec, size_t) {
    if (ec) return Close();
    auto length = parser_->content_length();
    if (length && *length > server_->options().body_limit_bytes) return RejectTooLarge();
    parser_->body_limit(server_->options().body_limit_bytes);  // chunked bodies
    stream_.expires_after(std::chrono::seconds(120));
    bhttp::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&Session::OnRead, shared_from_this()));
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
    HttpRequest req;
    req.method = std::string(msg.method_string());
    std::string_view target(msg.target().data(), msg.target().size());
    size_t q = target.find('?');
    req.path = std::string(target.substr(0, q));
    if (q != std::string_view::npos) req.query = std::string(target.substr(q + 1));
    for (const auto& field : msg) {
      std::string name(field.name_string());
      std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
      req.headers.emplace_back(std::move(name), std::string(field.value()));
    }
    req.body = std::move(msg.body());
    bool keep_alive = msg.keep_alive();
    bool head = msg.method() == bhttp::verb::head;
    bool gzip = AcceptsGzip(req.Header("accept-encoding"));
    version_ = msg.version();
    HttpResponse resp = server_->router().Route(req);
    if (resp.stream) return SendStreamed(std::move(resp), keep_alive, gzip);
    Send(std::move(resp), keep_alive, head, gzip);
  }

  void Send(HttpResponse r, bool keep_alive, bool head, bool accept_gzip) {
    auto res = std::make_shared<bhttp::response<bhttp::string_body>>();
    res->version(version_);
    res->result(static_cast<unsigned>(r.status));
    res->set(bhttp::field::server, "cairn");
    if (!r.content_type.empty()) res->set(bhttp::field::content_type, r.content_type);
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
    stream_.expires_after(std::chrono::seconds(60));
    if (head) {
      auto sr = std::make_shared<bhttp::response_serializer<bhttp::string_body>>(*res);
      bhttp::async_write_header(stream_, *sr,
                                [self = shared_from_this(), res, sr, close](beast::error_code ec, size_t) {
                                  self->OnWrite(close, ec);
                                });
      return;
    }
    bhttp::async_write(stream_, *res, [self = shared_from_this(), res, close](beast::error_code ec, size_t) {
      self->OnWrite(close, ec);
    });
  }

  void SendStreamed(HttpResponse r, bool keep_alive, bool accept_gzip) {
    bhttp::response<bhttp::empty_body> res;
    res.version(version_);
    res.result(static_cast<unsigned>(r.status));
    res.set(bhttp::field::server, "cairn");
    if (!r.content_type.empty()) res.set(bhttp::field::content_type, r.content_type);
    for (const auto& [k, v] : r.headers) res.insert(k, v);
    res.chunked(true);
    res.keep_alive(keep_alive && !server_->stopping());
    stream_.expires_never();
    SocketChunkWriter writer(stream_, res);
    std::optional<HttpResponse> fallback = r.stream(writer);
    if (!writer.started()) {
      // Nothing streamed: answer with an ordinary response.
      if (!fallback) {
        fallback = std::move(r);
        fallback->stream = nullptr;
      }
      return Send(std::move(*fallback), keep_alive, /*head=*/false, accept_gzip);
    }
    beast::error_code ec;
    if (!writer.failed()) net::write(stream_, bhttp::make_chunk_last(), ec);
    OnWrite(!res.keep_alive() || writer.failed(), ec);
  }

  void OnWrite(bool close, beast::error_code ec) {
    SetBusy(false);
    if (ec || close) return Close();
    DoRead();
  }

  void SetBusy(bool busy) {
    if (busy == busy_) return;
    busy_ = busy;
    server_->BusyChanged(busy ? 1 : -1);
  }

  void Close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.socket().close(ec);
  }

  beast::tcp_stream stream_;
  HttpServer::Impl* server_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  unsigned version_ = 11;
  bool busy_ = false;
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
    if (!ec) std::make_shared<Session>(std::move(socket), this)->Start();
    DoAccept();
  });
}

void HttpServer::Impl::Register(Session* s, std::weak_ptr<Session> w) {
  std::lock_guard<std::mutex> lock(mu_);
  sessions_[s] = std::move(w);
}

void HttpServer::Impl::Unregister(Session* s) {
  std::lock_guard<std::mutex> lock(mu_);
  sessions_.erase(s);
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
  std::vector<std::shared_ptr<Session>> open;
  {
    std::unique_lock<std::mutex> lock(mu_);
    // Requests in flight finish; their connections then close themselves.
    cv_.wait_for(lock, options_.drain_timeout, [this] { return busy_ == 0; });
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
