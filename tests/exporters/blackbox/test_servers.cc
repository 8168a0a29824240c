#include "tests/exporters/blackbox/test_servers.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>

namespace cairn::blackbox::testing_servers {
namespace {

int ListenLocal(int type, int* port) {
  int fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int on = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  if (type == SOCK_STREAM) listen(fd, 64);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  *port = ntohs(addr.sin_port);
  return fd;
}

// Waits up to 100 ms for `fd` to be readable, so loops notice stop requests.
bool Readable(int fd) {
  pollfd p{fd, POLLIN, 0};
  return poll(&p, 1, 100) > 0;
}

void PutU16(std::string* out, uint16_t v) {
  *out += static_cast<char>(v >> 8);
  *out += static_cast<char>(v & 0xFF);
}
void PutU32(std::string* out, uint32_t v) {
  PutU16(out, static_cast<uint16_t>(v >> 16));
  PutU16(out, static_cast<uint16_t>(v & 0xFFFF));
}

}  // namespace

int Stream::Recv(char* buf, int n) {
  if (ssl_ != nullptr) return SSL_read(ssl_, buf, n);
  return static_cast<int>(recv(fd_, buf, static_cast<size_t>(n), 0));
}

bool Stream::ReadUntil(const std::string& delimiter, std::string* out) {
  for (;;) {
    if (size_t at = buffered_.find(delimiter); at != std::string::npos) {
      *out = buffered_.substr(0, at + delimiter.size());
      buffered_.erase(0, at + delimiter.size());
      return true;
    }
    char buf[4096];
    int n = Recv(buf, sizeof buf);
    if (n <= 0) return false;
    buffered_.append(buf, static_cast<size_t>(n));
  }
}

bool Stream::ReadExactly(size_t n, std::string* out) {
  while (buffered_.size() < n) {
    char buf[4096];
    int got = Recv(buf, sizeof buf);
    if (got <= 0) return false;
    buffered_.append(buf, static_cast<size_t>(got));
  }
  *out = buffered_.substr(0, n);
  buffered_.erase(0, n);
  return true;
}

void Stream::Write(const std::string& data) {
  if (ssl_ != nullptr) SSL_write(ssl_, data.data(), static_cast<int>(data.size()));
  else send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
}

bool Stream::AcceptTls(SSL_CTX* ctx) {
  ssl_ = SSL_new(ctx);
  upgraded_ = true;
  SSL_set_fd(ssl_, fd_);
  buffered_.clear();
  return SSL_accept(ssl_) == 1;
}

TcpServer::TcpServer(Handler handler, SSL_CTX* tls_ctx) : handler_(std::move(handler)), tls_ctx_(tls_ctx) {
  listen_fd_ = ListenLocal(SOCK_STREAM, &port_);
  acceptor_ = std::thread([this] {
    while (!stop_) {
      if (!Readable(listen_fd_)) continue;
      int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      std::lock_guard<std::mutex> lock(mu_);
      workers_.emplace_back([this, fd] {
        SSL* ssl = nullptr;
        if (tls_ctx_ != nullptr) {
          ssl = SSL_new(tls_ctx_);
          SSL_set_fd(ssl, fd);
          if (SSL_accept(ssl) != 1) {
            SSL_free(ssl);
            close(fd);
            return;
          }
        }
        Stream stream(fd, ssl);
        handler_(stream);
        if (ssl != nullptr) {
          SSL_shutdown(ssl);
          SSL_free(ssl);
        }
        close(fd);
      });
    }
  });
}

TcpServer::~TcpServer() {
  stop_ = true;
  acceptor_.join();
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& w : workers_) w.join();
  close(listen_fd_);
}

HttpServer::HttpServer(std::map<std::string, HttpReply> routes, SSL_CTX* tls_ctx) : routes_(std::move(routes)) {
  tcp_ = std::make_unique<TcpServer>(
      [this](Stream& s) {
        std::string head;
        if (!s.ReadUntil("\r\n\r\n", &head)) return;
        std::string body;
        if (size_t cl = head.find("Content-Length: "); cl != std::string::npos)
          s.ReadExactly(std::stoul(head.substr(cl + 16)), &body);
        {
          std::lock_guard<std::mutex> lock(mu_);
          last_request_ = head + body;
        }
        size_t sp1 = head.find(' '), sp2 = head.find(' ', sp1 + 1);
        std::string path = head.substr(sp1 + 1, sp2 - sp1 - 1);
        auto it = routes_.find(path);
        HttpReply reply = it == routes_.end() ? HttpReply{404, {}, "not found\n"} : it->second;
        if (reply.delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(reply.delay_ms));
        std::string out = "HTTP/1.1 " + std::to_string(reply.status) + " X\r\n";
        for (const auto& [k, v] : reply.headers) out += k + ": " + v + "\r\n";
        if (reply.chunked) {
          out += "Transfer-Encoding: chunked\r\n\r\n";
          char size[16];
          std::snprintf(size, sizeof size, "%zx", reply.body.size());
          out += std::string(size) + "\r\n" + reply.body + "\r\n0\r\n\r\n";
        } else {
          out += "Content-Length: " + std::to_string(reply.body.size()) + "\r\nConnection: close\r\n\r\n" + reply.body;
        }
        s.Write(out);
      },
      tls_ctx);
}

std::string HttpServer::last_request() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_request_;
}

std::string BuildDnsReply(const std::string& query, const DnsAnswerSpec& spec) {
  // Header: the query's id and question, response flags, our counts.
  std::string out = query.substr(0, 2);
  PutU16(&out, static_cast<uint16_t>(0x8180 | (spec.rcode & 0xF)));
  PutU16(&out, 1);
  PutU16(&out, 3);
  PutU16(&out, 1);
  PutU16(&out, 1);
  out += query.substr(12);  // the question; its name sits at offset 12
  const std::string name_ptr("\xc0\x0c", 2);
  auto rr = [&](const std::string& owner, uint16_t type, const std::string& rdata) {
    out += owner;
    PutU16(&out, type);
    PutU16(&out, 1);
    PutU32(&out, 300);
    PutU16(&out, static_cast<uint16_t>(rdata.size()));
    out += rdata;
  };
  rr(name_ptr, 1, std::string("\x7f\x00\x00\x01", 4));
  rr(name_ptr, 16, std::string("\x0dhello \"world\"", 14));
  std::string soa = std::string("\x03ns1", 4) + name_ptr + std::string("\x0ahostmaster", 11) + name_ptr;
  for (uint32_t v : {2026120701u, 7200u, 3600u, 1209600u, 300u}) PutU32(&soa, v);
  rr(name_ptr, 6, soa);
  size_t ns_name_at = out.size() + 2 + 10;  // where the NS rdata's "ns1" label will start
  rr(name_ptr, 2, std::string("\x03ns1", 4) + name_ptr);
  std::string ns1_ptr;
  ns1_ptr += static_cast<char>(0xC0 | (ns_name_at >> 8));
  ns1_ptr += static_cast<char>(ns_name_at & 0xFF);
  std::string v6(16, '\0');
  v6[15] = 1;
  rr(ns1_ptr, 28, v6);
  return out;
}

DnsServer::DnsServer(DnsAnswerSpec spec) : spec_(spec) {
  fd_ = ListenLocal(SOCK_DGRAM, &port_);
  thread_ = std::thread([this] {
    char buf[2048];
    while (!stop_) {
      if (!Readable(fd_)) continue;
      sockaddr_storage peer{};
      socklen_t len = sizeof peer;
      ssize_t n = recvfrom(fd_, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&peer), &len);
      if (n < 12) continue;
      std::string reply = BuildDnsReply(std::string(buf, static_cast<size_t>(n)), spec_);
      sendto(fd_, reply.data(), reply.size(), 0, reinterpret_cast<sockaddr*>(&peer), len);
    }
  });
}

DnsServer::~DnsServer() {
  stop_ = true;
  thread_.join();
  close(fd_);
}

TestCa::TestCa() {
  char tmpl[] = "/tmp/blackbox_ca_XXXXXX";
  dir_ = mkdtemp(tmpl);
  std::string d = dir_;
  std::string cmd =
      "cd " + d + " && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ca.key -out ca.crt"
      " -days 30 -subj '/CN=Blackbox Test CA' >/dev/null 2>&1"
      " && openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout server.key -out server.csr"
      " -subj '/O=Cairn/CN=localhost' >/dev/null 2>&1"
      " && printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\\n' > ext.cnf"
      " && openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt -days 10"
      " -extfile ext.cnf >/dev/null 2>&1";
  ok_ = std::system(cmd.c_str()) == 0;
  if (!ok_) return;
  ctx_ = SSL_CTX_new(TLS_server_method());
  ok_ = SSL_CTX_use_certificate_file(ctx_, cert_file().c_str(), SSL_FILETYPE_PEM) == 1 &&
        SSL_CTX_use_PrivateKey_file(ctx_, key_file().c_str(), SSL_FILETYPE_PEM) == 1;
}

TestCa::~TestCa() {
  if (ctx_ != nullptr) SSL_CTX_free(ctx_);
  std::system(("rm -rf " + dir_).c_str());
}

double TestCa::server_not_after() const {
  FILE* f = std::fopen(cert_file().c_str(), "r");
  X509* cert = PEM_read_X509(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  std::tm tm{};
  ASN1_TIME_to_tm(X509_get0_notAfter(cert), &tm);
  X509_free(cert);
  return static_cast<double>(timegm(&tm));
}

}  // namespace cairn::blackbox::testing_servers
