#include "exporters/blackbox/config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <functional>
#include <limits>
#include <sstream>

namespace cairn::blackbox {
namespace {

// One refusal; thrown inside the decoder and turned into a Status at the top
// (yaml-cpp throws too, so the decoder is exception-based end to end).
struct ConfigError {
  std::string message;
};

int Line(const YAML::Node& n) { return n.Mark().line + 1; }

// yaml.v3's resolved tag of a scalar, for "cannot unmarshal !!str `x` into int".
std::string ResolvedTag(const YAML::Node& n) {
  if (n.IsSequence()) return "!!seq";
  if (n.IsMap()) return "!!map";
  if (n.IsNull()) return "!!null";
  if (n.Tag() == "!") return "!!str";  // quoted
  const std::string& s = n.Scalar();
  if (s == "true" || s == "false" || s == "True" || s == "False" || s == "TRUE" || s == "FALSE") return "!!bool";
  char* end = nullptr;
  if (!s.empty()) {
    std::strtoll(s.c_str(), &end, 0);
    if (*end == '\0') return "!!int";
    std::strtod(s.c_str(), &end);
    if (*end == '\0') return "!!float";
  }
  return "!!str";
}

[[noreturn]] void Unmarshal(const YAML::Node& n, const std::string& text) {
  throw ConfigError{"yaml: unmarshal errors:\n  line " + std::to_string(Line(n)) + ": " + text};
}

[[noreturn]] void CannotUnmarshal(const YAML::Node& n, const std::string& into) {
  std::string what = ResolvedTag(n);
  if (n.IsScalar()) what += " `" + n.Scalar() + "`";
  Unmarshal(n, "cannot unmarshal " + what + " into " + into);
}

std::string Str(const YAML::Node& n) {
  if (n.IsNull()) return "";
  if (!n.IsScalar()) CannotUnmarshal(n, "string");
  return n.Scalar();
}

bool Bool(const YAML::Node& n) {
  if (n.IsNull()) return false;
  if (n.IsScalar() && n.Tag() != "!") {
    std::string s = n.Scalar();
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    if (s == "true" || s == "yes" || s == "on") return true;
    if (s == "false" || s == "no" || s == "off") return false;
  }
  CannotUnmarshal(n, "bool");
}

int64_t Int(const YAML::Node& n) {
  if (n.IsNull()) return 0;
  if (n.IsScalar() && n.Tag() != "!") {
    const std::string& s = n.Scalar();
    char* end = nullptr;
    errno = 0;
    long long v = std::strtoll(s.c_str(), &end, 0);
    if (!s.empty() && *end == '\0' && errno == 0 && v >= std::numeric_limits<int>::min() &&
        v <= std::numeric_limits<int>::max())
      return v;
  }
  CannotUnmarshal(n, "int");
}

Regexp Compile(const std::string& text) {
  re2::RE2::Options opts;
  opts.set_log_errors(false);
  auto re = std::make_shared<re2::RE2>(text, opts);
  if (!re->ok()) throw ConfigError{"\"Could not compile regular expression\" regexp=\"" + text + "\""};
  return Regexp{text, std::move(re)};
}

Regexp Re(const YAML::Node& n) { return Compile(Str(n)); }

template <typename T, typename F>
std::vector<T> List(const YAML::Node& n, const std::string& go_type, F each) {
  std::vector<T> out;
  if (n.IsNull()) return out;
  if (!n.IsSequence()) CannotUnmarshal(n, go_type);
  for (const auto& item : n) out.push_back(each(item));
  return out;
}

std::vector<std::string> Strings(const YAML::Node& n) { return List<std::string>(n, "[]string", Str); }
std::vector<Regexp> Regexps(const YAML::Node& n) { return List<Regexp>(n, "[]config.Regexp", Re); }

// A regexp upstream keeps as a string and compiles per probe: an invalid one
// loads and fails the probe (Regexp::re->ok() is false), as there.
std::vector<Regexp> LateRegexps(const YAML::Node& n) {
  return List<Regexp>(n, "[]string", [](const YAML::Node& item) {
    re2::RE2::Options opts;
    opts.set_log_errors(false);
    std::string text = Str(item);
    return Regexp{text, std::make_shared<re2::RE2>(text, opts)};
  });
}

// Walks a mapping, handing each key to `field`; a key it does not know is
// refused as yaml.v3's KnownFields does. `go_type` names the struct in that
// message ("config.plain" for the types upstream decodes through `type plain`).
void Fields(const YAML::Node& n, const std::string& go_type,
            const std::function<bool(const std::string&, const YAML::Node&)>& field) {
  if (n.IsNull()) return;
  if (!n.IsMap()) CannotUnmarshal(n, go_type);
  for (const auto& kv : n) {
    std::string key = kv.first.Scalar();
    if (!field(key, kv.second)) Unmarshal(kv.first, "field " + key + " not found in type " + go_type);
  }
}

// Go's textproto.CanonicalMIMEHeaderKey for ASCII names.
std::string CanonicalHeader(std::string key) {
  bool upper = true;
  for (char& c : key) {
    c = upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c)))
              : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    upper = c == '-';
  }
  return key;
}

TlsConfig ParseTls(const YAML::Node& n) {
  TlsConfig t;
  Fields(n, "config.plain", [&](const std::string& k, const YAML::Node& v) {
    if (k == "ca_file") t.ca_file = Str(v);
    else if (k == "cert_file") t.cert_file = Str(v);
    else if (k == "key_file") t.key_file = Str(v);
    else if (k == "server_name") t.server_name = Str(v);
    else if (k == "insecure_skip_verify") t.insecure_skip_verify = Bool(v);
    else if (k == "min_version") {
      t.min_version = Str(v);
      static const char* kKnown[] = {"TLS10", "TLS11", "TLS12", "TLS13"};
      if (std::find(std::begin(kKnown), std::end(kKnown), t.min_version) == std::end(kKnown))
        throw ConfigError{"unknown TLS version: " + t.min_version};
    } else return false;
    return true;
  });
  if (t.cert_file.empty() != t.key_file.empty()) {
    throw ConfigError{t.cert_file.empty() ? "client key file \"" + t.key_file + "\" specified without client cert file"
                                          : "client cert file \"" + t.cert_file + "\" specified without client key file"};
  }
  return t;
}

// The fields prometheus/common's HTTPClientConfig inlines into the http
// prober; returns false for a key that is not one of them.
bool HttpClientField(HttpClientConfig& c, std::string& bearer_token, std::string& bearer_token_file,
                     bool& has_authorization, bool& has_oauth2, const std::string& k, const YAML::Node& v) {
  if (k == "basic_auth") {
    BasicAuth b;
    Fields(v, "config.BasicAuth", [&](const std::string& bk, const YAML::Node& bv) {
      if (bk == "username") b.username = Str(bv);
      else if (bk == "password") b.password = Str(bv);
      else if (bk == "password_file") b.password_file = Str(bv);
      else return false;
      return true;
    });
    c.basic_auth = b;
  } else if (k == "authorization") {
    has_authorization = true;
    Fields(v, "config.Authorization", [&](const std::string& ak, const YAML::Node& av) {
      if (ak == "type") c.authorization_type = Str(av);
      else if (ak == "credentials") c.authorization_credentials = Str(av);
      else if (ak == "credentials_file") c.authorization_credentials_file = Str(av);
      else return false;
      return true;
    });
  } else if (k == "oauth2") {
    has_oauth2 = true;  // accepted by the schema; refused below (no OAuth2 client here)
  } else if (k == "bearer_token") bearer_token = Str(v);
  else if (k == "bearer_token_file") bearer_token_file = Str(v);
  else if (k == "proxy_url") c.proxy_url = Str(v);
  else if (k == "tls_config") c.tls_config = ParseTls(v);
  else if (k == "follow_redirects") c.follow_redirects = Bool(v);
  else if (k == "enable_http2") c.enable_http2 = Bool(v);
  else return false;
  return true;
}

// prometheus/common's HTTPClientConfig.Validate, in its order.
void ValidateHttpClient(HttpClientConfig& c, const std::string& bearer_token, const std::string& bearer_token_file,
                        bool has_authorization, bool has_oauth2) {
  if (!bearer_token.empty() && !bearer_token_file.empty())
    throw ConfigError{"at most one of bearer_token & bearer_token_file must be configured"};
  if ((c.basic_auth || has_oauth2) && (!bearer_token.empty() || !bearer_token_file.empty()))
    throw ConfigError{"at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured"};
  if (c.basic_auth && !c.basic_auth->password.empty() && !c.basic_auth->password_file.empty())
    throw ConfigError{"at most one of basic_auth password & password_file must be configured"};
  if (has_authorization) {
    if (!bearer_token.empty() || !bearer_token_file.empty())
      throw ConfigError{"authorization is not compatible with bearer_token & bearer_token_file"};
    if (!c.authorization_credentials.empty() && !c.authorization_credentials_file.empty())
      throw ConfigError{"at most one of authorization credentials & credentials_file must be configured"};
    if (c.authorization_type.empty()) c.authorization_type = "Bearer";
    std::string lower = c.authorization_type;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char ch) { return std::tolower(ch); });
    if (lower == "basic") throw ConfigError{"authorization type cannot be set to \"basic\", use \"basic_auth\" instead"};
    if (c.basic_auth || has_oauth2) throw ConfigError{"at most one of basic_auth, oauth2 & authorization must be configured"};
  } else if (!bearer_token.empty() || !bearer_token_file.empty()) {
    c.authorization_type = "Bearer";
    c.authorization_credentials = bearer_token;
    c.authorization_credentials_file = bearer_token_file;
  }
  if (has_oauth2) {
    if (c.basic_auth) throw ConfigError{"at most one of basic_auth, oauth2 & authorization must be configured"};
    throw ConfigError{"oauth2 is not supported by cairn-blackbox-exporter"};
  }
}

HeaderMatch ParseHeaderMatch(const YAML::Node& n) {
  HeaderMatch m;
  Fields(n, "config.plain", [&](const std::string& k, const YAML::Node& v) {
    if (k == "header") m.header = Str(v);
    else if (k == "regexp") m.regexp = Re(v);
    else if (k == "allow_missing") m.allow_missing = Bool(v);
    else return false;
    return true;
  });
  if (m.header.empty()) throw ConfigError{"header name must be set for HTTP header matchers"};
  if (!m.regexp.re || m.regexp.text.empty()) throw ConfigError{"regexp must be set for HTTP header matchers"};
  return m;
}

// units.Base2Bytes: "1KB", "10MiB" style sizes, powers of 1024.
int64_t ParseBytes(const YAML::Node& n) {
  std::string s = Str(n);
  size_t i = 0;
  while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '-')) ++i;
  if (i == 0) CannotUnmarshal(n, "units.Base2Bytes");
  int64_t v = std::stoll(s.substr(0, i));
  std::string unit = s.substr(i);
  static const std::pair<const char*, int> kUnits[] = {{"", 0},   {"B", 0},   {"KB", 1},  {"KiB", 1}, {"MB", 2},
                                                       {"MiB", 2}, {"GB", 3}, {"GiB", 3}, {"TB", 4},  {"TiB", 4}};
  for (const auto& [name, power] : kUnits) {
    if (unit == name) {
      for (int p = 0; p < power; ++p) v *= 1024;
      return v;
    }
  }
  CannotUnmarshal(n, "units.Base2Bytes");
}

bool AcceptEncodingCovers(const std::string& compression, const std::string& accept);

HttpProbe ParseHttp(const YAML::Node& n) {
  HttpProbe h;
  std::string bearer_token, bearer_token_file;
  bool has_authorization = false, has_oauth2 = false;
  std::optional<bool> no_follow_redirects;
  Fields(n, "config.plain", [&](const std::string& k, const YAML::Node& v) {
    if (k == "valid_status_codes") h.valid_status_codes = List<int>(v, "[]int", [](const YAML::Node& x) { return int(Int(x)); });
    else if (k == "valid_http_versions") h.valid_http_versions = Strings(v);
    else if (k == "preferred_ip_protocol") h.preferred_ip_protocol = Str(v);
    else if (k == "ip_protocol_fallback") h.ip_protocol_fallback = Bool(v);
    else if (k == "skip_resolve_phase_with_proxy") h.skip_resolve_phase_with_proxy = Bool(v);
    else if (k == "no_follow_redirects") no_follow_redirects = Bool(v);
    else if (k == "fail_if_ssl") h.fail_if_ssl = Bool(v);
    else if (k == "fail_if_not_ssl") h.fail_if_not_ssl = Bool(v);
    else if (k == "method") h.method = Str(v);
    else if (k == "headers") {
      if (!v.IsNull() && !v.IsMap()) CannotUnmarshal(v, "map[string]string");
      if (v.IsMap())
        for (const auto& kv : v) h.headers.emplace_back(kv.first.Scalar(), Str(kv.second));
    } else if (k == "fail_if_body_matches_regexp") h.fail_if_body_matches_regexp = Regexps(v);
    else if (k == "fail_if_body_not_matches_regexp") h.fail_if_body_not_matches_regexp = Regexps(v);
    else if (k == "fail_if_header_matches") h.fail_if_header_matches = List<HeaderMatch>(v, "[]config.HeaderMatch", ParseHeaderMatch);
    else if (k == "fail_if_header_not_matches")
      h.fail_if_header_not_matches = List<HeaderMatch>(v, "[]config.HeaderMatch", ParseHeaderMatch);
    else if (k == "body") h.body = Str(v);
    else if (k == "compression") h.compression = Str(v);
    else if (k == "body_size_limit") h.body_size_limit = ParseBytes(v);
    else return HttpClientField(h.client, bearer_token, bearer_token_file, has_authorization, has_oauth2, k, v);
    return true;
  });
  if (h.body_size_limit < 0) h.body_size_limit = std::numeric_limits<int64_t>::max() - 1;
  ValidateHttpClient(h.client, bearer_token, bearer_token_file, has_authorization, has_oauth2);
  if (no_follow_redirects) h.client.follow_redirects = !*no_follow_redirects;
  for (const auto& [key, value] : h.headers) {
    if (CanonicalHeader(key) == "Accept-Encoding" && !AcceptEncodingCovers(h.compression, value))
      throw ConfigError{"invalid configuration \"" + key + ": " + value + "\", \"compression: " + h.compression + "\""};
  }
  return h;
}

// Upstream's isCompressionAcceptEncodingValid: a configured compression must
// be among the Accept-Encoding values with a non-zero quality.
bool AcceptEncodingCovers(const std::string& compression, const std::string& accept) {
  if (compression.empty() || accept.empty()) return true;
  auto trim = [](std::string s) {
    size_t b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
    return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
  };
  std::stringstream parts(accept);
  std::string part;
  while (std::getline(parts, part, ',')) {
    std::string encoding = part;
    double quality = 1.0;
    if (size_t semi = part.rfind(';'); semi != std::string::npos) {
      encoding = part.substr(0, semi);
      std::string q = trim(part.substr(semi + 1));
      if (q.rfind("q=", 0) == 0) q = q.substr(2);
      char* end = nullptr;
      quality = std::strtod(q.c_str(), &end);
      if (end == q.c_str() || *end != '\0') quality = 0;
    }
    encoding = trim(encoding);
    if ((encoding == compression || encoding == "*") && quality > 0) return true;
  }
  return false;
}

TcpProbe ParseTcp(const YAML::Node& n) {
  TcpProbe t;
  Fields(n, "config.plain", [&](const std::string& k, const YAML::Node& v) {
    if (k == "preferred_ip_protocol") t.preferred_ip_protocol = Str(v);
    else if (k == "ip_protocol_fallback") t.ip_protocol_fallback = Bool(v);
    else if (k == "source_ip_address") t.source_ip_address = Str(v);
    else if (k == "tls") t.tls = Bool(v);
    else if (k == "tls_config") t.tls_config = ParseTls(v);
    else if (k == "query_response") {
      t.query_response = List<QueryResponse>(v, "[]config.QueryResponse", [](const YAML::Node& item) {
        QueryResponse q;
        Fields(item, "config.plain", [&](const std::string& qk, const YAML::Node& qv) {
          if (qk == "expect") q.expect = Re(qv);
          else if (qk == "send") q.send = Str(qv);
          else if (qk == "starttls") q.starttls = Bool(qv);
          else return false;
          return true;
        });
        return q;
      });
    } else return false;
    return true;
  });
  return t;
}

IcmpProbe ParseIcmp(const YAML::Node& n) {
  IcmpProbe p;
  Fields(n, "config.plain", [&](const std::string& k, const YAML::Node& v) {
    if (k == "preferred_ip_protocol") p.preferred_ip_protocol = Str(v);
    else if (k == "ip_protocol_fallback") p.ip_protocol_fallback = Bool(v);
    else if (k == "source_ip_address") p.source_ip_address = Str(v);
    else if (k == "payload_size") p.payload_size = int(Int(v));
    else if (k == "dont_fragment") p.dont_fragment = Bool(v);
    else if (k == "ttl") p.ttl = int(Int(v));
    else return false;
    return true;
  });
  if (p.ttl < 0) throw ConfigError{"\"ttl\" cannot be negative"};
  if (p.ttl > 255) throw ConfigError{"\"ttl\" cannot exceed 255"};
  return p;
}

DnsRrValidator ParseRrValidator(const YAML::Node& n) {
  DnsRrValidator r;
  Fields(n, "config.plain", [&](const std::string& k, const YAML::Node& v) {
    if (k == "fail_if_matches_regexp") r.fail_if_matches_regexp = LateRegexps(v);
    else if (k == "fail_if_all_match_regexp") r.fail_if_all_match_regexp = LateRegexps(v);
    else if (k == "fail_if_not_matches_regexp") r.fail_if_not_matches_regexp = LateRegexps(v);
    else if (k == "fail_if_none_matches_regexp") r.fail_if_none_matches_regexp = LateRegexps(v);
    else return false;
    return true;
  });
  return r;
}

DnsProbe ParseDns(const YAML::Node& n) {
  DnsProbe d;
  Fields(n, "config.plain", [&](const std::string& k, const YAML::Node& v) {
    if (k == "preferred_ip_protocol") d.preferred_ip_protocol = Str(v);
    else if (k == "ip_protocol_fallback") d.ip_protocol_fallback = Bool(v);
    else if (k == "dns_over_tls") d.dns_over_tls = Bool(v);
    else if (k == "tls_config") d.tls_config = ParseTls(v);
    else if (k == "source_ip_address") d.source_ip_address = Str(v);
    else if (k == "transport_protocol") d.transport_protocol = Str(v);
    else if (k == "query_class") d.query_class = Str(v);
    else if (k == "query_name") d.query_name = Str(v);
    else if (k == "query_type") d.query_type = Str(v);
    else if (k == "recursion_desired") d.recursion_desired = Bool(v);
    else if (k == "valid_rcodes") d.valid_rcodes = Strings(v);
    else if (k == "validate_answer_rrs") d.validate_answer_rrs = ParseRrValidator(v);
    else if (k == "validate_authority_rrs") d.validate_authority_rrs = ParseRrValidator(v);
    else if (k == "validate_additional_rrs") d.validate_additional_rrs = ParseRrValidator(v);
    else return false;
    return true;
  });
  if (d.query_name.empty()) throw ConfigError{"query name must be set for DNS module"};
  if (!d.query_class.empty() && DnsClassFromString(d.query_class) == 0)
    throw ConfigError{"query class '" + d.query_class + "' is not valid"};
  if (!d.query_type.empty() && DnsTypeFromString(d.query_type) == 0)
    throw ConfigError{"query type '" + d.query_type + "' is not valid"};
  return d;
}

GrpcProbe ParseGrpc(const YAML::Node& n) {
  GrpcProbe g;
  Fields(n, "config.plain", [&](const std::string& k, const YAML::Node& v) {
    if (k == "service") g.service = Str(v);
    else if (k == "tls") g.tls = Bool(v);
    else if (k == "tls_config") g.tls_config = ParseTls(v);
    else if (k == "ip_protocol_fallback") g.ip_protocol_fallback = Bool(v);
    else if (k == "preferred_ip_protocol") g.preferred_ip_protocol = Str(v);
    else return false;
    return true;
  });
  return g;
}

Module ParseModule(const YAML::Node& n) {
  Module m;
  Fields(n, "config.plain", [&](const std::string& k, const YAML::Node& v) {
    if (k == "prober") m.prober = Str(v);
    else if (k == "timeout") {
      if (v.IsNull()) return true;
      auto d = v.IsScalar() ? ParseGoDuration(v.Scalar()) : Result<int64_t>(Status::InvalidArgument(""));
      if (!d.ok()) CannotUnmarshal(v, "time.Duration");
      m.timeout_ns = d.value();
    } else if (k == "http") m.http = ParseHttp(v);
    else if (k == "tcp") m.tcp = ParseTcp(v);
    else if (k == "icmp") m.icmp = ParseIcmp(v);
    else if (k == "dns") m.dns = ParseDns(v);
    else if (k == "grpc") m.grpc = ParseGrpc(v);
    else return false;
    return true;
  });
  return m;
}

}  // namespace

Result<Config> ParseConfig(std::string_view yaml_text) {
  try {
    YAML::Node root = YAML::Load(std::string(yaml_text));
    Config c;
    Fields(root, "config.plain", [&](const std::string& k, const YAML::Node& v) {
      if (k != "modules") return false;
      if (v.IsNull()) return true;
      if (!v.IsMap()) CannotUnmarshal(v, "map[string]config.Module");
      for (const auto& kv : v) {
        Module m = ParseModule(kv.second);
        m.yaml = YAML::Dump(kv.second);
        c.modules[kv.first.Scalar()] = std::move(m);
      }
      return true;
    });
    return c;
  } catch (const ConfigError& e) {
    return Status::InvalidArgument(e.message);
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument("yaml: line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
}

Result<Config> LoadConfigFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError("error reading config file: open " + path + ": " + std::strerror(errno));
  std::stringstream text;
  text << in.rdbuf();
  auto c = ParseConfig(text.str());
  if (!c.ok()) return Status::InvalidArgument("error parsing config file: " + c.status().message());
  return c;
}

Result<int64_t> ParseGoDuration(std::string_view text) {
  auto bad = [&] { return Status::InvalidArgument("time: invalid duration \"" + std::string(text) + "\""); };
  std::string_view s = text;
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return int64_t{0};
  if (s.empty()) return bad();
  double total = 0;
  while (!s.empty()) {
    size_t i = 0;
    while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
    if (i == 0) return bad();
    double value = std::strtod(std::string(s.substr(0, i)).c_str(), nullptr);
    s.remove_prefix(i);
    size_t u = 0;
    while (u < s.size() && !std::isdigit(static_cast<unsigned char>(s[u])) && s[u] != '.') ++u;
    std::string_view unit = s.substr(0, u);
    s.remove_prefix(u);
    double scale;
    if (unit == "ns") scale = 1;
    else if (unit == "us" || unit == "\xc2\xb5s" || unit == "\xce\xbcs") scale = 1e3;
    else if (unit == "ms") scale = 1e6;
    else if (unit == "s") scale = 1e9;
    else if (unit == "m") scale = 60e9;
    else if (unit == "h") scale = 3600e9;
    else return bad();
    total += value * scale;
  }
  if (total > 9.2e18) return bad();
  return static_cast<int64_t>(std::llround(negative ? -total : total));
}

uint16_t DnsTypeFromString(std::string_view name) {
  static const std::pair<const char*, uint16_t> kTypes[] = {
      {"A", 1},       {"NS", 2},     {"CNAME", 5},  {"SOA", 6},   {"PTR", 12},  {"HINFO", 13}, {"MX", 15},
      {"TXT", 16},    {"AAAA", 28},  {"LOC", 29},   {"SRV", 33},  {"NAPTR", 35}, {"DS", 43},   {"SSHFP", 44},
      {"RRSIG", 46},  {"NSEC", 47},  {"DNSKEY", 48}, {"NSEC3", 50}, {"TLSA", 52}, {"SVCB", 64}, {"HTTPS", 65},
      {"SPF", 99},    {"AXFR", 252}, {"IXFR", 251}, {"ANY", 255}, {"CAA", 257}, {"OPT", 41},  {"DNAME", 39}};
  for (const auto& [n, t] : kTypes)
    if (name == n) return t;
  return 0;
}

uint16_t DnsClassFromString(std::string_view name) {
  if (name == "IN") return 1;
  if (name == "CS") return 2;
  if (name == "CH") return 3;
  if (name == "HS") return 4;
  if (name == "NONE") return 254;
  if (name == "ANY") return 255;
  return 0;
}

int DnsRcodeFromString(std::string_view name) {
  static const char* kRcodes[] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
                                  "YXDOMAIN", "YXRRSET", "NXRRSET",  "NOTAUTH",  "NOTZONE"};
  for (int i = 0; i < static_cast<int>(std::size(kRcodes)); ++i)
    if (name == kRcodes[i]) return i;
  if (name == "BADSIG" || name == "BADVERS") return 16;
  return -1;
}

}  // namespace cairn::blackbox
