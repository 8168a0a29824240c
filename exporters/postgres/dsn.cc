#include "exporters/postgres/dsn.h"

#include <cctype>
#include <map>

namespace cairn::exporters::postgres {

namespace {

bool IsUri(std::string_view dsn) {
  return dsn.substr(0, 13) == "postgresql://" || dsn.substr(0, 11) == "postgres://";
}

std::string PercentDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// host and port of a URI: its authority, then ?host=/?port= parameters.
Result<std::map<std::string, std::string>> UriParams(std::string_view dsn) {
  std::map<std::string, std::string> kv;
  std::string_view rest = dsn.substr(dsn.find("://") + 3);
  size_t end = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, end);
  if (size_t at = authority.rfind('@'); at != std::string_view::npos) authority = authority.substr(at + 1);
  std::string_view host = authority, port;
  if (!authority.empty() && authority[0] == '[') {  // [::1]:5432
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return Status::InvalidArgument("malformed dsn: unclosed [ in host");
    host = authority.substr(1, close - 1);
    if (close + 1 < authority.size() && authority[close + 1] == ':') port = authority.substr(close + 2);
  } else if (size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (!host.empty()) kv["host"] = PercentDecode(host);
  if (!port.empty()) kv["port"] = std::string(port);
  if (end != std::string_view::npos) {
    size_t q = rest.find('?');
    if (q != std::string_view::npos) {
      std::string_view query = rest.substr(q + 1);
      while (!query.empty()) {
        size_t amp = query.find('&');
        std::string_view pair = query.substr(0, amp);
        size_t eq = pair.find('=');
        if (eq != std::string_view::npos) kv[PercentDecode(pair.substr(0, eq))] = PercentDecode(pair.substr(eq + 1));
        if (amp == std::string_view::npos) break;
        query = query.substr(amp + 1);
      }
    }
  }
  return kv;
}

// key=value pairs separated by spaces; values may be single-quoted.
Result<std::map<std::string, std::string>> KeyValueParams(std::string_view dsn) {
  std::map<std::string, std::string> kv;
  size_t i = 0;
  while (i < dsn.size()) {
    while (i < dsn.size() && std::isspace(static_cast<unsigned char>(dsn[i]))) ++i;
    if (i >= dsn.size()) break;
    size_t key_start = i;
    while (i < dsn.size() && dsn[i] != '=' && !std::isspace(static_cast<unsigned char>(dsn[i]))) ++i;
    std::string key(dsn.substr(key_start, i - key_start));
    while (i < dsn.size() && std::isspace(static_cast<unsigned char>(dsn[i]))) ++i;
    if (i >= dsn.size() || dsn[i] != '=' || key.empty()) {
      return Status::InvalidArgument("malformed dsn: \"" + key + "\" has no value");
    }
    ++i;
    while (i < dsn.size() && std::isspace(static_cast<unsigned char>(dsn[i]))) ++i;
    std::string value;
    if (i < dsn.size() && dsn[i] == '\'') {
      ++i;
      bool closed = false;
      while (i < dsn.size()) {
        if (dsn[i] == '\\' && i + 1 < dsn.size()) {
          value += dsn[i + 1];
          i += 2;
        } else if (dsn[i] == '\'') {
          ++i;
          closed = true;
          break;
        } else {
          value += dsn[i++];
        }
      }
      if (!closed) return Status::InvalidArgument("malformed dsn: unterminated quoted value of " + key);
    } else {
      while (i < dsn.size() && !std::isspace(static_cast<unsigned char>(dsn[i]))) {
        if (dsn[i] == '\\' && i + 1 < dsn.size()) ++i;
        value += dsn[i++];
      }
    }
    kv[key] = value;
  }
  return kv;
}

}  // namespace

Result<std::string> ServerFingerprint(std::string_view dsn) {
  Result<std::map<std::string, std::string>> kv = IsUri(dsn) ? UriParams(dsn) : KeyValueParams(dsn);
  if (!kv.ok()) return kv.status();
  auto host = kv->find("host");
  auto port = kv->find("port");
  return (host != kv->end() && !host->second.empty() ? host->second : std::string("localhost")) + ":" +
         (port != kv->end() && !port->second.empty() ? port->second : std::string("5432"));
}

std::string RedactDsn(std::string_view dsn) {
  std::string out(dsn);
  if (IsUri(dsn)) {
    size_t start = out.find("://") + 3;
    size_t end = out.find_first_of("/?", start);
    size_t at = out.rfind('@', end == std::string::npos ? std::string::npos : end);
    if (at != std::string::npos && at > start) {
      size_t colon = out.find(':', start);
      if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "PASSWORD_REMOVED");
    }
    return out;
  }
  size_t pos = out.find("password");
  while (pos != std::string::npos) {
    size_t eq = out.find('=', pos);
    if (eq == std::string::npos) break;
    size_t v = eq + 1;
    while (v < out.size() && out[v] == ' ') ++v;
    size_t e = v;
    if (e < out.size() && out[e] == '\'') {
      e = out.find('\'', e + 1);
      e = e == std::string::npos ? out.size() : e + 1;
    } else {
      while (e < out.size() && out[e] != ' ') ++e;
    }
    out.replace(v, e - v, "PASSWORD_REMOVED");
    pos = out.find("password", v + 16);
  }
  return out;
}

}  // namespace cairn::exporters::postgres
