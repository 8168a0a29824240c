// SeriesReclaimer: frees head series that CleanTombstones removed, once no
// thread can still hold a pointer to them (two-epoch reclamation).
//
// Appenders keep MemSeries pointers from Append to Commit, and reads use one
// between finding it in the head map and copying its chunks, without a lock
// the remover takes. So a removed series is first unlinked from the head map
// and Retire()d here; every such pointer is taken inside a Pin (Enter()), and
// a retired series is freed only after every pin that existed when it was
// retired has ended. Pins count in one of two buckets by epoch parity;
// Reclaim() flips the epoch so new pins land in the other bucket and frees
// the previous batch once its bucket drains. A pinned holder may still
// Unretire() a series to bring it back (an appender committing to it).
//
// Memory order: pins and the epoch use sequentially consistent operations
// (a pin is a store followed by a load of the epoch, the flip the reverse).
// Thread-safety: all methods are safe from any thread.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "storage/head/mem_series.h"
#include "storage/labels.h"

namespace cairn::storage::head {

class SeriesReclaimer {
 public:
  class Pin {
   public:
    Pin() = default;
    Pin(Pin&& o) noexcept : count_(o.count_) { o.count_ = nullptr; }
    Pin& operator=(Pin&& o) noexcept {
      Release();
      count_ = o.count_;
      o.count_ = nullptr;
      return *this;
    }
    ~Pin() { Release(); }
    bool held() const { return count_ != nullptr; }
    void Release() {
      if (count_ != nullptr) count_->fetch_sub(1, std::memory_order_release);
      count_ = nullptr;
    }

   private:
    friend class SeriesReclaimer;
    explicit Pin(std::atomic<int64_t>* count) : count_(count) {}
    std::atomic<int64_t>* count_ = nullptr;
  };

  // Pointers to head series taken while the pin is held stay valid until it
  // is released.
  Pin Enter();

  // Takes a series already unlinked from the head map (and the index), with
  // its labels for Unretire's caller.
  void Retire(std::unique_ptr<MemSeries> series, Labels labels);
  // Hands a retired, not yet freed series back (the caller holds a pin that
  // found it), with its labels; nullptr when `s` is not retired.
  std::unique_ptr<MemSeries> Unretire(const MemSeries* s, Labels* labels);
  // Frees what no pin can reach any more; returns how many series it freed.
  size_t Reclaim();
  // Series retired and not yet freed.
  size_t Pending() const;

 private:
  struct Retired {
    std::unique_ptr<MemSeries> series;
    Labels labels;
  };
  // Frees `waiting_` if its bucket drained; requires mu_.
  size_t FreeWaitingLocked();

  std::atomic<uint64_t> epoch_{0};
  std::array<std::atomic<int64_t>, 2> pins_{};
  mutable std::mutex mu_;
  std::vector<Retired> retired_;  // guarded by mu_: retired since the last flip
  std::vector<Retired> waiting_;  // guarded by mu_: retired before the last flip
  uint64_t waiting_parity_ = 0;   // guarded by mu_: bucket the pins that may reach waiting_ count in
};

}  // namespace cairn::storage::head
