// --redis.addr as redis_exporter takes it: "redis://[user:password@]host[:port][/db]",
// "host:port", or "unix:///path/to/redis.sock".
// Thread-safety: pure function.
#pragma once

#include <string>
#include <string_view>

#include "util/status.h"

namespace cairn::exporters::redis {

struct RedisAddress {
  std::string host;       // empty for a Unix socket
  int port = 6379;
  std::string unix_path;  // set for unix://
  std::string user;       // from the URI's user info
  std::string password;
  int db = 0;             // /N path of a redis:// URI
};

// InvalidArgument for what it cannot use; rediss:// (TLS) is not supported.
Result<RedisAddress> ParseRedisAddress(std::string_view addr);

// The address with any password replaced by "xxxxx", for logs and errors.
std::string RedactRedisAddress(std::string_view addr);

}  // namespace cairn::exporters::redis
