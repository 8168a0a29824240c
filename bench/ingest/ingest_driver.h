// IngestDriver: pushes generated node_exporter-like history to one remote-write
// endpoint as fast as the server takes it, and counts what happened.
//
// History is cut into time slices of `rounds_per_request` scrape rounds, oldest
// first. Series are cut into blocks of batch_samples / rounds_per_request series;
// one request carries one block over one slice. Block b always goes through
// connection b % concurrency, so each series' samples arrive in time order, and no
// connection runs more than `max_lead_slices` ahead of the slowest one, so the
// whole load moves forward in time together (Prometheus rejects samples older than
// its head's max time minus one hour).
//
// Retries: connection errors, 5xx and 429 are retried with exponential backoff up
// to `max_retries` times; any other non-2xx answer is a rejection (counted, the
// first few bodies kept) and is not retried.
//
// Thread-safety: Run() starts `concurrency` threads and returns when all finish;
// call it once per driver.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "bench/ingest/http_client.h"
#include "bench/ingest/sample_generator.h"
#include "util/status.h"

namespace cairn::bench {

struct IngestOptions {
  HttpUrl url;                   // remote-write endpoint
  uint64_t series = 50000;       // number of series generated
  double hours = 6;              // length of the pushed history
  int concurrency = 4;           // parallel keep-alive connections
  uint64_t seed = 1;             // same seed → same series and samples
  int batch_samples = 4000;      // samples per request (about)
  int rounds_per_request = 1;    // samples per series per request
  int max_lead_slices = 8;       // how far one connection may run ahead, in slices
  int max_retries = 30;          // per request, for connection errors, 5xx and 429
  ScrapeSchedule schedule;       // start time, interval, jitter
  bool progress = true;          // print progress to stderr every few seconds
};

struct IngestStats {
  uint64_t series = 0;
  uint64_t samples_acked = 0;     // in requests answered 2xx
  uint64_t samples_rejected = 0;  // in requests answered 4xx (not 429)
  uint64_t samples_failed = 0;    // in requests that ran out of retries
  uint64_t requests = 0;          // HTTP requests sent, retries included
  uint64_t retries = 0;
  uint64_t raw_bytes = 0;         // uncompressed protobuf of acknowledged requests
  uint64_t wire_bytes = 0;        // snappy bodies of acknowledged requests
  double wall_seconds = 0;
  double driver_cpu_seconds = 0;  // this process' user+system CPU during Run()
  std::vector<std::string> errors;  // the first few rejection/failure messages
};

class IngestDriver {
 public:
  explicit IngestDriver(IngestOptions options);

  // Pushes the whole history. Fails only on a bad setup (no series, bad options);
  // per-request trouble is reported in the stats.
  Result<IngestStats> Run();

 private:
  // One connection's loop; adds what happened to `*stats`.
  void Work(int worker, SampleGenerator* gen, IngestStats* stats);
  // Blocks until slice `slice` is within max_lead_slices of the slowest worker.
  void WaitForLead(uint32_t slice);
  void FinishSlice(int worker, uint32_t slice);

  IngestOptions options_;
  std::vector<SeriesSpec> specs_;
  std::vector<std::string> encoded_labels_;
  uint32_t rounds_ = 0;
  uint32_t slices_ = 0;
  size_t series_per_request_ = 0;
  size_t blocks_ = 0;

  std::mutex mu_;
  std::condition_variable slice_done_;
  std::vector<uint32_t> progress_;  // guarded by mu_: slices finished per worker
  std::atomic<uint64_t> acked_{0};  // samples acknowledged so far, for progress output
};

}  // namespace cairn::bench
