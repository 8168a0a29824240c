// cairn-redis-exporter: Redis metrics with redis_exporter 1.x's names
// (docs/exporters.md). Flags fall back to upstream's environment variables
// (REDIS_ADDR, REDIS_USER, REDIS_PASSWORD, REDIS_EXPORTER_*).
#include <cstdlib>
#include <memory>
#include <string>

#include "exporters/common/exporter.h"
#include "exporters/common/log.h"
#include "exporters/redis/redis_collector.h"
#include "util/duration.h"

namespace {

std::string Env(const char* name, const char* fallback = "") {
  const char* v = std::getenv(name);
  return v != nullptr ? v : fallback;
}

}  // namespace

int main(int argc, char** argv) {
  using cairn::exporters::Exporter;
  Exporter exporter({.name = "redis_exporter",
                     .title = "Redis Exporter",
                     .description = "Redis metrics with redis_exporter's names",
                     .default_listen_address = ":9121",
                     .build_info = {"redis_exporter_build_info", "redis exporter build_info",
                                    {{"version", cairn::exporters::CairnVersion()},
                                     {"commit_sha", ""},
                                     {"build_date", ""},
                                     {"golang_version", cairn::exporters::CompilerVersion()}}}});
  cairn::exporters::redis::RedisCollectorOptions options;
  options.address = Env("REDIS_ADDR", "redis://localhost:6379");
  options.user = Env("REDIS_USER");
  options.password = Env("REDIS_PASSWORD");
  std::string timeout = Env("REDIS_EXPORTER_CONNECTION_TIMEOUT", "15s");
  std::string set_client_name = Env("REDIS_EXPORTER_SET_CLIENT_NAME", "true");
  CLI::App& flags = exporter.flags();
  flags.add_option("--redis.addr", options.address, "Address of the Redis instance to scrape")->capture_default_str();
  flags.add_option("--redis.user", options.user, "User name to use for authentication (Redis ACL, Redis 6+)");
  flags.add_option("--redis.password", options.password, "Password of the Redis instance to scrape");
  flags.add_option("--connection-timeout", timeout, "Timeout for connection to Redis instance")->capture_default_str();
  flags.add_option("--set-client-name", set_client_name, "Whether to set client name to redis_exporter")
      ->capture_default_str();
  if (auto exit_code = exporter.ParseFlags(argc, argv)) return *exit_code;
  cairn::Result<int64_t> timeout_ms = cairn::ParseDurationMs(timeout);
  if (!timeout_ms.ok() || *timeout_ms <= 0) {
    cairn::exporters::Log(cairn::exporters::LogLevel::kError, "invalid --connection-timeout", {{"value", timeout}});
    return 1;
  }
  options.connection_timeout = std::chrono::milliseconds(*timeout_ms);
  options.set_client_name = set_client_name != "false" && set_client_name != "0";
  exporter.AddCollector(std::make_shared<cairn::exporters::redis::RedisCollector>(options));
  return exporter.Run();
}
