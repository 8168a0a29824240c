#include "remote/remote_storage.h"

#include <algorithm>
#include <thread>

namespace cairn::remote {

RemoteStorage::RemoteStorage(QueueOptions base, const std::vector<RemoteWriteConfig>& initial)
    : base_(std::move(base)) {
  for (const RemoteWriteConfig& cfg : initial) {
    if (auto pos = QueueManager::LoadPosition(QueueManager::PositionPath(base_.state_dir, cfg))) {
      initial_keep_ = std::min(initial_keep_, pos->segment);
    }
  }
}

RemoteStorage::~RemoteStorage() { Stop(); }

void RemoteStorage::SetSeriesLabels(std::function<std::optional<storage::Labels>(storage::SeriesRef)> fn) {
  std::lock_guard<std::mutex> lock(mu_);
  base_.series_labels = std::move(fn);
}

Status RemoteStorage::ApplyConfig(const std::vector<RemoteWriteConfig>& configs,
                                  const storage::Labels& external_labels) {
  std::lock_guard<std::mutex> lock(mu_);
  // Build every new queue first, so a failure changes nothing.
  std::vector<Entry> next;
  for (const RemoteWriteConfig& cfg : configs) {
    const std::string key = cfg.fingerprint + "\n" + external_labels.ToString();
    const bool kept = std::any_of(queues_.begin(), queues_.end(), [&](const Entry& e) { return e.key == key; });
    if (kept) {
      next.push_back({key, nullptr});
      continue;
    }
    QueueOptions opts = base_;
    opts.external_labels = external_labels;
    auto q = QueueManager::Create(cfg, opts);
    if (!q.ok()) return q.status().WithContext("remote_write " + QueueName(cfg));
    next.push_back({key, std::move(*q)});
  }
  for (Entry& n : next) {
    if (n.queue) continue;
    auto old = std::find_if(queues_.begin(), queues_.end(), [&](const Entry& e) { return e.key == n.key && e.queue; });
    n.queue = std::move(old->queue);
  }
  for (Entry& e : queues_) {
    if (e.queue) e.queue->Stop();  // not carried over
  }
  queues_ = std::move(next);
  for (Entry& e : queues_) e.queue->Start();  // no-op for the kept ones
  applied_ = true;
  return Status::OK();
}

void RemoteStorage::Stop(int64_t flush_deadline_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  // Flushing queues wait for their receivers: side by side, so the deadline
  // bounds the whole shutdown, not each queue.
  std::vector<std::thread> stopping;
  for (Entry& e : queues_) {
    stopping.emplace_back([q = e.queue.get(), flush_deadline_ms] { q->Stop(flush_deadline_ms); });
  }
  for (std::thread& t : stopping) t.join();
  // The DB's closing checkpoint comes after this: it must still keep what
  // the stopped queues will resend after the next start.
  uint64_t keep = UINT64_MAX;
  for (Entry& e : queues_) keep = std::min(keep, e.queue->KeepFromSegment());
  if (applied_) initial_keep_ = keep;
  applied_ = false;
  queues_.clear();
}

uint64_t RemoteStorage::KeepFromSegment() const {
  std::lock_guard<std::mutex> lock(mu_);
  uint64_t keep = applied_ ? UINT64_MAX : initial_keep_;
  for (const Entry& e : queues_) keep = std::min(keep, e.queue->KeepFromSegment());
  return keep;
}

int64_t RemoteStorage::LowestSentTimestampMs() const {
  std::lock_guard<std::mutex> lock(mu_);
  if (queues_.empty()) return 0;
  int64_t lowest = INT64_MAX;
  for (const Entry& e : queues_) {
    lowest = std::min(lowest, static_cast<int64_t>(e.queue->Figures().highest_sent_timestamp_seconds * 1000));
  }
  return lowest;
}

std::vector<QueueFigures> RemoteStorage::Figures() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<QueueFigures> out;
  for (const Entry& e : queues_) out.push_back(e.queue->Figures());
  return out;
}

}  // namespace cairn::remote
