// Ticker: when the discovery Manager may hand its groups on. Prometheus
// coalesces discovery updates and sends at most one per `updatert` (5s);
// IntervalTicker does that with real time, ManualTicker lets a test decide
// when each send happens, so coalescing is tested without sleeping.
// Thread-safety: one thread calls WaitTick; others may call Tick.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <stop_token>

namespace cairn::scrape::discovery {

class Ticker {
 public:
  virtual ~Ticker() = default;
  // Blocks until the next tick; returns false once `stop` is requested.
  virtual bool WaitTick(std::stop_token stop) = 0;
};

class IntervalTicker final : public Ticker {
 public:
  explicit IntervalTicker(int64_t interval_ms) : interval_ms_(interval_ms) {}
  bool WaitTick(std::stop_token stop) override;

 private:
  const int64_t interval_ms_;
};

class ManualTicker final : public Ticker {
 public:
  bool WaitTick(std::stop_token stop) override;
  // Delivers one tick and returns once the waiting thread has handled it and
  // waits for the next one, so whatever the tick caused has happened.
  // Precondition: a thread keeps calling WaitTick (the Manager is running).
  void Tick();

 private:
  std::mutex mu_;
  std::condition_variable_any cv_;
  int pending_ = 0;      // ticks delivered but not yet taken
  bool waiting_ = false;  // the receiver is inside WaitTick
};

}  // namespace cairn::scrape::discovery
