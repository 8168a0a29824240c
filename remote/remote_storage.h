// RemoteStorage: the remote_write queues of the loaded config. The server
// builds it before opening the DB (so the DB's first checkpoint already
// keeps the WAL segments the queues' saved positions point into), then
// applies each loaded config: queues whose entry and external labels are
// unchanged keep running, the others are stopped or started.
// Thread-safety: every method is safe from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "remote/queue_manager.h"

namespace cairn::remote {

class RemoteStorage {
 public:
  // `base` supplies wal_dir, state_dir and series_labels for every queue.
  // `initial` are the entries of the config being loaded: their saved
  // positions are kept from the start, before any queue runs.
  RemoteStorage(QueueOptions base, const std::vector<RemoteWriteConfig>& initial);
  ~RemoteStorage();

  // Must be set before the first ApplyConfig (the DB exists only later).
  void SetSeriesLabels(std::function<std::optional<storage::Labels>(storage::SeriesRef)> fn);

  // Starts, keeps or stops queues. A queue that cannot be built (unreadable
  // CA file) fails the whole call; the queues in force then stay.
  Status ApplyConfig(const std::vector<RemoteWriteConfig>& configs, const storage::Labels& external_labels);
  // Stops every queue; with flush_deadline_ms > 0 they first send what the
  // WAL holds, all at once, for at most that long (QueueManager::Stop).
  void Stop(int64_t flush_deadline_ms = 0);

  // The oldest WAL segment any queue still needs (UINT64_MAX: none), for
  // DBOptions::wal_keep_from.
  uint64_t KeepFromSegment() const;
  // The lowest newest-sent timestamp over the queues (Prometheus'
  // LowestSentTimestamp, for the agent's series GC): 0 when a queue has sent
  // nothing yet or no queue runs.
  int64_t LowestSentTimestampMs() const;
  std::vector<QueueFigures> Figures() const;

 private:
  struct Entry {
    std::string key;  // entry YAML + external labels: equal keys keep running
    std::unique_ptr<QueueManager> queue;
  };
  QueueOptions base_;
  mutable std::mutex mu_;
  std::vector<Entry> queues_;        // guarded by mu_
  // Guarded by mu_: the saved positions of queues not running (before the
  // first ApplyConfig, after Stop), still kept for the DB.
  uint64_t initial_keep_ = UINT64_MAX;
  bool applied_ = false;             // guarded by mu_
};

}  // namespace cairn::remote
