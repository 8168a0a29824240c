#include "server/query_executor.h"

#include <algorithm>

namespace cairn::server {

QueryExecutor::QueryExecutor(int max_concurrency) : max_concurrency_(std::max(1, max_concurrency)) {
  threads_.reserve(max_concurrency_);
  for (int i = 0; i < max_concurrency_; ++i) threads_.emplace_back([this] { Work(); });
}

QueryExecutor::~QueryExecutor() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) t.join();
}

void QueryExecutor::Submit(std::function<void()> task) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back({std::move(task), std::chrono::steady_clock::now()});
  }
  cv_.notify_one();
}

int64_t QueryExecutor::active() const {
  std::lock_guard<std::mutex> lock(mu_);
  return running_ + static_cast<int64_t>(queue_.size());
}

int64_t QueryExecutor::waiting() const {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int64_t>(queue_.size());
}

namespace {
int64_t SteadyMs(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}
}  // namespace

WindowedSummary::Figures QueryExecutor::QueueWait(const std::vector<double>& ranks) const {
  return queue_wait_.Snapshot(ranks, SteadyMs(std::chrono::steady_clock::now()));
}

void QueryExecutor::Work() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    // Queued work still runs at shutdown: each task owes a client an answer.
    if (queue_.empty()) return;
    std::function<void()> task = std::move(queue_.front().task);
    const auto queued_at = queue_.front().at;
    queue_.pop_front();
    const auto now = std::chrono::steady_clock::now();
    queue_wait_.Observe(std::chrono::duration<double>(now - queued_at).count(), SteadyMs(now));
    ++running_;
    lock.unlock();
    task();
    task = nullptr;  // release what the task held before taking the lock
    lock.lock();
    --running_;
  }
}

}  // namespace cairn::server
