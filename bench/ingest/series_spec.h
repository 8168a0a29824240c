// SeriesSpec: one generated series — its sorted label set and how its values evolve.
//
// Plain data, built once by BuildNodeSeries() and then only read, so any number of
// threads may share a const std::vector<SeriesSpec>.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace cairn::bench {

// How a series' value changes from one scrape to the next.
enum class ValueKind {
  kCounterCents,    // monotonic, grows by ~rate per second, 2 decimals (node_cpu_seconds_total)
  kCounterInt,      // monotonic, integer increments around rate per second (network bytes/packets)
  kGaugeCents,      // bounded random walk with 2 decimals (node_load1)
  kGaugePages,      // bounded random walk in 4 KiB steps (node_memory_*, node_filesystem_*)
  kConstant,        // never changes (node_memory_MemTotal_bytes, node_filesystem_size_bytes)
  kHistogramBucket, // cumulative count of observations <= le (the instance's histogram)
  kHistogramSum,    // running sum of the same observations, 4 decimals
  kHistogramCount,  // running count of the same observations
};

struct SeriesSpec {
  // Sorted by name, `__name__` included, no duplicates: what remote write requires.
  std::vector<std::pair<std::string, std::string>> labels;
  ValueKind kind = ValueKind::kConstant;
  uint32_t instance = 0;  // index of the scraped instance; all its series share scrape times
  double start = 0;       // first value
  double rate = 0;        // counters: mean increase per second; gauges: step scale
  double low = 0;         // gauges stay within [low, high]
  double high = 0;
  double le = 0;          // histogram buckets: upper bound (+Inf for the last one)
};

}  // namespace cairn::bench
