#include "webconfig/web_config.h"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <functional>
#include <set>
#include <sstream>

namespace cairn::webconfig {
namespace {

std::string Line(const YAML::Node& n) { return "line " + std::to_string(n.Mark().line + 1) + ": "; }

Status Bad(const YAML::Node& n, const std::string& what) { return Status::InvalidArgument(Line(n) + what); }

// Visits a mapping's entries, refusing keys outside `known` (UnmarshalStrict).
Status ForEachKey(const YAML::Node& map, const char* section, const std::set<std::string>& known,
                  const std::function<Status(const std::string&, const YAML::Node&)>& fn) {
  if (!map || map.IsNull()) return Status::OK();
  if (!map.IsMap()) return Bad(map, std::string(section) + " must be a mapping");
  for (const auto& kv : map) {
    if (!kv.first.IsScalar()) return Bad(kv.first, std::string("a key in ") + section + " must be a string");
    const std::string key = kv.first.Scalar();
    if (known.count(key) == 0) return Bad(kv.first, "field " + key + " not found in " + section);
    CAIRN_RETURN_IF_ERROR(fn(key, kv.second));
  }
  return Status::OK();
}

Status ScalarString(const YAML::Node& n, const std::string& key, std::string* out) {
  if (n.IsNull()) {
    out->clear();
    return Status::OK();
  }
  if (!n.IsScalar()) return Bad(n, key + " must be a string");
  *out = n.Scalar();
  return Status::OK();
}

Status ScalarBool(const YAML::Node& n, const std::string& key, bool* out) {
  if (n.IsNull()) return Status::OK();
  bool v = false;
  if (!n.IsScalar() || !YAML::convert<bool>::decode(n, v)) return Bad(n, key + " must be true or false");
  *out = v;
  return Status::OK();
}

Status StringList(const YAML::Node& n, const std::string& key, std::vector<std::string>* out) {
  out->clear();
  if (n.IsNull()) return Status::OK();
  if (!n.IsSequence()) return Bad(n, key + " must be a list");
  for (const auto& item : n) {
    if (!item.IsScalar()) return Bad(item, key + " entries must be strings");
    out->push_back(item.Scalar());
  }
  return Status::OK();
}

Status TlsVersion(const YAML::Node& n, const std::string& key, uint16_t* out) {
  static const std::map<std::string, uint16_t> kVersions = {
      {"TLS10", kTls10}, {"TLS11", kTls11}, {"TLS12", kTls12}, {"TLS13", kTls13}};
  std::string s;
  CAIRN_RETURN_IF_ERROR(ScalarString(n, key, &s));
  auto it = kVersions.find(s);
  if (it == kVersions.end()) return Bad(n, "unknown TLS version: " + s);
  *out = it->second;
  return Status::OK();
}

// config_util.JoinDir: a relative, non-empty path is taken from `dir`.
std::string JoinDir(std::string_view dir, const std::string& path) {
  if (path.empty() || path.front() == '/' || dir.empty()) return path;
  std::string out(dir);
  if (out.back() != '/') out += '/';
  return out + path;
}

Status ParseTls(const YAML::Node& node, std::string_view dir, TlsServerConfig* t) {
  static const std::set<std::string> kKeys = {
      "cert",          "key",           "client_ca",          "cert_file",          "key_file",
      "client_ca_file", "client_auth_type", "cipher_suites",  "curve_preferences",  "min_version",
      "max_version",   "prefer_server_cipher_suites", "client_allowed_sans"};
  CAIRN_RETURN_IF_ERROR(ForEachKey(node, "tls_server_config", kKeys, [&](const std::string& k, const YAML::Node& v) {
    if (k == "cert") return ScalarString(v, k, &t->cert);
    if (k == "key") return ScalarString(v, k, &t->key);
    if (k == "client_ca") return ScalarString(v, k, &t->client_ca);
    if (k == "cert_file") return ScalarString(v, k, &t->cert_file);
    if (k == "key_file") return ScalarString(v, k, &t->key_file);
    if (k == "client_ca_file") return ScalarString(v, k, &t->client_ca_file);
    if (k == "client_auth_type") return ScalarString(v, k, &t->client_auth_type);
    if (k == "cipher_suites") return StringList(v, k, &t->cipher_suites);
    if (k == "curve_preferences") {
      CAIRN_RETURN_IF_ERROR(StringList(v, k, &t->curve_preferences));
      static const std::set<std::string> kCurves = {"CurveP256", "CurveP384", "CurveP521", "X25519"};
      for (const auto& c : t->curve_preferences) {
        if (kCurves.count(c) == 0) return Bad(v, "unknown curve: " + c);
      }
      return Status::OK();
    }
    if (k == "min_version") return TlsVersion(v, k, &t->min_version);
    if (k == "max_version") return TlsVersion(v, k, &t->max_version);
    if (k == "prefer_server_cipher_suites") return ScalarBool(v, k, &t->prefer_server_cipher_suites);
    // client_allowed_sans: upstream checks the client certificate's SANs;
    // Cairn does not, and says so rather than admit certificates it should not.
    return Bad(v, "client_allowed_sans is not supported by Cairn");
  }));
  static const std::map<std::string, ClientAuth> kAuth = {
      {"", ClientAuth::kNoClientCert},
      {"NoClientCert", ClientAuth::kNoClientCert},
      {"RequestClientCert", ClientAuth::kRequestClientCert},
      {"RequireAnyClientCert", ClientAuth::kRequireAnyClientCert},
      {"RequireClientCert", ClientAuth::kRequireAnyClientCert},  // upstream's old name
      {"VerifyClientCertIfGiven", ClientAuth::kVerifyClientCertIfGiven},
      {"RequireAndVerifyClientCert", ClientAuth::kRequireAndVerifyClientCert}};
  auto it = kAuth.find(t->client_auth_type);
  if (it == kAuth.end()) return Status::InvalidArgument("invalid ClientAuth: " + t->client_auth_type);
  t->client_auth = it->second;
  t->cert_file = JoinDir(dir, t->cert_file);
  t->key_file = JoinDir(dir, t->key_file);
  t->client_ca_file = JoinDir(dir, t->client_ca_file);
  if (!t->enabled()) return Status::OK();
  if (t->cert_file.empty() && t->cert.empty()) return Status::InvalidArgument("missing one of cert or cert_file");
  if (t->key_file.empty() && t->key.empty()) return Status::InvalidArgument("missing one of key or key_file");
  if ((!t->client_ca_file.empty() || !t->client_ca.empty()) && t->client_auth == ClientAuth::kNoClientCert) {
    return Status::InvalidArgument("client CA's have been configured without a Client Auth Policy");
  }
  if (t->min_version > t->max_version) {
    return Status::InvalidArgument("min_version is above max_version");
  }
  return Status::OK();
}

// The toolkit's extraHTTPHeaders: the only headers an operator may set, and
// for two of them the only values.
Status CheckHeader(const YAML::Node& at, const std::string& name, const std::string& value) {
  static const std::map<std::string, std::vector<std::string>> kAllowed = {
      {"Strict-Transport-Security", {}},
      {"X-Content-Type-Options", {"nosniff"}},
      {"X-Frame-Options", {"deny", "sameorigin"}},
      {"X-XSS-Protection", {}},
      {"Content-Security-Policy", {}}};
  auto it = kAllowed.find(name);
  if (it == kAllowed.end()) return Bad(at, "HTTP header \"" + name + "\" can not be configured");
  if (it->second.empty()) return Status::OK();
  for (const auto& v : it->second) {
    if (v == value) return Status::OK();
  }
  std::string expected;
  for (const auto& v : it->second) expected += (expected.empty() ? "\"" : " \"") + v + "\"";
  return Bad(at, "invalid value for " + name + ". Expected one of: [" + expected + "], but got: \"" + value + "\"");
}

Status ParseHttp(const YAML::Node& node, WebConfig* c) {
  static const std::set<std::string> kKeys = {"http2", "headers"};
  return ForEachKey(node, "http_server_config", kKeys, [&](const std::string& k, const YAML::Node& v) {
    if (k == "http2") return ScalarBool(v, k, &c->http2);
    if (v.IsNull()) return Status::OK();
    if (!v.IsMap()) return Bad(v, "headers must be a mapping");
    for (const auto& kv : v) {
      if (!kv.first.IsScalar() || !(kv.second.IsScalar() || kv.second.IsNull())) {
        return Bad(kv.first, "headers must map names to strings");
      }
      std::string value = kv.second.IsNull() ? "" : kv.second.Scalar();
      if (value.find_first_of("\r\n") != std::string::npos) return Bad(kv.second, "header values must be one line");
      CAIRN_RETURN_IF_ERROR(CheckHeader(kv.first, kv.first.Scalar(), value));
      c->headers[kv.first.Scalar()] = value;
    }
    return Status::OK();
  });
}

Status ParseUsers(const YAML::Node& node, WebConfig* c) {
  if (!node || node.IsNull()) return Status::OK();
  if (!node.IsMap()) return Bad(node, "basic_auth_users must be a mapping");
  for (const auto& kv : node) {
    if (!kv.first.IsScalar() || !(kv.second.IsScalar() || kv.second.IsNull())) {
      return Bad(kv.first, "basic_auth_users must map user names to bcrypt hashes");
    }
    const std::string user = kv.first.Scalar();
    const std::string hash = kv.second.IsNull() ? "" : kv.second.Scalar();
    Result<int> cost = BcryptCost(hash);
    if (!cost.ok()) return Bad(kv.second, "user \"" + user + "\": " + cost.status().message());
    c->users[user] = hash;
  }
  return Status::OK();
}

}  // namespace

bool TlsServerConfig::enabled() const {
  return !cert_file.empty() || !cert.empty() || !key_file.empty() || !key.empty() || !client_ca_file.empty() ||
         !client_ca.empty() || !client_auth_type.empty();
}

Result<int> BcryptCost(std::string_view h) {
  // $2b$10$ + 22 characters of salt + 31 of hash.
  if (h.size() < 59) return Status::InvalidArgument("crypto/bcrypt: hashedSecret too short to be a bcrypted password");
  if (h[0] != '$') {
    return Status::InvalidArgument("crypto/bcrypt: bcrypt hashes must start with '$', but hashedSecret started with '" +
                                   std::string(1, h[0]) + "'");
  }
  if (h[1] != '2' || (h[2] != 'a' && h[2] != 'b' && h[2] != 'y') || h[3] != '$') {
    return Status::InvalidArgument("not a bcrypt hash: the prefix must be $2a$, $2b$ or $2y$");
  }
  if (h[4] < '0' || h[4] > '9' || h[5] < '0' || h[5] > '9' || h[6] != '$') {
    return Status::InvalidArgument("not a bcrypt hash: no cost after the prefix");
  }
  int cost = (h[4] - '0') * 10 + (h[5] - '0');
  if (cost < 4 || cost > 31) {
    return Status::InvalidArgument("crypto/bcrypt: cost " + std::to_string(cost) +
                                   " is outside allowed range (4,31)");
  }
  if (h.size() != 60) return Status::InvalidArgument("not a bcrypt hash: it must be 60 characters long");
  static constexpr std::string_view kAlphabet = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  for (char ch : h.substr(7)) {
    if (kAlphabet.find(ch) == std::string_view::npos) {
      return Status::InvalidArgument("not a bcrypt hash: a character outside bcrypt's base64 alphabet");
    }
  }
  return cost;
}

Result<WebConfig> ParseWebConfig(std::string_view yaml, std::string_view dir) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument("line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  WebConfig c;
  try {
    static const std::set<std::string> kKeys = {"tls_server_config", "http_server_config", "basic_auth_users",
                                                "rate_limit"};
    CAIRN_RETURN_IF_ERROR(ForEachKey(root, "the web config", kKeys, [&](const std::string& k, const YAML::Node& v) {
      if (k == "tls_server_config") return Status::OK();  // after the loop: its checks need every field
      if (k == "http_server_config") return ParseHttp(v, &c);
      if (k == "basic_auth_users") return ParseUsers(v, &c);
      // rate_limit: a limiter Cairn does not have; refusing beats ignoring it.
      return v.IsNull() ? Status::OK() : Bad(v, "rate_limit is not supported by Cairn");
    }));
    if (root.IsMap()) CAIRN_RETURN_IF_ERROR(ParseTls(root["tls_server_config"], dir, &c.tls));
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument("line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  return c;
}

Result<WebConfig> LoadWebConfig(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("open " + path + ": no such file or not readable");
  std::stringstream ss;
  ss << in.rdbuf();
  std::string dir;
  size_t slash = path.rfind('/');
  dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
  Result<WebConfig> c = ParseWebConfig(ss.str(), dir);
  if (!c.ok()) return c.status().WithContext(path);
  return c;
}

}  // namespace cairn::webconfig
