// MemoryStorage: a complete, non-durable storage held in process memory. It is
// what `promql-test` loads scripts into and what unit tests of upper layers
// use instead of the RocksDB engine. Samples of a series are kept sorted by
// time; out-of-order appends are accepted. Start timestamps given on Append
// (AppendOptions::start_t_ms) are kept per sample and read back by AtST().
// Thread-safety: all methods are safe from any thread (one mutex); Queriers
// see a snapshot copy of the matching series taken at Select time.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "storage/appender.h"
#include "storage/queryable.h"

namespace cairn::storage {

class MemoryStorage final : public Queryable, public Appendable {
 public:
  MemoryStorage() = default;

  Result<std::unique_ptr<Querier>> NewQuerier(int64_t min_t_ms, int64_t max_t_ms) override;
  std::unique_ptr<Appender> NewAppender() override;

  // Drops all series (the `clear` command of test scripts).
  void Clear();
  size_t NumSeries() const;

 private:
  friend class MemoryAppender;
  friend class MemoryQuerier;
  struct SeriesData {
    Labels labels;
    std::vector<Sample> samples;  // ascending by t_ms, unique timestamps
    std::vector<int64_t> starts;  // parallel to samples; 0 = no start timestamp
  };
  struct PendingSample {
    Sample sample;
    int64_t start_t_ms = 0;
  };
  // What Append refuses: invalid labels of a series not stored yet (unless
  // `known_valid`), and a stored sample at the same timestamp with other value bits.
  Status CheckAppend(const Labels& labels, const Sample& s, bool known_valid = false) const;
  void Insert(const Labels& labels, const std::vector<PendingSample>& samples);

  mutable std::mutex mu_;
  std::map<Labels, SeriesData> series_;  // ordered by Labels::Compare
};

}  // namespace cairn::storage
