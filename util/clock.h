// Clock: Cairn's one time source. Only SystemClock reads the system clock;
// retention, rule evaluation, scraping, the API's default `time` and backoff
// take a Clock& so tests can drive time with ManualClock and never sleep.
// Thread-safety: both implementations may be called from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace cairn {

class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch (Prometheus' timestamp unit).
  virtual int64_t NowMs() const = 0;
};

class SystemClock final : public Clock {
 public:
  int64_t NowMs() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  // A process-wide instance for wiring in main().
  static SystemClock& Default() {
    static SystemClock clock;
    return clock;
  }
};

class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t start_ms = 0) : now_ms_(start_ms) {}
  int64_t NowMs() const override { return now_ms_.load(std::memory_order_relaxed); }
  void Set(int64_t t_ms) { now_ms_.store(t_ms, std::memory_order_relaxed); }
  void Advance(int64_t delta_ms) { now_ms_.fetch_add(delta_ms, std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> now_ms_;
};

}  // namespace cairn
