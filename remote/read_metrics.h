// ReadMetrics: what the remote_read clients count, per endpoint (remote_name,
// url), for Prometheus 2.42's families (storage/remote/client.go):
//   prometheus_remote_storage_read_queries_total{remote_name,url,code}
//     — requests answered, by HTTP status code (not network errors);
//   prometheus_remote_storage_remote_read_queries{remote_name,url}
//     — requests in flight;
//   prometheus_remote_storage_read_request_duration_seconds{remote_name,url}
//     — time until the answer is read (upstream: until its headers),
//       DefBuckets plus 25 and 60.
// Like upstream's global vectors it outlives the clients: a reload that
// rebuilds a client keeps counting in the same endpoint.
// Thread-safety: every method is safe from any thread; an Endpoint lives as
// long as its ReadMetrics.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace cairn::remote {

struct ReadFigures {
  std::string remote_name, url;
  int64_t in_flight = 0;
  std::map<int, uint64_t> answered_by_code;
  std::vector<uint64_t> duration_buckets;  // cumulative, over ReadMetrics::DurationBounds()
  double duration_sum = 0;
  uint64_t duration_count = 0;
};

class ReadMetrics {
 public:
  class Endpoint {
   public:
    void Started() { in_flight_.fetch_add(1); }
    void Finished() { in_flight_.fetch_sub(1); }
    // An HTTP answer with status `code`, `seconds` after the request began.
    void Answered(int code, double seconds);

   private:
    friend class ReadMetrics;
    std::atomic<int64_t> in_flight_{0};
    mutable std::mutex mu_;
    std::map<int, uint64_t> by_code_;  // guarded by mu_
    std::vector<uint64_t> buckets_;    // per bucket, not cumulative; guarded by mu_
    double sum_ = 0;                   // guarded by mu_
    uint64_t count_ = 0;               // guarded by mu_
  };

  // Upstream's buckets: prometheus.DefBuckets plus 25 and 60 seconds.
  static const std::vector<double>& DurationBounds();

  // The endpoint of (remote_name, url), created on first use.
  Endpoint* For(const std::string& remote_name, const std::string& url);
  std::vector<ReadFigures> Figures() const;

 private:
  mutable std::mutex mu_;
  std::map<std::pair<std::string, std::string>, std::unique_ptr<Endpoint>> endpoints_;  // guarded by mu_
};

}  // namespace cairn::remote
