#include "scrape/http/http_config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cctype>

namespace cairn::scrape::http {
namespace {

constexpr std::array<std::string_view, 13> kKeys = {
    "basic_auth",   "authorization", "oauth2",     "bearer_token",   "bearer_token_file",
    "tls_config",   "follow_redirects", "enable_http2", "proxy_url",  "no_proxy",
    "proxy_from_environment", "proxy_connect_header", "http_headers"};

std::string Line(const YAML::Node& n) { return "line " + std::to_string(n.Mark().line + 1); }

// yaml.v2's wording for a value of the wrong YAML kind.
Status CannotUnmarshal(const YAML::Node& n, std::string_view into) {
  std::string what;
  if (n.IsMap()) {
    what = "!!map";
  } else if (n.IsSequence()) {
    what = "!!seq";
  } else {
    what = "!!str `" + n.Scalar() + "`";
  }
  return Status::InvalidArgument(Line(n) + ": cannot unmarshal " + what + " into " + std::string(into));
}

bool Absent(const YAML::Node& n) { return !n || n.IsNull(); }

Status ReadString(const YAML::Node& n, std::string* out) {
  if (Absent(n)) return Status::OK();
  if (!n.IsScalar()) return CannotUnmarshal(n, "string");
  *out = n.Scalar();
  return Status::OK();
}

Status ReadBool(const YAML::Node& n, bool* out) {
  if (Absent(n)) return Status::OK();
  bool v = false;
  if (!n.IsScalar() || !YAML::convert<bool>::decode(n, v)) return CannotUnmarshal(n, "bool");
  *out = v;
  return Status::OK();
}

// Unknown keys in a nested section fail, as yaml.UnmarshalStrict does.
Status CheckKeys(const YAML::Node& map, std::string_view type, std::initializer_list<std::string_view> known) {
  if (!map.IsMap()) return CannotUnmarshal(map, type);
  for (const auto& kv : map) {
    const std::string key = kv.first.Scalar();
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      return Status::InvalidArgument(Line(kv.first) + ": field " + key + " not found in type " + std::string(type));
    }
  }
  return Status::OK();
}

// The secret-manager references need a secret manager, which Cairn lacks.
Status RejectRefs(const YAML::Node& map, std::initializer_list<std::string_view> refs) {
  for (std::string_view ref : refs) {
    if (!Absent(map[std::string(ref)])) {
      return Status::Unsupported(std::string(ref) + ": secret references are not supported (no secret manager)");
    }
  }
  return Status::OK();
}

std::string JoinDir(std::string_view dir, const std::string& file) {
  if (dir.empty() || file.empty() || file.front() == '/') return file;
  std::string out(dir);
  if (out.back() != '/') out.push_back('/');
  return out + file;
}

std::string TrimSpace(std::string s) {
  auto not_space = [](unsigned char c) { return !std::isspace(c); };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  return s;
}

Status ParseBasicAuth(const YAML::Node& n, BasicAuth* out) {
  CAIRN_RETURN_IF_ERROR(CheckKeys(n, "config.BasicAuth",
                                  {"username", "username_file", "username_ref", "password", "password_file",
                                   "password_ref"}));
  CAIRN_RETURN_IF_ERROR(ReadString(n["username"], &out->username));
  CAIRN_RETURN_IF_ERROR(ReadString(n["username_file"], &out->username_file));
  CAIRN_RETURN_IF_ERROR(ReadString(n["password"], &out->password));
  CAIRN_RETURN_IF_ERROR(ReadString(n["password_file"], &out->password_file));
  return Status::OK();
}

Status ParseAuthorization(const YAML::Node& n, Authorization* out) {
  CAIRN_RETURN_IF_ERROR(
      CheckKeys(n, "config.Authorization", {"type", "credentials", "credentials_file", "credentials_ref"}));
  out->type.clear();  // the default applies after validation, to a blank type only
  CAIRN_RETURN_IF_ERROR(ReadString(n["type"], &out->type));
  CAIRN_RETURN_IF_ERROR(ReadString(n["credentials"], &out->credentials));
  CAIRN_RETURN_IF_ERROR(ReadString(n["credentials_file"], &out->credentials_file));
  return Status::OK();
}

Status ParseTlsVersion(const YAML::Node& n, TlsVersion* out) {
  if (Absent(n)) return Status::OK();
  if (!n.IsScalar()) return CannotUnmarshal(n, "string");
  for (TlsVersion v : {TlsVersion::kTls10, TlsVersion::kTls11, TlsVersion::kTls12, TlsVersion::kTls13}) {
    if (n.Scalar() == TlsVersionName(v)) {
      *out = v;
      return Status::OK();
    }
  }
  return Status::InvalidArgument("unknown TLS version: " + n.Scalar());
}

// Upstream validates tls_config when it is unmarshalled, before the rest.
Status ParseTlsConfig(const YAML::Node& n, TlsConfig* out) {
  CAIRN_RETURN_IF_ERROR(CheckKeys(n, "config.TLSConfig",
                                  {"ca", "ca_file", "ca_ref", "cert", "cert_file", "cert_ref", "key", "key_file",
                                   "key_ref", "server_name", "insecure_skip_verify", "min_version",
                                   "max_version"}));
  CAIRN_RETURN_IF_ERROR(ReadString(n["ca"], &out->ca));
  CAIRN_RETURN_IF_ERROR(ReadString(n["ca_file"], &out->ca_file));
  CAIRN_RETURN_IF_ERROR(ReadString(n["cert"], &out->cert));
  CAIRN_RETURN_IF_ERROR(ReadString(n["cert_file"], &out->cert_file));
  CAIRN_RETURN_IF_ERROR(ReadString(n["key"], &out->key));
  CAIRN_RETURN_IF_ERROR(ReadString(n["key_file"], &out->key_file));
  CAIRN_RETURN_IF_ERROR(ReadString(n["server_name"], &out->server_name));
  CAIRN_RETURN_IF_ERROR(ReadBool(n["insecure_skip_verify"], &out->insecure_skip_verify));
  CAIRN_RETURN_IF_ERROR(ParseTlsVersion(n["min_version"], &out->min_version));
  CAIRN_RETURN_IF_ERROR(ParseTlsVersion(n["max_version"], &out->max_version));

  auto set = [&](std::string_view key) { return !Absent(n[std::string(key)]) && !n[std::string(key)].Scalar().empty(); };
  if (set("ca") + set("ca_file") + set("ca_ref") > 1) {
    return Status::InvalidArgument("at most one of ca, ca_file & ca_ref must be configured");
  }
  if (set("cert") + set("cert_file") + set("cert_ref") > 1) {
    return Status::InvalidArgument("at most one of cert, cert_file & cert_ref must be configured");
  }
  if (set("key") + set("key_file") + set("key_ref") > 1) {
    return Status::InvalidArgument("at most one of key and key_file must be configured");
  }
  const bool cert = set("cert") || set("cert_file") || set("cert_ref");
  const bool key = set("key") || set("key_file") || set("key_ref");
  if (cert && !key) {
    return Status::InvalidArgument(
        "exactly one of key or key_file must be configured when a client certificate is configured");
  }
  if (key && !cert) {
    return Status::InvalidArgument("exactly one of cert or cert_file must be configured when a client key is configured");
  }
  return RejectRefs(n, {"ca_ref", "cert_ref", "key_ref"});
}

// Upstream's HTTPClientConfig.Validate, in its order. Features Cairn lacks
// are rejected only after the checks upstream would have failed first.
Status Validate(const YAML::Node& map, const std::string& bearer_token, const std::string& bearer_token_file,
                HttpClientConfig* cfg) {
  const bool oauth2 = !Absent(map["oauth2"]);
  const bool bearer = !bearer_token.empty() || !bearer_token_file.empty();
  if (!bearer_token.empty() && !bearer_token_file.empty()) {
    return Status::InvalidArgument("at most one of bearer_token & bearer_token_file must be configured");
  }
  if ((cfg->basic_auth || oauth2) && bearer) {
    return Status::InvalidArgument(
        "at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured");
  }
  if (cfg->basic_auth) {
    const YAML::Node& b = map["basic_auth"];
    auto set = [&](std::string_view key) { return !Absent(b[std::string(key)]) && !b[std::string(key)].Scalar().empty(); };
    if (set("username") + set("username_file") + set("username_ref") > 1) {
      return Status::InvalidArgument("at most one of basic_auth username, username_file & username_ref must be configured");
    }
    if (set("password") + set("password_file") + set("password_ref") > 1) {
      return Status::InvalidArgument("at most one of basic_auth password, password_file & password_ref must be configured");
    }
    CAIRN_RETURN_IF_ERROR(RejectRefs(b, {"username_ref", "password_ref"}));
  }
  if (cfg->authorization) {
    Authorization& a = *cfg->authorization;
    const YAML::Node& n = map["authorization"];
    if (bearer) return Status::InvalidArgument("authorization is not compatible with bearer_token & bearer_token_file");
    const bool ref = !Absent(n["credentials_ref"]) && !n["credentials_ref"].Scalar().empty();
    if (!a.credentials.empty() + !a.credentials_file.empty() + ref > 1) {
      return Status::InvalidArgument("at most one of authorization credentials & credentials_file must be configured");
    }
    a.type = TrimSpace(a.type);
    if (a.type.empty()) a.type = "Bearer";
    std::string lower = a.type;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    if (lower == "basic") {
      return Status::InvalidArgument(R"(authorization type cannot be set to "basic", use "basic_auth" instead)");
    }
    if (cfg->basic_auth || oauth2) {
      return Status::InvalidArgument("at most one of basic_auth, oauth2 & authorization must be configured");
    }
    CAIRN_RETURN_IF_ERROR(RejectRefs(n, {"credentials_ref"}));
  } else if (bearer) {
    cfg->authorization = Authorization{"Bearer", bearer_token, bearer_token_file};
  }
  if (oauth2) {
    if (cfg->basic_auth) {
      return Status::InvalidArgument("at most one of basic_auth, oauth2 & authorization must be configured");
    }
    return Status::Unsupported("oauth2 is not supported");
  }

  // ProxyConfig.Validate, then Cairn's refusal: it fetches targets directly.
  const bool proxy_url = !Absent(map["proxy_url"]) && !map["proxy_url"].Scalar().empty();
  bool from_env = false;
  CAIRN_RETURN_IF_ERROR(ReadBool(map["proxy_from_environment"], &from_env));
  const bool no_proxy = !Absent(map["no_proxy"]) && !map["no_proxy"].Scalar().empty();
  const YAML::Node& connect_header = map["proxy_connect_header"];
  if (!Absent(connect_header) && connect_header.size() > 0 && !from_env && !proxy_url) {
    return Status::InvalidArgument(
        "if proxy_connect_header is configured, proxy_url or proxy_from_environment must also be configured");
  }
  if (from_env && proxy_url) {
    return Status::InvalidArgument("if proxy_from_environment is configured, proxy_url must not be configured");
  }
  if (from_env && no_proxy) {
    return Status::InvalidArgument("if proxy_from_environment is configured, no_proxy must not be configured");
  }
  if (!proxy_url && no_proxy) {
    return Status::InvalidArgument("if no_proxy is configured, proxy_url must also be configured");
  }
  if (proxy_url) return Status::Unsupported("proxy_url is not supported: Cairn connects to targets directly");
  if (from_env) return Status::Unsupported("proxy_from_environment is not supported: Cairn connects to targets directly");
  if (!Absent(map["http_headers"])) return Status::Unsupported("http_headers is not supported");
  return Status::OK();
}

}  // namespace

bool IsHttpClientConfigKey(std::string_view key) {
  return std::find(kKeys.begin(), kKeys.end(), key) != kKeys.end();
}

std::string_view TlsVersionName(TlsVersion v) {
  switch (v) {
    case TlsVersion::kTls10: return "TLS10";
    case TlsVersion::kTls11: return "TLS11";
    case TlsVersion::kTls12: return "TLS12";
    case TlsVersion::kTls13: return "TLS13";
    case TlsVersion::kUnset: break;
  }
  return "";
}

Status ParseHttpClientConfig(const YAML::Node& map, std::string_view base_dir, HttpClientConfig* out) {
  *out = HttpClientConfig{};
  if (Absent(map)) return Status::OK();
  if (!map.IsMap()) return CannotUnmarshal(map, "config.HTTPClientConfig");
  try {
    if (!Absent(map["tls_config"])) CAIRN_RETURN_IF_ERROR(ParseTlsConfig(map["tls_config"], &out->tls_config));
    if (!Absent(map["basic_auth"])) {
      out->basic_auth.emplace();
      CAIRN_RETURN_IF_ERROR(ParseBasicAuth(map["basic_auth"], &*out->basic_auth));
    }
    if (!Absent(map["authorization"])) {
      out->authorization.emplace();
      CAIRN_RETURN_IF_ERROR(ParseAuthorization(map["authorization"], &*out->authorization));
    }
    std::string bearer_token, bearer_token_file;
    CAIRN_RETURN_IF_ERROR(ReadString(map["bearer_token"], &bearer_token));
    CAIRN_RETURN_IF_ERROR(ReadString(map["bearer_token_file"], &bearer_token_file));
    CAIRN_RETURN_IF_ERROR(ReadBool(map["follow_redirects"], &out->follow_redirects));
    CAIRN_RETURN_IF_ERROR(ReadBool(map["enable_http2"], &out->enable_http2));
    CAIRN_RETURN_IF_ERROR(Validate(map, bearer_token, bearer_token_file, out));
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(e.what());
  }

  SetDirectory(out, base_dir);
  return Status::OK();
}

void SetDirectory(HttpClientConfig* config, std::string_view dir) {
  TlsConfig& tls = config->tls_config;
  for (std::string* f : {&tls.ca_file, &tls.cert_file, &tls.key_file}) *f = JoinDir(dir, *f);
  if (config->basic_auth) {
    config->basic_auth->username_file = JoinDir(dir, config->basic_auth->username_file);
    config->basic_auth->password_file = JoinDir(dir, config->basic_auth->password_file);
  }
  if (config->authorization) {
    config->authorization->credentials_file = JoinDir(dir, config->authorization->credentials_file);
  }
}

}  // namespace cairn::scrape::http
