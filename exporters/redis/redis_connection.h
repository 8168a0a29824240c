// RedisConnection: one hiredis connection with every wait bounded by a
// deadline (connect, then each command's send and reply), so a slow or
// stopped Redis costs a scrape at most its timeout. Opened per scrape, as
// redis_exporter does.
// Thread-safety: none; one scrape owns it.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "exporters/redis/redis_address.h"
#include "util/status.h"

struct redisContext;

namespace cairn::exporters::redis {

using Deadline = std::chrono::steady_clock::time_point;

// A reply, as far as the exporter reads them.
struct RedisReply {
  enum class Kind { kString, kStatus, kInteger, kNil, kArray };
  Kind kind = Kind::kNil;
  std::string str;  // kString, kStatus
  long long integer = 0;
  std::vector<RedisReply> elements;  // kArray
};

class RedisConnection {
 public:
  // Connects (TCP or Unix socket). Unavailable with the reason when the
  // server cannot be reached, Timeout when `deadline` passes first.
  static Result<std::unique_ptr<RedisConnection>> Open(const RedisAddress& address, Deadline deadline);
  ~RedisConnection();
  RedisConnection(const RedisConnection&) = delete;
  RedisConnection& operator=(const RedisConnection&) = delete;

  // Sends one command and reads its reply. Execution with Redis' message for
  // an error reply ("WRONGPASS ..."); Timeout or Unavailable when the
  // connection fails (it is then unusable).
  Result<RedisReply> Command(const std::vector<std::string>& args, Deadline deadline);

 private:
  explicit RedisConnection(redisContext* ctx) : ctx_(ctx) {}
  redisContext* ctx_;
};

}  // namespace cairn::exporters::redis
