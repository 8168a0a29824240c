// CardinalityStats: the cardinality figures /api/v1/status/tsdb lists, as a
// storage reports them (Prometheus' index.PostingsStats). DB reads them off
// its index's postings (storage/index/series_index.h), one pass over the
// distinct label pairs; the API computes them from series for match[].
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace cairn::storage {

struct CardinalityStats {
  // (name, count) lists, each sorted by count descending then name, cut to
  // the limit the caller asked for.
  using Top = std::vector<std::pair<std::string, uint64_t>>;
  uint64_t num_series = 0;
  uint64_t num_label_pairs = 0;          // distinct name=value pairs
  Top series_count_by_metric_name;       // postings length of __name__=<value>
  Top label_value_count_by_label_name;   // distinct values per name
  Top memory_in_bytes_by_label_name;     // sum of the distinct values' lengths per name
  Top series_count_by_label_value_pair;  // postings length of "name=value"
};

// Sorts `items` by count descending, then name, and keeps the first `limit`.
void SortAndCut(CardinalityStats::Top* items, size_t limit);

}  // namespace cairn::storage
