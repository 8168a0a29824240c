// QueryExecutor: where PromQL queries of the HTTP API run, off the HTTP I/O
// threads. At most `max_concurrency` run at once (Prometheus'
// --query.max-concurrency, default 20); more wait in arrival order, as
// Prometheus' query gate makes them wait. A query that waits holds no thread.
//
// Shutdown: the destructor runs what is still queued, then joins; callers
// stop submitting first (the HTTP server drains before the executor goes).
// Thread-safety: Submit() and the figures may be called from any thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

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

 private:
  void Work();

  const int max_concurrency_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  int running_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace cairn::server
