// The web configuration file of `--web.config.file`, in the format of
// Prometheus' exporter-toolkit (web/tls_config.go): TLS for the listener,
// basic-auth users with bcrypt hashes and a fixed set of response headers.
// Shared by the server and the exporters, so it lives in a part of its own.
//
// ParseWebConfig is pure (no file is opened; the fuzz target runs it); files
// the config names are read by BuildTlsContext (tls_context.h). Parsing is
// strict as upstream's yaml.UnmarshalStrict: an unknown key is an error.
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace cairn::webconfig {

// Go's tls.ClientAuthType, by the names the toolkit accepts.
enum class ClientAuth {
  kNoClientCert,
  kRequestClientCert,           // asked for, not verified, not required
  kRequireAnyClientCert,        // required, not verified
  kVerifyClientCertIfGiven,     // verified when sent
  kRequireAndVerifyClientCert,  // required and verified
};

// TLS protocol versions as on the wire (0x0301 = TLS 1.0 ... 0x0304 = TLS 1.3).
constexpr uint16_t kTls10 = 0x0301, kTls11 = 0x0302, kTls12 = 0x0303, kTls13 = 0x0304;

struct TlsServerConfig {
  // Inline PEM (`cert`, `key`, `client_ca`) or files (`*_file`, relative to
  // the config file's directory); a file wins over inline text.
  std::string cert, key, client_ca;
  std::string cert_file, key_file, client_ca_file;
  std::string client_auth_type;  // as written; "" = NoClientCert
  ClientAuth client_auth = ClientAuth::kNoClientCert;
  std::vector<std::string> cipher_suites;      // IANA names (Go's tls.CipherSuites names)
  std::vector<std::string> curve_preferences;  // CurveP256, CurveP384, CurveP521, X25519
  uint16_t min_version = kTls12;
  uint16_t max_version = kTls13;
  bool prefer_server_cipher_suites = true;

  // Upstream's IsEnabled: any certificate, key, CA or client-auth field set.
  bool enabled() const;
};

struct WebConfig {
  TlsServerConfig tls;
  bool http2 = true;  // accepted; Cairn serves HTTP/1.1 only
  // http_server_config.headers, checked against the toolkit's allowed set.
  std::map<std::string, std::string> headers;
  // basic_auth_users: user -> bcrypt hash ($2a$, $2b$ or $2y$).
  std::map<std::string, std::string> users;
};

// Parses the file's text; relative paths are joined to `dir` (the file's
// directory). InvalidArgument with "line N: ..." for a bad file.
Result<WebConfig> ParseWebConfig(std::string_view yaml, std::string_view dir);
// Reads and parses `path`.
Result<WebConfig> LoadWebConfig(const std::string& path);

// The bcrypt cost of a well-formed hash, else InvalidArgument saying why
// (as golang.org/x/crypto/bcrypt's Cost does).
Result<int> BcryptCost(std::string_view hash);

}  // namespace cairn::webconfig
