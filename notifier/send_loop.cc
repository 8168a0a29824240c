#include "notifier/send_loop.h"

#include <algorithm>
#include <cstdio>

#include "notifier/alert_json.h"
#include "scrape/http/request.h"

namespace cairn::notifier {

SendLoop::SendLoop(std::string url, std::shared_ptr<const AlertmanagerConfig> config,
                   std::shared_ptr<const scrape::http::Client> client, QueueOptions options)
    : url_(std::move(url)), config_(std::move(config)), client_(std::move(client)), options_(options) {
  thread_ = std::jthread([this](std::stop_token stop) { Run(stop); });
}

SendLoop::~SendLoop() {
  Stop(std::chrono::steady_clock::now());
}

void SendLoop::Add(std::span<const AlertPtr> alerts) {
  std::lock_guard<std::mutex> lock(mu_);
  if (stopped_) return;
  // A batch larger than the queue keeps only its newest alerts; then the
  // oldest queued alerts make room, as upstream's add does.
  if (alerts.size() > options_.capacity) {
    dropped_ += alerts.size() - options_.capacity;
    alerts = alerts.subspan(alerts.size() - options_.capacity);
  }
  if (queue_.size() + alerts.size() > options_.capacity) {
    const size_t excess = queue_.size() + alerts.size() - options_.capacity;
    queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(excess));
    dropped_ += excess;
  }
  queue_.insert(queue_.end(), alerts.begin(), alerts.end());
  has_work_.notify_one();
}

std::vector<AlertPtr> SendLoop::NextBatch() {
  std::lock_guard<std::mutex> lock(mu_);
  const size_t n = std::min(queue_.size(), options_.max_batch_size);
  std::vector<AlertPtr> batch(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
  queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
  return batch;
}

void SendLoop::Run(std::stop_token stop) {
  while (true) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      // Stop drains (or drops) what is left itself, so a stop request ends
      // the loop even with alerts queued.
      if (!has_work_.wait(lock, stop, [this] { return !queue_.empty(); }) || stop.stop_requested()) return;
    }
    SendBatch(NextBatch(), std::chrono::milliseconds(config_->timeout_ms));
  }
}

bool SendLoop::SendBatch(const std::vector<AlertPtr>& batch, std::chrono::milliseconds timeout) {
  if (batch.empty()) return true;
  const auto begin = std::chrono::steady_clock::now();
  scrape::http::Request req;
  req.method = "POST";
  req.url = url_;
  req.headers = {{"Content-Type", "application/json"}};
  req.body = AlertsToJson(batch);
  req.timeout = std::min(timeout, std::chrono::milliseconds(config_->timeout_ms));
  auto res = scrape::http::DoRequest(*client_, req);
  std::string error;
  if (!res.ok()) {
    error = res.status().message();
  } else if (res->status / 100 != 2) {
    error = "bad response status " + res->status_text;
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (!error.empty()) {
    std::fprintf(stderr, "cairn: notifier: error sending %zu alerts to %s: %s\n", batch.size(), url_.c_str(),
                 error.c_str());
    errors_ += batch.size();
    dropped_ += batch.size();
    last_error_ = std::move(error);
    return false;
  }
  latency_.Observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count());
  sent_ += batch.size();
  return true;
}

void SendLoop::Stop(std::chrono::steady_clock::time_point deadline) {
  std::lock_guard<std::mutex> stop_lock(stop_mu_);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopped_) return;
    stopped_ = true;
  }
  thread_.request_stop();
  if (thread_.joinable()) thread_.join();
  while (options_.drain_on_shutdown) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    std::vector<AlertPtr> batch = NextBatch();
    if (batch.empty()) break;
    SendBatch(batch, left);
  }
  std::lock_guard<std::mutex> lock(mu_);
  dropped_ += queue_.size();
  queue_.clear();
}

AlertmanagerFigures SendLoop::Collect() const {
  AlertmanagerFigures f;
  f.url = url_;
  {
    std::lock_guard<std::mutex> lock(mu_);
    f.sent = sent_;
    f.errors = errors_;
    f.dropped = dropped_;
    f.queue_length = queue_.size();
    f.last_error = last_error_;
  }
  f.latency = latency_.Collect();
  return f;
}

}  // namespace cairn::notifier
