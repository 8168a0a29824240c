#include "exporters/redis/redis_collector.h"

#include <algorithm>

#include "exporters/common/log.h"
#include "exporters/common/scrape_deadline.h"
#include "exporters/redis/info.h"

namespace cairn::exporters::redis {

namespace {

using prometheus::MetricType;
using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

double NowUnixSeconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

void Gauge(FamilySet* out, const std::string& name, const std::string& help, double v, LabelPairs labels = {}) {
  out->Add(name, help, MetricType::Gauge, std::move(labels), v);
}

}  // namespace

RedisCollector::RedisCollector(RedisCollectorOptions options) : options_(std::move(options)) {}

std::vector<prometheus::MetricFamily> RedisCollector::Collect() const { return CollectBy(CurrentScrapeDeadline()); }

std::vector<prometheus::MetricFamily> RedisCollector::CollectBy(Deadline deadline) const {
  std::lock_guard<std::mutex> lock(mu_);
  const Clock::time_point start = Clock::now();
  scrapes_ += 1;
  FamilySet out;
  Status s = ScrapeRedis(deadline, &out);
  Gauge(&out, "redis_exporter_last_scrape_error", "The last scrape error status.", s.ok() ? 0 : 1,
        {{"err", s.ok() ? "" : s.message()}});
  Gauge(&out, "redis_up", "Information about the Redis instance", s.ok() ? 1 : 0);
  const double took = SecondsSince(start);
  duration_sum_s_ += took;
  Gauge(&out, "redis_exporter_last_scrape_duration_seconds", "exporter_last_scrape_duration_seconds metric", took);
  out.Add("redis_exporter_scrapes_total", "Current total redis scrapes.", MetricType::Counter, {}, scrapes_);
  out.AddSummary("redis_exporter_scrape_duration_seconds", "Durations of scrapes by the exporter", {},
                 static_cast<uint64_t>(scrapes_), duration_sum_s_, {});
  return out.Take();
}

Status RedisCollector::ScrapeRedis(Deadline deadline, FamilySet* out) const {
  const Clock::time_point connect_start = Clock::now();
  const Deadline io_deadline = std::min(deadline, connect_start + options_.connection_timeout);
  auto fail = [&](const Status& s) {
    Log(LogLevel::kError, "Couldn't scrape redis instance",
        {{"addr", RedactRedisAddress(options_.address)}, {"err", s.message()}});
    return s;
  };
  Result<RedisAddress> address = ParseRedisAddress(options_.address);
  if (!address.ok()) return fail(address.status());
  Result<std::unique_ptr<RedisConnection>> opened = RedisConnection::Open(*address, io_deadline);
  Gauge(out, "redis_exporter_last_scrape_connect_time_seconds", "exporter_last_scrape_connect_time_seconds metric",
        SecondsSince(connect_start));
  if (!opened.ok()) return fail(opened.status());
  RedisConnection& conn = **opened;

  std::string password = address->password.empty() ? options_.password : address->password;
  std::string user = address->user.empty() ? options_.user : address->user;
  if (!password.empty()) {
    std::vector<std::string> auth = {"AUTH"};
    if (!user.empty()) auth.push_back(user);
    auth.push_back(password);
    if (Result<RedisReply> r = conn.Command(auth, io_deadline); !r.ok()) return fail(r.status());
  }
  if (address->db != 0) {
    if (Result<RedisReply> r = conn.Command({"SELECT", std::to_string(address->db)}, io_deadline); !r.ok()) {
      return fail(r.status());
    }
  }
  if (options_.set_client_name) {
    if (Result<RedisReply> r = conn.Command({"CLIENT", "SETNAME", "redis_exporter"}, io_deadline); !r.ok()) {
      if (r.status().code() != StatusCode::kExecution) return fail(r.status());
      Log(LogLevel::kError, "Couldn't set client name", {{"err", r.status().message()}});
    }
  }

  int db_count = 0;
  Result<RedisReply> config = conn.Command({"CONFIG", "GET", "*"}, io_deadline);
  if (config.ok()) {
    std::vector<std::string> pairs;
    for (const RedisReply& e : config->elements) pairs.push_back(e.str);
    db_count = ConfigToFamilies(pairs, out);
  } else if (config.status().code() != StatusCode::kExecution) {  // CONFIG may be renamed away; go on without
    return fail(config.status());
  }

  Result<RedisReply> info = conn.Command({"INFO", "ALL"}, io_deadline);
  if (!info.ok() || info->str.empty()) {
    if (!info.ok() && info.status().code() != StatusCode::kExecution) return fail(info.status());
    info = conn.Command({"INFO"}, io_deadline);
    if (!info.ok()) return fail(info.status());
  }
  const std::string& text = info->str;
  if (text.find("cluster_enabled:1") != std::string::npos) {
    Result<RedisReply> cluster = conn.Command({"CLUSTER", "INFO"}, io_deadline);
    if (cluster.ok()) {
      ClusterInfoToFamilies(cluster->str, out);
      db_count = 1;  // a cluster has database 0 only
    } else {
      Log(LogLevel::kError, "Redis CLUSTER INFO err", {{"err", cluster.status().message()}});
    }
  } else if (db_count == 0) {
    db_count = 16;  // Redis' default when CONFIG could not tell
  }
  InfoToFamilies(ParseInfo(text), db_count, NowUnixSeconds(), out);

  if (Result<RedisReply> latest = conn.Command({"LATENCY", "LATEST"}, io_deadline); latest.ok()) {
    for (const RedisReply& event : latest->elements) {
      if (event.elements.size() < 4) continue;
      LabelPairs name = {{"event_name", event.elements[0].str}};
      Gauge(out, "redis_latency_spike_last", "When the latency spike last occurred",
            static_cast<double>(event.elements[1].integer), name);
      Gauge(out, "redis_latency_spike_duration_seconds", "Length of the last latency spike in seconds",
            static_cast<double>(event.elements[2].integer) / 1e3, name);
    }
  }
  if (Result<RedisReply> len = conn.Command({"SLOWLOG", "LEN"}, io_deadline); len.ok()) {
    Gauge(out, "redis_slowlog_length", "Total slowlog", static_cast<double>(len->integer));
  }
  if (Result<RedisReply> last = conn.Command({"SLOWLOG", "GET", "1"}, io_deadline); last.ok()) {
    double id = 0, duration_s = 0;
    if (!last->elements.empty() && !last->elements[0].elements.empty()) {
      const std::vector<RedisReply>& entry = last->elements[0].elements;
      id = static_cast<double>(entry[0].integer);
      if (entry.size() > 2) duration_s = static_cast<double>(entry[2].integer) / 1e6;
    }
    Gauge(out, "redis_slowlog_last_id", "Last id of slowlog", id);
    Gauge(out, "redis_last_slow_execution_duration_seconds",
          "The amount of time needed for last slow execution, in seconds", duration_s);
  }
  return Status::OK();
}

}  // namespace cairn::exporters::redis
