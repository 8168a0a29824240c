// Sockets for the probers: upstream's chooseProtocol (resolution with a
// preferred IP family and the probe_ip_* metrics), and a TCP connection with
// optional TLS (OpenSSL) whose every operation honours the probe deadline.
// Thread-safety: a Connection belongs to one probe.
#pragma once

#include <netinet/in.h>
#include <openssl/ssl.h>
#include <sys/socket.h>

#include <cstdint>
#include <memory>
#include <string>

#include "exporters/blackbox/prober.h"
#include "util/status.h"

namespace cairn::blackbox {

struct IpAddr {
  sockaddr_storage addr{};
  socklen_t len = 0;
  bool v6() const { return addr.ss_family == AF_INET6; }
  std::string String() const;             // "127.0.0.1", "::1"
  std::string JoinPort(uint16_t port) const;  // "127.0.0.1:80", "[::1]:80"
  void SetPort(uint16_t port);
};

// Resolves `host` as upstream's chooseProtocol: registers probe_ip_protocol,
// probe_ip_addr_hash and probe_dns_lookup_time_seconds, prefers
// `preferred` ("ip4"; "ip6" or "" = ip6) and falls back to the other family
// when `fallback`. `lookup_seconds` is the resolution time.
Result<IpAddr> ChooseProtocol(ProbeContext& ctx, const std::string& preferred, bool fallback, const std::string& host,
                              double* lookup_seconds);

// A literal IPv4 or IPv6 address (a module's source_ip_address).
Result<IpAddr> ParseIp(const std::string& text);

// FNV-32a over the 4 or 16 address bytes (probe_ip_addr_hash).
double IpHash(const IpAddr& ip);

// What a TLS handshake showed, for the probe_ssl_* and probe_tls_* metrics.
struct TlsState {
  std::string version;       // "TLS 1.2", "TLS 1.3"
  double earliest_expiry = 0;   // unix seconds: the earliest NotAfter of the peer's certificates
  double last_chain_expiry = 0;  // the verified chain's earliest NotAfter; Go's zero time when unverified
  std::string fingerprint_sha256;  // of the leaf, hex
  std::string subject, issuer;     // the leaf's, in Go's pkix.Name String() form
  std::string dns_names;           // the leaf's SANs, comma-joined
};

// Registers and sets probe_ssl_earliest_cert_expiry, probe_tls_version_info,
// probe_ssl_last_chain_expiry_timestamp_seconds and probe_ssl_last_chain_info.
void RegisterTlsMetrics(ProbeContext& ctx, const TlsState& state);

class Connection {
 public:
  Connection() = default;
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Connects (non-blocking, bounded by ctx's deadline); `source_ip` binds
  // the local end when not empty.
  Status Connect(const IpAddr& to, const std::string& source_ip, ProbeContext& ctx);
  // TLS client handshake over the connected socket. `server_name` is sent as
  // SNI and checked against the certificate unless insecure_skip_verify.
  Status StartTls(const TlsConfig& cfg, const std::string& server_name, ProbeContext& ctx);
  bool tls() const { return ssl_ != nullptr; }
  TlsState tls_state() const;

  Status WriteAll(std::string_view data, ProbeContext& ctx);
  // Reads what is available (up to `max`); 0 bytes = the peer closed.
  Result<size_t> Read(char* buf, size_t max, ProbeContext& ctx);

 private:
  Status Wait(bool for_write, ProbeContext& ctx);
  int fd_ = -1;
  SSL_CTX* ssl_ctx_ = nullptr;
  SSL* ssl_ = nullptr;
};

// Go's net.SplitHostPort: "host:port", "[v6]:port". Error text as Go's.
Status SplitHostPort(const std::string& hostport, std::string* host, std::string* port);

}  // namespace cairn::blackbox
