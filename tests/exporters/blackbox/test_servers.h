// Servers the blackbox tests probe, on 127.0.0.1 with a kernel-chosen port:
// a TCP server (optionally TLS) running a handler per connection, HTTP
// routes on top of it, a UDP DNS responder, and a test CA made with the
// openssl CLI. Each server stops and joins its threads when destroyed.
#pragma once

#include <openssl/ssl.h>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace cairn::blackbox::testing_servers {

// A connected client as a test handler sees it (plain or TLS, blocking).
class Stream {
 public:
  Stream(int fd, SSL* ssl) : fd_(fd), ssl_(ssl) {}
  ~Stream() {
    if (upgraded_) SSL_free(ssl_);
  }
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;
  bool ReadUntil(const std::string& delimiter, std::string* out);  // out includes the delimiter
  bool ReadLine(std::string* line) {  // without "\n"
    if (!ReadUntil("\n", line)) return false;
    line->pop_back();
    return true;
  }
  bool ReadExactly(size_t n, std::string* out);
  void Write(const std::string& data);
  // Upgrades a plain stream to TLS (STARTTLS) with `ctx`.
  bool AcceptTls(SSL_CTX* ctx);

 private:
  int Recv(char* buf, int n);
  int fd_;
  SSL* ssl_;
  bool upgraded_ = false;  // ssl_ came from AcceptTls and is ours to free
  std::string buffered_;
};

class TcpServer {
 public:
  using Handler = std::function<void(Stream&)>;
  // `tls_ctx` (owned by the caller, may be null) makes every connection TLS.
  TcpServer(Handler handler, SSL_CTX* tls_ctx = nullptr);
  ~TcpServer();
  int port() const { return port_; }

 private:
  Handler handler_;
  SSL_CTX* tls_ctx_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread acceptor_;
  std::mutex mu_;
  std::vector<std::thread> workers_;
};

struct HttpReply {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool chunked = false;
  int delay_ms = 0;  // before answering
};

// Routes by request path ("/ok"); unknown paths get 404. The last request
// head is kept for tests that check what the prober sent.
class HttpServer {
 public:
  explicit HttpServer(std::map<std::string, HttpReply> routes, SSL_CTX* tls_ctx = nullptr);
  int port() const { return tcp_->port(); }
  std::string last_request() const;

 private:
  std::map<std::string, HttpReply> routes_;
  mutable std::mutex mu_;
  std::string last_request_;
  std::unique_ptr<TcpServer> tcp_;
};

struct DnsAnswerSpec {
  int rcode = 0;
};

// The reply test servers give to `query`: for example.test an A, a TXT and a
// SOA answer, an NS authority and an AAAA additional record (names
// compressed); rcode from `spec`.
std::string BuildDnsReply(const std::string& query, const DnsAnswerSpec& spec);

class DnsServer {
 public:
  explicit DnsServer(DnsAnswerSpec spec = {});
  ~DnsServer();
  int port() const { return port_; }

 private:
  DnsAnswerSpec spec_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// A CA and a server certificate for localhost / 127.0.0.1 signed by it, in a
// temporary directory; ok() is false when the openssl CLI is missing.
class TestCa {
 public:
  TestCa();
  ~TestCa();
  bool ok() const { return ok_; }
  std::string ca_file() const { return dir_ + "/ca.crt"; }
  std::string cert_file() const { return dir_ + "/server.crt"; }
  std::string key_file() const { return dir_ + "/server.key"; }
  // The server certificate's notAfter, unix seconds.
  double server_not_after() const;
  SSL_CTX* server_ctx() const { return ctx_; }

 private:
  std::string dir_;
  bool ok_ = false;
  SSL_CTX* ctx_ = nullptr;
};

}  // namespace cairn::blackbox::testing_servers
