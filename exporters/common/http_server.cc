#include "exporters/common/http_server.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include "exporters/common/log.h"
#include "webconfig/web_config_source.h"

namespace cairn::exporters {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

constexpr int kIdleTimeoutSeconds = 120;
constexpr uint64_t kMaxRequestBodyBytes = 1 << 20;

Status SplitHostPort(const std::string& address, std::string* host, std::string* port) {
  size_t colon = address.rfind(':');
  if (colon == std::string::npos) return Status::InvalidArgument("listen address has no port: " + address);
  *host = address.substr(0, colon);
  *port = address.substr(colon + 1);
  if (host->size() >= 2 && host->front() == '[' && host->back() == ']') *host = host->substr(1, host->size() - 2);
  if (port->empty()) return Status::InvalidArgument("listen address has no port: " + address);
  return Status::OK();
}

HttpRequest ToRequest(const http::request<http::string_body>& req) {
  HttpRequest out;
  out.method = std::string(req.method_string());
  out.target = std::string(req.target());
  size_t q = out.target.find('?');
  out.path = out.target.substr(0, q);
  if (q != std::string::npos) out.params = ParseQueryString(std::string_view(out.target).substr(q + 1));
  for (const auto& field : req) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto [it, inserted] = out.headers.emplace(name, std::string(field.value()));
    if (!inserted) it->second += ", " + std::string(field.value());
  }
  out.body = req.body();
  return out;
}

}  // namespace

HttpServer::~HttpServer() {
  Stop();
  std::unique_lock lock(mu_);
  idle_.wait(lock, [&] { return workers_ == 0; });
}

Status HttpServer::Listen(const std::string& address) {
  std::string host, port;
  if (Status s = SplitHostPort(address, &host, &port); !s.ok()) return s;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* res = nullptr;
  // An empty host listens everywhere: "::" with IPV6_V6ONLY off takes IPv4 too (as Go does).
  int rc = ::getaddrinfo(host.empty() ? "::" : host.c_str(), port.c_str(), &hints, &res);
  if (rc != 0 && host.empty()) rc = ::getaddrinfo("0.0.0.0", port.c_str(), &hints, &res);
  if (rc != 0) return Status::InvalidArgument("listen address " + address + ": " + gai_strerror(rc));
  std::string error = "no usable address";
  for (addrinfo* ai = res; ai != nullptr; ai = ai->ai_next) {
    int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) continue;
    int one = 1, zero = 0;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (ai->ai_family == AF_INET6 && host.empty()) ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
    if (::bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && ::listen(fd, 128) == 0) {
      sockaddr_storage bound{};
      socklen_t len = sizeof bound;
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &len);
      port_ = ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                                                : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
      listen_fd_ = fd;
      break;
    }
    error = std::strerror(errno);
    ::close(fd);
  }
  ::freeaddrinfo(res);
  if (listen_fd_ < 0) return Status::Unavailable("listen tcp " + address + ": " + error);
  return Status::OK();
}

void HttpServer::Start() { acceptor_ = std::thread([this] { AcceptLoop(); }); }

void HttpServer::Stop() {
  if (stopping_.exchange(true)) return;
  if (listen_fd_ >= 0) ::shutdown(listen_fd_, SHUT_RDWR);  // wakes accept()
  if (acceptor_.joinable()) acceptor_.join();
  if (listen_fd_ >= 0) ::close(listen_fd_);
  std::lock_guard lock(mu_);
  for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);  // wakes the connection threads' reads
  work_.notify_all();
}

void HttpServer::AcceptLoop() {
  while (!stopping_.load()) {
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      if (stopping_.load()) break;
      if (errno == EINTR || errno == ECONNABORTED) continue;
      Log(LogLevel::kError, "accept failed", {{"err", std::strerror(errno)}});
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      continue;
    }
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    std::lock_guard lock(mu_);
    open_fds_.insert(fd);
    queue_.push_back(fd);
    if (idle_workers_ > static_cast<int>(queue_.size()) - 1) {
      work_.notify_one();
    } else {
      ++workers_;
      std::thread([this] { Worker(); }).detach();
    }
  }
}

void HttpServer::Worker() {
  std::unique_lock lock(mu_);
  for (;;) {
    ++idle_workers_;
    work_.wait(lock, [&] { return !queue_.empty() || stopping_.load(); });
    --idle_workers_;
    if (queue_.empty()) break;  // stopping, nothing left to close
    int fd = queue_.front();
    queue_.pop_front();
    lock.unlock();
    Serve(fd);
    lock.lock();
  }
  --workers_;
  idle_.notify_all();
}

std::optional<HttpResponse> HttpServer::Admit(const HttpRequest& req,
                                              std::vector<std::pair<std::string, std::string>>* headers) {
  if (web_config_ == nullptr) return std::nullopt;
  auto current = web_config_->Current();
  if (!current.ok()) {
    Log(LogLevel::kError, "Unable to parse configuration", {{"err", current.status().message()}});
    return HttpResponse::Text(500, "Internal Server Error\n");
  }
  for (const auto& [name, value] : (*current)->config.headers) headers->emplace_back(name, value);
  const auto& users = (*current)->config.users;
  if (users.empty() || web_config_->auth().Check(users, req.Header("authorization"))) return std::nullopt;
  HttpResponse r = HttpResponse::Text(401, "Unauthorized\n");
  r.headers.emplace_back("WWW-Authenticate", "Basic");
  return r;
}

template <class Stream>
void HttpServer::ServeRequests(Stream& stream) {
  beast::flat_buffer buffer;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(kMaxRequestBodyBytes);
    beast::error_code ec;
    http::read(stream, buffer, parser, ec);
    if (ec) break;  // closed, idle timeout, or a malformed request
    const auto& req = parser.get();
    HttpRequest request = ToRequest(req);
    std::vector<std::pair<std::string, std::string>> configured;
    std::optional<HttpResponse> refused = Admit(request, &configured);
    HttpResponse response = refused ? std::move(*refused) : handler_(request);
    http::response<http::string_body> res{static_cast<http::status>(response.status), req.version()};
    res.set(http::field::content_type, response.content_type);
    for (const auto& [name, value] : configured) res.set(name, value);
    for (const auto& [name, value] : response.headers) res.set(name, value);
    res.keep_alive(req.keep_alive());
    res.body() = req.method() == http::verb::head ? std::string() : std::move(response.body);
    res.prepare_payload();
    http::write(stream, res, ec);
    if (ec || !res.keep_alive() || stopping_.load()) break;
  }
}

void HttpServer::Serve(int fd) {
  timeval idle{kIdleTimeoutSeconds, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &idle, sizeof idle);
  sockaddr_storage local{};
  socklen_t len = sizeof local;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len);
  {
    asio::io_context ioc;
    asio::ip::tcp::socket socket(ioc, local.ss_family == AF_INET6 ? asio::ip::tcp::v6() : asio::ip::tcp::v4(), fd);
    if (web_config_ != nullptr && web_config_->tls_enabled()) {
      // The config of this moment (upstream reads it on every handshake).
      auto current = web_config_->Current();
      if (current.ok()) {
        std::shared_ptr<asio::ssl::context> ctx = (*current)->tls;
        asio::ssl::stream<asio::ip::tcp::socket&> tls(socket, *ctx);
        beast::error_code ec;
        tls.handshake(asio::ssl::stream_base::server, ec);
        if (!ec) ServeRequests(tls);
      } else {
        Log(LogLevel::kError, "Unable to parse configuration", {{"err", current.status().message()}});
      }
    } else {
      ServeRequests(socket);
    }
    std::lock_guard lock(mu_);
    open_fds_.erase(fd);
  }  // the socket closes fd here, after it left open_fds_
}

}  // namespace cairn::exporters
