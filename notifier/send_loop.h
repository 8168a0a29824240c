// SendLoop: the queue and sender of one Alertmanager (upstream's sendLoop).
// Add() appends alerts to a bounded queue — when it would overflow, the
// oldest alerts are dropped and counted — and wakes the loop's thread, which
// takes batches of at most max_batch_size alerts and POSTs each as one JSON
// body to the Alertmanager's URL with the entry's timeout. Any 2xx answer is
// success; a failed batch is counted as errors and dropped, not retried: the
// rule manager resends firing alerts every resend delay, which covers it.
//
// Thread-safety: Add, Collect and Stop may be called from any thread. The
// destructor stops the loop without draining.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "notifier/alert.h"
#include "notifier/alertmanager_config.h"
#include "notifier/latency_summary.h"
#include "scrape/http/client.h"

namespace cairn::notifier {

struct QueueOptions {
  size_t capacity = 10000;      // --alertmanager.notification-queue-capacity
  size_t max_batch_size = 256;  // --alertmanager.notification-batch-size
  // --alertmanager.drain-notification-queue-on-shutdown: Stop sends what is
  // queued (until its deadline) instead of dropping it.
  bool drain_on_shutdown = true;
};

// One Alertmanager's prometheus_notifications_* figures.
struct AlertmanagerFigures {
  std::string url;
  uint64_t sent = 0;     // alerts in batches the Alertmanager accepted
  uint64_t errors = 0;   // alerts in batches that failed
  uint64_t dropped = 0;  // alerts lost: queue overflow, failed batches, not drained on stop
  size_t queue_length = 0;
  LatencySummary::Snapshot latency;  // of successful POSTs
  std::string last_error;            // "" until a POST fails
};

class SendLoop {
 public:
  // Starts the loop's thread. `config` supplies the timeout; `client` its
  // TLS and credentials.
  SendLoop(std::string url, std::shared_ptr<const AlertmanagerConfig> config,
           std::shared_ptr<const scrape::http::Client> client, QueueOptions options);
  ~SendLoop();
  SendLoop(const SendLoop&) = delete;
  SendLoop& operator=(const SendLoop&) = delete;

  const std::string& url() const { return url_; }

  // Queues `alerts`; ignored once stopped.
  void Add(std::span<const AlertPtr> alerts);

  // Ends the loop: waits for a POST in flight, then with drain_on_shutdown
  // sends the queued batches until the queue is empty or `deadline` passes;
  // whatever is left is counted as dropped. Idempotent.
  void Stop(std::chrono::steady_clock::time_point deadline);

  AlertmanagerFigures Collect() const;

 private:
  void Run(std::stop_token stop);
  std::vector<AlertPtr> NextBatch();
  // POSTs one batch within `timeout` (capped by the entry's) and counts it;
  // false when it failed (it was dropped).
  bool SendBatch(const std::vector<AlertPtr>& batch, std::chrono::milliseconds timeout);

  const std::string url_;
  const std::shared_ptr<const AlertmanagerConfig> config_;
  const std::shared_ptr<const scrape::http::Client> client_;
  const QueueOptions options_;
  LatencySummary latency_;

  mutable std::mutex mu_;
  std::condition_variable_any has_work_;
  std::deque<AlertPtr> queue_;
  bool stopped_ = false;
  uint64_t sent_ = 0, errors_ = 0, dropped_ = 0;
  std::string last_error_;

  std::mutex stop_mu_;  // serializes Stop
  std::jthread thread_;
};

}  // namespace cairn::notifier
