#include "exporters/redis/redis_connection.h"

#include <sys/time.h>

#include <optional>

#include <hiredis/hiredis.h>

namespace cairn::exporters::redis {

namespace {

// The time left until `deadline`; nullopt when none is.
std::optional<timeval> Left(Deadline deadline) {
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(deadline - std::chrono::steady_clock::now()).count();
  if (us <= 0) return std::nullopt;
  return timeval{static_cast<time_t>(us / 1000000), static_cast<suseconds_t>(us % 1000000)};
}

RedisReply Convert(const redisReply* r) {
  RedisReply out;
  switch (r->type) {
    case REDIS_REPLY_STRING:
      out.kind = RedisReply::Kind::kString;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_STATUS:
      out.kind = RedisReply::Kind::kStatus;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_INTEGER:
      out.kind = RedisReply::Kind::kInteger;
      out.integer = r->integer;
      break;
    case REDIS_REPLY_ARRAY:
      out.kind = RedisReply::Kind::kArray;
      for (size_t i = 0; i < r->elements; ++i) out.elements.push_back(Convert(r->element[i]));
      break;
    default:
      out.kind = RedisReply::Kind::kNil;
  }
  return out;
}

Status ContextError(redisContext* ctx, const std::string& what) {
  std::string reason = ctx->errstr;
  if (ctx->err == REDIS_ERR_IO && (reason.find("timed out") != std::string::npos ||
                                   reason.find("temporarily unavailable") != std::string::npos)) {
    return Status::Timeout(what + ": i/o timeout");
  }
  return Status::Unavailable(what + ": " + reason);
}

}  // namespace

Result<std::unique_ptr<RedisConnection>> RedisConnection::Open(const RedisAddress& address, Deadline deadline) {
  std::optional<timeval> left = Left(deadline);
  const std::string where = address.unix_path.empty() ? address.host + ":" + std::to_string(address.port)
                                                      : address.unix_path;
  if (!left) return Status::Timeout("dial " + where + ": i/o timeout");
  redisContext* ctx = address.unix_path.empty()
                          ? redisConnectWithTimeout(address.host.c_str(), address.port, *left)
                          : redisConnectUnixWithTimeout(address.unix_path.c_str(), *left);
  if (ctx == nullptr) return Status::Unavailable("dial " + where + ": out of memory");
  if (ctx->err != 0) {
    Status s = ContextError(ctx, "dial " + where);
    redisFree(ctx);
    return s;
  }
  return std::unique_ptr<RedisConnection>(new RedisConnection(ctx));
}

RedisConnection::~RedisConnection() { redisFree(ctx_); }

Result<RedisReply> RedisConnection::Command(const std::vector<std::string>& args, Deadline deadline) {
  std::optional<timeval> left = Left(deadline);
  if (!left) return Status::Timeout(args.empty() ? "command" : args[0] + ": i/o timeout");
  if (ctx_->err != 0) return ContextError(ctx_, args.empty() ? "command" : args[0]);
  redisSetTimeout(ctx_, *left);
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  for (const std::string& a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  auto* reply = static_cast<redisReply*>(redisCommandArgv(ctx_, static_cast<int>(argv.size()), argv.data(), lens.data()));
  if (reply == nullptr) return ContextError(ctx_, args.empty() ? "command" : args[0]);
  Result<RedisReply> out = reply->type == REDIS_REPLY_ERROR ? Result<RedisReply>(Status::Execution(std::string(reply->str, reply->len)))
                                                            : Result<RedisReply>(Convert(reply));
  freeReplyObject(reply);
  return out;
}

}  // namespace cairn::exporters::redis
