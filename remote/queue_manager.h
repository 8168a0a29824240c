// QueueManager: one remote_write queue, Prometheus' QueueManager
// (storage/remote/queue_manager.go) over a WalWatcher:
//
//   WAL ──WalWatcher──▶ series cache (external labels, write_relabel_configs,
//                       applied once per series)
//                   └─▶ samples ──ref % shards──▶ shard queues (capacity each)
//   shard: a batch of max_samples_per_send or what batch_send_deadline
//   gathered ──encode (1.0/2.0)+snappy──▶ POST, retried with backoff on
//   network errors, 5xx and (retry_on_http_429) 429 honouring Retry-After;
//   other 4xx are dropped and counted.
//
// Delivery is at least once: the position saved under the data directory
// (`<state_dir>/<name>-<url hash>.pos`, rewritten every position_flush_ms)
// is the end of the last WAL record all of whose samples the receiver
// accepted (or refused for good), so a restart resends at most what was
// acknowledged during the last interval, and the DB keeps the segments from
// that position on (KeepFromSegment, DBOptions::wal_keep_from).
//
// Shards are resized every reshard_interval_ms by Prometheus'
// calculateDesiredShards (EWMA of samples in/out/dropped and send time,
// plus the backlog), not while sends are failing.
// Thread-safety: Start/Stop from one thread; Figures and KeepFromSegment
// from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <span>
#include <stop_token>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "remote/remote_write_config.h"
#include "remote/wal_watcher.h"
#include "remote/write_encoder.h"
#include "scrape/http/client.h"
#include "scrape/http/request.h"
#include "util/status.h"

namespace cairn::remote {

struct QueueOptions {
  std::string wal_dir;    // the DB's WAL directory
  std::string state_dir;  // where position files live (created)
  storage::Labels external_labels;
  // Labels of a series whose record the watcher did not read (written
  // before the queue's start position or in a deleted segment).
  std::function<std::optional<storage::Labels>(storage::SeriesRef)> series_labels;
  // The metric metadata to send (metadata_config.send, remote write 1.0);
  // none when unset.
  std::function<std::map<std::string, storage::Metadata>()> metadata;
  int64_t position_flush_ms = 1000;
  int64_t reshard_interval_ms = 10000;
  int watcher_poll_ms = 20;
};

// What /metrics shows of a queue (the prometheus_remote_storage_* families).
struct QueueFigures {
  std::string remote_name, url;
  uint64_t samples_in_total = 0;       // read from the WAL
  uint64_t samples_total = 0;          // sent, counting every attempt
  uint64_t samples_failed_total = 0;   // refused for good (4xx)
  uint64_t samples_retried_total = 0;  // in attempts that failed recoverably
  uint64_t samples_dropped_total = 0;  // relabeled away, unknown series, past sample_age_limit
  uint64_t bytes_total = 0;            // compressed request bytes sent
  uint64_t enqueue_retries_total = 0;  // waits for room in a full shard
  int64_t samples_pending = 0;
  int shards = 0, shards_desired = 0, shards_min = 0, shards_max = 0;
  int shard_capacity = 0, max_samples_per_send = 0;
  double highest_timestamp_seconds = 0;       // newest sample read from the WAL
  double highest_sent_timestamp_seconds = 0;  // newest sample the receiver accepted
  // sent_batch_duration_seconds: cumulative bucket counts over `bounds`.
  std::vector<double> duration_bounds;
  std::vector<uint64_t> duration_buckets;
  double duration_sum = 0;
  uint64_t duration_count = 0;
  uint64_t wal_segment = 0;                // the segment being read
  uint64_t wal_segments_skipped_total = 0;
  uint64_t wal_series_records_total = 0, wal_sample_records_total = 0;
  // metadata_config: entries sent, refused for good, in failed attempts; bytes.
  uint64_t metadata_total = 0, metadata_failed_total = 0, metadata_retried_total = 0, metadata_bytes_total = 0;
};

class QueueManager final : public WalHandler {
 public:
  // Builds the HTTP client (TLS material is read now) and reads the saved
  // position. Does not start anything.
  static Result<std::unique_ptr<QueueManager>> Create(RemoteWriteConfig cfg, QueueOptions opts);
  ~QueueManager() override;

  void Start();
  // Stops reading and sending; saves the position. With flush_deadline_ms
  // > 0 (shutdown, --storage.remote.flush-deadline) it first reads the WAL
  // to its end and sends everything it holds, for at most that long, as
  // Prometheus' flushDeadline; 0 stops at once (reload). Whatever was not
  // acknowledged is sent again after the next start.
  void Stop(int64_t flush_deadline_ms = 0);

  // The position file of `cfg` under `state_dir`, and what it holds.
  static std::string PositionPath(const std::string& state_dir, const RemoteWriteConfig& cfg);
  static std::optional<WalPosition> LoadPosition(const std::string& path);

  // The oldest WAL segment this queue needs: that of the saved position.
  uint64_t KeepFromSegment() const { return saved_segment_.load(std::memory_order_relaxed); }
  QueueFigures Figures() const;

  // WalHandler (the watcher thread).
  void OnSeries(const std::vector<storage::wal::RefSeries>& series) override;
  bool OnSamples(const std::vector<storage::wal::RefSample>& samples, WalPosition end) override;
  void OnIdle() override;

 private:
  struct Pending {
    const storage::Labels* labels;
    int64_t t_ms;
    double v;
    uint64_t seq;  // the WAL record it came from (Tracker)
  };
  struct Shard;
  class Tracker;

  QueueManager(RemoteWriteConfig cfg, QueueOptions opts, std::shared_ptr<const scrape::http::Client> client);
  const storage::Labels* Resolve(storage::SeriesRef ref);
  const storage::Labels* Process(storage::Labels labels);
  void StartShards(int n);
  // Drained: each shard sends what it holds, then exits; by `deadline` at
  // the latest, when the rest is abandoned. Otherwise they stop at once.
  void StopShards(bool drain,
                  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max());
  void RunShard(Shard* shard, std::stop_token stop);
  // Sends one batch until it is accepted, refused for good, or stop.
  void SendBatch(scrape::http::Session& session, std::vector<Pending>& batch, std::stop_token stop);
  void ControlLoop(std::stop_token stop);
  // Every metadata_config.send_interval: the metadata, in requests of at
  // most metadata_config.max_samples_per_send entries (upstream's
  // MetadataWatcher and sendMetadataWithBackoff).
  void MetadataLoop(std::stop_token stop);
  void SendMetadata(std::span<const OutMetadata> batch, std::stop_token stop);
  // A POST of `body` (uncompressed protobuf) with the queue's headers.
  scrape::http::Request BuildRequest(const std::string& body, std::stop_token stop) const;
  // Tries `attempt` until its answer is final: a 2xx, or a refusal not worth
  // retrying. Network errors, 5xx and (retry_on_http_429) 429 are retried with
  // doubling backoff, a Retry-After replacing the wait, as Prometheus'
  // sendWriteRequestWithBackoff; `on_retry` counts each. nullopt: stopped first.
  std::optional<scrape::http::Response> SendWithBackoff(
      const std::function<Result<scrape::http::Response>()>& attempt, const std::function<void()>& on_retry,
      std::stop_token stop);
  void SavePosition();  // the acknowledged position, when it moved
  void WritePosition(WalPosition pos);
  void UpdateRatesAndReshard();
  int DesiredShards(int current);
  bool Sleep(int64_t ms, std::stop_token stop);
  int64_t NowMs() const;

  const RemoteWriteConfig cfg_;
  const QueueOptions opts_;
  const std::string name_;
  const std::string position_path_;
  const std::shared_ptr<const scrape::http::Client> client_;
  WalPosition start_;
  std::unique_ptr<WalWatcher> watcher_;
  std::unique_ptr<Tracker> tracker_;

  // Series cache, watcher thread only; labels stay where they are for the
  // queue's life (shards point at them). nullptr: dropped by relabeling.
  std::unordered_map<storage::SeriesRef, const storage::Labels*> series_;
  std::deque<storage::Labels> series_store_;
  std::vector<std::vector<Pending>> route_;  // OnSamples' samples per shard, reused

  std::shared_mutex shards_mu_;  // OnSamples shared, resharding exclusive
  std::vector<std::unique_ptr<Shard>> shards_;
  std::atomic<int> num_shards_{0};
  std::atomic<int> desired_shards_{0};

  std::atomic<bool> running_{false};
  std::jthread watcher_thread_;
  std::stop_token watcher_stop_;  // the watcher thread's own
  std::jthread control_thread_;
  std::jthread metadata_thread_;
  std::atomic<uint64_t> saved_segment_{UINT64_MAX};
  // Shutdown flush: Stop sets flushing_ and waits for the watcher's next
  // OnIdle (everything written has been read and queued).
  std::mutex flush_mu_;
  std::condition_variable flush_cv_;
  bool flushing_ = false;   // guarded by flush_mu_
  bool caught_up_ = false;  // guarded by flush_mu_
  WalPosition saved_;  // control thread

  // Counters.
  std::atomic<uint64_t> samples_in_{0}, samples_total_{0}, samples_failed_{0}, samples_retried_{0},
      samples_dropped_{0}, samples_out_{0}, bytes_total_{0}, enqueue_retries_{0}, send_nanos_{0};
  std::atomic<int64_t> pending_{0};
  std::atomic<uint64_t> metadata_total_{0}, metadata_failed_{0}, metadata_retried_{0}, metadata_bytes_{0};
  std::atomic<int64_t> highest_in_ms_{0}, highest_sent_ms_{0}, last_send_ok_ms_{0};
  mutable std::mutex hist_mu_;
  std::vector<uint64_t> hist_counts_;  // per bucket, not cumulative; guarded by hist_mu_
  double hist_sum_ = 0;                // guarded by hist_mu_
  uint64_t hist_count_ = 0;            // guarded by hist_mu_

  // Rates for resharding (control thread).
  struct Ewma {
    double rate = 0;
    bool init = false;
    uint64_t last = 0;
    void Tick(uint64_t total, double seconds);
  };
  Ewma in_rate_, out_rate_, dropped_rate_, duration_rate_;
};

}  // namespace cairn::remote
