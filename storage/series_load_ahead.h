// SeriesLoadAhead: loads the samples of a list of series on a background
// thread, in list order, a bounded number of series ahead of the consumer.
//
// Why: a query over many series spends about half its time in storage
// (RocksDB seeks, head snapshots, XOR decoding) and half evaluating. With the
// loading on its own thread the two halves overlap; what the consumer sees is
// unchanged (same series, same order, same samples).
//
// Memory: at most kMaxBatches batches of kBatch series wait for the consumer.
// Thread-safety: one consumer thread calls Next()/status(); the load function
// runs on the background thread only and must be safe there. The destructor
// stops the thread and waits for it.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "storage/sample.h"
#include "util/status.h"

namespace cairn::storage {

class SeriesLoadAhead {
 public:
  // Fills `out` (empty on entry) with the samples of series `index`.
  using LoadFn = std::function<Status(size_t index, std::vector<Sample>* out)>;

  struct Loaded {
    size_t index = 0;
    std::shared_ptr<const std::vector<Sample>> samples;  // never empty
  };

  // Starts loading series 0..count-1 at once.
  SeriesLoadAhead(size_t count, LoadFn load);
  ~SeriesLoadAhead();
  SeriesLoadAhead(const SeriesLoadAhead&) = delete;
  SeriesLoadAhead& operator=(const SeriesLoadAhead&) = delete;

  // The next series with samples, in index order; false at the end or on a
  // load error (see status()).
  bool Next(Loaded* out);
  Status status() const { return status_; }

  static constexpr size_t kBatch = 64;
  static constexpr size_t kMaxBatches = 4;

 private:
  void Run();

  const size_t count_;
  const LoadFn load_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::vector<Loaded>> ready_;  // guarded by mu_
  bool done_ = false;                      // guarded by mu_: the loader finished or failed
  bool stop_ = false;                      // guarded by mu_: the consumer is gone
  Status load_status_;                     // guarded by mu_

  std::vector<Loaded> current_;  // consumer side
  size_t pos_ = 0;
  Status status_;
  std::thread thread_;  // last: starts after every other member exists
};

}  // namespace cairn::storage
