// QueryExecutor: where PromQL queries of the HTTP API run, off the HTTP I/O
// threads. At most `max_concurrency` run at once (Prometheus'
// --query.max-concurrency, default 20); more wait in arrival order, as
// Prometheus' query gate makes them wait. A query that waits holds no thread.
//
// Shutdown: the destructor runs what is still queued, then joins; callers
// stop submitting first (the HTTP server drains before the executor goes).
// Thread-safety: Submit() and the figures may be called from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "util/windowed_summary.h"

namespace cairn::server {

class QueryExecutor {
 public:
  // `max_concurrency` < 1 is treated as 1.
  explicit QueryExecutor(int max_concurrency);
  ~QueryExecutor();
  QueryExecutor(const QueryExecutor&) = delete;
  QueryExecutor& operator=(const QueryExecutor&) = delete;

  // Queues `task`; it runs on one of the executor's threads.
  void Submit(std::function<void()> task);

  int max_concurrency() const { return max_concurrency_; }
  // Tasks running or waiting now (prometheus_engine_queries).
  int64_t active() const;
  // Tasks waiting for a slot now (cairn_engine_queries_waiting).
  int64_t waiting() const;
  // How long tasks waited for a slot, in seconds, over the last 10 minutes
  // (prometheus_engine_query_duration_seconds{slice="queue_time"}).
  WindowedSummary::Figures QueueWait(const std::vector<double>& ranks) const;

 private:
  void Work();

  const int max_concurrency_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  struct Queued {
    std::function<void()> task;
    std::chrono::steady_clock::time_point at;
  };
  std::deque<Queued> queue_;
  WindowedSummary queue_wait_;  // observed at steady-clock milliseconds
  int running_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace cairn::server
