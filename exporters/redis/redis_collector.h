// RedisCollector: redis_exporter 1.x's default families from one Redis, on
// every Collect(): connects (AUTH with --redis.password / --redis.user,
// SELECT for a /db path, CLIENT SETNAME redis_exporter), then CONFIG GET *,
// INFO ALL, CLUSTER INFO when clustered, LATENCY LATEST and SLOWLOG, and
// adds redis_up, redis_exporter_* and the families of info.h.
//
// A Redis that is down, rejects the password or is too slow gives redis_up 0,
// redis_exporter_last_scrape_error{err} 1 and an error line in the log; the
// scrape still answers. Every wait is bounded by the scrape's deadline and
// --connection-timeout, whichever comes first.
// Thread-safety: Collect() may be called from any thread; calls are serialised.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <vector>

#include <prometheus/collectable.h>

#include "exporters/family_set/family_set.h"
#include "exporters/redis/redis_connection.h"

namespace cairn::exporters::redis {

struct RedisCollectorOptions {
  std::string address = "redis://localhost:6379";  // --redis.addr / REDIS_ADDR
  std::string user;                                 // --redis.user / REDIS_USER
  std::string password;                             // --redis.password / REDIS_PASSWORD
  std::chrono::milliseconds connection_timeout{15000};  // --connection-timeout
  bool set_client_name = true;                      // --set-client-name
};

class RedisCollector : public prometheus::Collectable {
 public:
  explicit RedisCollector(RedisCollectorOptions options);

  std::vector<prometheus::MetricFamily> Collect() const override;
  // One scrape that must end by `deadline`.
  std::vector<prometheus::MetricFamily> CollectBy(Deadline deadline) const;

 private:
  // Everything read from Redis; the error that ended it, or OK.
  Status ScrapeRedis(Deadline deadline, FamilySet* out) const;

  RedisCollectorOptions options_;
  mutable std::mutex mu_;
  mutable double scrapes_ = 0;          // guarded by mu_
  mutable double duration_sum_s_ = 0;   // guarded by mu_
};

}  // namespace cairn::exporters::redis
