#include "exporters/blackbox/net.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <vector>

namespace cairn::blackbox {
namespace {

// Go's time.Time{}.Unix(): what upstream reports for an expiry it has no certificate for.
constexpr double kGoZeroTimeUnix = -62135596800.0;

std::string Errno(const char* op, int err) { return std::string(op) + ": " + std::strerror(err); }

std::string OpenSslError() {
  unsigned long e = ERR_get_error();
  if (e == 0) return "unknown TLS error";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  ERR_clear_error();
  return buf;
}

double AsnTimeToUnix(const ASN1_TIME* t) {
  std::tm tm{};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return kGoZeroTimeUnix;
  return static_cast<double>(timegm(&tm));
}

// Go's pkix.Name.String(): RDNs last-first, "CN=x,O=y" (RFC 2253 order).
std::string NameString(X509_NAME* name) {
  BIO* bio = BIO_new(BIO_s_mem());
  X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<size_t>(n));
  BIO_free(bio);
  return out;
}

}  // namespace

std::string IpAddr::String() const {
  char buf[INET6_ADDRSTRLEN] = {};
  if (v6()) inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&addr)->sin6_addr, buf, sizeof buf);
  else inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&addr)->sin_addr, buf, sizeof buf);
  return buf;
}

std::string IpAddr::JoinPort(uint16_t port) const {
  return v6() ? "[" + String() + "]:" + std::to_string(port) : String() + ":" + std::to_string(port);
}

void IpAddr::SetPort(uint16_t port) {
  if (v6()) reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port = htons(port);
  else reinterpret_cast<sockaddr_in*>(&addr)->sin_port = htons(port);
}

Result<IpAddr> ParseIp(const std::string& text) {
  IpAddr ip;
  auto* s4 = reinterpret_cast<sockaddr_in*>(&ip.addr);
  auto* s6 = reinterpret_cast<sockaddr_in6*>(&ip.addr);
  if (inet_pton(AF_INET, text.c_str(), &s4->sin_addr) == 1) {
    s4->sin_family = AF_INET;
    ip.len = sizeof(sockaddr_in);
  } else if (inet_pton(AF_INET6, text.c_str(), &s6->sin6_addr) == 1) {
    s6->sin6_family = AF_INET6;
    ip.len = sizeof(sockaddr_in6);
  } else {
    return Status::InvalidArgument("error parsing source ip address: " + text);
  }
  return ip;
}

double IpHash(const IpAddr& ip) {
  const uint8_t* bytes;
  size_t n;
  if (ip.v6()) {
    bytes = reinterpret_cast<const sockaddr_in6*>(&ip.addr)->sin6_addr.s6_addr;
    n = 16;
    // Go hashes an IPv4-mapped IPv6 address as its 4 IPv4 bytes.
    static const uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::memcmp(bytes, kMapped, 12) == 0) {
      bytes += 12;
      n = 4;
    }
  } else {
    bytes = reinterpret_cast<const uint8_t*>(&reinterpret_cast<const sockaddr_in*>(&ip.addr)->sin_addr);
    n = 4;
  }
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < n; ++i) {
    h ^= bytes[i];
    h *= 16777619u;
  }
  return h;
}

Result<IpAddr> ChooseProtocol(ProbeContext& ctx, const std::string& preferred, bool fallback, const std::string& host,
                              double* lookup_seconds) {
  auto& protocol_gauge = ctx.NewGauge("probe_ip_protocol", "Specifies whether probe ip protocol is IP4 or IP6");
  auto& lookup_gauge = ctx.NewGauge("probe_dns_lookup_time_seconds", "Returns the time taken for probe dns lookup in seconds");
  auto& hash_gauge =
      ctx.NewGauge("probe_ip_addr_hash", "Specifies the hash of IP address. It's useful to detect if the IP address changes.");
  bool want_v4 = preferred == "ip4";
  ctx.log.Log("info", "Resolving target address", {"target", host, "ip_protocol", want_v4 ? "ip4" : "ip6"});
  SteadyTime start = std::chrono::steady_clock::now();

  addrinfo hints{};
  hints.ai_family = fallback ? AF_UNSPEC : (want_v4 ? AF_INET : AF_INET6);
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  int rc = getaddrinfo(host.c_str(), nullptr, &hints, &res);
  double took = SecondsSince(start);
  lookup_gauge.Increment(took);
  *lookup_seconds = took;
  if (rc != 0) {
    std::string err = "lookup " + host + ": " + gai_strerror(rc);
    ctx.log.Log("error", "Resolution with IP protocol failed", {"target", host, "err", err});
    return Status::Unavailable(err);
  }
  std::vector<IpAddr> found;
  for (addrinfo* ai = res; ai != nullptr; ai = ai->ai_next) {
    IpAddr ip;
    std::memcpy(&ip.addr, ai->ai_addr, ai->ai_addrlen);
    ip.len = ai->ai_addrlen;
    found.push_back(ip);
  }
  freeaddrinfo(res);
  const IpAddr* chosen = nullptr;
  for (const auto& ip : found) {
    if (ip.v6() != want_v4) {
      chosen = &ip;
      break;
    }
  }
  if (chosen == nullptr) {
    if (!fallback || found.empty()) return Status::Unavailable("unable to find ip; no fallback");
    chosen = &found.back();  // upstream keeps the last address of the other family
  }
  protocol_gauge.Set(chosen->v6() ? 6 : 4);
  hash_gauge.Set(IpHash(*chosen));
  ctx.log.Log("info", "Resolved target address", {"target", host, "ip", chosen->String()});
  return *chosen;
}

void RegisterTlsMetrics(ProbeContext& ctx, const TlsState& s) {
  ctx.NewGauge("probe_ssl_earliest_cert_expiry", "Returns last SSL chain expiry in unixtime").Set(s.earliest_expiry);
  ctx.NewGaugeVec("probe_tls_version_info", "Returns the TLS version used or NaN when unknown").Add({{"version", s.version}}).Set(1);
  ctx.NewGauge("probe_ssl_last_chain_expiry_timestamp_seconds", "Returns last SSL chain expiry in timestamp")
      .Set(s.last_chain_expiry);
  ctx.NewGaugeVec("probe_ssl_last_chain_info", "Contains SSL leaf certificate information")
      .Add({{"fingerprint_sha256", s.fingerprint_sha256},
            {"subject", s.subject},
            {"issuer", s.issuer},
            {"subjectalternative", s.dns_names}})
      .Set(1);
}

Connection::~Connection() {
  if (ssl_ != nullptr) SSL_free(ssl_);
  if (ssl_ctx_ != nullptr) SSL_CTX_free(ssl_ctx_);
  if (fd_ >= 0) close(fd_);
}

Status Connection::Wait(bool for_write, ProbeContext& ctx) {
  for (;;) {
    int ms = static_cast<int>(ctx.Remaining() * 1000);
    if (ms <= 0) return Status::Timeout("i/o timeout");
    pollfd p{fd_, static_cast<short>(for_write ? POLLOUT : POLLIN), 0};
    int rc = poll(&p, 1, ms);
    if (rc > 0) return Status::OK();
    if (rc == 0) return Status::Timeout("i/o timeout");
    if (errno != EINTR) return Status::IOError(Errno("poll", errno));
  }
}

Status Connection::Connect(const IpAddr& to, const std::string& source_ip, ProbeContext& ctx) {
  fd_ = socket(to.addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return Status::IOError(Errno("socket", errno));
  if (!source_ip.empty()) {
    auto src = ParseIp(source_ip);
    if (!src.ok()) return src.status();
    if (bind(fd_, reinterpret_cast<const sockaddr*>(&src.value().addr), src.value().len) != 0)
      return Status::IOError(Errno("bind", errno));
  }
  if (connect(fd_, reinterpret_cast<const sockaddr*>(&to.addr), to.len) != 0) {
    if (errno != EINPROGRESS) return Status::IOError("dial tcp " + to.JoinPort(ntohs(reinterpret_cast<const sockaddr_in*>(&to.addr)->sin_port)) + ": connect: " + std::strerror(errno));
    if (Status s = Wait(true, ctx); !s.ok()) return s;
    int err = 0;
    socklen_t len = sizeof err;
    getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) return Status::IOError(std::string("connect: ") + std::strerror(err));
  }
  return Status::OK();
}

Status Connection::StartTls(const TlsConfig& cfg, const std::string& server_name, ProbeContext& ctx) {
  if (ssl_ != nullptr) return Status::InvalidArgument("TLS is already active on this connection");
  ssl_ctx_ = SSL_CTX_new(TLS_client_method());
  if (ssl_ctx_ == nullptr) return Status::Internal(OpenSslError());
  if (!cfg.min_version.empty()) {
    int v = cfg.min_version == "TLS10" ? TLS1_VERSION
            : cfg.min_version == "TLS11" ? TLS1_1_VERSION
            : cfg.min_version == "TLS12" ? TLS1_2_VERSION
                                         : TLS1_3_VERSION;
    SSL_CTX_set_min_proto_version(ssl_ctx_, v);
  } else {
    SSL_CTX_set_min_proto_version(ssl_ctx_, TLS1_2_VERSION);  // Go's client default
  }
  if (!cfg.ca_file.empty()) {
    if (SSL_CTX_load_verify_locations(ssl_ctx_, cfg.ca_file.c_str(), nullptr) != 1)
      return Status::InvalidArgument("unable to load specified CA cert " + cfg.ca_file + ": " + OpenSslError());
  } else {
    SSL_CTX_set_default_verify_paths(ssl_ctx_);
  }
  if (!cfg.cert_file.empty()) {
    if (SSL_CTX_use_certificate_chain_file(ssl_ctx_, cfg.cert_file.c_str()) != 1 ||
        SSL_CTX_use_PrivateKey_file(ssl_ctx_, cfg.key_file.c_str(), SSL_FILETYPE_PEM) != 1)
      return Status::InvalidArgument("unable to use specified client cert (" + cfg.cert_file + ") & key (" +
                                     cfg.key_file + "): " + OpenSslError());
  }
  SSL_CTX_set_verify(ssl_ctx_, cfg.insecure_skip_verify ? SSL_VERIFY_NONE : SSL_VERIFY_PEER, nullptr);
  ssl_ = SSL_new(ssl_ctx_);
  SSL_set_fd(ssl_, fd_);
  if (!server_name.empty()) {
    in6_addr probe{};
    bool literal = inet_pton(AF_INET, server_name.c_str(), &probe) == 1 || inet_pton(AF_INET6, server_name.c_str(), &probe) == 1;
    if (!literal) SSL_set_tlsext_host_name(ssl_, server_name.c_str());  // no SNI for IP literals, as Go
    if (!cfg.insecure_skip_verify) {
      if (literal) X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl_), server_name.c_str());
      else SSL_set1_host(ssl_, server_name.c_str());
    }
  }
  for (;;) {
    ERR_clear_error();
    int rc = SSL_connect(ssl_);
    if (rc == 1) return Status::OK();
    int err = SSL_get_error(ssl_, rc);
    if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
      if (Status s = Wait(err == SSL_ERROR_WANT_WRITE, ctx); !s.ok()) return s;
      continue;
    }
    long verify = SSL_get_verify_result(ssl_);
    if (verify != X509_V_OK) return Status::Unavailable(std::string("x509: ") + X509_verify_cert_error_string(verify));
    return Status::Unavailable("TLS handshake: " + OpenSslError());
  }
}

TlsState Connection::tls_state() const {
  TlsState s;
  s.earliest_expiry = kGoZeroTimeUnix;
  s.last_chain_expiry = kGoZeroTimeUnix;
  if (ssl_ == nullptr) return s;
  switch (SSL_version(ssl_)) {
    case TLS1_VERSION: s.version = "TLS 1.0"; break;
    case TLS1_1_VERSION: s.version = "TLS 1.1"; break;
    case TLS1_2_VERSION: s.version = "TLS 1.2"; break;
    case TLS1_3_VERSION: s.version = "TLS 1.3"; break;
    default: s.version = "unknown";
  }
  STACK_OF(X509)* peer = SSL_get_peer_cert_chain(ssl_);  // the chain the server sent, leaf first
  double earliest = 0;
  bool any = false;
  for (int i = 0; peer != nullptr && i < sk_X509_num(peer); ++i) {
    double t = AsnTimeToUnix(X509_get0_notAfter(sk_X509_value(peer, i)));
    if (!any || t < earliest) earliest = t;
    any = true;
  }
  if (any) s.earliest_expiry = earliest;
  // Go fills VerifiedChains only when it verified (not with insecure_skip_verify).
  if (SSL_get_verify_mode(ssl_) != SSL_VERIFY_NONE && SSL_get_verify_result(ssl_) == X509_V_OK) {
    STACK_OF(X509)* chain = SSL_get0_verified_chain(ssl_);
    double chain_earliest = 0;
    bool chain_any = false;
    for (int i = 0; chain != nullptr && i < sk_X509_num(chain); ++i) {
      double t = AsnTimeToUnix(X509_get0_notAfter(sk_X509_value(chain, i)));
      if (!chain_any || t < chain_earliest) chain_earliest = t;
      chain_any = true;
    }
    if (chain_any) s.last_chain_expiry = chain_earliest;
  }
  X509* leaf = SSL_get1_peer_certificate(ssl_);
  if (leaf != nullptr) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    X509_digest(leaf, EVP_sha256(), md, &n);
    static const char* kHex = "0123456789abcdef";
    for (unsigned i = 0; i < n; ++i) {
      s.fingerprint_sha256 += kHex[md[i] >> 4];
      s.fingerprint_sha256 += kHex[md[i] & 15];
    }
    s.subject = NameString(X509_get_subject_name(leaf));
    s.issuer = NameString(X509_get_issuer_name(leaf));
    auto* sans = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(leaf, NID_subject_alt_name, nullptr, nullptr));
    for (int i = 0; sans != nullptr && i < sk_GENERAL_NAME_num(sans); ++i) {
      const GENERAL_NAME* g = sk_GENERAL_NAME_value(sans, i);
      if (g->type != GEN_DNS) continue;
      if (!s.dns_names.empty()) s.dns_names += ",";
      s.dns_names.append(reinterpret_cast<const char*>(ASN1_STRING_get0_data(g->d.dNSName)),
                         static_cast<size_t>(ASN1_STRING_length(g->d.dNSName)));
    }
    GENERAL_NAMES_free(sans);
    X509_free(leaf);
  }
  return s;
}

Status Connection::WriteAll(std::string_view data, ProbeContext& ctx) {
  while (!data.empty()) {
    ssize_t n;
    if (ssl_ != nullptr) {
      ERR_clear_error();
      int rc = SSL_write(ssl_, data.data(), static_cast<int>(data.size()));
      if (rc <= 0) {
        int err = SSL_get_error(ssl_, rc);
        if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
          if (Status s = Wait(err == SSL_ERROR_WANT_WRITE, ctx); !s.ok()) return s;
          continue;
        }
        return Status::IOError("write: " + OpenSslError());
      }
      n = rc;
    } else {
      n = send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EAGAIN || errno == EINTR) {
          if (Status s = Wait(true, ctx); !s.ok()) return s;
          continue;
        }
        return Status::IOError(Errno("write", errno));
      }
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return Status::OK();
}

Result<size_t> Connection::Read(char* buf, size_t max, ProbeContext& ctx) {
  for (;;) {
    if (ssl_ != nullptr) {
      ERR_clear_error();
      int rc = SSL_read(ssl_, buf, static_cast<int>(max));
      if (rc > 0) return static_cast<size_t>(rc);
      int err = SSL_get_error(ssl_, rc);
      if (err == SSL_ERROR_ZERO_RETURN) return size_t{0};
      if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
        if (Status s = Wait(err == SSL_ERROR_WANT_WRITE, ctx); !s.ok()) return s;
        continue;
      }
      if (err == SSL_ERROR_SYSCALL && ERR_peek_error() == 0) return size_t{0};  // closed without close_notify
      return Status::IOError("read: " + OpenSslError());
    }
    ssize_t n = recv(fd_, buf, max, 0);
    if (n >= 0) return static_cast<size_t>(n);
    if (errno == EAGAIN || errno == EINTR) {
      if (Status s = Wait(false, ctx); !s.ok()) return s;
      continue;
    }
    return Status::IOError(Errno("read", errno));
  }
}

Status SplitHostPort(const std::string& hostport, std::string* host, std::string* port) {
  auto err = [&](const char* why) { return Status::InvalidArgument("address " + hostport + ": " + why); };
  if (!hostport.empty() && hostport[0] == '[') {
    size_t end = hostport.find(']');
    if (end == std::string::npos) return err("missing ']' in address");
    if (end + 1 >= hostport.size() || hostport[end + 1] != ':') return err("missing port in address");
    *host = hostport.substr(1, end - 1);
    *port = hostport.substr(end + 2);
    return Status::OK();
  }
  size_t colon = hostport.rfind(':');
  if (colon == std::string::npos) return err("missing port in address");
  if (hostport.find(':') != colon) return err("too many colons in address");
  *host = hostport.substr(0, colon);
  *port = hostport.substr(colon + 1);
  return Status::OK();
}

}  // namespace cairn::blackbox
