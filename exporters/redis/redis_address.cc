#include "exporters/redis/redis_address.h"

#include "util/go_strconv.h"

namespace cairn::exporters::redis {

Result<RedisAddress> ParseRedisAddress(std::string_view addr) {
  RedisAddress out;
  std::string_view rest = addr;
  size_t scheme_end = addr.find("://");
  if (scheme_end != std::string_view::npos) {
    std::string_view scheme = addr.substr(0, scheme_end);
    rest = addr.substr(scheme_end + 3);
    if (scheme == "unix") {
      if (rest.empty()) return Status::InvalidArgument("redis address " + std::string(addr) + ": no socket path");
      out.unix_path = std::string(rest);
      return out;
    }
    if (scheme == "rediss") return Status::InvalidArgument("redis address " + RedactRedisAddress(addr) + ": TLS (rediss://) is not supported");
    if (scheme != "redis") return Status::InvalidArgument("redis address " + RedactRedisAddress(addr) + ": unknown scheme " + std::string(scheme));
  }
  size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) {
    std::string_view path = rest.substr(slash + 1);
    if (size_t q = path.find('?'); q != std::string_view::npos) path = path.substr(0, q);
    if (!path.empty()) {
      GoInt db = GoParseInt64(path);
      if (db.error != GoNumError::kNone || db.value < 0) {
        return Status::InvalidArgument("redis address " + RedactRedisAddress(addr) + ": invalid database " + std::string(path));
      }
      out.db = static_cast<int>(db.value);
    }
  }
  if (size_t at = authority.rfind('@'); at != std::string_view::npos) {
    std::string_view userinfo = authority.substr(0, at);
    authority = authority.substr(at + 1);
    size_t colon = userinfo.find(':');
    out.user = std::string(userinfo.substr(0, colon));
    if (colon != std::string_view::npos) out.password = std::string(userinfo.substr(colon + 1));
  }
  std::string_view host = authority, port;
  if (!authority.empty() && authority[0] == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return Status::InvalidArgument("redis address " + std::string(addr) + ": unclosed [");
    host = authority.substr(1, close - 1);
    if (close + 1 < authority.size() && authority[close + 1] == ':') port = authority.substr(close + 2);
  } else if (size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  out.host = host.empty() ? "localhost" : std::string(host);
  if (!port.empty()) {
    GoInt p = GoParseInt64(port);
    if (p.error != GoNumError::kNone || p.value <= 0 || p.value > 65535) {
      return Status::InvalidArgument("redis address " + RedactRedisAddress(addr) + ": invalid port " + std::string(port));
    }
    out.port = static_cast<int>(p.value);
  }
  return out;
}

std::string RedactRedisAddress(std::string_view addr) {
  std::string out(addr);
  size_t start = out.find("://");
  start = start == std::string::npos ? 0 : start + 3;
  size_t end = out.find('/', start);
  size_t at = out.rfind('@', end == std::string::npos ? std::string::npos : end);
  if (at == std::string::npos || at < start) return out;
  size_t colon = out.find(':', start);
  if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "xxxxx");
  return out;
}

}  // namespace cairn::exporters::redis
