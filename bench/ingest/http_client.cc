#include "bench/ingest/http_client.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <strings.h>

namespace cairn::bench {
namespace {

constexpr int kIoTimeoutSeconds = 120;

bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && strncasecmp(s.data(), prefix.data(), prefix.size()) == 0;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

}  // namespace

Result<HttpUrl> ParseHttpUrl(std::string_view url) {
  constexpr std::string_view kScheme = "http://";
  if (!StartsWithIgnoreCase(url, kScheme)) {
    return Status::InvalidArgument("only http:// URLs are supported: " + std::string(url));
  }
  std::string_view rest = url.substr(kScheme.size());
  HttpUrl out;
  size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) out.path = std::string(rest.substr(slash));
  if (authority.empty() || authority.find('@') != std::string_view::npos) {
    return Status::InvalidArgument("bad host in URL: " + std::string(url));
  }
  size_t colon = authority.rfind(':');
  if (colon != std::string_view::npos && authority.find(']', colon) == std::string_view::npos) {
    std::string port(authority.substr(colon + 1));
    char* end = nullptr;
    long p = std::strtol(port.c_str(), &end, 10);
    if (port.empty() || *end != '\0' || p <= 0 || p > 65535) {
      return Status::InvalidArgument("bad port in URL: " + std::string(url));
    }
    out.port = static_cast<uint16_t>(p);
    authority = authority.substr(0, colon);
  }
  if (authority.size() >= 2 && authority.front() == '[' && authority.back() == ']') {
    authority = authority.substr(1, authority.size() - 2);
  }
  if (authority.empty()) return Status::InvalidArgument("bad host in URL: " + std::string(url));
  out.host = std::string(authority);
  return out;
}

HttpClient::~HttpClient() { Close(); }

void HttpClient::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  in_.clear();
  peer_closes_ = false;
}

Status HttpClient::Connect() {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  const std::string port = std::to_string(port_);
  if (int rc = ::getaddrinfo(host_.c_str(), port.c_str(), &hints, &res); rc != 0) {
    return Status::IOError("resolve " + host_ + ": " + gai_strerror(rc));
  }
  std::string last_error = "no address";
  for (addrinfo* a = res; a != nullptr; a = a->ai_next) {
    int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    if (::connect(fd, a->ai_addr, a->ai_addrlen) == 0) {
      int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
      timeval tv{kIoTimeoutSeconds, 0};
      ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
      ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
      fd_ = fd;
      ::freeaddrinfo(res);
      return Status::OK();
    }
    last_error = std::strerror(errno);
    ::close(fd);
  }
  ::freeaddrinfo(res);
  return Status::IOError("connect " + host_ + ":" + port + ": " + last_error);
}

Status HttpClient::SendAll(std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::IOError(std::string("send: ") + std::strerror(errno));
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return Status::OK();
}

Status HttpClient::Fill() {
  char buf[16384];
  for (;;) {
    ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
    if (n > 0) {
      in_.append(buf, static_cast<size_t>(n));
      return Status::OK();
    }
    if (n == 0) return Status::IOError("connection closed by peer");
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return Status::Timeout("no response in time");
    return Status::IOError(std::string("recv: ") + std::strerror(errno));
  }
}

Result<std::string> HttpClient::ReadLine() {
  for (;;) {
    size_t eol = in_.find("\r\n");
    if (eol != std::string::npos) {
      std::string line = in_.substr(0, eol);
      in_.erase(0, eol + 2);
      return line;
    }
    CAIRN_RETURN_IF_ERROR(Fill());
  }
}

Status HttpClient::ReadBody(size_t length, std::string* body) {
  while (in_.size() < length) CAIRN_RETURN_IF_ERROR(Fill());
  body->append(in_, 0, length);
  in_.erase(0, length);
  return Status::OK();
}

Status HttpClient::ReadChunked(std::string* body) {
  for (;;) {
    auto line = ReadLine();
    if (!line.ok()) return line.status();
    size_t size = std::strtoul(line->c_str(), nullptr, 16);
    if (size == 0) {
      // Trailer section ends with an empty line.
      for (;;) {
        auto trailer = ReadLine();
        if (!trailer.ok()) return trailer.status();
        if (trailer->empty()) return Status::OK();
      }
    }
    CAIRN_RETURN_IF_ERROR(ReadBody(size, body));
    auto crlf = ReadLine();
    if (!crlf.ok()) return crlf.status();
  }
}

Result<HttpResponse> HttpClient::ReadResponse() {
  HttpResponse resp;
  auto status_line = ReadLine();
  if (!status_line.ok()) return status_line.status();
  // "HTTP/1.1 204 No Content"
  size_t sp = status_line->find(' ');
  if (sp == std::string::npos || !StartsWithIgnoreCase(*status_line, "HTTP/")) {
    return Status::Corruption("bad status line: " + *status_line);
  }
  resp.status = std::atoi(status_line->c_str() + sp + 1);
  long long content_length = -1;
  bool chunked = false;
  for (;;) {
    auto line = ReadLine();
    if (!line.ok()) return line.status();
    if (line->empty()) break;
    std::string_view h(*line);
    size_t colon = h.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view name = h.substr(0, colon), value = Trim(h.substr(colon + 1));
    if (StartsWithIgnoreCase(name, "content-length") && name.size() == 14) {
      content_length = std::atoll(std::string(value).c_str());
    } else if (StartsWithIgnoreCase(name, "transfer-encoding") && StartsWithIgnoreCase(value, "chunked")) {
      chunked = true;
    } else if (StartsWithIgnoreCase(name, "connection") && StartsWithIgnoreCase(value, "close")) {
      peer_closes_ = true;
    }
  }
  if (chunked) {
    CAIRN_RETURN_IF_ERROR(ReadChunked(&resp.body));
  } else if (content_length >= 0) {
    CAIRN_RETURN_IF_ERROR(ReadBody(static_cast<size_t>(content_length), &resp.body));
  } else if (resp.status != 204 && resp.status != 304 && resp.status >= 200) {
    // Close-delimited body.
    while (Fill().ok()) {
    }
    resp.body = std::move(in_);
    in_.clear();
    peer_closes_ = true;
  }
  return resp;
}

Result<HttpResponse> HttpClient::Post(
    std::string_view path, std::string_view body,
    const std::vector<std::pair<std::string, std::string>>& headers) {
  std::string head;
  head.reserve(256);
  head.append("POST ").append(path).append(" HTTP/1.1\r\nHost: ").append(host_);
  head.append(":").append(std::to_string(port_)).append("\r\n");
  for (const auto& [name, value] : headers) head.append(name).append(": ").append(value).append("\r\n");
  head.append("Content-Length: ").append(std::to_string(body.size())).append("\r\n\r\n");

  Status last;
  // A reused connection may have been closed by the server while idle: then the
  // send or the first read fails, and one fresh connection is tried.
  for (int attempt = 0; attempt < 2; ++attempt) {
    const bool reused = fd_ >= 0;
    if (!reused) {
      Status st = Connect();
      if (!st.ok()) return st;
    }
    last = SendAll(head);
    if (last.ok()) last = SendAll(body);
    if (last.ok()) {
      auto resp = ReadResponse();
      if (resp.ok()) {
        if (peer_closes_) Close();
        return resp;
      }
      last = resp.status();
    }
    Close();
    if (!reused || last.code() == StatusCode::kTimeout) break;
  }
  return last;
}

}  // namespace cairn::bench
