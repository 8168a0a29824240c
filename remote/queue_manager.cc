#include "remote/queue_manager.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "ingest/md5.h"
#include "remote/retry_after.h"
#include "scrape/http/request.h"

namespace cairn::remote {
namespace {

// Prometheus' sent_batch_duration_seconds buckets (DefBuckets plus 25..300).
const std::vector<double>& DurationBounds() {
  static const std::vector<double> b = {.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 25, 60, 120, 300};
  return b;
}

constexpr double kEwmaWeight = 0.2;          // upstream's ewmaWeight
constexpr double kShardTolerance = 0.3;      // upstream's shardToleranceFraction

int64_t SteadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

// Records in flight: each WAL sample record gets a sequence number and the
// count of its samples still unsent; the position advances over records
// whose samples are all done, in WAL order.
class QueueManager::Tracker {
 public:
  explicit Tracker(WalPosition start) : acked_(start) {}
  uint64_t Add(int64_t count, WalPosition end) {
    std::lock_guard<std::mutex> lock(mu_);
    const uint64_t seq = first_ + chunks_.size();
    chunks_.push_back({count, end});
    Advance();
    return seq;
  }
  void Done(uint64_t seq, int64_t n) {
    std::lock_guard<std::mutex> lock(mu_);
    chunks_[seq - first_].remaining -= n;
    Advance();
  }
  WalPosition acked() const {
    std::lock_guard<std::mutex> lock(mu_);
    return acked_;
  }

 private:
  struct Chunk {
    int64_t remaining;
    WalPosition end;
  };
  void Advance() {
    while (!chunks_.empty() && chunks_.front().remaining == 0) {
      acked_ = chunks_.front().end;
      chunks_.pop_front();
      ++first_;
    }
  }
  mutable std::mutex mu_;
  std::deque<Chunk> chunks_;
  uint64_t first_ = 0;
  WalPosition acked_;
};

struct QueueManager::Shard {
  std::mutex mu;
  std::condition_variable_any cv;  // samples arrived, room freed, drain asked
  std::deque<Pending> queue;
  bool draining = false;
  std::atomic<bool> exited{false};  // RunShard returned
  std::jthread thread;
};

void QueueManager::Ewma::Tick(uint64_t total, double seconds) {
  const double instant = static_cast<double>(total - last) / seconds;
  last = total;
  if (init) {
    rate += kEwmaWeight * (instant - rate);
  } else {
    rate = instant;
    init = true;
  }
}

QueueManager::QueueManager(RemoteWriteConfig cfg, QueueOptions opts, std::shared_ptr<const scrape::http::Client> client)
    : cfg_(std::move(cfg)),
      opts_(std::move(opts)),
      name_(QueueName(cfg_)),
      position_path_(PositionPath(opts_.state_dir, cfg_)),
      client_(std::move(client)),
      hist_counts_(DurationBounds().size() + 1, 0) {}

QueueManager::~QueueManager() { Stop(); }

Result<std::unique_ptr<QueueManager>> QueueManager::Create(RemoteWriteConfig cfg, QueueOptions opts) {
  auto client = scrape::http::Client::Create(cfg.http);
  if (!client.ok()) return client.status();
  std::error_code ec;
  std::filesystem::create_directories(opts.state_dir, ec);
  if (ec) return Status::IOError("create " + opts.state_dir + ": " + ec.message());
  std::unique_ptr<QueueManager> q(new QueueManager(std::move(cfg), std::move(opts), std::move(*client)));
  const auto saved = LoadPosition(q->position_path_);
  q->start_ = saved ? *saved : WalWatcher::EndOfWal(q->opts_.wal_dir);
  q->saved_ = q->start_;
  q->saved_segment_ = q->start_.segment;
  // A new queue's starting point is saved at once: a crash before its first
  // acknowledged send must not move it to a later end of the WAL.
  if (!saved) q->WritePosition(q->start_);
  return q;
}

std::string QueueManager::PositionPath(const std::string& state_dir, const RemoteWriteConfig& cfg) {
  const ingest::Md5Digest d = ingest::Md5(cfg.url);
  char hex[9];
  std::snprintf(hex, sizeof(hex), "%02x%02x%02x%02x", d[0], d[1], d[2], d[3]);
  return state_dir + "/" + QueueName(cfg) + "-" + hex + ".pos";
}

std::optional<WalPosition> QueueManager::LoadPosition(const std::string& path) {
  std::ifstream in(path);
  WalPosition p;
  if (!(in >> p.segment >> p.offset)) return std::nullopt;
  return p;
}

void QueueManager::SavePosition() {
  const WalPosition pos = tracker_->acked();
  if (pos == saved_) return;
  WritePosition(pos);
}

void QueueManager::WritePosition(WalPosition pos) {
  const std::string tmp = position_path_ + ".tmp";
  const std::string text = std::to_string(pos.segment) + " " + std::to_string(pos.offset) + "\n";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return;
  const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), position_path_.c_str()) != 0) return;
  saved_ = pos;
  saved_segment_.store(pos.segment, std::memory_order_relaxed);
}

int64_t QueueManager::NowMs() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void QueueManager::Start() {
  if (running_) return;
  tracker_ = std::make_unique<Tracker>(start_);
  watcher_ = std::make_unique<WalWatcher>(opts_.wal_dir, this, opts_.watcher_poll_ms);
  StartShards(cfg_.queue.min_shards);
  desired_shards_ = cfg_.queue.min_shards;
  last_send_ok_ms_ = SteadyMs();
  running_ = true;
  watcher_thread_ = std::jthread([this](std::stop_token stop) {
    watcher_stop_ = stop;  // OnSamples runs on this thread and waits with it
    watcher_->Run(start_, stop);
  });
  control_thread_ = std::jthread([this](std::stop_token stop) { ControlLoop(stop); });
  // Metadata goes in 1.0's metadata-only requests; 2.0 would carry it per
  // series, which this sender does not do.
  if (cfg_.metadata.send && cfg_.protobuf_message == WireFormat::kV1 && opts_.metadata) {
    metadata_thread_ = std::jthread([this](std::stop_token stop) { MetadataLoop(stop); });
  }
}

void QueueManager::Stop(int64_t flush_deadline_ms) {
  if (!running_.exchange(false)) return;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(flush_deadline_ms);
  control_thread_.request_stop();
  if (control_thread_.joinable()) control_thread_.join();  // no resharding from here on
  metadata_thread_.request_stop();
  if (metadata_thread_.joinable()) metadata_thread_.join();
  if (flush_deadline_ms > 0) {
    // Let the watcher read what the WAL holds; samples go on being sent
    // meanwhile (a full shard holds the watcher until there is room).
    std::unique_lock<std::mutex> lock(flush_mu_);
    flushing_ = true;
    caught_up_ = false;
    flush_cv_.wait_until(lock, deadline, [this] { return caught_up_; });
  }
  watcher_thread_.request_stop();
  if (flush_deadline_ms <= 0) {
    std::shared_lock<std::shared_mutex> lock(shards_mu_);
    for (auto& s : shards_) s->thread.request_stop();
  }
  if (watcher_thread_.joinable()) watcher_thread_.join();
  StopShards(flush_deadline_ms > 0, deadline);
  SavePosition();
}

void QueueManager::OnIdle() {
  std::lock_guard<std::mutex> lock(flush_mu_);
  if (!flushing_) return;
  caught_up_ = true;
  flush_cv_.notify_all();
}

void QueueManager::StartShards(int n) {
  shards_.clear();
  for (int i = 0; i < n; ++i) shards_.push_back(std::make_unique<Shard>());
  for (auto& s : shards_) {
    Shard* raw = s.get();
    s->thread = std::jthread([this, raw](std::stop_token stop) { RunShard(raw, stop); });
  }
  num_shards_ = n;
}

void QueueManager::StopShards(bool drain, std::chrono::steady_clock::time_point deadline) {
  for (auto& s : shards_) {
    {
      std::lock_guard<std::mutex> lock(s->mu);
      s->draining = true;
    }
    if (!drain) s->thread.request_stop();
    s->cv.notify_all();
  }
  if (drain) {
    // Each shard exits once its queue is empty (RunShard); past the deadline
    // a shard still retrying a dead receiver is stopped.
    for (auto& s : shards_) {
      while (!s->exited.load() && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
      if (!s->exited.load()) s->thread.request_stop();
    }
  }
  for (auto& s : shards_) {
    if (s->thread.joinable()) s->thread.join();
    pending_ -= static_cast<int64_t>(s->queue.size());  // left unsent: resent after the next start
  }
  shards_.clear();
}

const storage::Labels* QueueManager::Process(storage::Labels labels) {
  // External labels first (series labels win), then write_relabel_configs,
  // as upstream's StoreSeries does.
  if (!opts_.external_labels.empty()) {
    std::vector<storage::Label> merged = labels.vec();
    for (const storage::Label& l : opts_.external_labels) {
      if (!labels.Has(l.name)) merged.push_back(l);
    }
    labels = storage::Labels::FromUnsorted(std::move(merged));
  }
  if (!cfg_.write_relabel.empty()) {
    ingest::RelabelResult r = ingest::Process(std::move(labels), cfg_.write_relabel);
    if (!r.keep || r.labels.empty()) return nullptr;
    labels = std::move(r.labels);
  }
  series_store_.push_back(std::move(labels));
  return &series_store_.back();
}

void QueueManager::OnSeries(const std::vector<storage::wal::RefSeries>& series) {
  // Refs are never reused for other labels, and the agent's truncation logs
  // every live series again: a known ref needs no second relabeling.
  for (const auto& s : series) {
    if (series_.count(s.ref) == 0) series_[s.ref] = Process(s.labels);
  }
}

const storage::Labels* QueueManager::Resolve(storage::SeriesRef ref) {
  auto it = series_.find(ref);
  if (it != series_.end()) return it->second;
  std::optional<storage::Labels> labels;
  if (opts_.series_labels) labels = opts_.series_labels(ref);
  if (!labels) return nullptr;  // not cached: it may appear later
  const storage::Labels* p = Process(std::move(*labels));
  series_.emplace(ref, p);
  return p;
}

bool QueueManager::OnSamples(const std::vector<storage::wal::RefSample>& samples, WalPosition end) {
  samples_in_.fetch_add(samples.size(), std::memory_order_relaxed);
  std::vector<std::pair<const storage::Labels*, const storage::wal::RefSample*>> keep;
  keep.reserve(samples.size());
  int64_t hi = highest_in_ms_.load(std::memory_order_relaxed);
  for (const auto& s : samples) {
    hi = std::max(hi, s.t_ms);
    const storage::Labels* labels = Resolve(s.ref);
    if (labels == nullptr) {
      samples_dropped_.fetch_add(1, std::memory_order_relaxed);
      continue;
    }
    keep.emplace_back(labels, &s);
  }
  highest_in_ms_.store(hi, std::memory_order_relaxed);
  const uint64_t seq = tracker_->Add(static_cast<int64_t>(keep.size()), end);
  if (keep.empty()) return true;
  std::shared_lock<std::shared_mutex> lock(shards_mu_);
  const std::stop_token stop = watcher_stop_;
  const size_t n = shards_.size();
  const size_t capacity = static_cast<size_t>(cfg_.queue.capacity);
  const size_t max_send = static_cast<size_t>(cfg_.queue.max_samples_per_send);
  // Routed first, so each shard's lock is taken once per record, not per sample.
  route_.resize(n);
  for (auto& r : route_) r.clear();
  for (const auto& [labels, s] : keep) route_[s->ref % n].push_back({labels, s->t_ms, s->v, seq});
  for (size_t i = 0; i < n; ++i) {
    Shard& shard = *shards_[i];
    const std::vector<Pending>& mine = route_[i];
    size_t next = 0;
    while (next < mine.size()) {
      std::unique_lock<std::mutex> sl(shard.mu);
      if (shard.queue.size() >= capacity) {
        enqueue_retries_.fetch_add(1, std::memory_order_relaxed);
        shard.cv.wait(sl, stop, [&] { return shard.queue.size() < capacity; });
        if (stop.stop_requested()) return false;
      }
      const size_t room = std::min(capacity - shard.queue.size(), mine.size() - next);
      shard.queue.insert(shard.queue.end(), mine.begin() + static_cast<std::ptrdiff_t>(next),
                         mine.begin() + static_cast<std::ptrdiff_t>(next + room));
      next += room;
      pending_.fetch_add(static_cast<int64_t>(room), std::memory_order_relaxed);
      if (shard.queue.size() >= max_send) shard.cv.notify_all();
    }
  }
  return true;
}

void QueueManager::RunShard(Shard* shard, std::stop_token stop) {
  struct MarkExited {
    Shard* s;
    ~MarkExited() { s->exited = true; }
  } mark{shard};
  const size_t max = static_cast<size_t>(cfg_.queue.max_samples_per_send);
  std::vector<Pending> batch;
  scrape::http::Session session(*client_);  // the shard's kept-alive connection
  while (!stop.stop_requested()) {
    {
      std::unique_lock<std::mutex> lock(shard->mu);
      shard->cv.wait_for(lock, stop, std::chrono::milliseconds(cfg_.queue.batch_send_deadline_ms),
                         [&] { return shard->queue.size() >= max || shard->draining; });
      if (stop.stop_requested()) return;
      if (shard->queue.empty()) {
        if (shard->draining) return;
        continue;
      }
      const size_t n = std::min(max, shard->queue.size());
      batch.assign(shard->queue.begin(), shard->queue.begin() + static_cast<std::ptrdiff_t>(n));
      shard->queue.erase(shard->queue.begin(), shard->queue.begin() + static_cast<std::ptrdiff_t>(n));
    }
    shard->cv.notify_all();  // room for the watcher
    SendBatch(session, batch, stop);
  }
}

bool QueueManager::Sleep(int64_t ms, std::stop_token stop) {
  std::mutex mu;
  std::condition_variable_any cv;
  std::unique_lock<std::mutex> lock(mu);
  cv.wait_for(lock, stop, std::chrono::milliseconds(ms), [] { return false; });
  return !stop.stop_requested();
}

void QueueManager::SendBatch(scrape::http::Session& session, std::vector<Pending>& batch, std::stop_token stop) {
  // Samples past sample_age_limit are dropped before sending.
  // (seq, samples finished): a shard's samples come in WAL order, so runs of
  // one seq; a seq may still appear twice, which Done() adds up.
  std::vector<std::pair<uint64_t, int64_t>> done;
  auto count = [&done](uint64_t seq) {
    if (done.empty() || done.back().first != seq) done.emplace_back(seq, 0);
    done.back().second++;
  };
  if (cfg_.queue.sample_age_limit_ms > 0) {
    const int64_t oldest = NowMs() - cfg_.queue.sample_age_limit_ms;
    auto old = std::stable_partition(batch.begin(), batch.end(), [&](const Pending& p) { return p.t_ms >= oldest; });
    for (auto it = old; it != batch.end(); ++it) count(it->seq);
    samples_dropped_.fetch_add(static_cast<uint64_t>(batch.end() - old), std::memory_order_relaxed);
    batch.erase(old, batch.end());
  }
  for (const Pending& p : batch) count(p.seq);
  auto finish = [&] {
    pending_.fetch_sub(static_cast<int64_t>(batch.size()), std::memory_order_relaxed);
    for (const auto& [seq, n] : done) tracker_->Done(seq, n);
  };
  if (batch.empty()) {
    finish();
    return;
  }
  std::vector<OutSample> out;
  out.reserve(batch.size());
  int64_t hi = 0;
  for (const Pending& p : batch) {
    out.push_back({p.labels, p.t_ms, p.v});
    hi = std::max(hi, p.t_ms);
  }
  scrape::http::Request req = BuildRequest(EncodeWriteRequest(out, cfg_.protobuf_message), stop);
  const uint64_t n = batch.size();
  auto attempt = [&] {
    samples_total_.fetch_add(n, std::memory_order_relaxed);
    const auto start = std::chrono::steady_clock::now();
    auto res = session.Do(req);
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    {
      std::lock_guard<std::mutex> lock(hist_mu_);
      const auto& b = DurationBounds();
      hist_counts_[std::lower_bound(b.begin(), b.end(), secs) - b.begin()]++;
      hist_sum_ += secs;
      hist_count_++;
    }
    send_nanos_.fetch_add(static_cast<uint64_t>(secs * 1e9), std::memory_order_relaxed);
    return res;
  };
  auto res = SendWithBackoff(attempt, [&] { samples_retried_.fetch_add(n, std::memory_order_relaxed); }, stop);
  if (!res) return;  // not acknowledged: sent again after the next start
  if (res->status / 100 != 2) {
    samples_failed_.fetch_add(n, std::memory_order_relaxed);
    std::cerr << "remote_write " << name_ << ": non-recoverable error, dropping " << n
              << " samples: server returned HTTP status " << res->status_text << "\n";
    finish();
    return;
  }
  if (cfg_.protobuf_message == WireFormat::kV2) {
    // A 2.0 receiver says how much it stored; less than sent is data loss
    // it admits to, counted as failed.
    const std::string written = res->Header("X-Prometheus-Remote-Write-Samples-Written");
    if (!written.empty() && std::all_of(written.begin(), written.end(), ::isdigit) && written.size() < 19) {
      const uint64_t w = std::stoull(written);
      if (w < n) samples_failed_.fetch_add(n - w, std::memory_order_relaxed);
    }
  }
  bytes_total_.fetch_add(req.body.size(), std::memory_order_relaxed);
  samples_out_.fetch_add(n, std::memory_order_relaxed);
  int64_t cur = highest_sent_ms_.load(std::memory_order_relaxed);
  while (hi > cur && !highest_sent_ms_.compare_exchange_weak(cur, hi, std::memory_order_relaxed)) {
  }
  last_send_ok_ms_.store(SteadyMs(), std::memory_order_relaxed);
  finish();
}

std::optional<scrape::http::Response> QueueManager::SendWithBackoff(
    const std::function<Result<scrape::http::Response>()>& attempt, const std::function<void()>& on_retry,
    std::stop_token stop) {
  int64_t backoff = cfg_.queue.min_backoff_ms;
  while (!stop.stop_requested()) {
    auto res = attempt();
    if (stop.stop_requested()) return std::nullopt;
    const bool recoverable =
        !res.ok() || res->status / 100 == 5 || (res->status == 429 && cfg_.queue.retry_on_http_429);
    if (!recoverable) return std::move(res).value();
    on_retry();
    // A Retry-After (seconds or a future HTTP-date) replaces the backoff,
    // and the next backoff doubles from it, as Prometheus' sendWriteRequestWithBackoff.
    int64_t wait = backoff;
    if (res.ok()) {
      const auto after = RetryAfterMs(res->Header("Retry-After"), NowMs());
      if (after && *after > 0) wait = *after;
    }
    if (!Sleep(wait, stop)) return std::nullopt;
    backoff = std::min(wait * 2, cfg_.queue.max_backoff_ms);
  }
  return std::nullopt;
}

int QueueManager::DesiredShards(int current) {
  const double in = in_rate_.rate, out = out_rate_.rate, dropped = dropped_rate_.rate;
  const double kept = out + dropped > 0 ? out / (out + dropped) : 1;
  const double out_duration = duration_rate_.rate / 1e9;
  const double delay =
      static_cast<double>(highest_in_ms_.load() - highest_sent_ms_.load()) / 1000.0;
  const double backlog = std::max(0.0, delay) * in * kept;
  if (out <= 0) return current;
  const double time_per_sample = out_duration / out;
  // Upstream's integralGain: 0.1 per second of the 10 s shard update period.
  const double integral_gain = 0.1 / (static_cast<double>(opts_.reshard_interval_ms) / 1000.0);
  const double desired = time_per_sample * (in * kept + integral_gain * backlog);
  if (desired >= current * (1 - kShardTolerance) && desired <= current * (1 + kShardTolerance)) return current;
  int n = static_cast<int>(std::ceil(desired));
  return std::clamp(n, cfg_.queue.min_shards, cfg_.queue.max_shards);
}

void QueueManager::UpdateRatesAndReshard() {
  const double secs = static_cast<double>(opts_.reshard_interval_ms) / 1000.0;
  in_rate_.Tick(samples_in_.load(), secs);
  out_rate_.Tick(samples_out_.load(), secs);
  dropped_rate_.Tick(samples_dropped_.load(), secs);
  duration_rate_.Tick(send_nanos_.load(), secs);
  const int current = num_shards_.load();
  const int desired = DesiredShards(current);
  desired_shards_ = desired;
  // Not while sends fail: stopping shards waits for their batches.
  if (desired == current || SteadyMs() - last_send_ok_ms_.load() > 2 * cfg_.queue.batch_send_deadline_ms) return;
  std::unique_lock<std::shared_mutex> lock(shards_mu_);
  StopShards(true);
  StartShards(desired);
}

scrape::http::Request QueueManager::BuildRequest(const std::string& body, std::stop_token stop) const {
  scrape::http::Request req;
  req.method = "POST";
  req.url = cfg_.url;
  req.body = SnappyCompress(body);
  req.headers = {{"Content-Encoding", "snappy"},
                 {"Content-Type", std::string(ContentType(cfg_.protobuf_message))},
                 {"X-Prometheus-Remote-Write-Version", std::string(ProtocolVersion(cfg_.protobuf_message))}};
  for (const auto& h : cfg_.headers) req.headers.push_back(h);
  req.timeout = std::chrono::milliseconds(cfg_.remote_timeout_ms);
  req.stop = stop;
  return req;
}

void QueueManager::MetadataLoop(std::stop_token stop) {
  // Like upstream's ticker: the first send one interval after the start.
  while (Sleep(cfg_.metadata.send_interval_ms, stop)) {
    const std::map<std::string, storage::Metadata> all = opts_.metadata();
    std::vector<OutMetadata> batch;
    for (const auto& [family, md] : all) {
      batch.push_back({family, &md});
      if (batch.size() >= static_cast<size_t>(cfg_.metadata.max_samples_per_send)) {
        SendMetadata(batch, stop);
        batch.clear();
      }
    }
    if (!batch.empty()) SendMetadata(batch, stop);
  }
}

void QueueManager::SendMetadata(std::span<const OutMetadata> batch, std::stop_token stop) {
  const scrape::http::Request req = BuildRequest(EncodeMetadataRequest(batch), stop);
  const uint64_t n = batch.size();
  auto res = SendWithBackoff([&] { return scrape::http::DoRequest(*client_, req); },
                             [&] { metadata_retried_.fetch_add(n, std::memory_order_relaxed); }, stop);
  if (!res) return;
  if (res->status / 100 != 2) {
    metadata_failed_.fetch_add(n, std::memory_order_relaxed);
    std::cerr << "remote_write " << name_ << ": non-recoverable error sending metadata, dropping " << n
              << " entries: server returned HTTP status " << res->status_text << "\n";
    return;
  }
  metadata_total_.fetch_add(n, std::memory_order_relaxed);
  metadata_bytes_.fetch_add(req.body.size(), std::memory_order_relaxed);
}

void QueueManager::ControlLoop(std::stop_token stop) {
  int64_t next_reshard = SteadyMs() + opts_.reshard_interval_ms;
  while (Sleep(opts_.position_flush_ms, stop)) {
    SavePosition();
    if (SteadyMs() >= next_reshard) {
      next_reshard += opts_.reshard_interval_ms;
      UpdateRatesAndReshard();
    }
  }
}

QueueFigures QueueManager::Figures() const {
  QueueFigures f;
  f.remote_name = name_;
  f.url = cfg_.url;
  f.samples_in_total = samples_in_.load();
  f.samples_total = samples_total_.load();
  f.metadata_total = metadata_total_.load();
  f.metadata_failed_total = metadata_failed_.load();
  f.metadata_retried_total = metadata_retried_.load();
  f.metadata_bytes_total = metadata_bytes_.load();
  f.samples_failed_total = samples_failed_.load();
  f.samples_retried_total = samples_retried_.load();
  f.samples_dropped_total = samples_dropped_.load();
  f.bytes_total = bytes_total_.load();
  f.enqueue_retries_total = enqueue_retries_.load();
  f.samples_pending = std::max<int64_t>(0, pending_.load());
  f.shards = num_shards_.load();
  f.shards_desired = desired_shards_.load();
  f.shards_min = cfg_.queue.min_shards;
  f.shards_max = cfg_.queue.max_shards;
  f.shard_capacity = cfg_.queue.capacity;
  f.max_samples_per_send = cfg_.queue.max_samples_per_send;
  f.highest_timestamp_seconds = static_cast<double>(highest_in_ms_.load()) / 1000.0;
  f.highest_sent_timestamp_seconds = static_cast<double>(highest_sent_ms_.load()) / 1000.0;
  f.duration_bounds = DurationBounds();
  {
    std::lock_guard<std::mutex> lock(hist_mu_);
    uint64_t cum = 0;
    for (size_t i = 0; i < f.duration_bounds.size(); ++i) {
      cum += hist_counts_[i];
      f.duration_buckets.push_back(cum);
    }
    f.duration_sum = hist_sum_;
    f.duration_count = hist_count_;
  }
  if (watcher_) {
    f.wal_segment = watcher_->current_segment();
    f.wal_segments_skipped_total = watcher_->segments_skipped_total();
    f.wal_series_records_total = watcher_->series_records_total();
    f.wal_sample_records_total = watcher_->sample_records_total();
  }
  return f;
}

}  // namespace cairn::remote
