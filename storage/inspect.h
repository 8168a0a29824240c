// Offline inspection of a stopped server's data directory (cairnctl tsdb
// inspect / analyze). Opens RocksDB read-only and writes nothing; the WAL is
// only measured (samples not yet checkpointed are not counted).
//
//   auto r = storage::Inspect("/var/lib/cairn");
//   for (const auto& p : r->partitions) ...
//
// Thread-safety: plain functions; one call per data directory at a time is
// not required (read-only opens share nothing).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "storage/labels.h"
#include "storage/matcher.h"
#include "util/status.h"

namespace cairn::storage {

struct PartitionInfo {
  std::string name;              // chunks_YYYYMMDD
  int64_t min_time_ms = 0;       // oldest sample in its chunks (0 when empty)
  int64_t max_time_ms = 0;
  uint64_t series = 0;           // series with a chunk here
  uint64_t chunks = 0;
  uint64_t dense_blocks = 0;     // of `chunks`, those in the dense format (the rest XOR)
  uint64_t samples = 0;
  uint64_t chunk_bytes = 0;      // keys + values before RocksDB's compression
  uint64_t file_bytes = 0;       // its SST files
};

struct InspectReport {
  std::vector<PartitionInfo> partitions;  // oldest first
  uint64_t series = 0;                    // entries in `series`
  uint64_t chunks = 0;                    // stored chunks, all partitions
  uint64_t samples = 0;                   // in stored chunks
  uint64_t head_series = 0;               // series with checkpointed head state
  uint64_t head_samples = 0;              // in checkpointed open chunks and OOO buffers
  uint64_t tombstones = 0;
  int64_t min_time_ms = 0;                // over stored chunks and the head (0 when empty)
  int64_t max_time_ms = 0;
  uint64_t db_bytes = 0;                  // files under db/
  uint64_t wal_bytes = 0;                 // files under wal/
  uint64_t wal_segments = 0;
  // db_bytes / (samples + head_samples); 0 without samples.
  double bytes_per_sample = 0;
};

// Reads `data_dir` (the --storage.tsdb.path of a stopped server).
// `progress`, when set, is called with the number of chunks read so far.
Result<InspectReport> Inspect(const std::string& data_dir, const std::function<void(uint64_t)>& progress = {});

struct CountEntry {
  std::string name;
  uint64_t count = 0;
};

struct AnalyzeReport {
  int64_t min_time_ms = 0;
  int64_t max_time_ms = 0;
  uint64_t series = 0;              // series analysed (matching the matchers)
  uint64_t label_names = 0;
  uint64_t label_pairs = 0;         // distinct name=value pairs (postings)
  uint64_t label_pair_entries = 0;  // sum over series of their label count
  // promtool's churn: series that start after the data's first sample or
  // end before its last (counted per label pair and per label name).
  std::vector<CountEntry> churn_label_pairs;
  std::vector<CountEntry> churn_label_names;
  std::vector<CountEntry> common_label_pairs;           // series per name=value
  std::vector<CountEntry> label_names_by_value_length;  // sum of distinct values' lengths
  std::vector<CountEntry> label_names_by_cardinality;   // distinct values per name
  std::vector<CountEntry> metric_names_by_cardinality;  // series per metric name
  std::vector<CountEntry> largest_series_by_samples;    // series labels -> stored + head samples
  std::vector<CountEntry> largest_series_by_bytes;      // series labels -> stored chunk bytes
};

// Analyses the series matching every matcher (all when empty); each list
// keeps its `limit` largest entries.
Result<AnalyzeReport> Analyze(const std::string& data_dir, size_t limit, const Matchers& matchers,
                              const std::function<void(uint64_t)>& progress = {});

}  // namespace cairn::storage
