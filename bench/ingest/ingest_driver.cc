#include "bench/ingest/ingest_driver.h"

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <thread>

#include "bench/ingest/node_series_catalog.h"
#include "remote/wire/write_request_v1.h"

namespace cairn::bench {
namespace {

constexpr size_t kMaxKeptErrors = 5;

double ProcessCpuSeconds() {
  rusage ru{};
  ::getrusage(RUSAGE_SELF, &ru);
  auto sec = [](const timeval& tv) { return tv.tv_sec + tv.tv_usec / 1e6; };
  return sec(ru.ru_utime) + sec(ru.ru_stime);
}

const std::vector<std::pair<std::string, std::string>>& RemoteWriteHeaders() {
  static const std::vector<std::pair<std::string, std::string>> kHeaders = {
      {"Content-Encoding", "snappy"},
      {"Content-Type", "application/x-protobuf"},
      {"X-Prometheus-Remote-Write-Version", "0.1.0"},
      {"User-Agent", "cairn-ingest-bench/0.1"},
  };
  return kHeaders;
}

}  // namespace

IngestDriver::IngestDriver(IngestOptions options) : options_(std::move(options)) {}

void IngestDriver::WaitForLead(uint32_t slice) {
  std::unique_lock lock(mu_);
  slice_done_.wait(lock, [&] {
    uint32_t slowest = *std::min_element(progress_.begin(), progress_.end());
    return slice <= slowest + static_cast<uint32_t>(options_.max_lead_slices);
  });
}

void IngestDriver::FinishSlice(int worker, uint32_t slice) {
  {
    std::lock_guard lock(mu_);
    progress_[worker] = slice + 1;
  }
  slice_done_.notify_all();
}

void IngestDriver::Work(int worker, SampleGenerator* gen, IngestStats* stats) {
  IngestStats& st = *stats;
  HttpClient client(options_.url.host, options_.url.port);
  remote::wire::WriteRequestV1Writer encoder;
  std::string body;
  const size_t concurrency = static_cast<size_t>(options_.concurrency);
  const uint32_t per_request = static_cast<uint32_t>(options_.rounds_per_request);

  for (uint32_t slice = 0; slice < slices_; ++slice) {
    WaitForLead(slice);
    const uint32_t r0 = slice * per_request, r1 = std::min(rounds_, r0 + per_request);
    for (size_t block = worker; block < blocks_; block += concurrency) {
      const size_t first = block * series_per_request_;
      const size_t last = std::min(specs_.size(), first + series_per_request_);
      encoder.Clear();
      for (size_t i = first; i < last; ++i) {
        encoder.BeginSeries(encoded_labels_[i]);
        const uint32_t instance = specs_[i].instance;
        for (uint32_t r = r0; r < r1; ++r) {
          encoder.AddSample(gen->TimestampMs(instance, r), gen->NextValue(i, r));
        }
        encoder.EndSeries();
      }
      encoder.CompressTo(&body);
      const uint64_t samples = (last - first) * (r1 - r0);

      bool done = false;
      for (int attempt = 0; attempt <= options_.max_retries && !done; ++attempt) {
        if (attempt > 0) {
          ++st.retries;
          const int backoff_ms = std::min(2000, 50 << std::min(attempt - 1, 6));
          std::this_thread::sleep_for(std::chrono::milliseconds(backoff_ms));
        }
        ++st.requests;
        auto resp = client.Post(options_.url.path, body, RemoteWriteHeaders());
        std::string problem;
        if (!resp.ok()) {
          problem = resp.status().ToString();
        } else if (resp->status >= 200 && resp->status < 300) {
          st.samples_acked += samples;
          st.raw_bytes += encoder.raw().size();
          st.wire_bytes += body.size();
          acked_.fetch_add(samples, std::memory_order_relaxed);
          done = true;
          continue;
        } else if (resp->status >= 500 || resp->status == 429) {
          problem = "HTTP " + std::to_string(resp->status) + ": " + resp->body;
        } else {
          st.samples_rejected += samples;
          if (st.errors.size() < kMaxKeptErrors) {
            st.errors.push_back("HTTP " + std::to_string(resp->status) + ": " + resp->body);
          }
          done = true;
          continue;
        }
        if (attempt == options_.max_retries) {
          st.samples_failed += samples;
          if (st.errors.size() < kMaxKeptErrors) st.errors.push_back("gave up: " + problem);
        }
      }
    }
    FinishSlice(worker, slice);
  }
}

Result<IngestStats> IngestDriver::Run() {
  if (options_.series == 0) return Status::InvalidArgument("--series must be > 0");
  if (options_.concurrency <= 0) return Status::InvalidArgument("--concurrency must be > 0");
  if (options_.rounds_per_request <= 0 || options_.batch_samples < options_.rounds_per_request) {
    return Status::InvalidArgument("--batch must be >= --rounds-per-request >= 1");
  }
  if (options_.schedule.interval_ms <= 2 * options_.schedule.jitter_ms) {
    return Status::InvalidArgument("jitter must be below half the scrape interval");
  }
  const double rounds = std::floor(options_.hours * 3600000.0 / options_.schedule.interval_ms);
  if (rounds < 1 || rounds > 1e8) return Status::InvalidArgument("--hours gives no scrape round");
  rounds_ = static_cast<uint32_t>(rounds);
  slices_ = (rounds_ + options_.rounds_per_request - 1) / options_.rounds_per_request;
  series_per_request_ = static_cast<size_t>(options_.batch_samples / options_.rounds_per_request);

  specs_ = BuildNodeSeries(options_.series, options_.seed);
  encoded_labels_.reserve(specs_.size());
  for (const auto& s : specs_) encoded_labels_.push_back(remote::wire::WriteRequestV1Writer::EncodeLabels(s.labels));
  blocks_ = (specs_.size() + series_per_request_ - 1) / series_per_request_;
  progress_.assign(options_.concurrency, 0);
  SampleGenerator gen(&specs_, options_.seed, options_.schedule);

  std::vector<IngestStats> stats(options_.concurrency);
  const double cpu0 = ProcessCpuSeconds();
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<std::thread> workers;
  for (int w = 0; w < options_.concurrency; ++w) {
    workers.emplace_back([this, w, &gen, &stats] { Work(w, &gen, &stats[w]); });
  }

  // Progress every 10 s on stderr, until the workers are done.
  std::mutex report_mu;
  std::condition_variable report_cv;
  bool finished = false;  // guarded by report_mu
  std::thread reporter;
  if (options_.progress) {
    reporter = std::thread([&] {
      const uint64_t total = static_cast<uint64_t>(rounds_) * specs_.size();
      std::unique_lock lock(report_mu);
      while (!report_cv.wait_for(lock, std::chrono::seconds(10), [&] { return finished; })) {
        const double secs =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        const uint64_t acked = acked_.load(std::memory_order_relaxed);
        std::fprintf(stderr, "  %6.0fs  %llu/%llu samples acked (%.1f%%), %.0f samples/s\n", secs,
                     static_cast<unsigned long long>(acked), static_cast<unsigned long long>(total),
                     100.0 * acked / total, acked / secs);
      }
    });
  }
  for (auto& t : workers) t.join();
  const auto t1 = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(report_mu);
    finished = true;
  }
  report_cv.notify_all();
  if (reporter.joinable()) reporter.join();

  IngestStats total;
  total.series = specs_.size();
  total.wall_seconds = std::chrono::duration<double>(t1 - t0).count();
  total.driver_cpu_seconds = ProcessCpuSeconds() - cpu0;
  for (auto& w : stats) {
    total.samples_acked += w.samples_acked;
    total.samples_rejected += w.samples_rejected;
    total.samples_failed += w.samples_failed;
    total.requests += w.requests;
    total.retries += w.retries;
    total.raw_bytes += w.raw_bytes;
    total.wire_bytes += w.wire_bytes;
    for (auto& e : w.errors) {
      if (total.errors.size() < kMaxKeptErrors) total.errors.push_back(std::move(e));
    }
  }
  return total;
}

}  // namespace cairn::bench
