// WalWatcher: tails Cairn's WAL segments as Prometheus' wlog.Watcher does —
// series records and sample records are handed on in the order written — but
// from a saved position, so a queue resumes where it stopped. It reads the
// files only; the DB keeps writing them (and keeps the segments a queue still
// needs, DBOptions::wal_keep_from).
//
// A record cut short at the end of the newest segment is a write in
// progress (or a crash the next start truncates): it is waited on, never
// skipped. Only a damaged record in a segment that is no longer written is
// skipped with the rest of its segment, as is a segment deleted before it
// was read (the size bound on kept segments); both count as skipped.
// Thread-safety: Run() on one thread; the counters from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <stop_token>
#include <string>
#include <vector>

#include "storage/wal/records.h"

namespace cairn::remote {

// A byte position in the WAL: segment number and offset in it.
struct WalPosition {
  uint64_t segment = 0;
  uint64_t offset = 0;
  friend bool operator==(const WalPosition&, const WalPosition&) = default;
};

class WalHandler {
 public:
  virtual ~WalHandler() = default;
  virtual void OnSeries(const std::vector<storage::wal::RefSeries>& series) = 0;
  // The samples of one record; `end` is the position just after it.
  // Returns false to stop the watcher.
  virtual bool OnSamples(const std::vector<storage::wal::RefSample>& samples, WalPosition end) = 0;
  // Called when the watcher has read everything written so far (before it
  // waits for more), so batches need not wait for their deadline.
  virtual void OnIdle() {}
};

class WalWatcher {
 public:
  WalWatcher(std::string dir, WalHandler* handler, int poll_ms = 20);

  // Where a queue without a saved position starts: the end of the newest
  // segment (Prometheus, too, sends only what is written after it starts).
  static WalPosition EndOfWal(const std::string& dir);

  // Reads from `from` until `stop` is requested or the handler says stop.
  void Run(WalPosition from, std::stop_token stop);

  uint64_t current_segment() const { return current_segment_.load(std::memory_order_relaxed); }
  uint64_t series_records_total() const { return series_records_.load(std::memory_order_relaxed); }
  uint64_t sample_records_total() const { return sample_records_.load(std::memory_order_relaxed); }
  uint64_t segments_skipped_total() const { return segments_skipped_.load(std::memory_order_relaxed); }

 private:
  // Reads what is complete in `pos.segment` from `pos.offset` on, advancing
  // `pos`. Returns false when the handler asked to stop; `*torn` tells
  // whether bytes were left that do not form a whole, intact record.
  bool ReadSegment(WalPosition* pos, bool* torn, std::stop_token stop);
  bool Dispatch(uint8_t type, std::string_view payload, WalPosition end);

  const std::string dir_;
  WalHandler* const handler_;
  const int poll_ms_;
  std::vector<storage::wal::RefSeries> series_buf_;
  std::vector<storage::wal::RefSample> samples_buf_;
  std::atomic<uint64_t> current_segment_{0};
  std::atomic<uint64_t> series_records_{0};
  std::atomic<uint64_t> sample_records_{0};
  std::atomic<uint64_t> segments_skipped_{0};
};

}  // namespace cairn::remote
