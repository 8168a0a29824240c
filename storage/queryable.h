// The read face of storage, shaped like Prometheus' storage/interface.go.
//
// A Queryable hands out Queriers over a fixed, inclusive [min_t_ms, max_t_ms]
// window. A Querier selects series by matchers; each Series gives its labels
// and a fresh SeriesIterator over its samples in ascending time order, with
// out-of-order data already merged and deletions already applied.
//
// Lifetimes: a SeriesSet and every iterator it handed out must not outlive the
// Querier that made it. Thread-safety: a Queryable is safe from any thread; a
// Querier, SeriesSet and SeriesIterator belong to one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "storage/labels.h"
#include "storage/matcher.h"
#include "storage/sample.h"
#include "util/status.h"

namespace cairn::storage {

class SeriesIterator {
 public:
  virtual ~SeriesIterator() = default;
  // Advances to the next sample; false at the end or on error (see status()).
  virtual bool Next() = 0;
  // Moves to the first sample with t >= t_ms at or after the current position;
  // false when there is none. Seeking backwards does not move the iterator.
  virtual bool Seek(int64_t t_ms) = 0;
  // Valid after Next()/Seek() returned true.
  virtual Sample At() const = 0;
  // The current sample's start (created) timestamp, 0 when it has none. Only
  // storages that keep per-sample start timestamps override this.
  virtual int64_t AtST() const { return 0; }
  virtual Status status() const = 0;
};

class Series {
 public:
  virtual ~Series() = default;
  virtual const Labels& labels() const = 0;
  // A new iterator positioned before the first sample of the window.
  virtual std::unique_ptr<SeriesIterator> Iterator() const = 0;
};

class SeriesSet {
 public:
  virtual ~SeriesSet() = default;
  // Advances to the next series; false at the end or on error (see status()).
  virtual bool Next() = 0;
  // Valid after Next() returned true, until the next call to Next().
  virtual const Series& At() const = 0;
  virtual Status status() const = 0;
  // Non-fatal notes for the caller (surface as API warnings).
  virtual std::vector<std::string> Warnings() const { return {}; }
};

// Hints a query may pass down; storage may ignore them.
struct SelectHints {
  int64_t start_ms = 0;  // the window actually needed, within the Querier's
  int64_t end_ms = 0;
  int64_t step_ms = 0;
  std::string func;      // the function wrapping the selector, if any
  int64_t range_ms = 0;
  bool sorted = false;   // caller needs series sorted by labels
  size_t limit = 0;      // 0 = no limit on series returned
};

class Querier {
 public:
  virtual ~Querier() = default;
  // Series matching every matcher, with samples inside the window. With
  // hints.sorted the set is ordered by Labels::Compare.
  virtual std::unique_ptr<SeriesSet> Select(const SelectHints& hints, const Matchers& matchers) = 0;
  // Sorted distinct values of `name` over series matching `matchers` (all
  // series when empty) that have data in the window.
  virtual Result<std::vector<std::string>> LabelValues(const std::string& name,
                                                       const Matchers& matchers) = 0;
  // Sorted distinct label names, likewise.
  virtual Result<std::vector<std::string>> LabelNames(const Matchers& matchers) = 0;
};

class Queryable {
 public:
  virtual ~Queryable() = default;
  virtual Result<std::unique_ptr<Querier>> NewQuerier(int64_t min_t_ms, int64_t max_t_ms) = 0;
};

// One chunk in Prometheus' own encoding (XOR: 2-byte big-endian sample count
// then the Gorilla bitstream), as remote read's STREAMED_XOR_CHUNKS carries it.
struct EncodedChunk {
  enum class Encoding : uint8_t { kXOR = 1 };  // values as in remote.proto's Chunk.Encoding
  int64_t min_t_ms = 0;
  int64_t max_t_ms = 0;
  Encoding encoding = Encoding::kXOR;
  std::string data;
};

class ChunkSeriesSet {
 public:
  virtual ~ChunkSeriesSet() = default;
  // Advances to the next series (sorted by labels); false at end or on error.
  virtual bool Next() = 0;
  virtual const Labels& labels() const = 0;
  // The current series' chunks, ascending and non-overlapping, holding only
  // samples inside the window.
  virtual const std::vector<EncodedChunk>& chunks() const = 0;
  virtual Status status() const = 0;
};

class ChunkQueryable {
 public:
  virtual ~ChunkQueryable() = default;
  virtual Result<std::unique_ptr<ChunkSeriesSet>> SelectChunks(int64_t min_t_ms, int64_t max_t_ms,
                                                               const Matchers& matchers) = 0;
};

}  // namespace cairn::storage
