// The read-side classes of DB: DBQuerier (Querier over a fixed window),
// DBSeriesSet (matching series in label order, samples loaded one series at
// a time) and DBChunkSeriesSet (remote read's chunks, passed through in
// Prometheus' encoding unless they must be cut to the window or merged).
// Thread-safety: each object belongs to one thread; none may outlive the DB.
#pragma once

#include <memory>
#include <utility>
#include <vector>

#include "storage/db.h"
#include "storage/series_load_ahead.h"

namespace cairn::storage {

class DBQuerier final : public Querier {
 public:
  DBQuerier(DB* db, int64_t min_t_ms, int64_t max_t_ms);

  std::unique_ptr<SeriesSet> Select(const SelectHints& hints, const Matchers& matchers) override;
  Result<std::vector<std::string>> LabelValues(const std::string& name, const Matchers& matchers) override;
  Result<std::vector<std::string>> LabelNames(const Matchers& matchers) override;

 private:
  DB* db_;
  int64_t min_t_ms_;
  int64_t max_t_ms_;
  std::unique_ptr<ChunkStore::Reader> reader_;
};

// Matching series refs with their labels, sorted by labels.
std::vector<std::pair<const Labels*, SeriesRef>> SortedSeries(const index::SeriesIndex& index,
                                                              const Matchers& matchers);

class DBSeriesSet final : public SeriesSet {
 public:
  DBSeriesSet(const DB* db, ChunkStore::Reader* reader, int64_t min_t_ms, int64_t max_t_ms,
              std::vector<std::pair<const Labels*, SeriesRef>> series, size_t limit);
  ~DBSeriesSet() override;
  bool Next() override;
  const Series& At() const override;
  Status status() const override { return status_; }

 private:
  class VectorSeries;
  const DB* db_;
  ChunkStore::Reader* reader_;
  int64_t min_t_ms_, max_t_ms_;
  std::vector<std::pair<const Labels*, SeriesRef>> series_;
  size_t next_ = 0;
  size_t limit_;
  size_t returned_ = 0;
  std::unique_ptr<VectorSeries> current_;
  std::shared_ptr<std::vector<Sample>> samples_;  // the current series' samples (synchronous loading)
  std::unique_ptr<SeriesLoadAhead> ahead_;        // loading on a thread, for large selections
  Status status_;
};

class DBChunkSeriesSet final : public ChunkSeriesSet {
 public:
  DBChunkSeriesSet(DB* db, int64_t min_t_ms, int64_t max_t_ms, const Matchers& matchers);
  bool Next() override;
  const Labels& labels() const override { return *series_[next_ - 1].first; }
  const std::vector<EncodedChunk>& chunks() const override { return chunks_; }
  Status status() const override { return status_; }

 private:
  Status Load(SeriesRef ref);
  DB* db_;
  int64_t min_t_ms_, max_t_ms_;
  std::unique_ptr<ChunkStore::Reader> reader_;
  std::vector<std::pair<const Labels*, SeriesRef>> series_;
  size_t next_ = 0;
  std::vector<EncodedChunk> chunks_;
  Status status_;
};

}  // namespace cairn::storage
