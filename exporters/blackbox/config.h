// blackbox.yml: the module schema of prometheus/blackbox_exporter 0.23
// (config/config.go and prometheus/common v0.37's HTTP client and TLS
// configuration), parsed strictly as upstream's yaml.v3 KnownFields decoder:
// an unknown field, a wrong type or an invalid value refuses the whole file
// with upstream's message. Defaults are filled in as upstream's UnmarshalYAML
// does, so a prober never has to know which fields were written.
// Thread-safety: a parsed Config is immutable and shared between probes.
#pragma once

#include <re2/re2.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace cairn::blackbox {

// A compiled regular expression with the text it came from (Go's regexp is
// RE2 syntax, so RE2 matches as upstream does).
struct Regexp {
  std::string text;
  std::shared_ptr<const re2::RE2> re;
};

// prometheus/common TLSConfig.
struct TlsConfig {
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
  std::string server_name;
  bool insecure_skip_verify = false;
  std::string min_version;  // "TLS10".."TLS13", empty = library default
};

struct BasicAuth {
  std::string username;
  std::string password;
  std::string password_file;
};

// prometheus/common HTTPClientConfig, inlined into the http prober.
struct HttpClientConfig {
  std::optional<BasicAuth> basic_auth;
  // authorization, or bearer_token(_file) folded into it as common does.
  std::string authorization_type;  // "Bearer" when credentials are set
  std::string authorization_credentials;
  std::string authorization_credentials_file;
  std::string proxy_url;
  TlsConfig tls_config;
  bool follow_redirects = true;
  bool enable_http2 = true;
};

struct HeaderMatch {
  std::string header;
  Regexp regexp;
  bool allow_missing = false;
};

struct HttpProbe {
  std::vector<int> valid_status_codes;         // empty = 2xx
  std::vector<std::string> valid_http_versions;  // e.g. "HTTP/1.1"; empty = any
  std::string preferred_ip_protocol;             // "ip4", "ip6" or "" (= ip6)
  bool ip_protocol_fallback = true;
  bool skip_resolve_phase_with_proxy = false;
  bool fail_if_ssl = false;
  bool fail_if_not_ssl = false;
  std::string method;  // "" = GET
  std::vector<std::pair<std::string, std::string>> headers;
  std::vector<Regexp> fail_if_body_matches_regexp;
  std::vector<Regexp> fail_if_body_not_matches_regexp;
  std::vector<HeaderMatch> fail_if_header_matches;
  std::vector<HeaderMatch> fail_if_header_not_matches;
  std::string body;
  std::string compression;
  int64_t body_size_limit = 0;  // bytes; 0 = unlimited
  HttpClientConfig client;
};

struct QueryResponse {
  std::optional<Regexp> expect;
  std::string send;
  bool starttls = false;
};

struct TcpProbe {
  std::string preferred_ip_protocol;
  bool ip_protocol_fallback = true;
  std::string source_ip_address;
  std::vector<QueryResponse> query_response;
  bool tls = false;
  TlsConfig tls_config;
};

struct IcmpProbe {
  std::string preferred_ip_protocol;
  bool ip_protocol_fallback = true;
  std::string source_ip_address;
  int payload_size = 0;
  bool dont_fragment = false;
  int ttl = 64;
};

struct DnsRrValidator {
  std::vector<Regexp> fail_if_matches_regexp;
  std::vector<Regexp> fail_if_all_match_regexp;
  std::vector<Regexp> fail_if_not_matches_regexp;
  std::vector<Regexp> fail_if_none_matches_regexp;
};

struct DnsProbe {
  std::string preferred_ip_protocol;
  bool ip_protocol_fallback = true;
  bool dns_over_tls = false;
  TlsConfig tls_config;
  std::string source_ip_address;
  std::string transport_protocol;  // "" = udp
  std::string query_class;         // "" = IN
  std::string query_name;
  std::string query_type;  // "" = ANY
  bool recursion_desired = true;
  std::vector<std::string> valid_rcodes;  // empty = NOERROR
  DnsRrValidator validate_answer_rrs;
  DnsRrValidator validate_authority_rrs;
  DnsRrValidator validate_additional_rrs;
};

// The grpc prober's fields are accepted (the seed's Debian blackbox.yml has
// them) but Cairn does not run gRPC probes; see ProbeModule.
struct GrpcProbe {
  std::string service;
  bool tls = false;
  TlsConfig tls_config;
  bool ip_protocol_fallback = true;
  std::string preferred_ip_protocol;
};

struct Module {
  std::string prober;  // not checked at load time, as upstream: an unknown one fails the probe
  int64_t timeout_ns = 0;  // 0 = only the scrape timeout
  HttpProbe http;
  TcpProbe tcp;
  IcmpProbe icmp;
  DnsProbe dns;
  GrpcProbe grpc;
  std::string yaml;  // the module as written, for /probe?debug=true and /config
};

struct Config {
  std::map<std::string, Module> modules;
};

// Parses blackbox.yml text. Errors carry upstream's text after its
// "error parsing config file: " prefix, e.g.
// "yaml: unmarshal errors:\n  line 5: field methd not found in type config.plain".
Result<Config> ParseConfig(std::string_view yaml_text);

// Reads and parses a file; messages are upstream's full ReloadConfig errors:
// "error reading config file: ..." or "error parsing config file: ...".
Result<Config> LoadConfigFile(const std::string& path);

// Go's time.ParseDuration ("1.5s", "300ms", "1h2m"), in nanoseconds.
Result<int64_t> ParseGoDuration(std::string_view text);

// DNS names of query types and classes as miekg/dns spells them; 0 if unknown.
uint16_t DnsTypeFromString(std::string_view name);
uint16_t DnsClassFromString(std::string_view name);
// The rcode number for a name ("NOERROR", "NXDOMAIN"...), -1 if unknown.
int DnsRcodeFromString(std::string_view name);

}  // namespace cairn::blackbox
