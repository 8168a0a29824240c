#include "scrape/http/client.h"

#include <openssl/evp.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#ifndef CAIRN_VERSION
#define CAIRN_VERSION "0.0.0"
#endif

namespace cairn::scrape::http {
namespace {

namespace ssl = boost::asio::ssl;

// Go's os.ReadFile error: "open <path>: no such file or directory".
Result<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::string err = std::strerror(errno);
    if (!err.empty()) err[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(err[0])));
    return Status::IOError("unable to read file " + path + ": open " + path + ": " + err);
  }
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string TrimSpace(std::string s) {
  auto not_space = [](unsigned char c) { return !std::isspace(c); };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  return s;
}

// A secret given inline or in a file (upstream's toSecret + Fetch).
Result<std::string> ReadSecret(const std::string& inline_value, const std::string& file) {
  if (!inline_value.empty() || file.empty()) return inline_value;
  auto text = ReadWholeFile(file);
  if (!text.ok()) return text.status();
  return TrimSpace(std::move(*text));
}

std::string Base64(std::string_view in) {
  std::string out(4 * ((in.size() + 2) / 3), '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(in.data()), static_cast<int>(in.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::string PercentDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out.push_back(static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

// Go's isDomainOrSubdomain: credentials follow a redirect only to the same
// host or one of its subdomains.
bool IsDomainOrSubdomain(const std::string& sub, const std::string& parent) {
  if (parent.empty()) return false;
  if (sub == parent) return true;
  if (sub.find_first_of(":%") != std::string::npos) return false;
  if (sub.size() <= parent.size() || sub.compare(sub.size() - parent.size(), parent.size(), parent) != 0) return false;
  return sub[sub.size() - parent.size() - 1] == '.';
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

int OpenSslVersion(TlsVersion v) {
  switch (v) {
    case TlsVersion::kTls10: return TLS1_VERSION;
    case TlsVersion::kTls11: return TLS1_1_VERSION;
    case TlsVersion::kTls12: return TLS1_2_VERSION;
    case TlsVersion::kTls13: return TLS1_3_VERSION;
    case TlsVersion::kUnset: break;
  }
  return 0;
}

// Upstream's NewTLSConfig, on an OpenSSL context.
Result<std::unique_ptr<ssl::context>> NewTlsContext(const TlsConfig& cfg) {
  if (cfg.min_version != TlsVersion::kUnset && cfg.max_version != TlsVersion::kUnset &&
      cfg.max_version < cfg.min_version) {
    return Status::InvalidArgument(
        "tls_config.max_version must be greater than or equal to tls_config.min_version if both are specified");
  }
  auto ctx = std::make_unique<ssl::context>(ssl::context::tls_client);
  SSL_CTX* native = ctx->native_handle();
  // Go's client refuses anything below TLS 1.2 unless asked.
  SSL_CTX_set_min_proto_version(native, cfg.min_version == TlsVersion::kUnset ? TLS1_2_VERSION
                                                                               : OpenSslVersion(cfg.min_version));
  if (cfg.max_version != TlsVersion::kUnset) SSL_CTX_set_max_proto_version(native, OpenSslVersion(cfg.max_version));

  boost::system::error_code ec;
  if (!cfg.ca.empty() || !cfg.ca_file.empty()) {
    auto ca = ReadSecret(cfg.ca, cfg.ca_file);
    if (!ca.ok()) return Status::IOError("unable to read CA cert: " + ca.status().message());
    // Only the given CA is trusted, as Go replaces RootCAs with it.
    ctx->add_certificate_authority(boost::asio::buffer(*ca), ec);
    if (ec) {
      return Status::InvalidArgument("unable to use specified CA cert " +
                                     (cfg.ca_file.empty() ? std::string("inline") : "file " + cfg.ca_file));
    }
  } else {
    ctx->set_default_verify_paths(ec);
    if (ec) return Status::IOError("unable to load the system CA certificates: " + ec.message());
  }

  if (!cfg.cert.empty() || !cfg.cert_file.empty()) {
    auto cert = ReadSecret(cfg.cert, cfg.cert_file);
    if (!cert.ok()) return Status::IOError("unable to read specified client cert: " + cert.status().message());
    auto key = ReadSecret(cfg.key, cfg.key_file);
    if (!key.ok()) return Status::IOError("unable to read specified client key: " + key.status().message());
    std::string what = "unable to use specified client cert (" +
                       (cfg.cert_file.empty() ? std::string("inline") : "file " + cfg.cert_file) + ") & key (" +
                       (cfg.key_file.empty() ? std::string("inline") : "file " + cfg.key_file) + "): ";
    ctx->use_certificate_chain(boost::asio::buffer(*cert), ec);
    if (ec) return Status::InvalidArgument(what + ec.message());
    ctx->use_private_key(boost::asio::buffer(*key), ssl::context::pem, ec);
    if (ec) return Status::InvalidArgument(what + ec.message());
    if (SSL_CTX_check_private_key(native) != 1) {
      return Status::InvalidArgument(what + "private key does not match public key");
    }
  }
  return ctx;
}

}  // namespace

std::string ClientOptions::DefaultUserAgent() { return "Cairn/" CAIRN_VERSION; }

Client::Client(HttpClientConfig config, ClientOptions options, std::unique_ptr<ssl::context> tls)
    : config_(std::move(config)), options_(std::move(options)), tls_(std::move(tls)) {}

Result<std::shared_ptr<const Client>> Client::Create(const HttpClientConfig& config, ClientOptions options) {
  auto tls = NewTlsContext(config.tls_config);
  if (!tls.ok()) return tls.status();
  return std::shared_ptr<const Client>(new Client(config, std::move(options), std::move(*tls)));
}

Result<std::string> Client::AuthorizationHeader(const Url& url, const std::string& first_host) const {
  if (!IsDomainOrSubdomain(Lower(url.host), Lower(first_host))) return std::string();
  if (config_.authorization) {
    const Authorization& a = *config_.authorization;
    auto credentials = ReadSecret(a.credentials, a.credentials_file);
    if (!credentials.ok()) {
      return Status::IOError("unable to read authorization credentials: " + credentials.status().message());
    }
    return a.type + " " + *credentials;
  }
  if (config_.basic_auth) {
    const BasicAuth& b = *config_.basic_auth;
    auto user = ReadSecret(b.username, b.username_file);
    if (!user.ok()) return Status::IOError("unable to read basic auth username: " + user.status().message());
    auto password = ReadSecret(b.password, b.password_file);
    if (!password.ok()) return Status::IOError("unable to read basic auth password: " + password.status().message());
    return "Basic " + Base64(*user + ":" + *password);
  }
  if (!url.userinfo.empty()) {
    // net/http sends a URL's user:password as basic auth.
    size_t colon = url.userinfo.find(':');
    std::string user = PercentDecode(std::string_view(url.userinfo).substr(0, colon));
    std::string password =
        colon == std::string::npos ? "" : PercentDecode(std::string_view(url.userinfo).substr(colon + 1));
    return "Basic " + Base64(user + ":" + password);
  }
  return std::string();
}

}  // namespace cairn::scrape::http
