// Progress: what long operations (import, export, delete, compact, snapshot)
// show while they run.
//
// On a terminal a bar redrawn in place every 100 ms, with rate and ETA:
//   import [##########..........]  50% 500000/1000000 samples  812345 samples/s  ETA 0:01
// Otherwise (a pipe, a log file) one plain line every --progress-interval:
//   import: 500000/1000000 samples (50%), 812345 samples/s
// and always a final line saying how far it got:
//   import: done, 1000000 samples in 1.2s (833333 samples/s)
//   import: interrupted after 500000 of 1000000 samples (50%)
//
// Ctrl-C: InstallInterruptHandler() makes the first SIGINT only set a flag
// (StopRequested()) that the operation polls between batches, so it stops
// cleanly, reports with Interrupted() and exits 130; a second SIGINT kills
// the process as usual.
//
// Thread-safety: Add() and SetTotal() may be called from any thread; the
// reporter draws from its own thread. Finish()/Interrupted() once, from the
// owner.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <ostream>
#include <string>
#include <thread>

namespace cairn::cairnctl {

class Progress {
 public:
  struct Options {
    std::string unit = "samples";
    uint64_t total = 0;  // 0: unknown (no bar, percentage or ETA)
    // Draw the bar (true) or plain periodic lines (false). Default: whether
    // `out` is stderr and stderr is a terminal.
    bool tty = false;
    std::chrono::milliseconds plain_interval{5000};
    std::ostream* out = nullptr;  // default std::cerr
  };

  // Options.tty as decided for stderr.
  static bool StderrIsTerminal();

  Progress(std::string what, Options options);
  ~Progress();  // stops drawing; does not print a final line
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void Add(uint64_t n) { done_.fetch_add(n, std::memory_order_relaxed); }
  void SetTotal(uint64_t total) { total_.store(total, std::memory_order_relaxed); }
  uint64_t done() const { return done_.load(std::memory_order_relaxed); }

  // The final lines (see the header comment).
  void Finish();
  void Interrupted();

 private:
  void Loop();
  void Draw(bool final);
  void Stop();

  const std::string what_;
  const Options options_;
  std::ostream& out_;
  const std::chrono::steady_clock::time_point start_;
  std::atomic<uint64_t> done_{0};
  std::atomic<uint64_t> total_{0};
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

// One progress line, without "\r" or colour: the bar form when `bar`, the
// plain form otherwise. `elapsed_s` > 0. Exposed for tests.
std::string RenderProgress(const std::string& what, const std::string& unit, uint64_t done, uint64_t total,
                           double elapsed_s, bool bar);

// "0:07", "1:02:03": an ETA or elapsed time in whole seconds.
std::string FormatClock(double seconds);

// SIGINT handling for long operations (see above). Idempotent.
void InstallInterruptHandler();
bool StopRequested();
// For tests: sets or clears the flag as a SIGINT would.
void RequestStop(bool stop);

}  // namespace cairn::cairnctl
