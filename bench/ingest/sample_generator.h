// SampleGenerator: the value and timestamp of every series at every scrape round.
//
// Round r of instance i is scraped at
//   start_ms + r * interval_ms + offset(i) + jitter(i, r),
// where offset(i) in [0, interval_ms) spreads instances over the interval and
// jitter(i, r) in [-jitter_ms, +jitter_ms] models scrape-time noise; both depend only
// on (seed, i, r). Values: counters only grow, gauges walk within bounds with limited
// precision (cents or 4 KiB pages), and an instance's histogram series are derived
// from the same per-round observations, so buckets stay cumulative and consistent
// with _count and _sum.
//
// Thread-safety: each series holds its own state. Different threads may call
// NextValue() concurrently for *different* series; one series must be advanced by
// one thread, round after round, starting at round 0. The output for a seed is the
// same whatever the thread partitioning.
#pragma once

#include <cstdint>
#include <vector>

#include "bench/ingest/series_spec.h"
#include "bench/ingest/split_mix.h"

namespace cairn::bench {

struct ScrapeSchedule {
  int64_t start_ms = 0;        // timestamp base of round 0
  int64_t interval_ms = 15000;  // scrape interval
  int64_t jitter_ms = 5;       // max absolute per-scrape jitter; must be < interval_ms / 2
};

class SampleGenerator {
 public:
  // `specs` must outlive the generator.
  SampleGenerator(const std::vector<SeriesSpec>* specs, uint64_t seed, ScrapeSchedule schedule);

  // Scrape timestamp of `instance` at `round`; strictly increasing in round.
  int64_t TimestampMs(uint32_t instance, uint32_t round) const;

  // The value of series `index` at `round`. Precondition: `round` is 0 on the first
  // call for this series and then goes up by one per call.
  double NextValue(size_t index, uint32_t round);

  size_t size() const { return specs_->size(); }
  const SeriesSpec& spec(size_t index) const { return (*specs_)[index]; }

 private:
  struct State {
    double value;
    SplitMix64 rng;
  };

  // The instance's histogram observations in one round: how many are <= le, and
  // (when le is +Inf) their sum.
  void Observe(uint32_t instance, uint32_t round, double le, double* count, double* sum) const;

  const std::vector<SeriesSpec>* specs_;
  uint64_t seed_;
  ScrapeSchedule schedule_;
  std::vector<State> state_;
};

}  // namespace cairn::bench
