// HttpClientConfig: how a scrape pool talks HTTP to its targets — the subset
// of Prometheus' `HTTPClientConfig` (prometheus/common config/http_config.go)
// that Cairn implements: basic_auth, authorization (and the legacy
// bearer_token / bearer_token_file, folded into it as upstream does),
// tls_config, follow_redirects and enable_http2 (accepted; Cairn speaks
// HTTP/1.1 only).
//
// Options upstream has and Cairn does not implement (oauth2, http_headers,
// proxy_url, proxy_from_environment, no_proxy, proxy_connect_header and the
// secret-manager *_ref fields) are recognised and fail the parse with an
// Unsupported status naming the option: a target that needs a proxy or OAuth
// must not be scraped without it.
//
// Thread-safety: plain values.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "util/status.h"

namespace YAML {
class Node;
}

namespace cairn::scrape::http {

struct BasicAuth {
  std::string username;
  std::string username_file;  // read at every request, surrounding whitespace trimmed
  std::string password;
  std::string password_file;  // read at every request, surrounding whitespace trimmed
};

// Sent as "Authorization: <type> <credentials>".
struct Authorization {
  std::string type = "Bearer";  // never "basic" (use BasicAuth)
  std::string credentials;
  std::string credentials_file;  // read at every request, surrounding whitespace trimmed
};

enum class TlsVersion { kUnset, kTls10, kTls11, kTls12, kTls13 };

struct TlsConfig {
  // PEM text, or a file holding it; at most one of each pair. Files are
  // read when the Client is created.
  std::string ca;
  std::string ca_file;
  std::string cert;
  std::string cert_file;
  std::string key;
  std::string key_file;
  // Name checked against the server certificate and sent as SNI; empty means
  // the host of the URL.
  std::string server_name;
  bool insecure_skip_verify = false;
  // kUnset min_version means TLS 1.2, Go's client default.
  TlsVersion min_version = TlsVersion::kUnset;
  TlsVersion max_version = TlsVersion::kUnset;
};

struct HttpClientConfig {
  std::optional<BasicAuth> basic_auth;
  // Also holds a legacy bearer_token / bearer_token_file (type "Bearer").
  std::optional<Authorization> authorization;
  TlsConfig tls_config;
  // Follow up to 10 redirects; when false a 3xx answer fails the scrape with
  // its status, as upstream's client returns the redirect response itself.
  bool follow_redirects = true;
  // Accepted for compatibility; Cairn's client speaks HTTP/1.1 only.
  bool enable_http2 = true;
};

// True for every key ParseHttpClientConfig reads (including the recognised
// but unsupported ones). Upstream inlines HTTPClientConfig into scrape_config,
// so the scrape-config parser checks its own unknown keys with this.
bool IsHttpClientConfigKey(std::string_view key);

// Reads the HTTP client keys of `map` (a scrape_config, or any map that
// inlines HTTPClientConfig) into `out`, starting from the defaults, and
// validates them with upstream's rules and messages, e.g. "at most one of
// basic_auth, oauth2, bearer_token & bearer_token_file must be configured".
// Keys that are not HTTP client keys are ignored (the caller owns them);
// unknown keys inside basic_auth, authorization and tls_config are errors.
// Relative *_file paths are joined to `base_dir` (the config file's
// directory) unless it is empty. Errors: InvalidArgument (bad value or
// combination), Unsupported (an option Cairn does not implement).
Status ParseHttpClientConfig(const YAML::Node& map, std::string_view base_dir, HttpClientConfig* out);

// Joins the relative *_file paths of `config` (credentials, CA, certificate,
// key) to `dir`, as Prometheus' SetDirectory does; absolute ones and "" stay.
void SetDirectory(HttpClientConfig* config, std::string_view dir);

// Upstream's spelling ("TLS12"), or "" for kUnset.
std::string_view TlsVersionName(TlsVersion v);

}  // namespace cairn::scrape::http
